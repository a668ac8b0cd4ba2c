"""Editing milestones and reporting progress: the rules, the public history and the audit log.

Functions take the acting user and plain data, check permissions themselves and raise
PermissionDenied or ValidationFailed; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.backend import history
from app.auth.permissions import PermissionDenied, can_edit_milestone, require, require_role
from app.backend.slugs import is_valid_slug, keep_former_slug, slugify, unique_slug
from app.extensions import db
from app.forms_base import ValidationFailed
from app.models import (
    Champion,
    Department,
    Field,
    FundingSource,
    Milestone,
    MilestoneFunding,
    MilestoneSlug,
    ProgressUpdate,
    Role,
    User,
    utcnow,
)
from app.progress import MilestoneStatus, today
from app.sanitize import markdown_to_html


@dataclass
class FundingRow:
    source_id: int
    amount: Decimal


@dataclass
class MilestoneData:
    title: str
    field_id: int
    slug: str = ""
    summary: str = ""
    description: str = ""
    easy_summary: str = ""
    title_en: str = ""
    summary_en: str = ""
    description_en: str = ""
    contact_role_en: str = ""
    parent_id: int | None = None
    weight: int = 1
    status: str = MilestoneStatus.PLANNED.value
    progress: int = 0
    progress_method: str = ""
    start_date: date | None = None
    original_target_date: date | None = None
    target_date: date | None = None
    completed_on: date | None = None
    replanning_reason: str = ""
    department_id: int | None = None
    participating_department_ids: list[int] = field(default_factory=list)
    contact_role: str = ""
    champion_ids: list[int] = field(default_factory=list)
    planned: Decimal = Decimal("0")
    committed: Decimal = Decimal("0")
    spent: Decimal = Decimal("0")
    budget_year: int | None = None
    fundings: list[FundingRow] = field(default_factory=list)
    published: bool = False


@dataclass
class ProgressData:
    title: str
    reported_on: date
    author_role: str
    body: str = ""
    title_en: str = ""
    body_en: str = ""
    published: bool = True
    new_status: str | None = None
    new_progress: int | None = None
    new_target_date: date | None = None
    reason: str = ""


# Columns of Milestone recorded in the audit log (besides the related ids below).
MILESTONE_AUDIT_FIELDS = (
    "title", "slug", "summary", "description", "easy_summary", "field_id", "parent_id",
    "weight", "status", "progress", "progress_method", "start_date", "original_target_date",
    "target_date", "completed_on", "department_id", "contact_role", "planned", "committed",
    "spent", "budget_year", "published", "title_en", "summary_en", "description_en", "contact_role_en",
)
PROGRESS_UPDATE_AUDIT_FIELDS = (
    "milestone_id", "reported_on", "title", "body", "author_role", "published", "title_en", "body_en",
)

STATUS_VALUES = frozenset(s.value for s in MilestoneStatus)
# A milestone's share in its parent's roll-up (the form, the CSV import and the database agree).
MIN_WEIGHT, MAX_WEIGHT = 1, 100
REASON_REQUIRED = _l("Bitte begründen Sie die Neuplanung des Zieldatums.")

def editable_departments(user: User) -> list[Department]:
    """The departments a user may give milestones to: all for admins, else their own."""
    if user.has_role(Role.ADMIN):
        return list(db.session.scalars(Department.select_ordered()))
    if user.has_role(Role.EDITOR):
        return list(user.departments)
    return []


def default_author_role(milestone: Milestone) -> str:
    """The function shown publicly with a change when the form did not name one."""
    if milestone.contact_role:
        return milestone.contact_role
    return milestone.department.name if milestone.department else ""


def milestone_snapshot(milestone: Milestone) -> dict:
    values = audit.snapshot(milestone, MILESTONE_AUDIT_FIELDS)
    values["participating_department_ids"] = sorted(d.id for d in milestone.participating_departments)
    values["champion_ids"] = sorted(c.id for c in milestone.champions)
    values["fundings"] = {str(f.source_id): audit.json_value(f.amount) for f in milestone.fundings}
    return values


def create_milestone(actor: User, data: MilestoneData) -> Milestone:
    require_role(actor, Role.ADMIN, Role.EDITOR)
    _require_department_allowed(actor, data.department_id, current=None)
    milestone = Milestone()
    _check(milestone, data)
    _assign(milestone, data, is_new=True)
    db.session.add(milestone)
    db.session.flush()
    audit.record(actor, audit.AuditAction.CREATE, "milestone", milestone.id, milestone.title,
                 after=milestone_snapshot(milestone))
    return milestone


def update_milestone(actor: User, milestone: Milestone, data: MilestoneData) -> Milestone:
    require(can_edit_milestone(actor, milestone))
    _require_department_allowed(actor, data.department_id, current=milestone.department_id)
    _check(milestone, data)
    before = milestone_snapshot(milestone)
    tracked_before = history.tracked_values(milestone)
    _assign(milestone, data, is_new=False)
    history.write_history(
        milestone, tracked_before, changed_on=today(), reason=data.replanning_reason.strip(),
        author_role=default_author_role(milestone),
    )
    db.session.flush()
    audit.record(actor, audit.AuditAction.UPDATE, "milestone", milestone.id, milestone.title,
                 before=before, after=milestone_snapshot(milestone))
    return milestone


def report_progress(actor: User, milestone: Milestone, data: ProgressData) -> ProgressUpdate:
    """Create a progress update and apply its status, percent and target date in one go."""
    require(can_edit_milestone(actor, milestone))
    errors = {}
    if data.new_target_date is not None and is_replanning(milestone.target_date, data.new_target_date) \
            and not data.reason.strip():
        errors["reason"] = REASON_REQUIRED
    if data.new_status is not None and data.new_status not in STATUS_VALUES:
        errors["new_status"] = _l("Bitte wählen Sie einen gültigen Status.")
    if data.new_progress is not None and not 0 <= data.new_progress <= 100:
        errors["new_progress"] = _l("Der Fortschritt liegt zwischen 0 und 100 Prozent.")
    if errors:
        raise ValidationFailed(errors)

    before = milestone_snapshot(milestone)
    tracked_before = history.tracked_values(milestone)
    update = ProgressUpdate(
        milestone=milestone,
        reported_on=data.reported_on,
        title=data.title.strip(),
        body=data.body,
        body_html=markdown_to_html(data.body, top_level=4),
        title_en=data.title_en.strip(),
        body_en=data.body_en,
        body_en_html=_english_html(data.body_en, top_level=4),
        author_id=actor.id,
        author_role=data.author_role.strip(),
        published=data.published,
        published_at=utcnow() if data.published else None,
    )
    db.session.add(update)
    if data.new_status is not None:
        milestone.status = data.new_status
    if data.new_progress is not None:
        milestone.progress = data.new_progress
    if data.new_target_date is not None:
        milestone.target_date = data.new_target_date
    _normalise_completion(milestone, on=data.reported_on, completed_on=milestone.completed_on)
    db.session.flush()
    history.write_history(
        milestone, tracked_before, changed_on=data.reported_on, reason=data.reason.strip(),
        author_role=update.author_role, update=update,
    )
    db.session.flush()
    audit.record(actor, audit.AuditAction.CREATE, "progress_update", update.id, update.title,
                 after=audit.snapshot(update, PROGRESS_UPDATE_AUDIT_FIELDS))
    audit.record(actor, audit.AuditAction.UPDATE, "milestone", milestone.id, milestone.title,
                 before=before, after=milestone_snapshot(milestone))
    return update


def edit_progress_update(actor: User, update: ProgressUpdate, data: ProgressData) -> ProgressUpdate:
    """Change an update's text, date, role or visibility; its recorded changes stay as they are."""
    require(can_edit_milestone(actor, update.milestone))
    before = audit.snapshot(update, PROGRESS_UPDATE_AUDIT_FIELDS)
    was_published = update.published and update.published_at is not None
    update.title = data.title.strip()
    update.body = data.body
    update.body_html = markdown_to_html(data.body, top_level=4)
    update.title_en = data.title_en.strip()
    update.body_en = data.body_en
    update.body_en_html = _english_html(data.body_en, top_level=4)
    update.reported_on = data.reported_on
    update.author_role = data.author_role.strip()
    update.published = data.published
    after = audit.snapshot(update, PROGRESS_UPDATE_AUDIT_FIELDS)
    if before == after:
        return update
    if was_published:
        # Readers see "geändert am" on updates changed after they were published.
        update.edited_at = utcnow()
    if update.published and update.published_at is None:
        update.published_at = utcnow()
    db.session.flush()
    audit.record(actor, audit.AuditAction.UPDATE, "progress_update", update.id, update.title,
                 before=before, after=after)
    return update


