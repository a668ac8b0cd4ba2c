"""Figures of the public transparency page: what happened to citizens' comments, per month.

Everything is counted over the last MONTHS calendar months (UTC month boundaries), with
grouped SQL portable to SQLite and PostgreSQL (EXTRACT), or in Python over a bounded
query (medians). Free-text reasons are never shown publicly: removals are grouped by the
reason template they were written with, else as "Sonstige Gründe".
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_timedelta, lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.moderation import queries
from app.moderation.blocks import BLOCKED_REASON
from app.moderation.decisions import SPAM_REASON, reason_category
from app.models import (
    Comment,
    CommentStatus,
    Department,
    ModerationAction,
    ModerationDecision,
    utcnow,
)

MONTHS = 12
REMOVALS = (ModerationAction.REJECT.value, ModerationAction.HIDE.value, ModerationAction.SPAM.value)
OTHER_REASONS = _l("Sonstige Gründe")
SPAM_LABEL = _l("Spam oder Werbung")
BLOCKED_LABEL = _l("Konto gesperrt")


@dataclass(frozen=True)
class Reason:
    """A group of removals: a reason template's title (municipal content) or a fixed label."""

    label: str
    is_content: bool


@dataclass
class MonthFigures:
    month: date
    received: int = 0
    published: int = 0
    removed: int = 0
    removed_by_reason: list[tuple[Reason, int]] = field(default_factory=list)
    decisions: int = 0
    median_decision: timedelta | None = None
    answers: int = 0


@dataclass
class DepartmentFigures:
    name: str | None  # None: answers without a department
    answers: int
    median_answer: timedelta | None


@dataclass
class Transparency:
    since: date
    months: list[MonthFigures]
    reasons: list[tuple[Reason, int]]
    departments: list[DepartmentFigures]

    @property
    def has_data(self) -> bool:
        return any(m.received or m.removed or m.answers or m.published for m in self.months)


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before the month of `day`."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_key(column):
    return func.extract("year", column), func.extract("month", column)


def _per_month(stmt) -> dict[date, int]:
    return {date(int(year), int(month), 1): count for year, month, count in db.session.execute(stmt)}


def figures(now: datetime | None = None) -> Transparency:
    """The figures of the last MONTHS months, newest month first."""
    now = now or utcnow()
    first = month_start(now.date(), MONTHS - 1)
    start = datetime.combine(first, datetime.min.time())
    months = {month_start(now.date(), back): MonthFigures(month_start(now.date(), back)) for back in range(MONTHS)}

    citizen = Comment.is_official.is_(False)
    for column, figure in ((Comment.created_at, "received"), (Comment.published_at, "published")):
        year, month = _month_key(column)
        for key, count in _per_month(
            select(year, month, func.count(Comment.id)).where(citizen, column >= start).group_by(year, month)
        ).items():
            if key in months:
                setattr(months[key], figure, count)

    reasons = _removals(start, months)
    _decision_times(start, months)
    departments = _answers(start, months)
    return Transparency(
        since=first,
        months=sorted(months.values(), key=lambda m: m.month, reverse=True),
        reasons=reasons,
        departments=departments,
    )


