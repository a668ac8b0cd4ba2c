"""Citizen account pages under /konto (and /en/konto): register, confirm, profile, my data, delete.

Signing in and out and resetting the password are app.auth's pages; these link to them.
Registration lives on its own page: its form sets the session cookie (CSRF token), which
ordinary page views never do.
"""
from __future__ import annotations

import json

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf.csrf import CSRFError

from app.auth.services import AuthError
from app.citizens import export, forms, services
from app.citizens.names import InputRejected
from app.extensions import db, limiter
from app.i18n import LocalizedBlueprint, current_language
from app.models import utcnow
from app.csrf_rerun import csrf_refused, rerun_after_csrf_error
from app.rate_limits import address_key, config_value, ip_key, register_throttle_page, signed_in_key

bp = LocalizedBlueprint("citizens", __name__)

THROTTLE_TEXTS = {
    "citizens.register": _l(
        "Von Ihrem Anschluss oder für diese E-Mail-Adresse wurden in kurzer Zeit viele Konten "
        "angelegt. Bitte warten Sie eine Stunde und versuchen Sie es dann erneut."
    ),
    "citizens.resend_confirmation": _l(
        "Wir haben Ihnen in kurzer Zeit mehrere Bestätigungslinks geschickt. Bitte sehen Sie auch "
        "im Spam-Ordner nach und warten Sie eine Stunde, bevor Sie einen neuen Link anfordern."
    ),
    "citizens.delete": _l(
        "Zu viele falsche Passwörter. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
    ),
}
THROTTLE_DEFAULT = _l(
    "Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment und versuchen Sie es dann erneut."
)

# Views that show their form again, with the input, after an expired CSRF token.
KEEP_INPUT_ENDPOINTS = frozenset({"citizens.register", "citizens.profile", "citizens.delete"})


# --- rate limits (Flask-Limiter; values from config; nothing of it is stored with content) ------


def _failed(response) -> bool:
    """Only failed attempts count against the account: success answers with a redirect."""
    return response.status_code != 303


register_throttle_page(bp, THROTTLE_DEFAULT, THROTTLE_TEXTS)


# Forms with input are shown again with it and a message; buttons get the error page.
bp.register_error_handler(CSRFError, rerun_after_csrf_error(KEEP_INPUT_ENDPOINTS, refuse_redirects=True))


@bp.after_request
def private_pages(response):
    """Account pages show personal data and carry secret links: no cache keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _form_page(template: str, status: int = 200, **context):
    """A form page; after a failed submission 422 (400 after an expired CSRF token)."""
    if request.method == "POST" and status == 200:
        status = 400 if csrf_refused() else 422
    return render_template(template, **context), status


# --- registration and confirmation ---------------------------------------------------------------


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit(config_value("REGISTER_LIMIT_PER_IP"), methods=["POST"], key_func=ip_key)
@limiter.limit(config_value("REGISTER_LIMIT_PER_ADDRESS"), methods=["POST"], key_func=address_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for(".profile"), 303)
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(form.display_name.data, form.email.data, form.password.data, current_language())
        except (InputRejected, AuthError) as error:
            form.form_errors.append(str(error))
        else:
            # The same answer whether or not the address already had an account.
            return redirect(url_for(".registered"), 303)
    return _form_page("citizens/register.html", form=form)


@bp.get("/registrieren/gesendet")
def registered():
    return render_template("citizens/register_sent.html")


@bp.route("/bestaetigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners follow links and must not confirm); POST confirms."""
    response = _confirm(token)
    # The token is in the URL: never send it on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _confirm(token: str):
    form = forms.ActionForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        try:
            user = services.confirm_email(token)
        except InputRejected:
            return make_response(render_template("citizens/confirm_invalid.html"), 404)
        db.session.commit()
        flash(_("Ihre E-Mail-Adresse ist bestätigt. Sie können jetzt kommentieren und unterstützen."), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for(".profile"), 303)
        return redirect(url_for("auth.login"), 303)
    user = services.confirmable_account(token)
    if user is None:
        # No form here: an invalid link's page sets no cookie.
        return make_response(render_template("citizens/confirm_invalid.html"), 404)
    status = 400 if form is not None else 200
    form = form or forms.ActionForm()
    return make_response(render_template("citizens/confirm.html", form=form, account=user), status)


# --- profile ----------------------------------------------------------------------------------------


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = forms.ProfileForm(obj=user, staff=user.is_staff)
    if form.validate_on_submit():
        try:
            services.update_profile(
                user, form.display_name.data,
                **{key: getattr(form, key).data for key in services.NOTIFICATION_SWITCHES},
            )
        except InputRejected as error:
            form.display_name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Ihre Angaben sind gespeichert."), "success")
            return redirect(url_for(".profile"), 303)
    return _form_page("citizens/profile.html", form=form, resend_form=forms.ActionForm(formdata=None))


@bp.post("/profil/bestaetigungslink")
@limiter.limit(config_value("CONFIRM_MAIL_LIMIT_PER_ACCOUNT"), key_func=signed_in_key)
@login_required
def resend_confirmation():
    if not forms.ActionForm().validate_on_submit():
        return render_template("errors/error.html", error=None, code=400), 400
    if services.resend_confirmation(current_user._get_current_object()):
        db.session.commit()
        flash(_("Wir haben Ihnen einen neuen Bestätigungslink geschickt."), "success")
    else:
        flash(_("Ihre E-Mail-Adresse ist bereits bestätigt."), "info")
    return redirect(url_for(".profile"), 303)


# --- my data ---------------------------------------------------------------------------------------


@bp.route("/meine-daten", methods=["GET", "POST"])
@login_required
def my_data():
    """GET explains; POST answers with the JSON file (no link that could be passed on)."""
    form = forms.ActionForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("citizens/my_data.html", form=form), status
    data = export.account_data(current_user._get_current_object())
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="meine-daten-{utcnow():%Y-%m-%d}.json"'
    )
    return response


# --- deleting the account ----------------------------------------------------------------------------


@bp.route("/loeschen", methods=["GET", "POST"])
@limiter.limit(config_value("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=signed_in_key, deduct_when=_failed)
@login_required
def delete():
    user = current_user._get_current_object()
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(user, form.password.data, remove_comments=form.remove_comments.data)
        except services.StaffAccount as error:
            form.form_errors.append(str(error))
        except AuthError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            return redirect(url_for(".deleted"), 303)
    return _form_page("citizens/delete.html", form=form, summary=services.account_summary(user),
                      staff=user.is_staff)


@bp.get("/geloescht")
def deleted():
    return render_template("citizens/deleted.html")
