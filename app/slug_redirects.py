"""Permanent redirects from former slugs, for every page, feed, calendar and widget addressed by slug.

A renamed field of action, department or milestone keeps its old address working: the 404 of an
endpoint listed here looks the slug up among the former slugs and answers 301 to the same
endpoint with the current slug (language and query string kept). Endpoints that resolve
former milestone slugs themselves (public.milestone, the milestone feeds) never get here with one.
"""
from __future__ import annotations

from flask import redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import Department, DepartmentSlug, Field, FieldSlug, Milestone, MilestoneSlug

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
    "embed.milestone": _MILESTONE,
}


def current_slug_for(endpoint: str, old_slug: str) -> str | None:
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