def _removals(start: datetime, months: dict[date, MonthFigures]) -> list[tuple[Reason, int]]:
    """Removals per month and reason category, by the last decision on each comment.

    A confirmed removal (after an appeal) counts once; a removal that a later decision undid
    (restored, or approved after all) does not count: the figure says how many comments stay
    removed. A comment removed, restored and removed again counts once, in the month of the
    second removal.
    """
    titles = [t.title for t in queries.reason_templates()]
    year, month = _month_key(ModerationDecision.created_at)
    later = aliased(ModerationDecision)
    undone = (
        select(later.id)
        .where(
            later.comment_id == ModerationDecision.comment_id,
            later.id > ModerationDecision.id,
            later.status_after == CommentStatus.PUBLISHED.value,
        )
        .exists()
    )
    rows = db.session.execute(
        select(year, month, ModerationDecision.action, ModerationDecision.reason, func.count(ModerationDecision.id))
        .where(
            ModerationDecision.created_at >= start,
            ModerationDecision.action.in_(REMOVALS),
            ModerationDecision.status_before.not_in([s.value for s in queries.REMOVED_STATUSES]),
            ~undone,
        )
        .group_by(year, month, ModerationDecision.action, ModerationDecision.reason)
    ).all()
    per_month: dict[date, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for y, m, action, reason, count in rows:
        label = _category(action, reason or "", titles)
        per_month[date(int(y), int(m), 1)][label] += count
        totals[label] += count
    for key, counter in per_month.items():
        if key in months:
            months[key].removed = sum(counter.values())
            months[key].removed_by_reason = _ordered(counter)
    return _ordered(totals)


def _category(action: str, reason: str, titles: list[str]) -> Reason:
    if action == ModerationAction.SPAM.value or reason == SPAM_REASON:
        return Reason(str(SPAM_LABEL), False)
    if reason == BLOCKED_REASON:
        return Reason(str(BLOCKED_LABEL), False)
    title = reason_category(reason, titles)
    return Reason(title, True) if title else Reason(str(OTHER_REASONS), False)


def _ordered(counter: Counter) -> list[tuple[Reason, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0].label))


def _decision_times(start: datetime, months: dict[date, MonthFigures]) -> None:
    """Median time from a pre-moderated comment (or its last edit) to the moderator's decision."""
    rows = db.session.execute(
        select(ModerationDecision.created_at, Comment.created_at, Comment.edited_at)
        .join(Comment, ModerationDecision.comment_id == Comment.id)
        .where(
            ModerationDecision.created_at >= start,
            ModerationDecision.status_before == CommentStatus.PENDING.value,
            ModerationDecision.moderator_id.is_not(None),
        )
    ).all()
    waits: dict[date, list[float]] = defaultdict(list)
    for decided_at, created_at, edited_at in rows:
        entered = edited_at if edited_at is not None and edited_at <= decided_at else created_at
        waits[month_start(decided_at.date())].append((decided_at - entered).total_seconds())
    for key, seconds in waits.items():
        if key in months:
            months[key].decisions = len(seconds)
            months[key].median_decision = timedelta(seconds=statistics.median(seconds))


def _answers(start: datetime, months: dict[date, MonthFigures]) -> list[DepartmentFigures]:
    """Official answers per month, and per department with the median time to the first answer."""
    question = aliased(Comment)
    rows = db.session.execute(
        select(Comment.created_at, Comment.department_id, Comment.parent_id, question.created_at)
        .join(question, and_(Comment.parent_id == question.id))
        .where(
            Comment.is_official.is_(True),
            Comment.status == CommentStatus.PUBLISHED.value,
            Comment.created_at >= start,
        )
        .order_by(Comment.created_at)
    ).all()
    answered: set[int] = set()
    counts: Counter = Counter()
    waits: dict[int | None, list[float]] = defaultdict(list)
    for answered_at, department_id, parent_id, asked_at in rows:
        key = month_start(answered_at.date())
        if key in months:
            months[key].answers += 1
        counts[department_id] += 1
        if parent_id in answered:
            continue  # only the first answer to a question measures the waiting time
        answered.add(parent_id)
        waits[department_id].append(max((answered_at - asked_at).total_seconds(), 0.0))
    names = {
        d.id: d.name for d in db.session.scalars(
            select(Department).where(Department.id.in_([k for k in counts if k is not None]))
        )
    } if counts else {}
    result = [
        DepartmentFigures(
            name=names.get(department_id),
            answers=count,
            median_answer=timedelta(seconds=statistics.median(waits[department_id])) if waits.get(department_id) else None,
        )
        for department_id, count in counts.items()
    ]
    return sorted(result, key=lambda d: (d.name is None, (d.name or "").casefold()))


def duration(value: timedelta | None) -> str:
    """A waiting time in words ("3 Stunden"), rounded to its largest unit."""
    if value is None:
        return "–"
    if value < timedelta(minutes=1):
        return str(_l("unter einer Minute"))
    return format_timedelta(value, granularity="minute", add_direction=False)
