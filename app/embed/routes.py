"""Widget pages without site chrome for iframes, and the admin page with their snippets."""
from __future__ import annotations

from flask import abort, g, render_template, request

from app.auth.decorators import admin_required
from app.embed import framing, services
from app.i18n import LocalizedBlueprint
from app.filters import parse_milestone_filters, parse_page
from app.public import queries
from app.settings import get_setting
from app.slug_redirects import field_by_slug, published_milestone

bp = LocalizedBlueprint("embed", __name__)

WIDGETS = frozenset({"embed.field", "embed.milestones", "embed.milestone"})
# Widgets show the first entries; the link below them leads to the complete list on the portal.
WIDGET_PER_PAGE = 10


@bp.before_request
def allow_framing_by_configured_sites():
    if request.endpoint in WIDGETS:
        g.frame_ancestors = framing.frame_ancestors(get_setting("embed_allowed_origins") or [])


@bp.get("/einbetten/handlungsfeld/<slug>")
def field(slug: str):
    chosen = field_by_slug(slug) or abort(404)
    return render_template("embed/field.html", overview=queries.field_overview(chosen))


@bp.get("/einbetten/etappenziele")
def milestones():
    fields, departments = queries.filter_choices()
    filters = parse_milestone_filters(request.args, fields, departments)
    page = parse_page(request.args.get("page"))
    return render_template(
        "embed/milestones.html",
        pagination=queries.milestone_list(filters.value, page.value, WIDGET_PER_PAGE),
        filters=filters.value,
        notices=filters.notices + page.notices,
    )


@bp.get("/einbetten/etappenziel/<slug>")
def milestone(slug: str):
    found = published_milestone(slug, details=True) or abort(404)
    return render_template("embed/milestone.html", milestone=found)


@bp.get("/verwaltung/einbetten")
@admin_required
def snippets():
    return render_template("embed/snippets.html", page=services.snippet_page(request.args))
