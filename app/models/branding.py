"""The municipality's logo, stored in the database so that every app server shares it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class SiteLogo(Base):
    """The one logo of the site (a single row with id 1), re-encoded when it was uploaded."""

    __tablename__ = "site_logo"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    mimetype: Mapped[str] = mapped_column(String(50))
    # SHA-256 of data: ETag and the version in the logo's URL.
    digest: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("width > 0 AND height > 0", name="size_positive"),
    )

    @classmethod
    def select_current(cls):
        return select(cls).where(cls.id == 1)
