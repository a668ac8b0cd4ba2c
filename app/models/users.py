"""Accounts and their roles."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.strategy import Department


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"
    CITIZEN = "citizen"


STAFF_ROLES = (Role.ADMIN, Role.EDITOR, Role.MODERATOR)

user_department = Table(
    "user_department",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{r.value}'" for r in Role) + ")", name="role_known"
        ),
    )


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column()
    locale: Mapped[str] = mapped_column(String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Part of the session's user id: raising it ends every session of the account
    # (password change or reset, second factor switched on or reset).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column()
    # Base32 TOTP secret; the second factor is on only once totp_enabled_at is set.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column()
    # Last accepted TOTP time step, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Mails to comment authors (app/comments/notifications.py); switched in the profile.
    notify_replies: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_answers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_moderation: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    departments: Mapped[list[Department]] = relationship(
        secondary=user_department, order_by="Department.name"
    )

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RecoveryCode.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Flask-Login's session id: the account and its session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    def set_roles(self, roles: set[Role]) -> None:
        keep = {row.role: row for row in self.role_rows}
        self.role_rows = [keep.get(r.value) or UserRole(role=r.value) for r in sorted(roles)]

    @classmethod
    def select_by_email(cls, email: str):
        return select(cls).where(cls.email == email.strip().lower())


class RecoveryCode(Base):
    """A one-time code that replaces the TOTP code once; only its SHA-256 hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()


class RevokedSession(Base):
    """A signed-out session: its nonce (SHA-256) stops a copy of the cookie from working again.

    Rows older than the session lifetime are purged (`flask mail purge`): such cookies expired.
    """

    __tablename__ = "revoked_session"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
