"""Signing in, one family for every kind of test.

- `auth`, a fixture bound to the test's `app` and `client`:
  `auth.sign_in(user)` writes Flask-Login's session keys (the sign-in pages are tested in
  tests/test_auth_*.py), `auth.as_role("editor")` makes a user with that role and signs them in,
  `auth.sign_out()`, `auth.client_for(user)` a second client signed in as someone else,
  `auth.log_in(email, password)` posts the sign-in form as a person would, and
  `auth.user_id()` is the id the session holds. Each takes `client=` for another client.
- `sign_in_browser(page, server, email)` / `sign_out_browser(page)`: the same form in chromium.
- `sign_in_http(session, base_url, email, password)`: the form over real HTTP (requests).
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

from app.extensions import db
from app.models import Role, User
from tests.builders import make_admin, make_citizen, make_editor, make_moderator
from tests.builders.auth import PASSWORD

MAKERS = {
    Role.ADMIN.value: make_admin,
    Role.EDITOR.value: make_editor,
    Role.MODERATOR.value: make_moderator,
    Role.CITIZEN.value: make_citizen,
}


class Auth:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    def sign_in(self, user: User, *, client=None, clear: bool = False, fresh: bool = True):
        """Put the user's id into the client's session, as the sign-in form does (`fresh`: just now,
        not remembered from an older session); the client."""
        client = client or self.client
        with client.session_transaction() as session:
            if clear:
                session.clear()
            session["_user_id"] = user.get_id()
            if fresh:
                session["_fresh"] = True
        return client

    def sign_out(self, *, client=None) -> None:
        with (client or self.client).session_transaction() as session:
            session.clear()

    def as_role(self, role: str | Role, *args, client=None, **kw) -> User:
        """A new user with the role (`make_editor`'s departments in args), stored and signed in; the user."""
        user = MAKERS[Role(role).value](*args, **kw)
        db.session.commit()
        self.sign_in(user, client=client)
        return user

    def client_for(self, user: User):
        """A new test client of the app, signed in as the user."""
        return self.sign_in(user, client=self.app.test_client())

    def log_in(self, email: str, password: str = PASSWORD, *, next_url: str | None = None,
               prefix: str = "", client=None):
        """Post the sign-in form (at `prefix`/konto/anmelden); its response."""
        data = {"email": email, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return (client or self.client).post(f"{prefix}/konto/anmelden", data=data)

    def user_id(self, *, client=None) -> str | None:
        with (client or self.client).session_transaction() as session:
            return session.get("_user_id")


@pytest.fixture
def auth(app, client) -> Auth:
    """Signing in and out on the test's client (see this module's docstring)."""
    return Auth(app, client)


@pytest.fixture
def admin(db) -> User:
    """Ada Admin, stored."""
    user = make_admin(display_name="Ada Admin")
    db.session.commit()
    return user


@pytest.fixture
def moderator(db) -> User:
    """Mona Moderation, stored."""
    user = make_moderator(display_name="Mona Moderation")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(auth, client, admin):
    """The test's client, signed in as `admin`."""
    auth.sign_in(admin)
    return client


def sign_in_browser(page, server, email: str, password: str = PASSWORD, *, fresh: bool = False) -> None:
    """Sign in through the login form in the browser, as a person would (`fresh`: forget cookies first)."""
    if fresh:
        page.context.clear_cookies()
    page.goto(server.url_for("auth.login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # until the page it leads to has loaded
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()


def sign_out_browser(page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Abmelden").click()


class _FormFields(HTMLParser):
    """The inputs of the form whose action ends with `action` (hidden values and defaults)."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = (attributes.get("action") or "").split("?")[0].endswith(self.action)
        elif tag == "input" and self.inside and attributes.get("name"):
            if attributes.get("type") in ("submit", "checkbox", "radio", "file"):
                return
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, str]:
    """The inputs (CSRF token, signed start time, honeypot...) of the form posting to `action`."""
    parser = _FormFields(action)
    parser.feed(html)
    if not parser.fields:
        raise AssertionError(f"no form posting to {action!r} in the page")
    return parser.fields


def sign_in_http(http: requests.Session, base_url: str, email: str, password: str = PASSWORD) -> requests.Response:
    """Sign in through the login form of the server at base_url (GET for the token, then POST)."""
    page = http.get(base_url + "/konto/anmelden", timeout=30)
    data = form_fields(page.text, "/konto/anmelden")
    data.update(email=email, password=password)
    return http.post(base_url + "/konto/anmelden", data=data, allow_redirects=False, timeout=30)
