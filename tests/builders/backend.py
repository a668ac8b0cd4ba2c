"""Builders for backend tests: staff accounts and signing in through the session."""
from __future__ import annotations

from app.models import Department, Role, User
from tests.builders import make_department, make_user


def make_admin(**kw) -> User:
    return make_user(roles=(Role.ADMIN,), **kw)


def make_editor(*departments: Department, **kw) -> User:
    user = make_user(roles=(Role.EDITOR,), **kw)
    user.departments = list(departments) or [make_department()]
    return user


def make_moderator(**kw) -> User:
    return make_user(roles=(Role.MODERATOR,), **kw)


def login(client, user: User) -> None:
    """Sign in by writing Flask-Login's session keys (the sign-in pages are tested elsewhere)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def signed_in(app, user: User):
    """A new test client of the app, signed in as the user."""
    client = app.test_client()
    login(client, user)
    return client
