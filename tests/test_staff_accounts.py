"""Staff accounts: list, invitation with a single-use link, roles and departments, refusals."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth.permissions import PermissionDenied
from app.forms_base import ValidationFailed
from app.extensions import db as _db
from app.models import ActionToken, AuditEntry, OutboxMail, Role, User, utcnow
from app.staff import services
from app.staff.services import AccountData, InviteData, Refused
from tests.builders import make_admin, make_department, make_editor, make_user
from tests.builders.auth import enable_totp, make_account
from tests.helpers.pages import assert_not_found, heading

NEW_PASSWORD = "Rathaus am Marktplatz 1999!"


def fresh(user: User) -> User:
    _db.session.expire_all()
    return _db.session.get(User, user.id)


def invitation_link(mail: OutboxMail) -> str:
    match = re.search(r"http://localhost(/(?:en/)?verwaltung/konten/einladung/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def table(response) -> str:
    page = response.get_data(as_text=True)
    return page.split("<table>")[1].split("</table>")[0] if "<table>" in page else ""


def audit_entries(user: User) -> list[AuditEntry]:
    return list(_db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "user", AuditEntry.object_id == str(user.id)).order_by(AuditEntry.id)))


# --- list ----------------------------------------------------------------------------------------


def test_list_shows_staff_with_roles_and_filters(admin_client, db):
    department = make_department("Bürgeramt")
    make_editor(department, display_name="Erik Editor", email="erik@example.org")
    make_user(roles=(Role.EDITOR, Role.MODERATOR), display_name="Mia Mehrfach").departments = [department]
    make_user(roles=(Role.CITIZEN,), display_name="Bea Bürgerin")
    db.session.commit()

    page = table(admin_client.get("/verwaltung/konten"))
    assert "Erik Editor" in page and "Ada Admin" in page
    assert "Redaktion, Moderation" in page and "Bürgeramt" in page
    assert "Bea Bürgerin" not in page  # citizens only with the role filter

    citizens = table(admin_client.get("/verwaltung/konten?role=citizen"))
    assert "Bea Bürgerin" in citizens and "Erik Editor" not in citizens
    found = table(admin_client.get("/verwaltung/konten?q=ERIK@"))
    assert "Erik Editor" in found and "Ada Admin" not in found


def test_search_finds_sharp_s_and_takes_wildcards_literally(admin_client, db):
    make_editor(make_department("Bürgeramt"), display_name="Gerd Strauß", email="strauss@example.org")
    make_editor(make_department("IT"), display_name="Pia 100% Plan", email="pia_plan@example.org")
    db.session.commit()
    assert "Gerd Strauß" in table(admin_client.get("/verwaltung/konten?q=strauß"))
    assert "Gerd Strauß" in table(admin_client.get("/verwaltung/konten?q=STRAUSS@"))
    assert "Pia 100% Plan" in table(admin_client.get("/verwaltung/konten?q=100%25"))
    everyone = table(admin_client.get("/verwaltung/konten?q=%25"))
    assert "Gerd Strauß" not in everyone and "Pia 100% Plan" in everyone
    underscore = table(admin_client.get("/verwaltung/konten?q=_"))
    assert "pia_plan@example.org" in underscore and "Gerd Strauß" not in underscore


@pytest.mark.parametrize("query", ["role=kaiser", "page=abc", "page=99999", "page=-3"])
def test_bad_list_parameters_are_harmless(admin_client, query):
    response = admin_client.get(f"/verwaltung/konten?{query}")
    assert response.status_code == 200
    assert heading(response) == "Konten"


def test_list_query_count_does_not_grow_with_accounts(admin_client, db, count_queries):
    department = make_department()
    for _ in range(3):
        make_editor(department)
    db.session.commit()
    with count_queries() as few:
        admin_client.get("/verwaltung/konten")
    for _ in range(15):
        make_editor(make_department())
    db.session.commit()
    with count_queries() as many:
        admin_client.get("/verwaltung/konten")
    assert many.count == few.count


# --- invitation ----------------------------------------------------------------------------------


def test_invite_creates_account_without_password_and_mails_a_single_use_link(auth, admin_client, admin, db, client):
    department = make_department("Bürgeramt")
    db.session.commit()

    response = admin_client.post("/verwaltung/konten/einladen", data={
        "email": " Neu@Example.org ", "display_name": "Nora Neu",
        "roles": ["editor", "moderator"], "department_ids": [str(department.id)],
    })

    assert response.status_code == 303
    user = _db.session.scalar(User.select_by_email("neu@example.org"))
    assert user.password_hash is None and user.active
    assert user.roles == {Role.EDITOR, Role.MODERATOR}
    assert [d.name for d in user.departments] == ["Bürgeramt"]
    mail = _db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "neu@example.org"))
    assert "Einladung" in mail.subject
    link = invitation_link(mail)
    token = _db.session.scalar(select(ActionToken).where(ActionToken.user_id == user.id))
    assert token.token_hash not in link  # only the hash is stored
    assert [e.action for e in audit_entries(user)] == ["create"]

    # A GET shows the form and changes nothing, signs in nobody.
    anonymous = client.application.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Nora Neu" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert fresh(user).password_hash is None and auth.user_id(client=anonymous) is None

    weak = anonymous.post(link, data={"new_password": "passwort", "confirm": "passwort"})
    assert weak.status_code == 422 and fresh(user).password_hash is None

    done = anonymous.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and "/konto/anmelden" in done.headers["Location"]
    assert fresh(user).password_hash and fresh(user).email_confirmed_at is not None
    assert auth.user_id(client=anonymous) is None

    # Single use.
    assert anonymous.get(link).status_code == 404
    assert anonymous.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404
    # The new password works at the sign-in page.
    signed_in = auth.log_in("neu@example.org", NEW_PASSWORD, client=anonymous)
    assert signed_in.status_code in (302, 303)


def test_expired_invitation_link_is_refused(admin, db, client):
    services.invite(admin, InviteData(roles={Role.MODERATOR}, email="spaet@example.org"))
    mail = _db.session.scalar(select(OutboxMail))
    _db.session.execute(update(ActionToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    _db.session.commit()
    assert client.get(invitation_link(mail)).status_code == 404
    assert heading(client.get(invitation_link(mail))) == "Link ungültig"


def test_resent_invitation_ends_the_older_link(admin_client, admin, db):
    user = services.invite(admin, InviteData(roles={Role.MODERATOR}, email="zweimal@example.org"))
    first = invitation_link(_db.session.scalar(select(OutboxMail)))
    assert admin_client.post(f"/verwaltung/konten/{user.id}/einladung-erneut").status_code == 303
    mails = _db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert len(mails) == 2
    assert admin_client.get(first).status_code == 404
    assert admin_client.get(invitation_link(mails[1])).status_code == 200


@pytest.mark.parametrize("data,field,message", [
    ({"email": "kein-at", "roles": ["moderator"]}, "email", "keine gültige E-Mail-Adresse"),
    ({"email": "x@example.org", "roles": []}, "roles", "mindestens eine Rolle"),
    ({"email": "x@example.org", "roles": ["editor"]}, "department_ids", "mindestens eine Organisationseinheit"),
    ({"email": "ada@example.org", "roles": ["moderator"]}, "email", "bereits ein Konto"),
])
def test_invitation_refusals(admin, db, data, field, message):
    make_user(email="ada@example.org")
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        services.invite(admin, InviteData(roles={Role(r) for r in data["roles"]}, email=data["email"]))
    assert message in str(error.value.errors[field])
    assert _db.session.scalar(select(OutboxMail)) is None


def test_invitation_form_errors_are_shown_and_nothing_is_sent(admin_client):
    response = admin_client.post("/verwaltung/konten/einladen", data={"email": "x@example.org", "roles": ["editor"]})
    assert response.status_code == 422
    assert "Die Redaktion braucht mindestens eine Organisationseinheit." in response.get_data(as_text=True)
    assert _db.session.scalar(select(OutboxMail)) is None
    assert _db.session.scalar(User.select_by_email("x@example.org")) is None


def test_invitation_for_unknown_role_is_refused_by_the_form(admin_client):
    response = admin_client.post("/verwaltung/konten/einladen", data={"email": "x@example.org", "roles": ["kaiser"]})
    assert response.status_code == 422
    assert _db.session.scalar(User.select_by_email("x@example.org")) is None


# --- roles and departments ---------------------------------------------------------------------------


def test_roles_and_departments_change_and_are_audited(admin_client, admin, db):
    one, two = make_department("Eins"), make_department("Zwei")
    editor = make_editor(one)
    db.session.commit()

    response = admin_client.post(f"/verwaltung/konten/{editor.id}", data={
        "roles": ["editor", "moderator"], "department_ids": [str(one.id), str(two.id)]})

    assert response.status_code == 303
    changed = fresh(editor)
    assert changed.roles == {Role.EDITOR, Role.MODERATOR}
    assert {d.name for d in changed.departments} == {"Eins", "Zwei"}
    entry = audit_entries(editor)[-1]
    assert entry.actor_id == admin.id
    assert entry.before == {"roles": ["editor"], "department_ids": [one.id]}
    assert entry.after == {"roles": ["editor", "moderator"], "department_ids": sorted([one.id, two.id])}


def test_editor_needs_a_department(admin_client, db):
    editor = make_editor(make_department())
    db.session.commit()
    response = admin_client.post(f"/verwaltung/konten/{editor.id}", data={"roles": ["editor"]})
    assert response.status_code == 422
    assert "Die Redaktion braucht mindestens eine Organisationseinheit." in response.get_data(as_text=True)
    assert len(fresh(editor).departments) == 1


def test_admin_cannot_remove_own_admin_role(admin_client, admin, db):
    make_admin()
    db.session.commit()
    response = admin_client.post(f"/verwaltung/konten/{admin.id}", data={"roles": ["moderator"]})
    assert response.status_code == 409
    assert "nicht selbst entziehen" in response.get_data(as_text=True)
    assert Role.ADMIN in fresh(admin).roles


def deactivated_meanwhile(user: User) -> None:
    """Another request deactivated the account; this session still holds it as active."""
    _db.session.execute(update(User).where(User.id == user.id).values(active=False)
                        .execution_options(synchronize_session=False))


def test_last_active_admin_keeps_the_role(admin, db):
    other = make_admin()
    db.session.commit()
    # Two admins demote each other at the same moment: the second change must not leave none.
    deactivated_meanwhile(admin)
    with pytest.raises(Refused) as error:
        services.update_account(admin, other, AccountData(roles={Role.MODERATOR}))
    assert "letzte aktive Administrationskonto" in str(error.value)
    _db.session.rollback()
    assert Role.ADMIN in fresh(other).roles


def test_an_inactive_admin_may_lose_the_role(admin, db):
    other = make_admin()
    other.active = False
    db.session.commit()
    services.update_account(admin, other, AccountData(roles={Role.MODERATOR}))
    assert fresh(other).roles == {Role.MODERATOR}


def test_unknown_account_is_404(admin_client):
    assert admin_client.get("/verwaltung/konten/999").status_code == 404
    assert admin_client.post("/verwaltung/konten/999/deaktivieren").status_code == 404
    assert_not_found(admin_client.get("/verwaltung/konten/999"))


# --- deactivation ----------------------------------------------------------------------------------------


def test_deactivate_ends_sessions_and_reactivate(auth, admin_client, admin, db, client):
    editor = make_account(email="ed@example.org", roles=(Role.EDITOR,))
    editor.departments = [make_department()]
    db.session.commit()
    editor_client = client.application.test_client()
    auth.sign_in(editor, client=editor_client)
    assert editor_client.get("/verwaltung").status_code == 200

    assert admin_client.post(f"/verwaltung/konten/{editor.id}/deaktivieren").status_code == 303

    assert fresh(editor).active is False
    assert editor_client.get("/verwaltung").status_code == 302  # signed out
    assert auth.log_in("ed@example.org", client=editor_client).status_code != 303
    assert admin_client.post(f"/verwaltung/konten/{editor.id}/reaktivieren").status_code == 303
    assert fresh(editor).active is True
    assert [e.after for e in audit_entries(editor)] == [{"active": False}, {"active": True}]


def test_admin_cannot_deactivate_themselves(admin_client, admin, db):
    make_admin()
    db.session.commit()
    response = admin_client.post(f"/verwaltung/konten/{admin.id}/deaktivieren")
    assert response.status_code == 409
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in response.get_data(as_text=True)
    assert fresh(admin).active


def test_last_active_admin_cannot_be_deactivated(admin, db):
    other = make_admin()
    db.session.commit()
    deactivated_meanwhile(admin)
    with pytest.raises(Refused) as error:
        services.deactivate(admin, other)
    assert "letzte aktive Administrationskonto" in str(error.value)
    _db.session.rollback()
    assert fresh(other).active


def test_deactivating_twice_and_reactivating_an_active_account_are_refused(admin, db):
    user = make_editor(make_department())
    db.session.commit()
    with pytest.raises(Refused):
        services.reactivate(admin, user)
    services.deactivate(admin, user)
    with pytest.raises(Refused):
        services.deactivate(admin, user)


def test_deactivated_account_cannot_use_its_invitation(admin, db, client):
    user = services.invite(admin, InviteData(roles={Role.MODERATOR}, email="weg@example.org"))
    link = invitation_link(_db.session.scalar(select(OutboxMail)))
    services.deactivate(admin, user)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert heading(client.get(link)) == "Link ungültig"


# --- second factor ---------------------------------------------------------------------------------


def test_reset_second_factor_uses_the_sign_in_service(admin_client, admin, db):
    user = make_account(email="zwei@example.org", roles=(Role.EDITOR,))
    user.departments = [make_department()]
    enable_totp(user)
    version = user.session_version

    assert admin_client.post(f"/verwaltung/konten/{user.id}/zwei-faktor-zuruecksetzen").status_code == 303

    reset = fresh(user)
    assert not reset.has_second_factor and reset.session_version == version + 1
    assert _db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "zwei@example.org")) is not None
    assert audit_entries(user)[-1].after == {"second_factor": False}


def test_reset_second_factor_without_one_is_refused(admin_client, db):
    user = make_editor(make_department())
    db.session.commit()
    response = admin_client.post(f"/verwaltung/konten/{user.id}/zwei-faktor-zuruecksetzen")
    assert response.status_code == 409
    assert "keine Zwei-Faktor-Anmeldung" in response.get_data(as_text=True)


# --- access ----------------------------------------------------------------------------------------


def test_services_refuse_non_admins(db):
    editor = make_editor(make_department())
    target = make_user()
    db.session.commit()
    for call in (lambda: services.invite(editor, InviteData(roles={Role.MODERATOR}, email="a@example.org")),
                 lambda: services.update_account(editor, target, AccountData(roles={Role.ADMIN})),
                 lambda: services.deactivate(editor, target),
                 lambda: services.reactivate(editor, target),
                 lambda: services.reset_second_factor(editor, target)):
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("who", ["anonymous", "editor", "moderator", "citizen"])
def test_account_pages_are_for_admins_only(auth, client, db, who):
    target = make_user()
    if who != "anonymous":
        user = make_user(roles=({"editor": Role.EDITOR, "moderator": Role.MODERATOR,
                                 "citizen": Role.CITIZEN}[who],))
        db.session.commit()
        auth.sign_in(user)
    db.session.commit()
    expected = 302 if who == "anonymous" else 403
    assert client.get("/verwaltung/konten").status_code == expected
    assert client.get("/verwaltung/konten/einladen").status_code == expected
    assert client.post(f"/verwaltung/konten/{target.id}", data={"roles": ["admin"]}).status_code == expected
    assert client.post(f"/verwaltung/konten/{target.id}/deaktivieren").status_code == expected
    assert fresh(target).roles == {Role.CITIZEN} and fresh(target).active


def test_pages_in_english(admin_client, admin):
    assert admin_client.get("/en/verwaltung/konten").status_code == 200
    assert admin_client.get(f"/en/verwaltung/konten/{admin.id}").status_code == 200
    assert admin_client.get("/en/verwaltung/konten/einladen").status_code == 200
    assert heading(admin_client.get("/en/verwaltung/konten")) == "Accounts"
    assert heading(admin_client.get("/en/verwaltung/konten/einladen")) == "Invite staff"
