"""Comments of accounts: write, reply, answer officially, edit, delete; closing a milestone's comments.

The functions flush; the view commits. A sending of the same form that lost the race for the
unique form id rolls back its own insert, the only change in its transaction.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.permissions import PermissionDenied, is_admin, require
from app.comments import counters, lifecycle, publication
from app.comments.errors import EditConflict, EditWindowOver, NotPossible
from app.comments.permissions import (
    REDACTED_TEXT,
    can_answer,
    comment_refusal,
    edit_deadline,
    may_delete,
    raise_refusal,
    reply_refusal,
    signed_in_and_active,
    standing_on,
    vote_refusal,
    was_redacted,
)
from app.comments import policy
from app.deferred import after_commit
from app.extensions import db
from app.models import AnswerStatus, Comment, CommentStatus, Milestone, ModerationAction, User, utcnow
from app.participation.services.text import checked_body
from app.sanitize import plain_text_to_html


def post_comment(user: User, milestone: Milestone, body: str, parent: Comment | None = None,
                 form_id: str | None = None) -> Comment:
    """A new comment, or a reply when `parent` is given; staff of the department answer officially.

    With the form's one-time id, the same form sent again returns the comment it stored.
    """
    standing = standing_on(user, milestone)
    raise_refusal(vote_refusal(standing))
    earlier = earlier_submission(Comment.author_id == user.id, form_id)
    if earlier is not None:
        return earlier
    if not milestone.published:
        raise NotPossible(_l("Zu diesem Etappenziel sind keine Kommentare möglich."))
    raise_refusal(comment_refusal(standing))
    if parent is not None:
        if parent.milestone_id != milestone.id:
            raise NotPossible(_l("Auf diesen Kommentar kann nicht geantwortet werden."))
        raise_refusal(reply_refusal(standing, parent))
    official = standing.can_answer
    text = checked_body(body)
    now = utcnow()
    comment = Comment(
        milestone_id=milestone.id,
        parent_id=parent.id if parent is not None else None,
        author_id=user.id,
        body=text,
        body_html=plain_text_to_html(text),
        is_official=official,
        department_id=milestone.department_id if official else None,
        # Citizens' top-level comments wait for an answer of the administration.
        answer_status=AnswerStatus.OPEN.value if parent is None and not user.is_staff else None,
        created_at=now,
        form_id=form_id,
    )
    status = lifecycle.start(comment, milestone, is_staff=user.is_staff, now=now)
    db.session.add(comment)
    stored = flush_once(comment, Comment.author_id == user.id, form_id)
    if stored is not comment:
        return stored
    publication.answer_loop(comment, now)
    lifecycle.log_hold_list_match(comment, milestone)
    counters.recount_comments(milestone.id)
    if status == CommentStatus.PUBLISHED:
        after_commit(publication.announce, comment, to_department=not user.is_staff)
    return comment


def earlier_submission(author, form_id: str | None) -> Comment | None:
    """The comment an earlier sending of the same form stored (author: a condition on Comment)."""
    if form_id is None:
        return None
    return db.session.scalar(select(Comment).where(author, Comment.form_id == form_id))


def flush_once(comment: Comment, author, form_id: str | None) -> Comment:
    """Flush the new comment; if a parallel sending of the same form got there first (the unique
    key on author and form id), roll back and return that one instead."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = earlier_submission(author, form_id)
        if earlier is None:
            raise
        return earlier
    return comment


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    """The author changes the text within the edit window; under pre-moderation it waits again."""
    if not signed_in_and_active(user) or comment.author_id != user.id:
        raise PermissionDenied()
    milestone = comment.milestone
    standing = standing_on(user, milestone)
    raise_refusal(vote_refusal(standing))
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise NotPossible(_l("Dieser Kommentar kann nicht mehr bearbeitet werden."))
    if utcnow() > edit_deadline(comment):
        raise EditWindowOver(_l(
            "Kommentare können nur in den ersten %(num)d Minuten nach dem Schreiben bearbeitet werden.",
            num=current_app.config["COMMENT_EDIT_MINUTES"],
        ))
    # An edit could put back what the moderator removed (often a third person's data).
    if was_redacted(comment):
        raise EditWindowOver(REDACTED_TEXT)
    if standing.closed_error is not None and not comment.is_official:
        raise standing.closed_error
    text = checked_body(body)
    if text == comment.body:
        return comment
    comment.body = text
    comment.body_html = plain_text_to_html(text)
    comment.edited_at = utcnow()
    lifecycle.revise(comment, policy.initial_status(milestone, text, is_staff=user.is_staff), EditConflict)
    return comment


def delete_comment(user: User, comment: Comment) -> None:
    """The author deletes the comment: the text is removed, a line stays so replies read on."""
    if not may_delete(user, comment):
        if signed_in_and_active(user) and comment.author_id == user.id:
            raise NotPossible(_l("Dieser Kommentar kann nicht mehr gelöscht werden."))
        raise PermissionDenied()
    lifecycle.withdraw(comment, EditConflict)
    publication.answer_withdrawn(comment)


def mark_no_answer_needed(user: User, comment: Comment) -> None:
    """Staff of the department decide that a comment needs no answer."""
    require(can_answer(user, comment.milestone))
    if comment.parent_id is not None or comment.answer_status != AnswerStatus.OPEN.value:
        raise NotPossible(_l("Dieser Kommentar wartet nicht auf eine Antwort."))
    if publication.no_answer_needed(comment):
        lifecycle.log_decision(comment, ModerationAction.NO_ANSWER_NEEDED, actor=user,
                               before=comment.status, after=comment.status)


def set_comments_closed(user: User, milestone: Milestone, closed: bool) -> None:
    """Admins close or reopen the comments of one milestone."""
    require(is_admin(user) and user.active)
    before = audit.snapshot(milestone, ["comments_closed"])
    milestone.comments_closed = bool(closed)
    audit.record(user, audit.AuditAction.UPDATE, "milestone", milestone.id, milestone.title,
                 before=before, after=audit.snapshot(milestone, ["comments_closed"]))
    db.session.flush()
