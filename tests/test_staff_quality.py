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
from tests.builders_auth import PASSWORD, make_account
from tests.builders_transfer import CSV_DIR, make_rich_milestones, make_scene
from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server

pytestmark = pytest.mark.browser


@dataclass
class Data:
    admin_email: str
    pending_id: int
    second_factor_id: int
    invitation: str


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_live_server(tmp_path_factory.mktemp("staff-quality")) as live:
        with live.app.app_context():
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
            live.data = Data(admin.email, pending.id, totp.id, raw)
        yield live
        exceptions = list(live.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


@pytest.fixture(scope="module")
def documents():
    """HTML of every page visited, validated in one vnu run at the end of the module."""
    return {}


def sign_in(page, server) -> None:
    page.goto(server.url_for("auth.login"))
    page.fill("input[name=email]", server.data.admin_email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("load")


def check(page, response, documents, name: str, status: int = 200) -> None:
    assert response is not None and response.status == status, (
        f"{page.url}: status {response.status if response else None}, expected {status}")
    assert page.locator("h1").count() == 1, f"{page.url}: not exactly one h1"
    assert_accessible(page)
    documents[name] = response.text()


def submit(page, selector: str):
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    return navigation.value


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


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name,endpoint,args", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_backend_pages(server, page, documents, name, endpoint, args, lang):
    sign_in(page, server)
    values = {k: getattr(server.data, v) if isinstance(v, str) and hasattr(server.data, v) else v
              for k, v in args.items()}
    response = page.goto(server.url_for(endpoint, lang=lang, **values))
    check(page, response, documents, f"{name}-{lang}")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_invitation_pages(server, page, documents, lang):
    response = page.goto(server.url_for("staff.accept", token=server.data.invitation, lang=lang))
    check(page, response, documents, f"accept-{lang}")
    response = page.goto(server.url_for("staff.accept", token="ungueltig", lang=lang))
    check(page, response, documents, f"accept-invalid-{lang}", status=404)


def test_csv_preview_with_problems_and_with_changes(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("transfer.index"))
    page.set_input_files("input[type=file]", str(CSV_DIR / "broken.csv"))
    check(page, submit(page, "main form[enctype] [type=submit]"), documents, "csv-broken", status=422)

    page.goto(server.url_for("transfer.index"))
    page.set_input_files("input[type=file]", str(CSV_DIR / "spreadsheet_utf8_bom.csv"))
    response = submit(page, "main form[enctype] [type=submit]")
    check(page, response, documents, "csv-preview")
    response = submit(page, "form[action$='uebernehmen'] [type=submit]")
    assert response.status == 200 and page.url.endswith("/verwaltung/csv")  # after the redirect
    assert "Die Datei wurde übernommen" in page.locator(".flashes").inner_text()


def test_form_errors(server, page, documents):
    sign_in(page, server)
    page.goto(server.url_for("admin_settings.edit"))
    page.fill("#primary_color", "#dddddd")
    page.fill("#stale_after_days", "0")
    check(page, submit(page, "form[action$='einstellungen'] [type=submit]"), documents, "settings-errors", status=422)

    page.goto(server.url_for("staff.invite"))
    page.fill("#email", "ohne-at")
    page.check("input[name=roles][value=editor]")
    check(page, submit(page, "main form [type=submit]"), documents, "invite-errors", status=422)


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in(page_strict, server)
    for endpoint, args in (("transfer.index", {}), ("admin_settings.edit", {}), ("staff.users", {})):
        page_strict.goto(server.url_for(endpoint, **args))
    assert not page_strict.console_errors, page_strict.console_errors


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert documents, "no page was collected"
    reports = validate_documents(documents)
    invalid = [report.describe() for report in reports.values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
