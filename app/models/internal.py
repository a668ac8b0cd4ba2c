"""The internal view: each milestone's traffic light (Ampel) and its history. Staff only, never public."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.milestones import Milestone
from app.models.users import User

NOTE_MAX_LENGTH = 4000


class Light(StrEnum):
    ON_TRACK = "on_track"   # im Plan
    AT_RISK = "at_risk"     # gefährdet
    CRITICAL = "critical"   # kritisch


LIGHT_VALUES = ", ".join(f"'{light.value}'" for light in Light)
# The lights the dashboard lists, worst first.
WARNING_LIGHTS = (Light.CRITICAL, Light.AT_RISK)


class _LightSetting:
    """What a light says and who set it when: the current light and each history entry."""

    light: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # "Konto #12" (app/audit.py), readable after the account is deleted.
    set_by_label: Mapped[str] = mapped_column(String(100), default="")
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def set_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @property
    def light_enum(self) -> Light:
        return Light(self.light)


class TrafficLight(_LightSetting, Base):
    """A milestone's current light with the internal note on risks and needed decisions.

    One row per milestone; every change also adds a TrafficLightChange. No relationship leads
    here from Milestone, so no public query can load it by accident.
    """

    __tablename__ = "traffic_light"

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True)

    milestone: Mapped[Milestone] = relationship()

    __table_args__ = (
        CheckConstraint(f"light IN ({LIGHT_VALUES})", name="light_known"),
        Index("ix_traffic_light_light", "light"),
    )


class TrafficLightChange(_LightSetting, Base):
    """One entry of a light's history: the light and note as set, who set them and when.
    Rows are never changed or deleted (except with their milestone)."""

    __tablename__ = "traffic_light_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))

    __table_args__ = (
        CheckConstraint(f"light IN ({LIGHT_VALUES})", name="light_known"),
        Index("ix_traffic_light_change_milestone_set", "milestone_id", "set_at"),
    )

    @classmethod
    def select_of(cls, milestone_id: int):
        """The history of one milestone's light, newest first."""
        return select(cls).where(cls.milestone_id == milestone_id).order_by(cls.set_at.desc(), cls.id.desc())


@event.listens_for(TrafficLightChange, "before_update")
@event.listens_for(TrafficLightChange, "before_delete")
def _history_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("The traffic light history is append-only.")

