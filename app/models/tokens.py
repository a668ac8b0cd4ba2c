"""Single-use tokens sent by e-mail (password reset, later e-mail confirmation and opt-ins)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    CONFIRM_EMAIL = "confirm_email"
    CONFIRM_SUBSCRIPTION = "confirm_subscription"


class ActionToken(Base):
    """A secret link's token: only its SHA-256 hash is stored, so a database leak reveals no link.

    The purpose is plain text without a check constraint, so later features add purposes
    without a migration; TokenPurpose lists the known ones.
    """

    __tablename__ = "action_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Tokens of guests (e.g. a subscription opt-in) have no account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User | None] = relationship()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()

    @classmethod
    def select_by_hash(cls, purpose: str, token_hash: str):
        return select(cls).where(cls.purpose == purpose, cls.token_hash == token_hash)
