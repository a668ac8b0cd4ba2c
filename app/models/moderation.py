"""Moderation: the append-only decision log, author blocks, the hold list, reason templates."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.participation import Comment
from app.models.users import User


class ModerationAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    SPAM = "spam"
    REDACT = "redact"
    BLOCK = "block"
    UNBLOCK = "unblock"
    AUTO_HIDE = "auto_hide"   # by the system after N flags from distinct accounts
    HOLD = "hold"             # by the system: hold list match or edit under pre-moderation
    APPEAL = "appeal"         # the author asked for a second review
    ANSWER = "answer"         # official answer written from the queue
    NO_ANSWER_NEEDED = "no_answer_needed"


class ModerationDecision(Base):
    """One entry of the moderation log. Rows are never changed or deleted."""

    __tablename__ = "moderation_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Kept when accounts are deleted: a pseudonym such as "Konto #1234".
    moderator_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    status_before: Mapped[str | None] = mapped_column(String(20))
    status_after: Mapped[str | None] = mapped_column(String(20))
    # The text before a redaction; only moderators see it.
    original_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment | None] = relationship()
    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])

    __table_args__ = (
        CheckConstraint(
            "action IN (" + ", ".join(f"'{a.value}'" for a in ModerationAction) + ")",
            name="action_known",
        ),
        Index("ix_moderation_decision_comment_id", "comment_id"),
        Index("ix_moderation_decision_created_at", "created_at"),
    )


@event.listens_for(ModerationDecision, "before_update")
@event.listens_for(ModerationDecision, "before_delete")
def _log_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("The moderation log is append-only.")


class UserBlock(Base):
    """An author blocked for a period (until) or for good (until is NULL)."""

    __tablename__ = "user_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column()


class BlockedAddress(Base):
    """The e-mail address of an account deleted while it was blocked, as a keyed hash.

    Only HMAC-SHA256(SECRET_KEY, address) is kept, and only until the block would have ended
    (until NULL: a block for good), so deleting the account and registering again does not
    escape the block (app/citizens/services.py).
    """

    __tablename__ = "blocked_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HoldPattern(Base):
    """A word or regular expression that sends a comment to the queue even in post-moderation."""

    __tablename__ = "hold_pattern"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(200), unique=True)
    is_regex: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReasonTemplate(Base):
    """A reusable reason for a moderation decision, editable by moderators."""

    __tablename__ = "reason_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    text_de: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
