"""Reporting pages: the state at a date, status reports, their archive, feed, API and administration."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import admin_required, roles_required
from app.extensions import db
from app.feeds.rendering import feed_response
from app.i18n import LocalizedBlueprint, current_language
from app.models import Report, ReportVariant
from app.progress import today
from app.reporting import api, recording, reports, state
from app.reporting.feed import ReportsFeed
from app.reporting.forms import IssueReportForm, PublishForm
from app.reporting.rendering import ReportView, template_helpers

bp = LocalizedBlueprint("reporting", __name__)
bp.record_once(lambda _state: recording.install())

# The JSON resource lives under /api/v1 like the rest of the API, in one language-neutral rule.
api_bp = Blueprint("reports_api", __name__)
api_bp.before_request(api.use_requested_language)
bp.register_blueprint(api_bp)

internal_reader_required = roles_required(*reports.INTERNAL_READERS)


# --- the state at a date -------------------------------------------------------------------

@bp.get("/stand")
def state_form():
    """The date form (GET): sends the visitor to the dated view of the day chosen."""
    text = (request.args.get("day") or "").strip()
    if not text:
        return render_template("reporting/state_pick.html", error=None, day_text="")
    try:
        day = state.parse_day(text)
    except state.DateNotAllowed:
        return _bad_day(text, future=True)
    except ValueError:
        return _bad_day(text, future=False)
    return redirect(url_for("reporting.state_at", day=day.isoformat()))


@bp.get("/stand/<day>")
def state_at(day: str):
    try:
        chosen = state.parse_day(day)
    except state.DateNotAllowed:
        return _bad_day(day, future=True)
    except ValueError:
        return _bad_day(day, future=False)
    return render_template("reporting/state.html", state=state.state_at(chosen), day_text=chosen.isoformat())


def _bad_day(text: str, future: bool):
    error = "future" if future else "invalid"
    page = render_template("reporting/state_pick.html", error=error, day_text=text[:10], today=today())
    return page, 400 if future else 404


# --- published reports -----------------------------------------------------------------------

@bp.get("/berichte")
def archive():
    return render_template("reporting/archive.html", reports=reports.published_reports())


@bp.get("/berichte/<id:report_id>")
def report(report_id: int):
    found = reports.published_report(report_id)
    if found is None:
        abort(404)
    return render_template("reporting/report.html", view=ReportView(found), staff_view=False, **template_helpers())


@bp.get("/berichte/<id:report_id>/bericht.pdf")
def report_pdf(report_id: int):
    found = reports.published_report(report_id)
    if found is None:
        abort(404)
    return _pdf_answer(found, current_language(), ReportVariant.PUBLIC)


@bp.get("/berichte.<any(atom):fmt>")
def feed(fmt: str):
    return feed_response(ReportsFeed(), fmt)


def _pdf_answer(found: Report, lang: str, variant: ReportVariant) -> Response:
    """The stored PDF, byte for byte as issued."""
    stored = reports.stored_pdf(found, lang, variant)
    if stored is None:
        abort(404)
    response = Response(stored.content, content_type="application/pdf")
    name = f"sachstandsbericht-{found.reporting_date.isoformat()}-{lang}"
    if variant == ReportVariant.INTERNAL:
        name += "-intern"
        response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response.set_etag(stored.sha256)
    return response


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


# --- administration -----------------------------------------------------------------------------

def _no_store(response: Response | str, status: int = 200) -> Response:
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _issue_form() -> IssueReportForm:
    form = IssueReportForm()
    form.previous_id.choices = [("", _("Keinen (erster Bericht)"))] + [
        (str(item.id), _("Stichtag %(date)s", date=item.reporting_date.isoformat())) for item in reports.all_reports()
    ]
    return form


@bp.route("/verwaltung/berichte", methods=["GET", "POST"])
@internal_reader_required
def admin_reports():
    form = _issue_form()
    status = 200
    if request.method == "POST":
        if not current_user.has_role(*reports.ISSUERS):
            abort(403)
        if form.validate():
            try:
                issued = reports.issue_report(current_user, form.reporting_date.data, form.previous_id.data)
            except reports.ReportRefused as refused:
                form.reporting_date.errors = [*form.reporting_date.errors, refused.message]
            else:
                db.session.commit()
                flash(_("Der Sachstandsbericht ist ausgestellt. Er ist noch nicht veröffentlicht."), "success")
                return redirect(url_for("reporting.admin_report", report_id=issued.id))
        status = 400
    elif not form.reporting_date.data:
        form.reporting_date.data = today()
    return _no_store(render_template("reporting/admin_reports.html", form=form, reports=reports.all_reports(),
                                     can_issue=current_user.has_role(*reports.ISSUERS)), status)


@bp.get("/verwaltung/berichte/<id:report_id>")
@internal_reader_required
def admin_report(report_id: int):
    found = db.session.get(Report, report_id) or abort(404)
    page = render_template("reporting/report.html", view=ReportView(found, ReportVariant.INTERNAL),
                           staff_view=True, publish_form=PublishForm(),
                           can_issue=current_user.has_role(*reports.ISSUERS), **template_helpers())
    return _no_store(page)


@bp.get("/verwaltung/berichte/<id:report_id>/<any(public,internal):variant>-<any(de,en):language>.pdf")
@internal_reader_required
def admin_report_pdf(report_id: int, variant: str, language: str):
    found = db.session.get(Report, report_id) or abort(404)
    return _pdf_answer(found, language, ReportVariant(variant))


@bp.post("/verwaltung/berichte/<id:report_id>/veroeffentlichung")
@admin_required
def admin_publish(report_id: int):
    found = db.session.get(Report, report_id) or abort(404)
    form = PublishForm()
    if not form.validate() or form.published.data not in ("0", "1"):
        abort(400)
    reports.set_published(current_user, found, form.published.data == "1")
    db.session.commit()
    flash(_("Der Bericht ist veröffentlicht.") if found.published else _("Der Bericht ist nicht mehr veröffentlicht."),
          "success")
    return redirect(url_for("reporting.admin_report", report_id=found.id))

