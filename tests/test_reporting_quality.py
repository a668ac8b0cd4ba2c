"""The quality bar (vnu, axe at 1280 and 320 px, no JavaScript needed, German content marked)
on the reporting pages: the state at a date, the date form, the report archive and a report."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.extensions import db
from app.progress import today
from app.reporting import reports
from app.reporting.state import SINCE_SETTING
from app.settings import set_setting
from tests.builders import make_admin
from tests.builders.quality import QualitySite, build_quality_site
from tests.helpers.live import serving
from tests.helpers.quality import PageCase, PublicPageChecks, PublicSite


@dataclass(frozen=True)
class ReportingSite(QualitySite):
    report_id: int = 0
    day: str = ""
    early_day: str = ""


def build_reporting_site() -> ReportingSite:
    site = build_quality_site()
    set_setting(SINCE_SETTING, (today() - timedelta(days=60)).isoformat())
    db.session.flush()
    report = reports.issue_report(make_admin(), today(), None)
    reports.set_published(make_admin(), report, True)
    return ReportingSite(**vars(site), report_id=report.id, day=today().isoformat(),
                         early_day=(today() - timedelta(days=100)).isoformat())


PAGES = [
    PageCase("state", "reporting.state_at", {"day": "day"}),
    PageCase("state-field", "reporting.state_field", {"day": "day", "field_slug": "field_slug"}),
    PageCase("state-before-recording", "reporting.state_field", {"day": "early_day", "field_slug": "field_slug"}),
    PageCase("state-form", "reporting.state_form"),
    PageCase("state-future", "reporting.state_at", {"day": "9999-12-31"}, status=400),
    PageCase("state-invalid", "reporting.state_at", {"day": "2025-02-30"}, status=404),
    PageCase("reports", "reporting.archive"),
    PageCase("report", "reporting.report", {"report_id": "report_id"}),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("reporting-quality"), build_reporting_site) as server:
        yield PublicSite(server)


class TestReportingPages(PublicPageChecks):
    cases = PAGES
