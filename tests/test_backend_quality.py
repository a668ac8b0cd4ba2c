"""The quality bar on the staff backend's pages, in a real browser, in German and English.

Each page: the expected status, exactly one h1, zero axe-core WCAG 2.1 A/AA violations at
1280 and 320 px and no vnu error (all documents in one vnu run at the end). Forms are
submitted as a person would, with their CSRF token, also with JavaScript switched off.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from app.backend import catalog, services
from app.backend.catalog import ChampionData, StrategyData
from app.backend.services import ProgressData
from app.extensions import db
from app.internal import services as internal
from app.internal.services import LightData
from app.models import FundingSource, Role
from app.progress import today
from tests.builders import make_department, make_field, make_funding, make_milestone, make_update
from tests.builders_auth import make_account
from tests.helpers import quality
from tests.helpers.live import serving
from tests.helpers.quality import (
    LANGUAGES, assert_documents_valid, assert_no_refusal_on, check_get, check_page, page_params, resolve, submit,
)
from tests.plugins.browser import new_page

pytestmark = pytest.mark.browser

@dataclass
class Data:
    admin_email: str
    editor_email: str
    milestone_id: int
    update_id: int
    field_id: int
    department_id: int
    source_id: int
    champion_id: int


def build_site() -> Data:
    """A small strategy with something on every backend page: overdue, stale, money, history."""
    buergeramt = make_department("Bürgeramt", slug="buergeramt")
    it = make_department("IT-Abteilung", slug="it")
    online = make_field("Bürgerservice online", slug="buergerservice")
    admin = make_account(email="chefin@example.org", roles=(Role.ADMIN,), display_name="Chefin")
    editor = make_account(email="redaktion@example.org", roles=(Role.EDITOR,), display_name="Rita Redaktion")
    editor.departments = [buergeramt]
    portal = make_milestone(
        "Bürgerportal mit Konto", slug="portal", field=online, department=buergeramt,
        summary="Anträge online stellen.", description="## Ziel\n\n- weniger Wege\n- **schneller**",
        contact_role="Leitung Bürgeramt", target_date=today() - timedelta(days=20),
        original_target_date=today() - timedelta(days=120), planned=Decimal("120000"),
        spent=Decimal("130000.50"), budget_year=2025,
    )
    make_milestone("Teilziel: Terminbuchung", slug="termine", field=online, department=buergeramt,
                   parent=portal, progress=40)
    make_milestone("Schul-WLAN", slug="schul-wlan", field=online, department=it, status="planned",
                   target_date=today() + timedelta(days=300), published=False)
    make_update(portal, reported_on=today() - timedelta(days=200), title="Ausschreibung läuft")
    make_funding(portal, "80000", source_name="Eigenmittel")
    make_funding(portal, "40000", source_name="Förderprogramm Digitales Rathaus", is_grant=True)
    update = services.report_progress(admin, portal, ProgressData(
        title="Pilot im Bürgeramt", body="Der **Pilot** läuft.", reported_on=today() - timedelta(days=100),
        author_role="Leitung Bürgeramt", new_progress=55,
    ))
    png = io.BytesIO()
    Image.new("RGB", (60, 80), (20, 90, 160)).save(png, "PNG")
    champion = catalog.save_champion(admin, None, ChampionData(
        name="Erika Muster", role="Leitung IT", department_id=it.id, quote="Einfach machen.",
        photo_consent_on=date(2025, 1, 10), photo_upload=png.getvalue()))
    catalog.save_strategy(admin, StrategyData(
        title="Digitales Musterstadt 2030", period_from=2024, period_to=2030, intro="Wir **digitalisieren**.",
        lead_role="Bürgermeisterin", council_decision_url="https://example.org/beschluss",
        budget_years={2025: Decimal("500000"), 2026: Decimal("750000")}))
    internal.set_light(editor, portal, LightData("at_risk", "Lieferant verspätet."))
    internal.set_light(admin, portal, LightData("critical", "Lieferant insolvent.\n\nDer Ausschuss muss entscheiden."))
    db.session.commit()
    source = db.session.scalar(db.select(FundingSource).where(FundingSource.name == "Eigenmittel"))
    return Data(admin.email, editor.email, portal.id, update.id, online.id, buergeramt.id, source.id, champion.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("backend-quality"), build_site) as live:
        yield live


@pytest.fixture(scope="module")
def admin_page(browser, server):
    """One signed-in admin page for the page-by-page checks (signing in once saves time)."""
    context, page = new_page(browser, bypass_csp=True)
    sign_in(page, server)
    yield page
    context.close()


def sign_in(page, server, email: str | None = None) -> None:
    quality.sign_in(page, server, email or server.data.admin_email)


FORM_SUBMIT = "main form.backend-form input[name=submit]"

GET_PAGES = [
    ("dashboard", "backend.dashboard", {}),
    ("milestones", "backend.milestones", {}),
    ("milestones-filtered", "backend.milestones", {"q": "portal", "status": "in_progress", "field": "field_id"}),
    ("milestones-bad-input", "backend.milestones", {"page": "99", "status": "gibt-es-nicht"}),
    ("milestone-new", "backend.milestone_new", {}),
    ("milestone-edit", "backend.milestone_edit", {"milestone_id": "milestone_id"}),
    ("progress-updates", "backend.progress_updates", {"milestone_id": "milestone_id"}),
    ("progress-new", "backend.progress_update_new", {"milestone_id": "milestone_id"}),
    ("progress-edit", "backend.progress_update_edit", {"milestone_id": "milestone_id", "update_id": "update_id"}),
    ("strategy", "backend.strategy", {}),
    ("fields", "backend.fields", {}),
    ("field-new", "backend.field_new", {}),
    ("field-edit", "backend.field_edit", {"field_id": "field_id"}),
    ("departments", "backend.departments", {}),
    ("department-new", "backend.department_new", {}),
    ("department-edit", "backend.department_edit", {"department_id": "department_id"}),
    ("funding-sources", "backend.funding_sources", {}),
    ("funding-source-new", "backend.funding_source_new", {}),
    ("funding-source-edit", "backend.funding_source_edit", {"source_id": "source_id"}),
    ("champions", "backend.champions", {}),
    ("champion-new", "backend.champion_new", {}),
    ("champion-edit", "backend.champion_edit", {"champion_id": "champion_id"}),
    ("audit-log", "backend.audit_log", {}),
    ("traffic-lights", "internal.overview", {}),
    ("traffic-light", "internal.traffic_light", {"milestone_id": "milestone_id"}),
    ("audit-log-filtered", "backend.audit_log", {"object_type": "milestone", "date_from": "2020-01-01", "actor": "x"}),
]


@pytest.mark.parametrize(("case", "lang"), page_params(GET_PAGES))
def test_backend_pages(server, admin_page, documents, case, lang):
    check_get(admin_page, server, documents, case, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_editor_dashboard(server, page, documents, lang):
    sign_in(page, server, server.data.editor_email)
    response = page.goto(server.url_for("backend.dashboard", lang=lang))
    check_page(page, response, documents, f"editor-dashboard-{lang}")
    assert page.locator("#mine-title").count() == 1


def test_milestone_form_errors_and_preview(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("backend.milestone_edit", milestone_id=server.data.milestone_id))
    page.fill("#description", "# Vorschau\n\nMit *Betonung*.")
    check_page(page, submit(page, "#preview"), documents, "milestone-preview")
    # Milestone descriptions start at h3 under the page's h2 (headings in order, issue 13).
    assert page.locator(".preview-body h3").inner_text() == "Vorschau"

    page.fill("#planned", "viel Geld")
    page.fill("#target_date", (today() + timedelta(days=400)).isoformat())
    page.fill("#title", "")
    check_page(page, submit(page, FORM_SUBMIT), documents, "milestone-errors", status=422)
    assert page.locator(".error-summary li").count() == 3
    assert page.locator("#planned").input_value() == "viel Geld"
    # The summary's links lead to the fields.
    page.locator(".error-summary a[href='#title']").click()
    assert page.evaluate("document.activeElement.id") == "title"


def test_progress_form_errors(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("backend.progress_update_new", milestone_id=server.data.milestone_id))
    page.fill("#title", "Neuer Termin")
    page.fill("#new_target_date", (today() + timedelta(days=500)).isoformat())
    check_page(page, submit(page, FORM_SUBMIT), documents, "progress-errors", status=422)
    assert page.locator(".error-summary a[href='#reason']").count() == 1


def test_traffic_light_form_errors(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("internal.traffic_light", milestone_id=server.data.milestone_id, lang="en"))
    page.check("#light-1")
    page.fill("#note", "")
    check_page(page, submit(page, FORM_SUBMIT), documents, "traffic-light-errors-en", status=422)
    assert page.locator(".error-summary a[href='#note']").count() == 1
    assert page.locator("#note").get_attribute("aria-invalid") == "true"


def test_champion_upload_error(server, page, documents, tmp_path):
    sign_in(page, server)
    page.goto(server.url_for("backend.champion_new", lang="en"))
    fake = tmp_path / "foto.png"
    fake.write_bytes(b"not really an image")
    page.fill("#name", "Max Muster")
    page.fill("#role", "Leitung")
    page.fill("#photo_consent_on", "2025-02-01")
    page.set_input_files("#photo", str(fake))
    check_page(page, submit(page, FORM_SUBMIT), documents, "champion-errors-en", status=422)
    assert page.locator(".error-summary a[href='#photo']").count() == 1


def test_expired_form_keeps_the_input(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("backend.progress_update_new", milestone_id=server.data.milestone_id))
    page.fill("#title", "Getippt vor dem Ablauf")
    page.evaluate("document.querySelector('form.backend-form input[name=csrf_token]').value = 'abgelaufen'")
    check_page(page, submit(page, FORM_SUBMIT), documents, "progress-expired", status=400)
    assert page.locator("#title").input_value() == "Getippt vor dem Ablauf"
    # Sending it again now works: the page carries a fresh token.
    page.fill("#author_role", "Leitung Bürgeramt")
    response = submit(page, FORM_SUBMIT)
    assert response.status == 200 and "Die Fortschrittsmeldung wurde gespeichert." in page.content()


def test_forms_work_without_javascript(server, page_nojs):
    sign_in(page_nojs, server, server.data.editor_email)
    page_nojs.goto(server.url_for("backend.progress_update_new", milestone_id=server.data.milestone_id))
    page_nojs.fill("#title", "Ohne JavaScript gemeldet")
    page_nojs.fill("#body", "Text mit **Markdown**")
    submit(page_nojs, "#preview")
    assert page_nojs.locator(".preview-body strong").inner_text() == "Markdown"
    page_nojs.fill("#new_progress", "70")
    submit(page_nojs, FORM_SUBMIT)
    assert "Ohne JavaScript gemeldet" in page_nojs.content()


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in(page_strict, server)
    assert_no_refusal_on(page_strict, [server.url_for(endpoint, **resolve(server.data, args)) for endpoint, args in (
        ("backend.dashboard", {}), ("backend.milestone_edit", {"milestone_id": "milestone_id"}),
        ("backend.champion_edit", {"champion_id": "champion_id"}), ("backend.audit_log", {}),
        ("internal.traffic_light", {"milestone_id": "milestone_id"}))])


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert_documents_valid(documents)
