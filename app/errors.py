"""The base of the refusals: a rule refused the request; str() is the message for the person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class Refusal(Exception):
    """A rule refused the request; str() is the message for the person (the class's default
    `message` or the one given). Auth, participation, moderation and citizens' refusals derive from it."""

    message = _l("Das ist gerade nicht möglich.")

    def __init__(self, message=None) -> None:
        super().__init__(str(message or self.message))
