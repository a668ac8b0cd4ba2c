"""Where the rate limits are counted, a warning when that is each worker's own memory, and the
keys every form's limits count by.

Flask-Limiter's default storage (memory://) counts in the process: with gunicorn's workers
(and several servers) every process has its own count, so a limit of 5 tries lets through
5 per worker. Production without Redis stays supported (one small server); the operator is
told at start and the administrators on the dashboard.
"""
from __future__ import annotations

import hashlib
import logging

from flask import Flask, current_app, request
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
