"""Citizen participation: comments, support votes, helpful ratings, flags, subscriptions."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy import inspect as db_inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.milestones import Milestone
from app.models.strategy import Department, Field
from app.models.users import User


class CommentStatus(StrEnum):
    PENDING = "pending"        # waiting for a moderator (pre-moderation, hold list, edits)
    PUBLISHED = "published"
    HELD = "held"              # auto-hidden after flags, waiting for review
    HIDDEN = "hidden"          # hidden by a moderator (can be restored)
    REJECTED = "rejected"      # removed by a moderator with a reason
    SPAM = "spam"
    DELETED = "deleted"        # deleted by its author


# Comments counted and shown with their text to the public.
VISIBLE_STATUSES = (CommentStatus.PUBLISHED,)
# Comments that leave a line in the public thread (so replies stay readable).
TRACE_STATUSES = (CommentStatus.HELD, CommentStatus.HIDDEN, CommentStatus.REJECTED, CommentStatus.DELETED)


class AnswerStatus(StrEnum):
    OPEN = "open"              # waiting for an answer of the administration
    ANSWERED = "answered"
    NOT_NEEDED = "not_needed"  # staff marked "no answer needed"


class FlagReason(StrEnum):
    SPAM = "spam"
    INSULT = "insult"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"


def _values(enum) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Comment(Base):
    """A citizen's comment on a milestone, a reply, or an official answer."""

    __tablename__ = "comment"
    # Kept by ratings and flags (app/page_cache/tags.py).
    __cache_counters__ = ("helpful_count", "unhelpful_count", "score", "flag_count")

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Guest comments (operator setting): name and e-mail, confirmed by link, always pre-moderated.
    guest_name: Mapped[str | None] = mapped_column(String(100))
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_confirmed_at: Mapped[datetime | None] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CommentStatus.PENDING.value)
    # Official answer of the administration, attributed to a department.
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))
    answer_status: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column()
    # Public reason shown in the thread when moderation removed the comment.
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column()
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)
    unhelpful_count: Mapped[int] = mapped_column(Integer, default=0)
    # helpful_count - unhelpful_count, kept in the row for the "most helpful" order of a thread
    # (an index range instead of sorting every comment of the milestone; migration 0010).
    score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    edited_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    # Optimistic locking: two moderators deciding at once, one wins.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The one-time id of the form that sent the comment: the same form sent twice (a double
    # click, a retried request) stores one comment (unique per author and per guest address).
    form_id: Mapped[str | None] = mapped_column(String(32))

    milestone: Mapped[Milestone] = relationship()
    parent: Mapped[Comment | None] = relationship(back_populates="replies", remote_side="Comment.id")
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.created_at")
    author: Mapped[User | None] = relationship()
    department: Mapped[Department | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(CommentStatus)})", name="status_known"),
        CheckConstraint(
            f"answer_status IS NULL OR answer_status IN ({_values(AnswerStatus)})",
            name="answer_status_known",
        ),
        CheckConstraint(
            "helpful_count >= 0 AND unhelpful_count >= 0 AND flag_count >= 0",
            name="counts_not_negative",
        ),
        Index("ix_comment_milestone_status_created", "milestone_id", "status", "created_at"),
        # The thread of a milestone page: top-level comments newest first, counted from the
        # index alone (migration 0007, BENCHMARKS.md). Partial (top level only): PostgreSQL
        # does not take "parent_id IS NULL" as an equality, so with parent_id as an index
        # column it could not read created_at in index order and sorted the whole thread.
        Index(
            "ix_comment_milestone_thread", "milestone_id", "created_at", "id", "status",
            postgresql_where=text("parent_id IS NULL"), sqlite_where=text("parent_id IS NULL"),
        ),
        # Which top-level comments of a milestone have published replies (the thread keeps a
        # line for a removed comment with replies): read from the index alone.
        Index(
            "ix_comment_milestone_replies", "milestone_id", "status", "parent_id",
            postgresql_where=text("parent_id IS NOT NULL"), sqlite_where=text("parent_id IS NOT NULL"),
        ),
        # Replies of given comments. Partial, so that SQLite's planner does not mistake it for
        # a cheap way to find top-level comments (parent_id IS NULL, most rows of the table).
        Index(
            "ix_comment_parent_id", "parent_id",
            postgresql_where=text("parent_id IS NOT NULL"), sqlite_where=text("parent_id IS NOT NULL"),
        ),
        # The thread in "most helpful" order: top-level comments by score, then as "newest".
        Index(
            "ix_comment_milestone_helpful", "milestone_id", "score", "helpful_count", "created_at", "id", "status",
            postgresql_where=text("parent_id IS NULL"), sqlite_where=text("parent_id IS NULL"),
        ),
        Index("ix_comment_author_id", "author_id"),
        Index("ix_comment_status_created", "status", "created_at"),
        UniqueConstraint("author_id", "form_id"),
        UniqueConstraint("guest_email", "form_id"),
    )

    @property
    def is_visible(self) -> bool:
        return self.status in VISIBLE_STATUSES

    @classmethod
    def select_visible(cls):
        return (
            select(cls)
            .join(cls.milestone)
            .where(cls.status.in_([s.value for s in VISIBLE_STATUSES]), Milestone.published.is_(True))
        )


def _set_score(target: Comment) -> None:
    target.score = (target.helpful_count or 0) - (target.unhelpful_count or 0)


@event.listens_for(Comment, "before_insert")
def _score_of_new_comment(mapper, connection, target: Comment) -> None:
    _set_score(target)


@event.listens_for(Comment, "before_update")
def _score_of_changed_counts(mapper, connection, target: Comment) -> None:
    """Comment.score follows counts set on the object (demo data, tests). Votes move all three
    with one SQL UPDATE (app/comments/counters.py), which bypasses this; the score is
    written here only when the object's own counts are written too, so that counts loaded
    before a vote never overwrite the score with a stale difference."""
    state = db_inspect(target)
    if any(state.attrs[name].history.has_changes() for name in ("helpful_count", "unhelpful_count")):
        _set_score(target)


class SupportVote(Base):
    """A citizen's "Ist mir wichtig" for a milestone: one per account."""

    __tablename__ = "support_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("milestone_id", "user_id"),)


class CommentRating(Base):
    """Helpful / not helpful for a comment: one per account, changeable."""

    __tablename__ = "comment_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)


class Flag(Base):
    """A citizen's report of a comment (Meldung): one per account per comment."""

    __tablename__ = "flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()

    comment: Mapped[Comment] = relationship()

    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint(f"reason IN ({_values(FlagReason)})", name="reason_known"),
    )


class Subscription(Base):
    """E-mail notifications for a milestone or a field of action, double opt-in, no account needed."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5), default="de")
    confirmed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Events up to this time have been mailed (batching of close updates).
    notified_until: Mapped[datetime | None] = mapped_column()

    milestone: Mapped[Milestone | None] = relationship()
    field: Mapped[Field | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(milestone_id IS NULL) <> (field_id IS NULL)", name="one_target"
        ),
        # NULLs are distinct in unique constraints, so one constraint per kind of target.
        UniqueConstraint("email", "milestone_id"),
        UniqueConstraint("email", "field_id"),
    )
