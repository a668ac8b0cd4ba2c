"""Counters kept in rows (Milestone.support_count and comment_count, Comment.helpful_count,
unhelpful_count, their difference score, and flag_count). They must always equal the rows they count.

Every function here runs one or two SQL statements inside the caller's transaction and
never commits: call it in the same transaction as the change it counts, then commit.

Support votes, ratings and flags change by exactly one row per request, guarded by a unique
constraint (`insert_once`) or a conditional UPDATE/DELETE, so their counters move with atomic
increments (`SET n = n + 1`): two parallel requests never read and write the same old value.

Comments change status in many places (participation, moderation, account deletion), so
their counter is recounted instead: call `recount_comments(milestone_id)` after ANY change
of a comment's status (or after inserting or deleting comments), before the commit.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Comment, Milestone
from app.models.participation import VISIBLE_STATUSES


def _execute(statement) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


def expire_loaded(model, ident: int, *attributes: str) -> None:
    """A row changed in SQL, past the ORM: a loaded object of it reads these attributes again
    (the transaction goes on, so no commit expires them)."""
    loaded = db.session.identity_map.get(db.session.identity_key(model, ident))
    if loaded is not None:
        db.session.expire(loaded, attributes)


def recount_comments(milestone_id: int) -> None:
    """Set Milestone.comment_count to the number of its published comments (replies included).

    The milestone row is locked first (FOR NO KEY UPDATE on PostgreSQL; SQLite serialises
    writers anyway). The count runs after the lock is granted, so it sees every comment that
    other transactions committed before, and the last transaction to commit writes the
    right number. NO KEY keeps the lock compatible with the key-share locks that inserting
    comments or votes takes through the foreign key.
    """
    db.session.execute(
        select(Milestone.id).where(Milestone.id == milestone_id).with_for_update(key_share=True)
    )
    published = (
        select(func.count(Comment.id))
        .where(
            Comment.milestone_id == milestone_id,
            Comment.status.in_([status.value for status in VISIBLE_STATUSES]),
        )
        .scalar_subquery()
    )
    _execute(update(Milestone).where(Milestone.id == milestone_id).values(comment_count=published))
    expire_loaded(Milestone, milestone_id, "comment_count")


def insert_once(model, **values) -> bool:
    """Insert a row unless a unique constraint already holds one like it (another request's, or
    this account's earlier one); True when this call inserted it. No error and no rollback: the
    caller's transaction goes on either way."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not the row count: psycopg reports -1 for an INSERT ... ON CONFLICT DO NOTHING.
    key = next(iter(model.__table__.primary_key.columns))
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(key)
    return db.session.execute(statement.execution_options(synchronize_session=False)).first() is not None


def add_support(milestone_id: int, delta: int) -> None:
    """Move Milestone.support_count by +1 or -1, atomically."""
    db.session.execute(_add_support_statement(), {"target_id": milestone_id, "delta": delta})
    expire_loaded(Milestone, milestone_id, "support_count")


@cache
def _add_support_statement():
    # Made once, with bound values: it runs on every vote, and building it cost more than running it.
    return (
        update(Milestone)
        .where(Milestone.id == bindparam("target_id"))
        .values(support_count=Milestone.support_count + bindparam("delta", type_=Integer))
        .execution_options(synchronize_session=False)
    )


def add_ratings(comment_id: int, helpful: int = 0, unhelpful: int = 0) -> None:
    """Move Comment.helpful_count and unhelpful_count (and the score, their difference), atomically.

    A plain UPDATE leaves Comment.version alone: a vote must not make a moderator's
    decision on the same comment fail as a conflicting edit.
    """
    _execute(
        update(Comment)
        .where(Comment.id == comment_id)
        .values(
            helpful_count=Comment.helpful_count + helpful,
            unhelpful_count=Comment.unhelpful_count + unhelpful,
            score=Comment.score + helpful - unhelpful,
        )
    )
    expire_loaded(Comment, comment_id, "helpful_count", "unhelpful_count", "score")


def add_flag(comment_id: int) -> None:
    """Count one more flag on the comment, atomically."""
    _execute(update(Comment).where(Comment.id == comment_id).values(flag_count=Comment.flag_count + 1))
    expire_loaded(Comment, comment_id, "flag_count")
