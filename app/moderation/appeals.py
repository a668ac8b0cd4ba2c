"""Appeals: the author of a removed comment asks once for a second review."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.permissions import require
from app.comments import lifecycle
from app.comments.permissions import signed_in_and_active
from app.extensions import db
from app.moderation.errors import ActionNotPossible, DecisionConflict, NotFound, check_reason_length
from app.models import Comment, CommentStatus, ModerationAction, ModerationDecision, User, utcnow

A = ModerationAction
S = CommentStatus


def can_appeal(user: User | None, comment: Comment) -> bool:
    """The author of a removed comment, once."""
    return (
        signed_in_and_active(user)
        and comment.author_id == user.id and comment.appealed_at is None
        and S(comment.status) in lifecycle.REMOVED
    )


def appeal(user: User, comment_id: int, text: str) -> ModerationDecision:
    """The author asks once for a second review; the comment goes back into the queue."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    require(comment.author_id is not None and user is not None and comment.author_id == user.id)
    if comment.appealed_at is not None:
        raise ActionNotPossible(_l("Sie haben gegen diese Entscheidung bereits Einspruch eingelegt."))
    if S(comment.status) not in lifecycle.REMOVED:
        raise ActionNotPossible(_l("Gegen diesen Kommentar ist kein Einspruch möglich."))
    text = (text or "").strip()
    check_reason_length(text, "text")
    comment.appealed_at = utcnow()
    lifecycle.flush(DecisionConflict)
    decision = lifecycle.log_decision(comment, A.APPEAL, actor=user, reason=text, before=comment.status,
                                      after=comment.status, by_author=True)
    return decision
