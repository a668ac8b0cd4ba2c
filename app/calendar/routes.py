"""Calendar subscriptions: all target dates, and those of one field of action."""
from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_babel import gettext as _

from app.calendar import ics, queries
from app.i18n import LocalizedBlueprint
from app.settings import get_setting
from app.slug_redirects import field_by_slug

bp = LocalizedBlueprint("calendar", __name__)


def calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/kalender/etappenziele.ics")
def milestones():
    site = get_setting("municipality_name")
    body = ics.calendar(
        _("Zieltermine der Digitalstrategie – %(site)s", site=site),
        _("Die Zieltermine aller veröffentlichten Etappenziele der Digitalstrategie von %(site)s.", site=site),
        queries.dated_milestones(),
    )
    return calendar_response(body, "etappenziele.ics")


@bp.get("/kalender/handlungsfelder/<slug>.ics")
def field(slug: str):
    found = field_by_slug(slug) or abort(404)
    body = ics.calendar(
        _("Zieltermine im Handlungsfeld „%(name)s“", name=found.name),
        _("Die Zieltermine der veröffentlichten Etappenziele im Handlungsfeld „%(name)s“.", name=found.name),
        queries.dated_milestones(found),
    )
    return calendar_response(body, f"{found.slug}.ics")
