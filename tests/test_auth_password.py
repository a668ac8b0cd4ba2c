"""Passwords: policy, change with notice, reset links (single use, expiring, GET changes nothing)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.passwords import common_passwords, password_problems, verify_password
from app.auth.tokens import issue_token
from app.models import ActionToken, OutboxMail, TokenPurpose, utcnow
from tests.builders.auth import PASSWORD, make_account
from tests.helpers.pages import heading

NEW_PASSWORD = "ganz neues Passwort 2025!"


def outbox(db, to=None):
    query = select(OutboxMail).order_by(OutboxMail.id)
    if to:
        query = query.where(OutboxMail.to_address == to)
    return list(db.session.scalars(query))


def reset_link(mail: OutboxMail) -> str:
    match = re.search(r"http://localhost(/(?:en/)?konto/passwort-zuruecksetzen/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_bundled_list_is_large_and_used():
    assert len(common_passwords()) >= 10_000
    assert "password" in common_passwords()
    assert password_problems("PasswortPasswort") != []  # on the list, case does not matter
    assert password_problems("qwerty123456") != []


def test_policy_messages():
    assert "mindestens 12 Zeichen" in password_problems("kurz")[0]
    assert "sehr verbreitet" in password_problems("1q2w3e4r5t6y")[0]
    assert password_problems("erika.muster@example.org", "erika.muster@example.org")
    assert password_problems(NEW_PASSWORD) == []


def test_change_password_refuses_a_common_password_with_a_message(auth, client, db):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    response = client.post("/konto/passwort", data={
        "current_password": PASSWORD, "new_password": "qwerty123456", "confirm": "qwerty123456",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "sehr verbreitet" in page
    assert 'href="#new_password"' in page  # the error summary links to the field
    assert "qwerty123456" not in page  # passwords are not echoed


def test_change_password_needs_the_current_one(auth, client, db):
    user = make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    response = client.post("/konto/passwort", data={
        "current_password": "nicht mein Passwort", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 422
    assert "Das aktuelle Passwort ist falsch." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_change_password_notifies_keeps_this_session_and_ends_others(auth, app, db):
    user = make_account("buerger@example.org")
    this, other = app.test_client(), app.test_client()
    auth.log_in("buerger@example.org", client=this)
    auth.log_in("buerger@example.org", client=other)
    response = this.post("/konto/passwort", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert this.get("/konto").status_code == 200
    assert other.get("/konto").status_code == 302
    [notice] = outbox(db, "buerger@example.org")
    assert notice.subject == "Ihr Passwort wurde geändert"
    assert notice.sent_at is not None


def test_forgot_password_answers_the_same_for_unknown_addresses(client, db):
    make_account("buerger@example.org")
    known = client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    unknown = client.post("/konto/passwort-vergessen", data={"email": "fremd@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "E-Mail unterwegs" in unknown.get_data(as_text=True)
    assert [m.to_address for m in outbox(db)] == ["buerger@example.org"]


def test_reset_token_is_stored_only_as_hash(client, db):
    make_account("buerger@example.org")
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    raw = reset_link(outbox(db)[0]).rsplit("/", 1)[1]
    token = db.session.scalar(select(ActionToken))
    assert token.purpose == TokenPurpose.PASSWORD_RESET
    assert raw not in (token.token_hash, str(token.payload))
    assert token.expires_at > utcnow() + timedelta(minutes=110)


def test_get_on_reset_link_changes_nothing(auth, client, db):
    user = make_account("buerger@example.org")
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    link = reset_link(outbox(db)[0])
    for _ in range(2):  # e.g. a mail scanner, then the person
        response = client.get(link)
        assert response.status_code == 200
        assert "Neues Passwort festlegen" in response.get_data(as_text=True)
        assert response.headers["Referrer-Policy"] == "no-referrer"
    db.session.expire_all()
    token = db.session.scalar(select(ActionToken))
    assert token.used_at is None
    assert verify_password(user.password_hash, PASSWORD)
    assert auth.user_id() is None


def test_reset_token_is_single_use_and_ends_all_sessions(auth, app, client, db):
    user = make_account("buerger@example.org")
    signed_in = app.test_client()
    auth.log_in("buerger@example.org", client=signed_in)
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    link = reset_link(outbox(db)[0])

    response = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert response.location == "/konto/anmelden"
    assert auth.user_id() is None  # a reset never signs in
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert signed_in.get("/konto").status_code == 302  # the old session ended
    assert outbox(db)[-1].subject == "Ihr Passwort wurde geändert"

    again = client.post(link, data={"new_password": "noch ein anderes Passwort", "confirm": "noch ein anderes Passwort"})
    assert again.status_code == 404
    assert "ungültig, abgelaufen oder wurde bereits benutzt" in again.get_data(as_text=True)
    assert client.get(link).status_code == 404
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_expired_reset_token_is_refused(client, db):
    user = make_account("buerger@example.org")
    raw = issue_token(TokenPurpose.PASSWORD_RESET, timedelta(hours=2), user=user)
    db.session.commit()
    token = db.session.scalar(select(ActionToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    link = f"/konto/passwort-zuruecksetzen/{raw}"
    assert client.get(link).status_code == 404
    response = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_a_new_reset_link_ends_the_older_one(client, db):
    make_account("buerger@example.org")
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    first, second = outbox(db)
    assert client.get(reset_link(first)).status_code == 404
    assert client.get(reset_link(second)).status_code == 200
    assert heading(client.get(reset_link(first))) == "Link ungültig"
    assert heading(client.get(reset_link(second))) == "Neues Passwort festlegen"


def test_reset_with_a_weak_password_keeps_the_link_usable(client, db):
    make_account("buerger@example.org")
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"})
    link = reset_link(outbox(db)[0])
    response = client.post(link, data={"new_password": "kurz", "confirm": "kurz"})
    assert response.status_code == 422
    assert "mindestens 12 Zeichen" in response.get_data(as_text=True)
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303


def test_reset_link_for_english_users_is_english(client, db):
    make_account("citizen@example.org", locale="en")
    client.post("/konto/passwort-vergessen", data={"email": "citizen@example.org"})
    assert reset_link(outbox(db)[0]).startswith("/en/konto/")


def test_reset_link_ignores_a_forged_host_header(client, db):
    make_account("buerger@example.org")
    client.post("/konto/passwort-vergessen", data={"email": "buerger@example.org"},
                headers={"Host": "evil.example"})
    mail = outbox(db)[0]
    assert "evil.example" not in mail.body_text
    assert "http://localhost/konto/passwort-zuruecksetzen/" in mail.body_text


def test_service_refuses_policy_breaking_password(db):
    user = make_account("buerger@example.org")
    with pytest.raises(services.PasswordRejected):
        services.set_password(user, "password")


def test_post_without_csrf_token_is_refused(auth, csrf_client):
    make_account("buerger@example.org")
    response = auth.log_in("buerger@example.org", client=csrf_client)
    assert response.status_code == 400
    assert auth.user_id(client=csrf_client) is None


def test_expired_csrf_token_keeps_the_input_and_explains(auth, csrf_client):
    make_account("buerger@example.org")
    csrf_client.get("/konto/anmelden")
    response = csrf_client.post("/konto/anmelden", data={
        "email": "buerger@example.org", "password": PASSWORD, "csrf_token": "abgelaufen",
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Das Formular ist abgelaufen" in page
    assert 'value="buerger@example.org"' in page
    assert PASSWORD not in page
    assert auth.user_id(client=csrf_client) is None
    # The page carries a fresh token: sending the form again works.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/konto/anmelden", data={
        "email": "buerger@example.org", "password": PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 303


def test_logout_with_expired_token_offers_a_fresh_button(auth, csrf_client):
    make_account("buerger@example.org")
    page = csrf_client.get("/konto/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    login_response = csrf_client.post("/konto/anmelden", data={
        "email": "buerger@example.org", "password": PASSWORD, "csrf_token": token})
    assert login_response.status_code == 303
    response = csrf_client.post("/konto/abmelden", data={"csrf_token": "alt"})
    assert response.status_code == 400
    assert "Jetzt abmelden" in response.get_data(as_text=True)
    assert auth.user_id(client=csrf_client) is not None
