"""Citizen accounts through the routes: register, confirm by link, profile, refusals, rate limits."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.passwords import verify_password
from app.extensions import db as _db
from app.models import ActionToken, Role, TokenPurpose, User, utcnow
from tests.builders import make_milestone
from tests.builders.auth import PASSWORD, make_account
from tests.builders.citizens import link_path, mails_to, register_data, subscribe_data
from tests.helpers.pages import heading


def user_by_email(email: str) -> User | None:
    _db.session.expire_all()
    return _db.session.scalar(select(User).where(User.email == email))


def register(client, prefix: str = "", **overrides):
    return client.post(f"{prefix}/konto/registrieren", data=register_data(**overrides))


# --- registration ---------------------------------------------------------------------------------


def test_register_creates_an_unconfirmed_citizen_and_mails_a_link(client, db):
    response = register(client, email="  Erika@Example.ORG ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/registrieren/gesendet"
    user = user_by_email("erika@example.org")
    assert user is not None
    assert user.roles == {Role.CITIZEN}
    assert user.email_confirmed_at is None
    assert user.display_name == "Erika Muster"
    assert user.locale == "de"
    assert verify_password(user.password_hash, PASSWORD)
    assert user.notify_replies and user.notify_answers and user.notify_moderation
    [mail] = mails_to("erika@example.org")
    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert link_path(mail.body_text, "/konto/bestaetigen/")
    # Not signed in: a registration proves nothing until the link is used.
    assert client.get("/konto/profil").status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wir haben Ihnen eine E-Mail geschickt" in page


def test_register_in_english_keeps_the_language_for_account_and_mail(client, db):
    assert register(client, prefix="/en").status_code == 303
    user = user_by_email("erika@example.org")
    assert user.locale == "en"
    [mail] = mails_to("erika@example.org")
    assert link_path(mail.body_text, "/en/konto/bestaetigen/")


def test_a_taken_address_gets_the_same_answer_and_a_mail_instead_of_a_second_account(client, db):
    existing = make_account("erika@example.org", display_name="Erika", email_confirmed_at=utcnow())
    old_hash = existing.password_hash
    response = register(client, password="ein ganz anderes Passwort 7", confirm="ein ganz anderes Passwort 7")
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/registrieren/gesendet"
    assert _db.session.scalar(select(_db.func.count(User.id))) == 1
    assert user_by_email("erika@example.org").password_hash == old_hash
    [mail] = mails_to("erika@example.org")
    assert mail.subject == "Sie haben bereits ein Konto"
    assert "/konto/passwort-vergessen" in mail.body_text
    assert "/konto/bestaetigen/" not in mail.body_text


def test_a_taken_unconfirmed_address_gets_a_new_confirmation_link(client, db):
    make_account("erika@example.org")
    assert register(client).status_code == 303
    [mail] = mails_to("erika@example.org")
    assert link_path(mail.body_text, "/konto/bestaetigen/")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"password": "kurz", "confirm": "kurz"}, "mindestens 12 Zeichen"),
    ({"confirm": "etwas anderes als das Passwort"}, "stimmen nicht überein"),
    ({"password": "erika@example.org", "confirm": "erika@example.org"}, "nicht Ihre E-Mail-Adresse"),
    ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
    ({"email": ""}, "Bitte geben Sie Ihre E-Mail-Adresse ein."),
    ({"display_name": " "}, "Bitte geben Sie einen Anzeigenamen ein."),
    ({"display_name": "Antwort der Verwaltung"}, "verwechseln"),
    ({"display_name": "x" * 101}, "höchstens 100 Zeichen"),
    ({"website": "https://spam.example"}, "automatisch erzeugt"),
    ({"form_started": "gefälscht"}, "Das Formular ist abgelaufen"),
])
def test_refused_registrations_keep_the_input_and_store_nothing(client, db, overrides, message):
    response = register(client, **overrides)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error-summary"' in page
    if "email" not in overrides:
        assert 'value="erika@example.org"' in page
    assert _db.session.scalar(select(_db.func.count(User.id))) == 0
    assert mails_to("erika@example.org") == []


def test_a_form_sent_back_too_fast_is_refused(app, client, db):
    app.config["FORM_MIN_FILL_SECONDS"] = 60
    response = register(client)
    assert response.status_code == 422
    assert "Das ging sehr schnell" in response.get_data(as_text=True)
    assert user_by_email("erika@example.org") is None


def test_signed_in_people_are_sent_to_their_profile(auth, client, db):
    auth.sign_in(make_account("erika@example.org"))
    assert client.get("/konto/registrieren").headers["Location"] == "/konto/profil"
    assert register(client, email="zweite@example.org").status_code == 303
    assert user_by_email("zweite@example.org") is None


# --- confirmation ---------------------------------------------------------------------------------


def confirmation_path(client) -> str:
    assert register(client).status_code == 303
    [mail] = mails_to("erika@example.org")
    return link_path(mail.body_text, "/konto/bestaetigen/")


def test_opening_the_link_does_not_confirm_the_button_does(client, db):
    path = confirmation_path(client)
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "<button" in page.get_data(as_text=True)
    # A mail scanner following the link twice changes nothing.
    client.get(path)
    assert user_by_email("erika@example.org").email_confirmed_at is None

    response = client.post(path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/anmelden"
    assert user_by_email("erika@example.org").email_confirmed_at is not None


def test_a_confirmation_link_works_once(client, db):
    path = confirmation_path(client)
    assert client.post(path).status_code == 303
    again = client.post(path)
    assert again.status_code == 404
    assert "ungültig, abgelaufen oder wurde bereits benutzt" in again.get_data(as_text=True)
    assert client.get(path).status_code == 404


def test_an_expired_confirmation_link_is_refused(client, db):
    path = confirmation_path(client)
    token = _db.session.scalar(select(ActionToken).where(ActionToken.purpose == TokenPurpose.CONFIRM_EMAIL))
    token.expires_at = utcnow() - timedelta(minutes=1)
    _db.session.commit()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert user_by_email("erika@example.org").email_confirmed_at is None


def test_an_unknown_or_forged_link_is_refused(client, db):
    confirmation_path(client)
    assert client.get("/konto/bestaetigen/erfunden").status_code == 404
    assert client.post("/konto/bestaetigen/" + "x" * 300).status_code == 404
    assert user_by_email("erika@example.org").email_confirmed_at is None


def test_a_new_link_replaces_the_old_one(auth, client, db):
    first = confirmation_path(client)
    user = user_by_email("erika@example.org")
    auth.sign_in(user)
    assert client.post("/konto/profil/bestaetigungslink").status_code == 303
    second = link_path(mails_to("erika@example.org")[-1].body_text, "/konto/bestaetigen/")
    assert second != first
    assert client.post(first).status_code == 404
    response = client.post(second)
    assert response.headers["Location"] == "/konto/profil"
    assert user_by_email("erika@example.org").email_confirmed_at is not None


def test_a_confirmed_account_gets_no_new_link(auth, client, db):
    user = make_account("erika@example.org", email_confirmed_at=utcnow())
    auth.sign_in(user)
    client.post("/konto/profil/bestaetigungslink")
    assert mails_to("erika@example.org") == []


# --- profile ---------------------------------------------------------------------------------------


def test_the_profile_needs_a_session(client, db):
    response = client.get("/konto/profil")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")
    assert heading(client.get(response.headers["Location"])) == "Anmelden"


def test_the_profile_changes_the_name_and_the_notification_switches(auth, client, db):
    user = make_account("erika@example.org", display_name="Erika")
    auth.sign_in(user)
    page = client.get("/konto/profil").get_data(as_text=True)
    assert "E-Mail-Adresse noch nicht bestätigt" in page
    assert 'value="Erika"' in page
    response = client.post("/konto/profil", data={"display_name": "  Erika   M. ", "notify_answers": "y"})
    assert response.status_code == 303
    user = user_by_email("erika@example.org")
    assert user.display_name == "Erika M."
    assert (user.notify_replies, user.notify_answers, user.notify_moderation) == (False, True, False)
    assert "Ihre Angaben sind gespeichert." in client.get("/konto/profil").get_data(as_text=True)


def test_a_refused_name_keeps_the_input_and_changes_nothing(auth, client, db):
    user = make_account("erika@example.org", display_name="Erika")
    auth.sign_in(user)
    response = client.post("/konto/profil", data={"display_name": "Moderation", "notify_replies": "y"})
    assert response.status_code == 422
    assert 'value="Moderation"' in response.get_data(as_text=True)
    user = user_by_email("erika@example.org")
    assert user.display_name == "Erika"
    assert user.notify_answers and user.notify_moderation


def test_staff_may_use_names_that_citizens_may_not(auth, client, db):
    user = make_account("redaktion@example.org", roles=(Role.EDITOR,), display_name="Redaktion")
    auth.sign_in(user)
    assert client.post("/konto/profil", data={"display_name": "Verwaltung Bürgerservice"}).status_code == 303
    assert user_by_email("redaktion@example.org").display_name == "Verwaltung Bürgerservice"


def test_account_pages_are_not_cached(auth, client, db):
    auth.sign_in(make_account("erika@example.org"))
    for path in ("/konto/profil", "/konto/meine-daten", "/konto/loeschen", "/konto/registrieren"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path


# --- rate limits ----------------------------------------------------------------------------------


def test_registrations_per_ip_are_limited_with_a_clear_message(limited_app):
    client = limited_app(REGISTER_LIMIT_PER_IP="2 per hour").test_client()
    statuses = [register(client, email=f"person{n}@example.org").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    response = register(client, email="noch-eine@example.org")
    assert response.status_code == 429
    assert "Bitte warten Sie eine Stunde" in response.get_data(as_text=True)
    assert user_by_email("noch-eine@example.org") is None


def test_registrations_per_address_are_limited(limited_app):
    client = limited_app(REGISTER_LIMIT_PER_ADDRESS="2 per hour").test_client()
    statuses = [register(client, email="erika@example.org").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    # Only two mails reached the address, whatever a bot keeps sending.
    assert len(mails_to("erika@example.org")) == 2
    assert register(client, email="andere@example.org").status_code == 303


def test_confirmation_mails_per_account_are_limited(auth, limited_app):
    client = limited_app(CONFIRM_MAIL_LIMIT_PER_ACCOUNT="1 per hour").test_client()
    auth.sign_in(make_account("erika@example.org"), client=client)
    assert client.post("/konto/profil/bestaetigungslink").status_code == 303
    response = client.post("/konto/profil/bestaetigungslink")
    assert response.status_code == 429
    assert "Spam-Ordner" in response.get_data(as_text=True)
    assert len(mails_to("erika@example.org")) == 1


def test_an_expired_form_is_shown_again_with_the_input(app, client, db):
    app.config["WTF_CSRF_ENABLED"] = True
    response = register(client)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Das Formular ist abgelaufen" in page
    assert 'value="erika@example.org"' in page and 'value="Erika Muster"' in page
    assert user_by_email("erika@example.org") is None


def test_an_expired_subscribe_form_keeps_the_address(app, client, db):
    make_milestone(slug="buergerkonto")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/abonnieren?etappenziel=buergerkonto", data=subscribe_data("leser@example.org"))
    assert response.status_code == 400
    assert 'value="leser@example.org"' in response.get_data(as_text=True)


# --- ways to the account pages ------------------------------------------------------------------------


def links_in(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def header_of(html: str) -> str:
    return html[html.index("<header"):html.index("</header>")]


def test_the_login_page_links_to_registration(client, db):
    html = client.get("/konto/anmelden").get_data(as_text=True)
    assert "/konto/registrieren" in links_in(html[html.index("<main"):])
    html = client.get("/en/konto/anmelden").get_data(as_text=True)
    assert "/en/konto/registrieren" in links_in(html[html.index("<main"):])


def test_the_header_links_a_citizen_to_the_profile_and_signs_out_by_post(auth, client, db):
    slug = make_milestone().slug
    _db.session.commit()
    anonymous = header_of(client.get(f"/etappenziele/{slug}").get_data(as_text=True))
    assert "Anmelden" in anonymous and "csrf_token" not in anonymous
    citizen = make_account("erika@example.org", display_name="Erika Muster", email_confirmed_at=utcnow())
    auth.sign_in(citizen)
    header = header_of(client.get(f"/etappenziele/{slug}").get_data(as_text=True))
    assert '<a href="/konto/profil">Erika Muster</a>' in header
    assert re.search(r'<form method="post" action="/konto/abmelden"[^>]*>\s*<input type="hidden" name="csrf_token"', header)
    assert "Abmelden</button>" in header
    # The account page (password, sign-out) leads to the profile as well.
    account = client.get("/konto").get_data(as_text=True)
    assert "/konto/profil" in links_in(account[account.index("<main"):])


def test_the_header_links_staff_to_the_account_page(auth, client, db):
    editor = make_account("redaktion@example.org", roles=(Role.EDITOR,), display_name="Rita Redaktion",
                          email_confirmed_at=utcnow())
    auth.sign_in(editor)
    header = header_of(client.get("/").get_data(as_text=True))
    assert '<a href="/konto">Rita Redaktion</a>' in header


def test_milestone_and_field_pages_link_to_the_subscription_without_a_cookie(client, db):
    milestone = make_milestone(slug="buergerkonto")
    _db.session.commit()
    response = client.get("/etappenziele/buergerkonto")
    assert "/abonnieren?etappenziel=buergerkonto" in links_in(response.get_data(as_text=True))
    assert "Set-Cookie" not in response.headers
    response = client.get(f"/handlungsfelder/{milestone.field.slug}")
    assert response.status_code == 200
    assert f"/abonnieren?handlungsfeld={milestone.field.slug}" in links_in(response.get_data(as_text=True))
    assert "Set-Cookie" not in response.headers
    # The links lead to working forms.
    assert client.get("/abonnieren?etappenziel=buergerkonto").status_code == 200
    assert client.get(f"/abonnieren?handlungsfeld={milestone.field.slug}").status_code == 200
