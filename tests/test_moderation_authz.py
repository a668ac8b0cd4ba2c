"""Who may open which moderation page: an explicit table of every moderation route and role.

A moderation route missing from the table fails the test, so new routes must be added here
with their intended permissions. Every rule is checked in German and English. POSTs send an
empty form (one blank field): an allowed POST answers with the form's errors (or a redirect with a message)
and changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import (
    AuditEntry,
    Comment,
    HoldPattern,
    Milestone,
    ModerationDecision,
    ReasonTemplate,
    Role,
    UserBlock,
    utcnow,
)
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders import make_user
from tests.builders.comments import make_comment, make_flag, make_reason_template
from tests.helpers.authz import LOGIN, assert_table_covers_routes, assert_walk_changes_nothing
from tests.helpers.authz import build_url, endpoint_of, routes
from tests.helpers.pages import heading

ROLES = ("anonymous", "citizen", "editor", "moderator", "admin")
PREFIXES = ("moderation.", "moderation_public.")
# A non-empty body: with none at all, forms bound to an object would validate the object's values.
EMPTY_FORM = {"title": ""}

# A refused form answers 422, like the public forms (issue 14; refused moderation forms were 400,
# the bulk form 200).
#                                                       anon   citizen editor  mod   admin
TABLE = {
    ("GET", "moderation.queue"):                        (LOGIN, 403, 403, 200, 200),
    ("POST", "moderation.bulk"):                        (LOGIN, 403, 403, 422, 422),
    ("GET", "moderation.item"):                         (LOGIN, 403, 403, 200, 200),
    ("POST", "moderation.decide"):                      (LOGIN, 403, 403, 422, 422),
    ("POST", "moderation.redact"):                      (LOGIN, 403, 403, 422, 422),
    ("POST", "moderation.block"):                       (LOGIN, 403, 403, 422, 422),
    # Official answers: the participation rule (editors of the department, admins).
    ("POST", "moderation.answer"):                      (LOGIN, 403, 403, 403, 422),
    ("GET", "moderation.blocks"):                       (LOGIN, 403, 403, 200, 200),
    ("POST", "moderation.unblock"):                     (LOGIN, 403, 403, 302, 302),
    ("GET", "moderation.log"):                          (LOGIN, 403, 403, 200, 200),
    ("GET", "moderation.log_export"):                   (LOGIN, 403, 403, 200, 200),
    # Reason templates: moderators keep their own templates up to date (issue 13).
    ("GET", "moderation.reasons"):                      (LOGIN, 403, 403, 200, 200),
    ("POST", "moderation.reasons"):                     (LOGIN, 403, 403, 422, 422),
    ("GET", "moderation.reason_edit"):                  (LOGIN, 403, 403, 200, 200),
    ("POST", "moderation.reason_edit"):                 (LOGIN, 403, 403, 422, 422),
    ("POST", "moderation.reason_delete"):               (LOGIN, 403, 403, 302, 302),
    ("GET", "moderation.hold_list"):                    (LOGIN, 403, 403, 403, 200),
    ("POST", "moderation.hold_list"):                   (LOGIN, 403, 403, 403, 422),
    ("POST", "moderation.hold_delete"):                 (LOGIN, 403, 403, 403, 302),
    ("GET", "moderation.milestone_modes"):              (LOGIN, 403, 403, 403, 200),
    ("POST", "moderation.milestone_modes"):             (LOGIN, 403, 403, 403, 422),
    ("GET", "moderation_public.transparency"):          (200, 200, 200, 200, 200),
    # Only the author sees the appeal page of a comment; for everyone else it does not exist.
    ("GET", "moderation_public.appeal"):                (LOGIN, 200, 404, 404, 404),
    ("POST", "moderation_public.appeal"):               (LOGIN, 200, 404, 404, 404),
}


@pytest.fixture
def world(db):
    citizen = make_citizen()
    milestone = make_milestone(department=make_department())
    comment = make_comment(milestone, citizen)  # published: the author's appeal page shows "not possible"
    make_flag(comment)
    template = make_reason_template()
    pattern = HoldPattern(pattern="Idiot")
    db.session.add(pattern)
    block = UserBlock(user_id=make_citizen().id, reason="alt", lifted_at=utcnow())
    db.session.add(block)
    users = {
        "anonymous": None,
        "citizen": citizen,
        "editor": make_editor(),
        "moderator": make_moderator(),
        "admin": make_admin(),
    }
    db.session.commit()
    values = {"comment_id": comment.id, "template_id": template.id, "pattern_id": pattern.id, "block_id": block.id}
    return users, values


def state(db) -> tuple:
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (ModerationDecision, UserBlock, HoldPattern, ReasonTemplate, Comment, AuditEntry)
    )
    comments = tuple(db.session.execute(select(Comment.id, Comment.status, Comment.body, Comment.appealed_at)).all())
    modes = tuple(db.session.scalars(select(Milestone.moderation_mode)).all())
    lifted = tuple(db.session.scalars(select(UserBlock.lifted_at)).all())
    return counts, comments, modes, lifted


def test_every_moderation_route_is_in_the_table(app):
    assert_table_covers_routes(app, TABLE, PREFIXES, "moderation")


@pytest.mark.parametrize("role", ROLES)
def test_moderation_route_permissions(auth, app, db, world, role):
    users, values = world
    assert_walk_changes_nothing(auth, app, db, users[role], TABLE, ROLES.index(role), PREFIXES, values, EMPTY_FORM,
                                state)


def test_required_admin_2fa_guards_admin_powers_on_public_pages(auth, app, db, world):
    """Closing comments, an official answer and "no answer needed" are posted on public pages:
    an admin without a second factor is sent to set it up and nothing changes."""
    users, values = world
    app.config["REQUIRE_ADMIN_2FA"] = True
    client = app.test_client()
    auth.sign_in(users["admin"], client=client)
    comment = db.session.get(Comment, values["comment_id"])
    slug = comment.milestone.slug
    before = state(db)
    for url, data in ((f"/etappenziele/{slug}/kommentare-schliessen", {"closed": "1"}),
                      (f"/kommentare/{comment.id}/antworten", {"body": "Offizielle Antwort"}),
                      (f"/kommentare/{comment.id}/keine-antwort-noetig", {}),
                      (f"/en/kommentare/{comment.id}/keine-antwort-noetig", {})):
        response = client.post(url, data=data)
        assert response.status_code == 302, url
        assert endpoint_of(app, response.headers["Location"]) == "auth.two_factor", url
    db.session.expire_all()
    assert state(db) == before
    assert client.post("/konto/abmelden").status_code in (302, 303)  # the account pages stay usable


def test_inactive_staff_account_is_refused(auth, app, db, world):
    users, values = world
    moderator = users["moderator"]
    client = app.test_client()
    auth.sign_in(moderator, client=client)
    moderator.active = False
    db.session.commit()
    response = client.get("/verwaltung/moderation")
    assert response.status_code == 302  # the session no longer counts: back to sign-in
    assert heading(client.get(response.location)) == "Anmelden"


def test_citizen_with_moderator_role_only_through_role(auth, app, db, world):
    """A user holding both citizen and moderator roles may moderate; the citizen role alone may not."""
    both = make_user(roles=(Role.CITIZEN, Role.MODERATOR))
    db.session.commit()
    client = app.test_client()
    auth.sign_in(both, client=client)
    assert client.get("/verwaltung/moderation").status_code == 200
    assert heading(client.get("/verwaltung/moderation")) == "Moderationswarteschlange"


def test_required_admin_2fa_guards_every_moderation_page(auth, app, db, world):
    """With REQUIRE_ADMIN_2FA an admin without a second factor is sent to set it up from every
    moderation page (walked from the URL map) and from the unanswered-comments list; public
    pages of the same features (transparency, a milestone's comment form) stay usable."""
    users, values = world
    app.config["REQUIRE_ADMIN_2FA"] = True
    client = app.test_client()
    auth.sign_in(users["admin"], client=client)
    pages = [(endpoint, rule) for method, endpoint, rule in routes(app, "moderation.") if method == "GET"]
    pages += [("participation.unanswered", rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint == "participation.unanswered"]
    assert len(pages) >= 2 * 8  # both languages of every moderation page and the list
    failures = []
    for endpoint, rule in pages:
        response = client.get(build_url(rule, values))
        if response.status_code != 302 or endpoint_of(app, response.headers["Location"]) != "auth.two_factor":
            failures.append(f"{endpoint} {rule}: {response.status_code} {response.headers.get('Location')}")
    assert failures == []

    milestone_slug = db.session.get(Comment, values["comment_id"]).milestone.slug
    assert client.get("/transparenz").status_code == 200
    assert client.get(f"/etappenziele/{milestone_slug}").status_code == 200
    assert client.get(f"/etappenziele/{milestone_slug}/kommentieren").status_code != 302

    # Moderators are not affected: the requirement is for admins.
    moderator = app.test_client()
    auth.sign_in(users["moderator"], client=moderator)
    assert moderator.get("/verwaltung/moderation").status_code == 200
