"""/sitemap.xml and /robots.txt."""
from __future__ import annotations

from flask import Blueprint, Response, current_app

from app.urls import external_url
from app.seo.sitemap import pages, sitemap_xml

bp = Blueprint("seo", __name__)

# Staff and account pages are of no use in a search index; widgets repeat the public pages.
DISALLOWED = ("/verwaltung", "/konto", "/einbetten")


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    return response


@bp.get("/sitemap.xml")
def sitemap():
    return _cached(Response(sitemap_xml(pages()), content_type="application/xml; charset=utf-8"))


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *"]
    for path in DISALLOWED:
        lines += [f"Disallow: {path}", f"Disallow: /en{path}"]
    lines.append(f"Sitemap: {external_url('seo.sitemap')}")
    return _cached(Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"))
