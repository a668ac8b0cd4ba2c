"""The strategy and what groups its milestones: fields of action, departments, champions."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, FormerSlug, Money, former_slugs, utcnow

if TYPE_CHECKING:
    from app.models.milestones import Milestone


class Strategy(Base):
    """The one published digitalization strategy of the site."""

    __tablename__ = "strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    # English texts are optional; /en/ pages fall back to the German ones (app/content_language.py).
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    intro_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    intro_en_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    lead_role_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    period_from: Mapped[int] = mapped_column(Integer)
    period_to: Mapped[int] = mapped_column(Integer)
    council_decision_on: Mapped[date | None] = mapped_column(Date)
    council_decision_reference: Mapped[str] = mapped_column(String(200), default="")
    council_decision_url: Mapped[str] = mapped_column(String(500), default="")
    document_url: Mapped[str] = mapped_column(String(500), default="")
    lead_role: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    budget_years: Mapped[list[StrategyBudgetYear]] = relationship(
        back_populates="strategy",
        order_by="StrategyBudgetYear.year",
        cascade="all, delete-orphan",
    )

    __table_args__ = (CheckConstraint("period_from <= period_to", name="period_order"),)

    @classmethod
    def select_current(cls):
        return select(cls).order_by(cls.id).limit(1)


class StrategyBudgetYear(Base):
    """The strategy's total financing plan for one budget year."""

    __tablename__ = "strategy_budget_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)

    strategy: Mapped[Strategy] = relationship(back_populates="budget_years")

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        # one plan figure per year and strategy
        UniqueConstraint("strategy_id", "year"),
    )


class Field(Base):
    """A field of action (Handlungsfeld) grouping milestones."""

    __tablename__ = "field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    milestones: Mapped[list[Milestone]] = relationship(back_populates="field")
    old_slugs: Mapped[list[FieldSlug]] = former_slugs("field")

    @classmethod
    def select_ordered(cls):
        return select(cls).order_by(cls.position, cls.name)


class FieldSlug(FormerSlug, Base):
    """A former slug of a field of action; its pages, feeds and calendar redirect to the current one."""

    __tablename__ = "field_slug"

    field_id: Mapped[int] = mapped_column(ForeignKey("field.id", ondelete="CASCADE"), index=True)
    field: Mapped[Field] = relationship(back_populates="old_slugs")


class Department(Base):
    """An organisational unit responsible for milestones."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Where the contact form writes to; staff-only, never shown on public pages or in open data.
    contact_email: Mapped[str | None] = mapped_column(String(254))

    champions: Mapped[list[Champion]] = relationship(back_populates="department")
    old_slugs: Mapped[list[DepartmentSlug]] = former_slugs("department")

    @classmethod
    def select_ordered(cls):
        return select(cls).order_by(cls.name)


class DepartmentSlug(FormerSlug, Base):
    """A former slug of a department; its feeds redirect to the current one."""

    __tablename__ = "department_slug"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    department: Mapped[Department] = relationship(back_populates="old_slugs")


class Champion(Base):
    """A person in a key position who drives milestones (Held der Digitalisierung)."""

    __tablename__ = "champion"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    quote: Mapped[str] = mapped_column(Text, default="")
    role_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    quote_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_mimetype: Mapped[str | None] = mapped_column(String(50))
    photo_consent_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department | None] = relationship(back_populates="champions")
    milestones: Mapped[list[Milestone]] = relationship(
        secondary="milestone_champion", back_populates="champions", order_by="Milestone.title"
    )

    __table_args__ = (
        # a photo may only be stored with recorded consent
        CheckConstraint(
            "photo_mimetype IS NULL OR photo_consent_on IS NOT NULL", name="photo_needs_consent"
        ),
    )

    @property
    def has_photo(self) -> bool:
        return self.photo_mimetype is not None

    @classmethod
    def select_ordered(cls):
        return select(cls).order_by(cls.name)
