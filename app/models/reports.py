"""Status reports (Sachstandsberichte): frozen, dated reports of the whole strategy."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class ReportVariant(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"  # with the staff-only sections; never served to the public


class Report(Base):
    """A status report as issued: its data snapshot and its PDFs never change afterwards."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporting_date: Mapped[date] = mapped_column(Date, index=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    published_at: Mapped[datetime | None] = mapped_column()
    # Everything the report shows, as issued (app/reporting/snapshot.py); pages render from it.
    snapshot: Mapped[dict] = mapped_column(JSON, deferred=True)

    previous: Mapped[Report | None] = relationship(remote_side="Report.id")
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportFile.id"
    )

    @classmethod
    def select_published(cls):
        return select(cls).where(cls.published.is_(True)).order_by(cls.reporting_date.desc(), cls.id.desc())

    @classmethod
    def select_all(cls):
        return select(cls).order_by(cls.reporting_date.desc(), cls.id.desc())


class ReportFile(Base):
    """One PDF of a report (German or English, public or internal), stored as rendered at issue."""

    __tablename__ = "report_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    variant: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    report: Mapped[Report] = relationship(back_populates="files")

    __table_args__ = (
        UniqueConstraint("report_id", "language", "variant"),
        CheckConstraint("language IN ('de', 'en')", name="language_known"),
        CheckConstraint("variant IN ('public', 'internal')", name="variant_known"),
    )
