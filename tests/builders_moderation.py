"""Builders for moderation tests: comments in any status, flags, reason templates."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from app.extensions import db
from app.models import Comment, CommentStatus, Flag, Milestone, ReasonTemplate, Role, User, utcnow
from app.comments.counters import recount_comments
from app.sanitize import plain_text_to_html
from tests.builders import make_milestone, make_user

_seq = itertools.count(1)


def make_citizen(**kw) -> User:
    kw.setdefault("email_confirmed_at", utcnow())
    return make_user(roles=(Role.CITIZEN,), **kw)


def make_comment(
    milestone: Milestone | None = None,
    author: User | None = None,
    status: CommentStatus | str = CommentStatus.PUBLISHED,
    body: str | None = None,
    parent: Comment | None = None,
    created_at: datetime | None = None,
    **kw,
) -> Comment:
    """A comment as the participation services store it (sanitized HTML beside the text)."""
    milestone = milestone or (parent.milestone if parent is not None else make_milestone())
    if author is None and "guest_name" not in kw:
        author = make_citizen()
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
    db.session.add(comment)
    db.session.flush()
    recount_comments(milestone.id)
    db.session.flush()
    return comment


def make_flag(comment: Comment, user: User | None = None, reason: str = "insult", text: str = "",
              created_at: datetime | None = None) -> Flag:
    flag = Flag(comment_id=comment.id, user_id=(user or make_citizen()).id, reason=reason, text=text,
                created_at=created_at or utcnow())
    db.session.add(flag)
    db.session.flush()
    return flag


def make_reason_template(title: str = "Beleidigung", text_de: str = "Bitte bleiben Sie sachlich.", **kw) -> ReasonTemplate:
    template = ReasonTemplate(title=title, text_de=text_de, text_en=kw.pop("text_en", ""), **kw)
    db.session.add(template)
    db.session.flush()
    return template


def ago(**delta) -> datetime:
    return utcnow() - timedelta(**delta)
