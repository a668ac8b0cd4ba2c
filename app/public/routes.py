"""Public progress pages: home, fields of action, milestone list and milestone page."""
from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user

from app import progress as rules
from app.i18n import LocalizedBlueprint
from app.participation.forms import CommentForm
from app.participation.queries import milestone_thread
from app.filters import SORT_OPTIONS, parse_milestone_filters, parse_page, parse_status
from app.public import display, queries
from app.settings import get_setting
from app.slug_redirects import field_by_slug, published_milestone

bp = LocalizedBlueprint("public", __name__)


@bp.context_processor
def display_helpers():
    return {
        "change_label": display.change_label,
        "change_value": display.change_value,
        "external_url": display.external_url,
        "share": display.share,
        "money_series": display.MONEY_SERIES,
        "money_series_labels": display.MONEY_SERIES_LABELS,
    }


@bp.get("/")
def home():
    overview = queries.home_overview()
    return render_template(
        "public/home.html",
        overview=overview,
        chart=display.status_chart(overview.rollup.by_status),
        money_chart=display.money_chart(overview.money_by_year),
    )


@bp.get("/handlungsfelder/<slug>")
def field(slug: str):
    chosen_field = field_by_slug(slug) or abort(404)
    status = parse_status(request.args.get("status"))
    return render_template(
        "public/field.html",
        overview=queries.field_overview(chosen_field),
        status=status.value,
        notices=status.notices,
    )


@bp.get("/etappenziele")
def milestones():
    fields, departments = queries.filter_choices()
    filters = parse_milestone_filters(request.args, fields, departments)
    page = parse_page(request.args.get("page"))
    pagination = queries.milestone_list(filters.value, page.value, current_app.config["PER_PAGE"])
    return render_template(
        "public/milestones.html",
        pagination=pagination,
        filters=filters.value,
        notices=filters.notices + page.notices,
        fields=fields,
        departments=departments,
        sort_options=SORT_OPTIONS,
    )


@bp.get("/etappenziele/<slug>")
def milestone(slug: str):
    found = published_milestone(slug, details=True) or abort(404)
    page = parse_page(request.args.get("updates_page"))
    stale_after_days = int(get_setting("stale_after_days"))
    response = make_response(render_template(
        "public/milestone.html",
        milestone=found,
        updates=queries.milestone_updates(found, page.value),
        history=queries.milestone_history(found),
        notices=page.notices,
        stale=rules.is_stale(found, stale_after_days),
        days_since_update=rules.days_since_update(found),
        stale_after_days=stale_after_days,
        thread=milestone_thread(found, current_user, request.args, CommentForm),
    ))
    # Signed-in visitors see forms and their own votes: caches must keep the versions apart.
    response.vary.add("Cookie")
    return response
