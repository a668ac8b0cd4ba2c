"""Text pages provided by the operator: imprint, privacy, accessibility, easy and sign language,
comment rules."""
from __future__ import annotations

from flask import render_template

from app.i18n import LocalizedBlueprint
from app.pages.services import shown_page

bp = LocalizedBlueprint("pages", __name__)


def render_page(slug: str):
    return render_template("pages/page.html", page=shown_page(slug), slug=slug)


@bp.get("/impressum")
def imprint():
    return render_page("impressum")


@bp.get("/datenschutz")
def privacy():
    return render_page("datenschutz")


@bp.get("/barrierefreiheit")
def accessibility():
    return render_page("barrierefreiheit")


@bp.get("/leichte-sprache")
def easy_language():
    return render_page("leichte-sprache")


@bp.get("/kommentarregeln")
def comment_rules():
    return render_page("kommentarregeln")


@bp.get("/gebaerdensprache")
def sign_language():
    return render_page("gebaerdensprache")
