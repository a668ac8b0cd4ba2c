"""Records addressed by slug: one lookup each, and the permanent redirect from a former slug.

Pages, feeds, the calendar and the widgets find a field of action, a department or a published
milestone here and answer 404 when it is missing. A renamed record keeps its old address
working: the 404 of an endpoint listed in SLUG_ENDPOINTS looks the slug up among the former
slugs and answers 301 to the same endpoint with the current slug (language and query string
kept). The API addresses milestones by their numeric id instead.
"""
from __future__ import annotations

from functools import cache

from flask import redirect, request, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import Department, DepartmentSlug, Field, FieldSlug, Milestone, MilestoneFunding, MilestoneSlug


def field_by_slug(slug: str) -> Field | None:
    return db.session.scalar(select(Field).where(Field.slug == slug))


def department_by_slug(slug: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.slug == slug))


def published_milestone(slug: str, *, details: bool = False) -> Milestone | None:
    """The published milestone with this current slug; with `details`, loaded with milestone_details()."""
    return db.session.scalar(_published_milestone_statement(details), {"slug": slug})


def milestone_details() -> tuple:
    """Loader options for what a milestone's page, widget and API answer show, except updates and history."""
    return (
        joinedload(Milestone.field),
        joinedload(Milestone.parent),
        joinedload(Milestone.department),
        selectinload(Milestone.participating_departments),
        selectinload(Milestone.champions),
        selectinload(Milestone.fundings).joinedload(MilestoneFunding.source),
        Milestone.load_sub_milestones(),
    )


@cache
def _published_milestone_statement(details: bool):
    """Made once: building this statement and its cache key cost more than running it."""
    statement = Milestone.select_published().where(Milestone.slug == bindparam("slug"))
    return statement.options(*milestone_details()) if details else statement


# endpoint -> (model, former-slug model, its foreign key, only published records)
_FIELD = (Field, FieldSlug, FieldSlug.field_id, False)
_DEPARTMENT = (Department, DepartmentSlug, DepartmentSlug.department_id, False)
_MILESTONE = (Milestone, MilestoneSlug, MilestoneSlug.milestone_id, True)
SLUG_ENDPOINTS = {
    "public.field": _FIELD,
    "calendar.field": _FIELD,
    "embed.field": _FIELD,
    "feeds.field": _FIELD,
    "feeds.department": _DEPARTMENT,
    "public.milestone": _MILESTONE,
    "embed.milestone": _MILESTONE,
    "feeds.milestone": _MILESTONE,
    "feeds.comments": _MILESTONE,
}


def current_slug_for(endpoint: str, old_slug: str) -> str | None:
    """The current slug of the record the endpoint shows that once had `old_slug`."""
    model, former, key, published_only = SLUG_ENDPOINTS[endpoint]
    query = select(model.slug).join(former, key == model.id).where(former.slug == old_slug)
    if published_only:
        query = query.where(model.published.is_(True))
    return db.session.scalar(query)


def former_slug_redirect() -> Response | None:
    """The 301 to the current address, if this 404 came from a former slug."""
    endpoint, args = request.endpoint, request.view_args or {}
    if request.method not in ("GET", "HEAD") or endpoint not in SLUG_ENDPOINTS or "slug" not in args:
        return None
    slug = current_slug_for(endpoint, args["slug"])
    if slug is None or slug == args["slug"]:
        return None
    target = url_for(endpoint, **{**args, "slug": slug})
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, 301)
