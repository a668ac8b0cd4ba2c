"""The page cache for anonymous visitors, with cache tags from the data layer.

Every anonymous GET (no session or remember cookie) is answered from the cache while nothing
it showed has changed. What a page showed, and what a write changed, comes from the ORM
(`tags.py`); the commit bumps the tags; the next request anywhere sees the change. The
middleware (`middleware.py`) answers hits before Flask; this module decides on the Flask side
whether an answer may be stored at all:

- never an answer that depends on the session (it sets a cookie, flashes, carries a CSRF
  token, or was asked with a session cookie), nor one marked `Cache-Control: private`;
- only a 200: a 404 for any made-up path would let anyone fill the cache, and redirects
  (language switch, former slugs) cost little to answer again;
- never with a query parameter the page did not read (`?utm_source=…` or random strings
  would fill the cache) or one it refused (the list's notices about invalid filters).

Settings: PAGE_CACHE_ENABLED, PAGE_CACHE_URL (Redis), PAGE_CACHE_MAX_BYTES,
PAGE_CACHE_TAGS_PATH (README, docs/OPERATIONS.md).
"""
from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, session
from werkzeug.datastructures import ImmutableMultiDict

from app import progress
from app.models.base import Base
from app.page_cache import tags as tagging
from app.page_cache.middleware import PageCacheMiddleware
from app.page_cache.stores import LayeredPages, LocalTags, MemoryPages, RedisPages, RedisTags, SqliteTags

do_not_store = tagging.do_not_store
log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]


class ReadArgs(ImmutableMultiDict):
    """Query parameters that remember which names the page asked for."""

    def _read(self, key) -> None:
        read = self.__dict__.setdefault("read", set())
        read.add(key)

    def __getitem__(self, key):
        self._read(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self._read(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._read(key)
        return super().getlist(key, type)

    def __contains__(self, key) -> bool:
        self._read(key)
        return super().__contains__(key)

    def unread(self) -> set[str]:
        return set(self.keys()) - self.__dict__.get("read", set())


class PageCache:
    """The cache of one app: its stores, and what Flask and the CLI call."""

    def __init__(self, app: Flask):
        config = app.config
        self.enabled = bool(config["PAGE_CACHE_ENABLED"])
        url = config.get("PAGE_CACHE_URL") or ""
        prefix = f"etappen:{config['PAGE_CACHE_NAMESPACE']}:"
        if url:
            import redis  # noqa: PLC0415 - only where Redis is configured

            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            local = MemoryPages(int(config["PAGE_CACHE_MAX_BYTES"]))
            self.pages, self.tags = LayeredPages(local, RedisPages(client, prefix)), RedisTags(client, prefix)
        else:
            self.pages = MemoryPages(int(config["PAGE_CACHE_MAX_BYTES"]))
            path = config.get("PAGE_CACHE_TAGS_PATH")
            self.tags = SqliteTags(path) if path else LocalTags()
        self.middleware: PageCacheMiddleware | None = None

    def invalidate(self, changed: set[str]) -> None:
        if not self.enabled:
            return
        try:
            self.tags.bump(sorted(changed))
        except Exception:
            # The write is committed; an unreachable store must not turn it into an error.
            log.error("page cache: tags not invalidated, cached pages may be stale until "
                      "`flask cache clear`", exc_info=True)

    def clear(self) -> None:
        """Every page of every process and server: local pages go, and every tag moves on."""
        self.tags.bump([tagging.EVERYTHING])
        self.pages.clear()
        self.tags.reset_stats()

    def statistics(self) -> dict:
        if self.middleware is not None:
            self.middleware.flush_counts()
        counts = self.tags.stats()
        served = counts["hits"] + counts["misses"]
        return {
            **counts,
            "hit_rate": counts["hits"] / served if served else None,
            "size": self.pages.size(),
            "pages_store": self.pages.kind,
            "tags_store": self.tags.kind,
            "enabled": self.enabled,
        }


def get() -> PageCache:
    return current_app.extensions["page_cache"]


def _invalidate_after_commit(changed: set[str]) -> None:
    from flask import has_app_context  # noqa: PLC0415

    if has_app_context() and "page_cache" in current_app.extensions:
        current_app.extensions["page_cache"].invalidate(changed)


@cache
def code_version() -> str:
    """A digest of the code, templates, translations and static files: a new release never
    serves the pages of the old one from a shared Redis."""
    digest = hashlib.sha256()
    for folder in ("app", "templates", "translations", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix not in (".pyc", ".mo"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _config_version(app: Flask) -> str:
    plain = sorted(
        (key, repr(value)) for key, value in app.config.items()
        if isinstance(value, (str, int, float, bool, tuple, list, type(None))) and key != "SECRET_KEY"
    )
    return hashlib.sha256(repr(plain).encode()).hexdigest()[:8]


def _mark_answer(response):
    """On Flask's side: may this answer be stored?"""
    collector = tagging.current()
    if collector is None:
        return response
    if request.url_rule is not None:
        collector.rule = request.url_rule.rule
    args = request.args
    if (
        response.status_code != 200
        or response.is_streamed
        or session.modified
        or "csrf_token" in g
        or (isinstance(args, ReadArgs) and args.unread())
    ):
        collector.refuse()
    return response


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("PAGE_CACHE_NAMESPACE", f"{code_version()}-{_config_version(app)}")
    page_cache = PageCache(app)
    app.extensions["page_cache"] = page_cache
    tagging.install(Base, _invalidate_after_commit)
    if not page_cache.enabled:
        return
    if config.get("PRODUCTION") and page_cache.pages.kind != "redis":
        log.warning(
            "page cache without Redis (PAGE_CACHE_URL): each worker keeps its own pages and the tag "
            "versions are in %s, which is exact for one app server only; several app servers need Redis",
            config.get("PAGE_CACHE_TAGS_PATH"),
        )
    # On top of whatever request class the app already uses (app/forms_base.py keeps raw forms).
    app.request_class = type("CacheAwareRequest", (app.request_class,), {"parameter_storage_class": ReadArgs})
    app.after_request(_mark_answer)
    page_cache.middleware = PageCacheMiddleware(
        app.wsgi_app,
        pages=page_cache.pages,
        tags=page_cache.tags,
        base_url=config["BASE_URL"],
        session_cookies=(config["SESSION_COOKIE_NAME"], config.get("REMEMBER_COOKIE_NAME", "remember_token")),
        key_prefix="",
        today=lambda: progress.today(),
        timezone=ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]),
        log_hits=bool(config.get("LOG_REQUESTS", True)),
    )
    app.wsgi_app = page_cache.middleware
