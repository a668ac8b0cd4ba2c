"""Participation figures of a report's period: comments, answers, answer times, moderation.

The transparency page (app/moderation/transparency.py) counts the last months up to now; a report
counts its own period (after the previous report's day, up to its reporting day), so the figures
are counted here over that period with the same definitions: citizens' comments, the questions
(top-level comments) the administration answered, the median time to the answer per responsible
department, and moderation decisions per action.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from app import progress as rules
from app.extensions import db
from app.models import Comment, CommentStatus, Department, Milestone, ModerationDecision

# Decisions a moderator takes (the system's and the authors' own entries are left out).
MODERATOR_ACTIONS = ("approve", "reject", "hide", "restore", "spam", "redact", "block", "unblock")


def day_start_utc(day: date) -> datetime:
    """The start of a municipal day as a naive UTC datetime (how timestamps are stored)."""
    local = datetime.combine(day, time.min, tzinfo=rules.MUNICIPAL_TZ)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _utc_bounds(start: date | None, end: date) -> tuple[datetime | None, datetime]:
    """Municipal days as naive UTC datetimes: from the start of `start` to the end of `end`."""
    return (day_start_utc(start) if start else None), day_start_utc(end + timedelta(days=1))


def participation(start: date | None, end: date) -> dict:
    """The figures of the days start..end (both included; no start: from the beginning)."""
    since, until = _utc_bounds(start, end)

    def in_period(column):
        return (column < until) if since is None else (column >= since) & (column < until)

    citizen = Comment.is_official.is_(False)
    comments = db.session.scalar(select(func.count(Comment.id)).where(citizen, in_period(Comment.created_at))) or 0
    published = db.session.scalar(select(func.count(Comment.id)).where(
        citizen, in_period(Comment.created_at), Comment.status == CommentStatus.PUBLISHED.value)) or 0
    rows = db.session.execute(
        select(Comment.created_at, Comment.answered_at, Milestone.department_id)
        .join(Milestone, Comment.milestone_id == Milestone.id)
        .where(citizen, Comment.parent_id.is_(None), in_period(Comment.created_at),
               Comment.status == CommentStatus.PUBLISHED.value)
    ).all()
    answered = [row for row in rows if row.answered_at is not None and row.answered_at < until]
    waits: dict[int | None, list[float]] = defaultdict(list)
    for row in answered:
        waits[row.department_id].append(max((row.answered_at - row.created_at).total_seconds(), 0.0))
    names = dict(db.session.execute(
        select(Department.id, Department.name).where(Department.id.in_([k for k in waits if k is not None]))
    ).tuples().all()) if waits else {}
    departments = sorted(
        ({"department": names.get(key), "answered": len(values), "median_hours": round(statistics.median(values) / 3600, 1)}
         for key, values in waits.items()),
        key=lambda item: (item["department"] is None, (item["department"] or "").casefold()),
    )
    decisions = Counter(dict(db.session.execute(
        select(ModerationDecision.action, func.count(ModerationDecision.id))
        .where(in_period(ModerationDecision.created_at), ModerationDecision.action.in_(MODERATOR_ACTIONS))
        .group_by(ModerationDecision.action)
    ).tuples().all()))
    return {
        "comments": comments,
        "published": published,
        "questions": len(rows),
        "answered": len(answered),
        "share_answered": round(100 * len(answered) / len(rows), 1) if rows else None,
        "departments": departments,
        "moderation": {action: decisions[action] for action in MODERATOR_ACTIONS if decisions[action]},
        "moderation_total": sum(decisions.values()),
    }
