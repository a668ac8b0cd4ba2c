"""Mails to comment authors: replies, official answers and moderation decisions.

Participation calls notify_comment_author(parent, AuthorEvent.REPLY or OFFICIAL_ANSWER,
reply=reply) once a reply is public (at once, or when a moderator approves it); moderation
calls it with AuthorEvent.MODERATION and its own mail template. Each kind can be switched off
in the profile. Guests (comments without an account) gave their address for the confirmation
link only, so they hear about moderation decisions, but not about replies.

This module imports no participation or moderation code, so both may import it.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.mail.services import send_mail
from app.urls import external_url
from app.models import Comment, CommentStatus, OutboxMail, User


class AuthorEvent(StrEnum):
    REPLY = "reply"
    OFFICIAL_ANSWER = "official_answer"
    MODERATION = "moderation"


# Which profile switch (a User column) governs each event.
SWITCHES = {
    AuthorEvent.REPLY: "notify_replies",
    AuthorEvent.OFFICIAL_ANSWER: "notify_answers",
    AuthorEvent.MODERATION: "notify_moderation",
}


def wants(user: User, event: AuthorEvent | str) -> bool:
    """The account is active and has not switched this kind of mail off."""
    return user.active and bool(getattr(user, SWITCHES[AuthorEvent(event)]))


def comment_url(comment: Comment) -> str:
    """The comment's absolute permalink: it leads to the page of the thread that shows it."""
    return external_url("participation.permalink", comment_id=comment.id)


def notify_comment_author(
    comment: Comment,
    event: AuthorEvent | str,
    *,
    reply: Comment | None = None,
    template: str | None = None,
    subject=None,
    deliver: bool = True,
    **context,
) -> OutboxMail | None:
    """Tell the author of `comment` about an event; the mail, or None when nobody is told.

    REPLY and OFFICIAL_ANSWER need the published `reply` to `comment`; nobody is told about
    their own reply. MODERATION needs the moderation mail's `template` and `subject`; the
    context (decision, reason, ...) goes to the template with comment, milestone and name.
    """
    event = AuthorEvent(event)
    author = comment.author
    if author is None and event != AuthorEvent.MODERATION:
        return None
    if author is not None and not wants(author, event):
        return None
    if event == AuthorEvent.MODERATION:
        if template is None or subject is None:
            raise TypeError("a moderation mail needs its template and subject")
        return _moderation_mail(comment, template, subject, deliver, context)
    if reply is None or reply.parent_id != comment.id:
        raise TypeError("a reply to the comment is needed")
    if reply.status != CommentStatus.PUBLISHED.value or reply.author_id == comment.author_id:
        return None
    if event == AuthorEvent.OFFICIAL_ANSWER:
        subject = _l("Die Verwaltung hat auf Ihren Kommentar geantwortet")
        template = "citizens_official_answer"
    else:
        subject = _l("Neue Antwort auf Ihren Kommentar")
        template = "citizens_reply"
    # Links are built in the template, in the recipient's language.
    return send_mail(author, subject, template, deliver=deliver,
                     comment=comment, reply=reply, milestone=comment.milestone, comment_url=comment_url)


def _moderation_mail(comment: Comment, template: str, subject, deliver: bool, context: dict) -> OutboxMail | None:
    author = comment.author
    if author is not None:
        to, name, locale = author, author.display_name, author.locale
    elif comment.guest_email and comment.guest_confirmed_at is not None:
        to, name, locale = comment.guest_email, comment.guest_name or "", "de"
    else:
        return None
    return send_mail(to, subject, template, locale=locale, deliver=deliver,
                     comment=comment, milestone=comment.milestone, name=name, **context)
