"""Public progress pages: home, fields of action, milestone list and milestone page."""
from __future__ import annotations

from flask import render_template

from app.i18n import LocalizedBlueprint

bp = LocalizedBlueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/etappenziele")
def milestones():
    return render_template("public/home.html")
