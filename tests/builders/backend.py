"""Builders for the backend tests: a milestone's values as the backend service takes them."""
from __future__ import annotations

from app.backend.services import FundingRow, MilestoneData
from app.models import Milestone


def milestone_data(milestone: Milestone, **changes) -> MilestoneData:
    """The milestone's current values as the backend service's input, with `changes` applied."""
    values = dict(
        title=milestone.title, field_id=milestone.field_id, slug=milestone.slug, summary=milestone.summary,
        description=milestone.description, easy_summary=milestone.easy_summary, parent_id=milestone.parent_id,
        weight=milestone.weight, status=milestone.status, progress=milestone.progress,
        progress_method=milestone.progress_method, start_date=milestone.start_date,
        original_target_date=milestone.original_target_date, target_date=milestone.target_date,
        completed_on=milestone.completed_on, department_id=milestone.department_id,
        participating_department_ids=[d.id for d in milestone.participating_departments],
        contact_role=milestone.contact_role, champion_ids=[c.id for c in milestone.champions],
        planned=milestone.planned, committed=milestone.committed, spent=milestone.spent,
        budget_year=milestone.budget_year,
        fundings=[FundingRow(f.source_id, f.amount) for f in milestone.fundings],
        published=milestone.published,
    )
    values.update(changes)
    return MilestoneData(**values)
