"""Traffic lights (Ampel): who may set them, setting one with its history, and reading them back.

Staff only. Nothing here is called by a public page, feed, API answer or published report;
internal_sections() is for the internal version of the status report.
Functions take the acting user and plain data, check permissions themselves and raise
PermissionDenied or ValidationFailed; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.permissions import can_edit_milestone, require
from app.backend.queries import scoped
from app.extensions import db
from app.forms_base import ValidationFailed
from app.models import Department, Milestone, Role, User, utcnow
from app.models.internal import NOTE_MAX_LENGTH, WARNING_LIGHTS, Light, TrafficLight, TrafficLightChange
from app.sanitize import plain_text_to_html

LIGHT_LABELS = {
    Light.ON_TRACK: _l("im Plan"),
    Light.AT_RISK: _l("gefährdet"),
    Light.CRITICAL: _l("kritisch"),
}


def light_label(light: str | Light) -> str:
    """The light's name in the reader's language ("im Plan", "gefährdet", "kritisch")."""
    return str(LIGHT_LABELS[Light(light)])


def can_set_light(user: User | None, milestone: Milestone) -> bool:
    """Admins set every milestone's light; editors those of the milestones they may edit."""
    return can_edit_milestone(user, milestone)


def can_see_lights(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.active and user.has_role(Role.ADMIN, Role.EDITOR)


@dataclass
class LightData:
    light: str
    note: str = ""


def set_light(actor: User, milestone: Milestone, data: LightData) -> TrafficLight:
    """Set the milestone's light and note; the change goes into the history."""
    require(can_set_light(actor, milestone))
    note = (data.note or "").strip().replace("\r\n", "\n")
    errors: dict[str, object] = {}
    try:
        light = Light(data.light)
    except ValueError:
        errors["light"] = _l("Bitte wählen Sie „im Plan“, „gefährdet“ oder „kritisch“.")
        light = None
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _l("Die Notiz darf höchstens %(max)d Zeichen lang sein.", max=NOTE_MAX_LENGTH)
    elif light in WARNING_LIGHTS and not note:
        errors["note"] = _l("Bitte beschreiben Sie bei „gefährdet“ und „kritisch“ das Risiko und die nötigen Entscheidungen.")
    current = db.session.get(TrafficLight, milestone.id)
    if not errors and current is not None and current.light == light and current.note == note:
        errors["light"] = _l("Ampel und Notiz sind unverändert; es wurde nichts gespeichert.")
    if errors:
        raise ValidationFailed(errors)
    values = dict(light=light.value, note=note, note_html=plain_text_to_html(note), set_by_id=actor.id,
                  set_by_label=audit.actor_label(actor), set_at=utcnow())
    if current is None:
        current = TrafficLight(milestone_id=milestone.id)
        db.session.add(current)
    for name, value in values.items():
        setattr(current, name, value)
    db.session.add(TrafficLightChange(milestone_id=milestone.id, **values))
    db.session.flush()
    return current


def current_light(milestone: Milestone) -> TrafficLight | None:
    return db.session.get(TrafficLight, milestone.id)


def history(milestone: Milestone) -> list[TrafficLightChange]:
    """Every change of the milestone's light, newest first."""
    return list(db.session.scalars(
        TrafficLightChange.select_of(milestone.id).options(selectinload(TrafficLightChange.set_by))
    ))


def set_by_name(entry: TrafficLight | TrafficLightChange) -> str:
    """Who set a light: the account's display name, or its stored pseudonym once it is deleted."""
    if entry.set_by is not None:
        return entry.set_by.display_name
    return audit.stored_label(entry.set_by_label)


@dataclass
class DepartmentLights:
    """The lights of one department's milestones, worst first."""

    department: Department | None
    lights: list[TrafficLight]


def lights_by_department(user: User, lights: Iterable[Light] = tuple(Light)) -> list[DepartmentLights]:
    """The milestones whose light is one of `lights`, grouped by the milestone's department
    (the dashboard asks for those at risk and critical).

    Editors see the milestones of their departments, admins all; others none."""
    if not can_see_lights(user):
        return []
    wanted = [Light(light).value for light in lights]
    stmt = scoped(
        select(TrafficLight).join(TrafficLight.milestone).where(TrafficLight.light.in_(wanted)), user,
    ).options(selectinload(TrafficLight.milestone).selectinload(Milestone.department),
              selectinload(TrafficLight.set_by))
    worst_first = {light.value: rank for rank, light in enumerate(reversed(Light))}
    groups: dict[int | None, DepartmentLights] = {}
    rows = sorted(db.session.scalars(stmt), key=lambda t: (worst_first[t.light], t.milestone.sort_title, t.milestone.title))
    for entry in rows:
        department = entry.milestone.department
        groups.setdefault(department.id if department else None, DepartmentLights(department, [])).lights.append(entry)
    # Departments by name; milestones without a department last.
    return sorted(groups.values(), key=lambda g: (g.department is None, g.department.name if g.department else ""))


@dataclass(frozen=True)
class InternalSection:
    """A milestone's light and note for the internal version of a status report (plain values,
    so that a report can freeze them in its snapshot)."""

    milestone_id: int
    light: str          # a Light value: "on_track", "at_risk" or "critical"
    note: str           # plain text as typed
    note_html: str      # the note as safe HTML (paragraphs, line breaks, links)
    set_at: datetime    # naive UTC
    set_by: str         # the stored pseudonym ("Konto #12")

    def as_dict(self) -> dict:
        return {
            "milestone_id": self.milestone_id, "light": self.light, "note": self.note,
            "note_html": self.note_html, "set_at": self.set_at.isoformat(), "set_by": self.set_by,
        }


def internal_sections(milestone_ids: Iterable[int], as_of: datetime | None = None) -> dict[int, InternalSection]:
    """The lights and notes of the given milestones, by milestone id; milestones without a light
    are left out. With `as_of` (naive UTC): each light as it stood then, from the history."""
    ids = sorted(set(milestone_ids))
    if not ids:
        return {}
    if as_of is None:
        rows = db.session.scalars(select(TrafficLight).where(TrafficLight.milestone_id.in_(ids)))
    else:
        newest = (
            select(func.max(TrafficLightChange.id).label("id"))
            .where(TrafficLightChange.milestone_id.in_(ids), TrafficLightChange.set_at <= as_of)
            .group_by(TrafficLightChange.milestone_id)
            .subquery()
        )
        rows = db.session.scalars(select(TrafficLightChange).join(newest, TrafficLightChange.id == newest.c.id))
    return {
        row.milestone_id: InternalSection(row.milestone_id, row.light, row.note, row.note_html, row.set_at,
                                          row.set_by_label)
        for row in rows
    }