def _require_department_allowed(actor: User, department_id: int | None, current: int | None) -> None:
    """Editors may keep a milestone's department or choose one of their own, nothing else."""
    if actor.has_role(Role.ADMIN):
        return
    if current is not None and department_id == current:
        return
    if department_id is None or department_id not in {d.id for d in actor.departments}:
        raise PermissionDenied()


def _check(milestone: Milestone, data: MilestoneData) -> None:
    errors: dict[str, object] = {}
    if data.status not in STATUS_VALUES:
        errors["status"] = _l("Bitte wählen Sie einen gültigen Status.")
    if not 0 <= data.progress <= 100:
        errors["progress"] = _l("Der Fortschritt liegt zwischen 0 und 100 Prozent.")
    if not MIN_WEIGHT <= data.weight <= MAX_WEIGHT:
        errors["weight"] = _l("Das Gewicht ist eine ganze Zahl von 1 bis 100.")
    if db.session.get(Field, data.field_id) is None:
        errors["field_id"] = _l("Bitte wählen Sie ein Handlungsfeld.")
    if data.department_id is not None and db.session.get(Department, data.department_id) is None:
        errors["department_id"] = _l("Diese Organisationseinheit gibt es nicht.")
    errors.update(_check_parent(milestone, data.parent_id))
    if data.slug and not is_valid_slug(data.slug):
        errors["slug"] = _l("Nur Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche.")
    elif data.slug and data.slug != milestone.slug and _slug_taken(data.slug, milestone):
        errors["slug"] = _l("Diese Adresse ist schon vergeben.")
    if milestone.id is not None and is_replanning(milestone.target_date, data.target_date) \
            and not data.replanning_reason.strip():
        errors["replanning_reason"] = REASON_REQUIRED
    if data.start_date and data.target_date and data.target_date < data.start_date:
        errors["target_date"] = _l("Das Zieldatum liegt vor dem Startdatum.")
    source_ids = [row.source_id for row in data.fundings]
    if len(source_ids) != len(set(source_ids)):
        errors["fundings"] = _l("Jede Finanzierungsquelle darf nur einmal vorkommen.")
    elif source_ids and len(db.session.scalars(
            select(FundingSource.id).where(FundingSource.id.in_(source_ids))).all()) != len(source_ids):
        errors["fundings"] = _l("Diese Finanzierungsquelle gibt es nicht.")
    if errors:
        raise ValidationFailed(errors)


