"""Staff backend: dashboard, editing, progress reporting and the audit log (under /verwaltung)."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, undefer

from app import audit, page_cache, rate_limits
from app.auth.decorators import admin_required, roles_required, staff_required
from app.auth.permissions import can_edit_milestone, require
from app.backend import catalog, display, queries, services
from app.csrf_rerun import form_status, rerun_after_csrf_error
from app.backend.catalog_forms import ChampionForm, DepartmentForm, FieldForm, FundingSourceForm, StrategyForm
from app.backend.forms import (
    AuditFilterForm,
    MilestoneFilterForm,
    MilestoneForm,
    ProgressUpdateForm,
    ProgressUpdateTextForm,
)
from app.extensions import db
from app.filters import parse_page
from app.forms_base import BackendForm
from app.http_cache import no_store
from app.i18n import LocalizedBlueprint
from app.models import Champion, Department, Field, FundingSource, Milestone, ProgressUpdate, Role
from app.sanitize import markdown_to_html

bp = LocalizedBlueprint("backend", __name__)
bp.after_request(no_store)  # unpublished data of one signed-in person
bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))

editor_required = roles_required(Role.ADMIN, Role.EDITOR)


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "Role": Role, "change_label": display.change_label,
        "audit_value": display.audit_value,
    }


def _page() -> int:
    # Clamped like the public lists: a huge number must not reach OFFSET.
    return parse_page(request.args.get("page")).value


def _paginate(stmt):
    return db.paginate(stmt, page=_page(), per_page=current_app.config["PER_PAGE"], error_out=False)


def _form_page(
    form: BackendForm,
    template: str,
    save: Callable[[], object],
    done: Callable[[object], str],
    message: str,
    preview_of: str | None = None,
    **context,
):
    """Validate, save through a service, commit and redirect; else show the form again (422)."""
    preview_html = None
    if form.is_submitted():
        if preview_of and form.wants_preview():
            preview_html = markdown_to_html(form[preview_of].data or "")
        else:
            try:
                ok, saved = form.save(save)
            except IntegrityError:
                db.session.rollback()
                ok = False
                form.form_errors.append(_(
                    "Gleichzeitig wurde eine andere Änderung gespeichert, die dieser widerspricht. "
                    "Bitte prüfen Sie Ihre Eingaben und speichern Sie noch einmal."
                ))
            if ok:
                flash(message, "success")
                return redirect(done(saved))
    return render_template(template, form=form, preview_html=preview_html, **context), form_status(form)


@bp.get("")
@staff_required
def dashboard():
    return render_template(
        "backend/dashboard.html", dashboard=queries.dashboard(current_user),
        own_department_ids=queries.own_department_ids(current_user),
        page_cache=page_cache.get().statistics() if current_user.has_role(Role.ADMIN) else None,
        limits_per_process=rate_limits.limits_per_process(),
    )


# Milestones ---------------------------------------------------------------------------

def _editable_milestone(milestone_id: int) -> Milestone:
    milestone = db.get_or_404(Milestone, milestone_id)
    require(can_edit_milestone(current_user, milestone))
    return milestone


@bp.get("/etappenziele")
@editor_required
def milestones():
    filters = MilestoneFilterForm(request.args)
    filters.fill_choices(current_user)
    filters.validate()
    pagination = _paginate(queries.milestone_list(current_user, filters.filters()))
    return render_template(
        "backend/milestones.html", filters=filters, pagination=pagination,
        can_edit=lambda m: can_edit_milestone(current_user, m),
    )


@bp.route("/etappenziele/neu", methods=["GET", "POST"])
@editor_required
def milestone_new():
    form = MilestoneForm.for_milestone(current_user, None)
    return _form_page(
        form, "backend/milestone_form.html",
        save=lambda: services.create_milestone(current_user, form.to_data()),
        done=lambda m: url_for(".milestone_edit", milestone_id=m.id),
        message=_("Das Etappenziel wurde angelegt."),
        preview_of="description", milestone=None,
    )


@bp.route("/etappenziele/<id:milestone_id>", methods=["GET", "POST"])
@editor_required
def milestone_edit(milestone_id: int):
    milestone = _editable_milestone(milestone_id)
    form = MilestoneForm.for_milestone(current_user, milestone)
    return _form_page(
        form, "backend/milestone_form.html",
        save=lambda: services.update_milestone(current_user, milestone, form.to_data()),
        done=lambda m: url_for(".milestone_edit", milestone_id=m.id),
        message=_("Die Änderungen wurden gespeichert."),
        preview_of="description", milestone=milestone,
    )


@bp.get("/etappenziele/<id:milestone_id>/meldungen")
@editor_required
def progress_updates(milestone_id: int):
    milestone = _editable_milestone(milestone_id)
    pagination = _paginate(queries.progress_updates_of(milestone))
    return render_template("backend/progress_updates.html", milestone=milestone, pagination=pagination)


@bp.route("/etappenziele/<id:milestone_id>/fortschritt", methods=["GET", "POST"])
@editor_required
def progress_update_new(milestone_id: int):
    milestone = _editable_milestone(milestone_id)
    form = ProgressUpdateForm()
    form.current_target_date = milestone.target_date
    if not form.is_submitted():
        form.author_role.data = services.default_author_role(milestone)
    return _progress_form_page(
        form, milestone, None, lambda: services.report_progress(current_user, milestone, form.to_data())
    )


@bp.route("/etappenziele/<id:milestone_id>/fortschritt/<id:update_id>", methods=["GET", "POST"])
@editor_required
def progress_update_edit(milestone_id: int, update_id: int):
    milestone = _editable_milestone(milestone_id)
    update = db.session.scalar(
        db.select(ProgressUpdate)
        .where(ProgressUpdate.id == update_id, ProgressUpdate.milestone_id == milestone.id)
        .options(selectinload(ProgressUpdate.changes))
    )
    if update is None:
        abort(404)
    form = ProgressUpdateTextForm(obj=update)
    return _progress_form_page(
        form, milestone, update, lambda: services.edit_progress_update(current_user, update, form.to_data())
    )


def _progress_form_page(form: BackendForm, milestone, update, save: Callable[[], object]):
    """The form of a new (update None) or an existing progress update; back to the milestone's updates."""
    return _form_page(
        form, "backend/progress_form.html", save=save,
        done=lambda u: url_for(".progress_updates", milestone_id=milestone.id),
        message=_("Die Fortschrittsmeldung wurde gespeichert."),
        preview_of="body", milestone=milestone, update=update,
    )


