"""Builders for participation tests: confirmed citizens, staff, comments, and signing in."""
from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.models import Comment, CommentStatus, Department, Role, User, utcnow
from app.comments.counters import recount_comments
from app.sanitize import plain_text_to_html
from tests.builders import make_user


def make_citizen(confirmed: bool = True, **kw) -> User:
    """A citizen account, its e-mail address confirmed unless told otherwise."""
    user = make_user(email_confirmed_at=utcnow() if confirmed else None, **kw)
    return user


def make_editor(*departments: Department, **kw) -> User:
    user = make_user(roles=(Role.EDITOR,), email_confirmed_at=utcnow(), **kw)
    user.departments = list(departments)
    db.session.flush()
    return user


def make_admin(**kw) -> User:
    return make_user(roles=(Role.ADMIN,), email_confirmed_at=utcnow(), **kw)


def make_moderator(**kw) -> User:
    return make_user(roles=(Role.MODERATOR,), email_confirmed_at=utcnow(), **kw)


def make_comment(milestone, author: User | None = None, body: str = "Ein Kommentar.", *,
                 status: str = CommentStatus.PUBLISHED.value, parent: Comment | None = None,
                 created_at: datetime | None = None, **kw) -> Comment:
    """A comment stored as the service would store it; the milestone's counter is recounted."""
    now = created_at or utcnow()
    values = dict(
        milestone_id=milestone.id,
        parent_id=parent.id if parent is not None else None,
        author_id=author.id if author is not None else None,
        body=body,
        body_html=plain_text_to_html(body),
        status=status,
        answer_status="open" if parent is None and not kw.get("is_official") else None,
        created_at=now,
        published_at=now if status == CommentStatus.PUBLISHED.value else None,
    )
    values.update(kw)
    comment = Comment(**values)
    db.session.add(comment)
    db.session.flush()
    recount_comments(milestone.id)
    return comment


def sign_in(client, user: User, clear: bool = False) -> None:
    """Put the user's session id into the test client's session (as the login form does)."""
    with client.session_transaction() as session:
        if clear:
            session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def sign_out(client) -> None:
    with client.session_transaction() as session:
        session.clear()
