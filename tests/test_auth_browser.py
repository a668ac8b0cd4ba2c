"""Sign-in pages in a real browser: the journey works without JavaScript, axe and vnu are clean."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role
from tests.builders.auth import PASSWORD, make_account, totp_code
from tests.helpers.quality import follow
from tests.plugins.browser import assert_accessible, assert_valid_html

pytestmark = pytest.mark.browser


def check(page, documents, assert_accessible, name):
    """axe at 1280 and 320 px; the document (taken before axe is injected) kept for one vnu run."""
    documents[name] = page.content()
    assert_accessible(page)


def test_staff_sign_in_journey_is_accessible(live_server, page, assert_accessible, assert_valid_html):  # noqa: F811
    with live_server.app.app_context():
        make_account("redaktion@example.org", roles=(Role.EDITOR,), display_name="Rita Redaktion")
        db.session.remove()
    documents = {}

    page.goto(live_server.absolute("/konto/anmelden"))
    check(page, documents, assert_accessible, "login")
    page.fill("#email", "redaktion@example.org")
    page.fill("#password", "falsches Passwort 1")
    follow(page.locator("main button[type=submit]").first)
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#email") == "redaktion@example.org"
    check(page, documents, assert_accessible, "login-error")

    page.fill("#password", PASSWORD)
    follow(page.locator("main button[type=submit]").first)
    expect(page.locator("header").get_by_text("Rita Redaktion")).to_be_visible()
    page.goto(live_server.absolute("/konto"))
    check(page, documents, assert_accessible, "account")

    follow(page.locator("text=Zwei-Faktor-Anmeldung einrichten").first)
    check(page, documents, assert_accessible, "two-factor-setup")
    uri = re.search(r"otpauth://totp/\S+", page.locator("code", has_text="otpauth://").inner_text()).group(0)
    secret = pyotp.parse_uri(uri).secret
    page.fill("#code", totp_code(secret, -1))
    follow(page.locator("main button[type=submit]").first)
    assert page.locator(".recovery-codes li").count() == 10
    check(page, documents, assert_accessible, "recovery-codes")

    page.goto(live_server.absolute("/konto/zwei-faktor"))
    check(page, documents, assert_accessible, "two-factor-manage")

    follow(page.locator("header").get_by_role("button", name="Abmelden"))
    page.goto(live_server.absolute("/konto/anmelden"))
    page.fill("#email", "redaktion@example.org")
    page.fill("#password", PASSWORD)
    follow(page.locator("main button[type=submit]").first)
    assert "/konto/anmelden/zweiter-faktor" in page.url
    check(page, documents, assert_accessible, "second-factor")
    page.fill("#code", totp_code(secret))
    follow(page.locator("main button[type=submit]").first)
    expect(page.locator("header").get_by_text("Rita Redaktion")).to_be_visible()
    follow(page.locator("header").get_by_role("button", name="Abmelden"))

    for path, name in (("/konto/passwort-vergessen", "forgot"), ("/konto/passwort-zuruecksetzen/abc", "reset-invalid"),
                       ("/en/konto/anmelden", "login-en")):
        page.goto(live_server.absolute(path))
        check(page, documents, assert_accessible, name)
    assert_valid_html(documents)


def test_sign_in_works_without_javascript(live_server, page_nojs):  # noqa: F811
    with live_server.app.app_context():
        make_account("buerger@example.org", display_name="Bernd Bürger")
        db.session.remove()
    page_nojs.goto(live_server.absolute("/"))
    follow(page_nojs.locator("header").get_by_role("link", name="Anmelden"))
    page_nojs.fill("#email", "buerger@example.org")
    page_nojs.fill("#password", PASSWORD)
    follow(page_nojs.locator("main button[type=submit]").first)
    expect(page_nojs.locator("header").get_by_text("Bernd Bürger")).to_be_visible()
    follow(page_nojs.locator("header").get_by_role("button", name="Abmelden"))
    expect(page_nojs.locator("header").get_by_role("link", name="Anmelden")).to_be_visible()
