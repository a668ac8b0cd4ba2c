"""Strategy-wide pages: roadmap, departments, champions, how progress is measured."""
from __future__ import annotations

from flask import render_template

from app.i18n import LocalizedBlueprint

bp = LocalizedBlueprint("strategy", __name__)


@bp.get("/zeitplan")
def roadmap():
    return render_template("public/home.html")


@bp.get("/organisationseinheiten")
def departments():
    return render_template("public/home.html")


@bp.get("/helden-der-digitalisierung")
def champions():
    return render_template("public/home.html")


@bp.get("/wie-wir-fortschritt-messen")
def progress_rules():
    return render_template("public/home.html")
