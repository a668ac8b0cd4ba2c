"""Where the rate limits are counted, a warning when that is each worker's own memory, the
keys every form's limits count by, and the one 429 page.

Flask-Limiter's default storage (memory://) counts in the process: with gunicorn's workers
(and several servers) every process has its own count, so a limit of 5 tries lets through
5 per worker. Production without Redis stays supported (one small server); the operator is
told at start and the administrators on the dashboard.
"""
from __future__ import annotations

import hashlib
import logging

from collections.abc import Iterable, Mapping

from flask import Blueprint, Flask, current_app, render_template, request
from flask_login import current_user

log = logging.getLogger(__name__)

WARNING = (
    "Rate limits are counted in each worker process's memory (RATELIMIT_STORAGE_URI=memory://): "
    "every limit lets through as many tries per worker process and per server. "
    "Set RATELIMIT_STORAGE_URI (or REDIS_URL) to a Redis server (docs/OPERATIONS.md)."
)


def counted_per_process(config) -> bool:
    """Production counts its rate limits in process memory, not in one shared store."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    return bool(config.get("PRODUCTION")) and config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory://")


def limits_per_process() -> bool:
    return counted_per_process(current_app.config)


def init_app(app: Flask) -> None:
    if counted_per_process(app.config):
        log.warning(WARNING)


# --- the keys of the limits (Flask-Limiter key functions); the limiter stores no addresses ------


def config_value(key: str):
    """A limit read from the configuration when the request comes (tests change it)."""
    return lambda: current_app.config[key]


def ip_key() -> str:
    # ProxyFix (PROXY_FIX_COUNT) has already put the client's address here.
    return "ip:" + (request.remote_addr or "unknown")


def address_key() -> str:
    """The e-mail address a form is about, hashed."""
    email = (request.form.get("email") or "").strip().lower()
    return "address:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def person_key() -> str:
    """The signed-in account, else the address entered in the form."""
    return f"account:{current_user.id}" if current_user.is_authenticated else address_key()


def signed_in_key() -> str:
    """The signed-in account, else the client's address."""
    return f"account:{current_user.id}" if current_user.is_authenticated else ip_key()


# --- the 429 page ---------------------------------------------------------------------------------


def register_throttle_page(
    bp: Blueprint, default, texts: Mapping[str, object] | None = None, kept_fields: Iterable[str] = (),
    heading=None,
) -> None:
    """Answer the blueprint's 429 with templates/throttled.html: the text for the endpoint (else
    `default`), the heading (else "Zu viele Anfragen") and, for copying, what the visitor typed
    into the first non-empty of `kept_fields`."""
    texts = dict(texts or {})
    kept_fields = tuple(kept_fields)

    def too_many_requests(error):
        kept = ""
        if request.method == "POST":
            kept = next((value for name in kept_fields if (value := (request.form.get(name) or "").strip())), "")
        text = texts.get(request.endpoint or "", default)
        return render_template("throttled.html", heading=heading, text=text, kept=kept), 429

    bp.register_error_handler(429, too_many_requests)
