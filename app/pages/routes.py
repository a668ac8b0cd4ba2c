"""Text pages provided by the operator: imprint, privacy, accessibility, easy and sign language,
comment rules."""
from __future__ import annotations

from flask import render_template

from app.i18n import LocalizedBlueprint
from app.pages.services import shown_page

bp = LocalizedBlueprint("pages", __name__)


def render_page(slug: str):
    return render_template("pages/page.html", page=shown_page(slug), slug=slug)


def _page_view(slug: str):
    def view():
        return render_page(slug)

    return view


# The pages' addresses are their slugs; the endpoints keep English names.
for _slug, _endpoint in (
    ("impressum", "imprint"),
    ("datenschutz", "privacy"),
    ("barrierefreiheit", "accessibility"),
    ("leichte-sprache", "easy_language"),
    ("kommentarregeln", "comment_rules"),
    ("gebaerdensprache", "sign_language"),
):
    bp.get(f"/{_slug}", endpoint=_endpoint)(_page_view(_slug))