# Strategy and what groups the milestones -------------------------------------------------

@bp.route("/strategie", methods=["GET", "POST"])
@admin_required
def strategy():
    current = catalog.current_strategy()
    form = StrategyForm.for_strategy(current)
    return _form_page(
        form, "backend/strategy_form.html",
        save=lambda: catalog.save_strategy(current_user, form.to_data()),
        done=lambda s: url_for(".strategy"),
        message=_("Die Digitalstrategie wurde gespeichert."),
        preview_of="intro", strategy=current,
    )


def _catalog_pages(path, plural, singular, model, form_page, id_name=None, select=None) -> None:
    """The admins' pages of one catalog kind: the list `plural` (backend/<plural>.html, by
    select(), model.select_ordered() by default), `<singular>_new` and `<singular>_edit` (the URL
    names the id `id_name`, `<singular>_id` by default); form_page(obj or None) shows the form."""
    id_name = id_name or f"{singular}_id"
    select = select or model.select_ordered

    def listing():
        return render_template(f"backend/{plural}.html", pagination=_paginate(select()))

    def new():
        return form_page(None)

    def edit(**url_values):
        return form_page(db.get_or_404(model, url_values[id_name]))

    bp.add_url_rule(f"/{path}", plural, admin_required(listing), methods=["GET"])
    bp.add_url_rule(f"/{path}/neu", f"{singular}_new", admin_required(new), methods=["GET", "POST"])
    bp.add_url_rule(f"/{path}/<id:{id_name}>", f"{singular}_edit", admin_required(edit), methods=["GET", "POST"])


def _simple_form_page(form_class: type[BackendForm], save, plural: str, message, edit_heading, new_heading):
    """The form page of a field, department or funding source: save(actor, obj, *form.save_args())
    saves it, then back to the list `plural`."""

    def form_page(obj):
        form = form_class(obj=obj)
        return _form_page(
            form, "backend/simple_form.html",
            save=lambda: save(current_user, obj, *form.save_args()),
            done=lambda o: url_for(f".{plural}"),
            message=str(message), list_endpoint=f".{plural}", heading=str(edit_heading if obj else new_heading),
        )

    return form_page


def _champion_page(obj: Champion | None):
    form = ChampionForm.for_champion(obj)
    return _form_page(
        form, "backend/champion_form.html",
        save=lambda: catalog.save_champion(current_user, obj, form.to_data()),
        done=lambda c: url_for(".champion_edit", champion_id=c.id),
        message=_("Die Angaben wurden gespeichert."),
        champion=obj,
    )


_catalog_pages("handlungsfelder", "fields", "field", Field, _simple_form_page(
    FieldForm, catalog.save_field, "fields", _l("Das Handlungsfeld wurde gespeichert."),
    _l("Handlungsfeld bearbeiten"), _l("Neues Handlungsfeld"),
))
_catalog_pages("organisationseinheiten", "departments", "department", Department, _simple_form_page(
    DepartmentForm, catalog.save_department, "departments", _l("Die Organisationseinheit wurde gespeichert."),
    _l("Organisationseinheit bearbeiten"), _l("Neue Organisationseinheit"),
))
_catalog_pages("finanzierungsquellen", "funding_sources", "funding_source", FundingSource, _simple_form_page(
    FundingSourceForm, catalog.save_funding_source, "funding_sources", _l("Die Finanzierungsquelle wurde gespeichert."),
    _l("Finanzierungsquelle bearbeiten"), _l("Neue Finanzierungsquelle"),
), "source_id")
_catalog_pages(
    "helden", "champions", "champion", Champion, _champion_page,
    select=lambda: Champion.select_ordered().options(selectinload(Champion.department)),
)


@bp.get("/helden/<id:champion_id>/foto")
@admin_required
def champion_photo(champion_id: int):
    champion = db.session.scalar(
        db.select(Champion).where(Champion.id == champion_id).options(undefer(Champion.photo))
    )
    if champion is None or not champion.has_photo:
        abort(404)
    return Response(champion.photo, mimetype=champion.photo_mimetype)


# Audit log ----------------------------------------------------------------------------

@bp.get("/protokoll")
@admin_required
def audit_log():
    filters = AuditFilterForm(request.args)
    filters.fill_choices(audit.object_type_label)
    filters.validate()
    pagination = _paginate(queries.audit_entries(filters.filters()))
    return render_template(
        "backend/audit_log.html", filters=filters, pagination=pagination,
        action_label=audit.action_label, object_type_label=audit.object_type_label,
        field_label=audit.field_label, field_labels=audit.FIELD_LABELS, stored_label=audit.stored_label, is_stored_label=audit.is_stored_label,
    )