def _check_parent(milestone: Milestone, parent_id: int | None) -> dict[str, object]:
    """Sub-milestones are one level deep: a parent is a top-level milestone other than itself."""
    if parent_id is None:
        return {}
    parent = db.session.get(Milestone, parent_id)
    if parent is None or (milestone.id is not None and parent.id == milestone.id):
        return {"parent_id": _l("Ein Etappenziel kann nicht sein eigenes Oberziel sein.")}
    if parent.parent_id is not None:
        return {"parent_id": _l("Nur Etappenziele der obersten Ebene können Oberziele sein.")}
    if milestone.id is not None and milestone.children:
        return {"parent_id": _l("Dieses Etappenziel hat selbst Teilziele und kann daher kein Teilziel werden.")}
    return {}


def _slug_taken(slug: str, milestone: Milestone) -> bool:
    """Used by another milestone, now or formerly (its old links must keep working)."""
    if db.session.scalar(select(Milestone.id).where(Milestone.slug == slug, Milestone.id != milestone.id)):
        return True
    owner = db.session.scalar(select(MilestoneSlug.milestone_id).where(MilestoneSlug.slug == slug))
    return owner is not None and owner != milestone.id


# MilestoneData attributes that are stored as they are.
ASSIGNED_AS_IS = (
    "summary", "description", "easy_summary", "summary_en", "description_en", "field_id", "parent_id",
    "weight", "status", "progress", "progress_method", "start_date", "target_date", "department_id",
    "planned", "committed", "spent", "budget_year", "published",
)


