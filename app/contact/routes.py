"""Contact forms: a message to the department responsible for a milestone, a barrier report."""
from __future__ import annotations


from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.contact import services
from app.contact.forms import BarrierForm, ContactForm
from app.csrf_rerun import csrf_refused, rerun_after_csrf_error
from app.extensions import db, limiter
from app.i18n import LocalizedBlueprint, current_language
from app.routing import or_404
from app.rate_limits import config_value, ip_key, person_key, register_throttle_page
from app.slug_redirects import department_by_slug, published_milestone

bp = LocalizedBlueprint("contact", __name__)

THROTTLE_TEXT = _l(
    "Von Ihrem Anschluss oder für diese E-Mail-Adresse kamen in kurzer Zeit viele Nachrichten. "
    "Bitte warten Sie etwas und versuchen Sie es dann erneut."
)
FORM_ENDPOINTS = {"contact.milestone", "contact.department", "contact.barrier"}
bp.register_error_handler(CSRFError, rerun_after_csrf_error(FORM_ENDPOINTS, refuse_redirects=True))


def _limits(view):
    """All contact forms count together: per IP address and per account or sender address."""
    per_person = limiter.shared_limit(config_value("CONTACT_LIMIT_PER_ADDRESS"), scope="contact-address",
                                      key_func=person_key, methods=["POST"])
    per_ip = limiter.shared_limit(config_value("CONTACT_LIMIT_PER_IP"), scope="contact-ip",
                                  key_func=ip_key, methods=["POST"])
    return per_person(per_ip(view))


register_throttle_page(bp, THROTTLE_TEXT, kept_fields=("message", "description"))


@bp.after_request
def private_pages(response):
    """Forms carry a CSRF token and what was typed: no shared cache keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _status() -> int:
    return 400 if csrf_refused() else 422


def _contact_page(recipient: services.Recipient):
    form = ContactForm()
    status = 200
    if recipient.reachable and form.is_submitted():
        if form.validate_on_submit():
            try:
                services.write_to_department(recipient, form.name.data, form.email.data, form.message.data)
            except services.InvalidInput as error:
                for name, message in error.errors.items():
                    getattr(form, name).errors = [*getattr(form, name).errors, str(message)]
            else:
                db.session.commit()
                return redirect(url_for(".sent"), 303)
        status = _status()
    elif form.is_submitted():
        status = 409
    return render_template("contact/form.html", form=form, recipient=recipient,
                           general_contact=services.general_contact()), status


@bp.route("/etappenziele/<slug>/kontakt", methods=["GET", "POST"])
@_limits
def milestone(slug: str):
    return _contact_page(or_404(services.recipient_for_milestone(or_404(published_milestone(slug)))))


@bp.route("/organisationseinheiten/<slug>/kontakt", methods=["GET", "POST"])
@_limits
def department(slug: str):
    return _contact_page(services.recipient_for_department(or_404(department_by_slug(slug))))


@bp.get("/kontakt/gesendet")
def sent():
    return render_template("contact/sent.html")


@bp.route("/barriere-melden", methods=["GET", "POST"])
@_limits
def barrier():
    form = BarrierForm()
    if request.method == "GET" and request.args.get("seite"):
        form.page_url.data = request.args["seite"][:services.URL_MAX]
    general = services.general_contact()
    status = 200
    if general and form.is_submitted():
        if form.validate_on_submit():
            try:
                services.report_barrier(form.page_url.data, form.description.data, form.email.data,
                                        current_language())
            except services.InvalidInput as error:
                for name, message in error.errors.items():
                    getattr(form, name).errors = [*getattr(form, name).errors, str(message)]
            else:
                db.session.commit()
                return redirect(url_for(".barrier_sent", bestaetigung=1 if form.email.data else None), 303)
        status = _status()
    elif form.is_submitted():
        status = 409
    return render_template("contact/barrier.html", form=form, general_contact=general), status


@bp.get("/barriere-melden/gesendet")
def barrier_sent():
    return render_template("contact/barrier_sent.html", receipt=bool(request.args.get("bestaetigung")))
