"""The text people type: cleaned once, checked against the length limit."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.citizens.names import visible_text
from app.comments.errors import InvalidText

# C0 control characters except tab and line feed, DEL, and carriage returns (normalised first).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
