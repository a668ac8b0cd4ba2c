"""Authorization tables: every route of some blueprints, read from the URL map, against the
status each role expects (tests/test_backend_authz.py, tests/test_moderation_authz.py).

A table maps (method, endpoint) to one expected status per role; LOGIN stands for a redirect
to the sign-in page (or 401 without one). Every rule is walked in German and English.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from app.extensions import login_manager
from app.models import Role
from tests.builders import make_admin, make_editor, make_moderator, make_user

LOGIN = "login"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def users_by_role(own, other, admin=None) -> dict:
    """The people of the staff tables' columns: nobody (anonymous), a citizen, an editor of the
    department `own`, one of `other`, a moderator and an admin (`admin`, or a new one); flushed."""
    return {
        "anonymous": None,
        "citizen": make_user(roles=(Role.CITIZEN,)),
        "editor_own": make_editor(own),
        "editor_other": make_editor(other),
        "moderator": make_moderator(),
        "admin": admin or make_admin(),
    }


def routes(app, prefixes: str | tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(method, endpoint, rule) of every rule whose endpoint starts with one of the prefixes."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefixes):
            continue
        for method in sorted(rule.methods & METHODS):
            found.append((method, rule.endpoint, rule.rule))
    return sorted(found)


def table_gaps(app, table: Mapping, prefixes) -> tuple[set, set]:
    """(routes missing from the table, table rows for routes that no longer exist)."""
    present = {(method, endpoint) for method, endpoint, _ in routes(app, prefixes)}
    return present - set(table), set(table) - present


def build_url(rule: str, values: Mapping[str, object]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(2)
        assert name in values, f"no test value for <{name}> in {rule}"
        return str(values[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, rule)


def endpoint_of(app, location: str) -> str:
    endpoint, _ = app.url_map.bind("localhost").match(urlsplit(location).path)
    return endpoint


def matches(app, response, expected) -> bool:
    if expected != LOGIN:
        return response.status_code == expected
    if response.status_code == 401:
        return login_manager.login_view is None
    if response.status_code != 302:
        return False
    return endpoint_of(app, response.headers["Location"]) == login_manager.login_view


def walk(app, client, table: Mapping, column: int, prefixes, values: Mapping, form: Mapping) -> list[str]:
    """Request every route as the client's user; the lines where the status differs from the table.

    POSTs send `form`, an invalid form, so an allowed POST changes nothing."""
    failures = []
    for method, endpoint, rule in routes(app, prefixes):
        expected = table[(method, endpoint)][column]
        url = build_url(rule, values)
        response = client.open(url, method=method, data=form if method == "POST" else None)
        if not matches(app, response, expected):
            failures.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    return failures


def assert_table_covers_routes(app, table: Mapping, prefixes, label: str) -> None:
    missing, gone = table_gaps(app, table, prefixes)
    assert missing == set(), f"{label} routes missing from the authorization table"
    assert gone == set(), "table rows for routes that no longer exist"


def assert_walk_changes_nothing(auth, app, db, user, table: Mapping, column: int, prefixes, values: Mapping,
                                form: Mapping, state) -> None:
    """Walk every route as `user` (anonymous if None) on a new client: each answers as the table's
    column says, and `state(db)`, what a refused or empty POST must not change, stays the same."""
    client = app.test_client()
    if user is not None:
        auth.sign_in(user, client=client)
    before = state(db)
    assert walk(app, client, table, column, prefixes, values, form) == []
    db.session.expire_all()
    assert state(db) == before, "a request in the permission walk changed data"
