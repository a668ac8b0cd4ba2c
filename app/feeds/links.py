"""Feed autodiscovery: the <link rel="alternate"> elements that belong to the current page.

base.html includes templates/feeds/_links.html, which calls feed_links(). The feeds of a
page follow from its endpoint and URL arguments; a view may also set g.feed_links.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context

from app.feeds import queries
from app.feeds.rendering import MIMETYPES

FORMAT_NAMES = {"atom": "Atom", "rss": "RSS"}


@dataclass(frozen=True)
class FeedLink:
    title: str
    href: str
    type: str


def _both_formats(title: str, endpoint: str, **args) -> list[FeedLink]:
    return [
        FeedLink(f"{title} ({FORMAT_NAMES[fmt]})", url_for(endpoint, fmt=fmt, **args), MIMETYPES[fmt])
        for fmt in MIMETYPES
    ]


def all_updates() -> list[FeedLink]:
    return _both_formats(_("Alle Fortschrittsmeldungen"), "feeds.updates")


def links_for(endpoint: str | None, args: dict) -> list[FeedLink]:
    """The feeds of the page with this endpoint and these URL arguments."""
    if endpoint in ("public.home", "public.milestones", "feeds.index", "strategy.roadmap"):
        return all_updates()
    if endpoint == "public.field" and "slug" in args:
        return _both_formats(_("Fortschrittsmeldungen dieses Handlungsfelds"), "feeds.field", slug=args["slug"]) + all_updates()
    if endpoint == "public.milestone" and "slug" in args:
        return (
            _both_formats(_("Meldungen und Änderungen dieses Etappenziels"), "feeds.milestone", slug=args["slug"])
            + _both_formats(_("Kommentare zu diesem Etappenziel"), "feeds.comments", slug=args["slug"])
        )
    if endpoint == "strategy.departments":
        links = []
        for slug, name in queries.department_links():
            links += _both_formats(_("Fortschrittsmeldungen: %(name)s", name=name), "feeds.department", slug=slug)
        return links
    return []


@pass_context
def feed_links(context) -> list[FeedLink]:
    """The current page's feeds; none on error pages (their URL may name nothing that exists)."""
    code = context.get("code")
    if isinstance(code, int) and code >= 400:
        return []
    if "feed_links" in g:
        return g.feed_links
    return links_for(request.endpoint, request.view_args or {})
