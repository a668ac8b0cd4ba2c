"""The rows the feeds show, and the one-query summaries that tell whether they changed.

Only published content of published milestones: Comment.select_visible() and
ProgressUpdate.select_published() are the only sources, so hidden, pending or rejected
comments and anything of an unpublished milestone can never reach a feed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import Comment, Department, Field, Milestone, MilestoneChange, ProgressUpdate


@dataclass(frozen=True)
class Summary:
    """How many rows a feed draws from and when the newest of them (or its milestone) changed."""

    count: int
    latest: datetime | None
    extra: tuple = ()


def _newest(*values: datetime | None) -> datetime | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None


def update_time():
    """When an update last changed: edited, else published, else created (SQL)."""
    return func.coalesce(ProgressUpdate.edited_at, ProgressUpdate.published_at, ProgressUpdate.created_at)


def comment_time():
    return func.coalesce(Comment.edited_at, Comment.published_at, Comment.created_at)


def updates_summary(*criteria) -> Summary:
    """Count and newest change of the published updates matching `criteria` (one query)."""
    row = db.session.execute(
        ProgressUpdate.select_published()
        .where(*criteria)
        .with_only_columns(func.count(ProgressUpdate.id), func.max(update_time()), func.max(Milestone.updated_at))
    ).one()
    return Summary(row[0], _newest(row[1], row[2]))


def updates_window_summary(limit: int, *criteria) -> Summary:
    """The version of a feed of the newest `limit` published updates matching `criteria`.

    The feed shows only these updates, so their ids, change times and milestones' changes
    are all its document depends on: one indexed query over at most `limit` rows, however
    many updates the database holds (the 304 path must not count them all).
    """
    statement = _window_select(*criteria) if criteria else _whole_site(_window_select)
    rows = db.session.execute(statement, {"limit": limit}).all()
    latest = _newest(*(row[1] for row in rows), *(row[2] for row in rows))
    return Summary(len(rows), latest, tuple(row[0] for row in rows))


def latest_updates(limit: int, *criteria) -> list[ProgressUpdate]:
    """The newest published updates matching `criteria`, with milestone and recorded changes.

    Of the milestone an entry shows the title and links to its page: its other columns (and
    the correlated last-update subquery) are not read, for 50 entries per feed.
    """
    statement = _latest_select(*criteria) if criteria else _whole_site(_latest_select)
    return list(db.session.scalars(statement, {"limit": limit}))


def _window_select(*criteria):
    return (
        ProgressUpdate.select_published()
        .where(*criteria)
        .with_only_columns(ProgressUpdate.id, update_time(), Milestone.updated_at)
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        .limit(bindparam("limit"))
    )


def _latest_select(*criteria):
    return (
        ProgressUpdate.select_published()
        .where(*criteria)
        .options(
            contains_eager(ProgressUpdate.milestone).load_only(Milestone.id, Milestone.title, Milestone.slug),
            selectinload(ProgressUpdate.changes),
        )
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        .limit(bindparam("limit"))
    )


@cache
def _whole_site(make):
    """The statement of the feed of the whole site, made once (building it cost more than running it)."""
    return make()


def _standalone_changes(milestone_id: int):
    """History entries not told by a published update (backend edits, hidden updates)."""
    return (
        select(MilestoneChange)
        .outerjoin(MilestoneChange.progress_update)
        .where(
            MilestoneChange.milestone_id == milestone_id,
            MilestoneChange.in_history(),
            or_(MilestoneChange.progress_update_id.is_(None), ProgressUpdate.published.is_(False)),
        )
    )


def changes_summary(milestone_id: int) -> Summary:
    row = db.session.execute(
        _standalone_changes(milestone_id).with_only_columns(
            func.count(MilestoneChange.id), func.max(MilestoneChange.created_at)
        )
    ).one()
    return Summary(row[0], row[1])


def latest_changes(milestone_id: int, limit: int) -> list[MilestoneChange]:
    return list(db.session.scalars(
        _standalone_changes(milestone_id)
        .order_by(MilestoneChange.changed_on.desc(), MilestoneChange.id.desc())
        .limit(limit)
    ))


def _visible_comments(milestone_id: int):
    return Comment.select_visible().where(Comment.milestone_id == milestone_id)


def comments_summary(milestone_id: int) -> Summary:
    """Count, newest change and the sum of row versions: a moderator's redaction changes it too."""
    row = db.session.execute(
        _visible_comments(milestone_id).with_only_columns(
            func.count(Comment.id), func.max(comment_time()), func.max(Comment.decided_at),
            func.coalesce(func.sum(Comment.version), 0), func.max(Milestone.updated_at),
        )
    ).one()
    return Summary(row[0], _newest(row[1], row[2], row[4]), (int(row[3]),))


def latest_comments(milestone_id: int, limit: int) -> list[Comment]:
    """The newest visible comments and official answers, with author, department and milestone."""
    return list(db.session.scalars(
        _visible_comments(milestone_id)
        .options(
            contains_eager(Comment.milestone), joinedload(Comment.author), joinedload(Comment.department)
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ))


@dataclass(frozen=True)
class FeedDirectory:
    """Everything the feeds page lists."""

    fields: list[Field]
    departments: list[Department]
    milestones: list[Milestone]


def feed_directory() -> FeedDirectory:
    """Fields, departments and published milestones for the feeds page: three queries."""
    return FeedDirectory(
        fields=list(db.session.scalars(Field.select_ordered())),
        departments=list(db.session.scalars(Department.select_ordered())),
        milestones=list(db.session.scalars(
            Milestone.select_published().options(joinedload(Milestone.field)).order_by(Milestone.title, Milestone.id)
        )),
    )


def department_links() -> list[tuple[str, str]]:
    """(slug, name) of every department, for autodiscovery links."""
    return list(db.session.execute(select(Department.slug, Department.name).order_by(Department.name)))

