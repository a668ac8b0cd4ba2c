"""Sign-in: login and logout, new session, local `next` only, throttling, header link."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import RevokedSession, Role, User, utcnow
from tests.builders.auth import PASSWORD, enable_totp, make_account, totp_code
from tests.helpers.pages import heading


def test_login_success_signs_in_and_goes_home_for_citizens(auth, client, db):
    user = make_account("buerger@example.org")
    response = auth.log_in("Buerger@Example.org ", PASSWORD)
    assert response.status_code == 303
    assert response.location == "/"
    assert auth.user_id() == user.get_id()
    assert client.get("/konto").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_staff_land_on_account_page_without_backend(auth, client, db, app):
    make_account("redaktion@example.org", roles=(Role.EDITOR,))
    response = auth.log_in("redaktion@example.org")
    expected = "/verwaltung" if "backend.dashboard" in app.view_functions else "/konto"
    assert response.location.startswith(expected)
    landing = client.get(response.location, follow_redirects=True)
    assert heading(landing) == ("Verwaltung: Übersicht" if expected == "/verwaltung" else "Mein Konto")


@pytest.mark.parametrize("email,password", [
    ("buerger@example.org", "falsches Passwort 123"),
    ("niemand@example.org", PASSWORD),
    ("", ""),
])
def test_login_failure_keeps_email_and_signs_in_nobody(auth, client, db, email, password):
    make_account("buerger@example.org")
    response = auth.log_in(email, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    if email:
        assert "E-Mail-Adresse oder Passwort ist falsch." in page
        assert f'value="{email}"' in page
    assert password not in page or not password
    assert auth.user_id() is None


def test_deactivated_account_cannot_sign_in(auth, client, db):
    make_account("alt@example.org", active=False)
    response = auth.log_in("alt@example.org")
    assert response.status_code == 422
    assert "deaktiviert" in response.get_data(as_text=True)
    assert auth.user_id() is None


def test_login_starts_a_new_session(auth, client, db):
    make_account("buerger@example.org")
    client.get("/konto/anmelden")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    before = client.get_cookie("session").value
    auth.log_in("buerger@example.org")
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_logout_is_post_only_and_ends_the_session(auth, client, db):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    assert client.get("/konto/abmelden").status_code == 405
    assert client.get("/konto").status_code == 200
    response = client.post("/konto/abmelden")
    assert response.status_code == 303
    assert auth.user_id() is None
    response = client.get("/konto")
    assert response.status_code == 302
    assert response.location.startswith("/konto/anmelden?next=")


def test_sign_out_everywhere_ends_every_session_of_the_account(auth, app, client, db):
    make_account("buerger@example.org")
    make_account("andere@example.org")
    auth.log_in("buerger@example.org")
    other_device = app.test_client()
    auth.log_in("buerger@example.org", client=other_device)
    someone_else = app.test_client()
    auth.log_in("andere@example.org", client=someone_else)
    copied = client.get_cookie("session").value
    assert 'action="/konto/ueberall-abmelden"' in client.get("/konto").get_data(as_text=True)
    assert client.get("/konto/ueberall-abmelden").status_code == 405

    response = client.post("/konto/ueberall-abmelden")

    assert response.status_code == 303
    assert auth.user_id() is None
    assert other_device.get("/konto").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/konto").status_code == 302  # a copy of the old cookie is worthless too
    assert someone_else.get("/konto").status_code == 200
    auth.log_in("buerger@example.org")  # signing in again works
    assert client.get("/konto").status_code == 200


def test_a_copy_of_the_cookie_is_worthless_after_logout(auth, app, client, db):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    other_device = app.test_client()
    auth.log_in("buerger@example.org", client=other_device)
    copied = client.get_cookie("session").value

    assert client.post("/konto/abmelden").status_code == 303

    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/konto").status_code == 302
    assert "Abmelden" not in thief.get("/").get_data(as_text=True)  # anonymous on every page
    # Only this session ended: the other device stays signed in.
    assert other_device.get("/konto").status_code == 200


def test_logout_of_a_session_without_nonce_ends_all_sessions(auth, app, client, db):
    """A session opened before sessions had a nonce can only be ended with all others."""
    user = make_account("buerger@example.org")
    auth.sign_in(user, fresh=False)  # Flask-Login's key only, no nonce
    copied = client.get_cookie("session").value
    assert client.post("/konto/abmelden").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/konto").status_code == 302
    assert heading(thief.get("/konto", follow_redirects=True)) == "Anmelden"


def test_purge_forgets_old_signed_out_sessions(auth, app, client, db, runner):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    client.post("/konto/abmelden")
    db.session.add(RevokedSession(nonce_hash="0" * 64, revoked_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    assert runner.invoke(args=["mail", "purge"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(RevokedSession)) == 1


@pytest.mark.parametrize("target", [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/konto",
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
])
def test_next_to_another_host_is_refused(auth, client, db, target):
    make_account("buerger@example.org")
    response = auth.log_in("buerger@example.org", next_url=target)
    assert response.status_code == 303
    assert response.location == "/"
    assert auth.user_id() is not None  # signed in all the same


def test_local_next_is_followed(auth, client, db):
    make_account("buerger@example.org")
    response = auth.log_in("buerger@example.org", next_url="/etappenziele?status=planned")
    assert response.location == "/etappenziele?status=planned"
    assert heading(client.get(response.location)) == "Etappenziele"


def test_login_page_drops_a_foreign_next(client, db):
    page = client.get("/konto/anmelden?next=https://evil.example").get_data(as_text=True)
    assert '<input id="next" name="next" type="hidden" value="">' in page


def test_login_required_sends_to_login_with_message(client, db):
    response = client.get("/konto")
    assert response.status_code == 302
    assert response.location == "/konto/anmelden?next=%2Fkonto"
    page = client.get(response.location).get_data(as_text=True)
    assert "Bitte melden Sie sich an, um diese Seite zu sehen." in page
    assert 'value="/konto"' in page


def test_english_pages_keep_the_language(auth, client, db):
    make_account("citizen@example.org")
    response = client.get("/en/konto")
    assert response.location.startswith("/en/konto/anmelden")
    assert client.get("/en/konto/anmelden").status_code == 200
    assert heading(client.get("/en/konto/anmelden")) == "Sign in"
    response = auth.log_in("citizen@example.org", prefix="/en", next_url="/en/")
    assert response.location == "/en/"


def test_public_page_with_account_link_sets_no_cookie(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    page = response.get_data(as_text=True)
    assert 'href="/konto/anmelden"' in page
    assert "csrf_token" not in page


def test_header_shows_name_and_logout_button_when_signed_in(auth, client, db):
    make_account("buerger@example.org", display_name="Erika Muster")
    auth.log_in("buerger@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Erika Muster" in page
    assert 'action="/konto/abmelden"' in page


def test_account_pages_are_not_cached(auth, client, db):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    assert client.get("/konto").headers["Cache-Control"] == "private, no-store"


@pytest.fixture
def limited_app(limited_app):
    """conftest's factory with tight sign-in limits unless told otherwise."""
    def make(**overrides):
        return limited_app(**{"LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_IP": "5 per minute",
                              **overrides})

    return make


