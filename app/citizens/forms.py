"""Account forms. The services check every rule again; these give field-by-field messages.

Registration carries the participation forms' honeypot and signed start time (AntiSpamForm).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.auth.forms import new_password_fields
from app.citizens.names import DISPLAY_NAME_MAX, EMAIL_MAX, InputRejected, clean_display_name, normalize_address
from app.participation.forms import ActionForm, AntiSpamForm, ParticipationForm

DISPLAY_NAME_HINT = _l(
    "Wird öffentlich bei Ihren Kommentaren gezeigt. Ein Vorname, ein Kürzel oder ein Fantasiename genügt."
)


class DisplayName:
    """Field validator: the display name rules of app.citizens.names."""

    def __init__(self, staff: bool = False) -> None:
        self.staff = staff

    def __call__(self, form, field) -> None:
        try:
            clean_display_name(field.data, staff=getattr(form, "staff", self.staff))
        except InputRejected as error:
            raise ValidationError(str(error)) from None


class EmailAddress:
    """Field validator: a valid address (no DNS lookup; the confirmation mail proves it)."""

    def __call__(self, form, field) -> None:
        try:
            normalize_address(field.data)
        except InputRejected as error:
            raise ValidationError(str(error)) from None


def display_name_field():
    return StringField(
        _l("Anzeigename"),
        validators=[DataRequired(_l("Bitte geben Sie einen Anzeigenamen ein.")), DisplayName()],
        description=DISPLAY_NAME_HINT,
        render_kw={"autocomplete": "nickname", "maxlength": DISPLAY_NAME_MAX},
    )


def email_field(label=_l("E-Mail-Adresse"), description=None):
    return EmailField(
        label,
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            Length(max=EMAIL_MAX, message=_l("Die E-Mail-Adresse ist zu lang.")),
            EmailAddress(),
        ],
        description=description,
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "off"},
    )


class RegisterForm(AntiSpamForm):
    display_name = display_name_field()
    email = email_field(description=_l(
        "Für die Anmeldung und für Benachrichtigungen. Sie wird nicht veröffentlicht."
    ))
    password, confirm = new_password_fields(
        _l("Passwort"), _l("Passwort wiederholen"), _l("Bitte geben Sie ein Passwort ein."),
        _l("Bitte wiederholen Sie das Passwort."), "password",
    )

    @property
    def account_email(self) -> str | None:
        """PasswordPolicy refuses the e-mail address as password."""
        return self.email.data


class ProfileForm(ParticipationForm):
    display_name = display_name_field()
    notify_replies = BooleanField(_l("Antworten anderer auf meine Kommentare"))
    notify_answers = BooleanField(_l("Antworten der Verwaltung auf meine Kommentare"))
    notify_moderation = BooleanField(_l("Entscheidungen der Moderation über meine Kommentare"))

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff


class DeleteAccountForm(ParticipationForm):
    password = PasswordField(
        _l("Ihr Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort ein.")), Length(max=1000)],
        description=_l("Zur Sicherheit: Nur wer das Passwort kennt, kann das Konto löschen."),
        render_kw={"autocomplete": "current-password"},
    )
    remove_comments = BooleanField(_l("Auch den Text meiner Kommentare löschen"))


__all__ = ["ActionForm", "DeleteAccountForm", "ProfileForm", "RegisterForm", "email_field"]
