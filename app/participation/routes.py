"""Participation: comments, replies, official answers, support votes, ratings and flags.

Every change is a POST with a CSRF token that redirects back to the milestone page (PRG).
Forms with text have their own pages too: a failed submission is shown there again with
the typed text and the messages. Anonymous visitors only see links on the milestone page,
so that reading it sets no cookie; the guest comment form has its own page.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from app.auth.decorators import roles_required
from app.extensions import db, limiter
from app.i18n import LocalizedBlueprint
from app.routing import or_404
from app.models import CommentStatus, Role
from app.comments import errors, permissions, policy
from app.participation import forms, queries
from app.participation.services import comments, flags, guests, votes
from app.csrf_rerun import csrf_refused, rerun_after_csrf_error
from app.settings import get_setting
from app.slug_redirects import published_milestone
from app.rate_limits import config_value, ip_key, person_key, register_throttle_page

bp = LocalizedBlueprint("participation", __name__)

# Comment ids in URLs stay within the range of the database's integer column (app/routing.py).
COMMENT_ID = "<id:comment_id>"

REFUSAL_STATUS = {
    errors.NotConfirmed: 403, errors.AuthorBlocked: 403, errors.CommentsClosed: 403, errors.CommentsPaused: 403,
    errors.EditWindowOver: 403, errors.EditConflict: 409, errors.AlreadyFlagged: 409, errors.InvalidText: 422,
}

THROTTLE_TEXTS = {
    "comment": _l(
        "Sie haben in kurzer Zeit viele Kommentare geschrieben. Bitte warten Sie eine Weile und "
        "versuchen Sie es dann erneut."
    ),
    "vote": _l("Sie haben in kurzer Zeit sehr oft abgestimmt. Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
    "flag": _l("Sie haben in kurzer Zeit viele Meldungen geschickt. Bitte warten Sie eine Weile und versuchen Sie es dann erneut."),
}

# Views whose form is shown again with the typed text when the CSRF token expired.
KEEP_INPUT_ENDPOINTS = frozenset({
    "participation.new_comment", "participation.reply", "participation.edit",
    "participation.flag", "participation.guest_comment",
})


# --- rate limits: per account and per IP address, values from config ----------------------------


def _limits(kind: str):
    """Two shared limits (account, IP) per kind: all comment forms count together, and so on."""
    upper = kind.upper()
    per_account = limiter.shared_limit(
        config_value(f"{upper}_LIMIT_PER_ACCOUNT"), scope=f"participation-{kind}-account",
        key_func=person_key, methods=["POST"],
    )
    per_ip = limiter.shared_limit(
        config_value(f"{upper}_LIMIT_PER_IP"), scope=f"participation-{kind}-ip",
        key_func=ip_key, methods=["POST"],
    )

    def decorator(view):
        return per_account(per_ip(view))

    return decorator


# The typed text is not lost: the 429 page shows it for copying.
register_throttle_page(bp, THROTTLE_TEXTS["comment"], {
    f"{bp.name}.{view}": THROTTLE_TEXTS["flag" if view == "flag" else "vote"]
    for view in ("flag", "support", "withdraw_support", "rate")
}, kept_fields=("body",))


# Text forms are shown again with the input and a message; buttons get the error page.
bp.register_error_handler(CSRFError, rerun_after_csrf_error(KEEP_INPUT_ENDPOINTS, refuse_redirects=True))


@bp.after_request
def private_pages(response):
    """Forms and confirmations are personal: no shared cache keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- helpers --------------------------------------------------------------------------------------


def _milestone_or_404(slug: str):
    return or_404(published_milestone(slug))


def _comment_or_404(comment_id: int):
    return or_404(queries.comment_by_id(comment_id))


