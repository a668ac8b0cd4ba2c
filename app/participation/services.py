"""Participation rules: comments, official answers, support votes, ratings and flags.

Every function takes the acting user and plain data, checks who may do what, changes the
database and commits. A refusal raises a ParticipationError (its str() is the message for
the person) or PermissionDenied (a 403). Counters are kept exact with app.participation.counters
in the same transaction as the rows they count.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.auth.permissions import PermissionDenied, can_edit_milestone, is_admin, require
from app.auth.services import find_user_by_email
from app.auth.tokens import consume_token, find_usable_token, issue_token
from app.citizens.notifications import AuthorEvent, notify_comment_author
from app.citizens.names import IMPERSONATION_TEXT, impersonates_staff, visible_text
from app.citizens.services import address_block
from app.deferred import after_response
from app.extensions import db
from app.i18n import current_language
from app.mail.services import send_mail
from app.models import (
    AnswerStatus,
    BlockedAddress,
    Comment,
    CommentRating,
    CommentStatus,
    Flag,
    FlagReason,
    Milestone,
    ModerationAction,
    ModerationDecision,
    Role,
    SupportVote,
    User,
    UserBlock,
    user_department,
    utcnow,
)
from app.moderation import policy
from app.participation import counters
from app.sanitize import plain_text_to_html
from app.settings import get_setting

GUEST_COMMENT_TOKEN = "guest_comment"
SYSTEM_LABEL = "System"
FLAG_TEXT_MAX = 1000
GUEST_NAME_MAX = 100

# C0 control characters except tab and line feed, DEL, and carriage returns (normalised first).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ParticipationError(Exception):
    """A participation rule refused the request; str() is the message for the person."""

    message = _l("Das ist gerade nicht möglich.")

    def __init__(self, message=None) -> None:
        super().__init__(str(message or self.message))


class NotConfirmed(ParticipationError):
    message = _l(
        "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse über den Link, den wir Ihnen geschickt haben. "
        "Danach können Sie kommentieren, unterstützen, bewerten und melden."
    )


class AuthorBlocked(ParticipationError):
    message = _l(
        "Ihr Konto ist zurzeit für Beiträge gesperrt. Sie können keine Kommentare schreiben, "
        "nicht unterstützen, nicht bewerten und nicht melden."
    )


class CommentsClosed(ParticipationError):
    message = _l("Für dieses Etappenziel sind keine neuen Kommentare mehr möglich.")


class CommentsPaused(ParticipationError):
    message = _l("Kommentare sind auf dieser Website zurzeit nicht möglich.")


class InvalidText(ParticipationError):
    message = _l("Bitte schreiben Sie einen Text.")


class NotPossible(ParticipationError):
    """The comment is not in a state that allows this (e.g. a reply to a reply)."""


class EditWindowOver(ParticipationError):
    """The author's time to edit the comment has passed."""


class EditConflict(ParticipationError):
    message = _l("Der Kommentar wurde inzwischen geändert. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.")


class AlreadyFlagged(ParticipationError):
    message = _l("Sie haben diesen Kommentar bereits gemeldet. Die Moderation prüft ihn.")


class InvalidLink(ParticipationError):
    message = _l("Dieser Link ist ungültig, abgelaufen oder wurde bereits benutzt.")


# --- who may take part ------------------------------------------------------------------


def is_signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.active


def check_participant(user: User | None) -> None:
    """Signed in, e-mail confirmed (staff accounts are vouched for) and not blocked."""
    if not is_signed_in(user):
        raise PermissionDenied()
    if user.email_confirmed_at is None and not user.is_staff:
        raise NotConfirmed()
    block = policy.active_block(user)
    if block is not None:
        if block.until is not None:
            raise AuthorBlocked(_l(
                "Ihr Konto ist bis %(date)s für Beiträge gesperrt. Bis dahin können Sie nicht "
                "kommentieren, unterstützen, bewerten oder melden.",
                date=format_datetime(block.until, "medium"),
            ))
        raise AuthorBlocked()


