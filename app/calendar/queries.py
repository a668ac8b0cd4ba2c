"""The milestones a calendar shows, and how often each was re-planned, in one query."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ChangeKind, Field, Milestone, MilestoneChange


def _replanning_count():
    """Number of recorded target-date changes: the event's SEQUENCE."""
    return (
        select(func.count(MilestoneChange.id))
        .where(MilestoneChange.milestone_id == Milestone.id, MilestoneChange.kind == ChangeKind.TARGET_DATE.value)
        .correlate(Milestone)
        .scalar_subquery()
    )


def dated_milestones(field: Field | None = None) -> list[tuple[Milestone, int]]:
    """Published milestones with a target date, with their re-planning count, by date."""
    query = (
        select(Milestone, _replanning_count())
        .where(Milestone.published.is_(True), Milestone.target_date.is_not(None))
        # Effective progress (in the description) needs the sub-milestones.
        .options(joinedload(Milestone.field), Milestone.load_sub_milestones())
        .order_by(Milestone.target_date, Milestone.id)
    )
    if field is not None:
        query = query.where(Milestone.field_id == field.id)
    return [(milestone, count) for milestone, count in db.session.execute(query)]

