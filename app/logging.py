"""Structured logs (one JSON object per line on stderr) that hold no personal data.

Requests are logged by their URL rule (``/konto/passwort-zuruecksetzen/<token>``), never by
the path or query string, which may carry tokens, e-mail addresses or search words. Client IP
addresses are never logged. As a safety net every line is scrubbed of anything that looks like
an e-mail or IP address, also in messages from libraries (werkzeug, gunicorn, SQLAlchemy).
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from datetime import datetime, timezone

from flask import Flask, g, request

from app.page_cache import tags as page_cache_tags

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Candidates with two to seven colons; _looks_like_ipv6 tells addresses from times like 12:30:05.
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
HANDLER_NAME = "etappen-json"


def scrub(text: str) -> str:
    """The text with e-mail and IP addresses replaced by placeholders."""
    text = EMAIL.sub("[email]", text)
    text = IPV4.sub("[ip]", text)
    return IPV6.sub(lambda m: "[ip]" if _looks_like_ipv6(m.group(0)) else m.group(0), text)


def _looks_like_ipv6(candidate: str) -> bool:
    # "12:30:05" is a time, not an address: IPv6 needs "::" or a hex letter or eight groups.
    return "::" in candidate or any(c in "abcdefABCDEF" for c in candidate) or candidate.count(":") == 7


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_app(app: Flask) -> None:
    """Send all logs through the JSON formatter and log each request without personal data."""
    level = app.config.get("LOG_LEVEL", "INFO")
    root = logging.getLogger()
    # create_app runs many times in the tests: install the handler once per process.
    if not any(handler.get_name() == HANDLER_NAME for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    # werkzeug's own request lines carry the client IP and the query string; ours replace them.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Flask's app logger would otherwise add its own handler in debug mode and log twice.
    app.logger.handlers.clear()
    app.logger.propagate = True

    if app.config.get("LOG_REQUESTS", True):
        app.before_request(_start_timer)
        app.after_request(_log_request)


_request_log = logging.getLogger("etappen.request")


def _start_timer() -> None:
    g._request_started = time.perf_counter()


def _log_request(response):
    started = g.get("_request_started")
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    fields = {
        "method": request.method,
        "rule": rule,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    # A request the page cache could have answered but had to render (hits log themselves).
    if page_cache_tags.current() is not None:
        fields["cache"] = "miss"
    _request_log.info("%s %s %s", request.method, rule, response.status_code, extra={"fields": fields})
    return response
