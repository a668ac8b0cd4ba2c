"""Where the rate limits are counted, and a warning when that is each worker's own memory.

Flask-Limiter's default storage (memory://) counts in the process: with gunicorn's workers
(and several servers) every process has its own count, so a limit of 5 tries lets through
5 per worker. Production without Redis stays supported (one small server); the operator is
told at start and the administrators on the dashboard.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app

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
