"""The page cache in front of Flask: a WSGI middleware that answers hits before routing.

A hit costs one look-up of the page and one of the tag generation (and, after a write
somewhere, one of the page's tag versions): no routing, no session, no template, no database.
A miss renders through Flask with a `tags.Collector` listening to the ORM, and stores the
answer if Flask's side (`app/page_cache/__init__.py`) found nothing personal in it.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.http import is_resource_modified

from app.page_cache import tags as tagging
from app.page_cache.stores import Entry

log = logging.getLogger("etappen.request")

# Headers that a 304 leaves out (werkzeug's remove_entity_headers keeps Expires and
# Content-Location, and so do we).
ENTITY_HEADERS = frozenset({
    "allow", "content-encoding", "content-language", "content-length", "content-md5", "content-range",
    "content-type", "last-modified",
})
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
MAX_QUERY_LENGTH = 512
STATS_EVERY_SECONDS = 5.0
STORE_RETRY_SECONDS = 10.0
CHECKED_LIMIT = 20_000


class PageCacheMiddleware:
    def __init__(self, wsgi_app, *, pages, tags, base_url: str, session_cookies: tuple[str, ...],
                 key_prefix: str, today, timezone, log_hits: bool):
        self.wsgi_app = wsgi_app
        self.pages = pages
        self.tags = tags
        self.host = urlsplit(base_url).netloc.lower()
        self.cookie_marks = tuple(f"{name}=" for name in session_cookies)
        self.key_prefix = key_prefix
        self.today = today
        self.timezone = timezone
        self.log_hits = log_hits
        self.counts = dict.fromkeys(("hits", "misses", "stored", "not_stored"), 0)
        self._counts_flushed = time.monotonic()
        # key -> (generation the page was stored at, generation its tags were last found current)
        self._checked: dict[str, tuple[int, int]] = {}
        self._down_until = 0.0

    # -- the request ------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        # Only the public host (BASE_URL): another Host goes to Flask, which checks TRUSTED_HOSTS,
        # and an answer built for a forged one is never kept.
        if (method not in ("GET", "HEAD") or self._personal(environ)
                or environ.get("HTTP_HOST", "").lower() != self.host
                or time.monotonic() < self._down_until):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            entry = self.pages.get(key)
            current = entry is not None and self._current(key, entry)
            if entry is not None and not current and hasattr(self.pages, "drop_local"):
                # A stale copy of this process: Redis may hold a newer one from another server.
                entry = self.pages.drop_local(key)
                current = entry is not None and self._current(key, entry)
        except Exception:  # the store is unreachable: answer as if there were no cache
            self._store_failed()
            return self.wsgi_app(environ, start_response)
        if current:
            self._count("hits")
            return self._serve(entry, environ, start_response, started)
        if method == "HEAD":
            return self.wsgi_app(environ, start_response)
        self._count("misses")
        return self._render(key, environ, start_response)

    def _store_failed(self) -> None:
        now = time.monotonic()
        # Leave the store alone for a while: a store that times out must not slow every request.
        self._down_until = now + STORE_RETRY_SECONDS
        if now - getattr(self, "_failure_logged", -60.0) >= 60.0:
            self._failure_logged = now
            logging.getLogger(__name__).error("page cache store unreachable; answering without it", exc_info=True)

    def _personal(self, environ) -> bool:
        cookies = environ.get("HTTP_COOKIE")
        return bool(cookies) and any(mark in cookies for mark in self.cookie_marks)

    def _key(self, environ) -> str | None:
        query = environ.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY_LENGTH:
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if query:
            query = urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
        # The municipal day is part of the key: "overdue" and "no update for N days" change at
        # midnight in the municipality, not when something is saved.
        return f"{self.key_prefix}{self.today().isoformat()}|{path}?{query}"

    def _current(self, key: str, entry: Entry) -> bool:
        if entry.expires <= time.time():
            return False
        generation = self.tags.generation()
        if generation == entry.generation or self._checked.get(key) == (entry.generation, generation):
            return True
        versions, generation = self.tags.versions(entry.tags)
        if tuple(versions) != entry.versions:
            return False
        if len(self._checked) > CHECKED_LIMIT:
            self._checked.clear()
        self._checked[key] = (entry.generation, generation)
        return True

    # -- a hit --------------------------------------------------------------------------------

    def _serve(self, entry: Entry, environ, start_response, started: float | None):
        not_modified = (entry.etag or entry.last_modified) and not is_resource_modified(
            environ, etag=entry.etag, last_modified=entry.last_modified, ignore_if_range=True,
        )
        if not_modified:
            status = "304 NOT MODIFIED"
            headers = [(name, value) for name, value in entry.headers if name.lower() not in ENTITY_HEADERS]
            body = []
        else:
            status, headers = entry.status, list(entry.headers)
            body = [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]
        start_response(status, headers)
        if self.log_hits and started is not None:
            code = int(status[:3])
            log.info("%s %s %s", environ["REQUEST_METHOD"], entry.rule, code, extra={"fields": {
                "method": environ["REQUEST_METHOD"], "rule": entry.rule, "status": code, "cache": "hit",
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }})
        return body

    # -- a miss -------------------------------------------------------------------------------

    def _render(self, key: str, environ, start_response):
        # Render the whole answer even for a conditional request, so that it can be stored;
        # the validators are then checked here, as on a hit.
        try:
            generation = self.tags.generation()
        except Exception:
            self._store_failed()
            return self.wsgi_app(environ, start_response)
        conditional = {name: environ.pop(name) for name in CONDITIONAL_HEADERS if name in environ}
        collector = tagging.Collector()
        token = tagging.collector.set(collector)
        answer: dict = {}

        # start_response is called once, after the decision: the body is not sent before
        # the server iterates it, so delaying the call is allowed (PEP 3333).
        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"], answer["exc_info"] = status, headers, exc_info
            return _no_write

        try:
            body = self.wsgi_app(environ, capture)
        finally:
            tagging.collector.reset(token)
        if not self._storable(environ, collector, answer):
            self._count("not_stored")
            if conditional:
                environ.update(conditional)
            if "status" in answer:
                start_response(answer["status"], answer["headers"], answer["exc_info"])
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        try:
            entry = self._store(key, collector, answer, content, generation)
        except Exception:
            self._store_failed()
            entry = None
        environ.update(conditional)
        if entry is not None:
            return self._serve(entry, environ, start_response, None)
        start_response(answer["status"], answer["headers"])
        return [content]

    def _storable(self, environ, collector: tagging.Collector, answer: dict) -> bool:
        if not collector.storable or not answer.get("status", "").startswith("200 "):
            return False
        for name, value in answer["headers"]:
            lower = name.lower()
            if lower == "set-cookie":
                return False
            if lower == "cache-control" and ("private" in value or "no-store" in value):
                return False
        return True

    def _store(self, key: str, collector: tagging.Collector, answer: dict, content: bytes,
               generation: int) -> Entry | None:
        tags = collector.all_tags()
        versions, now_generation = self.tags.versions(tags)
        if now_generation != generation:
            # Something was written while this page was built: it may show the old state.
            self._count("not_stored")
            return None
        headers = answer["headers"]
        found = {name.lower(): value for name, value in headers}
        entry = Entry(
            status=answer["status"], headers=list(headers), body=content, tags=tuple(tags),
            versions=tuple(versions), generation=generation, expires=self._next_midnight(),
            rule=collector.rule, etag=found.get("etag"), last_modified=found.get("last-modified"),
        )
        self.pages.set(key, entry)
        self._count("stored")
        return entry

    def _next_midnight(self) -> float:
        now = datetime.now(self.timezone)
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), self.timezone)
        return midnight.timestamp()

    # -- numbers for the dashboard --------------------------------------------------------------

    def _count(self, name: str) -> None:
        self.counts[name] += 1
        if time.monotonic() - self._counts_flushed > STATS_EVERY_SECONDS:
            self.flush_counts()

    def flush_counts(self) -> None:
        counts = {name: value for name, value in self.counts.items() if value}
        self._counts_flushed = time.monotonic()
        if counts:
            self.counts = dict.fromkeys(self.counts, 0)
            try:
                self.tags.add_stats(counts)
            except Exception:  # numbers for a dashboard never fail a request
                logging.getLogger(__name__).warning("page cache statistics not saved", exc_info=True)


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support the WSGI write() callable")
