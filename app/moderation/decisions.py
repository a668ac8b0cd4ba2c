"""Moderation decisions on comments: approve, reject, hide, restore, spam.

Every function takes the acting user and plain data, checks the permission and hands the
transition to app.comments.lifecycle (status, log entry, counters). The functions flush; the
view commits, and the author's mail is made and sent after that commit. Two moderators
deciding the same comment at once both load the same `version`; the UPDATE of the second
matches no row any more (WHERE version = :loaded), SQLAlchemy raises StaleDataError and that
moderator gets DecisionConflict with nothing saved. Several decisions at once each run in a
savepoint, so a conflict on one comment does not undo the others.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.auth.permissions import require
from app.comments import lifecycle, publication
from app.comments.notifications import AuthorEvent, notify_comment_author
from app.comments.permissions import can_moderate
from app.deferred import after_commit
from app.extensions import db
from app.mail.services import deliver_mails, holding_mails
from app.moderation.bulk import one_mail_per_author
from app.moderation import queries
from app.moderation.errors import (
    ActionNotPossible,
    DecisionConflict,
    GUEST_UNCONFIRMED,
    InvalidInput,
    NotFound,
    check_reason_length,
)
from app.models import Comment, CommentStatus, ModerationAction, ModerationDecision, OutboxMail, ReasonTemplate, User

A = ModerationAction
S = CommentStatus

SPAM_REASON = "Spam"

TARGET_STATUS = {
    A.APPROVE: S.PUBLISHED,
    A.REJECT: S.REJECTED,
    A.HIDE: S.HIDDEN,
    A.RESTORE: S.PUBLISHED,
    A.SPAM: S.SPAM,
}
ALLOWED_FROM = {
    # Approving a published comment dismisses its flags: it was reviewed and stays.
    A.APPROVE: {S.PENDING, S.HELD, S.PUBLISHED},
    A.REJECT: {S.PENDING, S.PUBLISHED, S.HELD, S.HIDDEN},
    A.HIDE: {S.PUBLISHED, S.HELD},
    A.RESTORE: {S.HELD, S.HIDDEN, S.REJECTED, S.SPAM},
    A.SPAM: {S.PENDING, S.PUBLISHED, S.HELD, S.HIDDEN},
}
# Under an open appeal a moderator may also grant it (approve) or confirm the removal (reject).
ALLOWED_ON_APPEAL = {A.APPROVE, A.REJECT}
REASON_REQUIRED = {A.REJECT, A.HIDE}
DECISIONS = tuple(TARGET_STATUS)
REMOVED = lifecycle.REMOVED


def compose_reason(template: ReasonTemplate | None, text: str | None) -> str:
    """The public reason: the template's title, the moderator's words, or both."""
    text = (text or "").strip()
    if template is not None and text:
        return f"{template.title}: {text}"
    return template.title if template is not None else text


def reason_category(reason: str, titles: list[str]) -> str | None:
    """The reason template a stored reason was written with (for statistics), if any."""
    for title in sorted(titles, key=len, reverse=True):
        if reason == title or reason.startswith(title + ":"):
            return title
    return None


def appeal_is_open(comment: Comment) -> bool:
    return queries.item_kind(comment, False) == "appeal"


def allowed_actions(comment: Comment) -> list[ModerationAction]:
    """The decisions the comment's current status allows, in the order of the buttons."""
    status = S(comment.status)
    appeal = appeal_is_open(comment)
    # A guest comment is published only after its author confirmed it by the link in the mail.
    unconfirmed = queries.awaits_guest_confirmation(comment)
    return [
        action for action in DECISIONS
        if (status in ALLOWED_FROM[action] or (appeal and action in ALLOWED_ON_APPEAL))
        and not (unconfirmed and TARGET_STATUS[action] == S.PUBLISHED)
    ]


def decide(
    moderator: User, comment_id: int, version: int | None, action: str, *,
    reason_text: str = "", template_id: int | None = None,
) -> ModerationDecision:
    """One decision on one comment; once it is committed the author is told by e-mail."""
    decision, tell = _decide(moderator, comment_id, version, action, reason_text, template_id)
    after_commit(_tell_authors, [tell])
    return decision


@dataclass
class BulkResult:
    decided: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    not_possible: list[int] = field(default_factory=list)


def decide_many(
    moderator: User, versions: dict[int, int | None], action: str, *,
    reason_text: str = "", template_id: int | None = None,
) -> BulkResult:
    """The same decision on several comments, each in a savepoint, so a conflict on one comment
    does not undo the others. The mails go out together after the commit."""
    require(can_moderate(moderator))
    _check_input(action, reason_text, template_id)
    result = BulkResult()
    tells = []
    for comment_id, version in versions.items():
        try:
            with db.session.begin_nested():
                _, tell = _decide(moderator, comment_id, version, action, reason_text, template_id)
        except DecisionConflict:
            result.conflicts.append(comment_id)
            continue
        except (ActionNotPossible, NotFound):
            result.not_possible.append(comment_id)
            continue
        result.decided.append(comment_id)
        tells.append(tell)
    after_commit(_tell_authors, tells)
    return result


