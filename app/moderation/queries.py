"""Queries of the moderation backend: the queue, its context, the moderation log, blocks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import g
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.backend.queries import within_municipal_days
from app.extensions import db
from app.models import (
    Comment,
    CommentStatus,
    Field,
    Flag,
    Milestone,
    ModerationDecision,
    ReasonTemplate,
    Role,
    User,
    UserBlock,
    UserRole,
    HoldPattern,
    utcnow,
)

# Statuses a moderator removed from the public thread; their authors may appeal once.
REMOVED_STATUSES = (CommentStatus.REJECTED, CommentStatus.HIDDEN, CommentStatus.SPAM)
QUEUE_KINDS = ("held", "flagged", "appeal", "pending")
HISTORY_LIMIT = 5


def _values(statuses) -> list[str]:
    return [s.value for s in statuses]


def open_flag_count():
    """Distinct accounts that flagged the comment and wait for a decision (one flag per account)."""
    return (
        select(func.count(Flag.id))
        .where(Flag.comment_id == Comment.id, Flag.resolved_at.is_(None))
        .correlate(Comment)
        .scalar_subquery()
    )


def _has_open_flag(reason: str | None = None):
    condition = [Flag.comment_id == Comment.id, Flag.resolved_at.is_(None)]
    if reason:
        condition.append(Flag.reason == reason)
    return select(Flag.id).where(*condition).correlate(Comment).exists()


def appeal_open():
    """The author appealed and no moderator has decided since."""
    return and_(
        Comment.appealed_at.is_not(None),
        Comment.status.in_(_values(REMOVED_STATUSES)),
        or_(Comment.decided_at.is_(None), Comment.decided_at < Comment.appealed_at),
    )


def not_awaiting_guest_confirmation():
    """An account's comment, or a guest comment whose author used the link in the mail.
    Until then a guest comment is not in the queue: nobody may publish it yet."""
    return or_(Comment.guest_email.is_(None), Comment.guest_confirmed_at.is_not(None))


def awaits_guest_confirmation(comment: Comment) -> bool:
    """The Python side of not_awaiting_guest_confirmation(), negated."""
    return comment.guest_email is not None and comment.guest_confirmed_at is None


def kind_condition(kind: str):
    condition = {
        "held": Comment.status == CommentStatus.HELD.value,
        "pending": Comment.status == CommentStatus.PENDING.value,
        "flagged": and_(Comment.status == CommentStatus.PUBLISHED.value, _has_open_flag()),
        "appeal": appeal_open(),
    }[kind]
    return and_(condition, not_awaiting_guest_confirmation())


def in_queue():
    return or_(*(kind_condition(kind) for kind in QUEUE_KINDS))


def _shown_with_comment() -> tuple:
    """Loader options for what a queue entry and a comment's moderation page show with it."""
    return (
        joinedload(Comment.milestone).joinedload(Milestone.field),
        joinedload(Comment.author),
        joinedload(Comment.department),
        selectinload(Comment.parent).joinedload(Comment.author),
        selectinload(Comment.parent).selectinload(Comment.replies).joinedload(Comment.author),
        selectinload(Comment.replies).joinedload(Comment.author),
    )


@dataclass(frozen=True)
class QueueFilter:
    kind: str | None = None
    field_id: int | None = None
    milestone_id: int | None = None
    reason: str | None = None


def select_queue(filters: QueueFilter):
    """Queue items: auto-hidden first, then flagged, appeals, pending; most flaggers, then oldest."""
    priority = case(
        (Comment.status == CommentStatus.HELD.value, 0),
        (Comment.status == CommentStatus.PUBLISHED.value, 1),
        (Comment.status == CommentStatus.PENDING.value, 3),
        else_=2,
    )
    stmt = (
        select(Comment)
        .join(Comment.milestone)
        .where(kind_condition(filters.kind) if filters.kind else in_queue())
        .options(*_shown_with_comment())
        .order_by(priority, open_flag_count().desc(), Comment.created_at, Comment.id)
    )
    if filters.field_id:
        stmt = stmt.where(Milestone.field_id == filters.field_id)
    if filters.milestone_id:
        stmt = stmt.where(Comment.milestone_id == filters.milestone_id)
    if filters.reason:
        stmt = stmt.where(_has_open_flag(filters.reason))
    return stmt


