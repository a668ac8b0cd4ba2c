"""The internal view in the staff backend: traffic lights per milestone (under /verwaltung)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.auth.decorators import roles_required
from app.auth.permissions import require
from app.csrf_rerun import form_status, rerun_after_csrf_error
from app.extensions import db
from app.forms_base import ValidationFailed
from app.i18n import LocalizedBlueprint
from app.internal import services
from app.internal.forms import TrafficLightForm
from app.models import Milestone, Role
from app.models.internal import NOTE_MAX_LENGTH, WARNING_LIGHTS

bp = LocalizedBlueprint("internal", __name__)

editor_required = roles_required(Role.ADMIN, Role.EDITOR)


bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))


# For the partials on the backend's dashboard and milestone page (globals: nothing per request).
@bp.app_template_global()
def traffic_light_warnings() -> list[services.DepartmentLights]:
    return services.lights_by_department(current_user, WARNING_LIGHTS)


@bp.app_template_global()
def traffic_light_of(milestone: Milestone):
    return services.current_light(milestone) if services.can_see_lights(current_user) else None


@bp.app_template_global()
def can_set_traffic_light(milestone: Milestone) -> bool:
    return services.can_set_light(current_user, milestone)


bp.add_app_template_global(services.light_label, "light_label")
bp.add_app_template_global(services.set_by_name, "light_set_by")


@bp.get("/ampel")
@editor_required
def overview():
    return render_template("internal/overview.html", groups=services.lights_by_department(current_user))


@bp.route("/etappenziele/<id:milestone_id>/ampel", methods=["GET", "POST"])
@editor_required
def traffic_light(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    require(services.can_set_light(current_user, milestone))
    current = services.current_light(milestone)
    form = TrafficLightForm()
    if not form.is_submitted() and current is not None:
        form.light.data, form.note.data = current.light, current.note
    if form.is_submitted() and form.validate():
        try:
            services.set_light(current_user, milestone, form.to_data())
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            form.add_errors(exc.errors)
        else:
            flash(_("Die Ampel wurde gespeichert."), "success")
            return redirect(url_for(".traffic_light", milestone_id=milestone.id))
    return render_template(
        "internal/traffic_light.html", milestone=milestone, form=form, current=current,
        history=services.history(milestone), note_max=NOTE_MAX_LENGTH,
    ), form_status(form)
