"""Sign-in pages under /konto (and /en/konto): login, second factor, logout, reset, account."""
from __future__ import annotations

import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from app.auth import forms, services
from app.auth.admin_guard import require_admin_second_factor
from app.auth.permissions import PermissionDenied
from app.auth.tokens import find_usable_token
from app.csrf_rerun import rerun_after_csrf_error
from app.extensions import db, limiter, login_manager
from app.http_cache import no_store
from app.i18n import LocalizedBlueprint
from app.models import TokenPurpose
from app.rate_limits import address_key, config_value, ip_key, register_throttle_page, signed_in_key
from app.settings import get_setting

bp = LocalizedBlueprint("auth", __name__)
bp.after_request(no_store)  # personal data, secrets and codes
# An expired form runs again as a failed form: the input stays and a message explains it.
bp.register_error_handler(CSRFError, rerun_after_csrf_error())
bp.before_app_request(require_admin_second_factor)

PENDING_KEY = "pending_second_factor"
# A random name for the session, revoked on the server when it signs out (app.__init__'s loader).
SESSION_NONCE_KEY = "nonce"
SETUP_SECRET_KEY = "totp_setup_secret"

# Pages that ask for the current password again share one budget of attempts.
REAUTH_TEXT = _l(
    "Zu viele falsche Passwörter. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
)
REAUTH_ENDPOINTS = ("auth.change_password", "auth.new_recovery_codes", "auth.disable_two_factor")
THROTTLE_TEXTS = {
    "auth.login": _l(
        "Zu viele Anmeldeversuche. Aus Sicherheitsgründen ist die Anmeldung vorübergehend "
        "gesperrt. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
    ),
    "auth.second_factor": _l(
        "Zu viele falsche Codes. Bitte warten Sie einige Minuten und melden Sie sich dann neu an."
    ),
    **dict.fromkeys(REAUTH_ENDPOINTS, REAUTH_TEXT),
}
THROTTLE_DEFAULT = _l(
    "Zu viele Versuche in kurzer Zeit. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
)
register_throttle_page(bp, THROTTLE_DEFAULT, THROTTLE_TEXTS, heading=_l("Zu viele Versuche"))


@bp.record_once
def configure_login_manager(state) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    # The message is a lazy string; flash it in the language of the page.
    login_manager.localize_callback = str


# --- rate limits (Flask-Limiter; values from config) ----------------------------------------


def _pending_key() -> str:
    pending = session.get(PENDING_KEY) or {}
    return f"pending-user:{pending.get('uid', 'none')}"


def _failed(response) -> bool:
    """Count only failed attempts against the account: success answers with a redirect."""
    return response.status_code != 303


def _refused(response) -> bool:
    """A wrong password (or another refusal) on a page that asks for it again; success is a
    redirect or, for new recovery codes, the page with the codes."""
    return response.status_code >= 400


_login_per_ip = limiter.limit(config_value("LOGIN_LIMIT_PER_IP"), methods=["POST"], key_func=ip_key)
# Someone holding a stolen session must not guess the current password: the pages that ask for
# it again are throttled like sign-in, per account (wrong attempts) and per IP, all three together.
_reauth_per_ip = limiter.shared_limit(config_value("REAUTH_LIMIT_PER_IP"), scope="reauth-ip", key_func=ip_key)
_reauth_per_account = limiter.shared_limit(
    config_value("REAUTH_LIMIT_PER_ACCOUNT"), scope="reauth-account", key_func=signed_in_key,
    deduct_when=_refused,
)


# --- helpers -----------------------------------------------------------------------------


def _renew_session(user) -> None:
    """A new session for the user: nothing from before survives (session fixation)."""
    session.clear()
    login_user(user)
    session[SESSION_NONCE_KEY] = services.new_session_nonce()


def _start_session(user) -> None:
    _renew_session(user)
    services.record_login(user)


def _landing_url(user, next_url: str | None) -> str:
    if services.second_factor_setup_required(user):
        flash(_("Bitte richten Sie jetzt die Zwei-Faktor-Anmeldung ein."), "info")
        return url_for("auth.two_factor")
    if services.is_safe_next(next_url):
        return next_url
    if user.is_staff:
        if "backend.dashboard" in current_app.view_functions:
            return url_for("backend.dashboard")
        return url_for("auth.account")
    return url_for("public.home")


