"""Subscription pages: the form (/abonnieren?etappenziel=<slug> or ?handlungsfeld=<slug>),
the confirmation link, and unsubscribing.

The form has its own page: its CSRF token needs the session cookie, which ordinary page views
never set. Links from mails open a page with a button, because mail scanners follow links.
Unsubscribing needs no cookie and no CSRF token: the signed link is the permission, and mail
programs send the one-click POST of RFC 8058 without either.
"""
from __future__ import annotations


from flask import (
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.citizens.names import InputRejected
from app.extensions import csrf, db, limiter
from app.i18n import LocalizedBlueprint, current_language
from app.routing import or_404
from app.csrf_rerun import csrf_refused, rerun_after_csrf_error
from app.participation.forms import ActionForm
from app.subscriptions import services
from app.subscriptions.forms import SubscribeForm
from app.rate_limits import config_value, ip_key, person_key, register_throttle_page

bp = LocalizedBlueprint("subscriptions", __name__)

MILESTONE_ARG = "etappenziel"
FIELD_ARG = "handlungsfeld"

THROTTLE_TEXT = _l(
    "Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen in kurzer Zeit viele Anmeldungen zu "
    "Abonnements. Bitte warten Sie eine Stunde und versuchen Sie es dann erneut."
)


register_throttle_page(bp, THROTTLE_TEXT)


# The form is shown again with the address and a message; the confirm button gets the error page.
bp.register_error_handler(CSRFError, rerun_after_csrf_error({"subscriptions.subscribe"}, refuse_redirects=True))


@bp.after_request
def private_pages(response):
    """These pages carry addresses and secret links: no cache keeps them, no referrer leaks them."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _target_args() -> dict[str, str]:
    """The target's query argument, as given (for links back to the same target)."""
    milestone_slug = request.args.get(MILESTONE_ARG, "").strip()
    field_slug = request.args.get(FIELD_ARG, "").strip()
    return {MILESTONE_ARG: milestone_slug} if milestone_slug else ({FIELD_ARG: field_slug} if field_slug else {})


def _target_or_abort() -> services.Target:
    milestone_slug = request.args.get(MILESTONE_ARG, "").strip()
    field_slug = request.args.get(FIELD_ARG, "").strip()
    if bool(milestone_slug) == bool(field_slug):
        # Nothing or two things named: say what the page is for instead of an error page.
        abort(make_response(render_template("subscriptions/no_target.html"), 400))
    return or_404(services.find_target(milestone_slug, field_slug))


@bp.route("/abonnieren", methods=["GET", "POST"])
@limiter.limit(config_value("SUBSCRIBE_LIMIT_PER_IP"), methods=["POST"], key_func=ip_key)
@limiter.limit(config_value("SUBSCRIBE_LIMIT_PER_ADDRESS"), methods=["POST"], key_func=person_key)
def subscribe():
    target = _target_or_abort()
    form = SubscribeForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        try:
            services.subscribe(target, form.email.data, current_language())
        except InputRejected as error:
            form.email.errors.append(str(error))
        else:
            # The same answer whether or not the address already followed the target.
            return redirect(url_for(".sent", **_target_args()), 303)
    status = 200
    if request.method == "POST":
        status = 400 if csrf_refused() else 422
    return render_template("subscriptions/form.html", form=form, target=target, target_args=_target_args()), status


@bp.get("/abonnieren/gesendet")
def sent():
    return render_template("subscriptions/sent.html", target=_target_or_abort())


@bp.route("/abonnieren/bestaetigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners follow links and must not subscribe anyone); POST confirms."""
    form = ActionForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        try:
            subscription = services.confirm(token)
        except InputRejected:
            return render_template("subscriptions/link_invalid.html"), 404
        db.session.commit()
        return render_template(
            "subscriptions/confirmed.html",
            target=services.Target.of(subscription),
            unsubscribe_token=services.unsubscribe_token([subscription]),
        )
    subscription = services.confirmable_subscription(token)
    if subscription is None:
        # No form here: an invalid link's page sets no cookie.
        return render_template("subscriptions/link_invalid.html"), 404
    status = 400 if form is not None else 200
    return render_template("subscriptions/confirm.html", form=form or ActionForm(),
                           target=services.Target.of(subscription)), status


@bp.route("/abbestellen/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET shows what the link ends and a button; POST (the button or a mail program) ends it."""
    try:
        subscriptions = services.subscriptions_for_token(token)
    except InputRejected:
        return render_template("subscriptions/link_invalid.html"), 400
    if request.method == "POST":
        targets = [services.Target.of(s) for s in subscriptions]
        services.unsubscribe(token)
        db.session.commit()
        return render_template("subscriptions/unsubscribed.html", targets=targets)
    if not subscriptions:
        return render_template("subscriptions/unsubscribed.html", targets=[])
    return render_template(
        "subscriptions/unsubscribe.html", targets=[services.Target.of(s) for s in subscriptions], token=token,
    )
