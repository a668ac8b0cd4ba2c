"""Sign-in forms. Messages are German msgids; English comes from the translations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.passwords import MIN_LENGTH, password_problems
from app.csrf_rerun import csrf_refused
from app.forms_base import InputForm
from app.layout import CSRF_TEXT


class AuthForm(InputForm):
    """A form that, after an expired CSRF token, keeps the typed input and says what happened.

    The blueprint's CSRFError handler (app.csrf_rerun) marks the refusal and runs the view again.
    """

    def validate_on_submit(self, extra_validators=None) -> bool:
        if csrf_refused():
            self.form_errors.append(str(CSRF_TEXT))
            return False
        return super().validate_on_submit(extra_validators)


class PasswordPolicy:
    """Field validator: minimum length, not a common password, not the e-mail address."""

    def __call__(self, form, field) -> None:
        problems = password_problems(field.data or "", getattr(form, "account_email", None))
        if problems:
            raise ValidationError(" ".join(problems))


EMAIL_REQUIRED = _l("Bitte geben Sie Ihre E-Mail-Adresse ein.")
PASSWORD_REQUIRED = _l("Bitte geben Sie Ihr Passwort ein.")
NEW_PASSWORD_HINT = _l(
    "Mindestens %(min)d Zeichen. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten.",
    min=MIN_LENGTH,
)


def new_password_fields(
    label=_l("Neues Passwort"),
    repeat_label=_l("Neues Passwort wiederholen"),
    missing=_l("Bitte geben Sie ein neues Passwort ein."),
    repeat_missing=_l("Bitte wiederholen Sie das neue Passwort."),
    field_name="new_password",
):
    """A new password under the policy and its repetition (which must equal the field field_name)."""
    password = PasswordField(
        label,
        validators=[DataRequired(missing), PasswordPolicy()],
        description=NEW_PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        repeat_label,
        validators=[
            DataRequired(repeat_missing),
            EqualTo(field_name, _l("Die beiden Passwörter stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(AuthForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(EMAIL_REQUIRED), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(PASSWORD_REQUIRED), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _code_field(label, required, max_length: int, **render_kw) -> StringField:
    """A one-time code from the authenticator app (or a recovery code)."""
    return StringField(
        label,
        validators=[DataRequired(required), Length(max=max_length, message=_l("Der Code ist zu lang."))],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", **render_kw},
    )


class SecondFactorForm(AuthForm):
    code = _code_field(_l("Code"), _l("Bitte geben Sie den Code ein."), 40, autocapitalize="off")


class ForgotPasswordForm(AuthForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[
            DataRequired(EMAIL_REQUIRED),
            Length(max=254),
            Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class ResetPasswordForm(AuthForm):
    new_password, confirm = new_password_fields()


class ChangePasswordForm(AuthForm):
    current_password = PasswordField(
        _l("Aktuelles Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr aktuelles Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, confirm = new_password_fields()


class TwoFactorSetupForm(AuthForm):
    code = _code_field(_l("Code aus der App"), _l("Bitte geben Sie den Code aus der App ein."), 20,
                       inputmode="numeric")


class ConfirmPasswordForm(AuthForm):
    """Asks for the password again before a sensitive change (2FA off, new recovery codes)."""

    password = PasswordField(
        _l("Aktuelles Passwort"),
        validators=[DataRequired(PASSWORD_REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class LogoutForm(AuthForm):
    """Only the CSRF token: signing out is a POST."""
