"""The sitemap: every public page in German and English, each naming its other language.

Sitemaps protocol 0.9 with xhtml:link alternates (hreflang); all URLs from BASE_URL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES
from app.urls import external_url
from app.models import Field, Milestone, Report

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Pages without arguments, in the order a visitor would find them.
MAIN_PAGES = (
    "public.home",
    "public.milestones",
    "strategy.roadmap",
    "strategy.departments",
    "strategy.champions",
    "strategy.progress_rules",
    "feeds.index",
    "moderation_public.transparency",
    "pages.comment_rules",
    "pages.easy_language",
    "pages.sign_language",
    "pages.accessibility",
    "pages.imprint",
    "pages.privacy",
    "reporting.state_form",
    "reporting.archive",
)


@dataclass(frozen=True)
class Page:
    endpoint: str
    args: dict
    lastmod: date | None = None


def pages() -> list[Page]:
    """Main pages, fields of action, published milestones and published reports (three queries)."""
    listed = [Page(endpoint, {}) for endpoint in MAIN_PAGES]
    listed += [Page("public.field", {"slug": slug}) for slug in db.session.scalars(
        select(Field.slug).order_by(Field.position, Field.name)
    )]
    listed += [
        Page("public.milestone", {"slug": slug}, updated_at.date() if updated_at else None)
        for slug, updated_at in db.session.execute(
            select(Milestone.slug, Milestone.updated_at)
            .where(Milestone.published.is_(True))
            .order_by(Milestone.id)
        )
    ]
    listed += [
        Page("reporting.report", {"report_id": report_id}, published_at.date() if published_at else None)
        for report_id, published_at in db.session.execute(
            select(Report.id, Report.published_at).where(Report.published.is_(True)).order_by(Report.id)
        )
    ]
    return listed


def sitemap_xml(listed: list[Page]) -> bytes:
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for page in listed:
        urls = {lang: external_url(page.endpoint, lang=lang, **page.args) for lang in LANGUAGES}
        for lang in LANGUAGES:
            entry = ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url")
            ElementTree.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = urls[lang]
            if page.lastmod:
                ElementTree.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = page.lastmod.isoformat()
            for other, href in urls.items():
                ElementTree.SubElement(
                    entry, f"{{{XHTML_NS}}}link", {"rel": "alternate", "hreflang": other, "href": href}
                )
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
