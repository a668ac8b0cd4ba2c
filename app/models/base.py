"""Declarative base with a naming convention and column types shared by all models."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC timestamp; Flask-Babel converts to Europe/Berlin for display."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class FormerSlug:
    """A former slug of a record addressed by slug; requests to it redirect to the current one.

    Each table adds the foreign key to its record (app/slug_redirects.py finds them).
    """

    # The table's own columns come before the mixin's: sort_order keeps the id first, as in the migrations.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def former_slugs(owner: str):
    """The relationship from a record to its FormerSlug rows, which the database deletes with it."""
    return relationship(back_populates=owner, cascade="all, delete-orphan", passive_deletes=True)


class Money(TypeDecorator):
    """EUR amount as Decimal in Python, whole cents as BIGINT in the database.

    Cents keep sums exact on SQLite, which has no exact decimal type.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).quantize(Decimal("1")))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