def queue_size() -> int:
    """Number of comments waiting for a moderator (cached for the request: the navigation badge)."""
    if "_moderation_queue_size" not in g:
        g._moderation_queue_size = db.session.scalar(
            select(func.count(Comment.id)).where(in_queue())
        ) or 0
    return g._moderation_queue_size


def queue_counts() -> dict[str, int]:
    """Queue items per kind, in one query."""
    row = db.session.execute(
        select(*(
            func.coalesce(func.sum(case((kind_condition(kind), 1), else_=0)), 0).label(kind)
            for kind in QUEUE_KINDS
        )).select_from(Comment)
    ).one()
    return {kind: int(getattr(row, kind)) for kind in QUEUE_KINDS}


def oldest_waiting_since() -> datetime | None:
    """When the item that has waited longest entered the queue."""
    confirmed = not_awaiting_guest_confirmation()
    candidates = [
        db.session.scalar(
            select(func.min(func.coalesce(Comment.edited_at, Comment.created_at)))
            .where(Comment.status == CommentStatus.PENDING.value, confirmed)
        ),
        db.session.scalar(
            select(func.min(Flag.created_at))
            .join(Comment, Flag.comment_id == Comment.id)
            .where(
                Flag.resolved_at.is_(None),
                Comment.status.in_([CommentStatus.PUBLISHED.value, CommentStatus.HELD.value]),
                confirmed,
            )
        ),
        db.session.scalar(select(func.min(Comment.appealed_at)).where(appeal_open(), confirmed)),
        # Held comments whose flags were resolved by an earlier decision (rare): their creation.
        db.session.scalar(
            select(func.min(Comment.created_at))
            .where(Comment.status == CommentStatus.HELD.value, ~_has_open_flag(), confirmed)
        ),
    ]
    found = [c for c in candidates if c is not None]
    return min(found) if found else None


@dataclass
class QueueContext:
    """What each queue item shows besides the comment: its flags and the author's history."""

    flags: dict[int, list[Flag]] = field(default_factory=dict)
    history: dict[int, list[ModerationDecision]] = field(default_factory=dict)
    history_total: dict[int, int] = field(default_factory=dict)

    def open_flags(self, comment: Comment) -> list[Flag]:
        return [f for f in self.flags.get(comment.id, []) if f.resolved_at is None]

    def kind(self, comment: Comment) -> str:
        return item_kind(comment, bool(self.open_flags(comment)))


def item_kind(comment: Comment, has_open_flags: bool) -> str | None:
    """held, flagged, appeal, pending, or None when the comment is not in the queue."""
    if awaits_guest_confirmation(comment):
        return None
    status = comment.status
    if status == CommentStatus.HELD.value:
        return "held"
    if status == CommentStatus.PENDING.value:
        return "pending"
    if status == CommentStatus.PUBLISHED.value and has_open_flags:
        return "flagged"
    if (
        comment.appealed_at is not None and status in _values(REMOVED_STATUSES)
        and (comment.decided_at is None or comment.decided_at < comment.appealed_at)
    ):
        return "appeal"
    return None


def queue_context(comments: list[Comment]) -> QueueContext:
    """Flags and the authors' earlier decisions for a page of comments, in three queries."""
    context = QueueContext()
    ids = [c.id for c in comments]
    if not ids:
        return context
    for flag in db.session.scalars(
        select(Flag).where(Flag.comment_id.in_(ids)).order_by(Flag.created_at, Flag.id)
    ):
        context.flags.setdefault(flag.comment_id, []).append(flag)
    author_ids = sorted({c.author_id for c in comments if c.author_id is not None})
    if author_ids:
        context.history, context.history_total = author_history(author_ids)
    return context


def _subject():
    # Decisions written by other features may leave subject_user_id empty: fall back to the author.
    return func.coalesce(ModerationDecision.subject_user_id, Comment.author_id)


