"""`flask create-user` and the account rules behind it (app/users/services.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.models import Role, User
from app.users import services as users
from tests.builders import make_department, make_user

PASSWORD = "lange-genug-und-selten"


def user_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_user_with_all_options(runner, db):
    make_department("Bürgerservice", slug="buergerservice")
    make_department("Finanzen", slug="finanzen")
    db.session.commit()
    result = runner.invoke(args=[
        "create-user", "  Neue.Person@Example.ORG ", "--role", "editor", "--role", "moderator",
        "--department", "buergerservice", "--department", "finanzen",
        "--name", "Neue Person", "--password", PASSWORD,
    ])
    assert result.exit_code == 0, result.output
    assert "neue.person@example.org" in result.output
    user = db.session.scalar(User.select_by_email("neue.person@example.org"))
    assert user.email == "neue.person@example.org"
    assert user.display_name == "Neue Person"
    assert user.roles == {Role.EDITOR, Role.MODERATOR}
    assert [d.slug for d in user.departments] == ["buergerservice", "finanzen"]
    assert user.email_confirmed_at is not None
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + "x")


def test_password_is_prompted_hidden_with_confirmation(runner, db):
    result = runner.invoke(
        args=["create-user", "admin@example.org", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Passwort" in result.output and "Passwort wiederholen" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    user = db.session.scalar(User.select_by_email("admin@example.org"))
    assert user.display_name == "admin"
    assert verify_password(user.password_hash, PASSWORD)


def test_mismatched_confirmation_asks_again(runner, db):
    result = runner.invoke(
        args=["create-user", "admin@example.org", "--role", "admin"],
        input=f"{PASSWORD}\nanders-als-vorher\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(User.select_by_email("admin@example.org")).password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin", "--password", "zu-kurz"], "mindestens 12 Zeichen"),
        (["--role", "chef", "--password", PASSWORD], "Unbekannte Rolle „chef“"),
        (["--role", "editor", "--department", "gibt-es-nicht", "--password", PASSWORD],
         "Unbekannte Organisationseinheit: gibt-es-nicht"),
    ],
)
def test_rule_violations_save_nothing(runner, db, args, message):
    result = runner.invoke(args=["create-user", "neu@example.org", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert user_count(db) == 0


def test_invalid_address_is_refused(runner, db):
    result = runner.invoke(args=["create-user", "keine adresse", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 1
    assert "keine gültige E-Mail-Adresse" in result.output
    assert user_count(db) == 0


def test_existing_address_is_refused(runner, db):
    make_user("vorhanden@example.org")
    db.session.commit()
    result = runner.invoke(args=["create-user", " Vorhanden@Example.org", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 1
    assert "Es gibt bereits ein Konto mit der Adresse vorhanden@example.org" in result.output
    assert user_count(db) == 1
    assert not db.session.scalar(User.select_by_email("vorhanden@example.org")).has_role(Role.ADMIN)


def test_problems_are_reported_before_the_password_prompt(runner, db):
    result = runner.invoke(args=["create-user", "neu@example.org", "--role", "chef"], input="")
    assert result.exit_code == 1
    assert "Unbekannte Rolle" in result.output
    assert "Passwort" not in result.output


def test_a_role_is_required(runner, db):
    result = runner.invoke(args=["create-user", "neu@example.org", "--password", PASSWORD])
    assert result.exit_code == 2  # click's usage error
    assert user_count(db) == 0


def test_service_defaults_to_an_unconfirmed_address(db):
    user = users.create_user("buerger@example.org", "Bürger", [Role.CITIZEN], PASSWORD)
    assert user.email_confirmed_at is None
    assert user.roles == {Role.CITIZEN}


def test_service_refuses_a_password_equal_to_the_address(db):
    with pytest.raises(users.AccountError):
        users.create_user("langername@example.org", None, ["citizen"], "langername@example.org")
    assert user_count(db) == 0


def test_service_refuses_an_empty_role_list(db):
    with pytest.raises(users.AccountError, match="mindestens eine Rolle"):
        users.create_user("neu@example.org", None, [], PASSWORD)
