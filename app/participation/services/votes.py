"""Support votes ("Ist mir wichtig") and helpful ratings: one per account, counted exactly.

The unique constraints decide between parallel requests (an insert that finds the row already
there inserts nothing); the view commits. A transaction that lost a lock race is rolled back
and run again (votes are idempotent).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from app.auth.permissions import PermissionDenied
from app.comments import counters
from app.comments.errors import NotPossible
from app.comments.permissions import (
    raise_refusal,
    rate_refusal,
    signed_in_and_active,
    vote_refusal,
    voter_standing,
)
from app.extensions import db
from app.models import CommentRating, Comment, Milestone, SupportVote, User

# Votes are idempotent, so a transaction that lost a lock race is simply run again.
LOCK_RETRIES = 3
# PostgreSQL: deadlock detected, serialization failure.
_RETRY_SQLSTATES = frozenset({"40P01", "40001"})


def _lost_lock_race(error: OperationalError) -> bool:
    """SQLite waited longer than its busy timeout, or PostgreSQL broke a deadlock."""
    original = error.orig
    return "database is locked" in str(original) or getattr(original, "sqlstate", None) in _RETRY_SQLSTATES


def _with_lock_retries(operation):
    """Run a vote transaction; after a lost lock race roll back and run it again."""
    attempts = 0
    while True:
        try:
            return operation()
        except OperationalError as error:
            db.session.rollback()
            attempts += 1
            if attempts > LOCK_RETRIES or not _lost_lock_race(error):
                raise


def support(user: User, milestone: Milestone) -> bool:
    """"Ist mir wichtig": True when the vote was added, False when it already existed.

    The unique constraint decides between parallel requests; the loser rolls back cleanly.
    """
    raise_refusal(vote_refusal(voter_standing(user)))
    if not milestone.published:
        raise NotPossible(_l("Dieses Etappenziel kann nicht unterstützt werden."))
    milestone_id, user_id = milestone.id, user.id

    def vote() -> bool:
        if not counters.insert_once(SupportVote, milestone_id=milestone_id, user_id=user_id):
            return False
        counters.add_support(milestone_id, +1)
        return True

    return _with_lock_retries(vote)


def withdraw_support(user: User, milestone: Milestone) -> bool:
    """Take the vote back; True when there was one. Blocked accounts may withdraw too."""
    if not signed_in_and_active(user):
        raise PermissionDenied()
    milestone_id, user_id = milestone.id, user.id

    def withdraw() -> bool:
        result = db.session.execute(
            delete(SupportVote)
            .where(SupportVote.milestone_id == milestone_id, SupportVote.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
        removed = result.rowcount == 1
        if removed:
            counters.add_support(milestone_id, -1)
        return removed

    return _with_lock_retries(withdraw)


def has_supported(user: User | None, milestone: Milestone) -> bool:
    if not signed_in_and_active(user):
        return False
    return db.session.scalar(
        select(SupportVote.id).where(SupportVote.milestone_id == milestone.id, SupportVote.user_id == user.id)
    ) is not None


# --- helpful ratings ----------------------------------------------------------------------------

RATING_VALUES = {"helpful": True, "unhelpful": False, "none": None}


def rate_comment(user: User, comment: Comment, helpful: bool | None) -> None:
    """Rate a comment helpful (True) or not (False), change the rating, or take it back (None)."""
    raise_refusal(rate_refusal(voter_standing(user), comment))
    _with_lock_retries(lambda: _rate(comment.id, user.id, helpful))


def _rate(comment_id: int, user_id: int, helpful: bool | None) -> None:
    if helpful is None:
        for value in (True, False):
            _remove_rating(comment_id, user_id, value)
        return
    if counters.insert_once(CommentRating, comment_id=comment_id, user_id=user_id, helpful=helpful):
        counters.add_ratings(comment_id, helpful=int(helpful), unhelpful=int(not helpful))
        return
    # A rating exists: switch it if it says the opposite (conditional, so it counts once).
    result = db.session.execute(
        update(CommentRating)
        .where(CommentRating.comment_id == comment_id, CommentRating.user_id == user_id,
               CommentRating.helpful.is_(not helpful))
        .values(helpful=helpful)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        step = 1 if helpful else -1
        counters.add_ratings(comment_id, helpful=step, unhelpful=-step)


def _remove_rating(comment_id: int, user_id: int, value: bool) -> None:
    result = db.session.execute(
        delete(CommentRating)
        .where(CommentRating.comment_id == comment_id, CommentRating.user_id == user_id,
               CommentRating.helpful.is_(value))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        counters.add_ratings(comment_id, helpful=-int(value), unhelpful=-int(not value))
