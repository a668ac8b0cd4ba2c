"""Flags: a citizen reports a comment with a reason; enough open flags hide it until a decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.comments import counters, lifecycle
from app.comments.errors import AlreadyFlagged, InvalidText
from app.comments.permissions import flag_refusal, is_staff_content, raise_refusal, voter_standing
from app.models import Comment, Flag, FlagReason, User
from app.participation.services.text import clean_text

FLAG_TEXT_MAX = 1000


def flag_comment(user: User, comment: Comment, reason: str, text: str = "") -> bool:
    """Report a comment; returns True when the flags reached the threshold and hid it.

    Flags come from distinct accounts (unique per account and comment). Staff content is
    flagged like any other but never hidden automatically.
    """
    raise_refusal(flag_refusal(voter_standing(user), comment))
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
    if not counters.insert_once(Flag, comment_id=comment.id, user_id=user.id, reason=reason_value, text=description):
        raise AlreadyFlagged()
    # The UPDATE locks the comment row until commit, so parallel flags count one after the other.
    counters.add_flag(comment.id)
    return False if staff_content else lifecycle.auto_hide(comment)
