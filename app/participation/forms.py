"""Participation forms: comment, reply, edit, flag, guest comment, and the anti-spam fields.

Messages are German msgids. The services check every rule again (length, who may do what);
these forms give the early, field-by-field messages and keep the typed text.
"""
from __future__ import annotations

import re
import secrets
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.forms_base import InputForm
from app.layout import CSRF_TEXT
from app.csrf_rerun import csrf_refused
from app.models import FlagReason

FLAG_TEXT_MAX = 1000
GUEST_NAME_MAX = 100
# A form older than this has to be loaded again (the signed start time expires).
FORM_MAX_AGE_SECONDS = 24 * 3600

FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Werbung oder Spam"),
    FlagReason.INSULT: _l("Beleidigung oder Belästigung"),
    FlagReason.OFF_TOPIC: _l("Gehört nicht zum Thema"),
    FlagReason.PERSONAL_DATA: _l("Enthält persönliche Daten"),
    FlagReason.OTHER: _l("Anderer Grund (bitte beschreiben)"),
}

TOO_FAST = _l("Das ging sehr schnell. Bitte prüfen Sie Ihren Text und senden Sie ihn noch einmal.")
FORM_EXPIRED = _l("Das Formular ist abgelaufen. Bitte senden Sie es noch einmal.")
HONEYPOT_FILLED = _l(
    "Ihre Eingabe sieht automatisch erzeugt aus und wurde nicht angenommen. "
    "Lassen Sie das Feld „Webseite“ bitte leer."
)
BODY_REQUIRED = _l("Bitte schreiben Sie einen Text.")


def _form_id_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="participation-form-id")


def new_form_id() -> str:
    """A signed one-time id for a form that creates something (128 random bits)."""
    return _form_id_serializer().dumps(secrets.token_hex(16))


def _unsigned(serializer, signed: str | None, **options):
    """serializer.loads(signed, **options), or None for a missing, overlong, forged or expired value."""
    if not signed or len(signed) > 200:
        return None
    try:
        return serializer.loads(signed, **options)
    except BadData:
        return None


def form_id_of(signed: str | None) -> str | None:
    """The id inside a signed form id; None for a missing or forged one."""
    value = _unsigned(_form_id_serializer(), signed)
    return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{32}", value) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="participation-form-started")


def new_form_stamp() -> str:
    """A signed random value; the signature carries the time the form was shown."""
    return _serializer().dumps(secrets.token_hex(4))


def stamp_age(stamp: str | None) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or expired stamp."""
    loaded = _unsigned(_serializer(), stamp, max_age=FORM_MAX_AGE_SECONDS, return_timestamp=True)
    if loaded is None:
        return None
    _, signed_at = loaded
    return time.time() - signed_at.timestamp()


class MaxLength:
    """Length check with a message that says how long the text is and what is allowed.

    `maximum` may be a config key, read when the form is validated.
    """

    def __init__(self, maximum: int | str):
        self.maximum = maximum

    def __call__(self, form, field) -> None:
        maximum = current_app.config[self.maximum] if isinstance(self.maximum, str) else self.maximum
        length = len(field.data or "")
        if length > maximum:
            raise ValidationError(
                _l("Der Text ist %(length)d Zeichen lang; erlaubt sind höchstens %(max)d. Bitte kürzen Sie ihn.",
                   length=length, max=maximum)
            )


class ParticipationForm(InputForm):
    """A form that fails, keeping the input, after an expired CSRF token (see app.csrf_rerun)."""

    def validate_on_submit(self, extra_validators=None) -> bool:
        if csrf_refused():
            self.form_errors.append(str(CSRF_TEXT))
            return False
        return super().validate_on_submit(extra_validators)


class AntiSpamForm(ParticipationForm):
    """Public text forms: a honeypot field people leave empty and a signed start time.

    The honeypot is hidden from view and from assistive technology (see the template macro
    `anti_spam_fields`); bots that fill every field give themselves away. A form sent back
    faster than FORM_MIN_FILL_SECONDS after it was shown was not typed by a person.
    """

    website = StringField(_l("Webseite"))
    form_started = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.form_started.data = new_form_stamp()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # What was sent, before the single-line filter: a bot's control characters count too.
        if any(value.strip() for value in self.website.raw_data or ()):
            self.form_errors.append(str(HONEYPOT_FILLED))
            valid = False
        age = stamp_age(self.form_started.data)
        if age is None:
            self.form_errors.append(str(FORM_EXPIRED))
            valid = False
        elif age < current_app.config["FORM_MIN_FILL_SECONDS"]:
            self.form_errors.append(str(TOO_FAST))
            valid = False
        # The next attempt gets a fresh stamp, so waiting a moment is enough to succeed.
        self.form_started.data = new_form_stamp()
        return valid


class OneTimeForm(AntiSpamForm):
    """A form that creates something: its signed one-time id makes sending it twice store it once.

    A failed attempt keeps the id (nothing was stored); a new form page gets a new one.
    """

    form_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.form_id.data = new_form_id()

    @property
    def submission_id(self) -> str | None:
        return form_id_of(self.form_id.data)


def _body_field(label):
    return TextAreaField(
        label,
        validators=[DataRequired(BODY_REQUIRED), MaxLength("COMMENT_MAX_LENGTH")],
        render_kw={"rows": 5},
    )


class CommentForm(OneTimeForm):
    body = _body_field(_l("Ihr Kommentar"))


class ReplyForm(OneTimeForm):
    body = _body_field(_l("Ihre Antwort"))


class EditForm(AntiSpamForm):
    body = _body_field(_l("Kommentar"))


class FlagForm(AntiSpamForm):
    reason = RadioField(
        _l("Warum melden Sie diesen Kommentar?"),
        choices=[SelectChoice(reason.value, label) for reason, label in FLAG_REASON_LABELS.items()],
        validators=[DataRequired(_l("Bitte wählen Sie einen Grund."))],
    )
    text = TextAreaField(
        _l("Beschreibung"),
        validators=[MaxLength(FLAG_TEXT_MAX)],
        description=_l("Nötig beim Grund „Anderer Grund“, sonst freiwillig. Nur die Moderation sieht diesen Text."),
        render_kw={"rows": 3},
    )

    def validate_text(self, field) -> None:
        if self.reason.data == FlagReason.OTHER.value and not (field.data or "").strip():
            raise ValidationError(_l("Bitte beschreiben Sie kurz, was an dem Kommentar nicht in Ordnung ist."))


class GuestCommentForm(OneTimeForm):
    name = StringField(
        _l("Ihr Name"),
        validators=[DataRequired(_l("Bitte geben Sie einen Namen an.")), MaxLength(GUEST_NAME_MAX)],
        description=_l("Wird öffentlich beim Kommentar gezeigt. Ein Vorname oder ein Kürzel genügt."),
        render_kw={"autocomplete": "nickname"},
    )
    email = EmailField(
        _l("Ihre E-Mail-Adresse"),
        validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        description=_l("Nur für den Bestätigungslink; sie wird nicht veröffentlicht."),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    body = _body_field(_l("Ihr Kommentar"))


class ActionForm(ParticipationForm):
    """A button that changes something (support, rating, closing comments): CSRF only."""
