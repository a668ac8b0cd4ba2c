"""Checking what people type as their name and e-mail address on public forms."""
from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.errors import Refusal

DISPLAY_NAME_MIN = 2
DISPLAY_NAME_MAX = 100  # the column's length
EMAIL_MAX = 254

# Invisible characters outside the categories Cc/Cf (those go by category): the combining
# grapheme joiner, Hangul and Khmer fillers, Mongolian selectors, variation selectors, the
# braille blank.
_INVISIBLE_EXTRA = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
# Control, format (soft hyphen, zero-width, bidi controls), surrogate, private-use, unassigned.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# ASCII characters read as letters in a name: "M0deration", "Verwa1tung", "AdminIstration".
_ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "|": "l", "i": "l"})
# Parts of names that would pass a citizen off as the administration or as the system.
_RESERVED_PARTS = ("verwaltung", "moderation", "administration", "administrator")
_RESERVED_NAMES = ("gelöschtes konto", "deleted account", "system")


def visible_text(raw: str | None) -> str:
    """NFKC (fullwidth and compatibility letters become plain ones), without invisible characters."""
    text = unicodedata.normalize("NFKC", (raw or "").encode("utf-8", "replace").decode("utf-8"))
    text = _INVISIBLE_EXTRA.sub("", text)
    return "".join(char for char in text if unicodedata.category(char) not in _INVISIBLE_CATEGORIES)


def skeleton(text: str) -> str:
    """What a name looks like, for comparing: accents dropped, look-alike letters of other scripts
    (Cyrillic "е", Greek "ο", Roman numeral "Ⅴ") folded to Latin ones with the Unicode confusables
    data, case folded, only letters and digits kept."""
    text = unicodedata.normalize("NFD", visible_text(text))
    chars = []
    for char in text:
        if unicodedata.combining(char):
            continue
        if not char.isascii():
            found = confusables.is_confusable(char, preferred_aliases=["latin"])
            latin = [glyph["c"] for glyph in found[0]["homoglyphs"] if glyph["c"].isascii()] if found else []
            char = latin[0] if latin else char
        chars.append(char)
    folded = "".join(chars).casefold().translate(_ASCII_LOOKALIKES)
    return "".join(char for char in folded if char.isalnum())


IMPERSONATION_TEXT = _l(
    "Dieser Name ließe sich mit Beiträgen der Verwaltung oder der Moderation verwechseln. "
    "Bitte wählen Sie einen anderen."
)
_RESERVED_PART_SKELETONS = tuple(skeleton(part) for part in _RESERVED_PARTS)
_RESERVED_NAME_SKELETONS = frozenset(skeleton(name) for name in _RESERVED_NAMES)


def impersonates_staff(name: str) -> bool:
    """The name could be read as the administration's, the moderation's or the system's."""
    shape = skeleton(name)
    return shape in _RESERVED_NAME_SKELETONS or any(part in shape for part in _RESERVED_PART_SKELETONS)


class InputRejected(Refusal, ValueError):
    """The input breaks a rule; str() is the message for the person."""

    message = _l("Bitte prüfen Sie Ihre Eingabe.")


class InvalidLink(InputRejected):
    message = _l("Dieser Link ist ungültig, abgelaufen oder wurde bereits benutzt.")


class InvalidDisplayName(InputRejected):
    pass


class InvalidEmail(InputRejected):
    message = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")


def clean_display_name(raw: str | None, *, staff: bool = False) -> str:
    """The name as shown next to comments: NFKC, no invisible characters, single spaces; else
    InvalidDisplayName. Stored as typed otherwise (names in any script are welcome); only the
    check against staff names compares look-alike skeletons."""
    name = " ".join(visible_text(raw).split())
    if len(name) < DISPLAY_NAME_MIN:
        raise InvalidDisplayName(_l(
            "Bitte geben Sie einen Namen mit mindestens %(min)d Zeichen ein.", min=DISPLAY_NAME_MIN,
        ))
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidDisplayName(_l(
            "Der Name darf höchstens %(max)d Zeichen lang sein.", max=DISPLAY_NAME_MAX,
        ))
    if not staff and impersonates_staff(name):
        raise InvalidDisplayName(IMPERSONATION_TEXT)
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
