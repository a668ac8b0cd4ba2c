"""Redaction: a moderator cuts passages (often a third person's data) out of a comment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.permissions import require
from app.comments import lifecycle
from app.comments.permissions import can_moderate
from app.moderation.decisions import comment_at_version, tell_author
from app.moderation.errors import DecisionConflict, InvalidInput, check_reason_length
from app.models import ModerationAction, ModerationDecision, User
from app.sanitize import plain_text_to_html

A = ModerationAction

# Shown in the public text where a moderator cut out a passage (German, like all content).
REDACTION_MARK = "[entfernt]"
DEFAULT_REDACTION_REASON = "Personenbezogene Daten entfernt"


def redact(moderator: User, comment_id: int, version: int | None, passages: list[str], reason_text: str = "") -> ModerationDecision:
    """Cut the given passages out of the comment; the original stays in the moderation log."""
    require(can_moderate(moderator))
    comment = comment_at_version(comment_id, version)
    wanted = sorted({p.strip() for p in passages if p.strip()}, key=len, reverse=True)
    if not wanted:
        raise InvalidInput({"passages": _l("Bitte geben Sie mindestens eine Textstelle an, die entfernt werden soll.")})
    missing = [p for p in wanted if p not in comment.body]
    if missing:
        raise InvalidInput({"passages": _l(
            "Diese Textstelle kommt im Kommentar nicht genau so vor: „%(passage)s“", passage=missing[0][:200])})
    check_reason_length(reason_text)
    original = comment.body
    body = original
    for passage in wanted:
        body = body.replace(passage, REDACTION_MARK)
    comment.body = body
    comment.body_html = plain_text_to_html(body)
    lifecycle.flush(DecisionConflict)
    decision = lifecycle.log_decision(comment, A.REDACT, actor=moderator,
                                      reason=(reason_text or "").strip() or DEFAULT_REDACTION_REASON,
                                      before=comment.status, after=comment.status, original_body=original)
    tell_author(comment, "moderation_redacted", _l("In Ihrem Kommentar wurden Angaben entfernt"), decision=decision)
    return decision
