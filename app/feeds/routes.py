"""Feed URLs and the human-readable page that lists every feed."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for

from app.feeds import queries
from app.feeds.definitions import (
    CommentsFeed,
    DepartmentUpdatesFeed,
    FieldUpdatesFeed,
    MilestoneFeed,
    UpdatesFeed,
)
from app.feeds.links import feed_links
from app.feeds.rendering import feed_response
from app.i18n import LocalizedBlueprint
from app.public.queries import current_slug

bp = LocalizedBlueprint("feeds", __name__)
bp.add_app_template_global(feed_links, "feed_links")

FORMAT = "<any(atom, rss):fmt>"


@bp.get("/feeds")
def index():
    return render_template(
        "feeds/index.html",
        directory=queries.feed_directory(),
        licence_name=current_app.config["DATA_LICENCE_NAME"],
        licence_url=current_app.config["DATA_LICENCE_URL"],
    )


@bp.get(f"/feeds/fortschritt.{FORMAT}")
def updates(fmt: str):
    return feed_response(UpdatesFeed(), fmt)


@bp.get(f"/feeds/handlungsfelder/<slug>.{FORMAT}")
def field(slug: str, fmt: str):
    found = queries.field_by_slug(slug)
    if found is None:
        abort(404)
    return feed_response(FieldUpdatesFeed(found), fmt)


@bp.get(f"/feeds/organisationseinheiten/<slug>.{FORMAT}")
def department(slug: str, fmt: str):
    found = queries.department_by_slug(slug)
    if found is None:
        abort(404)
    return feed_response(DepartmentUpdatesFeed(found), fmt)


def _milestone_or_redirect(endpoint: str, slug: str, fmt: str):
    """The published milestone, a redirect from a former slug, or a 404."""
    milestone = queries.published_milestone(slug)
    if milestone is not None:
        return milestone, None
    renamed = current_slug(slug)
    if renamed is None:
        abort(404)
    return None, redirect(url_for(endpoint, slug=renamed, fmt=fmt), 301)


@bp.get(f"/feeds/etappenziele/<slug>.{FORMAT}")
def milestone(slug: str, fmt: str):
    found, moved = _milestone_or_redirect("feeds.milestone", slug, fmt)
    return moved or feed_response(MilestoneFeed(found), fmt)


@bp.get(f"/feeds/etappenziele/<slug>/kommentare.{FORMAT}")
def comments(slug: str, fmt: str):
    found, moved = _milestone_or_redirect("feeds.comments", slug, fmt)
    return moved or feed_response(CommentsFeed(found), fmt)