def tell_author(comment: Comment, template: str, subject, **context) -> None:
    """Mail the comment's author about a moderation change once it is committed (sent at once)."""
    after_commit(_tell_authors, [lambda: [mail for mail in [notify_author(comment, template, subject, **context)]
                                          if mail is not None]])


def _tell_authors(tells: list[Callable[[], list[OutboxMail]]]) -> None:
    """Make the mails of committed decisions, one per author, and send them over one connection."""
    with holding_mails() as held:
        for tell in tells:
            tell()
    mails = one_mail_per_author(held)
    if mails:
        db.session.add_all(mails)
        db.session.commit()
        deliver_mails(mails)


def _check_input(action: str, reason_text: str, template_id: int | None) -> tuple[ModerationAction, ReasonTemplate | None, str]:
    try:
        chosen = ModerationAction(action)
    except ValueError:
        raise ActionNotPossible() from None
    if chosen not in DECISIONS:
        raise ActionNotPossible()
    template = None
    if template_id:
        template = db.session.get(ReasonTemplate, template_id)
        if template is None:
            raise InvalidInput({"template_id": _l("Diese Textvorlage gibt es nicht mehr.")})
    check_reason_length(reason_text)
    reason = compose_reason(template, reason_text)
    if chosen == A.SPAM and not reason:
        reason = SPAM_REASON
    if chosen in REASON_REQUIRED and not reason:
        raise InvalidInput({"reason": _l("Bitte wählen Sie eine Begründung aus oder schreiben Sie eine.")})
    return chosen, template, reason


def _decide(
    moderator, comment_id, version, action, reason_text, template_id,
) -> tuple[ModerationDecision, Callable[[], list[OutboxMail]]]:
    """The decision, flushed, and what makes its mails once it is committed (not yet delivered)."""
    require(can_moderate(moderator))
    chosen, template, reason = _check_input(action, reason_text, template_id)
    comment = comment_at_version(comment_id, version)
    if TARGET_STATUS[chosen] == S.PUBLISHED and queries.awaits_guest_confirmation(comment):
        raise ActionNotPossible(GUEST_UNCONFIRMED)
    if chosen not in allowed_actions(comment):
        raise ActionNotPossible()
    was_public = comment.status == S.PUBLISHED.value
    first_publication = comment.published_at is None
    target = TARGET_STATUS[chosen]
    decision = lifecycle.decide(moderator, comment, chosen, target, reason, DecisionConflict)
    if target == S.PUBLISHED and first_publication:
        # A follow-up that waited for moderation reopens its question once it is public.
        publication.answer_loop(comment)
    explanation = _explanation(template)

    def tell() -> list[OutboxMail]:
        mails: list[OutboxMail | None] = []
        if target in REMOVED and chosen != A.SPAM:
            mails.append(notify_author(
                comment, "moderation_removed", _l("Ihr Kommentar wurde von der Moderation entfernt"),
                decision=decision, explanation=explanation,
                can_appeal=comment.appealed_at is None and comment.author_id is not None))
        elif target == S.PUBLISHED and not was_public:
            mails.append(notify_author(comment, "moderation_published", _l("Ihr Kommentar ist jetzt veröffentlicht"),
                                       decision=decision))
            # As in post-moderation, where post_comment tells of the comment at once: the parent's
            # author of its first publication, the department when it comes out of the queue.
            mails.append(publication.announce(comment, to_parent_author=first_publication,
                                              to_department=decision.status_before == S.PENDING.value))
        return [mail for mail in mails if mail is not None]

    return decision, tell


def comment_at_version(comment_id: int, version: int | None) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    # The form carries the version the moderator saw: a later change is a conflict, too.
    if version is not None and comment.version != version:
        lifecycle.abandon()
        raise DecisionConflict()
    return comment


# Mails to authors -------------------------------------------------------------------------

def _explanation(template: ReasonTemplate | None) -> dict[str, str]:
    if template is None:
        return {}
    return {"de": template.text_de, "en": template.text_en or template.text_de}


def notify_author(comment: Comment, template: str, subject, **context) -> OutboxMail | None:
    """The mail to the comment's author (account or confirmed guest), not yet delivered;
    None when they switched such mails off."""
    return notify_comment_author(comment, AuthorEvent.MODERATION, template=template, subject=subject,
                                 deliver=False, **context)