def _assign(milestone: Milestone, data: MilestoneData, is_new: bool) -> None:
    # The first target date is the baseline against which re-planning is shown.
    original_target_date = data.original_target_date or (
        data.target_date if is_new else milestone.original_target_date
    )
    milestone.title = data.title.strip()
    _set_slug(milestone, data.slug or slugify(milestone.title, fallback="etappenziel"), is_new)
    for name in ASSIGNED_AS_IS:
        setattr(milestone, name, getattr(data, name))
    milestone.description_html = markdown_to_html(data.description)
    milestone.description_en_html = _english_html(data.description_en)
    milestone.title_en = data.title_en.strip()
    milestone.contact_role = data.contact_role.strip()
    milestone.contact_role_en = data.contact_role_en.strip()
    milestone.original_target_date = original_target_date
    milestone.participating_departments = _by_ids(Department, data.participating_department_ids)
    milestone.champions = _by_ids(Champion, data.champion_ids)
    _set_fundings(milestone, data.fundings)
    _normalise_completion(milestone, on=today(), completed_on=data.completed_on)


def _english_html(text: str, top_level: int = 3) -> str:
    """The sanitized HTML of an optional English text; empty when there is none (German is shown)."""
    return markdown_to_html(text, top_level=top_level) if (text or "").strip() else ""


def _set_slug(milestone: Milestone, wanted: str, is_new: bool) -> None:
    """Give the milestone a free slug; a renamed milestone keeps its old slug as a redirect."""
    if wanted == milestone.slug:
        return
    slug = unique_slug(wanted, lambda s: _slug_taken(s, milestone))
    if not is_new:
        keep_former_slug(milestone, slug, MilestoneSlug)
    milestone.slug = slug


def _set_fundings(milestone: Milestone, rows: list[FundingRow]) -> None:
    existing = {f.source_id: f for f in milestone.fundings}
    wanted = {row.source_id: row.amount for row in rows}
    for source_id, funding in existing.items():
        if source_id not in wanted:
            milestone.fundings.remove(funding)
    for source_id, amount in wanted.items():
        if source_id in existing:
            existing[source_id].amount = amount
        else:
            milestone.fundings.append(MilestoneFunding(source_id=source_id, amount=amount))


def _normalise_completion(milestone: Milestone, on: date, completed_on: date | None) -> None:
    """Completed means 100 % and a completion date; other statuses have no completion date."""
    if milestone.status == MilestoneStatus.COMPLETED:
        milestone.progress = 100
        milestone.completed_on = completed_on or on
    else:
        milestone.completed_on = None


def is_replanning(current: date | None, new: date | None) -> bool:
    """An existing target date moves or is removed (setting the first one is not)."""
    return current is not None and new != current


def _by_ids(model, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))
