"""Official answers ("Antwort der Verwaltung") written from the moderation queue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.permissions import require
from app.comments import lifecycle
from app.comments.errors import ParticipationError
from app.comments.permissions import can_answer as official_answer_allowed
from app.comments.permissions import can_moderate
from app.extensions import db
from app.moderation.errors import ActionNotPossible, InvalidInput, NotFound
from app.models import Comment, CommentStatus, ModerationAction, User
from app.participation.services.comments import post_comment

A = ModerationAction
S = CommentStatus


def may_answer(user: User | None, comment: Comment) -> bool:
    """Who writes official answers on this milestone (the participation rule)."""
    return official_answer_allowed(user, comment.milestone)


def can_answer(user: User | None, comment: Comment) -> bool:
    """Staff who may answer for the milestone's department, on a published top-level comment."""
    return (
        comment.parent_id is None and comment.status == S.PUBLISHED.value and not comment.is_official
        and may_answer(user, comment)
    )


def answer(user: User, comment_id: int, body: str) -> Comment:
    """An official answer ("Antwort der Verwaltung") written from the queue."""
    require(can_moderate(user))
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    require(may_answer(user, comment))
    if not can_answer(user, comment):
        raise ActionNotPossible(_l("Antworten der Verwaltung sind nur auf veröffentlichte Kommentare möglich, "
                                   "nicht auf Antworten."))
    try:
        reply = post_comment(user, comment.milestone, body, parent=comment)
    except ParticipationError as error:
        db.session.rollback()
        raise InvalidInput({"body": str(error)}) from None
    lifecycle.log_decision(comment, A.ANSWER, actor=user, before=comment.status, after=comment.status)
    return reply
