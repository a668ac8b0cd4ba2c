"""The outbox: every mail is stored before it is sent, so a failing mail server loses nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class OutboxMail(Base):
    """One mail to one recipient; pending until sent_at is set."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers (Message-ID, List-Unsubscribe, ...), kept so a retry sends the same mail.
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not before this time: the retry back-off, and a short lease while a sender works on it.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None

    @classmethod
    def select_due(cls, now: datetime, max_attempts: int):
        """Unsent mails whose back-off has passed and that have attempts left, oldest first."""
        return (
            select(cls)
            .where(
                cls.sent_at.is_(None),
                cls.attempts < max_attempts,
                or_(cls.next_attempt_at.is_(None), cls.next_attempt_at <= now),
            )
            .order_by(cls.id)
        )
