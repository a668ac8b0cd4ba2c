"""The quality bar on the report administration, signed in as an admin in a real browser: the
list with the issue form, its form errors, and the internal version of a report (vnu, axe at
1280 and 320 px, one h1, nothing refused by the Content-Security-Policy)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.models import Role
from app.progress import today
from app.reporting import reports
from tests.builders.auth import make_account
from tests.builders.quality import build_quality_site
from tests.helpers.live import serving
from tests.helpers.quality import (
    assert_documents_valid, assert_no_refusal_on, check_get, check_page, page_params, submit,
)
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser


@dataclass
class Data:
    admin_email: str
    report_id: int


def build_site() -> Data:
    build_quality_site()
    admin = make_account(email="berichte@example.org", roles=(Role.ADMIN,), display_name="Berta Bericht")
    first = reports.issue_report(admin, today() - timedelta(days=30), None)
    second = reports.issue_report(admin, today(), first.id)
    return Data(admin.email, second.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("reporting-staff-quality"), build_site) as live:
        yield live


GET_PAGES = [
    ("reports", "reporting_admin.reports_page", {}),
    ("report-internal", "reporting_admin.report", {"report_id": "report_id"}),
]


@pytest.mark.parametrize(("case", "lang"), page_params(GET_PAGES))
def test_report_admin_pages(server, page, documents, case, lang):
    sign_in_browser(page, server, server.data.admin_email)
    check_get(page, server, documents, case, lang)


def test_issue_form_errors(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("reporting_admin.reports_page"))
    page.fill("#reporting_date", (today() + timedelta(days=5)).isoformat())
    check_page(page, submit(page, "main form [type=submit]", first=True), documents, "issue-errors", status=422)


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in_browser(page_strict, server, server.data.admin_email)
    assert_no_refusal_on(page_strict, [server.url_for("reporting_admin.reports_page"),
                                       server.url_for("reporting_admin.report", report_id=server.data.report_id)])


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert_documents_valid(documents)
