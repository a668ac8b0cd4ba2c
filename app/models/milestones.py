"""Milestones, their financing, their history and their progress updates."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, selectinload

from app import progress as rules
from app.models.base import Base, FormerSlug, Money, utcnow
from app.models.strategy import Champion, Department, Field

STATUS_VALUES = ", ".join(f"'{s.value}'" for s in rules.MilestoneStatus)
# Sub-milestones are loaded this many levels deep, one query per level; effective progress
# needs them. Deeper trees still work, with lazy loads.
SUB_MILESTONE_DEPTH = 4

milestone_department = Table(
    "milestone_department",
    Base.metadata,
    Column("milestone_id", ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)

milestone_champion = Table(
    "milestone_champion",
    Base.metadata,
    Column("milestone_id", ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True),
    Column("champion_id", ForeignKey("champion.id", ondelete="CASCADE"), primary_key=True),
)


def search_key(*parts: str | None) -> str:
    """Text normalised for case-insensitive search, umlauts included, on every database."""
    return " ".join(p for p in parts if p).casefold()


def sort_key(title: str | None) -> str:
    """A title as German dictionaries sort it (DIN 5007-1: Ä as A, ß as ss), on every database.

    Databases compare bytes (SQLite) or follow the server's collation (PostgreSQL), which puts
    "Überweisung" after "Zahlung"; sorting by this key gives the same order everywhere.
    """
    decomposed = unicodedata.normalize("NFKD", (title or "").casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return letters.lstrip(" \"'„“”‚‘’«»()[]-–—.,:;!?")


class Milestone(rules.RatedByRules, Base):
    """A dated goal of the strategy (Etappenziel)."""

    __tablename__ = "milestone"
    # Kept by votes and comments: changing them does not change which milestones a list shows
    # (app/page_cache/tags.py).
    __cache_counters__ = ("support_count", "comment_count")

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: the old value is loaded before a change, for the recorded history
    # (app/reporting/recording.py); so for field_id, parent_id, weight and published.
    title: Mapped[str] = mapped_column(String(200), active_history=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    easy_summary: Mapped[str] = mapped_column(Text, default="")
    # English texts are optional; /en/ pages fall back to the German ones (app/content_language.py).
    # The easy-language summary has none: Leichte Sprache is a German format.
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    summary_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_en_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_role_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    field_id: Mapped[int] = mapped_column(
        ForeignKey("field.id", ondelete="RESTRICT"), index=True, active_history=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone.id", ondelete="RESTRICT"), index=True, active_history=True
    )
    weight: Mapped[int] = mapped_column(Integer, default=1, active_history=True)
    status: Mapped[str] = mapped_column(String(20), default=rules.MilestoneStatus.PLANNED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    progress_method: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    original_target_date: Mapped[date | None] = mapped_column(Date)
    target_date: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    planned: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    committed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    spent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    budget_year: Mapped[int | None] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True, active_history=True)
    # Participation: counters kept in the row (always equal to the rows they count).
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    comments_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: the site's moderation mode; "pre" or "post" overrides it for this milestone.
    moderation_mode: Mapped[str | None] = mapped_column(String(10))
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The title's sort key (sort_key), kept by the listener below.
    sort_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    field: Mapped[Field] = relationship(back_populates="milestones")
    parent: Mapped[Milestone | None] = relationship(
        back_populates="children", remote_side="Milestone.id"
    )
    children: Mapped[list[Milestone]] = relationship(
        back_populates="parent", order_by="Milestone.target_date, Milestone.title"
    )
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    participating_departments: Mapped[list[Department]] = relationship(
        secondary=milestone_department, order_by="Department.name"
    )
    champions: Mapped[list[Champion]] = relationship(
        secondary=milestone_champion, back_populates="milestones", order_by="Champion.name"
    )
    fundings: Mapped[list[MilestoneFunding]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan", order_by="MilestoneFunding.id"
    )
    old_slugs: Mapped[list[MilestoneSlug]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_known"),
        CheckConstraint("status <> 'completed' OR progress = 100", name="completed_is_100"),
        # The editing form and the CSV import allow 1 to 100 (migration 0016).
        CheckConstraint("weight >= 1 AND weight <= 100", name="weight_range"),
        CheckConstraint("planned >= 0 AND committed >= 0 AND spent >= 0", name="money_positive"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("support_count >= 0 AND comment_count >= 0", name="counts_not_negative"),
        CheckConstraint(
            "moderation_mode IS NULL OR moderation_mode IN ('pre', 'post')", name="moderation_mode_known"
        ),
    )

    @classmethod
    def select_published(cls):
        return select(cls).where(cls.published.is_(True))

    @classmethod
    def select_published_top_level(cls):
        return cls.select_published().where(cls.parent_id.is_(None))

    @classmethod
    def load_sub_milestones(cls):
        """The loader option that effective_progress needs: the tree of sub-milestones."""
        return selectinload(cls.children, recursion_depth=SUB_MILESTONE_DEPTH)

    @property
    def status_enum(self) -> rules.MilestoneStatus:
        return rules.MilestoneStatus(self.status)

    @property
    def progress_is_rolled_up(self) -> bool:
        """True when the progress shown is the sub-milestones' mean, not the stored percent."""
        return self.status != rules.MilestoneStatus.COMPLETED and bool(self.counted_children)

    @property
    def is_overdue(self) -> bool:
        return rules.is_overdue(self)

    @property
    def is_replanned(self) -> bool:
        return (
            self.original_target_date is not None
            and self.target_date is not None
            and self.original_target_date != self.target_date
        )

    @property
    def is_over_budget(self) -> bool:
        return self.planned > 0 and self.spent > self.planned

    @property
    def published_children(self) -> list[Milestone]:
        return [child for child in self.children if child.published]


