"""Every state-changing route of every blueprint refuses a request without a CSRF token.

The test walks the URL map, so a new POST route is covered the moment it exists. A route
that must work without a token (for example RFC 8058 one-click unsubscribe, which mail
providers send without any session) goes into EXEMPT with the reason.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import request
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select

from app.backend import catalog
from app.backend.catalog import ChampionData
from app.extensions import csrf
from app.extensions import db as _db
from app.models import AuditEntry, FundingSource, Milestone, ProgressUpdate, Role, User
from tests.builders import make_department, make_milestone, make_update, make_user

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# endpoint -> why it accepts requests without a CSRF token
EXEMPT: dict[str, str] = {
    "subscriptions.unsubscribe": "RFC 8058 one-click unsubscribe: mail programs POST without any "
                                 "session; the signed token in the URL is the authorisation",
}


def unsafe_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if rule.methods & UNSAFE_METHODS and rule.endpoint not in EXEMPT),
        key=lambda rule: rule.rule,
    )


def fill(rule: str, ids: dict[str, int]) -> str:
    """A URL for the rule: ids of existing objects where known, else harmless dummies."""

    def replace(match: re.Match) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if name in ids:
            return str(ids[name])
        return "1" if converter in ("int", "float", "id") else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", replace, rule)


def fingerprint() -> tuple:
    return tuple(
        _db.session.scalar(select(func.count()).select_from(model))
        for model in (AuditEntry, Milestone, ProgressUpdate, User, FundingSource)
    )


def test_exempt_routes_exist(csrf_app):
    endpoints = {rule.endpoint for rule in csrf_app.url_map.iter_rules()}
    assert set(EXEMPT) <= endpoints


@pytest.fixture
def refusals(monkeypatch) -> list[str]:
    """Endpoints whose request the CSRF check refused (it raised CSRFError)."""
    refused: list[str] = []
    original = csrf.protect

    def spy(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except CSRFError:
            refused.append(f"{request.method} {request.path}")
            raise

    monkeypatch.setattr(csrf, "protect", spy)
    return refused


def test_every_unsafe_route_refuses_a_missing_token(auth, csrf_app, refusals):
    department = make_department()
    milestone = make_milestone(department=department)
    update = make_update(milestone)
    admin = make_user(roles=(Role.ADMIN, Role.EDITOR, Role.MODERATOR))
    admin.departments = [department]
    champion = catalog.save_champion(admin, None, ChampionData(name="P", role="R", photo_consent_on=date(2025, 1, 1)))
    source = FundingSource(name="Eigenmittel")
    _db.session.add(source)
    _db.session.commit()
    ids = {
        "milestone_id": milestone.id, "update_id": update.id, "field_id": milestone.field_id,
        "department_id": department.id, "champion_id": champion.id, "source_id": source.id,
    }
    before = fingerprint()

    rules = unsafe_rules(csrf_app)
    assert rules, "the URL map has no POST route at all"
    failures = []
    for signed_in in (False, True):
        client = csrf_app.test_client()
        if signed_in:
            # Signed in with every role, so that no view could refuse for another reason.
            auth.sign_in(admin, client=client)
        for rule in rules:
            url = fill(rule.rule, ids)
            for method in sorted(rule.methods & UNSAFE_METHODS):
                refusals.clear()
                response = client.open(url, method=method, data={"title": "Ohne Token", "name": "Ohne Token"})
                where = f"{method} {url} (signed in: {signed_in})"
                if refusals != [f"{method} {url}"]:
                    failures.append(f"{where}: the CSRF check did not refuse it")
                elif response.status_code < 300:
                    failures.append(f"{where}: answered {response.status_code}")
                elif signed_in and rule.endpoint.startswith("backend.") and response.status_code != 400:
                    # The backend shows the form again with the input kept, as a 400.
                    failures.append(f"{where}: answered {response.status_code}, not 400")
    assert failures == []
    _db.session.expire_all()
    assert fingerprint() == before
