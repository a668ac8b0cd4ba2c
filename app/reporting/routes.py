"""Public reporting pages: the state at a date, published status reports, their archive, feed and API."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for

from app.feeds.rendering import feed_response
from app.i18n import LocalizedBlueprint, current_language
from app.routing import or_404
from app.models import ReportVariant
from app.reporting import api, downloads, recording, reports, state
from app.reporting.feed import ReportsFeed
from app.reporting.rendering import ReportView, template_helpers

bp = LocalizedBlueprint("reporting", __name__)
bp.record_once(lambda _state: recording.install())
# The milestone page links to its row in the last published report (one query, where it is shown).
bp.record_once(lambda setup: setup.app.jinja_env.globals.update(last_published_report=reports.last_published_report))

# The JSON resource lives under /api/v1 like the rest of the API, in one language-neutral rule.
api_bp = Blueprint("reports_api", __name__)
api_bp.before_request(api.use_requested_language)
bp.register_blueprint(api_bp)

# --- the state at a date -------------------------------------------------------------------

@bp.get("/stand")
def state_form():
    """The date form (GET): sends the visitor to the dated view of the day chosen."""
    text = (request.args.get("day") or "").strip()
    if not text:
        return render_template("reporting/state_pick.html", error=None, day_text="")
    day = _parse_day(text)
    return day if not isinstance(day, date) else redirect(url_for("reporting.state_at", day=day.isoformat()))


@bp.get("/stand/<day>")
def state_at(day: str):
    chosen = _parse_day(day)
    if not isinstance(chosen, date):
        return chosen
    return render_template("reporting/state.html", state=state.state_at(chosen), day_text=chosen.isoformat())


@bp.get("/stand/<day>/<field_slug>")
def state_field(day: str, field_slug: str):
    """One field of action on the day, with every milestone (the overview shows the fields only)."""
    chosen = _parse_day(day)
    if not isinstance(chosen, date):
        return chosen
    strategy = state.state_at(chosen)
    item = or_404(strategy.field_by_slug(field_slug))
    return render_template("reporting/state_field.html", state=strategy, item=item, day_text=chosen.isoformat())


def _parse_day(text: str):
    """The day, or the date form with a message: 404 for no date, 400 for a future one."""
    try:
        return state.parse_day(text)
    except state.DateNotAllowed:
        return render_template("reporting/state_pick.html", error="future", day_text=text), 400
    except ValueError:
        # A date field holds a valid date or nothing: an invalid one is named in the message only.
        return render_template("reporting/state_pick.html", error="invalid", day_text=""), 404


# --- published reports -----------------------------------------------------------------------

@bp.get("/berichte")
def archive():
    return render_template("reporting/archive.html", reports=reports.published_reports())


@bp.get("/berichte/<id:report_id>")
def report(report_id: int):
    found = or_404(reports.published_report(report_id))
    return render_template("reporting/report.html", view=ReportView(found), staff_view=False, **template_helpers())


@bp.get("/berichte/<id:report_id>/bericht.pdf")
def report_pdf(report_id: int):
    found = or_404(reports.published_report(report_id))
    return downloads.pdf_answer(found, current_language(), ReportVariant.PUBLIC)


@bp.get("/berichte.<any(atom):fmt>")
def feed(fmt: str):
    return feed_response(ReportsFeed(), fmt)


# --- the API resource ---------------------------------------------------------------------------

@api_bp.get("/api/v1/reports")
def api_reports():
    return api.answer([api.summary(item) for item in reports.published_reports()])


@api_bp.get("/api/v1/reports/<id:report_id>")
def api_report(report_id: int):
    found = reports.published_report(report_id)
    if found is None:
        return api.not_found()
    return api.answer(api.detail(found))
