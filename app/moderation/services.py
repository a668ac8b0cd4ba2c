"""Moderation decisions: approve, reject, hide, restore, spam, redact, block, appeal.

Every function takes the acting user and plain data, checks the permission, writes the
append-only ModerationDecision and keeps Milestone.comment_count exact. Each decision is
its own transaction, so these functions commit (and then mail the author): optimistic
locking needs control of the transaction. Two moderators deciding the same comment at
once both load the same `version`; the UPDATE of the second matches no row any more
(WHERE version = :loaded), SQLAlchemy raises StaleDataError and that moderator gets
DecisionConflict with nothing saved.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.auth.permissions import require
from app.citizens.notifications import AuthorEvent, notify_comment_author
from app.extensions import db
from app.mail.services import deliver_mails, send_mail
from app.moderation import queries
from app.moderation.policy import can_moderate
from app.participation import services as participation
from app.participation.counters import recount_comments
from app.models import (
    Comment,
    CommentStatus,
    Flag,
    ModerationAction,
    ModerationDecision,
    OutboxMail,
    ReasonTemplate,
    User,
    UserBlock,
    utcnow,
)
from app.sanitize import plain_text_to_html

A = ModerationAction
S = CommentStatus

# Shown in the public text where a moderator cut out a passage (German, like all content).
REDACTION_MARK = "[entfernt]"
DEFAULT_REDACTION_REASON = "Personenbezogene Daten entfernt"
BLOCKED_REASON = "Das Konto wurde gesperrt."
SPAM_REASON = "Spam"
MAX_REASON_LENGTH = 2000

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
REMOVED = {S(s) for s in queries.REMOVED_STATUSES}
BLOCK_PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365, "forever": None}


class ModerationError(Exception):
    """A moderation rule refused the request; str() is the message for the moderator."""

    message = _l("Die Aktion konnte nicht ausgeführt werden.")

    def __init__(self, message=None) -> None:
        super().__init__(str(message or self.message))


class DecisionConflict(ModerationError):
    message = _l(
        "Jemand anderes aus der Moderation hat diesen Kommentar inzwischen bearbeitet. Ihre "
        "Entscheidung wurde nicht gespeichert. Bitte prüfen Sie den aktuellen Stand und "
        "entscheiden Sie dann erneut."
    )


class ActionNotPossible(ModerationError):
    message = _l("Diese Aktion ist beim aktuellen Stand des Kommentars nicht möglich.")


GUEST_UNCONFIRMED = _l(
    "Dieser Gastkommentar ist noch nicht bestätigt: Die Person hat den Link in der E-Mail nicht "
    "geöffnet. Er kann deshalb nicht veröffentlicht werden."
)


class NotFound(ModerationError):
    message = _l("Diesen Eintrag gibt es nicht (mehr).")


class InvalidInput(ModerationError):
    """Form input a rule refused: errors maps a form field name to its message."""

    def __init__(self, errors: dict[str, object]) -> None:
        self.errors = errors
        super().__init__(" ".join(str(m) for m in errors.values()))


# Decisions on comments -------------------------------------------------------------------

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
    """One decision on one comment, committed, then the author is told by e-mail."""
    decision, mails = _decide(moderator, comment_id, version, action, reason_text, template_id)
    if mails:
        deliver_mails(mails)
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
    """The same decision on several comments; each is committed on its own, so a conflict
    on one comment does not undo the others. The mails go out together at the end."""
    require(can_moderate(moderator))
    _check_input(action, reason_text, template_id)
    result = BulkResult()
    mails: list[OutboxMail] = []
    for comment_id, version in versions.items():
        try:
            _, comment_mails = _decide(moderator, comment_id, version, action, reason_text, template_id)
        except DecisionConflict:
            result.conflicts.append(comment_id)
            continue
        except (ActionNotPossible, NotFound):
            db.session.rollback()
            result.not_possible.append(comment_id)
            continue
        result.decided.append(comment_id)
        mails.extend(comment_mails)
    if mails:
        deliver_mails(mails)
    return result


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
    if len(reason_text or "") > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.", max=MAX_REASON_LENGTH)})
    reason = compose_reason(template, reason_text)
    if chosen == A.SPAM and not reason:
        reason = SPAM_REASON
    if chosen in REASON_REQUIRED and not reason:
        raise InvalidInput({"reason": _l("Bitte wählen Sie eine Begründung aus oder schreiben Sie eine.")})
    return chosen, template, reason


def _decide(
    moderator, comment_id, version, action, reason_text, template_id,
) -> tuple[ModerationDecision, list[OutboxMail]]:
    """The decision, committed, and the mails it causes, not yet delivered."""
    require(can_moderate(moderator))
    chosen, template, reason = _check_input(action, reason_text, template_id)
    comment = _comment(comment_id, version)
    if TARGET_STATUS[chosen] == S.PUBLISHED and queries.awaits_guest_confirmation(comment):
        raise ActionNotPossible(GUEST_UNCONFIRMED)
    if chosen not in allowed_actions(comment):
        raise ActionNotPossible()
    was_public = comment.status == S.PUBLISHED.value
    first_publication = comment.published_at is None
    target = TARGET_STATUS[chosen]
    decision = _apply(moderator, comment, chosen, target, reason)
    if target == S.PUBLISHED and first_publication:
        # A follow-up that waited for moderation reopens its question once it is public.
        participation.reopen_after_follow_up(comment)
    db.session.commit()
    mails: list[OutboxMail | None] = []
    if target in REMOVED and chosen != A.SPAM:
        mails.append(_notify_author(
            comment, "moderation_removed", _l("Ihr Kommentar wurde von der Moderation entfernt"),
            decision=decision, explanation=_explanation(template),
            can_appeal=comment.appealed_at is None and comment.author_id is not None))
    elif target == S.PUBLISHED and not was_public:
        mails.append(_notify_author(comment, "moderation_published", _l("Ihr Kommentar ist jetzt veröffentlicht"),
                                    decision=decision))
        if first_publication and comment.parent is not None:
            # As in post-moderation, where post_comment tells the parent's author at once.
            event = AuthorEvent.OFFICIAL_ANSWER if comment.is_official else AuthorEvent.REPLY
            mails.append(notify_comment_author(comment.parent, event, reply=comment, deliver=False))
        if decision.status_before == S.PENDING.value:
            # The department hears of a comment when it becomes public, as in post-moderation.
            participation.notify_editors(comment)
    return decision, [mail for mail in mails if mail is not None]


def _comment(comment_id: int, version: int | None) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    # The form carries the version the moderator saw: a later change is a conflict, too.
    if version is not None and comment.version != version:
        db.session.rollback()
        raise DecisionConflict()
    return comment


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise DecisionConflict() from None


def _apply(moderator: User, comment: Comment, action: ModerationAction, target: CommentStatus, reason: str) -> ModerationDecision:
    now = utcnow()
    before = comment.status
    comment.status = target.value
    comment.decided_at = now
    if target == S.PUBLISHED:
        comment.moderation_reason = ""
        comment.published_at = comment.published_at or now
    elif target in REMOVED:
        comment.moderation_reason = reason
    _flush_or_conflict()
    # Every open flag is answered by this decision.
    db.session.execute(
        update(Flag).where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None)).values(resolved_at=now)
    )
    decision = _log(moderator, comment, action, reason, before, target.value)
    recount_comments(comment.milestone_id)
    db.session.flush()
    return decision


def _log(actor: User | None, comment: Comment | None, action: ModerationAction, reason: str = "",
         before: str | None = None, after: str | None = None, *, subject_id: int | None = None,
         original_body: str | None = None, by_author: bool = False) -> ModerationDecision:
    """Append a decision to the log. by_author: the actor is the comment's author (an appeal),
    recorded by pseudonym only, so the log's moderator column holds moderators alone."""
    decision = ModerationDecision(
        comment_id=comment.id if comment is not None else None,
        subject_user_id=subject_id if subject_id is not None else (comment.author_id if comment else None),
        moderator_id=actor.id if actor is not None and not by_author else None,
        moderator_label=audit.actor_label(actor),
        action=action.value,
        reason=reason,
        status_before=before,
        status_after=after,
        original_body=original_body,
    )
    db.session.add(decision)
    return decision


