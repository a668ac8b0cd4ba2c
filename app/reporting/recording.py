"""Records publication, title, weight, parent and field changes of milestones at the data layer.

A before_flush listener, so that every write path (backend forms, CSV import, CLI, tests)
records them: the state at a past date (state.py) needs them and no form can forget them.
Status, progress, target date and money are recorded by the backend services with their reason.
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app import progress
from app.models import ChangeKind, Milestone, MilestoneChange

# kind -> attribute of Milestone
RECORDED = (
    (ChangeKind.PUBLICATION, "published"),
    (ChangeKind.TITLE, "title"),
    (ChangeKind.WEIGHT, "weight"),
    (ChangeKind.PARENT, "parent_id"),
    (ChangeKind.FIELD, "field_id"),
)


def canonical(kind: ChangeKind, value) -> str | None:
    """The stored text of a recorded value: "true"/"false", the title, the number or id."""
    if value is None:
        return None
    if kind == ChangeKind.PUBLICATION:
        return "true" if value else "false"
    return str(value)


def _record(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, Milestone) or obj.id is None:
            continue
        state = inspect(obj)
        for kind, attr in RECORDED:
            history = state.attrs[attr].history
            if not history.has_changes():
                continue
            # The columns load their old value before a change (active_history on the model).
            old = canonical(kind, history.deleted[0] if history.deleted else None)
            new = canonical(kind, getattr(obj, attr))
            if old == new:
                continue
            # Every foreign key set, also the empty one: the page cache then knows the row's
            # scope (an unset one would invalidate every page that read any history).
            session.add(MilestoneChange(
                milestone_id=obj.id, progress_update_id=None, changed_on=progress.today(), kind=kind.value,
                old_value=old, new_value=new,
            ))


def install() -> None:
    """Listen on every session; safe to call more than once."""
    if not event.contains(Session, "before_flush", _record):
        event.listen(Session, "before_flush", _record)
