"""Public side of moderation: the transparency page and the author's appeal."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.permissions import PermissionDenied
from app.extensions import db
from app.i18n import LocalizedBlueprint
from app.moderation import appeals, decisions, errors, forms
from app.moderation.transparency import MONTHS, duration, figures
from app.models import Comment

bp = LocalizedBlueprint("moderation_public", __name__)


@bp.get("/transparenz")
def transparency():
    return render_template("moderation/transparency.html", figures=figures(), duration=duration, months=MONTHS)


def _own_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    # Someone else's comment is as unknown as a missing one.
    if comment is None or comment.author_id is None or comment.author_id != current_user.id:
        abort(404)
    return comment


@bp.route("/kommentare/<id:comment_id>/einspruch", methods=["GET", "POST"])
@login_required
def appeal(comment_id: int):
    comment = _own_comment(comment_id)
    form = forms.AppealForm()
    if appeals.can_appeal(current_user, comment) and form.validate_on_submit():
        try:
            appeals.appeal(current_user, comment_id, form.text.data or "")
        except errors.InvalidInput as error:
            form.add_errors(error.errors)
        except errors.DecisionConflict:
            form.form_errors.append(_(
                "Über Ihren Kommentar wurde gerade neu entschieden. Bitte prüfen Sie den aktuellen Stand."))
        except (errors.ModerationError, PermissionDenied) as error:
            form.form_errors.append(str(error) or _("Der Einspruch ist nicht möglich."))
        else:
            db.session.commit()
            flash(_("Ihr Einspruch ist eingegangen. Die Moderation prüft Ihren Kommentar noch einmal und "
                    "informiert Sie per E-Mail."), "success")
            return redirect(url_for("moderation_public.appeal", comment_id=comment_id))
    comment = _own_comment(comment_id)
    return render_template(
        "moderation/appeal.html", comment=comment, form=form, can_appeal=appeals.can_appeal(current_user, comment),
        appeal_open=decisions.appeal_is_open(comment),
    ), 400 if form.errors else 200
