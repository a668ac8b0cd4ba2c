"""Moderation backend (under /verwaltung/moderation): queue, decisions, log, blocks, settings."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import audit
from app.auth.decorators import admin_required, roles_required
from app.auth.permissions import require
from app.auth.services import is_safe_next
from app.csrf_rerun import form_status, invalid_status, rerun_after_csrf_error
from app.extensions import db
from app.i18n import LocalizedBlueprint
from app.routing import or_404
from app.moderation import administration, answers, decisions, errors, export, forms, labels, queries, redaction
from app.moderation import blocks as blocking
from app.comments.policy import active_block, moderation_mode
from app.models import Comment, Milestone, ModerationAction, ReasonTemplate, Role
from app.filters import parse_page
from app.settings import get_setting

bp = LocalizedBlueprint("moderation", __name__)

moderator_required = roles_required(Role.ADMIN, Role.MODERATOR)

@bp.after_request
def _not_cached(response: Response) -> Response:
    # Moderation pages show unpublished comments to one signed-in person.
    response.headers["Cache-Control"] = "no-store"
    return response


bp.register_error_handler(CSRFError, rerun_after_csrf_error(signed_in_only=True))
# For the backend dashboard's snippet (templates/moderation/_dashboard.html) and navigation badge.
bp.add_app_template_global(queries.queue_size, "moderation_queue_size")


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "action_label": labels.action_label,
        "system_reason": labels.system_reason,
        "stored_label": audit.stored_label,
        "status_label": labels.status_label,
        "kind_label": labels.kind_label,
        "flag_reason_label": labels.flag_reason_label,
        "mode_label": labels.mode_label,
        "button_label": lambda action: str(labels.BUTTON_LABELS[action]),
        "queue_size": queries.queue_size,
        "Role": Role,
    }


def _paginate(stmt):
    # Clamped like the public lists: a huge number must not reach OFFSET.
    page = parse_page(request.args.get("page")).value
    return db.paginate(stmt, page=page, per_page=current_app.config["PER_PAGE"], error_out=False)


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    return target if is_safe_next(target) else default


def _done_message(action: str) -> str:
    messages = {
        ModerationAction.APPROVE: _("Der Kommentar wurde freigegeben."),
        ModerationAction.REJECT: _("Der Kommentar wurde abgelehnt."),
        ModerationAction.HIDE: _("Der Kommentar wurde ausgeblendet."),
        ModerationAction.RESTORE: _("Der Kommentar wurde wiederhergestellt."),
        ModerationAction.SPAM: _("Der Kommentar wurde als Spam markiert."),
    }
    return messages[ModerationAction(action)]


# Queue --------------------------------------------------------------------------------

@bp.get("")
@moderator_required
def queue():
    return _queue_page(forms.BulkForm(formdata=None))


def _queue_page(bulk: forms.BulkForm, status: int = 200, selected: set[int] | None = None):
    """The queue; after a refused bulk action with its form and the selection still checked."""
    filters = forms.QueueFilterForm(request.args)
    filters.fill_choices()
    filters.validate()
    templates = queries.reason_templates()
    bulk.fill_choices(templates)
    pagination = _paginate(queries.select_queue(filters.filters()))
    return render_template(
        "moderation/queue.html", filters=filters, pagination=pagination, bulk=bulk,
        context=queries.queue_context(pagination.items), counts=queries.queue_counts(),
        templates=templates, allowed_actions=decisions.allowed_actions,
        oldest=queries.oldest_waiting_since(), site_mode=get_setting("moderation_mode"),
        selected=selected or set(), select_all=bool(request.form.get("select_all")),
    ), status


@bp.post("/sammelaktion")
@moderator_required
def bulk():
    form = forms.BulkForm()
    form.fill_choices(queries.reason_templates())
    selected = forms.selected_ids(request.form)
    try:
        chosen = forms.selection(request.form)
    except forms.InvalidSelection:
        form.validate()
        form.form_errors.append(_("Die Auswahl enthält ungültige Angaben. Bitte wählen Sie die Kommentare erneut aus."))
        return _queue_page(form, 400, selected)
    if not form.validate():
        return _queue_page(form, invalid_status(), selected)
    if not chosen:
        form.form_errors.append(_("Bitte wählen Sie mindestens einen Kommentar aus."))
        return _queue_page(form, invalid_status(), selected)
    try:
        result = decisions.decide_many(
            current_user, chosen, form.bulk_action.data,
            reason_text=form.bulk_reason.data or "", template_id=form.bulk_template_id.data,
        )
    except errors.InvalidInput as error:
        form.add_errors({"bulk_" + key if key != "template_id" else "bulk_template_id": message
                         for key, message in error.errors.items()})
        return _queue_page(form, invalid_status(), selected)
    except errors.ModerationError as error:
        form.form_errors.append(str(error))
        return _queue_page(form, selected=selected)
    db.session.commit()
    if result.decided:
        flash(ngettext("%(num)d Kommentar wurde entschieden.", "%(num)d Kommentare wurden entschieden.",
                       len(result.decided)), "success")
    if result.conflicts:
        flash(ngettext(
            "%(num)d Kommentar wurde inzwischen von jemand anderem bearbeitet und nicht geändert. Bitte prüfen Sie ihn erneut.",
            "%(num)d Kommentare wurden inzwischen von jemand anderem bearbeitet und nicht geändert. Bitte prüfen Sie sie erneut.",
            len(result.conflicts)), "warning")
    if result.not_possible:
        flash(ngettext(
            "Für %(num)d Kommentar ist diese Aktion beim aktuellen Stand nicht möglich; er wurde nicht geändert.",
            "Für %(num)d Kommentare ist diese Aktion beim aktuellen Stand nicht möglich; sie wurden nicht geändert.",
            len(result.not_possible)), "warning")
    return redirect(url_for(".queue", **request.args.to_dict(flat=False)))


# One comment ----------------------------------------------------------------------------

def _comment_or_404(comment_id: int) -> Comment:
    return or_404(queries.comment_for_item(comment_id))


def _item_page(comment: Comment, status: int = 200, conflict: str | None = None, **given):
    templates = queries.reason_templates()
    page_forms = {
        "decision_form": forms.DecisionForm(formdata=None),
        "redact_form": forms.RedactForm(formdata=None, prefix="redact"),
        "block_form": forms.BlockForm(formdata=None, prefix="block"),
        "mode_form": forms.MilestoneModeForm(formdata=None, prefix="mode"),
        "answer_form": forms.AnswerForm(formdata=None, prefix="answer"),
    }
    page_forms.update(given)
    page_forms["decision_form"].fill_choices(templates)
    page_forms["mode_form"].mode.data = comment.milestone.moderation_mode or ""
    return render_template(
        "moderation/item.html", comment=comment, conflict=conflict,
        context=queries.queue_context([comment]), decisions=queries.decisions_of(comment),
        allowed=decisions.allowed_actions(comment), templates=templates,
        can_answer=answers.can_answer(current_user, comment),
        block=active_block(comment.author) if comment.author else None,
        pending_of_author=blocking.pending_count(comment.author_id),
        mode=moderation_mode(comment.milestone), site_mode=get_setting("moderation_mode"),
        **page_forms,
    ), status


@bp.get("/kommentare/<id:comment_id>")
@moderator_required
def item(comment_id: int):
    return _item_page(_comment_or_404(comment_id))


@bp.post("/kommentare/<id:comment_id>/entscheidung")
@moderator_required
def decide(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = forms.DecisionForm()
    form.fill_choices(queries.reason_templates())
    if not form.validate():
        return _item_page(comment, invalid_status(), decision_form=form)
    try:
        decisions.decide(
            current_user, comment_id, form.version.data, form.action.data,
            reason_text=form.reason.data or "", template_id=form.template_id.data,
        )
    except errors.DecisionConflict as error:
        return _item_page(_comment_or_404(comment_id), 409, conflict=str(error), decision_form=form)
    except errors.InvalidInput as error:
        form.add_errors(error.errors)
        return _item_page(_comment_or_404(comment_id), invalid_status(), decision_form=form)
    except errors.ModerationError as error:
        form.form_errors.append(str(error))
        return _item_page(_comment_or_404(comment_id), 409, decision_form=form)
    db.session.commit()
    flash(_done_message(form.action.data), "success")
    return redirect(_back(url_for(".item", comment_id=comment_id)))


@bp.post("/kommentare/<id:comment_id>/schwaerzen")
@moderator_required
def redact(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = forms.RedactForm(prefix="redact")
    if not form.validate():
        return _item_page(comment, invalid_status(), redact_form=form)
    try:
        redaction.redact(current_user, comment_id, form.version.data, form.passage_list(), form.reason.data or "")
    except errors.DecisionConflict as error:
        return _item_page(_comment_or_404(comment_id), 409, conflict=str(error), redact_form=form)
    except errors.InvalidInput as error:
        form.add_errors(error.errors)
        return _item_page(_comment_or_404(comment_id), invalid_status(), redact_form=form)
    db.session.commit()
    flash(_("Die Textstellen wurden entfernt. Der ursprüngliche Text steht im Moderationsprotokoll."), "success")
    return redirect(url_for(".item", comment_id=comment_id))


@bp.post("/kommentare/<id:comment_id>/sperren")
@moderator_required
def block(comment_id: int):
    comment = _comment_or_404(comment_id)
    if comment.author_id is None:
        abort(404)
    form = forms.BlockForm(prefix="block")
    if not form.validate():
        return _item_page(comment, invalid_status(), block_form=form)
    try:
        blocking.block_author(current_user, comment.author_id, form.period.data, form.reason.data, comment_id,
                              pending=form.pending.data)
    except errors.InvalidInput as error:
        form.add_errors(error.errors)
        return _item_page(_comment_or_404(comment_id), invalid_status(), block_form=form)
    except errors.ModerationError as error:
        form.form_errors.append(str(error))
        return _item_page(_comment_or_404(comment_id), 409, block_form=form)
    db.session.commit()
    flash(_("Das Konto wurde gesperrt. Seine wartenden Kommentare bleiben in der Warteschlange.")
          if form.pending.data == blocking.KEEP else
          _("Das Konto wurde gesperrt. Seine wartenden Kommentare wurden abgelehnt."), "success")
    return redirect(url_for(".item", comment_id=comment_id))


@bp.post("/kommentare/<id:comment_id>/antwort")
@moderator_required
def answer(comment_id: int):
    comment = _comment_or_404(comment_id)
    require(answers.may_answer(current_user, comment))
    form = forms.AnswerForm(prefix="answer")
    if not form.validate():
        return _item_page(comment, invalid_status(), answer_form=form)
    try:
        reply = answers.answer(current_user, comment_id, form.body.data)
    except errors.InvalidInput as error:
        form.add_errors(error.errors)
        return _item_page(_comment_or_404(comment_id), invalid_status(), answer_form=form)
    except errors.ModerationError as error:
        form.form_errors.append(str(error))
        return _item_page(_comment_or_404(comment_id), 409, answer_form=form)
    db.session.commit()
    flash(_("Die Antwort der Verwaltung wurde veröffentlicht."), "success")
    return redirect(url_for("participation.permalink", comment_id=reply.id))


# Blocks -------------------------------------------------------------------------------

@bp.get("/sperren")
@moderator_required
def blocks():
    pagination = _paginate(queries.select_active_blocks())
    ids = {b.user_id for b in pagination.items} | {b.created_by_id for b in pagination.items if b.created_by_id}
    return render_template("moderation/blocks.html", pagination=pagination, users=queries.users_by_id(ids))


@bp.post("/sperren/<id:block_id>/aufheben")
@moderator_required
def unblock(block_id: int):
    return _confirmed(lambda: blocking.lift_block(current_user, block_id), ".blocks", _("Die Sperre wurde aufgehoben."))


def _form_saved(form, save, done, back):
    """A valid form goes through save(); then commit, flash done(result) and redirect to
    back(result). None when the form is to be shown again (invalid, or refused by a rule: the
    errors are on the form); 404 when the thing it is about is gone."""
    if not form.validate_on_submit():
        return None
    try:
        result = save()
    except errors.NotFound:
        abort(404)
    except errors.InvalidInput as error:
        form.add_errors(error.errors)
        return None
    db.session.commit()
    flash(done(result), "success")
    return redirect(back(result))


def _confirmed(run, back: str, done: str):
    """A button with a confirmation form: run the service (404 when its thing is gone), commit,
    and go back to the list with `done`."""
    if not forms.ConfirmForm().validate():
        flash(_("Das Formular war abgelaufen. Bitte versuchen Sie es noch einmal."), "warning")
        return redirect(url_for(back))
    try:
        run()
    except errors.NotFound:
        abort(404)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(back))


# Moderation log ------------------------------------------------------------------------

def _log_filters() -> tuple[forms.LogFilterForm, queries.LogFilter]:
    form = forms.LogFilterForm(request.args)
    form.fill_choices()
    form.validate()
    chosen = form.filters()
    form.forget_invalid()
    return form, chosen


@bp.get("/protokoll")
@moderator_required
def log():
    filters, chosen = _log_filters()
    pagination = _paginate(queries.select_log(chosen))
    return render_template("moderation/log.html", filters=filters, pagination=pagination)


@bp.get("/protokoll.csv")
@moderator_required
def log_export():
    _, chosen = _log_filters()
    response = Response(export.log_csv(queries.select_log(chosen)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    return response


# Administration: reason templates, hold list, moderation per milestone ----------------------

@bp.route("/begruendungen", methods=["GET", "POST"])
@moderator_required
def reasons():
    form = forms.ReasonTemplateForm()
    saved = _form_saved(
        form, lambda: administration.save_reason_template(current_user, None, _reason_data(form)),
        lambda t: _("Die Textvorlage wurde angelegt."), lambda t: url_for(".reasons"),
    )
    if saved:
        return saved
    return render_template("moderation/reasons.html", form=form, templates=queries.reason_templates()), \
        form_status(form)


def _reason_data(form: forms.ReasonTemplateForm) -> administration.ReasonData:
    return administration.ReasonData(title=form.title.data or "", text_de=form.text_de.data or "",
                                      text_en=form.text_en.data or "", position=form.position.data or 0)


@bp.route("/begruendungen/<id:template_id>", methods=["GET", "POST"])
@moderator_required
def reason_edit(template_id: int):
    template = db.get_or_404(ReasonTemplate, template_id)
    form = forms.ReasonTemplateForm(obj=template)
    saved = _form_saved(
        form, lambda: administration.save_reason_template(current_user, template, _reason_data(form)),
        lambda t: _("Die Textvorlage wurde gespeichert."), lambda t: url_for(".reasons"),
    )
    if saved:
        return saved
    return render_template("moderation/reason_form.html", form=form, template=template), form_status(form)


@bp.post("/begruendungen/<id:template_id>/loeschen")
@moderator_required
def reason_delete(template_id: int):
    return _confirmed(lambda: administration.delete_reason_template(current_user, template_id), ".reasons",
                      _("Die Textvorlage wurde gelöscht."))


@bp.route("/pruefliste", methods=["GET", "POST"])
@admin_required
def hold_list():
    form = forms.HoldPatternForm()
    saved = _form_saved(
        form, lambda: administration.add_hold_pattern(current_user, form.pattern.data, bool(form.is_regex.data)),
        lambda p: _("Der Eintrag wurde der Prüfliste hinzugefügt."), lambda p: url_for(".hold_list"),
    )
    if saved:
        return saved
    return render_template("moderation/hold_list.html", form=form, patterns=queries.hold_patterns()), \
        form_status(form)


@bp.post("/pruefliste/<id:pattern_id>/loeschen")
@admin_required
def hold_delete(pattern_id: int):
    return _confirmed(lambda: administration.delete_hold_pattern(current_user, pattern_id), ".hold_list",
                      _("Der Eintrag wurde von der Prüfliste entfernt."))


@bp.route("/etappenziele", methods=["GET", "POST"])
@admin_required
def milestone_modes():
    form = forms.MilestoneModeForm(prefix="mode")
    form.milestone_id.choices = forms.choices([("", _("– bitte wählen –"))] + [
        (m.id, m.title)
        for m in db.session.scalars(db.select(Milestone).order_by(Milestone.sort_title, Milestone.title))
    ])
    saved = _form_saved(
        form, lambda: administration.set_milestone_mode(current_user, form.milestone_id.data, form.mode.data or None),
        lambda m: _("Die Moderation für „%(title)s“ wurde gespeichert.", title=m.title),
        lambda m: _back(url_for(".milestone_modes")),
    )
    if saved:
        return saved
    return render_template(
        "moderation/milestone_modes.html", form=form, milestones=queries.milestones_with_mode(),
        site_mode=get_setting("moderation_mode"),
    ), form_status(form)
