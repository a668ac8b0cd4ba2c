"""Status reports: issuing, freezing, comparing, the PDF, publishing, archive, feed and API."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from pypdf import PdfReader

from app.auth.permissions import PermissionDenied
from app.extensions import db as _db
from app.internal import services as lights
from app.internal.services import LightData
from app.models import Report, ReportVariant
from app.progress import today
from app.reporting import rendering, reports
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_field, make_milestone
from tests.builders.reporting import edit, set_recorded_since

# Also run against PostgreSQL (make test-postgres): JSON snapshots, stored PDFs, the window query.
pytestmark = [pytest.mark.postgres, pytest.mark.app_config(BASE_URL="https://etappen.example.de")]


@pytest.fixture
def world(app, db):
    set_recorded_since(today() - timedelta(days=400))
    department = make_department("Bürgerservice-Amt")
    fields = [make_field("Bürgerservice online"), make_field("Digitale Schule")]
    admin = make_admin()
    milestones = {}
    for key, field, planned in (("konto", 0, "50000.00"), ("akte", 0, "20000.00"), ("tablets", 1, "80000.00")):
        milestone = make_milestone(f"Etappenziel {key}", field=fields[field], department=department,
                                   planned=Decimal(planned), target_date=today() + timedelta(days=60))
        milestone.created_at -= timedelta(days=300)
        milestones[key] = milestone
    db.session.commit()
    return admin, fields, milestones


def issue(admin, day, previous=None) -> Report:
    report = reports.issue_report(admin, day, previous.id if previous else None)
    _db.session.commit()
    return report


def pdf_text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_report_against_the_previous_lists_exactly_what_changed(world, monkeypatch):
    admin, fields, m = world
    first_day = today() - timedelta(days=30)
    first = issue(admin, first_day)
    day = today() - timedelta(days=10)
    edit(admin, m["konto"], day, "status", "completed", monkeypatch)
    edit(admin, m["akte"], day, "target_date", today() + timedelta(days=200), monkeypatch)
    edit(admin, m["tablets"], day, "status", "on_hold", monkeypatch)
    edit(admin, m["tablets"], day, "spent", "1234.50", monkeypatch)
    new = make_milestone("Neues Etappenziel", field=fields[1])
    new.created_at -= timedelta(days=20)
    _db.session.commit()
    second = issue(admin, today() - timedelta(days=5), first)
    changes = second.snapshot["changes"]
    ids = {key: [item["id"] for item in items] for key, items in changes.items()}
    assert ids == {"new": [new.id], "removed": [], "completed": [m["konto"].id], "replanned": [m["akte"].id],
                   "paused": [m["tablets"].id], "cancelled": [], "budget": [m["tablets"].id]}
    assert changes["replanned"][0]["new"] == (today() + timedelta(days=200)).isoformat()
    assert changes["replanned"][0]["reason"] == "Neu geplant"
    assert changes["budget"][0] == {**changes["budget"][0], "kind": "spent", "old": "0.00", "new": "1234.50"}
    # The first report, issued before the edits, still says what it said.
    assert first.snapshot["milestones"][str(m["konto"].id)]["status"] == "in_progress"


def test_pdf_holds_the_key_figures_a_title_and_the_language(world):
    admin, fields, m = world
    report = issue(admin, today())
    for lang, title_word, field_name in (("de", "Sachstandsbericht", "Bürgerservice online"),
                                         ("en", "Status report", "Bürgerservice online")):
        stored = reports.stored_pdf(report, lang, ReportVariant.PUBLIC)
        text, reader = pdf_text(stored.content)
        assert field_name in text and "Etappenziel konto" in text
        assert "150.000" in text or "150,000" in text  # planned money of all milestones
        assert title_word in reader.metadata.title
        assert reader.trailer["/Root"]["/Lang"] == lang
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
        outline_titles = [item.title for item in reader.outline if not isinstance(item, list)]
        nested = [item.title for group in reader.outline if isinstance(group, list) for item in group]
        assert "Digitale Schule" in outline_titles + nested
    english, _reader = pdf_text(reports.stored_pdf(report, "en", ReportVariant.PUBLIC).content)
    assert "Changes since the previous report" in english and "Veränderungen" not in english


def test_an_issued_report_is_never_rendered_again(world, client, monkeypatch):
    admin, fields, m = world
    report = issue(admin, today())
    reports.set_published(admin, report, True)
    _db.session.commit()
    stored = {(f.language, f.variant): f.sha256 for f in report.files}
    assert len(stored) == 4

    def refuse(*args, **kwargs):
        raise AssertionError("an issued report was rendered again")

    monkeypatch.setattr(rendering, "render_pdf", refuse)
    monkeypatch.setattr(rendering, "render_html", refuse)
    edit(admin, m["konto"], today(), "progress", 77, monkeypatch)
    edit(admin, m["konto"], today(), "title", "Umbenannt", monkeypatch)
    _db.session.commit()
    for path, lang in ((f"/berichte/{report.id}/bericht.pdf", "de"), (f"/en/berichte/{report.id}/bericht.pdf", "en")):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        assert hashlib.sha256(answer.data).hexdigest() == stored[(lang, "public")]
    page = client.get(f"/berichte/{report.id}").get_data(as_text=True)
    assert "Etappenziel konto" in page and "Umbenannt" not in page


def test_internal_version_is_never_public(auth, world, client, app):
    admin, fields, m = world
    report = issue(admin, today())
    internal = f"/verwaltung/berichte/{report.id}/internal-de.pdf"
    assert client.get(f"/berichte/{report.id}").status_code == 404  # not published yet
    assert client.get(f"/berichte/{report.id}/bericht.pdf").status_code == 404
    assert client.get(internal).status_code == 404
    citizen = make_citizen()
    editor = make_editor(make_department())
    _db.session.commit()
    auth.sign_in(citizen)
    assert client.get(internal).status_code == 404
    auth.sign_in(editor)
    answer = client.get(internal)
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]


def test_issuing_and_publishing_need_an_admin(auth, world, client):
    admin, fields, m = world
    editor = make_editor(make_department())
    _db.session.commit()
    with pytest.raises(PermissionDenied):
        reports.issue_report(editor, today(), None)
    auth.sign_in(editor)
    assert client.post("/verwaltung/berichte", data={"reporting_date": today().isoformat()}).status_code == 403
    assert _db.session.query(Report).count() == 0


def test_admin_issues_and_publishes_through_the_backend(auth, world, client):
    admin, fields, m = world
    auth.sign_in(admin)
    page = client.get("/verwaltung/berichte")
    assert page.status_code == 200
    answer = client.post("/verwaltung/berichte", data={"reporting_date": (today() + timedelta(days=3)).isoformat()})
    assert answer.status_code == 422 and "Zukunft" in answer.get_data(as_text=True)
    answer = client.post("/verwaltung/berichte", data={"reporting_date": today().isoformat(), "previous_id": ""})
    assert answer.status_code == 302
    report = _db.session.query(Report).one()
    assert client.get(answer.headers["Location"]).status_code == 200
    assert client.post(f"/verwaltung/berichte/{report.id}/veroeffentlichung", data={"published": "1"}).status_code == 302
    client.post("/konto/abmelden")
    archive = client.get("/berichte").get_data(as_text=True)
    assert f"/berichte/{report.id}" in archive
    feed = feedparser.parse(client.get("/berichte.atom").data)
    assert len(feed.entries) == 1 and feed.entries[0].link.endswith(f"/berichte/{report.id}")
    listing = client.get("/api/v1/reports").get_json()
    assert [item["id"] for item in listing["data"]] == [report.id]
    detail = client.get(f"/api/v1/reports/{report.id}?lang=en").get_json()["data"]
    assert detail["overall"]["milestones"] == 3 and "internal" not in detail
    assert client.get("/api/v1/reports/999").status_code == 404


def test_cli_issues_and_publishes_with_the_same_service(world, runner, monkeypatch):
    admin, fields, m = world
    monkeypatch.setattr(rendering, "render_pdf", lambda report, lang, variant: b"%PDF-1.7 stub")
    day = (today() - timedelta(days=2)).isoformat()
    result = runner.invoke(args=["reports", "issue", "--day", day, "--admin", admin.email, "--publish"])
    assert result.exit_code == 0, result.output
    report = _db.session.query(Report).one()
    assert report.published and report.reporting_date.isoformat() == day
    editor = make_editor(make_department())
    _db.session.commit()
    refused = runner.invoke(args=["reports", "issue", "--day", day, "--admin", editor.email])
    assert refused.exit_code != 0 and "no active admin" in refused.output


def test_internal_sections_reach_only_the_internal_version(auth, world, client, monkeypatch):
    admin, fields, m = world
    marker = "GEHEIM-Risiko-4711"
    section = {"id": "ampel", "title_de": "Ampel", "title_en": "Traffic light", "columns_de": ["Etappenziel", "Notiz"],
               "columns_en": ["Milestone", "Note"], "rows": [["Etappenziel konto", marker]]}
    monkeypatch.setattr(reports, "internal_sections", lambda day, data: [section])
    report = issue(admin, today())
    reports.set_published(admin, report, True)
    _db.session.commit()
    for lang in ("de", "en"):
        internal, _reader = pdf_text(reports.stored_pdf(report, lang, ReportVariant.INTERNAL).content)
        public, _reader = pdf_text(reports.stored_pdf(report, lang, ReportVariant.PUBLIC).content)
        assert marker in internal and marker not in public
    for path in (f"/berichte/{report.id}", f"/en/berichte/{report.id}", f"/berichte/{report.id}/bericht.pdf",
                 "/berichte", "/berichte.atom", "/api/v1/reports", f"/api/v1/reports/{report.id}"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert marker.encode() not in answer.data, path
    public_pdf, _reader = pdf_text(client.get(f"/berichte/{report.id}/bericht.pdf").data)
    assert marker not in public_pdf
    auth.sign_in(admin)
    assert marker in client.get(f"/verwaltung/berichte/{report.id}").get_data(as_text=True)


def test_the_internal_version_holds_the_traffic_lights_of_the_reporting_day(world, client):
    admin, fields, m = world
    marker = "Lieferant-insolvent-0815"
    lights.set_light(admin, m["akte"], LightData("critical", f"{marker}: Entscheidung des Ausschusses nötig."))
    _db.session.commit()
    report = issue(admin, today())
    [section] = report.snapshot["internal"]
    assert section["rows"][0][:3] == ["Etappenziel akte", {"de": "kritisch", "en": "critical"},
                                      f"{marker}: Entscheidung des Ausschusses nötig."]
    for lang, label in (("de", "kritisch"), ("en", "critical")):
        internal, _reader = pdf_text(reports.stored_pdf(report, lang, ReportVariant.INTERNAL).content)
        public, _reader = pdf_text(reports.stored_pdf(report, lang, ReportVariant.PUBLIC).content)
        assert marker in internal and label in internal and marker not in public
    # A report for a day before the light was set has none.
    assert issue(admin, today() - timedelta(days=1)).snapshot["internal"] == []
