"""Who may do what with comments: one predicate per action, for the buttons and the refusals.

Each action has a `*_refusal` function that returns the refusal (an exception to raise) or
None, and a `may_*` predicate that is true exactly when there is no refusal. The thread asks
`may_*` to show a button; the service raises the `*_refusal`. Both read a Standing, computed
once per milestone and viewer (one query for a block), so a page of comments asks nothing more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.permissions import PermissionDenied, can_edit_milestone, is_admin
from app.comments import policy
from app.comments.errors import (
    AlreadyFlagged,
    AuthorBlocked,
    CommentsClosed,
    CommentsPaused,
    NotConfirmed,
    NotPossible,
    ParticipationError,
)
from app.extensions import db
from app.models import AnswerStatus, Comment, CommentStatus, Milestone, ModerationAction, ModerationDecision, Role, User, utcnow
from app.settings import get_setting

Denial = ParticipationError | PermissionDenied


def signed_in_and_active(user: User | None) -> bool:
    """A signed-in account that is not deactivated (the one test of "signed in" for comments)."""
    return user is not None and getattr(user, "is_authenticated", False) and user.active


# Who decides on comments. Editors moderate only when they also hold the moderator role.
MODERATION_ROLES = (Role.ADMIN, Role.MODERATOR)


def can_moderate(user: User | None) -> bool:
    """Moderators and admins with an active, signed-in account."""
    return signed_in_and_active(user) and user.has_role(*MODERATION_ROLES)


def participation_refusal(user: User) -> ParticipationError | None:
    """Why a signed-in account may not take part: e-mail not confirmed (staff accounts are
    vouched for) or blocked; None when it may."""
    if user.email_confirmed_at is None and not user.is_staff:
        return NotConfirmed()
    block = policy.active_block(user)
    if block is None:
        return None
    if block.until is not None:
        return AuthorBlocked(_l(
            "Ihr Konto ist bis %(date)s für Beiträge gesperrt. Bis dahin können Sie nicht "
            "kommentieren, unterstützen, bewerten oder melden.",
            date=format_datetime(block.until, "medium"),
        ))
    return AuthorBlocked()


def comments_closed_reason(milestone: Milestone) -> ParticipationError | None:
    """Why no new comment can be written on this milestone, or None when it can."""
    if not get_setting("comments_open"):
        return CommentsPaused()
    if milestone.comments_closed:
        return CommentsClosed()
    return None


def can_answer(user: User | None, milestone: Milestone) -> bool:
    """Editors of the milestone's department and admins write official answers."""
    return signed_in_and_active(user) and can_edit_milestone(user, milestone)


@dataclass
class Standing:
    """What the viewer may do on one milestone, and why not."""

    user: User | None                              # None unless signed in and active
    refusal_error: ParticipationError | None = None  # why the account cannot take part
    closed_error: ParticipationError | None = None   # why no new comments can be written
    can_answer: bool = False                       # editors of the department and admins
    can_close: bool = False                        # admins
    to_review: bool = False                        # a new comment waits for review (pre-moderation)

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def refusal(self) -> str | None:
        return str(self.refusal_error) if self.refusal_error is not None else None

    @property
    def closed(self) -> str | None:
        return str(self.closed_error) if self.closed_error is not None else None

    @property
    def can_comment(self) -> bool:
        return may_comment(self)

    @property
    def can_vote(self) -> bool:
        return may_vote(self)


def standing_on(user: User | None, milestone: Milestone) -> Standing:
    """The viewer's standing on this milestone (one query for blocks when signed in)."""
    signed_in = signed_in_and_active(user)
    result = Standing(user=user if signed_in else None, closed_error=comments_closed_reason(milestone))
    if signed_in:
        result.refusal_error = participation_refusal(user)
        result.can_answer = can_edit_milestone(user, milestone)
        result.can_close = is_admin(user)
        result.to_review = policy.goes_to_review(milestone, is_staff=user.is_staff)
    return result


def voter_standing(user: User | None) -> Standing:
    """The standing that support, ratings and flags need: signed in, may take part (no milestone
    settings: votes are the most frequent writes)."""
    if not signed_in_and_active(user):
        return Standing(user=None)
    return Standing(user=user, refusal_error=participation_refusal(user))


