"""Staff backend: dashboard, editing, progress reporting and the audit log (under /verwaltung)."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
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
    return _form_page(
        form, "backend/progress_form.html",
        save=lambda: services.report_progress(current_user, milestone, form.to_data()),
        done=lambda u: url_for(".progress_updates", milestone_id=milestone.id),
        message=_("Die Fortschrittsmeldung wurde gespeichert."),
        preview_of="body", milestone=milestone, update=None,
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
    return _form_page(
        form, "backend/progress_form.html",
        save=lambda: services.edit_progress_update(current_user, update, form.to_data()),
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


@bp.get("/handlungsfelder")
@admin_required
def fields():
    pagination = _paginate(Field.select_ordered())
    return render_template("backend/fields.html", pagination=pagination)


@bp.route("/handlungsfelder/neu", methods=["GET", "POST"])
@admin_required
def field_new():
    return _field_page(None)


@bp.route("/handlungsfelder/<id:field_id>", methods=["GET", "POST"])
@admin_required
def field_edit(field_id: int):
    return _field_page(db.get_or_404(Field, field_id))


def _field_page(obj: Field | None):
    form = FieldForm(obj=obj)
    return _form_page(
        form, "backend/simple_form.html",
        save=lambda: catalog.save_field(
            current_user, obj, form.name.data, (form.slug.data or "").strip(),
            form.description.data or "", form.position.data or 0,
            form.name_en.data or "", form.description_en.data or "",
        ),
        done=lambda o: url_for(".fields"),
        message=_("Das Handlungsfeld wurde gespeichert."),
        list_endpoint=".fields",
        heading=_("Handlungsfeld bearbeiten") if obj else _("Neues Handlungsfeld"),
    )


@bp.get("/organisationseinheiten")
@admin_required
def departments():
    pagination = _paginate(Department.select_ordered())
    return render_template("backend/departments.html", pagination=pagination)


@bp.route("/organisationseinheiten/neu", methods=["GET", "POST"])
@admin_required
def department_new():
    return _department_page(None)


@bp.route("/organisationseinheiten/<id:department_id>", methods=["GET", "POST"])
@admin_required
def department_edit(department_id: int):
    return _department_page(db.get_or_404(Department, department_id))


def _department_page(obj: Department | None):
    form = DepartmentForm(obj=obj)
    return _form_page(
        form, "backend/simple_form.html",
        save=lambda: catalog.save_department(
            current_user, obj, form.name.data, (form.slug.data or "").strip(), form.description.data or "",
            form.contact_email.data or "",
        ),
        done=lambda o: url_for(".departments"),
        message=_("Die Organisationseinheit wurde gespeichert."),
        list_endpoint=".departments",
        heading=_("Organisationseinheit bearbeiten") if obj else _("Neue Organisationseinheit"),
    )


@bp.get("/finanzierungsquellen")
@admin_required
def funding_sources():
    pagination = _paginate(FundingSource.select_ordered())
    return render_template("backend/funding_sources.html", pagination=pagination)


@bp.route("/finanzierungsquellen/neu", methods=["GET", "POST"])
@admin_required
def funding_source_new():
    return _funding_source_page(None)


@bp.route("/finanzierungsquellen/<id:source_id>", methods=["GET", "POST"])
@admin_required
def funding_source_edit(source_id: int):
    return _funding_source_page(db.get_or_404(FundingSource, source_id))


def _funding_source_page(obj: FundingSource | None):
    form = FundingSourceForm(obj=obj)
    return _form_page(
        form, "backend/simple_form.html",
        save=lambda: catalog.save_funding_source(
            current_user, obj, form.name.data, bool(form.is_grant.data), form.description.data or "",
        ),
        done=lambda o: url_for(".funding_sources"),
        message=_("Die Finanzierungsquelle wurde gespeichert."),
        list_endpoint=".funding_sources",
        heading=_("Finanzierungsquelle bearbeiten") if obj else _("Neue Finanzierungsquelle"),
    )


@bp.get("/helden")
@admin_required
def champions():
    pagination = _paginate(Champion.select_ordered().options(selectinload(Champion.department)))
    return render_template("backend/champions.html", pagination=pagination)


@bp.route("/helden/neu", methods=["GET", "POST"])
@admin_required
def champion_new():
    return _champion_page(None)


@bp.route("/helden/<id:champion_id>", methods=["GET", "POST"])
@admin_required
def champion_edit(champion_id: int):
    return _champion_page(db.get_or_404(Champion, champion_id))


def _champion_page(obj: Champion | None):
    form = ChampionForm.for_champion(obj)
    return _form_page(
        form, "backend/champion_form.html",
        save=lambda: catalog.save_champion(current_user, obj, form.to_data()),
        done=lambda c: url_for(".champion_edit", champion_id=c.id),
        message=_("Die Angaben wurden gespeichert."),
        champion=obj,
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