class MilestoneSlug(FormerSlug, Base):
    """A former slug of a milestone; requests to it redirect to the current one."""

    __tablename__ = "milestone_slug"

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    milestone: Mapped[Milestone] = relationship(back_populates="old_slugs")


class FundingSource(Base):
    """Where money comes from: the own budget or a named grant programme."""

    __tablename__ = "funding_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_grant: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    @classmethod
    def select_ordered(cls):
        return select(cls).order_by(cls.is_grant, cls.name)


class MilestoneFunding(Base):
    """The amount one funding source contributes to one milestone."""

    __tablename__ = "milestone_funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("funding_source.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)

    milestone: Mapped[Milestone] = relationship(back_populates="fundings")
    source: Mapped[FundingSource] = relationship()

    __table_args__ = (
        UniqueConstraint("milestone_id", "source_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class ProgressUpdate(Base):
    """A dated report on a milestone (Fortschrittsmeldung)."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    reported_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    body_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    body_en_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(200), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[datetime | None] = mapped_column()
    edited_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    milestone: Mapped[Milestone] = relationship()
    changes: Mapped[list[MilestoneChange]] = relationship(
        back_populates="progress_update", order_by="MilestoneChange.id"
    )

    __table_args__ = (
        Index("ix_progress_update_milestone_published", "milestone_id", "published", "reported_on"),
        Index("ix_progress_update_published_reported", "published", "reported_on"),
    )

    @classmethod
    def select_published(cls):
        return (
            select(cls)
            .join(cls.milestone)
            .where(cls.published.is_(True), Milestone.published.is_(True))
        )


class ChangeKind(StrEnum):
    STATUS = "status"
    PROGRESS = "progress"
    TARGET_DATE = "target_date"
    PLANNED = "planned"
    COMMITTED = "committed"
    SPENT = "spent"
    # Recorded since migration 0017 (app/reporting/recording.py), for the state at a past date;
    # they are bookkeeping, not part of the public history (HISTORY_KINDS).
    PUBLICATION = "publication"
    TITLE = "title"
    WEIGHT = "weight"
    PARENT = "parent"
    FIELD = "field"


# The kinds a milestone's public history, its feed entries and the API list.
HISTORY_KINDS = (
    ChangeKind.STATUS, ChangeKind.PROGRESS, ChangeKind.TARGET_DATE,
    ChangeKind.PLANNED, ChangeKind.COMMITTED, ChangeKind.SPENT,
)


class MilestoneChange(Base):
    """One entry in a milestone's public history: what changed, when, and why.

    Values are stored as canonical text (status key, integer percent, ISO date,
    decimal amount) so that one table holds every kind of change.
    """

    __tablename__ = "milestone_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    progress_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_update.id", ondelete="SET NULL")
    )
    changed_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    # 200: titles are recorded too (kind "title").
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    author_role: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    milestone: Mapped[Milestone] = relationship()
    progress_update: Mapped[ProgressUpdate | None] = relationship(back_populates="changes")

    @classmethod
    def in_history(cls):
        """The condition that keeps the kinds of the public history (HISTORY_KINDS)."""
        return cls.kind.in_([kind.value for kind in HISTORY_KINDS])

    __table_args__ = (
        Index("ix_milestone_change_milestone_changed", "milestone_id", "changed_on"),
        # The state at a date replays the changes after that day, of all milestones at once.
        Index("ix_milestone_change_changed_on", "changed_on"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k.value}'" for k in ChangeKind) + ")", name="kind_known"
        ),
    )


# Date of the newest published progress update, loaded with the milestone in the same query.
Milestone.last_update_on = column_property(
    select(func.max(ProgressUpdate.reported_on))
    .where(ProgressUpdate.milestone_id == Milestone.id, ProgressUpdate.published.is_(True))
    .correlate_except(ProgressUpdate)
    .scalar_subquery()
)


@event.listens_for(Milestone, "before_insert")
@event.listens_for(Milestone, "before_update")
def _refresh_search_text(mapper, connection, target: Milestone) -> None:
    # English texts too, so that a search on the English pages finds what they show.
    target.search_text = search_key(
        target.title, target.summary, target.description, target.title_en, target.summary_en, target.description_en
    )
    target.sort_title = sort_key(target.title)[:200]
