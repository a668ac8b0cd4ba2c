"""Feed URLs and the human-readable page that lists every feed."""
from __future__ import annotations

from flask import abort, current_app, render_template

from app.feeds import queries
from app.feeds.definitions import CommentsFeed, DepartmentUpdatesFeed, FieldUpdatesFeed, MilestoneFeed, UpdatesFeed
from app.feeds.links import feed_links
from app.feeds.rendering import feed_response
from app.i18n import LocalizedBlueprint
from app.slug_redirects import department_by_slug, field_by_slug, published_milestone

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
    return feed_response(FieldUpdatesFeed(field_by_slug(slug) or abort(404)), fmt)


@bp.get(f"/feeds/organisationseinheiten/<slug>.{FORMAT}")
def department(slug: str, fmt: str):
    return feed_response(DepartmentUpdatesFeed(department_by_slug(slug) or abort(404)), fmt)


@bp.get(f"/feeds/etappenziele/<slug>.{FORMAT}")
def milestone(slug: str, fmt: str):
    return feed_response(MilestoneFeed(published_milestone(slug) or abort(404)), fmt)


@bp.get(f"/feeds/etappenziele/<slug>/kommentare.{FORMAT}")
def comments(slug: str, fmt: str):
    return feed_response(CommentsFeed(published_milestone(slug) or abort(404)), fmt)
