"""Absolute URLs from the configured BASE_URL, for mails, feeds, the API, the sitemap and widgets."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter

from app.i18n import current_language, expects_language


def external_url(endpoint: str, **values) -> str:
    """An absolute URL from the configured BASE_URL, also outside a request (CLI jobs).

    Mails never use the request's Host header: a forged one must not end up in a reset link.
    """
    app = current_app._get_current_object()
    if "lang" not in values and expects_language(app, endpoint):
        values["lang"] = current_language()
    return _base_url_adapter(app).build(endpoint, values, force_external=True)


def _base_url_adapter(app: Flask) -> MapAdapter:
    """The URL map bound to BASE_URL, made once per BASE_URL (feeds build one URL per entry)."""
    base_url = app.config["BASE_URL"]
    adapters = app.extensions.setdefault("etappen.base_url_adapters", {})
    adapter = adapters.get(base_url)
    if adapter is None:
        base = urlsplit(base_url)
        adapter = adapters[base_url] = app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
        )
    return adapter
