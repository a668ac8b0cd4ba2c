"""Second factor (TOTP): set-up, two-step login, recovery codes, mandatory for admins, reset."""
from __future__ import annotations

import re

import pyotp
import pytest
from flask import Blueprint, url_for
from sqlalchemy import select

from app.auth import services
from app.auth.permissions import PermissionDenied
from app.models import OutboxMail, RecoveryCode, Role
from tests.builders.auth import PASSWORD, enable_totp, make_account, totp_code
from tests.helpers.pages import assert_error_page, heading


def test_login_with_second_factor_takes_two_steps(auth, client, db):
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    secret = enable_totp(user)
    response = auth.log_in("redaktion@example.org", next_url="/etappenziele")
    assert response.status_code == 303
    assert response.location == "/konto/anmelden/zweiter-faktor"
    assert auth.user_id() is None  # not signed in after the password alone
    assert client.get("/konto").status_code == 302

    wrong = client.post("/konto/anmelden/zweiter-faktor", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "Der Code ist falsch oder abgelaufen." in wrong.get_data(as_text=True)
    assert auth.user_id() is None

    response = client.post("/konto/anmelden/zweiter-faktor", data={"code": totp_code(secret)})
    assert response.status_code == 303
    assert response.location == "/etappenziele"
    assert auth.user_id() == user.get_id()


def test_second_step_without_password_step_goes_back_to_login(client, db):
    response = client.get("/konto/anmelden/zweiter-faktor")
    assert response.status_code == 303
    assert response.location == "/konto/anmelden"
    assert heading(client.get(response.location)) == "Anmelden"


def test_totp_code_works_only_once(auth, app, db):
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    secret = enable_totp(user)
    code = totp_code(secret)
    first, second = app.test_client(), app.test_client()
    auth.log_in("redaktion@example.org", client=first)
    auth.log_in("redaktion@example.org", client=second)
    assert first.post("/konto/anmelden/zweiter-faktor", data={"code": code}).status_code == 303
    refused = second.post("/konto/anmelden/zweiter-faktor", data={"code": code})
    assert refused.status_code == 422
    assert heading(refused) == "Anmeldung bestätigen"
    assert auth.user_id(client=first) == user.get_id() and auth.user_id(client=second) is None


def test_recovery_code_works_once(auth, client, db):
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    secret = enable_totp(user)
    codes = services.regenerate_recovery_codes(user, PASSWORD)
    db.session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored)  # only hashes are stored

    auth.log_in("redaktion@example.org")
    response = client.post("/konto/anmelden/zweiter-faktor", data={"code": codes[0].lower()})
    assert response.status_code == 303
    client.post("/konto/abmelden")

    auth.log_in("redaktion@example.org")
    response = client.post("/konto/anmelden/zweiter-faktor", data={"code": codes[0]})
    assert response.status_code == 422
    assert auth.user_id() is None
    assert services.unused_recovery_codes(user) == 9
    # The app's code still works after a refused recovery code.
    assert client.post("/konto/anmelden/zweiter-faktor", data={"code": totp_code(secret)}).status_code == 303