def author_history(
    user_ids: list[int], limit: int = HISTORY_LIMIT
) -> tuple[dict[int, list[ModerationDecision]], dict[int, int]]:
    """The latest `limit` decisions concerning each account, and how many there are in all."""
    subject = _subject()
    ranked = (
        select(
            ModerationDecision.id.label("id"),
            subject.label("user_id"),
            func.row_number().over(
                partition_by=subject,
                order_by=(ModerationDecision.created_at.desc(), ModerationDecision.id.desc()),
            ).label("rank"),
        )
        .outerjoin(Comment, ModerationDecision.comment_id == Comment.id)
        .where(subject.in_(user_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(ModerationDecision, ranked.c.user_id)
        .join(ranked, ranked.c.id == ModerationDecision.id)
        .where(ranked.c.rank <= limit)
        .options(joinedload(ModerationDecision.moderator))
        .order_by(ranked.c.user_id, ranked.c.rank)
    ).all()
    history: dict[int, list[ModerationDecision]] = defaultdict(list)
    for decision, user_id in rows:
        history[user_id].append(decision)
    totals = dict(db.session.execute(
        select(subject, func.count(ModerationDecision.id))
        .select_from(ModerationDecision)
        .outerjoin(Comment, ModerationDecision.comment_id == Comment.id)
        .where(subject.in_(user_ids))
        .group_by(subject)
    ).all())
    return dict(history), totals


def comment_for_item(comment_id: int) -> Comment | None:
    """One comment with everything its moderation page shows."""
    return db.session.scalar(
        select(Comment)
        .where(Comment.id == comment_id)
        .options(*_shown_with_comment())
    )


def decisions_of(comment: Comment) -> list[ModerationDecision]:
    return list(db.session.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.comment_id == comment.id)
        .options(joinedload(ModerationDecision.moderator))
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
    ))


def filter_choices() -> tuple[list[Field], list[Milestone]]:
    """Fields of action and milestones for the queue's filters."""
    fields = list(db.session.scalars(Field.select_ordered()))
    milestones = list(db.session.scalars(select(Milestone).order_by(Milestone.sort_title, Milestone.title)))
    return fields, milestones


# Moderation log ----------------------------------------------------------------------

@dataclass(frozen=True)
class LogFilter:
    moderator_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def select_log(filters: LogFilter):
    """The moderation log, newest first."""
    stmt = (
        select(ModerationDecision)
        .options(
            joinedload(ModerationDecision.moderator),
            joinedload(ModerationDecision.subject_user),
            joinedload(ModerationDecision.comment).joinedload(Comment.milestone),
        )
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
    )
    if filters.moderator_id:
        stmt = stmt.where(ModerationDecision.moderator_id == filters.moderator_id)
    if filters.action:
        stmt = stmt.where(ModerationDecision.action == filters.action)
    # Municipal days, as in the audit log.
    return stmt.where(*within_municipal_days(ModerationDecision.created_at, filters.date_from, filters.date_to))


def log_moderators() -> list[tuple[int, str]]:
    """Accounts that appear as deciding moderator in the log."""
    rows = db.session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(select(ModerationDecision.moderator_id).where(ModerationDecision.moderator_id.is_not(None))))
        .order_by(User.display_name, User.id)
    ).all()
    return [(row.id, row.display_name) for row in rows]


# Blocks, reason templates, hold list, moderators ----------------------------------------

def select_active_blocks(now: datetime | None = None):
    now = now or utcnow()
    return (
        select(UserBlock)
        .where(UserBlock.lifted_at.is_(None), or_(UserBlock.until.is_(None), UserBlock.until > now))
        .order_by(UserBlock.created_at.desc(), UserBlock.id.desc())
    )


def users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def reason_templates() -> list[ReasonTemplate]:
    return list(db.session.scalars(
        select(ReasonTemplate).order_by(ReasonTemplate.position, ReasonTemplate.title, ReasonTemplate.id)
    ))


def hold_patterns() -> list[HoldPattern]:
    return list(db.session.scalars(select(HoldPattern).order_by(HoldPattern.pattern)))


def milestones_with_mode() -> list[Milestone]:
    return list(db.session.scalars(
        select(Milestone)
        .where(Milestone.moderation_mode.is_not(None))
        .order_by(Milestone.sort_title, Milestone.title)
    ))


def moderators() -> list[User]:
    """Active accounts with the moderator role: the digest's recipients."""
    return list(db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.MODERATOR.value, User.active.is_(True))
        .order_by(User.id)
    ))