def _own_comment(comment_id: int):
    """The viewer's own comment; someone else's is a 403."""
    comment = _comment_or_404(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    return comment


def _published_comment_or_404(comment_id: int):
    """A published comment, else 404: a comment that is not shown answers exactly like a missing
    one, so its status, its milestone and that it exists at all stay unknown."""
    comment = _comment_or_404(comment_id)
    if comment.status != CommentStatus.PUBLISHED:
        abort(404)
    return comment


def _status_of(error: errors.ParticipationError) -> int:
    return next((code for kind, code in REFUSAL_STATUS.items() if isinstance(error, kind)), 400)


def _refused(error: errors.ParticipationError, milestone):
    """A refusal of a button (support, rating): the reason and a way back."""
    return render_template("participation/refused.html", message=str(error), milestone=milestone), _status_of(error)


def _back_to_comment(comment, *, flash_text: str | None = None, page: int | None = None):
    """Redirect to the comment in the thread (newest first), on the page that shows it."""
    if flash_text:
        flash(flash_text, "success")
    if page is None:
        page = queries.comment_page(comment, current_user)
    args = {queries.PAGE_ARG: page} if page > 1 else {}
    return redirect(url_for("public.milestone", slug=comment.milestone.slug, _anchor=f"kommentar-{comment.id}", **args), 303)


def _published_text(comment) -> str:
    if comment.status == CommentStatus.PENDING:
        return _("Vielen Dank! Ihr Beitrag wird veröffentlicht, sobald die Moderation ihn freigegeben hat.")
    return _("Ihr Beitrag ist veröffentlicht.")


def _form_page(template: str, form, status: int = 200, **context):
    """A form page; after a failed submission 422 (400 after an expired CSRF token)."""
    if request.method == "POST" and status == 200:
        status = 400 if csrf_refused() else 422
    return render_template(template, form=form, **context), status


def _text_form(form, template: str, run, done, *, failed: dict | None = None, **context):
    """A form with text: a valid POST runs the service, the view commits and answers done(result);
    a refusal shows the form again with the typed text and the message (`failed`: other context)."""
    if form.validate_on_submit():
        try:
            result = run()
        except errors.ParticipationError as error:
            form.form_errors.append(str(error))
            return _form_page(template, form, _status_of(error), **(context if failed is None else failed))
        db.session.commit()
        return done(result)
    return _form_page(template, form, **context)


def _button(run, milestone):
    """A button's service, committed; the refusal page when a rule refused it, else None."""
    try:
        run()
    except errors.ParticipationError as error:
        return _refused(error, milestone)
    db.session.commit()
    return None


def _edit_context(comment) -> dict:
    return {
        "comment": comment,
        "deadline": permissions.edit_deadline(comment),
        "premoderated": policy.moderation_mode(comment.milestone) == "pre",
    }


# --- comments -------------------------------------------------------------------------------------


@bp.get(f"/kommentare/{COMMENT_ID}")
def permalink(comment_id: int):
    """A comment's lasting address (mails, lists): the page of the thread that shows it.

    A reply is shown under its parent, so it leads to the parent's page. Comments the
    viewer cannot read (hidden, removed, someone else's pending one) answer 404.
    """
    comment = _comment_or_404(comment_id)
    if not queries.shown_to(comment, current_user):
        abort(404)
    sort, _notices = queries.parse_sort(request.args.get(queries.SORT_ARG))
    page = queries.comment_page(comment, current_user, sort)
    args: dict[str, object] = {queries.PAGE_ARG: page} if page > 1 else {}
    if sort != queries.DEFAULT_SORT:
        args[queries.SORT_ARG] = sort
    return redirect(url_for("public.milestone", slug=comment.milestone.slug,
                            _anchor=f"kommentar-{comment.id}", **args), 302)


@bp.route("/etappenziele/<slug>/kommentieren", methods=["GET", "POST"])
@_limits("comment")
@login_required
def new_comment(slug: str):
    milestone = _milestone_or_404(slug)
    form = forms.CommentForm()
    who = permissions.standing_on(current_user, milestone)
    return _text_form(
        form, "participation/comment_form.html",
        lambda: comments.post_comment(current_user, milestone, form.body.data, form_id=form.submission_id),
        # A new comment is the newest: it is on the first page.
        lambda comment: _back_to_comment(comment, flash_text=_published_text(comment), page=1),
        failed={"milestone": milestone, "to_review": who.to_review}, milestone=milestone, who=who,
    )


@bp.route(f"/kommentare/{COMMENT_ID}/antworten", methods=["GET", "POST"])
@_limits("comment")
@login_required
def reply(comment_id: int):
    # For every method, before the form: the page quotes the parent, also when a POST fails.
    parent = _published_comment_or_404(comment_id)
    if parent.parent_id is not None:
        abort(404)
    milestone = parent.milestone
    form = forms.ReplyForm()
    who = permissions.standing_on(current_user, milestone)
    return _text_form(
        form, "participation/reply_form.html",
        lambda: comments.post_comment(current_user, milestone, form.body.data, parent=parent,
                                      form_id=form.submission_id),
        lambda comment: _back_to_comment(comment, flash_text=_published_text(comment)),
        parent=parent, milestone=milestone, who=who,
    )


@bp.route(f"/kommentare/{COMMENT_ID}/bearbeiten", methods=["GET", "POST"])
@_limits("comment")
@login_required
def edit(comment_id: int):
    comment = _own_comment(comment_id)
    form = forms.EditForm()
    if request.method == "GET":
        form.body.data = comment.body
        if not permissions.may_edit(current_user, comment):
            return _refused(errors.EditWindowOver(permissions.REDACTED_TEXT if permissions.was_redacted(comment) else _(
                "Dieser Kommentar kann nicht mehr bearbeitet werden: Kommentare lassen sich nur in den "
                "ersten %(num)d Minuten nach dem Schreiben ändern.", num=current_app.config["COMMENT_EDIT_MINUTES"],
            )), comment.milestone)
    return _text_form(
        form, "participation/edit_form.html", lambda: comments.edit_comment(current_user, comment, form.body.data),
        lambda edited: _back_to_comment(edited, flash_text=_published_text(edited)
                                        if edited.status == CommentStatus.PENDING else _("Ihr Kommentar wurde geändert.")),
        **_edit_context(comment),
    )


@bp.route(f"/kommentare/{COMMENT_ID}/loeschen", methods=["GET", "POST"])
@login_required
def delete(comment_id: int):
    comment = _own_comment(comment_id)
    form = forms.ActionForm()
    if form.validate_on_submit():
        refused = _button(lambda: comments.delete_comment(current_user, comment), comment.milestone)
        return refused or _back_to_comment(comment, flash_text=_("Ihr Kommentar wurde gelöscht."))
    if not permissions.may_delete(current_user, comment):
        return _refused(errors.NotPossible(_("Dieser Kommentar kann nicht mehr gelöscht werden.")), comment.milestone)
    status = 400 if request.method == "POST" else 200
    return render_template("participation/delete_confirm.html", form=form, comment=comment), status


# --- guest comments (own page: the form sets a session cookie for its CSRF token) ----------------


@bp.route("/etappenziele/<slug>/gastkommentar", methods=["GET", "POST"])
@_limits("comment")
def guest_comment(slug: str):
    milestone = _milestone_or_404(slug)
    if current_user.is_authenticated:
        return redirect(url_for(".new_comment", slug=slug), 303)
    if not get_setting("guest_comments"):
        abort(404)
    from_settings = permissions.standing_on(None, milestone)
    form = forms.GuestCommentForm()
    return _text_form(
        form, "participation/guest_form.html",
        lambda: guests.post_guest_comment(milestone, form.name.data, form.email.data, form.body.data,
                                          form_id=form.submission_id),
        lambda _stored: redirect(url_for(".guest_comment_sent", slug=slug), 303),
        milestone=milestone, closed=from_settings.closed,
    )


@bp.get("/etappenziele/<slug>/gastkommentar/gesendet")
def guest_comment_sent(slug: str):
    milestone = _milestone_or_404(slug)
    return render_template("participation/guest_sent.html", milestone=milestone)


@bp.route("/kommentare/bestaetigen/<token>", methods=["GET", "POST"])
def confirm_guest_comment(token: str):
    """GET shows a button (mail scanners follow links), POST confirms."""
    form = forms.ActionForm()
    if form.validate_on_submit():
        try:
            comment = guests.confirm_guest_comment(token)
        except errors.ParticipationError as error:
            return render_template("participation/guest_confirm.html", form=form, error=str(error)), 400
        db.session.commit()
        return render_template("participation/guest_confirmed.html", milestone=comment.milestone)
    if request.method == "POST":
        return render_template("participation/guest_confirm.html", form=form, error=None), 400
    if not guests.guest_link_usable(token):
        return render_template("participation/guest_confirm.html", form=form,
                               error=str(errors.InvalidLink())), 404
    return render_template("participation/guest_confirm.html", form=form, error=None)


# --- official answers ------------------------------------------------------------------------


@bp.post(f"/kommentare/{COMMENT_ID}/keine-antwort-noetig")
@login_required
def no_answer_needed(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = forms.ActionForm()
    if not form.validate_on_submit():
        abort(400)
    refused = _button(lambda: comments.mark_no_answer_needed(current_user, comment), comment.milestone)
    if refused:
        return refused
    flash(_("Der Kommentar ist als „keine Antwort nötig“ markiert."), "success")
    if request.form.get("back") == "list":
        return redirect(url_for(".unanswered"), 303)
    return _back_to_comment(comment)


# The oldest first, grouped by department; a long list goes on over several pages.
UNANSWERED_PER_PAGE = 50


@bp.get("/verwaltung/unbeantwortet")
@roles_required(Role.ADMIN, Role.EDITOR)
def unanswered():
    page = queries.parse_page(request.args.get("page")).value  # 1 to MAX_PAGE, whatever was sent
    listing = queries.unanswered(current_user, page=page, per_page=UNANSWERED_PER_PAGE)
    return render_template(
        "participation/unanswered.html",
        listing=listing,
        groups=listing.groups,
        age_in_days=queries.age_in_days,
        form=forms.ActionForm(),
    )


@bp.post("/etappenziele/<slug>/kommentare-schliessen")
@login_required
def close_comments(slug: str):
    milestone = _milestone_or_404(slug)
    form = forms.ActionForm()
    closed = request.form.get("closed")
    if not form.validate_on_submit() or closed not in ("1", "0"):
        abort(400)
    comments.set_comments_closed(current_user, milestone, closed == "1")
    db.session.commit()
    flash(_("Die Kommentare zu diesem Etappenziel sind jetzt geschlossen.") if closed == "1"
          else _("Die Kommentare zu diesem Etappenziel sind wieder offen."), "success")
    return redirect(url_for("public.milestone", slug=slug, _anchor="kommentare"), 303)


# --- support votes and ratings -----------------------------------------------------------------


@bp.post("/etappenziele/<slug>/unterstuetzen")
@_limits("vote")
@login_required
def support(slug: str):
    milestone = or_404(queries.milestone_to_support(slug))
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    refused = _button(lambda: votes.support(current_user, milestone), milestone)
    if refused:
        return refused
    flash(_("Danke! Sie unterstützen dieses Etappenziel."), "success")
    return redirect(url_for("public.milestone", slug=slug, _anchor="unterstuetzung"), 303)


@bp.post("/etappenziele/<slug>/unterstuetzung-zuruecknehmen")
@_limits("vote")
@login_required
def withdraw_support(slug: str):
    milestone = _milestone_or_404(slug)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    votes.withdraw_support(current_user, milestone)
    db.session.commit()
    flash(_("Sie unterstützen dieses Etappenziel nicht mehr."), "success")
    return redirect(url_for("public.milestone", slug=slug, _anchor="unterstuetzung"), 303)


@bp.post(f"/kommentare/{COMMENT_ID}/bewerten")
@_limits("vote")
@login_required
def rate(comment_id: int):
    comment = _published_comment_or_404(comment_id)
    value = request.form.get("rating", "")
    if not forms.ActionForm().validate_on_submit() or value not in votes.RATING_VALUES:
        return _refused(errors.NotPossible(_("Diese Bewertung gibt es nicht.")), comment.milestone)
    refused = _button(lambda: votes.rate_comment(current_user, comment, votes.RATING_VALUES[value]), comment.milestone)
    return refused or _back_to_comment(comment)


# --- flags ---------------------------------------------------------------------------------------


@bp.route(f"/kommentare/{COMMENT_ID}/melden", methods=["GET", "POST"])
@_limits("flag")
@login_required
def flag(comment_id: int):
    # Before the form: the page quotes the comment, also when a POST fails.
    comment = _published_comment_or_404(comment_id)
    form = forms.FlagForm()
    return _text_form(
        form, "participation/flag_form.html",
        lambda: flags.flag_comment(current_user, comment, form.reason.data, form.text.data or ""),
        lambda _hidden: _back_to_comment(comment, flash_text=_("Danke für Ihre Meldung. Die Moderation prüft den Kommentar.")),
        comment=comment,
    )
