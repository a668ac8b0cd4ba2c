"""The audit log (Änderungsprotokoll): an append-only record of staff changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User


class AuditEntry(Base):
    """Who changed what, when, and the values before and after. Rows are never changed."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A pseudonym such as "Konto #12" that stays readable after the account is deleted.
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str] = mapped_column(String(50))
    # Text, so that objects with non-numeric keys (settings) fit as well.
    object_id: Mapped[str | None] = mapped_column(String(100))
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_created_at", "created_at"),
        Index("ix_audit_entry_actor_id", "actor_id"),
        Index("ix_audit_entry_object", "object_type", "object_id"),
    )

    @classmethod
    def select_newest_first(cls):
        return select(cls).order_by(cls.created_at.desc(), cls.id.desc())


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise RuntimeError("The audit log is append-only.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE statements bypass the mapper events above, so refuse them here."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if state.bind_mapper.class_ is AuditEntry:
            raise RuntimeError("The audit log is append-only.")
