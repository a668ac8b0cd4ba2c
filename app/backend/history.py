"""The public history of a milestone: one entry per tracked value that a change moved."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.models import ChangeKind, Milestone, MilestoneChange, ProgressUpdate
from app.models.milestones import HISTORY_KINDS


def tracked_values(milestone: Milestone) -> dict[ChangeKind, str | None]:
    """The values of the public history's kinds, in its order; each kind is named after the
    Milestone attribute it tracks."""
    return {kind: canonical(getattr(milestone, kind.value)) for kind in HISTORY_KINDS}


def canonical(value) -> str | None:
    """The text form MilestoneChange stores (status key, percent, ISO date, amount)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_history(
    milestone: Milestone,
    before: dict[ChangeKind, str | None],
    changed_on: date,
    reason: str,
    author_role: str,
    update: ProgressUpdate | None = None,
) -> list[MilestoneChange]:
    """One public history entry per tracked value that changed."""
    entries = []
    after = tracked_values(milestone)
    for kind in HISTORY_KINDS:
        if before[kind] == after[kind]:
            continue
        entry = MilestoneChange(
            milestone=milestone,
            progress_update=update,
            changed_on=changed_on,
            kind=kind.value,
            old_value=before[kind],
            new_value=after[kind],
            reason=reason if kind == ChangeKind.TARGET_DATE else "",
            author_role=author_role,
        )
        db.session.add(entry)
        entries.append(entry)
    return entries
