"""Comments without an account: confirmed by a link in a mail, then always pre-moderated."""
from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.services import find_user_by_email
from app.auth.tokens import find_usable_token, issue_token, redeem_token
from app.citizens.names import IMPERSONATION_TEXT, impersonates_staff, visible_text
from app.citizens.services import address_block
from app.comments import counters, lifecycle
from app.comments.errors import InvalidLink, InvalidText, NotPossible
from app.comments.permissions import comments_closed_reason, raise_refusal
from app.comments.policy import active_block
from app.deferred import after_commit, after_response
from app.extensions import db
from app.i18n import current_language
from app.mail.services import send_mail
from app.models import AnswerStatus, BlockedAddress, Comment, Milestone, UserBlock, utcnow
from app.participation.services.comments import earlier_submission, flush_once
from app.participation.services.text import checked_body, clean_text
from app.sanitize import plain_text_to_html
from app.settings import get_setting

GUEST_COMMENT_TOKEN = "guest_comment"
GUEST_NAME_MAX = 100


def guest_address_block(address: str) -> UserBlock | BlockedAddress | None:
    """The running block behind a guest's address: of the account with this address, or of a
    deleted account (kept as a hash until the block ends). A blocked author must not get
    round the block by signing out and writing as a guest."""
    account = find_user_by_email(address)
    block = active_block(account) if account is not None else None
    return block if block is not None else address_block(address)


def post_guest_comment(milestone: Milestone, name: str, email: str, body: str,
                       form_id: str | None = None) -> None:
    """A comment without an account: confirmed by a link in a mail, then always pre-moderated.

    The input is checked at once; the comment is stored after the answer. A blocked address
    gets the same answer as any guest, and only the owner of the address learns from a mail
    that the comment was not taken.
    """
    if not get_setting("guest_comments") or not milestone.published:
        raise NotPossible(_l("Kommentare ohne Konto sind nicht möglich."))
    raise_refusal(comments_closed_reason(milestone))
    name = " ".join(visible_text(name).split())
    if not name or len(name) > GUEST_NAME_MAX:
        raise InvalidText(_l("Bitte geben Sie einen Namen mit höchstens %(max)d Zeichen an.", max=GUEST_NAME_MAX))
    if impersonates_staff(name):
        raise InvalidText(IMPERSONATION_TEXT)
    try:
        address = validate_email(clean_text(email), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidText(_l("Bitte geben Sie eine gültige E-Mail-Adresse an.")) from None
    text = checked_body(body)
    # The block look-up, the comment and the mail come after the answer: its timing must not
    # tell whether the address is blocked.
    after_response(_store_guest_comment, milestone.id, name, address, text, current_language(), form_id)


def _store_guest_comment(milestone_id: int, name: str, address: str, text: str, locale: str,
                         form_id: str | None = None) -> Comment | None:
    """The comment of post_guest_comment() and its confirmation mail; None for a blocked address.

    The same form sent again stores nothing and sends no second mail.
    """
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        return None
    if earlier_submission(Comment.guest_email == address, form_id) is not None:
        return None
    block = guest_address_block(address)
    if block is not None:
        send_mail(address, _l("Ihr Kommentar wurde nicht angenommen"), "participation_guest_blocked",
                  locale=locale, milestone=milestone, until=block.until)
        return None
    comment = Comment(
        milestone_id=milestone.id,
        guest_name=name,
        guest_email=address,
        body=text,
        body_html=plain_text_to_html(text),
        answer_status=AnswerStatus.OPEN.value,
        form_id=form_id,
    )
    lifecycle.start(comment, milestone, is_guest=True)
    db.session.add(comment)
    if flush_once(comment, Comment.guest_email == address, form_id) is not comment:
        return None
    hours = current_app.config["GUEST_COMMENT_CONFIRM_HOURS"]
    raw = issue_token(GUEST_COMMENT_TOKEN, timedelta(hours=hours), payload={"comment_id": comment.id})
    counters.recount_comments(milestone.id)
    after_commit(
        send_mail,
        address,
        _l("Bitte bestätigen Sie Ihren Kommentar"),
        "participation_guest_confirm",
        locale=locale,
        milestone=milestone,
        guest_name=name,
        token=raw,
        hours=hours,
    )
    return comment


def _token_comment(token) -> Comment | None:
    comment_id = (token.payload or {}).get("comment_id") if token is not None else None
    return db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None


def guest_link_usable(raw_token: str) -> bool:
    """The confirmation link is known, unused and not expired (reads only)."""
    return find_usable_token(raw_token, GUEST_COMMENT_TOKEN) is not None


def confirm_guest_comment(raw_token: str) -> Comment:
    """Use the mailed link once: the comment goes to the moderation queue."""
    comment = redeem_token(raw_token, GUEST_COMMENT_TOKEN, _token_comment, InvalidLink)
    comment.guest_confirmed_at = utcnow()
    db.session.flush()
    return comment
