"""Checking what people type as their name and e-mail address on public forms."""
from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

DISPLAY_NAME_MIN = 2
DISPLAY_NAME_MAX = 100  # the column's length
EMAIL_MAX = 254

# Control characters, and invisible or direction-changing characters that make a name look
# like another one (zero-width spaces, bidi overrides and isolates).
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Parts of names that would pass a citizen off as the administration or as the system.
_RESERVED_PARTS = ("verwaltung", "moderation", "administration", "administrator")
_RESERVED_NAMES = ("gelöschtes konto", "deleted account", "system")


class InputRejected(ValueError):
    """The input breaks a rule; str() is the message for the person."""

    message = _l("Bitte prüfen Sie Ihre Eingabe.")

    def __init__(self, message=None) -> None:
        super().__init__(str(message or self.message))


class InvalidDisplayName(InputRejected):
    pass


class InvalidEmail(InputRejected):
    message = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")


def clean_display_name(raw: str | None, *, staff: bool = False) -> str:
    """The name as shown next to comments: normalised, single spaces; else InvalidDisplayName."""
    name = unicodedata.normalize("NFC", (raw or "").encode("utf-8", "replace").decode("utf-8"))
    name = " ".join(_INVISIBLE.sub("", name).split())
    if len(name) < DISPLAY_NAME_MIN:
        raise InvalidDisplayName(_l(
            "Bitte geben Sie einen Namen mit mindestens %(min)d Zeichen ein.", min=DISPLAY_NAME_MIN,
        ))
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidDisplayName(_l(
            "Der Name darf höchstens %(max)d Zeichen lang sein.", max=DISPLAY_NAME_MAX,
        ))
    folded = name.casefold()
    if not staff and (folded in _RESERVED_NAMES or any(part in folded for part in _RESERVED_PARTS)):
        raise InvalidDisplayName(_l(
            "Dieser Name ließe sich mit Beiträgen der Verwaltung oder der Moderation verwechseln. "
            "Bitte wählen Sie einen anderen."
        ))
    return name


def normalize_address(raw: str | None) -> str:
    """A syntactically valid address in the form stored and used for sign-in; else InvalidEmail."""
    text = (raw or "").encode("utf-8", "replace").decode("utf-8").strip()
    if not text or len(text) > EMAIL_MAX:
        raise InvalidEmail()
    try:
        # No DNS lookup: the confirmation mail proves the address.
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidEmail() from None
    address = address.lower()
    if len(address) > EMAIL_MAX:
        raise InvalidEmail()
    return address
