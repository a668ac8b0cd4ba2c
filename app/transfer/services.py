"""CSV export and import of milestones, including bulk progress updates.

The import runs the backend's own services (create_milestone, update_milestone,
report_progress) inside one transaction: the preview runs them and rolls back, the apply
step runs them again and keeps them only when every row succeeded (the view commits). So the
preview shows what applying will do, and history entries (MilestoneChange) and the audit log are
written exactly as when the forms are used.

The uploaded file waits in the database (ImportBatch) between preview and apply, so the
two steps may run on different app servers.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from app.auth.permissions import PermissionDenied, require, require_role
from app.backend.queries import scoped
from app.backend.services import create_milestone, report_progress, update_milestone
from app.forms_base import ValidationFailed
from app.extensions import db
from app.formatting import status_label
from app.models import Champion, Department, Field, FundingSource, Milestone, Role, User, utcnow
from app.models.transfer import ImportBatch
from app.progress import MilestoneStatus, today
from app.transfer import csvformat
from app.transfer.csvformat import COLUMNS_BY_KEY, CellFormat, CsvFileError
from app.transfer.planning import ERROR_COLUMNS, Lookups, PlannedRow, Planner
from app.transfer.report import ImportReport

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An upload not applied within this time is deleted with the next upload.
BATCH_RETENTION = timedelta(hours=24)


# ----------------------------------------------------------------------------- export


def exportable_milestones(actor: User) -> list[Milestone]:
    """What the user may export: admins every milestone, editors those of their departments."""
    require_role(actor, Role.ADMIN, Role.EDITOR)
    stmt = scoped(select(Milestone), actor).options(
        selectinload(Milestone.field),
        selectinload(Milestone.parent),
        selectinload(Milestone.department),
        selectinload(Milestone.participating_departments),
        selectinload(Milestone.champions),
        selectinload(Milestone.fundings),
    )
    return list(db.session.scalars(stmt.order_by(Milestone.id)))


def milestone_cells(milestone: Milestone, fmt: CellFormat) -> list[str]:
    """One row of the export: the milestone's columns, then empty progress update columns."""
    values = {
        "slug": milestone.slug,
        "title": milestone.title,
        "summary": milestone.summary,
        "description": milestone.description,
        "easy_summary": milestone.easy_summary,
        "field": milestone.field.slug,
        "parent": milestone.parent.slug if milestone.parent else "",
        "weight": fmt.integer(milestone.weight),
        "status": milestone.status,
        "progress": fmt.integer(milestone.progress),
        "progress_method": milestone.progress_method,
        "start_date": fmt.date(milestone.start_date),
        "original_target_date": fmt.date(milestone.original_target_date),
        "target_date": fmt.date(milestone.target_date),
        "completed_on": fmt.date(milestone.completed_on),
        "department": milestone.department.slug if milestone.department else "",
        "participating_departments": csvformat.LIST_SEPARATOR.join(
            sorted(d.slug for d in milestone.participating_departments)
        ),
        "contact_role": milestone.contact_role,
        "champions": csvformat.LIST_SEPARATOR.join(str(i) for i in sorted(c.id for c in milestone.champions)),
        "planned": fmt.money(milestone.planned),
        "committed": fmt.money(milestone.committed),
        "spent": fmt.money(milestone.spent),
        "budget_year": fmt.integer(milestone.budget_year),
        "fundings": fmt.fundings(sorted((f.source_id, f.amount) for f in milestone.fundings)),
        "published": fmt.boolean(milestone.published),
        "title_en": milestone.title_en,
        "summary_en": milestone.summary_en,
        "description_en": milestone.description_en,
        "contact_role_en": milestone.contact_role_en,
    }
    return [values.get(key, "") for key in csvformat.HEADER]


def export_csv(actor: User, language: str) -> bytes:
    fmt = CellFormat(language)
    return csvformat.write_csv([milestone_cells(m, fmt) for m in exportable_milestones(actor)])


def export_filename() -> str:
    return f"etappenziele-{today().isoformat()}.csv"


# ----------------------------------------------------------------------------- running


def run_import(actor: User, data: bytes, language: str, apply: bool,
               batch: ImportBatch | None = None) -> ImportReport:
    """Check (apply=False) or apply a CSV file; all rows or none.

    The preview is a dry run that rolls back; applying keeps the changes (and deletes the
    batch with them) only when no row has a problem, and the caller commits them.
    """
    require_role(actor, Role.ADMIN, Role.EDITOR)
    report = ImportReport()
    try:
        table = csvformat.read_table(data, MAX_ROWS)
    except CsvFileError as error:
        report.file_errors.append(error.message)
        return report
    report.warnings = [
        _l("Die Spalte „%(column)s“ ist unbekannt und wird nicht übernommen.", column=key)
        for key in table.unknown_columns
    ]
    if not table.records:
        report.file_errors.append(_l("Die Datei enthält keine Etappenziele."))
        return report

    lookups = Lookups.load()
    planned = Planner(actor, table, lookups, CellFormat(language)).plan()
    report.rows = [row.result for row in planned]
    try:
        _execute(actor, planned, lookups)
    except BaseException:
        db.session.rollback()
        raise
    if apply and report.ok:
        if batch is not None:
            db.session.delete(batch)
        db.session.flush()
        report.applied = True
    else:
        db.session.rollback()
    return report


