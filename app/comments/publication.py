"""What follows when a comment becomes public: the answer loop and the mails about it.

The answer loop: an official answer marks its question answered; a citizen's published
follow-up to an answered question reopens it; a deleted official answer reopens its question
unless another answers it. The mails: the parent's author hears of the reply (unless switched
off in the profile), the department's editors of a citizen's comment. Both mails are queued,
not sent in the request: `flask mail send-pending` delivers them within minutes.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update

from app.comments.counters import expire_loaded
from app.comments.notifications import AuthorEvent, notify_comment_author
from app.extensions import db
from app.mail.services import send_mail
from app.models import AnswerStatus, Comment, CommentStatus, OutboxMail, Role, User, user_department, utcnow

# --- the answer loop -----------------------------------------------------------------------------


def _set_answer_status(comment_id: int, condition, status: AnswerStatus | None, when: datetime | None) -> int:
    changed = db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id, condition)
        .values(answer_status=status.value if status is not None else None, answered_at=when)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        expire_loaded(Comment, comment_id, "answer_status", "answered_at")
    return changed


def answer_loop(comment: Comment, now: datetime | None = None) -> None:
    """A new public reply: an official one answers its question, a citizen's may reopen it."""
    if comment.parent_id is None:
        return
    if comment.is_official:
        _set_answer_status(comment.parent_id, Comment.answer_status != AnswerStatus.ANSWERED.value,
                           AnswerStatus.ANSWERED, now or utcnow())
    else:
        reopen_after_follow_up(comment)


def reopen_after_follow_up(reply: Comment) -> None:
    """A citizen's published reply to an answered question: the question waits for staff again.

    The department was mailed about the reply; the unanswered list is where it acts on it, and
    the next official answer marks the question answered again.
    """
    if reply.parent_id is None or reply.is_official or reply.status != CommentStatus.PUBLISHED.value:
        return
    if reply.author is not None and reply.author.is_staff:
        return
    _set_answer_status(reply.parent_id, Comment.answer_status == AnswerStatus.ANSWERED.value, AnswerStatus.OPEN, None)


def answer_withdrawn(answer: Comment) -> None:
    """After an official answer was deleted: the question waits again unless another answers it."""
    if not answer.is_official or answer.parent_id is None:
        return
    other_answer = (
        select(Comment.id)
        .where(
            Comment.parent_id == answer.parent_id,
            Comment.is_official.is_(True),
            Comment.status == CommentStatus.PUBLISHED.value,
        )
        .exists()
    )
    _set_answer_status(answer.parent_id, and_(Comment.answer_status == AnswerStatus.ANSWERED.value, ~other_answer),
                       AnswerStatus.OPEN, None)


def no_answer_needed(comment: Comment) -> bool:
    """Staff decide that an open question needs no answer; False when it no longer waits."""
    return _set_answer_status(comment.id, Comment.answer_status == AnswerStatus.OPEN.value,
                              AnswerStatus.NOT_NEEDED, utcnow()) == 1


# --- the mails -----------------------------------------------------------------------------------


def announce(comment: Comment, *, to_parent_author: bool = True, to_department: bool = True) -> OutboxMail | None:
    """Tell of a comment that became public: its parent's author (the mail is returned, queued)
    and the editors of the milestone's department."""
    mail = None
    if to_parent_author and comment.parent is not None:
        event = AuthorEvent.OFFICIAL_ANSWER if comment.is_official else AuthorEvent.REPLY
        mail = notify_comment_author(comment.parent, event, reply=comment, deliver=False)
    if to_department:
        notify_editors(comment)
    return mail


def department_editors(department_id: int) -> list[User]:
    """Active editors of the department."""
    users = db.session.scalars(
        select(User)
        .join(user_department, and_(user_department.c.user_id == User.id,
                                    user_department.c.department_id == department_id))
        .where(User.active.is_(True))
        .order_by(User.id)
    ).all()
    return [user for user in users if user.has_role(Role.EDITOR)]


def notify_editors(comment: Comment) -> int:
    """Mail the editors of the milestone's department about a new published comment; the number of mails."""
    milestone = comment.milestone
    if milestone.department_id is None or comment.is_official:
        return 0
    sent = 0
    for editor in department_editors(milestone.department_id):
        if editor.id == comment.author_id:
            continue
        send_mail(
            editor,
            _l("Neuer Kommentar zu „%(title)s“", title=milestone.title),
            "participation_new_comment",
            milestone=milestone,
            comment_id=comment.id,
            is_reply=comment.parent_id is not None,
            deliver=False,
        )
        sent += 1
    return sent
