"""Site settings for administrators, under /verwaltung/einstellungen."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.admin_settings import services
from app.admin_settings.forms import LogoForm, PageForm, RemoveLogoForm, SettingsForm
from app.auth.decorators import admin_required
from app.csrf_rerun import invalid_status, rerun_after_csrf_error
from app.extensions import db
from app.http_cache import no_store
from app.i18n import LocalizedBlueprint
from app.sanitize import markdown_to_html
from app.theme import current_logo

bp = LocalizedBlueprint("admin_settings", __name__)
bp.after_request(no_store)
bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))


def _edit_page(form=None, logo_form=None, remove_form=None, status: int = 200):
    current = services.current_settings()
    return render_template(
        "admin_settings/edit.html",
        current=current,
        form=form or SettingsForm(obj=current, formdata=None),
        logo_form=logo_form or LogoForm(prefix="logo", formdata=None),
        remove_form=remove_form or RemoveLogoForm(prefix="remove", formdata=None),
        logo=current_logo(),
        pages=[(slug, services.page_title(slug)) for slug in services.LEGAL_PAGES],
    ), status


def _back(message: str):
    """Saved: back to the settings page with the message."""
    flash(message, "success")
    return redirect(url_for("admin_settings.edit"), 303)


@bp.route("", methods=["GET", "POST"])
@admin_required
def edit():
    if request.method == "GET":
        return _edit_page()
    form = SettingsForm()
    saved, changed = form.save(lambda: services.update_settings(current_user, form.to_data()))
    if saved:
        return _back(_("Die Einstellungen wurden gespeichert.") if changed else _("Es gab keine Änderungen."))
    return _edit_page(form=form, status=invalid_status())


@bp.post("/logo")
@admin_required
def upload_logo():
    form = LogoForm(prefix="logo")
    if form.save(lambda: services.set_logo(current_user, form.file.data.read(services.LOGO_MAX_BYTES + 1)))[0]:
        return _back(_("Das Logo wurde gespeichert."))
    return _edit_page(logo_form=form, status=invalid_status())


@bp.post("/logo/entfernen")
@admin_required
def remove_logo():
    form = RemoveLogoForm(prefix="remove")
    if not form.validate():
        return _edit_page(remove_form=form, status=400)
    if services.remove_logo(current_user):
        db.session.commit()
        flash(_("Das Logo wurde entfernt."), "success")
    return redirect(url_for("admin_settings.edit"), 303)


@bp.route("/texte/<slug>", methods=["GET", "POST"])
@admin_required
def page(slug: str):
    if slug not in services.LEGAL_PAGES:
        abort(404)
    text, stored = services.page_text(slug)
    form = PageForm(obj=text)
    preview_html = None
    status = 200
    if form.is_submitted():
        if form.wants_preview():
            preview_html = markdown_to_html(form.body_de.data or "", top_level=2)
        elif form.save(lambda: services.save_page(current_user, slug, form.to_data()))[0]:
            return _back(_("Der Text wurde gespeichert."))
        else:
            status = invalid_status()
    return render_template(
        "admin_settings/page.html", form=form, slug=slug, title=services.page_title(slug),
        stored=stored, preview_html=preview_html, with_video=slug in services.VIDEO_PAGES,
    ), status