def _invalid(template: str, **context):
    """A form that did not pass: the same page with messages (422), input kept."""
    return render_template(template, **context), 422


# --- sign in and out ----------------------------------------------------------------------


@bp.route("/anmelden", methods=["GET", "POST"])
@_login_per_ip
@limiter.limit(config_value("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=address_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_landing_url(current_user, request.args.get("next")))
    form = forms.LoginForm()
    if request.method == "GET":
        next_url = request.args.get("next")
        form.next.data = next_url if services.is_safe_next(next_url) else ""
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AuthError as error:
            form.form_errors.append(str(error))
        else:
            next_url = form.next.data if services.is_safe_next(form.next.data) else None
            if user.has_second_factor:
                session.clear()
                session[PENDING_KEY] = {
                    "uid": user.id, "v": user.session_version, "at": int(time.time()), "next": next_url,
                }
                target = url_for("auth.second_factor")
            else:
                _start_session(user)
                flash(_("Sie sind angemeldet."), "success")
                target = _landing_url(user, next_url)
            db.session.commit()
            return redirect(target, 303)
    if request.method == "POST":
        return _invalid("auth/login.html", form=form)
    return render_template("auth/login.html", form=form)


def _pending_user():
    """The user who passed the password step and still owes the second factor, if in time."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    minutes = current_app.config["SECOND_FACTOR_PENDING_MINUTES"]
    if time.time() - pending.get("at", 0) > minutes * 60:
        session.pop(PENDING_KEY, None)
        return None, None
    user = services.load_user_from_session_id(f"{pending.get('uid')}:{pending.get('v')}")
    if user is None or not user.has_second_factor:
        session.pop(PENDING_KEY, None)
        return None, None
    return user, pending.get("next")


@bp.route("/anmelden/zweiter-faktor", methods=["GET", "POST"])
@_login_per_ip
@limiter.limit(config_value("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_pending_key, deduct_when=_failed)
def second_factor():
    user, next_url = _pending_user()
    if user is None:
        flash(_("Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("auth.login"), 303)
    form = forms.SecondFactorForm()
    if form.validate_on_submit():
        if services.verify_second_factor(user, form.code.data):
            _start_session(user)
            db.session.commit()
            flash(_("Sie sind angemeldet."), "success")
            return redirect(_landing_url(user, next_url), 303)
        form.code.errors.append(str(services.InvalidCode.message))
    if request.method == "POST":
        return _invalid("auth/second_factor.html", form=form)
    return render_template("auth/second_factor.html", form=form)


@bp.route("/abmelden", methods=["POST"])
def logout():
    form = forms.LogoutForm()
    if not form.validate_on_submit():
        # Expired form: a page with a fresh sign-out button instead of an error.
        return render_template("auth/logout.html", form=form), 400
    if current_user.is_authenticated:
        # Ended on the server too: a copy of the cookie taken before does not work afterwards.
        services.end_session(current_user._get_current_object(), session.get(SESSION_NONCE_KEY))
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Sie wurden abgemeldet."), "success")
    return redirect(url_for("public.home"), 303)


@bp.post("/ueberall-abmelden")
@login_required
def logout_everywhere():
    """Sign out here and on every other device: for a lost phone or a shared computer."""
    form = forms.LogoutForm()
    if not form.validate_on_submit():
        return render_template("auth/logout.html", form=form), 400
    services.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Sie wurden auf allen Geräten abgemeldet."), "success")
    return redirect(url_for("public.home"), 303)


# --- password reset ------------------------------------------------------------------------


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(config_value("PASSWORD_RESET_LIMIT"), methods=["POST"], key_func=ip_key)
@limiter.limit(config_value("PASSWORD_RESET_LIMIT"), methods=["POST"], key_func=address_key)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("auth/forgot_password_sent.html", email=form.email.data)
    if request.method == "POST":
        return _invalid("auth/forgot_password.html", form=form)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/passwort-zuruecksetzen/<token>", methods=["GET", "POST"])
@_login_per_ip
def reset_password(token: str):
    # GET only reads: mail scanners that follow links use up nothing and sign in no one.
    valid = find_usable_token(token, TokenPurpose.PASSWORD_RESET)
    if valid is None:
        response = make_response(render_template("auth/reset_password_invalid.html"), 404)
    else:
        form = forms.ResetPasswordForm()
        form.account_email = valid.user.email if valid.user else None
        if form.validate_on_submit():
            try:
                services.reset_password(token, form.new_password.data)
            except services.InvalidToken:
                db.session.rollback()
                response = make_response(render_template("auth/reset_password_invalid.html"), 404)
            except services.PasswordRejected as error:
                db.session.rollback()  # the link stays usable for a better password
                form.new_password.errors.append(str(error))
                response = make_response(*_invalid("auth/reset_password.html", form=form))
            else:
                db.session.commit()
                flash(_("Ihr Passwort wurde geändert. Bitte melden Sie sich mit dem neuen Passwort an."), "success")
                response = redirect(url_for("auth.login"), 303)
        elif request.method == "POST":
            response = make_response(*_invalid("auth/reset_password.html", form=form))
        else:
            response = make_response(render_template("auth/reset_password.html", form=form))
    # The token is in the URL: never send it on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- account page --------------------------------------------------------------------------


def _render_account(password_form=None, disable_form=None, status: int = 200):
    return render_template(
        "auth/account.html",
        password_form=password_form or forms.ChangePasswordForm(formdata=None),
        disable_form=disable_form or forms.ConfirmPasswordForm(formdata=None),
        recovery_left=services.unused_recovery_codes(current_user) if current_user.has_second_factor else 0,
        second_factor_mandatory=services.second_factor_mandatory(current_user),
    ), status


@bp.get("")
@login_required
def account():
    return _render_account()


@bp.post("/passwort")
@_reauth_per_ip
@_reauth_per_account
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.WrongPassword as error:
            form.current_password.errors.append(str(error))
        except services.PasswordRejected as error:
            form.new_password.errors.append(str(error))
        else:
            db.session.commit()
            # Other sessions ended with the new session version; this one goes on.
            _renew_session(user)
            flash(_("Ihr Passwort wurde geändert. Wir haben Ihnen eine Bestätigung per E-Mail geschickt."), "success")
            return redirect(url_for("auth.account"), 303)
    return _render_account(password_form=form, status=422)


# --- second factor set-up ------------------------------------------------------------------


def _staff_only() -> None:
    if not current_user.is_staff:
        raise PermissionDenied()


@bp.route("/zwei-faktor", methods=["GET", "POST"])
@login_required
def two_factor():
    _staff_only()
    user = current_user._get_current_object()
    if user.has_second_factor:
        return render_template("auth/two_factor_manage.html", form=forms.ConfirmPasswordForm(formdata=None),
                               recovery_left=services.unused_recovery_codes(user))
    # The secret waits in the (signed) session until a code proves the app has it.
    secret = session.get(SETUP_SECRET_KEY)
    if not secret:
        secret = session[SETUP_SECRET_KEY] = services.new_totp_secret()
    form = forms.TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = services.enable_second_factor(user, secret, form.code.data)
        except services.InvalidCode as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            session.pop(SETUP_SECRET_KEY, None)
            # enable_second_factor ended the older sessions; this one goes on.
            _renew_session(user)
            return render_template("auth/recovery_codes.html", codes=codes, just_enabled=True)
    context = dict(
        form=form,
        secret=secret,
        secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)],
        otpauth_uri=services.totp_uri(user, secret, issuer=str(get_setting("municipality_name"))),
    )
    if request.method == "POST":
        return _invalid("auth/two_factor_setup.html", **context)
    return render_template("auth/two_factor_setup.html", **context)


@bp.post("/zwei-faktor/neue-codes")
@_reauth_per_ip
@_reauth_per_account
@login_required
def new_recovery_codes():
    _staff_only()
    user = current_user._get_current_object()
    form = forms.ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            codes = services.regenerate_recovery_codes(user, form.password.data)
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        except services.InvalidCode:
            return redirect(url_for("auth.two_factor"), 303)
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, just_enabled=False)
    return _invalid("auth/two_factor_manage.html", form=form, recovery_left=services.unused_recovery_codes(user))


@bp.post("/zwei-faktor/ausschalten")
@_reauth_per_ip
@_reauth_per_account
@login_required
def disable_two_factor():
    _staff_only()
    form = forms.ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            services.disable_second_factor(current_user._get_current_object(), form.password.data)
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        except services.SecondFactorMandatory as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."), "success")
            return redirect(url_for("auth.account"), 303)
    return _render_account(disable_form=form, status=422)