# Redaction --------------------------------------------------------------------------------

def redact(moderator: User, comment_id: int, version: int | None, passages: list[str], reason_text: str = "") -> ModerationDecision:
    """Cut the given passages out of the comment; the original stays in the moderation log."""
    require(can_moderate(moderator))
    comment = _comment(comment_id, version)
    wanted = sorted({p.strip() for p in passages if p.strip()}, key=len, reverse=True)
    if not wanted:
        raise InvalidInput({"passages": _l("Bitte geben Sie mindestens eine Textstelle an, die entfernt werden soll.")})
    missing = [p for p in wanted if p not in comment.body]
    if missing:
        raise InvalidInput({"passages": _l(
            "Diese Textstelle kommt im Kommentar nicht genau so vor: „%(passage)s“", passage=missing[0][:200])})
    if len(reason_text or "") > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.", max=MAX_REASON_LENGTH)})
    original = comment.body
    body = original
    for passage in wanted:
        body = body.replace(passage, REDACTION_MARK)
    comment.body = body
    comment.body_html = plain_text_to_html(body)
    _flush_or_conflict()
    decision = _log(moderator, comment, A.REDACT, (reason_text or "").strip() or DEFAULT_REDACTION_REASON,
                    comment.status, comment.status, original_body=original)
    db.session.commit()
    mail = _notify_author(comment, "moderation_redacted", _l("In Ihrem Kommentar wurden Angaben entfernt"),
                          decision=decision)
    if mail is not None:
        deliver_mails([mail])
    return decision


# Blocking authors -------------------------------------------------------------------------

