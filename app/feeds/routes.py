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


# endpoint -> (address without the format, lookup of the subject by slug, feed of the subject)
SUBJECT_FEEDS = {
    "field": ("/feeds/handlungsfelder/<slug>", field_by_slug, FieldUpdatesFeed),
    "department": ("/feeds/organisationseinheiten/<slug>", department_by_slug, DepartmentUpdatesFeed),
    "milestone": ("/feeds/etappenziele/<slug>", published_milestone, MilestoneFeed),
    "comments": ("/feeds/etappenziele/<slug>/kommentare", published_milestone, CommentsFeed),
}


def subject_feed(lookup, feed):
    """The view of a subject's feed: 404 for an unknown slug (a former one gets its 301 there)."""
    def view(slug: str, fmt: str):
        return feed_response(feed(lookup(slug) or abort(404)), fmt)
    return view


for endpoint, (address, lookup, feed) in SUBJECT_FEEDS.items():
    bp.add_url_rule(f"{address}.{FORMAT}", endpoint, subject_feed(lookup, feed), methods=["GET"])
