"""The quality bar on the pages of CSV transfer, settings and staff accounts, in a real browser.

Each page: the expected status, zero axe-core WCAG 2.1 A/AA violations at 1280 and 320 px,
exactly one h1, nothing refused by the Content-Security-Policy, and no vnu error (all
documents in one vnu run). Forms are submitted as a person would, CSRF included.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.auth.tokens import issue_token
from app.extensions import db
from app.models import Role, utcnow
from app.staff.services import INVITATION
from tests.builders import make_champion
from tests.builders.auth import make_account
from tests.builders.transfer import CSV_DIR, make_rich_milestones, make_scene
from tests.helpers.live import serving
from tests.helpers.quality import LANGUAGES, assert_documents_valid, assert_no_refusal_on, check_get, check_page
from tests.helpers.quality import page_params, submit
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser


@dataclass
class Data:
    admin_email: str
    pending_id: int
    second_factor_id: int
    invitation: str


def build_site() -> Data:
    scene = make_scene()
    make_rich_milestones(scene)
    make_champion(name="Grete Grün")
    admin = make_account(email="chef@example.org", roles=(Role.ADMIN,), display_name="Chefin")
    pending = make_account(email="neu@example.org", roles=(Role.EDITOR,), display_name="Nora Neu")
    pending.password_hash = None
    pending.departments = [scene.buergeramt]
    totp = make_account(email="totp@example.org", roles=(Role.MODERATOR,), display_name="Tom Totp")
    totp.totp_secret, totp.totp_enabled_at = "JBSWY3DPEHPK3PXP", utcnow()
    raw = issue_token(INVITATION, timedelta(days=7), user=pending)
    db.session.commit()
    return Data(admin.email, pending.id, totp.id, raw)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("staff-quality"), build_site) as live:
        yield live


GET_PAGES = [
    ("transfer", "transfer.index", {}),
    ("settings", "admin_settings.edit", {}),
    ("settings-imprint", "admin_settings.page", {"slug": "impressum"}),
    ("settings-sign-language", "admin_settings.page", {"slug": "gebaerdensprache"}),
    ("accounts", "staff.users", {}),
    ("accounts-filtered", "staff.users", {"role": "kaiser", "q": "a", "page": "99"}),
    ("invite", "staff.invite", {}),
    ("account-pending", "staff.edit", {"user_id": "pending_id"}),
    ("account-second-factor", "staff.edit", {"user_id": "second_factor_id"}),
]


@pytest.mark.parametrize(("case", "lang"), page_params(GET_PAGES))
def test_backend_pages(server, page, documents, case, lang):
    check_get(page, server, documents, case, lang, sign_in_as=server.data.admin_email)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invitation_pages(server, page, documents, lang):
    response = page.goto(server.url_for("staff.accept", token=server.data.invitation, lang=lang))
    check_page(page, response, documents, f"accept-{lang}")
    response = page.goto(server.url_for("staff.accept", token="ungueltig", lang=lang))
    check_page(page, response, documents, f"accept-invalid-{lang}", status=404)


def test_csv_preview_with_problems_and_with_changes(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("transfer.index"))
    page.set_input_files("input[type=file]", str(CSV_DIR / "broken.csv"))
    check_page(page, submit(page, "main form[enctype] [type=submit]"), documents, "csv-broken", status=422)

    page.goto(server.url_for("transfer.index"))
    page.set_input_files("input[type=file]", str(CSV_DIR / "spreadsheet_utf8_bom.csv"))
    response = submit(page, "main form[enctype] [type=submit]")
    check_page(page, response, documents, "csv-preview")
    response = submit(page, "form[action$='uebernehmen'] [type=submit]")
    assert response.status == 200 and page.url.endswith("/verwaltung/csv")  # after the redirect
    assert "Die Datei wurde übernommen" in page.locator(".flashes").inner_text()


def test_form_errors(server, page, documents):
    sign_in_browser(page, server, server.data.admin_email)
    page.goto(server.url_for("admin_settings.edit"))
    page.fill("#primary_color", "#dddddd")
    page.fill("#stale_after_days", "0")
    check_page(page, submit(page, "form[action$='einstellungen'] [type=submit]"), documents, "settings-errors", status=422)

    page.goto(server.url_for("staff.invite"))
    page.fill("#email", "ohne-at")
    page.check("input[name=roles][value=editor]")
    check_page(page, submit(page, "main form [type=submit]"), documents, "invite-errors", status=422)


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in_browser(page_strict, server, server.data.admin_email)
    assert_no_refusal_on(page_strict, [server.url_for(endpoint) for endpoint in (
        "transfer.index", "admin_settings.edit", "staff.users")])


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert_documents_valid(documents)
