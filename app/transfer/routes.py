"""CSV export and import of milestones, under /verwaltung/csv."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.auth.decorators import roles_required
from app.extensions import db
from app.csrf_rerun import invalid_status, rerun_after_csrf_error
from app.http_cache import no_store
from app.i18n import LocalizedBlueprint, current_language
from app.models import Role
from app.transfer import services
from app.transfer.csvformat import COLUMNS, MILESTONE_COLUMNS, UPDATE_COLUMNS, CsvFileError
from app.transfer.forms import ApplyForm, UploadForm

bp = LocalizedBlueprint("transfer", __name__)
bp.after_request(no_store)  # exports and previews hold unpublished data
bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))

editor_required = roles_required(Role.ADMIN, Role.EDITOR)


def _index(form: UploadForm, status: int = 200):
    return render_template(
        "transfer/index.html", form=form, reference=services.reference(),
        milestone_columns=MILESTONE_COLUMNS, update_columns=UPDATE_COLUMNS,
        max_rows=services.MAX_ROWS, max_megabytes=services.MAX_BYTES // (1024 * 1024),
    ), status


@bp.get("")
@editor_required
def index():
    return _index(UploadForm())


@bp.get("/export")
@editor_required
def export():
    data = services.export_csv(current_user, current_language())
    response = Response(data, mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{services.export_filename()}"'
    return response


@bp.post("/vorschau")
@editor_required
def preview():
    form = UploadForm()
    if not form.validate():
        return _index(form, invalid_status())
    try:
        data = form.file.data.read(services.MAX_BYTES + 1)
        batch = services.store_upload(current_user, form.file.data.filename or "", data)
    except CsvFileError as error:
        form.file.errors.append(error.message)
        return _index(form, 422)
    # Saved before the dry run, which rolls back what it tried.
    db.session.commit()
    report = services.preview_batch(current_user, batch, current_language())
    apply_form = ApplyForm(batch=batch.id, digest=batch.digest, formdata=None)
    return _preview(report, apply_form, batch.filename)


def _preview(report: services.ImportReport, apply_form: ApplyForm | None, filename: str):
    return render_template(
        "transfer/preview.html", report=report, apply_form=apply_form, filename=filename,
        columns=COLUMNS,
    ), 200 if report.ok else 422


@bp.post("/uebernehmen")
@editor_required
def apply():
    form = ApplyForm()
    valid = form.validate()
    batch = services.find_batch(current_user, form.batch.data, form.digest.data) if valid else None
    if batch is None:
        flash(_("Die geprüfte Datei liegt nicht mehr vor (schon übernommen, ersetzt oder abgelaufen). "
                "Bitte laden Sie sie erneut hoch."), "warning")
        if not valid:
            # A form no preview page sent (or with an expired token): refused, with the upload form.
            return _index(UploadForm(formdata=None), invalid_status())
        return redirect(url_for("transfer.index"), 303)
    filename = batch.filename
    report = services.apply_batch(current_user, batch, current_language())
    db.session.commit()
    if not report.applied:
        # The data changed since the preview; nothing was saved.
        return _preview(report, None, filename)
    flash(_("Die Datei wurde übernommen: %(created)s, %(updated)s, %(updates)s.",
            created=ngettext("%(num)d Etappenziel angelegt", "%(num)d Etappenziele angelegt",
                             report.count("create")),
            updated=ngettext("%(num)d Etappenziel geändert", "%(num)d Etappenziele geändert",
                             report.count("update")),
            updates=ngettext("%(num)d Fortschrittsmeldung", "%(num)d Fortschrittsmeldungen",
                             report.update_count)), "success")
    return redirect(url_for("transfer.index"), 303)
