"""Strategy-wide pages: roadmap, departments, champions, how progress is measured."""
from __future__ import annotations

import hashlib

from flask import make_response, render_template, request

from app.i18n import LocalizedBlueprint
from app.routing import or_404
from app.settings import get_setting
from app.strategy import explainer, queries

bp = LocalizedBlueprint("strategy", __name__)

PHOTO_MAX_AGE = 24 * 3600


@bp.get("/zeitplan")
def roadmap():
    layout, strategy = queries.roadmap()
    return render_template("strategy/roadmap.html", layout=layout, strategy=strategy)


@bp.get("/organisationseinheiten")
def departments():
    return render_template("strategy/departments.html", overviews=queries.department_overviews())


@bp.get("/helden-der-digitalisierung")
def champions():
    return render_template("strategy/champions.html", champions=queries.champions())


@bp.get("/helden-der-digitalisierung/<id:champion_id>/foto")
def champion_photo(champion_id: int):
    champion = or_404(queries.champion_photo(champion_id))
    response = make_response(champion.photo)
    response.mimetype = champion.photo_mimetype
    response.set_etag(hashlib.sha256(champion.photo).hexdigest()[:32])
    # the page links the photo with ?v=<last change>, so a new photo gets a new URL
    response.cache_control.public = True
    response.cache_control.max_age = PHOTO_MAX_AGE
    return response.make_conditional(request)


@bp.get("/wie-wir-fortschritt-messen")
def progress_rules():
    return render_template(
        "strategy/progress_rules.html",
        stale_after_days=get_setting("stale_after_days"),
        example=explainer.example_rollup(),
    )
