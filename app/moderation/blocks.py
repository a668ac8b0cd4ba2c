"""Blocking authors for a number of days or for good.

While the account has comments waiting for review, the moderator must say what happens to
them: rejected with the block, or left in the queue to be decided one by one. The question
is asked, never assumed.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.permissions import require
from app.comments import lifecycle
from app.comments.permissions import can_moderate
from app.deferred import after_commit
from app.extensions import db
from app.mail.services import send_mail
from app.moderation.errors import ActionNotPossible, DecisionConflict, InvalidInput, NotFound, check_reason_length
from app.models import Comment, CommentStatus, ModerationAction, User, UserBlock, utcnow

A = ModerationAction
S = CommentStatus

BLOCKED_REASON = "Das Konto wurde gesperrt."
BLOCK_PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365, "forever": None}
REJECT, KEEP = "reject", "keep"
PENDING_CHOICES = (REJECT, KEEP)


def pending_count(user_id: int | None) -> int:
    """How many of the account's comments wait for review."""
    if user_id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.author_id == user_id, Comment.status == S.PENDING.value)) or 0


def block_author(moderator: User, user_id: int, period: str, reason: str, comment_id: int | None = None, *,
                 pending: str | None = REJECT) -> UserBlock:
    """Block an account for a number of days or for good; pending: REJECT its waiting comments
    or KEEP them in the queue. The block form passes the moderator's answer, None when not
    given: that is refused while comments wait (without any, nothing needs asking)."""
    require(can_moderate(moderator))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.is_staff or user.id == moderator.id:
        raise ActionNotPossible(_l("Konten der Verwaltung können nicht gesperrt werden."))
    reason = (reason or "").strip()
    errors = {}
    if period not in BLOCK_PERIODS:
        errors["period"] = _l("Bitte wählen Sie die Dauer der Sperre.")
    if not reason:
        errors["reason"] = _l("Bitte geben Sie einen Grund für die Sperre an.")
    if pending not in PENDING_CHOICES:
        if pending or pending_count(user.id):
            errors["pending"] = _l("Bitte wählen Sie, was mit den wartenden Kommentaren des Kontos geschieht.")
        pending = REJECT  # nothing waits: the usual block
    if errors:
        raise InvalidInput(errors)
    check_reason_length(reason)
    now = utcnow()
    days = BLOCK_PERIODS[period]
    until = now + timedelta(days=days) if days else None
    # A new block replaces the ones still running.
    db.session.execute(
        update(UserBlock)
        .where(UserBlock.user_id == user.id, UserBlock.lifted_at.is_(None))
        .values(lifted_at=now)
    )
    block = UserBlock(user_id=user.id, until=until, reason=reason, created_by_id=moderator.id)
    db.session.add(block)
    origin = db.session.get(Comment, comment_id) if comment_id else None
    period_text = f"gesperrt bis {until:%d.%m.%Y}" if until else "dauerhaft gesperrt"
    lifecycle.log_decision(origin, A.BLOCK, actor=moderator, reason=f"{reason} ({period_text})", subject_id=user.id)
    if pending == REJECT:
        waiting = db.session.scalars(
            select(Comment).where(Comment.author_id == user.id, Comment.status == S.PENDING.value)
        ).all()
        for comment in waiting:
            lifecycle.decide(moderator, comment, A.REJECT, S.REJECTED, BLOCKED_REASON, DecisionConflict)
    lifecycle.flush(DecisionConflict)
    after_commit(send_mail, user, _l("Ihr Konto wurde für Beiträge gesperrt"), "moderation_blocked",
                 reason=reason, until=until, pending_kept=pending == KEEP)
    return block


def lift_block(moderator: User, block_id: int) -> UserBlock:
    require(can_moderate(moderator))
    block = db.session.get(UserBlock, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound()
    block.lifted_at = utcnow()
    lifecycle.log_decision(None, A.UNBLOCK, actor=moderator, subject_id=block.user_id)
    db.session.flush()
    return block
