"""Staff accounts for administrators, under /verwaltung/konten; invitation links for the invited."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.auth import services as auth
from app.auth.decorators import admin_required
from app.auth.forms import ResetPasswordForm
from app.csrf_rerun import invalid_status, rerun_after_csrf_error
from app.extensions import db
from app.http_cache import no_store
from app.i18n import LocalizedBlueprint
from app.models import User
from app.filters import parse_page
from app.staff import services
from app.staff.forms import AccountForm, ActionForm, InviteForm, UserFilterForm

bp = LocalizedBlueprint("staff", __name__)
bp.after_request(no_store)
bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))

# Buttons on an account's page: endpoint -> form prefix (unique ids with several forms on a page).
ACTIONS = ("deactivate", "reactivate", "reset_second_factor", "resend_invitation")


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.get("")
@admin_required
def users():
    filters = UserFilterForm(request.args)
    filters.validate()
    # Clamped like the public lists: a huge number must not reach OFFSET.
    page = parse_page(request.args.get("page")).value
    pagination = db.paginate(
        services.select_accounts(filters.filters()), page=page,
        per_page=current_app.config["PER_PAGE"], error_out=False,
    )
    return render_template("staff/users.html", filters=filters, pagination=pagination,
                           role_labels=services.ROLE_LABELS, pending=services.has_pending_invitation)


@bp.route("/einladen", methods=["GET", "POST"])
@admin_required
def invite():
    form = InviteForm()
    form.fill_choices()
    if form.is_submitted():
        saved, user = form.save(lambda: services.invite(current_user, form.to_data()))
        if saved:
            flash(_("Die Einladung an %(email)s wurde versandt.", email=user.email), "success")
            return redirect(url_for("staff.edit", user_id=user.id), 303)
        return render_template("staff/invite.html", form=form), invalid_status()
    return render_template("staff/invite.html", form=form)


def _edit_page(user: User, form: AccountForm | None = None, refused: str | None = None, status: int = 200):
    if form is None:
        form = AccountForm(formdata=None, data={
            "roles": sorted(r.value for r in user.roles),
            "department_ids": [d.id for d in user.departments],
        })
        form.fill_choices()
    return render_template(
        "staff/edit.html", user=user, form=form, refused=refused,
        actions={name: ActionForm(prefix=name, formdata=None) for name in ACTIONS},
        role_labels=services.ROLE_LABELS, pending=services.has_pending_invitation(user),
    ), status


@bp.route("/<id:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    user = _account(user_id)
    if request.method == "GET":
        return _edit_page(user)
    form = AccountForm()
    form.fill_choices()
    try:
        saved = form.save(lambda: services.update_account(current_user, user, form.to_data()))[0]
    except services.Refused as refusal:
        db.session.rollback()
        return _edit_page(user, form, refused=refusal.message, status=409)
    if saved:
        flash(_("Rollen und Organisationseinheiten wurden gespeichert."), "success")
        return redirect(url_for("staff.edit", user_id=user.id), 303)
    return _edit_page(user, form, status=invalid_status())


def _action(user_id: int, name: str, run, message: str):
    """Run one account action behind a CSRF-protected button; a refusal is shown as a 409."""
    user = _account(user_id)
    if not ActionForm(prefix=name).validate():
        return _edit_page(user, refused=_("Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal."),
                          status=400)
    try:
        run(current_user, user)
        db.session.commit()
    except services.Refused as refusal:
        db.session.rollback()
        return _edit_page(user, refused=refusal.message, status=409)
    flash(message, "success")
    return redirect(url_for("staff.edit", user_id=user.id), 303)


@bp.post("/<id:user_id>/deaktivieren")
@admin_required
def deactivate(user_id: int):
    return _action(user_id, "deactivate", services.deactivate, _("Das Konto wurde deaktiviert."))


@bp.post("/<id:user_id>/reaktivieren")
@admin_required
def reactivate(user_id: int):
    return _action(user_id, "reactivate", services.reactivate, _("Das Konto ist wieder aktiv."))


@bp.post("/<id:user_id>/zwei-faktor-zuruecksetzen")
@admin_required
def reset_second_factor(user_id: int):
    return _action(user_id, "reset_second_factor", services.reset_second_factor,
                   _("Die Zwei-Faktor-Anmeldung wurde zurückgesetzt. Die Person richtet sie bei der nächsten Anmeldung neu ein."))


@bp.post("/<id:user_id>/einladung-erneut")
@admin_required
def resend_invitation(user_id: int):
    return _action(user_id, "resend_invitation", services.resend_invitation,
                   _("Die Einladung wurde erneut versandt; ältere Links gelten nicht mehr."))


@bp.route("/einladung/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The link from the invitation mail: set a password. GET only reads and signs in no one."""
    user = services.invited_user(token)
    if user is None:
        response = make_response(render_template("staff/accept_invalid.html"), 404)
    else:
        form = ResetPasswordForm()
        form.account_email = user.email
        status = 200
        if form.validate_on_submit():
            try:
                services.accept_invitation(token, form.new_password.data)
                db.session.commit()
            except auth.InvalidToken:
                db.session.rollback()
                response = make_response(render_template("staff/accept_invalid.html"), 404)
                return _no_referrer(response)
            except auth.PasswordRejected as error:
                db.session.rollback()
                form.new_password.errors.append(str(error))
                status = 422
            else:
                flash(_("Ihr Passwort ist gespeichert. Bitte melden Sie sich jetzt an."), "success")
                return _no_referrer(redirect(url_for("auth.login"), 303))
        elif request.method == "POST":
            status = 422
        response = make_response(render_template("staff/accept.html", form=form, user=user), status)
    return _no_referrer(response)


def _no_referrer(response: Response) -> Response:
    # The token is in the URL: never send it on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
