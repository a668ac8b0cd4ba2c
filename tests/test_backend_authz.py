"""Who may open which backend page: an explicit table of every backend route and role.

A backend route that is missing from the table fails the test, so new routes must be
added here with their intended permissions. Every rule is checked in German and English.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.backend import catalog
from app.backend.catalog import ChampionData
from app.models import AuditEntry, FundingSource, Milestone, ProgressUpdate
from tests.builders import make_admin, make_department, make_field, make_milestone
from tests.builders import make_update
from tests.helpers.authz import LOGIN, assert_table_covers_routes, assert_walk_changes_nothing, users_by_role

ROLES = ("anonymous", "citizen", "editor_own", "editor_other", "moderator", "admin")
PREFIX = "backend."
# Every backend form requires a title or a name: blank ones make any allowed POST fail
# validation. (Fields missing from a body keep the object's values in WTForms.)
EMPTY_FORM = {"title": "", "name": ""}

# (method, endpoint): expected status per role, in the order of ROLES. POSTs send an
# invalid form, so an allowed POST answers 422 with the form's errors and changes nothing
# (200 before issue 14).
#                                                   anon   citizen own  other  mod  admin
TABLE = {
    ("GET", "backend.dashboard"):                   (LOGIN, 403, 200, 200, 200, 200),
    ("GET", "backend.milestones"):                  (LOGIN, 403, 200, 200, 403, 200),
    ("GET", "backend.milestone_new"):               (LOGIN, 403, 200, 200, 403, 200),
    ("POST", "backend.milestone_new"):              (LOGIN, 403, 422, 422, 403, 422),
    ("GET", "backend.milestone_edit"):              (LOGIN, 403, 200, 403, 403, 200),
    ("POST", "backend.milestone_edit"):             (LOGIN, 403, 422, 403, 403, 422),
    ("GET", "backend.progress_updates"):            (LOGIN, 403, 200, 403, 403, 200),
    ("GET", "backend.progress_update_new"):         (LOGIN, 403, 200, 403, 403, 200),
    ("POST", "backend.progress_update_new"):        (LOGIN, 403, 422, 403, 403, 422),
    ("GET", "backend.progress_update_edit"):        (LOGIN, 403, 200, 403, 403, 200),
    ("POST", "backend.progress_update_edit"):       (LOGIN, 403, 422, 403, 403, 422),
    ("GET", "backend.strategy"):                    (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.strategy"):                   (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.fields"):                      (LOGIN, 403, 403, 403, 403, 200),
    ("GET", "backend.field_new"):                   (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.field_new"):                  (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.field_edit"):                  (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.field_edit"):                 (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.departments"):                 (LOGIN, 403, 403, 403, 403, 200),
    ("GET", "backend.department_new"):              (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.department_new"):             (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.department_edit"):             (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.department_edit"):            (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.funding_sources"):             (LOGIN, 403, 403, 403, 403, 200),
    ("GET", "backend.funding_source_new"):          (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.funding_source_new"):         (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.funding_source_edit"):         (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.funding_source_edit"):        (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.champions"):                   (LOGIN, 403, 403, 403, 403, 200),
    ("GET", "backend.champion_new"):                (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.champion_new"):               (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.champion_edit"):               (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "backend.champion_edit"):              (LOGIN, 403, 403, 403, 403, 422),
    ("GET", "backend.champion_photo"):              (LOGIN, 403, 403, 403, 403, 200),
    ("GET", "backend.audit_log"):                   (LOGIN, 403, 403, 403, 403, 200),
}


@pytest.fixture
def world(db):
    """One of everything a backend URL can point to, and a user per role."""
    own, other = make_department(), make_department()
    milestone = make_milestone(department=own, field=make_field())
    update = make_update(milestone)
    source = FundingSource(name="Eigenmittel")
    db.session.add(source)
    admin = make_admin()
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    champion = catalog.save_champion(admin, None, ChampionData(
        name="Petra", role="Leitung", photo_consent_on=date(2025, 1, 1), photo_upload=png.getvalue()))
    users = users_by_role(own, other, admin)
    db.session.commit()
    values = {
        "milestone_id": milestone.id, "update_id": update.id, "field_id": milestone.field_id,
        "department_id": own.id, "source_id": source.id, "champion_id": champion.id,
    }
    return users, values


def state(db) -> tuple:
    """A fingerprint of what a refused or empty POST must not change."""
    return (
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
        db.session.scalar(select(func.count()).select_from(Milestone)),
        db.session.scalar(select(func.count()).select_from(ProgressUpdate)),
    )


def test_every_backend_route_is_in_the_table(app):
    assert_table_covers_routes(app, TABLE, PREFIX, "backend")


@pytest.mark.parametrize("role", ROLES)
def test_backend_route_permissions(auth, app, db, world, role):
    users, values = world
    assert_walk_changes_nothing(auth, app, db, users[role], TABLE, ROLES.index(role), PREFIX, values, EMPTY_FORM, state)

