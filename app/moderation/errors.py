"""Refusals of moderation rules; str() of each is the message for the moderator."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import Refusal

MAX_REASON_LENGTH = 2000


class ModerationError(Refusal):
    """A moderation rule refused the request; str() is the message for the moderator."""

    message = _l("Die Aktion konnte nicht ausgeführt werden.")


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


def check_reason_length(text: str | None, field: str = "reason") -> None:
    """Reasons and appeals have the length the moderation log keeps."""
    if len(text or "") > MAX_REASON_LENGTH:
        raise InvalidInput({field: _l("Die Begründung darf höchstens %(max)d Zeichen lang sein.", max=MAX_REASON_LENGTH)})