def test_setup_shows_secret_as_text_and_enables_only_with_a_valid_code(auth, client, db):
    user = make_account("admin@example.org", roles=(Role.ADMIN,))
    auth.log_in("admin@example.org")
    page = client.get("/konto/zwei-faktor").get_data(as_text=True)
    uri = re.search(r"<code>(otpauth://totp/[^<]+)</code>", page).group(1)
    secret = pyotp.parse_uri(uri.replace("&amp;", "&")).secret
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page

    assert client.post("/konto/zwei-faktor", data={"code": "123456"}).status_code == 422
    db.session.refresh(user)
    assert not user.has_second_factor

    response = client.post("/konto/zwei-faktor", data={"code": totp_code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    db.session.refresh(user)
    assert user.has_second_factor and user.totp_secret == secret
    assert client.get("/konto").status_code == 200  # this session goes on
    subjects = db.session.scalars(select(OutboxMail.subject)).all()
    assert "Zwei-Faktor-Anmeldung eingeschaltet" in subjects


def test_citizens_have_no_second_factor_pages(auth, client, db):
    make_account("buerger@example.org")
    auth.log_in("buerger@example.org")
    assert client.get("/konto/zwei-faktor").status_code == 403
    assert_error_page(client.get("/konto/zwei-faktor"), 403)


def test_disable_needs_password(auth, client, db):
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    enable_totp(user)
    client.get("/")  # no session yet
    auth.sign_in(user, fresh=False)
    assert client.post("/konto/zwei-faktor/ausschalten", data={"password": "falsch falsch"}).status_code == 422
    db.session.refresh(user)
    assert user.has_second_factor
    assert client.post("/konto/zwei-faktor/ausschalten", data={"password": PASSWORD}).status_code == 303
    db.session.refresh(user)
    assert not user.has_second_factor


@pytest.fixture
def backend_url(app):
    """A backend page: the real dashboard if registered, else a stand-in in the backend blueprint."""
    if "backend.dashboard" not in app.view_functions:
        stand_in = Blueprint("backend", __name__)
        stand_in.add_url_rule("/verwaltung", "dashboard", lambda: "Übersicht")
        app.register_blueprint(stand_in)
    with app.test_request_context():
        return url_for("backend.dashboard")


def test_required_admin_2fa_sends_admin_to_setup(auth, app, client, db, backend_url):
    app.config["REQUIRE_ADMIN_2FA"] = True
    make_account("admin@example.org", roles=(Role.ADMIN,))
    response = auth.log_in("admin@example.org")
    assert response.location == "/konto/zwei-faktor"
    response = client.get(backend_url)
    assert response.status_code == 302
    assert response.location == "/konto/zwei-faktor"
    assert client.get("/konto/zwei-faktor").status_code == 200
    assert client.get("/").status_code == 200  # public pages stay usable
    assert heading(client.get("/konto/zwei-faktor")) == "Zwei-Faktor-Anmeldung einrichten"


def test_required_admin_2fa_leaves_other_staff_and_set_up_admins_alone(auth, app, client, db, backend_url):
    app.config["REQUIRE_ADMIN_2FA"] = True
    make_account("redaktion@example.org", roles=(Role.EDITOR,))
    auth.log_in("redaktion@example.org")
    assert client.get(backend_url).status_code == 200
    client.post("/konto/abmelden")
    admin = make_account("admin@example.org", roles=(Role.ADMIN,))
    secret = enable_totp(admin)
    auth.log_in("admin@example.org")
    client.post("/konto/anmelden/zweiter-faktor", data={"code": totp_code(secret)})
    assert client.get(backend_url).status_code == 200
    assert auth.user_id() == admin.get_id()


def test_mandatory_second_factor_cannot_be_switched_off(app, db):
    app.config["REQUIRE_ADMIN_2FA"] = True
    admin = make_account("admin@example.org", roles=(Role.ADMIN,))
    enable_totp(admin)
    with pytest.raises(services.SecondFactorMandatory):
        services.disable_second_factor(admin, PASSWORD)
    assert admin.has_second_factor


def test_admin_resets_second_factor_of_another_user(auth, app, db):
    admin = make_account("admin@example.org", roles=(Role.ADMIN,))
    editor = make_account("redaktion@example.org", roles=(Role.EDITOR,))
    enable_totp(editor)
    services.regenerate_recovery_codes(editor, PASSWORD)
    db.session.commit()
    signed_in = auth.sign_in(editor, client=app.test_client(), fresh=False)

    with pytest.raises(PermissionDenied):
        services.reset_second_factor(editor, admin)
    services.reset_second_factor(admin, editor)
    assert not editor.has_second_factor
    assert editor.recovery_codes == []
    assert signed_in.get("/konto").status_code == 302  # the editor's sessions ended
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == editor.email)).one()
    assert "zurückgesetzt" in mail.body_text
