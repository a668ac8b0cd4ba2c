"""One all-day event per milestone target date, with a UID that survives renaming and re-planning.

SEQUENCE counts the re-plannings, so calendar programs replace the old date instead of
showing both; LAST-MODIFIED and DTSTAMP follow the milestone's last change.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.feeds.ids import as_utc, calendar_uid
from app.formatting import date_format, percent, status_label
from app.i18n import localized
from app.urls import external_url
from app.models import Milestone
from app.progress import MilestoneStatus

PRODUCT_ID = "-//Etappen//Zieltermine//DE"


def event(milestone: Milestone, replannings: int) -> Event:
    changed = as_utc(milestone.updated_at or milestone.created_at)
    item = Event()
    item.add("uid", calendar_uid(milestone.id))
    item.add("summary", localized(milestone, "title"))
    item.add("dtstart", milestone.target_date)
    item.add("dtend", milestone.target_date + timedelta(days=1))
    item.add("dtstamp", changed)
    item.add("last-modified", changed)
    item.add("sequence", replannings)
    item.add("url", external_url("public.milestone", slug=milestone.slug))
    item.add("categories", [localized(milestone.field, "name")])
    item.add("transp", "TRANSPARENT")
    item.add("status", "CANCELLED" if milestone.status == MilestoneStatus.CANCELLED else "CONFIRMED")
    summary = localized(milestone, "summary")
    lines = [summary] if summary else []
    lines.append(_("Status: %(status)s, Fortschritt: %(progress)s",
                   status=status_label(milestone.status), progress=percent(milestone.effective_progress)))
    if milestone.is_replanned:
        lines.append(_("Neu geplant; ursprünglicher Zieltermin: %(date)s",
                       date=date_format(milestone.original_target_date)))
    item.add("description", "\n".join(lines))
    return item


def calendar(name: str, description: str, rows: list[tuple[Milestone, int]], refresh_hours: int = 12) -> bytes:
    """The calendar file (UTF-8, CRLF line ends) for the given milestones."""
    document = Calendar()
    document.add("prodid", PRODUCT_ID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("name", name)
    document.add("x-wr-calname", name)
    document.add("description", description)
    document.add("x-wr-caldesc", description)
    document.add("refresh-interval", timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", f"PT{refresh_hours}H")
    for milestone, replannings in rows:
        document.add_component(event(milestone, replannings))
    return document.to_ical()
