"""Settings an administrator changes in the backend, and the operator's text pages."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Setting(Base):
    """One site setting; missing keys fall back to the defaults from config."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ContentPage(Base):
    """A text page the operator provides (imprint, privacy, accessibility, ...).

    German is required; the English text is optional and the German one is shown
    (marked lang="de") when it is missing.
    """

    __tablename__ = "content_page"

    slug: Mapped[str] = mapped_column(String(50), primary_key=True)
    title_de: Mapped[str] = mapped_column(String(200))
    body_de: Mapped[str] = mapped_column(Text, default="")
    body_de_html: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_en_html: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @classmethod
    def select_by_slug(cls, slug: str):
        return select(cls).where(cls.slug == slug)
