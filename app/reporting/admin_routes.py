"""Report administration (under /verwaltung/berichte): issue, read the internal version, publish."""
from __future__ import annotations

from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import admin_required, roles_required
from app.extensions import db
from app.i18n import LANGUAGES, LocalizedBlueprint
from app.models import Report, ReportVariant
from app.progress import today
from app.reporting import downloads, reports
from app.reporting.forms import IssueReportForm, PublishForm
from app.reporting.rendering import ReportView, template_helpers

bp = LocalizedBlueprint("reporting_admin", __name__)

internal_reader_required = roles_required(*reports.INTERNAL_READERS)


def internal_version(view):
    """Only staff who may read the internal version learn that a report exists here: 404 for others."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not reports.can_read_internal(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _not_cached(response: Response) -> Response:
    # Staff pages and the internal version: never in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _issue_form() -> IssueReportForm:
    form = IssueReportForm()
    form.previous_id.choices = [("", _("Keinen (erster Bericht)"))] + [
        (str(item.id), _("Stichtag %(date)s", date=item.reporting_date.isoformat())) for item in reports.all_reports()
    ]
    return form


@bp.route("", methods=["GET", "POST"])
@internal_reader_required
def reports_page():
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
                return redirect(url_for("reporting_admin.report", report_id=issued.id))
        status = 422
    elif not form.reporting_date.data:
        form.reporting_date.data = today()
    return render_template("reporting/admin_reports.html", form=form, reports=reports.all_reports(),
                           can_issue=current_user.has_role(*reports.ISSUERS)), status


@bp.get("/<id:report_id>")
@internal_version
def report(report_id: int):
    found = db.session.get(Report, report_id) or abort(404)
    return render_template("reporting/report.html", view=ReportView(found, ReportVariant.INTERNAL),
                           staff_view=True, publish_form=PublishForm(),
                           can_issue=current_user.has_role(*reports.ISSUERS), **template_helpers())


@bp.get("/<id:report_id>/<variant>-<language>.pdf")
@internal_version
def report_pdf(report_id: int, variant: str, language: str):
    found = db.session.get(Report, report_id) or abort(404)
    if variant not in {v.value for v in ReportVariant} or language not in LANGUAGES:
        abort(404)
    return downloads.pdf_answer(found, language, ReportVariant(variant))


@bp.post("/<id:report_id>/veroeffentlichung")
@admin_required
def publish(report_id: int):
    found = db.session.get(Report, report_id) or abort(404)
    form = PublishForm()
    if not form.validate() or form.published.data not in ("0", "1"):
        abort(422)
    reports.set_published(current_user, found, form.published.data == "1")
    db.session.commit()
    flash(_("Der Bericht ist veröffentlicht.") if found.published else _("Der Bericht ist nicht mehr veröffentlicht."),
          "success")
    return redirect(url_for("reporting_admin.report", report_id=found.id))

