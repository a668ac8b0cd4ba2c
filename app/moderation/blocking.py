"""Blocking an account, with the moderator's answer to what happens to its pending comments.

A block either rejects the account's comments still waiting for review (the single-decision
service's block) or leaves them in the queue to be decided one by one. When the account has
pending comments, the moderator must choose: the question is asked, never assumed.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.permissions import require
from app.extensions import db
from app.mail.services import send_mail
from app.moderation import services
from app.moderation.policy import can_moderate
from app.models import Comment, CommentStatus, ModerationAction, User, UserBlock, utcnow

REJECT, KEEP = "reject", "keep"
PENDING_CHOICES = (REJECT, KEEP)


def pending_count(user_id: int | None) -> int:
    """How many of the account's comments wait for review."""
    if user_id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.author_id == user_id, Comment.status == CommentStatus.PENDING.value)) or 0


def block_author(moderator: User, user_id: int, period: str, reason: str, comment_id: int | None = None, *,
                 pending: str | None = None) -> UserBlock:
    """Block the account; pending: REJECT its waiting comments or KEEP them in the queue
    (required while it has any)."""
    require(can_moderate(moderator))
    if pending not in PENDING_CHOICES:
        if pending or pending_count(user_id):
            raise services.InvalidInput({"pending": _l(
                "Bitte wählen Sie, was mit den wartenden Kommentaren des Kontos geschieht.")})
        pending = REJECT  # nothing waits: the usual block
    if pending == REJECT:
        return services.block_author(moderator, user_id, period, reason, comment_id)
    return _block_keeping_pending(moderator, user_id, period, reason, comment_id)


def _block_keeping_pending(moderator: User, user_id: int, period: str, reason: str,
                           comment_id: int | None) -> UserBlock:
    user = db.session.get(User, user_id)
    if user is None:
        raise services.NotFound()
    if user.is_staff or user.id == moderator.id:
        raise services.ActionNotPossible(_l("Konten der Verwaltung können nicht gesperrt werden."))
    reason = (reason or "").strip()
    errors = {}
    if period not in services.BLOCK_PERIODS:
        errors["period"] = _l("Bitte wählen Sie die Dauer der Sperre.")
    if not reason:
        errors["reason"] = _l("Bitte geben Sie einen Grund für die Sperre an.")
    elif len(reason) > services.MAX_REASON_LENGTH:
        errors["reason"] = _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.",
                              max=services.MAX_REASON_LENGTH)
    if errors:
        raise services.InvalidInput(errors)
    now = utcnow()
    days = services.BLOCK_PERIODS[period]
    until = now + timedelta(days=days) if days else None
    # A new block replaces the ones still running.
    db.session.execute(update(UserBlock).where(UserBlock.user_id == user.id, UserBlock.lifted_at.is_(None))
                       .values(lifted_at=now))
    block = UserBlock(user_id=user.id, until=until, reason=reason, created_by_id=moderator.id)
    db.session.add(block)
    origin = db.session.get(Comment, comment_id) if comment_id else None
    period_text = f"gesperrt bis {until:%d.%m.%Y}" if until else "dauerhaft gesperrt"
    services._log(moderator, origin, ModerationAction.BLOCK, f"{reason} ({period_text})", subject_id=user.id)
    db.session.commit()
    send_mail(user, _l("Ihr Konto wurde für Beiträge gesperrt"), "moderation_blocked",
              reason=reason, until=until, pending_kept=True)
    return block
