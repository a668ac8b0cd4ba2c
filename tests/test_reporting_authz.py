"""Who may use the report administration: every route of it against every role, in German and
English. The internal version answers 404 to everyone who may not read it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import Report
from app.progress import today
from app.reporting import reports
from tests.builders import make_admin, make_department, make_editor, make_moderator, make_user
from tests.helpers.authz import LOGIN, table_gaps, walk

ROLES = ("anonymous", "citizen", "editor", "moderator", "admin")
PREFIX = "reporting_admin."
# Invalid on purpose: an allowed POST answers 422 and changes nothing.
INVALID_FORM = {"reporting_date": "kein Datum", "published": "vielleicht"}

#                                                   anon   citizen editor mod  admin
TABLE = {
    ("GET", "reporting_admin.reports_page"):        (LOGIN, 403, 200, 403, 200),
    ("POST", "reporting_admin.reports_page"):       (LOGIN, 403, 403, 403, 422),
    ("GET", "reporting_admin.report"):              (404, 404, 200, 404, 200),
    ("GET", "reporting_admin.report_pdf"):          (404, 404, 200, 404, 200),
    ("POST", "reporting_admin.publish"):            (LOGIN, 403, 403, 403, 422),
}


@pytest.fixture
def report_id(app, db, monkeypatch):
    monkeypatch.setattr("app.reporting.rendering.render_pdf", lambda report, lang, variant: b"%PDF-1.7 stub")
    report = reports.issue_report(make_admin(), today() - timedelta(days=1), None)
    db.session.commit()
    return report.id


def test_table_covers_every_route(app):
    missing, gone = table_gaps(app, TABLE, PREFIX)
    assert not missing and not gone, (missing, gone)


@pytest.mark.parametrize("column, role", list(enumerate(ROLES)))
def test_each_role_gets_what_the_table_says(auth, app, db, client, report_id, column, role):
    users = {
        "citizen": lambda: make_user(),
        "editor": lambda: make_editor(make_department()),
        "moderator": make_moderator,
        "admin": make_admin,
    }
    if role != "anonymous":
        user = users[role]()
        db.session.commit()
        auth.sign_in(user)
    values = {"report_id": report_id, "variant": "internal", "language": "de"}
    failures = walk(app, client, TABLE, column, PREFIX, values, INVALID_FORM)
    assert not failures, "\n".join(failures)
    assert db.session.query(Report).filter_by(published=True).count() == 0


def test_internal_pdf_is_refused_by_the_download_itself(app, db, report_id):
    """Not only the route: serving the internal version checks the reader too."""
    from werkzeug.exceptions import NotFound

    from app.models import ReportVariant
    from app.reporting import downloads

    report = db.session.get(Report, report_id)
    with app.test_request_context("/"):
        with pytest.raises(NotFound):
            downloads.pdf_answer(report, "de", ReportVariant.INTERNAL)
        assert downloads.pdf_answer(report, "de", ReportVariant.PUBLIC).status_code == 200


@pytest.mark.parametrize("query", ["?lang=xx", "?lang=de&lang=en"])
def test_reports_api_answers_a_bad_language_with_json_400(app, db, client, report_id, query):
    for path in ("/api/v1/reports", f"/api/v1/reports/{report_id}"):
        answer = client.get(path + query)
        assert answer.status_code == 400, path
        assert answer.is_json and answer.get_json()["error"]["code"]
        assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_reports_api_names_no_unpublished_previous_report(app, db, client, monkeypatch):
    monkeypatch.setattr("app.reporting.rendering.render_pdf", lambda report, lang, variant: b"%PDF-1.7 stub")
    admin = make_admin()
    kept_internal = reports.issue_report(admin, today() - timedelta(days=10), None)
    later = reports.issue_report(admin, today() - timedelta(days=1), kept_internal.id)
    reports.set_published(admin, later, True)
    db.session.commit()

    assert client.get(f"/api/v1/reports/{later.id}").get_json()["data"]["previous_id"] is None
    reports.set_published(admin, kept_internal, True)
    db.session.commit()
    assert client.get(f"/api/v1/reports/{later.id}").get_json()["data"]["previous_id"] == kept_internal.id


def test_reports_api_list_costs_the_same_for_more_reports(app, db, client, monkeypatch, count_queries):
    """Each published report compared with one kept internal: naming or hiding the earlier one
    must not cost a query per report."""
    monkeypatch.setattr("app.reporting.rendering.render_pdf", lambda report, lang, variant: b"%PDF-1.7 stub")
    admin = make_admin()

    def issue_pair(days_ago: int):
        internal = reports.issue_report(admin, today() - timedelta(days=days_ago + 1), None)
        published = reports.issue_report(admin, today() - timedelta(days=days_ago), internal.id)
        reports.set_published(admin, published, True)
        db.session.commit()

    issue_pair(30)
    with count_queries() as few:
        assert len(client.get("/api/v1/reports").get_json()["data"]) == 1
    issue_pair(20)
    issue_pair(10)
    with count_queries() as more:
        listed = client.get("/api/v1/reports").get_json()["data"]
    assert len(listed) == 3 and all(item["previous_id"] is None for item in listed)
    assert more.count == few.count