def comments_closed_reason(milestone: Milestone) -> ParticipationError | None:
    """Why no new comment can be written on this milestone, or None when it can."""
    if not get_setting("comments_open"):
        return CommentsPaused()
    if milestone.comments_closed:
        return CommentsClosed()
    return None


def can_answer(user: User | None, milestone: Milestone) -> bool:
    """Editors of the milestone's department and admins write official answers."""
    return is_signed_in(user) and can_edit_milestone(user, milestone)


def is_staff_content(comment: Comment) -> bool:
    """Official answers and comments of staff accounts: flags never hide them automatically."""
    return comment.is_official or (comment.author is not None and comment.author.is_staff)


REDACTED_TEXT = _l(
    "Dieser Kommentar kann nicht mehr bearbeitet werden, weil die Moderation darin Angaben entfernt hat."
)


def edit_deadline(comment: Comment):
    return comment.created_at + timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def can_edit(user: User | None, comment: Comment) -> bool:
    """The author, within the edit window, while the comment is published or waiting and no
    moderator has redacted it."""
    return (
        is_signed_in(user)
        and comment.author_id == user.id
        and comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
        and utcnow() <= edit_deadline(comment)
        # Last: one query, asked only about the viewer's own comments within the window.
        and not was_redacted(comment)
    )


def was_redacted(comment: Comment) -> bool:
    """A moderator cut passages out of the comment (the moderation log has a redaction)."""
    return db.session.scalar(
        select(ModerationDecision.id)
        .where(ModerationDecision.comment_id == comment.id, ModerationDecision.action == ModerationAction.REDACT.value)
        .limit(1)
    ) is not None


def can_delete(user: User | None, comment: Comment) -> bool:
    return (
        is_signed_in(user)
        and comment.author_id == user.id
        and comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
    )


# --- text ---------------------------------------------------------------------------------


def clean_text(text: str | None) -> str:
    """Line breaks normalised, control characters and unpaired surrogates removed, trimmed."""
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARACTERS.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def checked_body(text: str | None) -> str:
    body = clean_text(text)
    # Only zero-width or other invisible characters would show as an empty comment.
    if not visible_text(body).strip():
        raise InvalidText()
    maximum = current_app.config["COMMENT_MAX_LENGTH"]
    if len(body) > maximum:
        raise InvalidText(_l(
            "Der Text ist %(length)d Zeichen lang; erlaubt sind höchstens %(max)d. Bitte kürzen Sie ihn.",
            length=len(body), max=maximum,
        ))
    return body


# --- comments -----------------------------------------------------------------------------