def _execute(actor: User, planned: list[PlannedRow], lookups: Lookups) -> None:
    """Run the backend services row by row; top-level milestones first, so parents exist."""
    failed_lines = {row.result.slug: row.result.line for row in planned if row.result.errors}
    order = sorted(planned, key=lambda row: (row.parent_slug is not None, row.result.line))
    for row in order:
        result = row.result
        if result.errors:
            continue
        if row.parent_slug in failed_lines:
            result.errors.append(_l("Das Oberziel „%(slug)s“ in Zeile %(line)d enthält Fehler.",
                                    slug=row.parent_slug, line=failed_lines[row.parent_slug]))
            continue
        try:
            milestone = _apply_row(actor, row, lookups)
        except ValidationFailed as error:
            result.errors.extend(_service_messages(error.errors))
        except PermissionDenied:
            result.errors.append(_l("Sie dürfen dieses Etappenziel nicht so ändern."))
        except DBAPIError:
            # The session is unusable after a failed statement; later rows cannot be checked.
            db.session.rollback()
            result.errors.append(_l("Die Daten verletzen eine Regel der Datenbank. Die übrigen Zeilen "
                                    "wurden deshalb nicht geprüft."))
            return
        else:
            if milestone is not None and milestone.slug not in lookups.milestones:
                lookups.milestones[milestone.slug] = milestone
        if result.errors and result.slug:
            failed_lines[result.slug] = result.line


def _apply_row(actor: User, row: PlannedRow, lookups: Lookups) -> Milestone | None:
    data = row.data
    milestone = row.milestone
    if row.parent_given:
        parent = lookups.milestones.get(row.parent_slug) if row.parent_slug else None
        data.parent_id = parent.id if parent else None
    if row.changed:
        if milestone is None:
            milestone = create_milestone(actor, data)
            row.result.slug = milestone.slug
        else:
            update_milestone(actor, milestone, data)
    if row.progress is not None:
        report_progress(actor, milestone, row.progress)
    return milestone


def _service_messages(errors: dict[str, object]) -> list:
    messages = []
    for name, message in errors.items():
        column = COLUMNS_BY_KEY.get(ERROR_COLUMNS.get(name, ""))
        messages.append(_l("%(column)s: %(message)s", column=column.label, message=message)
                        if column is not None else message)
    return messages


# ----------------------------------------------------------------------------- batches


def store_upload(actor: User, filename: str, data: bytes) -> ImportBatch:
    """Keep an uploaded file until it is applied; the user's older uploads and stale ones go."""
    require_role(actor, Role.ADMIN, Role.EDITOR)
    if len(data) > MAX_BYTES:
        raise CsvFileError(_l("Die Datei ist größer als %(max)d MB.", max=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise CsvFileError(_l("Die Datei ist leer."))
    db.session.execute(
        delete(ImportBatch).where(
            or_(ImportBatch.user_id == actor.id, ImportBatch.created_at < utcnow() - BATCH_RETENTION)
        )
    )
    batch = ImportBatch(
        user_id=actor.id,
        filename=(filename or "")[:255],
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def find_batch(actor: User, batch_id: int, digest: str) -> ImportBatch | None:
    """The user's own stored upload with this content, or None (applied, replaced or expired)."""
    require_role(actor, Role.ADMIN, Role.EDITOR)
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.digest != digest or batch.created_at < utcnow() - BATCH_RETENTION:
        return None
    require(batch.user_id == actor.id)
    return batch


def preview_batch(actor: User, batch: ImportBatch, language: str) -> ImportReport:
    return run_import(actor, batch.data, language, apply=False)


def apply_batch(actor: User, batch: ImportBatch, language: str) -> ImportReport:
    return run_import(actor, batch.data, language, apply=True, batch=batch)


# ----------------------------------------------------------------------------- reference


@dataclass
class Reference:
    """The keys a file may use, listed on the import page."""

    fields: list[Field]
    departments: list[Department]
    champions: list[Champion]
    sources: list[FundingSource]
    statuses: list[tuple[str, str]]


def reference() -> Reference:
    return Reference(
        fields=list(db.session.scalars(Field.select_ordered())),
        departments=list(db.session.scalars(Department.select_ordered())),
        champions=list(db.session.scalars(Champion.select_ordered())),
        sources=list(db.session.scalars(FundingSource.select_ordered())),
        statuses=[(s.value, status_label(s.value)) for s in MilestoneStatus],
    )
