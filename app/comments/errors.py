"""Refusals of the comment rules; str() of each is the message for the person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import Refusal


class ParticipationError(Refusal):
    """A participation rule refused the request."""


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