def block_author(moderator: User, user_id: int, period: str, reason: str, comment_id: int | None = None) -> UserBlock:
    """Block an account for a number of days or for good; its pending comments are rejected."""
    require(can_moderate(moderator))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.is_staff or user.id == moderator.id:
        raise ActionNotPossible(_l("Konten der Verwaltung können nicht gesperrt werden."))
    if period not in BLOCK_PERIODS:
        raise InvalidInput({"period": _l("Bitte wählen Sie die Dauer der Sperre.")})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": _l("Bitte geben Sie einen Grund für die Sperre an.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.", max=MAX_REASON_LENGTH)})
    now = utcnow()
    days = BLOCK_PERIODS[period]
    until = now + timedelta(days=days) if days else None
    # A new block replaces the ones still running.
    db.session.execute(
        update(UserBlock)
        .where(UserBlock.user_id == user.id, UserBlock.lifted_at.is_(None))
        .values(lifted_at=now)
    )
    block = UserBlock(user_id=user.id, until=until, reason=reason, created_by_id=moderator.id)
    db.session.add(block)
    origin = db.session.get(Comment, comment_id) if comment_id else None
    period_text = f"gesperrt bis {until:%d.%m.%Y}" if until else "dauerhaft gesperrt"
    _log(moderator, origin, A.BLOCK, f"{reason} ({period_text})", subject_id=user.id)
    pending = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.status == S.PENDING.value)
    ).all()
    for comment in pending:
        _apply(moderator, comment, A.REJECT, S.REJECTED, BLOCKED_REASON)
    _flush_or_conflict()
    db.session.commit()
    send_mail(user, _l("Ihr Konto wurde für Beiträge gesperrt"), "moderation_blocked",
              reason=reason, until=until)
    return block


def lift_block(moderator: User, block_id: int) -> UserBlock:
    require(can_moderate(moderator))
    block = db.session.get(UserBlock, block_id)
    if block is None or block.lifted_at is not None:
        raise NotFound()
    block.lifted_at = utcnow()
    _log(moderator, None, A.UNBLOCK, "", subject_id=block.user_id)
    db.session.commit()
    return block


# Appeals ----------------------------------------------------------------------------------

def can_appeal(user: User | None, comment: Comment) -> bool:
    """The author of a removed comment, once."""
    return (
        user is not None and getattr(user, "is_authenticated", False)
        and comment.author_id == user.id and comment.appealed_at is None
        and S(comment.status) in REMOVED
    )


def appeal(user: User, comment_id: int, text: str) -> ModerationDecision:
    """The author asks once for a second review; the comment goes back into the queue."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    require(comment.author_id is not None and user is not None and comment.author_id == user.id)
    if comment.appealed_at is not None:
        raise ActionNotPossible(_l("Sie haben gegen diese Entscheidung bereits Einspruch eingelegt."))
    if S(comment.status) not in REMOVED:
        raise ActionNotPossible(_l("Gegen diesen Kommentar ist kein Einspruch möglich."))
    text = (text or "").strip()
    if len(text) > MAX_REASON_LENGTH:
        raise InvalidInput({"text": _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.", max=MAX_REASON_LENGTH)})
    comment.appealed_at = utcnow()
    _flush_or_conflict()
    decision = _log(user, comment, A.APPEAL, text, comment.status, comment.status, by_author=True)
    db.session.commit()
    return decision


# Official answers -------------------------------------------------------------------------

def may_answer(user: User | None, comment: Comment) -> bool:
    """Who writes official answers on this milestone (the participation rule)."""
    return participation.can_answer(user, comment.milestone)


def can_answer(user: User | None, comment: Comment) -> bool:
    """Staff who may answer for the milestone's department, on a published top-level comment."""
    return (
        comment.parent_id is None and comment.status == S.PUBLISHED.value and not comment.is_official
        and may_answer(user, comment)
    )


def answer(user: User, comment_id: int, body: str) -> Comment:
    """An official answer ("Antwort der Verwaltung") written from the queue."""
    require(can_moderate(user))
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound()
    require(may_answer(user, comment))
    if not can_answer(user, comment):
        raise ActionNotPossible(_l("Antworten der Verwaltung sind nur auf veröffentlichte Kommentare möglich, "
                                   "nicht auf Antworten."))
    try:
        reply = participation.post_comment(user, comment.milestone, body, parent=comment)
    except participation.ParticipationError as error:
        db.session.rollback()
        raise InvalidInput({"body": str(error)}) from None
    _log(user, comment, A.ANSWER, "", comment.status, comment.status)
    db.session.commit()
    return reply


# Mails to authors -------------------------------------------------------------------------

def _explanation(template: ReasonTemplate | None) -> dict[str, str]:
    if template is None:
        return {}
    return {"de": template.text_de, "en": template.text_en or template.text_de}


def _notify_author(comment: Comment, template: str, subject, **context) -> OutboxMail | None:
    """The mail to the comment's author (account or confirmed guest), not yet delivered;
    None when they switched such mails off."""
    return notify_comment_author(comment, AuthorEvent.MODERATION, template=template, subject=subject,
                                 deliver=False, **context)


__all__ = [
    "ActionNotPossible", "BulkResult", "DecisionConflict", "InvalidInput", "ModerationError", "NotFound",
    "allowed_actions", "answer", "appeal", "appeal_is_open", "block_author", "can_answer", "can_appeal",
    "compose_reason", "decide", "decide_many", "lift_block", "may_answer", "reason_category", "redact",
]