def post_comment(user: User, milestone: Milestone, body: str, parent: Comment | None = None,
                 form_id: str | None = None) -> Comment:
    """A new comment, or a reply when `parent` is given; staff of the department answer officially.

    With the form's one-time id, the same form sent again returns the comment it stored.
    """
    check_participant(user)
    earlier = _earlier_submission(Comment.author_id == user.id, form_id)
    if earlier is not None:
        return earlier
    if not milestone.published:
        raise NotPossible(_l("Zu diesem Etappenziel sind keine Kommentare möglich."))
    official = can_answer(user, milestone)
    # Official answers stay possible when comments are closed: open questions still get answers.
    closed = comments_closed_reason(milestone)
    if closed is not None and not official:
        raise closed
    if parent is not None and (
        parent.milestone_id != milestone.id
        or parent.parent_id is not None
        or parent.status != CommentStatus.PUBLISHED
    ):
        raise NotPossible(_l("Auf diesen Kommentar kann nicht geantwortet werden."))
    text = checked_body(body)
    status = policy.initial_status(milestone, text, is_staff=user.is_staff)
    now = utcnow()
    comment = Comment(
        milestone_id=milestone.id,
        parent_id=parent.id if parent is not None else None,
        author_id=user.id,
        body=text,
        body_html=plain_text_to_html(text),
        status=status.value,
        is_official=official,
        department_id=milestone.department_id if official else None,
        # Citizens' top-level comments wait for an answer of the administration.
        answer_status=AnswerStatus.OPEN.value if parent is None and not user.is_staff else None,
        published_at=now if status == CommentStatus.PUBLISHED else None,
        created_at=now,
        form_id=form_id,
    )
    db.session.add(comment)
    stored = _flush_once(comment, Comment.author_id == user.id, form_id)
    if stored is not comment:
        return stored
    if official and parent is not None:
        _mark_answered(parent.id, now)
    reopen_after_follow_up(comment)
    if status == CommentStatus.PENDING and policy.moderation_mode(milestone) != "pre":
        _log_system(comment, ModerationAction.HOLD, CommentStatus.PENDING, None,
                    "Treffer der Prüfliste")
    counters.recount_comments(milestone.id)
    db.session.commit()
    if status == CommentStatus.PUBLISHED:
        if parent is not None:
            # The author of the comment hears of the reply (unless switched off in the profile).
            event = AuthorEvent.OFFICIAL_ANSWER if official else AuthorEvent.REPLY
            # Queued, not sent in the request: `flask mail send-pending` (every few minutes)
            # delivers it, so a comment costs one commit and never waits for the mail server.
            notify_comment_author(parent, event, reply=comment, deliver=False)
        if not user.is_staff:
            notify_editors(comment)
    return comment


def _earlier_submission(author, form_id: str | None) -> Comment | None:
    """The comment an earlier sending of the same form stored (author: a condition on Comment)."""
    if form_id is None:
        return None
    return db.session.scalar(select(Comment).where(author, Comment.form_id == form_id))


def _flush_once(comment: Comment, author, form_id: str | None) -> Comment:
    """Flush the new comment; if a parallel sending of the same form got there first (the unique
    key on author and form id), roll back and return that one instead."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = _earlier_submission(author, form_id)
        if earlier is None:
            raise
        return earlier
    return comment


def _mark_answered(comment_id: int, when) -> None:
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.answer_status != AnswerStatus.ANSWERED.value)
        .values(answer_status=AnswerStatus.ANSWERED.value, answered_at=when)
        .execution_options(synchronize_session=False)
    )


def reopen_after_follow_up(reply: Comment) -> None:
    """A citizen's published reply to an answered question: the question waits for staff again.

    The department was mailed about the reply; the unanswered list is where it acts on it, and
    the next official answer marks the question answered again.
    """
    if reply.parent_id is None or reply.is_official or reply.status != CommentStatus.PUBLISHED.value:
        return
    if reply.author is not None and reply.author.is_staff:
        return
    db.session.execute(
        update(Comment)
        .where(Comment.id == reply.parent_id, Comment.answer_status == AnswerStatus.ANSWERED.value)
        .values(answer_status=AnswerStatus.OPEN.value, answered_at=None)
        .execution_options(synchronize_session=False)
    )


def _reopen_if_unanswered(parent_id: int) -> None:
    """After an official answer was deleted: the question waits again unless another answers it."""
    other_answer = (
        select(Comment.id)
        .where(
            Comment.parent_id == parent_id,
            Comment.is_official.is_(True),
            Comment.status == CommentStatus.PUBLISHED.value,
        )
        .exists()
    )
    db.session.execute(
        update(Comment)
        .where(Comment.id == parent_id, Comment.answer_status == AnswerStatus.ANSWERED.value, ~other_answer)
        .values(answer_status=AnswerStatus.OPEN.value, answered_at=None)
        .execution_options(synchronize_session=False)
    )


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    """The author changes the text within the edit window; under pre-moderation it waits again."""
    if not is_signed_in(user) or comment.author_id != user.id:
        raise PermissionDenied()
    check_participant(user)
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise NotPossible(_l("Dieser Kommentar kann nicht mehr bearbeitet werden."))
    minutes = current_app.config["COMMENT_EDIT_MINUTES"]
    if utcnow() > edit_deadline(comment):
        raise EditWindowOver(_l(
            "Kommentare können nur in den ersten %(num)d Minuten nach dem Schreiben bearbeitet werden.",
            num=minutes,
        ))
    # An edit could put back what the moderator removed (often a third person's data).
    if was_redacted(comment):
        raise EditWindowOver(REDACTED_TEXT)
    milestone = comment.milestone
    closed = comments_closed_reason(milestone)
    if closed is not None and not comment.is_official:
        raise closed
    text = checked_body(body)
    if text == comment.body:
        return comment
    new_status = policy.initial_status(milestone, text, is_staff=user.is_staff)
    comment.body = text
    comment.body_html = plain_text_to_html(text)
    comment.edited_at = utcnow()
    if comment.status == CommentStatus.PUBLISHED and new_status == CommentStatus.PENDING:
        comment.status = CommentStatus.PENDING.value
        _log_system(comment, ModerationAction.HOLD, CommentStatus.PENDING, CommentStatus.PUBLISHED,
                    "Nach Bearbeitung erneut zu prüfen")
    _flush_or_conflict()
    counters.recount_comments(milestone.id)
    db.session.commit()
    return comment


def delete_comment(user: User, comment: Comment) -> None:
    """The author deletes the comment: the text is removed, a line stays so replies read on."""
    if not can_delete(user, comment):
        if is_signed_in(user) and comment.author_id == user.id:
            raise NotPossible(_l("Dieser Kommentar kann nicht mehr gelöscht werden."))
        raise PermissionDenied()
    was_open = comment.answer_status == AnswerStatus.OPEN.value
    comment.status = CommentStatus.DELETED.value
    comment.body = ""
    comment.body_html = ""
    if was_open:
        comment.answer_status = None
    _flush_or_conflict()
    if comment.is_official and comment.parent_id is not None:
        _reopen_if_unanswered(comment.parent_id)
    counters.recount_comments(comment.milestone_id)
    db.session.commit()


def _flush_or_conflict() -> None:
    """Write the ORM changes; a moderator who changed the comment meanwhile wins."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict() from None


