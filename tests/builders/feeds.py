"""Builders for the feed, API, calendar and widget tests: comments in every status."""
from __future__ import annotations

import itertools

from app.backend.services import FundingRow, MilestoneData
from app.extensions import db
from app.models import Comment, CommentStatus, Department, Milestone, MilestoneChange, User, utcnow
from app.sanitize import plain_text_to_html

_seq = itertools.count(1)


def make_comment(milestone: Milestone, status: str = CommentStatus.PUBLISHED.value, body: str | None = None,
                 author: User | None = None, **kw) -> Comment:
    """A comment written straight into the table, as moderation would leave it."""
    text = body or f"Kommentar {next(_seq)}"
    values = dict(
        milestone=milestone, author=author, body=text, body_html=plain_text_to_html(text), status=status,
        published_at=utcnow() if status == CommentStatus.PUBLISHED.value else None,
    )
    values.update(kw)
    comment = Comment(**values)
    db.session.add(comment)
    db.session.flush()
    return comment


def make_official_answer(milestone: Milestone, department: Department, parent: Comment, body: str, **kw) -> Comment:
    return make_comment(milestone, body=body, is_official=True, department=department, parent=parent, **kw)


def make_change(milestone: Milestone, kind: str, old: str | None, new: str | None, **kw) -> MilestoneChange:
    values = dict(milestone=milestone, changed_on=kw.pop("changed_on", None) or utcnow().date(), kind=kind,
                  old_value=old, new_value=new)
    values.update(kw)
    change = MilestoneChange(**values)
    db.session.add(change)
    db.session.flush()
    return change



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
