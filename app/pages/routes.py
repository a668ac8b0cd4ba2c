"""Text pages provided by the operator: imprint, privacy, accessibility, easy and sign language."""
from __future__ import annotations

from flask import render_template

from app.i18n import LocalizedBlueprint

bp = LocalizedBlueprint("pages", __name__)


@bp.get("/impressum")
def imprint():
    return render_template("public/home.html")


@bp.get("/datenschutz")
def privacy():
    return render_template("public/home.html")


@bp.get("/barrierefreiheit")
def accessibility():
    return render_template("public/home.html")


@bp.get("/leichte-sprache")
def easy_language():
    return render_template("public/home.html")


@bp.get("/gebaerdensprache")
def sign_language():
    return render_template("public/home.html")