def _log_system(comment: Comment, action: ModerationAction, after: CommentStatus,
                before: CommentStatus | None, reason: str) -> None:
    db.session.add(ModerationDecision(
        comment_id=comment.id,
        subject_user_id=comment.author_id,
        moderator_label=SYSTEM_LABEL,
        action=action.value,
        reason=reason,
        status_before=before.value if before is not None else None,
        status_after=after.value,
    ))


def mark_no_answer_needed(user: User, comment: Comment) -> None:
    """Staff of the department decide that a comment needs no answer."""
    require(can_answer(user, comment.milestone))
    if comment.parent_id is not None or comment.answer_status != AnswerStatus.OPEN.value:
        raise NotPossible(_l("Dieser Kommentar wartet nicht auf eine Antwort."))
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.answer_status == AnswerStatus.OPEN.value)
        .values(answer_status=AnswerStatus.NOT_NEEDED.value, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.add(ModerationDecision(
            comment_id=comment.id,
            subject_user_id=comment.author_id,
            moderator_id=user.id,
            moderator_label=audit.actor_label(user),
            action=ModerationAction.NO_ANSWER_NEEDED.value,
            status_before=comment.status,
            status_after=comment.status,
        ))
    db.session.commit()


def set_comments_closed(user: User, milestone: Milestone, closed: bool) -> None:
    """Admins close or reopen the comments of one milestone."""
    require(is_admin(user) and user.active)
    before = audit.snapshot(milestone, ["comments_closed"])
    milestone.comments_closed = bool(closed)
    audit.record(user, audit.AuditAction.UPDATE, "milestone", milestone.id, milestone.title,
                 before=before, after=audit.snapshot(milestone, ["comments_closed"]))
    db.session.commit()


# --- guest comments ---------------------------------------------------------------------------


def guest_address_block(address: str) -> UserBlock | BlockedAddress | None:
    """The running block behind a guest's address: of the account with this address, or of a
    deleted account (kept as a hash until the block ends). A blocked author must not get
    round the block by signing out and writing as a guest."""
    account = find_user_by_email(address)
    block = policy.active_block(account) if account is not None else None
    return block if block is not None else address_block(address)


def post_guest_comment(milestone: Milestone, name: str, email: str, body: str,
                       form_id: str | None = None) -> None:
    """A comment without an account: confirmed by a link in a mail, then always pre-moderated.

    The input is checked at once; the comment is stored after the answer. A blocked address
    gets the same answer as any guest, and only the owner of the address learns from a mail
    that the comment was not taken.
    """
    if not get_setting("guest_comments") or not milestone.published:
        raise NotPossible(_l("Kommentare ohne Konto sind nicht möglich."))
    closed = comments_closed_reason(milestone)
    if closed is not None:
        raise closed
    name = " ".join(visible_text(name).split())
    if not name or len(name) > GUEST_NAME_MAX:
        raise InvalidText(_l("Bitte geben Sie einen Namen mit höchstens %(max)d Zeichen an.", max=GUEST_NAME_MAX))
    if impersonates_staff(name):
        raise InvalidText(IMPERSONATION_TEXT)
    try:
        address = validate_email(clean_text(email), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidText(_l("Bitte geben Sie eine gültige E-Mail-Adresse an.")) from None
    text = checked_body(body)
    # The block look-up, the comment and the mail come after the answer: its timing must not
    # tell whether the address is blocked.
    after_response(_store_guest_comment, milestone.id, name, address, text, current_language(), form_id)


def _store_guest_comment(milestone_id: int, name: str, address: str, text: str, locale: str,
                         form_id: str | None = None) -> Comment | None:
    """The comment of post_guest_comment() and its confirmation mail; None for a blocked address.

    The same form sent again stores nothing and sends no second mail.
    """
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        return None
    if _earlier_submission(Comment.guest_email == address, form_id) is not None:
        return None
    block = guest_address_block(address)
    if block is not None:
        send_mail(address, _l("Ihr Kommentar wurde nicht angenommen"), "participation_guest_blocked",
                  locale=locale, milestone=milestone, until=block.until)
        return None
    status = policy.initial_status(milestone, text, is_guest=True)
    comment = Comment(
        milestone_id=milestone.id,
        guest_name=name,
        guest_email=address,
        body=text,
        body_html=plain_text_to_html(text),
        status=status.value,
        answer_status=AnswerStatus.OPEN.value,
        form_id=form_id,
    )
    db.session.add(comment)
    if _flush_once(comment, Comment.guest_email == address, form_id) is not comment:
        return None
    hours = current_app.config["GUEST_COMMENT_CONFIRM_HOURS"]
    raw = issue_token(GUEST_COMMENT_TOKEN, timedelta(hours=hours), payload={"comment_id": comment.id})
    counters.recount_comments(milestone.id)
    db.session.commit()
    send_mail(
        address,
        _l("Bitte bestätigen Sie Ihren Kommentar"),
        "participation_guest_confirm",
        locale=locale,
        milestone=milestone,
        guest_name=name,
        token=raw,
        hours=hours,
    )
    return comment


def purge_unconfirmed_guest_comments(now: datetime | None = None) -> int:
    """Delete guest comments whose confirmation link expired unused (name, address and text go
    with them; nobody but their writer ever saw them); commits. The number deleted."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["GUEST_COMMENT_CONFIRM_HOURS"])
    count = db.session.execute(
        delete(Comment)
        .where(Comment.guest_email.is_not(None), Comment.guest_confirmed_at.is_(None),
               Comment.status == CommentStatus.PENDING.value, Comment.created_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    db.session.commit()
    return count


def guest_link_usable(raw_token: str) -> bool:
    """The confirmation link is known, unused and not expired (reads only)."""
    return find_usable_token(raw_token, GUEST_COMMENT_TOKEN) is not None


def confirm_guest_comment(raw_token: str) -> Comment:
    """Use the mailed link once: the comment goes to the moderation queue."""
    token = consume_token(raw_token, GUEST_COMMENT_TOKEN)
    comment_id = (token.payload or {}).get("comment_id") if token is not None else None
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None:
        db.session.rollback()
        raise InvalidLink()
    comment.guest_confirmed_at = utcnow()
    db.session.commit()
    return comment


# --- support votes ------------------------------------------------------------------------------

# Votes are idempotent, so a transaction that lost a lock race is simply run again.
LOCK_RETRIES = 3
# PostgreSQL: deadlock detected, serialization failure.
_RETRY_SQLSTATES = frozenset({"40P01", "40001"})


def _lost_lock_race(error: OperationalError) -> bool:
    """SQLite waited longer than its busy timeout, or PostgreSQL broke a deadlock."""
    original = error.orig
    return "database is locked" in str(original) or getattr(original, "sqlstate", None) in _RETRY_SQLSTATES


def _with_lock_retries(operation):
    """Run a vote transaction; after a lost lock race roll back and run it again."""
    attempts = 0
    while True:
        try:
            return operation()
        except OperationalError as error:
            db.session.rollback()
            attempts += 1
            if attempts > LOCK_RETRIES or not _lost_lock_race(error):
                raise


def support(user: User, milestone: Milestone) -> bool:
    """"Ist mir wichtig": True when the vote was added, False when it already existed.

    The unique constraint decides between parallel requests; the loser rolls back cleanly.
    """
    check_participant(user)
    if not milestone.published:
        raise NotPossible(_l("Dieses Etappenziel kann nicht unterstützt werden."))
    milestone_id, user_id = milestone.id, user.id

    def vote() -> bool:
        try:
            db.session.add(SupportVote(milestone_id=milestone_id, user_id=user_id))
            db.session.flush()
            counters.add_support(milestone_id, +1)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return False
        return True

    return _with_lock_retries(vote)


def withdraw_support(user: User, milestone: Milestone) -> bool:
    """Take the vote back; True when there was one. Blocked accounts may withdraw too."""
    if not is_signed_in(user):
        raise PermissionDenied()
    milestone_id, user_id = milestone.id, user.id

    def withdraw() -> bool:
        result = db.session.execute(
            delete(SupportVote)
            .where(SupportVote.milestone_id == milestone_id, SupportVote.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
        removed = result.rowcount == 1
        if removed:
            counters.add_support(milestone_id, -1)
        db.session.commit()
        return removed

    return _with_lock_retries(withdraw)


def has_supported(user: User | None, milestone: Milestone) -> bool:
    if not is_signed_in(user):
        return False
    return db.session.scalar(
        select(SupportVote.id).where(SupportVote.milestone_id == milestone.id, SupportVote.user_id == user.id)
    ) is not None


# --- helpful ratings ----------------------------------------------------------------------------

RATING_VALUES = {"helpful": True, "unhelpful": False, "none": None}


def rate_comment(user: User, comment: Comment, helpful: bool | None) -> None:
    """Rate a comment helpful (True) or not (False), change the rating, or take it back (None)."""
    check_participant(user)
    if comment.status != CommentStatus.PUBLISHED:
        raise NotPossible(_l("Dieser Kommentar kann nicht bewertet werden."))
    if comment.author_id == user.id:
        raise NotPossible(_l("Eigene Kommentare können Sie nicht bewerten."))
    _with_lock_retries(lambda: _rate(comment.id, user.id, helpful))


def _rate(comment_id: int, user_id: int, helpful: bool | None) -> None:
    if helpful is None:
        for value in (True, False):
            _remove_rating(comment_id, user_id, value)
        db.session.commit()
        return
    try:
        db.session.add(CommentRating(comment_id=comment_id, user_id=user_id, helpful=helpful))
        db.session.flush()
        counters.add_ratings(comment_id, helpful=int(helpful), unhelpful=int(not helpful))
        db.session.commit()
        return
    except IntegrityError:
        db.session.rollback()
    # A rating exists: switch it if it says the opposite (conditional, so it counts once).
    result = db.session.execute(
        update(CommentRating)
        .where(CommentRating.comment_id == comment_id, CommentRating.user_id == user_id,
               CommentRating.helpful.is_(not helpful))
        .values(helpful=helpful)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        step = 1 if helpful else -1
        counters.add_ratings(comment_id, helpful=step, unhelpful=-step)
    db.session.commit()


def _remove_rating(comment_id: int, user_id: int, value: bool) -> None:
    result = db.session.execute(
        delete(CommentRating)
        .where(CommentRating.comment_id == comment_id, CommentRating.user_id == user_id,
               CommentRating.helpful.is_(value))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        counters.add_ratings(comment_id, helpful=-int(value), unhelpful=-int(not value))


# --- flags ---------------------------------------------------------------------------------------


def flag_comment(user: User, comment: Comment, reason: str, text: str = "") -> bool:
    """Report a comment; returns True when the flags reached the threshold and hid it.

    Flags come from distinct accounts (unique per account and comment). Staff content is
    flagged like any other but never hidden automatically.
    """
    check_participant(user)
    if comment.status != CommentStatus.PUBLISHED:
        raise NotPossible(_l("Dieser Kommentar kann nicht gemeldet werden."))
    if comment.author_id == user.id:
        raise NotPossible(_l("Eigene Kommentare können Sie nicht melden."))
    try:
        reason_value = FlagReason(reason).value
    except ValueError:
        raise InvalidText(_l("Bitte wählen Sie einen Grund.")) from None
    description = clean_text(text)
    if len(description) > FLAG_TEXT_MAX:
        raise InvalidText(_l("Die Beschreibung darf höchstens %(max)d Zeichen lang sein.", max=FLAG_TEXT_MAX))
    if reason_value == FlagReason.OTHER.value and not description:
        raise InvalidText(_l("Bitte beschreiben Sie kurz, was an dem Kommentar nicht in Ordnung ist."))
    staff_content = is_staff_content(comment)
    comment_id, milestone_id, author_id = comment.id, comment.milestone_id, comment.author_id
    try:
        db.session.add(Flag(comment_id=comment_id, user_id=user.id, reason=reason_value, text=description))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyFlagged() from None
    # The UPDATE locks the comment row until commit, so parallel flags count one after the other.
    counters.add_flag(comment_id)
    hidden = False if staff_content else _auto_hide(comment_id, milestone_id, author_id)
    db.session.commit()
    return hidden


def _auto_hide(comment_id: int, milestone_id: int, author_id: int | None) -> bool:
    threshold = policy.auto_hide_threshold()
    open_flags = db.session.scalar(
        select(func.count(Flag.id)).where(Flag.comment_id == comment_id, Flag.resolved_at.is_(None))
    )
    if threshold < 1 or open_flags < threshold:
        return False
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.status == CommentStatus.PUBLISHED.value)
        .values(status=CommentStatus.HELD.value, decided_at=utcnow(), version=Comment.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.add(ModerationDecision(
        comment_id=comment_id,
        subject_user_id=author_id,
        moderator_label=SYSTEM_LABEL,
        action=ModerationAction.AUTO_HIDE.value,
        reason=f"{open_flags} Meldungen (Schwelle {threshold})",
        status_before=CommentStatus.PUBLISHED.value,
        status_after=CommentStatus.HELD.value,
    ))
    counters.recount_comments(milestone_id)
    return True


# --- mail to the department ---------------------------------------------------------------------


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
    """Mail the editors of the milestone's department about a new published comment.

    The moderation backend calls this too, when it approves a comment that waited.
    Returns the number of mails. They are queued in the outbox, not sent in the request:
    `flask mail send-pending` delivers them within minutes.
    """
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
