"""Reading an import file into planned changes: checked rows, what would change, messages.

Nothing here writes to the database; app/transfer/services.py runs the plan through the
backend's services. Every message names the row's problem in plain language.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.permissions import can_edit_milestone
from app.backend.services import FundingRow, MilestoneData, ProgressData, default_author_role
from app.backend.slugs import is_valid_slug
from app.extensions import db
from app.formatting import status_label
from app.models import (
    Champion,
    Department,
    DepartmentSlug,
    Field,
    FieldSlug,
    FundingSource,
    Milestone,
    MilestoneSlug,
    Role,
    User,
)
from app.progress import MilestoneStatus, today
from app.transfer import csvformat
from app.transfer.csvformat import COLUMNS_BY_KEY, CellError, CellFormat
from app.transfer.report import Change, RowResult

MAX_TEXT = 200  # title, contact role and update title, as in the backend forms

# Typed columns that are never empty in an export: an empty cell keeps the current value
# (a new milestone gets the default). Empty text and empty dates are values.
KEEP_IF_EMPTY = frozenset({"title", "field", "weight", "status", "progress", "planned", "committed",
                           "spent", "published"})

# Column key -> MilestoneData attribute.
ATTRIBUTES = {
    "slug": "slug", "title": "title", "summary": "summary", "description": "description",
    "easy_summary": "easy_summary", "field": "field_id", "weight": "weight", "status": "status",
    "progress": "progress", "progress_method": "progress_method", "start_date": "start_date",
    "original_target_date": "original_target_date", "target_date": "target_date",
    "completed_on": "completed_on", "department": "department_id",
    "participating_departments": "participating_department_ids", "contact_role": "contact_role",
    "champions": "champion_ids", "planned": "planned", "committed": "committed", "spent": "spent",
    "budget_year": "budget_year", "fundings": "fundings", "published": "published",
    "title_en": "title_en", "summary_en": "summary_en", "description_en": "description_en",
    "contact_role_en": "contact_role_en",
}
# Service error keys (form field names) -> column key, for row messages.
ERROR_COLUMNS = {value: key for key, value in ATTRIBUTES.items()} | {
    "parent_id": "parent", "replanning_reason": "reason", "reason": "reason",
    "new_status": "new_status", "new_progress": "new_progress", "new_target_date": "new_target_date",
}
UPDATE_KEYS = ("update_title", "update_date", "update_body", "update_author_role", "new_status",
               "new_progress", "new_target_date", "update_title_en", "update_body_en")


# ----------------------------------------------------------------------------- planning


def _with_former_slugs(rows: list, former_model, owner_column: str) -> dict:
    """Rows by their slugs, current and former: a file exported before a field of action or a
    department was renamed still imports. A current slug wins over a former one."""
    by_id = {row.id: row for row in rows}
    found = {old.slug: by_id[getattr(old, owner_column)]
             for old in db.session.scalars(select(former_model))
             if getattr(old, owner_column) in by_id}
    found.update({row.slug: row for row in rows})
    return found


def _unknown_field(slug: str):
    return _l("Das Handlungsfeld „%(value)s“ gibt es nicht.", value=slug)


def _unknown_department(slug: str):
    return _l("Die Organisationseinheit „%(value)s“ gibt es nicht.", value=slug)


def _id_by_slug(text: str, rows: dict, unknown) -> int | None:
    """The id of the row a cell names by slug; empty is None, an unknown slug a CellError."""
    slug = text.strip()
    if not slug:
        return None
    if slug not in rows:
        raise CellError(unknown(slug))
    return rows[slug].id


@dataclass
class Lookups:
    """Everything rows may refer to, loaded once per import (no query per row)."""

    fields: dict[str, Field]  # current and former slugs
    departments: dict[str, Department]  # current and former slugs
    departments_by_id: dict[int, Department]
    champions: dict[int, Champion]
    sources: dict[int, FundingSource]
    milestones: dict[str, Milestone]
    former_slugs: dict[str, Milestone]

    @classmethod
    def load(cls) -> Lookups:
        departments = list(db.session.scalars(select(Department)))
        milestones = db.session.scalars(
            select(Milestone).options(
                selectinload(Milestone.parent),
                selectinload(Milestone.children),
                selectinload(Milestone.department),
                selectinload(Milestone.participating_departments),
                selectinload(Milestone.champions),
                selectinload(Milestone.fundings),
                selectinload(Milestone.old_slugs),
            )
        ).all()
        by_id = {m.id: m for m in milestones}
        return cls(
            fields=_with_former_slugs(list(db.session.scalars(select(Field))), FieldSlug, "field_id"),
            departments=_with_former_slugs(departments, DepartmentSlug, "department_id"),
            departments_by_id={d.id: d for d in departments},
            champions={c.id: c for c in db.session.scalars(select(Champion))},
            sources={s.id: s for s in db.session.scalars(select(FundingSource))},
            milestones={m.slug: m for m in milestones},
            former_slugs={
                row.slug: by_id[row.milestone_id]
                for row in db.session.scalars(select(MilestoneSlug))
                if row.milestone_id in by_id
            },
        )


@dataclass
class PlannedRow:
    """One record of the file, checked and turned into service data, not yet applied."""

    result: RowResult
    milestone: Milestone | None
    data: MilestoneData | None = None
    parent_slug: str | None = None
    parent_given: bool = False
    changed: bool = False
    progress: ProgressData | None = None


def data_from_milestone(milestone: Milestone) -> MilestoneData:
    """The milestone's current values as the backend's service data."""
    return MilestoneData(
        title=milestone.title,
        field_id=milestone.field_id,
        slug=milestone.slug,
        summary=milestone.summary,
        description=milestone.description,
        easy_summary=milestone.easy_summary,
        parent_id=milestone.parent_id,
        weight=milestone.weight,
        status=milestone.status,
        progress=milestone.progress,
        progress_method=milestone.progress_method,
        start_date=milestone.start_date,
        original_target_date=milestone.original_target_date,
        target_date=milestone.target_date,
        completed_on=milestone.completed_on,
        department_id=milestone.department_id,
        participating_department_ids=sorted(d.id for d in milestone.participating_departments),
        contact_role=milestone.contact_role,
        champion_ids=sorted(c.id for c in milestone.champions),
        planned=milestone.planned,
        committed=milestone.committed,
        spent=milestone.spent,
        budget_year=milestone.budget_year,
        fundings=sorted((FundingRow(f.source_id, f.amount) for f in milestone.fundings),
                        key=lambda row: row.source_id),
        published=milestone.published,
        title_en=milestone.title_en,
        summary_en=milestone.summary_en,
        description_en=milestone.description_en,
        contact_role_en=milestone.contact_role_en,
    )


class Planner:
    """Reads the records of one file into PlannedRows, collecting messages per row."""

    def __init__(self, actor: User, table: csvformat.Table, lookups: Lookups, fmt: CellFormat):
        self.actor = actor
        self.table = table
        self.lookups = lookups
        self.fmt = fmt
        self.is_admin = actor.has_role(Role.ADMIN)
        self.own_departments = {d.id for d in actor.departments}
        self.file_slugs: dict[str, int] = {}

    def plan(self) -> list[PlannedRow]:
        for line, values in self.table.records:
            slug = values.get("slug", "").strip()
            if slug and slug not in self.file_slugs:
                self.file_slugs[slug] = line
        return [self.plan_row(line, values) for line, values in self.table.records]

    def plan_row(self, line: int, values: dict[str, str]) -> PlannedRow:
        slug = values.get("slug", "").strip()
        milestone = self.lookups.milestones.get(slug) if slug else None
        result = RowResult(line=line, slug=slug, title=values.get("title", "").strip()
                           or (milestone.title if milestone else ""))
        row = PlannedRow(result=result, milestone=milestone)
        errors = result.errors

        if slug and self.file_slugs.get(slug) != line:
            errors.append(_l("Das Etappenziel „%(slug)s“ steht schon in Zeile %(line)d.",
                             slug=slug, line=self.file_slugs[slug]))
            return row
        if milestone is None and slug in self.lookups.former_slugs:
            errors.append(_l("„%(slug)s“ ist die frühere Adresse von „%(current)s“. "
                             "Bitte verwenden Sie die aktuelle Adresse.",
                             slug=slug, current=self.lookups.former_slugs[slug].slug))
            return row
        if milestone is None and slug and not is_valid_slug(slug):
            errors.append(_l("Adresse (Slug) „%(slug)s“: nur Kleinbuchstaben a–z, Ziffern und "
                             "einzelne Bindestriche sind möglich.", slug=slug))
            return row
        if milestone is not None and not can_edit_milestone(self.actor, milestone):
            errors.append(_l("Sie dürfen das Etappenziel „%(slug)s“ nicht bearbeiten.", slug=slug))
            return row

        parsed = self.parse_cells(values, errors)
        before = data_from_milestone(milestone) if milestone else MilestoneData(title="", field_id=0)
        data = dataclasses.replace(before, slug=slug, replanning_reason=parsed.get("reason") or "")
        for key, value in parsed.items():
            attribute = ATTRIBUTES.get(key)
            if attribute is None or key == "slug":
                continue
            if value is None and key in KEEP_IF_EMPTY:
                continue
            setattr(data, attribute, value)
        if milestone is None:
            self.check_new(data, errors)
        self.normalise(data, before, milestone is None)
        self.check_department(data, before, milestone, errors)

        if "parent" in parsed:
            row.parent_given = True
            row.parent_slug = parsed["parent"] or None
            if row.parent_slug == slug and slug:
                errors.append(_l("Ein Etappenziel kann nicht sein eigenes Oberziel sein."))
        before_parent = milestone.parent.slug if milestone and milestone.parent else None
        parent_after = row.parent_slug if row.parent_given else before_parent

        row.data = data
        result.changes = self.changes(before, data, before_parent, parent_after, milestone is None)
        row.changed = milestone is None or bool(result.changes)
        result.action = "create" if milestone is None else ("update" if row.changed else "unchanged")
        row.progress = self.progress_data(parsed, milestone, data, errors)
        if row.progress is not None:
            result.update_title = row.progress.title
        return row

    # --- cells

    def parse_cells(self, values: dict[str, str], errors: list) -> dict[str, object]:
        parsed: dict[str, object] = {}
        for key, text in values.items():
            column = COLUMNS_BY_KEY[key]
            try:
                parsed[key] = self.parse_cell(column, text)
            except CellError as error:
                errors.append(error.message)
        return parsed

    def parse_cell(self, column: csvformat.Column, text: str):
        kind, lookups = column.kind, self.lookups
        number_language = self.table.number_language
        if kind == "text":
            return text
        if kind in ("title", "line", "slug"):
            value = text.strip()
            if len(value) > MAX_TEXT:
                raise CellError(_l("%(column)s ist länger als %(max)d Zeichen.", column=column.label, max=MAX_TEXT))
            return value or (None if kind == "title" else "")
        if kind in ("weight", "percent", "year"):
            return csvformat.parse_int(column, text)
        if kind == "date":
            return csvformat.parse_date(column, text)
        if kind == "money":
            return csvformat.parse_amount(column, text, number_language)
        if kind == "bool":
            return csvformat.parse_bool(column, text)
        if kind == "status":
            return csvformat.parse_status(column, text)
        if kind == "field":
            return _id_by_slug(text, lookups.fields, _unknown_field)
        if kind == "department":
            return _id_by_slug(text, lookups.departments, _unknown_department)
        if kind == "departments":
            slugs = csvformat.parse_list(text)
            unknown = [s for s in slugs if s not in lookups.departments]
            if unknown:
                raise CellError(_unknown_department(unknown[0]))
            return sorted({lookups.departments[s].id for s in slugs})
        if kind == "champions":
            ids = csvformat.parse_ids(column, text)
            unknown = [i for i in ids if i not in lookups.champions]
            if unknown:
                raise CellError(_l("Einen Helden der Digitalisierung mit der Nummer %(value)d gibt es nicht.",
                                   value=unknown[0]))
            return sorted(set(ids))
        if kind == "fundings":
            rows = csvformat.parse_fundings(column, text, number_language)
            ids = [source_id for source_id, _amount in rows]
            unknown = [i for i in ids if i not in lookups.sources]
            if unknown:
                raise CellError(_l("Eine Finanzierungsquelle mit der Nummer %(value)d gibt es nicht.",
                                   value=unknown[0]))
            if len(ids) != len(set(ids)):
                raise CellError(_l("Jede Finanzierungsquelle darf nur einmal vorkommen."))
            return sorted((FundingRow(i, amount) for i, amount in rows), key=lambda row: row.source_id)
        if kind == "parent":
            slug = text.strip()
            if slug and slug not in lookups.milestones and slug not in self.file_slugs:
                raise CellError(_l("Das Oberziel „%(value)s“ gibt es nicht.", value=slug))
            return slug
        raise AssertionError(f"unknown column kind {kind}")

    # --- rules

    def check_new(self, data: MilestoneData, errors: list) -> None:
        if not data.title:
            errors.append(_l("%(column)s fehlt.", column=COLUMNS_BY_KEY["title"].label))
        if not data.field_id:
            errors.append(_l("%(column)s fehlt.", column=COLUMNS_BY_KEY["field"].label))

    def normalise(self, data: MilestoneData, before: MilestoneData, is_new: bool) -> None:
        """What the backend service will do anyway, so that the preview shows the result."""
        if data.status == MilestoneStatus.COMPLETED:
            data.progress = 100
            data.completed_on = data.completed_on or today()
        else:
            data.completed_on = None
        if data.original_target_date is None:
            data.original_target_date = data.target_date if is_new else before.original_target_date

    def check_department(self, data: MilestoneData, before: MilestoneData, milestone: Milestone | None,
                         errors: list) -> None:
        """Editors keep a milestone's department or choose one of their own."""
        if self.is_admin:
            return
        if milestone is not None and data.department_id == before.department_id:
            return
        if data.department_id is None or data.department_id not in self.own_departments:
            department = self.lookups.departments_by_id.get(data.department_id)
            if department is None:
                errors.append(_l("Bitte geben Sie eine Ihrer Organisationseinheiten als verantwortlich an."))
            else:
                errors.append(_l("Sie dürfen Etappenziele nicht der Organisationseinheit „%(value)s“ zuordnen.",
                                 value=department.slug))

    def progress_data(self, parsed: dict, milestone: Milestone | None, data: MilestoneData,
                      errors: list) -> ProgressData | None:
        if not any(parsed.get(key) not in (None, "") for key in UPDATE_KEYS):
            return None
        title = parsed.get("update_title") or ""
        if not title:
            errors.append(_l("Für die Fortschrittsmeldung fehlt „%(column)s“.",
                             column=COLUMNS_BY_KEY["update_title"].label))
            return None
        role = parsed.get("update_author_role") or (default_author_role(milestone) if milestone else "")
        if not role and milestone is None:
            role = data.contact_role or (self.lookups.departments_by_id[data.department_id].name
                                         if data.department_id in self.lookups.departments_by_id else "")
        if not role:
            errors.append(_l("Für die Fortschrittsmeldung fehlt „%(column)s“.",
                             column=COLUMNS_BY_KEY["update_author_role"].label))
            return None
        return ProgressData(
            title=title,
            reported_on=parsed.get("update_date") or today(),
            author_role=role,
            body=parsed.get("update_body") or "",
            title_en=parsed.get("update_title_en") or "",
            body_en=parsed.get("update_body_en") or "",
            new_status=parsed.get("new_status"),
            new_progress=parsed.get("new_progress"),
            new_target_date=parsed.get("new_target_date"),
            reason=parsed.get("reason") or "",
        )

    # --- what changes

    def changes(self, before: MilestoneData, after: MilestoneData, parent_before: str | None,
                parent_after: str | None, is_new: bool) -> list[Change]:
        changes = []
        for key in csvformat.HEADER:
            if key == "parent":
                if parent_before != parent_after:
                    changes.append(Change(COLUMNS_BY_KEY[key].label, parent_before or "", parent_after or ""))
                continue
            attribute = ATTRIBUTES.get(key)
            if attribute is None or key == "slug":
                continue
            old, new = getattr(before, attribute), getattr(after, attribute)
            if old != new:
                shown_old = "" if is_new else self.show(key, old)
                if is_new and new in (None, "", [], False, Decimal("0")):
                    continue
                changes.append(Change(COLUMNS_BY_KEY[key].label, shown_old, self.show(key, new)))
        return changes

    def show(self, key: str, value) -> str:
        """A value as the preview shows it (as in the file, long texts shortened)."""
        fmt, lookups = self.fmt, self.lookups
        if value is None or value == "":
            return ""
        kind = COLUMNS_BY_KEY[key].kind
        if kind == "field":
            field_ = next((f for f in lookups.fields.values() if f.id == value), None)
            return field_.slug if field_ else str(value)
        if kind == "department":
            return lookups.departments_by_id[value].slug if value in lookups.departments_by_id else str(value)
        if kind == "departments":
            return csvformat.LIST_SEPARATOR.join(
                sorted(lookups.departments_by_id[i].slug for i in value if i in lookups.departments_by_id)
            )
        if kind == "champions":
            return csvformat.LIST_SEPARATOR.join(str(i) for i in value)
        if kind == "fundings":
            return fmt.fundings([(row.source_id, row.amount) for row in value])
        if kind == "status":
            return status_label(value)
        if kind == "date":
            return fmt.date(value)
        if kind == "money":
            return fmt.money(value)
        if kind == "bool":
            return fmt.boolean(value)
        text = str(value)
        return text if len(text) <= 80 else text[:79] + "…"
