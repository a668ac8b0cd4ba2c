"""The site's colours as a stylesheet (/theme.css), its logo (/logo), and the default emblem
and favicon in the theme colours (/emblem.svg, /favicon.ico), all from the settings.

No inline styles (the CSP forbids them): the colours an administrator chooses become CSS
custom properties in a small stylesheet that base.html links after the static ones. Its
URL carries a fingerprint of its content, so browsers and proxies may keep it for a year
and a new colour still shows at once; the emblem's URL does the same.
"""
from __future__ import annotations

import hashlib
import io
import re
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, g, request, url_for
from PIL import Image, ImageDraw
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models.branding import SiteLogo
from app.settings import get_setting

bp = Blueprint("theme", __name__)

YEAR = 365 * 24 * 3600
# Without the fingerprint (an old link or a hand-typed URL) browsers ask again soon.
UNVERSIONED_MAX_AGE = 300
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalise_color(text: str) -> str:
    """"#1A5FB4", "1a5fb4" and "#15b" as "#1a5fb4"; ValueError for anything else."""
    match = _HEX.fullmatch((text or "").strip())
    if match is None:
        raise ValueError(text)
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


def current_logo() -> SiteLogo | None:
    """The logo without its bytes (they are loaded only when it is served)."""
    return db.session.scalar(SiteLogo.select_current())


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


# The default emblem: rising bars on a rounded square, on a 32-unit grid. The background is the
# primary colour, the bars white, the tallest one filled with the accent colour inside a white
# rim (so it shows whatever the accent). Neutral on purpose: no coat of arms, no lettering.
EMBLEM_GRID = 32
EMBLEM_CORNER = 6
EMBLEM_WHITE_BARS = ((6, 18, 11, 26), (13.5, 13, 18.5, 26), (21, 7, 26, 26))
EMBLEM_ACCENT_BAR = (22.5, 8.5, 24.5, 24.5)
FAVICON_SIZES = ((16, 16), (32, 32), (48, 48))


# Used only when neither the setting nor the configuration holds a colour: every page links the
# emblem, so a mistyped PRIMARY_COLOR must not break them all.
FALLBACK_COLOR = "#4a4a4a"


def _color(key: str) -> str:
    """A theme colour as "#rrggbb": the setting, else the configured default, else a dark grey."""
    for value in (get_setting(key), current_app.config[key.upper()]):
        try:
            return normalise_color(str(value))
        except ValueError:
            continue
    return FALLBACK_COLOR


def emblem_svg(primary: str, accent: str) -> str:
    bars = "".join(
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="#ffffff"/>'
        for x0, y0, x1, y1 in EMBLEM_WHITE_BARS
    )
    x0, y0, x1, y1 = EMBLEM_ACCENT_BAR
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {EMBLEM_GRID} {EMBLEM_GRID}" '
        f'width="{EMBLEM_GRID}" height="{EMBLEM_GRID}">'
        f'<rect width="{EMBLEM_GRID}" height="{EMBLEM_GRID}" rx="{EMBLEM_CORNER}" fill="{primary}"/>'
        f'{bars}<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="{accent}"/></svg>\n'
    )


@lru_cache(maxsize=8)
def favicon_ico(primary: str, accent: str) -> bytes:
    """The emblem drawn with Pillow (the same shapes as the SVG) as a 16, 32 and 48 px ICO."""
    scale = 8
    image = Image.new("RGBA", (EMBLEM_GRID * scale,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, EMBLEM_GRID * scale - 1, EMBLEM_GRID * scale - 1),
                           radius=EMBLEM_CORNER * scale, fill=primary)
    for box in EMBLEM_WHITE_BARS:
        draw.rectangle(tuple(v * scale for v in box), fill="#ffffff")
    draw.rectangle(tuple(v * scale for v in EMBLEM_ACCENT_BAR), fill=accent)
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=FAVICON_SIZES)
    return out.getvalue()


def emblem_url() -> str:
    return url_for("theme.emblem", v=fingerprint(emblem_svg(_color("primary_color"), _color("accent_color")).encode()))


@bp.app_context_processor
def _theme_helpers() -> dict:
    return {"theme_stylesheet_url": theme_stylesheet_url, "site_logo": site_logo, "emblem_url": emblem_url}


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


@bp.get("/emblem.svg")
def emblem():
    """The default emblem in the theme colours: the header shows it when no logo is uploaded,
    and browsers that read SVG icons use it as the favicon."""
    content = emblem_svg(_color("primary_color"), _color("accent_color")).encode("utf-8")
    response = Response(content, mimetype="image/svg+xml")
    response.charset = "utf-8"
    return _cached(response, fingerprint(content))


@bp.get("/favicon.ico")
def favicon():
    """The emblem as a real ICO, not a redirect to the SVG: what asks for /favicon.ico without
    a <link> (feed readers, bookmark and tab previews, older browsers) is mostly what cannot
    draw an SVG icon, and an ICO works everywhere."""
    content = favicon_ico(_color("primary_color"), _color("accent_color"))
    return _cached(Response(content, mimetype="image/vnd.microsoft.icon"), fingerprint(content))
