"""Builders for comments in any status, official answers, flags and reason templates."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from app.extensions import db
from app.models import Comment, CommentStatus, Department, Flag, Milestone, ReasonTemplate, User, utcnow
from app.comments.counters import recount_comments
from app.sanitize import plain_text_to_html
from tests.builders import add_flushed, make_citizen, make_milestone

_seq = itertools.count(1)
NEW_CITIZEN = object()  # make_comment's default author: a new confirmed citizen


def make_comment(
    milestone: Milestone | None = None,
    author: User | None | object = NEW_CITIZEN,
    body: str | None = None,
    *,
    status: CommentStatus | str = CommentStatus.PUBLISHED,
    parent: Comment | None = None,
    created_at: datetime | None = None,
    **kw,
) -> Comment:
    """A comment as the participation services store it (sanitized HTML beside the text); a
    published one is counted on its milestone. Without an author (and without guest_name) a new citizen
    writes it; `author=None` stores none."""
    milestone = milestone or (parent.milestone if parent is not None else make_milestone())
    if author is NEW_CITIZEN:
        author = None if "guest_name" in kw else make_citizen()
    body = body if body is not None else f"Kommentar {next(_seq)}: Wann kommt das?"
    status = CommentStatus(status).value
    created_at = created_at or utcnow()
    comment = Comment(
        milestone_id=milestone.id,
        parent_id=parent.id if parent is not None else None,
        author_id=author.id if author is not None else None,
        body=body,
        body_html=plain_text_to_html(body),
        status=status,
        created_at=created_at,
        published_at=created_at if status == CommentStatus.PUBLISHED.value else None,
        # Citizens' top-level comments wait for an answer, as participation stores them.
        answer_status=kw.pop("answer_status", "open" if parent is None and not kw.get("is_official") else None),
        **kw,
    )
    add_flushed(comment)
    if status == CommentStatus.PUBLISHED.value:  # the only status counted; others leave the milestone untouched
        recount_comments(milestone.id)
        db.session.flush()
    return comment


def make_official_answer(milestone: Milestone, department: Department, parent: Comment, body: str, **kw) -> Comment:
    kw.setdefault("author", None)
    return make_comment(milestone, body=body, is_official=True, department_id=department.id, parent=parent, **kw)


def make_flag(comment: Comment, user: User | None = None, reason: str = "insult", text: str = "",
              created_at: datetime | None = None) -> Flag:
    return add_flushed(Flag(comment_id=comment.id, user_id=(user or make_citizen()).id, reason=reason, text=text,
                            created_at=created_at or utcnow()))


def make_reason_template(title: str = "Beleidigung", text_de: str = "Bitte bleiben Sie sachlich.", **kw) -> ReasonTemplate:
    return add_flushed(ReasonTemplate(title=title, text_de=text_de, text_en=kw.pop("text_en", ""), **kw))


def ago(**delta) -> datetime:
    return utcnow() - timedelta(**delta)