def test_failed_logins_per_account_are_throttled_with_a_message(auth, limited_app):
    client = limited_app().test_client()
    make_account("buerger@example.org")
    for _ in range(3):
        assert auth.log_in("buerger@example.org", "falsches Passwort 123", client=client).status_code == 422
    response = auth.log_in("buerger@example.org", PASSWORD, client=client)
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche" in response.get_data(as_text=True)
    assert auth.user_id(client=client) is None
    # Another account from the same address is not locked by this one's failures.
    make_account("andere@example.org")
    assert auth.log_in("andere@example.org", client=client).status_code == 303


def test_successful_logins_do_not_use_up_the_account_limit(auth, limited_app):
    client = limited_app().test_client()
    make_account("buerger@example.org")
    for _ in range(4):
        assert auth.log_in("buerger@example.org", client=client).status_code == 303
        assert heading(client.get("/konto")) == "Mein Konto"
        auth.sign_out(client=client)


def test_logins_per_ip_are_throttled(auth, limited_app):
    client = limited_app().test_client()
    statuses = [auth.log_in(f"person{n}@example.org", "falsches Passwort 123", client=client).status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]


def test_throttling_uses_the_client_address_behind_the_proxy(limited_app):
    client = limited_app(PROXY_FIX_COUNT=1, LOGIN_LIMIT_PER_IP="2 per minute",
                         LOGIN_LIMIT_PER_ACCOUNT="100 per minute").test_client()

    def attempt(ip):
        return client.post("/konto/anmelden", data={"email": "x@example.org", "password": "y"},
                           headers={"X-Forwarded-For": ip}).status_code

    assert [attempt("203.0.113.1") for _ in range(3)] == [422, 422, 429]
    assert attempt("203.0.113.2") == 422


# --- pages that ask for the current password again ----------------------------------------------


def change_password(client, current: str):
    new = "ein ganz neues langes Passwort"
    return client.post("/konto/passwort", data={"current_password": current, "new_password": new, "confirm": new})


def test_wrong_current_passwords_are_throttled_per_account(auth, limited_app):
    app = limited_app(REAUTH_LIMIT_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org", client=client)
    assert [change_password(client, "geraten 123").status_code for _ in range(3)] == [422] * 3
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert "Zu viele falsche Passwörter" in response.get_data(as_text=True)
    # Another account from the same address is not locked by this one's guesses.
    other = app.test_client()
    make_account("andere@example.org")
    auth.log_in("andere@example.org", client=other)
    assert change_password(other, PASSWORD).status_code == 303


def test_password_pages_share_one_budget(auth, limited_app):
    """Guesses spread over the three pages that ask for the password count together."""
    client = limited_app(REAUTH_LIMIT_PER_ACCOUNT="3 per minute").test_client()
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    enable_totp(user)
    secret = user.totp_secret
    auth.log_in("redaktion@example.org", client=client)
    client.post("/konto/anmelden/zweiter-faktor", data={"code": totp_code(secret)})
    assert client.get("/konto").status_code == 200
    assert change_password(client, "geraten 1").status_code == 422
    assert client.post("/konto/zwei-faktor/ausschalten", data={"password": "geraten 2"}).status_code == 422
    assert client.post("/konto/zwei-faktor/neue-codes", data={"password": "geraten 3"}).status_code == 422
    assert client.post("/konto/zwei-faktor/ausschalten", data={"password": PASSWORD}).status_code == 429
    refused = client.post("/konto/zwei-faktor/neue-codes", data={"password": PASSWORD})
    assert refused.status_code == 429
    assert heading(refused) == "Zu viele Versuche"
    _db.session.expire_all()
    assert _db.session.get(User, user.id).totp_enabled_at is not None  # the second factor is still on


def test_password_pages_are_throttled_per_ip(auth, limited_app):
    app = limited_app(REAUTH_LIMIT_PER_IP="2 per minute", REAUTH_LIMIT_PER_ACCOUNT="100 per minute")
    statuses = []
    for n in range(3):
        client = app.test_client()
        make_account(f"person{n}@example.org")
        auth.log_in(f"person{n}@example.org", client=client)
        statuses.append(change_password(client, "geraten 123").status_code)
    assert statuses == [422, 422, 429]
