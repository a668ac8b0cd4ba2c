"""Read-only queries of participation: the thread on the milestone page, the unanswered list.

The thread runs a fixed number of statements, however many comments, replies and votes
there are: one page of top-level comments with authors, their replies with authors, and
the viewer's own votes, ratings and flags.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import (
    AnswerStatus,
    Comment,
    CommentRating,
    CommentStatus,
    Department,
    Flag,
    Milestone,
    Role,
    User,
    utcnow,
)
from app.models.participation import TRACE_STATUSES, VISIBLE_STATUSES
from app.comments import permissions
from app.comments.permissions import Standing
from app.pagination import paginate
from app.participation.services import votes
from app.page_cache.tags import do_not_store
from app.filters import parse_page
from app.settings import get_setting

SORT_OPTIONS = {
    "newest": _l("Neueste zuerst"),
    "oldest": _l("Älteste zuerst"),
    "helpful": _l("Hilfreichste zuerst"),
}
DEFAULT_SORT = "newest"
PAGE_ARG = "comments_page"
SORT_ARG = "comments_sort"

_LISTED = [s.value for s in (*VISIBLE_STATUSES, *TRACE_STATUSES)]
# Statuses that are not shown, but leave a line when replies hang on them.
_HIDDEN_WITH_TRACE = [CommentStatus.PENDING.value, CommentStatus.SPAM.value]

SORT_ORDERS = {
    "newest": lambda: (Comment.created_at.desc(), Comment.id.desc()),
    "oldest": lambda: (Comment.created_at, Comment.id),
    "helpful": lambda: (
        Comment.score.desc(),
        Comment.helpful_count.desc(),
        Comment.created_at.desc(),
        Comment.id.desc(),
    ),
}


# Made once: a new alias per page view re-made a proxy of every comment column.
_REPLY = Comment.__table__.alias("reply")


def _listed(viewer_id: int | None, top_level_of: int | None = None):
    """Comments that take a place in the thread for this viewer.

    Published ones and the traces of removed or deleted ones for everyone; pending ones for
    their author. A top-level comment (`top_level_of`: the milestone's id) that is pending or
    spam keeps a line when it has published replies, so that the replies keep their context.
    """
    conditions = [Comment.status.in_(_LISTED)]
    if viewer_id is not None:
        conditions.append(and_(Comment.status == CommentStatus.PENDING.value, Comment.author_id == viewer_id))
    if top_level_of is not None:
        # Parents of the milestone's published replies: an uncorrelated IN over the milestone's
        # rows. (A correlated EXISTS made PostgreSQL hash every published comment of the site.)
        reply = _REPLY
        parents_with_published_reply = select(reply.c.parent_id).where(
            reply.c.milestone_id == top_level_of,
            reply.c.parent_id.is_not(None),
            reply.c.status == CommentStatus.PUBLISHED.value,
        )
        conditions.append(
            and_(Comment.status.in_(_HIDDEN_WITH_TRACE), Comment.id.in_(parents_with_published_reply))
        )
    return or_(*conditions)


@dataclass
class Thread:
    """Everything the thread partial shows."""

    milestone: Milestone
    participant: Standing
    sort: str
    pagination: Pagination
    replies: dict[int, list[Comment]]
    ratings: dict[int, bool]
    flagged: set[int]
    supported: bool
    notices: list[str] = dataclass_field(default_factory=list)
    guest_comments: bool = False
    comment_form: object = None

    def __post_init__(self) -> None:
        if self.notices:
            do_not_store()  # see app/filters.Parsed

    @property
    def sort_options(self) -> dict:
        return SORT_OPTIONS

    @property
    def comments(self) -> list[Comment]:
        return list(self.pagination.items)

    def replies_of(self, comment: Comment) -> list[Comment]:
        return self.replies.get(comment.id, [])

    def page_args(self, page: int) -> dict[str, object]:
        """URL arguments of another page of comments in the same order."""
        args: dict[str, object] = {}
        if page > 1:
            args[PAGE_ARG] = page
        if self.sort != DEFAULT_SORT:
            args[SORT_ARG] = self.sort
        return args

    def sort_args(self, sort: str) -> dict[str, object]:
        return {} if sort == DEFAULT_SORT else {SORT_ARG: sort}

    def can_edit(self, comment: Comment) -> bool:
        return permissions.may_edit(self.participant.user, comment)

    def can_delete(self, comment: Comment) -> bool:
        return permissions.may_delete(self.participant.user, comment)

    def can_rate(self, comment: Comment) -> bool:
        return permissions.may_rate(self.participant, comment)

    def can_flag(self, comment: Comment) -> bool:
        return permissions.may_flag(self.participant, comment, flagged=comment.id in self.flagged)

    def can_reply(self, comment: Comment) -> bool:
        return permissions.may_reply(self.participant, comment)

    def can_mark_no_answer(self, comment: Comment) -> bool:
        return permissions.may_mark_no_answer(self.participant, comment)


def parse_sort(raw: str | None) -> tuple[str, list[str]]:
    raw = (raw or "").strip()
    if not raw:
        return DEFAULT_SORT, []
    if raw in SORT_OPTIONS:
        return raw, []
    return DEFAULT_SORT, [str(_l("Diese Sortierung der Kommentare gibt es nicht; die neuesten stehen oben."))]


@cache
def _thread_statements(sort: str, signed_in: bool):
    """The statements of a thread page for a sort order and kind of viewer: its top-level
    comments, their count and their replies, with the milestone, viewer and comment ids bound.

    Made once: building them (and their cache keys) took longer than running them.
    """
    viewer = bindparam("viewer_id") if signed_in else None
    milestone_id = bindparam("milestone_id")
    in_thread = (Comment.milestone_id == milestone_id, Comment.parent_id.is_(None), _listed(viewer, milestone_id))
    top_level = (
        select(Comment)
        .where(*in_thread)
        # selectinload, not a join: the page and its count then read the comment index alone
        # (ix_comment_milestone_thread) and stop after one page, however long the thread.
        .options(selectinload(Comment.author), selectinload(Comment.department))
        .order_by(*SORT_ORDERS[sort]())
    )
    count = select(func.count(Comment.id)).where(*in_thread)
    replies = (
        select(Comment)
        .where(Comment.parent_id.in_(bindparam("ids", expanding=True)), _listed(viewer))
        .options(joinedload(Comment.author), joinedload(Comment.department))
        # Official answers first: they are what most readers look for.
        .order_by(Comment.is_official.desc(), Comment.created_at, Comment.id)
    )
    return top_level, count, replies


def milestone_thread(milestone: Milestone, user: User | None, args: MultiDict,
                     comment_form: Callable[[], object] | None = None) -> Thread:
    """The comment thread of a milestone page as the viewer sees it.

    The comment form (`comment_form`, the blueprint's form class, made with its CSRF token)
    is made only for signed-in participants:
    anonymous page views must not start a session.
    """
    sort, notices = parse_sort(args.get(SORT_ARG))
    page = parse_page(args.get(PAGE_ARG))
    notices += [str(_l("Die Seitenangabe der Kommentare war ungültig; es wird die erste Seite gezeigt."))] if page.notices else []
    who = permissions.standing_on(user, milestone)
    viewer_id = who.user.id if who.user is not None else None
    per_page = current_app.config["COMMENTS_PER_PAGE"]

    top_level, count, replies_of = _thread_statements(sort, viewer_id is not None)
    bound = {"milestone_id": milestone.id}
    if viewer_id is not None:
        bound["viewer_id"] = viewer_id
    pagination = paginate(top_level, count, page.value, per_page, bound)
    ids = [comment.id for comment in pagination.items]

    replies: dict[int, list[Comment]] = {}
    if ids:
        rows = db.session.scalars(replies_of, {**bound, "ids": ids}).all()
        for reply in rows:
            replies.setdefault(reply.parent_id, []).append(reply)

    ratings: dict[int, bool] = {}
    flagged: set[int] = set()
    supported = False
    if viewer_id is not None:
        every_id = ids + [reply.id for group in replies.values() for reply in group]
        if every_id:
            ratings = dict(db.session.execute(
                select(CommentRating.comment_id, CommentRating.helpful)
                .where(CommentRating.user_id == viewer_id, CommentRating.comment_id.in_(every_id))
            ).all())
            flagged = set(db.session.scalars(
                select(Flag.comment_id).where(Flag.user_id == viewer_id, Flag.comment_id.in_(every_id))
            ))
        supported = votes.has_supported(who.user, milestone)

    return Thread(
        milestone=milestone,
        participant=who,
        sort=sort,
        pagination=pagination,
        replies=replies,
        ratings=ratings,
        flagged=flagged,
        supported=supported,
        notices=notices,
        guest_comments=bool(get_setting("guest_comments")) and not who.signed_in,
        comment_form=comment_form() if comment_form is not None and who.can_comment else None,
    )


def _sort_keys(comment: Comment, sort: str) -> list[tuple[object, object, bool]]:
    """(column, the comment's value, descending) in the order SORT_ORDERS sorts by."""
    if sort == "oldest":
        return [(Comment.created_at, comment.created_at, False), (Comment.id, comment.id, False)]
    keys = [(Comment.created_at, comment.created_at, True), (Comment.id, comment.id, True)]
    if sort == "helpful":
        keys = [(Comment.score, comment.score or 0, True),
                (Comment.helpful_count, comment.helpful_count or 0, True), *keys]
    return keys


def comment_page(comment: Comment, user: User | None, sort: str = DEFAULT_SORT) -> int:
    """The page of the thread (in this sort order) that shows the comment or its parent."""
    top = comment.parent if comment.parent_id is not None else comment
    viewer_id = user.id if permissions.signed_in_and_active(user) else None
    # Listed before `top`: ahead in the first key, or equal in the first keys and ahead in the next.
    keys = _sort_keys(top, sort if sort in SORT_ORDERS else DEFAULT_SORT)
    ahead = or_(*(
        and_(*[column == value for column, value, _desc in keys[:i]],
             (keys[i][0] > keys[i][1]) if keys[i][2] else (keys[i][0] < keys[i][1]))
        for i in range(len(keys))
    ))
    before = db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.milestone_id == top.milestone_id,
            Comment.parent_id.is_(None),
            _listed(viewer_id, top.milestone_id),
            ahead,
        )
    )
    return before // current_app.config["COMMENTS_PER_PAGE"] + 1


def shown_to(comment: Comment, user: User | None) -> bool:
    """The comment is shown with its text in the thread to this viewer (permalinks)."""
    if comment.status == CommentStatus.PUBLISHED:
        return True
    return (comment.status == CommentStatus.PENDING and permissions.signed_in_and_active(user)
            and comment.author_id == user.id)


def comment_by_id(comment_id: int) -> Comment | None:
    """A comment of a published milestone, with its milestone and parent."""
    return db.session.scalar(
        select(Comment)
        .join(Comment.milestone)
        .where(Comment.id == comment_id, Milestone.published.is_(True))
        .options(joinedload(Comment.milestone), joinedload(Comment.parent), joinedload(Comment.author))
    )


def milestone_to_support(slug: str) -> Milestone | None:
    """A published milestone with the columns a support vote reads: id, slug, published.

    Without the other columns and the correlated `last_update_on` subquery of a full load.
    """
    return db.session.scalar(_milestone_to_support_statement(), {"slug": slug})


@cache
def _milestone_to_support_statement():
    # Made once: building it (with its loader option) took longer than running it on SQLite.
    return (
        Milestone.select_published().where(Milestone.slug == bindparam("slug"))
        .options(load_only(Milestone.id, Milestone.slug, Milestone.published, raiseload=True))
    )


# --- the backend list of unanswered comments ------------------------------------------------


@dataclass
class UnansweredGroup:
    department: Department | None
    comments: list[Comment]
    total: int  # waiting in this department altogether, on every page


@dataclass
class UnansweredPage:
    groups: list[UnansweredGroup]
    pagination: Pagination
    total: int


def _waiting_for_answer(user: User):
    """Filters of the list: published top-level comments waiting for an answer, for this user.

    Admins see every department (and milestones without one); editors their own departments.
    """
    conditions = [
        Comment.parent_id.is_(None),
        Comment.status == CommentStatus.PUBLISHED.value,
        Comment.answer_status == AnswerStatus.OPEN.value,
        Milestone.published.is_(True),
    ]
    if not user.has_role(Role.ADMIN):
        conditions.append(Milestone.department_id.in_([department.id for department in user.departments]))
    return conditions


def unanswered(user: User, page: int = 1, per_page: int = 50) -> UnansweredPage:
    """One page of the comments waiting for an answer: per department (by name), oldest first."""
    conditions = _waiting_for_answer(user)
    query = (
        select(Comment)
        .join(Comment.milestone)
        .outerjoin(Department, Department.id == Milestone.department_id)
        .where(*conditions)
        .options(
            joinedload(Comment.milestone).joinedload(Milestone.department),
            joinedload(Comment.author),
        )
        .order_by(Department.name.is_(None), Department.name, Department.id,
                  Comment.published_at, Comment.created_at, Comment.id)
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    totals = dict(db.session.execute(
        select(Milestone.department_id, func.count(Comment.id))
        .select_from(Comment)
        .join(Comment.milestone)
        .where(*conditions)
        .group_by(Milestone.department_id)
    ).all())
    groups: dict[int | None, UnansweredGroup] = {}
    for comment in pagination.items:
        department = comment.milestone.department
        key = department.id if department is not None else None
        if key not in groups:
            groups[key] = UnansweredGroup(department, [], totals.get(key, 0))
        groups[key].comments.append(comment)
    return UnansweredPage(list(groups.values()), pagination, sum(totals.values()))


def age_in_days(comment: Comment, now: datetime | None = None) -> int:
    """Whole days since the comment was published (or written)."""
    since = comment.published_at or comment.created_at
    return max(((now or utcnow()) - since).days, 0)

