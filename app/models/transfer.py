"""Uploaded CSV files waiting between the import preview and the apply step."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class ImportBatch(Base):
    """The raw bytes of one uploaded CSV file, kept in the database.

    The preview and the apply step may run on different app servers, and a browser
    cannot send the same file again without the user choosing it once more; the
    database is the one place every server shares.
    """

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # SHA-256 of data: the apply form names it, so only the previewed file is applied.
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @classmethod
    def select_older_than(cls, moment: datetime):
        return select(cls).where(cls.created_at < moment)