def raise_refusal(refusal: Denial | None) -> None:
    if refusal is not None:
        raise refusal


# --- one refusal and one predicate per action ----------------------------------------------------


def vote_refusal(standing: Standing) -> Denial | None:
    """Support, rate and flag need a signed-in account that may take part."""
    if not standing.signed_in:
        return PermissionDenied()
    return standing.refusal_error


def comment_refusal(standing: Standing) -> Denial | None:
    """A new comment; official answers stay possible when comments are closed."""
    refusal = vote_refusal(standing)
    if refusal is None and standing.closed_error is not None and not standing.can_answer:
        return standing.closed_error
    return refusal


def reply_refusal(standing: Standing, parent: Comment) -> Denial | None:
    """Replies go to published top-level comments."""
    refusal = comment_refusal(standing)
    if refusal is None and (parent.parent_id is not None or parent.status != CommentStatus.PUBLISHED):
        return NotPossible(_l("Auf diesen Kommentar kann nicht geantwortet werden."))
    return refusal


def _others_published_refusal(standing: Standing, comment: Comment, not_possible, own) -> Denial | None:
    refusal = vote_refusal(standing)
    if refusal is not None:
        return refusal
    if comment.status != CommentStatus.PUBLISHED:
        return NotPossible(not_possible)
    if comment.author_id == standing.user.id:
        return NotPossible(own)
    return None


def rate_refusal(standing: Standing, comment: Comment) -> Denial | None:
    """Published comments of other people."""
    return _others_published_refusal(standing, comment, _l("Dieser Kommentar kann nicht bewertet werden."),
                                     _l("Eigene Kommentare können Sie nicht bewerten."))


def flag_refusal(standing: Standing, comment: Comment, flagged: bool = False) -> Denial | None:
    """Published comments of other people, once per account (`flagged`: the viewer already did)."""
    refusal = _others_published_refusal(standing, comment, _l("Dieser Kommentar kann nicht gemeldet werden."),
                                        _l("Eigene Kommentare können Sie nicht melden."))
    if refusal is None and flagged:
        return AlreadyFlagged()
    return refusal


def may_vote(standing: Standing) -> bool:
    return vote_refusal(standing) is None


def may_comment(standing: Standing) -> bool:
    return comment_refusal(standing) is None


def may_reply(standing: Standing, parent: Comment) -> bool:
    return reply_refusal(standing, parent) is None


def may_rate(standing: Standing, comment: Comment) -> bool:
    return rate_refusal(standing, comment) is None


def may_flag(standing: Standing, comment: Comment, flagged: bool = False) -> bool:
    return flag_refusal(standing, comment, flagged) is None


def may_mark_no_answer(standing: Standing, comment: Comment) -> bool:
    """Staff of the department close a top-level question that waits for an answer."""
    return (standing.signed_in and standing.can_answer and comment.parent_id is None
            and comment.answer_status == AnswerStatus.OPEN)


# --- the author's own comment ---------------------------------------------------------------------

REDACTED_TEXT = _l(
    "Dieser Kommentar kann nicht mehr bearbeitet werden, weil die Moderation darin Angaben entfernt hat."
)
OWN_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


def edit_deadline(comment: Comment) -> datetime:
    return comment.created_at + timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def was_redacted(comment: Comment) -> bool:
    """A moderator cut passages out of the comment (the moderation log has a redaction)."""
    return db.session.scalar(
        select(ModerationDecision.id)
        .where(ModerationDecision.comment_id == comment.id, ModerationDecision.action == ModerationAction.REDACT.value)
        .limit(1)
    ) is not None


def may_delete(user: User | None, comment: Comment) -> bool:
    """The author, while the comment is published or waiting."""
    return signed_in_and_active(user) and comment.author_id == user.id and comment.status in OWN_STATUSES


def may_edit(user: User | None, comment: Comment) -> bool:
    """The author, within the edit window, while the comment is published or waiting and no
    moderator has redacted it."""
    return (
        may_delete(user, comment)
        and utcnow() <= edit_deadline(comment)
        # Last: one query, asked only about the viewer's own comments within the window.
        and not was_redacted(comment)
    )


def is_staff_content(comment: Comment) -> bool:
    """Official answers and comments of staff accounts: flags never hide them automatically."""
    return comment.is_official or (comment.author is not None and comment.author.is_staff)
