"""Status reports: issuing (snapshot and PDFs, once), publishing, and what may be served to whom.

Functions take the acting user and plain data, check permissions themselves and raise
PermissionDenied or ReportRefused; the caller commits.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from app import audit
from app.auth.permissions import require_role
from app.extensions import db
from app.i18n import LANGUAGES
from app.internal import services as lights_service
from app.models import Report, ReportFile, ReportVariant, Role, User, utcnow
from app.models.internal import Light
from app.progress import today
from app.reporting import rendering, snapshot
from app.reporting.figures import day_start_utc
from app.settings import get_setting

# Staff who may read the internal version (it carries the traffic lights and risk notes).
INTERNAL_READERS = (Role.ADMIN, Role.EDITOR)
# Who issues and publishes reports.
ISSUERS = (Role.ADMIN,)


class ReportRefused(Exception):
    """A report that cannot be issued as asked; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def internal_sections(day: date, report_snapshot: dict) -> list[dict]:
    """The staff-only sections of a report: the traffic lights and notes as they stood at the end
    of the reporting day (app/internal).

    Called once when a report is issued; the result is frozen in the snapshot under "internal"
    and shown only in the internal HTML page and PDFs, never in the public ones, the feed or the
    API. Each section is a dict; a cell is text, or {"de": ..., "en": ...} where it is a label:
        {"id": "ampel", "title_de": "...", "title_en": "...",
         "columns_de": [...], "columns_en": [...], "rows": [[cell, ...], ...]}
    """
    milestones = report_snapshot["milestones"]
    lights = lights_service.internal_sections(
        [int(key) for key in milestones], as_of=day_start_utc(day + timedelta(days=1)))
    if not lights:
        return []
    order = {light.value: n for n, light in enumerate((Light.CRITICAL, Light.AT_RISK, Light.ON_TRACK))}
    rows = []
    for milestone_id, entry in sorted(lights.items(), key=lambda item: (order[item[1].light], item[0])):
        milestone = milestones[str(milestone_id)]
        labels = {}
        for lang in LANGUAGES:
            with force_locale(lang):
                labels[lang] = lights_service.light_label(entry.light)
        rows.append([milestone["title"], labels, entry.note or "–", entry.set_at.date().isoformat()])
    return [{
        "id": "ampel", "title_de": "Ampel und interne Notizen", "title_en": "Traffic lights and internal notes",
        "columns_de": ["Etappenziel", "Ampel", "Notiz", "Gesetzt am"],
        "columns_en": ["Milestone", "Light", "Note", "Set on"],
        "rows": rows,
    }]


def can_read_internal(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.active and user.has_role(*INTERNAL_READERS)


def issue_report(actor: User, day: date, previous_id: int | None) -> Report:
    """Freeze the state of `day` as a report: snapshot and the four PDFs, rendered this once."""
    require_role(actor, *ISSUERS)
    if day > today():
        raise ReportRefused(_l("Der Stichtag darf nicht in der Zukunft liegen."))
    previous = None
    if previous_id is not None:
        previous = db.session.get(Report, previous_id)
        if previous is None:
            raise ReportRefused(_l("Diesen früheren Bericht gibt es nicht."))
        if previous.reporting_date >= day:
            raise ReportRefused(_l("Der frühere Bericht muss einen früheren Stichtag haben."))
    data = snapshot.build(day, previous, int(get_setting("stale_after_days")))
    data["internal"] = internal_sections(day, data)
    report = Report(reporting_date=day, previous=previous, issued_by_id=actor.id, snapshot=data)
    db.session.add(report)
    db.session.flush()
    for lang in LANGUAGES:
        for variant in ReportVariant:
            content = rendering.render_pdf(report, lang, variant)
            report.files.append(ReportFile(
                language=lang, variant=variant.value, content=content,
                sha256=hashlib.sha256(content).hexdigest(), size=len(content),
            ))
    db.session.flush()
    audit.record(actor, audit.AuditAction.CREATE, "report", report.id, day.isoformat(),
                 after={"reporting_date": day.isoformat(), "previous_id": previous_id})
    return report


def set_published(actor: User, report: Report, published: bool) -> Report:
    """Publish the public version, or take it back (the internal one is never public)."""
    require_role(actor, *ISSUERS)
    if report.published == published:
        return report
    before = {"published": report.published}
    report.published = published
    report.published_at = utcnow() if published else None
    db.session.flush()
    audit.record(actor, audit.AuditAction.UPDATE, "report", report.id, report.reporting_date.isoformat(),
                 before=before, after={"published": published})
    return report


def published_reports() -> list[Report]:
    """Newest first, each with the report it was compared with (the API names it once published)."""
    return list(db.session.scalars(Report.select_published().options(joinedload(Report.previous))))


def all_reports() -> list[Report]:
    return list(db.session.scalars(Report.select_all()))


def published_report(report_id: int) -> Report | None:
    return db.session.scalar(Report.select_published().where(Report.id == report_id))


def stored_pdf(report: Report, lang: str, variant: ReportVariant) -> ReportFile | None:
    """The PDF as it was rendered at issue time (never rendered again)."""
    return db.session.scalar(select(ReportFile).options(undefer(ReportFile.content)).where(
        ReportFile.report_id == report.id, ReportFile.language == lang, ReportFile.variant == variant.value,
    ))


def last_published_report() -> Report | None:
    return db.session.scalar(Report.select_published().limit(1))
