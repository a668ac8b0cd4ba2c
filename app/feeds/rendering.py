"""Any feed (app/feeds/definitions.py) as Atom 1.0 or RSS 2.0, with ETag and Last-Modified.

The validator comes from the feed's one-query summary, before any entry is loaded, so a
conditional request that the reader already has answers 304 without building the feed.
"""
from __future__ import annotations

from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from flask import Response, current_app

from app.feeds.conditional import Validator, cacheable, not_modified, not_modified_response
from app.feeds.definitions import Feed, max_entries, site_name
from app.feeds.ids import as_utc
from app.i18n import current_language
from app.urls import external_url
from app.sanitize import plain_text

MIMETYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMATS = tuple(MIMETYPES)
# The <updated> of a feed without entries: fixed, so that its body does not change either.
EMPTY_FEED_UPDATED = datetime(2024, 1, 1, tzinfo=timezone.utc)


def licence_note() -> str:
    config = current_app.config
    return f"{config['DATA_LICENCE_NAME']} ({config['DATA_LICENCE_URL']})"


def feed_response(feed: Feed, fmt: str) -> Response:
    """The feed in `fmt` ("atom" or "rss"), or a 304 when the reader has this version."""
    summary = feed.summary()
    last_modified = as_utc(summary.latest)
    validator = Validator.of(
        feed.kind, feed.key(), current_language(), fmt, max_entries(), summary.count, last_modified,
        summary.extra, last_modified=last_modified,
    )
    max_age = int(current_app.config["FEED_MAX_AGE"])
    if not_modified(validator):
        return not_modified_response(validator, max_age)
    body = build(feed, fmt, last_modified or EMPTY_FEED_UPDATED)
    response = Response(body, content_type=f"{MIMETYPES[fmt]}; charset=utf-8")
    return cacheable(response, validator, max_age)


def build(feed: Feed, fmt: str, updated: datetime) -> bytes:
    lang = current_language()
    # Atom marks its titles as text; RSS has no such mark and many readers parse its titles and
    # descriptions as HTML, so there they lose any markup a name or a title carries.
    text = plain_text if fmt == "rss" else str
    generator = FeedGenerator()
    generator.id(feed.feed_id(lang))
    generator.title(text(feed.title()))
    generator.subtitle(text(feed.description()))
    # feedgen takes the last link as RSS's <link>: the page, so it comes after "self".
    generator.link(href=external_url(feed.endpoint, fmt=fmt, **feed.args()), rel="self", type=MIMETYPES[fmt])
    generator.link(href=feed.link(), rel="alternate", type="text/html")
    generator.language(lang)
    generator.author({"name": site_name()})
    generator.rights(text(licence_note()))
    generator.generator("Etappen")
    generator.updated(updated)
    generator.lastBuildDate(updated)
    generator.ttl(max(1, int(current_app.config["FEED_MAX_AGE"]) // 60))
    for item in feed.items(max_entries()):
        entry = feed.entry(item)
        added = generator.add_entry(order="append")
        added.id(entry.id)
        added.title(text(entry.title))
        added.link(href=entry.link, rel="alternate", type="text/html")
        added.published(entry.published)
        added.updated(entry.updated)
        added.content(entry.content, type="html")
        added.author({"name": entry.author})
    if fmt == "atom":
        return generator.atom_str(pretty=False)
    return generator.rss_str(pretty=False)
