"""The site's colours as a stylesheet (/theme.css) and its logo (/logo), both from the settings.

No inline styles (the CSP forbids them): the colours an administrator chooses become CSS
custom properties in a small stylesheet that base.html links after the static ones. Its
URL carries a fingerprint of its content, so browsers and proxies may keep it for a year
and a new colour still shows at once.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, g, request, url_for
from sqlalchemy.orm import undefer

from app.admin_settings.services import current_logo
from app.extensions import db
from app.models.branding import SiteLogo
from app.settings import get_setting

bp = Blueprint("theme", __name__)

YEAR = 365 * 24 * 3600
# Without the fingerprint (an old link or a hand-typed URL) browsers ask again soon.
UNVERSIONED_MAX_AGE = 300


def theme_css() -> str:
    return (
        ":root {\n"
        f"  --color-primary: {get_setting('primary_color')};\n"
        "  --color-on-primary: #ffffff;\n"
        f"  --color-accent: {get_setting('accent_color')};\n"
        "  --color-on-accent: #ffffff;\n"
        "}\n"
    )


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def theme_stylesheet_url() -> str:
    return url_for("theme.stylesheet", v=fingerprint(theme_css().encode("utf-8")))


def site_logo():
    """The logo's URL, width and height for the header, or None; one query per page at most."""
    if "_site_logo" not in g:
        logo = current_logo()
        g._site_logo = None if logo is None else {
            "url": url_for("theme.logo", v=logo.digest[:16]), "width": logo.width, "height": logo.height,
        }
    return g._site_logo


@bp.app_context_processor
def _theme_helpers() -> dict:
    return {"theme_stylesheet_url": theme_stylesheet_url, "site_logo": site_logo}


def _cached(response: Response, version: str) -> Response:
    response.set_etag(version)
    response.cache_control.public = True
    if request.args.get("v") == version:
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = UNVERSIONED_MAX_AGE
    return response.make_conditional(request)


@bp.get("/theme.css")
def stylesheet():
    content = theme_css().encode("utf-8")
    response = Response(content, mimetype="text/css")
    response.charset = "utf-8"
    return _cached(response, fingerprint(content))


@bp.get("/logo")
def logo():
    row = db.session.scalar(SiteLogo.select_current().options(undefer(SiteLogo.data)))
    if row is None:
        abort(404)
    return _cached(Response(row.data, mimetype=row.mimetype), row.digest[:16])
