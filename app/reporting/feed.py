"""The Atom feed of published status reports, in the shape of app/feeds' feeds."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.feeds.definitions import Entry, Feed, site_name
from app.feeds.ids import as_utc, tag_uri
from app.feeds.queries import Summary
from app.formatting import date_format
from app.urls import external_url
from app.models import Report


class ReportsFeed(Feed):
    """Each published report, newest reporting day first."""

    kind = "reports"
    endpoint = "reporting.feed"

    def title(self) -> str:
        return _("Sachstandsberichte – %(site)s", site=site_name())

    def description(self) -> str:
        return _("Die veröffentlichten Sachstandsberichte zur Digitalstrategie von %(site)s.", site=site_name())

    def link(self) -> str:
        return external_url("reporting.archive")

    def summary(self) -> Summary:
        count, latest = db.session.execute(
            select(func.count(Report.id), func.max(Report.published_at)).where(Report.published.is_(True))
        ).one()
        return Summary(count, latest)

    def items(self, limit: int) -> list[Report]:
        return list(db.session.scalars(Report.select_published().limit(limit)))

    def entry(self, report: Report) -> Entry:
        published = as_utc(report.published_at or report.issued_at)
        title = _("Sachstandsbericht zum %(date)s", date=date_format(report.reporting_date))
        return Entry(
            id=tag_uri("report", report.id),
            title=title,
            link=external_url("reporting.report", report_id=report.id),
            published=published,
            updated=published,
            content="<p>" + _("Der Sachstandsbericht zum Stichtag %(date)s ist erschienen, als Webseite und als PDF.",
                              date=date_format(report.reporting_date)) + "</p>",
            author=site_name(),
        )
