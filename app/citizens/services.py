"""Citizen accounts: registration, e-mail confirmation, profile and deleting the account.

Functions take the acting user and plain data, never the request, and flush: the view commits,
and the mails wait for that commit (jobs and work after the answer commit themselves). A refusal raises an
InputRejected (app.citizens.names) or an app.auth.services.AuthError; str() of either is the
message for the person. Registration answers the same whether or not an address already has
an account, so the form does not reveal who is registered.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.passwords import hash_password, password_problems, verify_password
from app.auth.services import PasswordRejected, WrongPassword, find_user_by_email
from app.auth.tokens import find_usable_token, issue_token, redeem_token
from app.citizens.names import InputRejected, InvalidLink, clean_display_name, normalize_address
from app.deferred import after_commit, after_response
from app.extensions import db
from app.i18n import LANGUAGES
from app.mail.services import send_mail
from app.models import (
    BlockedAddress,
    Comment,
    CommentRating,
    CommentStatus,
    Flag,
    Role,
    Subscription,
    SupportVote,
    TokenPurpose,
    User,
    UserBlock,
    UserRole,
    utcnow,
)
from app.comments import counters, lifecycle
from app.comments.policy import active_block


class StaffAccount(InputRejected):
    message = _l(
        "Konten der Verwaltung können hier nicht gelöscht werden. Bitte wenden Sie sich an die "
        "Administration."
    )


NOTIFICATION_SWITCHES = ("notify_replies", "notify_answers", "notify_moderation")


# --- registration and confirmation -------------------------------------------------------------


def register(display_name: str, email: str, password: str, locale: str = "de") -> None:
    """Check the input; after the answer, a new unconfirmed account with a confirmation mail.

    A taken address gets a mail instead (sign in or reset the password; or, for an
    unconfirmed account, a new confirmation link), a blocked one a mail saying so. The look-up
    and everything after it run after the answer, so its timing does not tell which case it was.
    """
    name = clean_display_name(display_name)
    address = normalize_address(email)
    problems = password_problems(password or "", address)
    if problems:
        raise PasswordRejected(" ".join(problems))
    password_hash = hash_password(password)
    after_response(_create_account, name, address, password_hash,
                   locale if locale in LANGUAGES else LANGUAGES[0])


def _create_account(name: str, address: str, password_hash: str, locale: str) -> User | None:
    """The account of register(); None when the address is taken or blocked."""
    existing = find_user_by_email(address)
    if existing is not None:
        _tell_existing_account(existing)
        return None
    blocked = address_block(address)
    if blocked is not None:
        # The same answer as any registration; only the owner of the address learns why.
        send_mail(address, _l("Mit dieser E-Mail-Adresse ist zurzeit keine Registrierung möglich"),
                  "citizens_address_blocked", locale=locale, until=blocked.until)
        return None
    user = User(
        email=address,
        display_name=name,
        password_hash=password_hash,
        locale=locale,
        password_changed_at=utcnow(),
    )
    user.set_roles({Role.CITIZEN})
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same address registered in a parallel request
        db.session.rollback()
        existing = find_user_by_email(address)
        if existing is not None:
            _tell_existing_account(existing)
        return None
    send_confirmation(user)
    return user


def _tell_existing_account(user: User) -> None:
    if not user.active:
        return
    if user.email_confirmed_at is None:
        send_confirmation(user)
        return
    send_mail(user, _l("Sie haben bereits ein Konto"), "citizens_account_exists")


def send_confirmation(user: User) -> None:
    """Mail a new confirmation link (older ones stop working) once the link is committed."""
    hours = current_app.config["CONFIRM_EMAIL_HOURS"]
    raw = issue_token(TokenPurpose.CONFIRM_EMAIL, timedelta(hours=hours), user=user,
                      payload={"email": user.email})
    after_commit(send_mail, user, _l("Bitte bestätigen Sie Ihre E-Mail-Adresse"), "citizens_confirm_email",
              token=raw, hours=hours)


def resend_confirmation(user: User) -> bool:
    """A new confirmation link for a signed-in, unconfirmed account; False if already confirmed."""
    if user.email_confirmed_at is not None:
        return False
    send_confirmation(user)
    return True


def _token_user(token) -> User | None:
    """The token's account, if it still has the address the link was sent to."""
    if token is None or token.user is None or not token.user.active:
        return None
    if (token.payload or {}).get("email") != token.user.email:
        return None
    return token.user


def confirmable_account(raw_token: str) -> User | None:
    """The account a confirmation link is for, without using the link (GET shows a button)."""
    return _token_user(find_usable_token(raw_token, TokenPurpose.CONFIRM_EMAIL))


def confirm_email(raw_token: str) -> User:
    """Use the confirmation link once; the account may then take part."""
    user = redeem_token(raw_token, TokenPurpose.CONFIRM_EMAIL, _token_user, InvalidLink)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


# --- profile ------------------------------------------------------------------------------------


def update_profile(user: User, display_name: str, **switches: bool) -> None:
    """Change the display name and the notification switches (notify_replies, ...)."""
    unknown = set(switches) - set(NOTIFICATION_SWITCHES)
    if unknown:
        raise TypeError(f"unknown notification switches: {sorted(unknown)}")
    name = clean_display_name(display_name, staff=user.is_staff)
    user.display_name = name
    for key, value in switches.items():
        setattr(user, key, bool(value))
    db.session.flush()


# --- deleting the account -------------------------------------------------------------------------


def delete_account(user: User, password: str, remove_comments: bool = False) -> None:
    """Delete a citizen's account after the password was given again.

    Votes, ratings, flags and subscriptions of the address go, and the counters they fed
    move with them in the same transaction. Comments stay readable as "Gelöschtes Konto"
    (replies and answers keep their context); with remove_comments their text goes as well
    and the thread shows "Kommentar gelöscht". The audit and moderation logs keep their
    entries: they name accounts by pseudonym ("Konto #12"), and their links to the account
    become empty (ON DELETE SET NULL).
    """
    if user.is_staff:
        raise StaffAccount()
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword()
    user_id, address, locale = user.id, user.email, user.locale
    block = active_block(user)
    if block is not None:
        keep_address_blocked(address, block.until)
    _remove_votes(user_id)
    milestone_ids = set(db.session.scalars(
        select(Comment.milestone_id).where(Comment.author_id == user_id).distinct()
    ))
    if remove_comments:
        lifecycle.remove_texts_of_author(user_id)
    db.session.execute(
        update(Comment).where(Comment.author_id == user_id).values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    for milestone_id in sorted(milestone_ids):
        counters.recount_comments(milestone_id)
    db.session.execute(
        delete(Subscription).where(Subscription.email == address).execution_options(synchronize_session=False)
    )
    audit.record(user, audit.AuditAction.DELETE, "user", user_id, audit.actor_label(user))
    db.session.delete(user)
    db.session.flush()
    db.session.expire_all()
    after_commit(send_mail, address, _l("Ihr Konto wurde gelöscht"), "citizens_account_deleted", locale=locale)


def _remove_votes(user_id: int) -> None:
    """Delete the account's votes, ratings and flags, each with its counter, row by row.

    Each DELETE is conditional, so a counter moves only for a row this transaction removed.
    """
    supported = db.session.scalars(select(SupportVote.milestone_id).where(SupportVote.user_id == user_id)).all()
    for milestone_id in supported:
        if _deleted(delete(SupportVote).where(SupportVote.milestone_id == milestone_id,
                                              SupportVote.user_id == user_id)):
            counters.add_support(milestone_id, -1)
    ratings = db.session.execute(
        select(CommentRating.comment_id, CommentRating.helpful).where(CommentRating.user_id == user_id)
    ).all()
    for comment_id, helpful in ratings:
        if _deleted(delete(CommentRating).where(CommentRating.comment_id == comment_id,
                                                CommentRating.user_id == user_id)):
            counters.add_ratings(comment_id, helpful=-int(helpful), unhelpful=-int(not helpful))
    flagged = db.session.scalars(select(Flag.comment_id).where(Flag.user_id == user_id)).all()
    for comment_id in flagged:
        if _deleted(delete(Flag).where(Flag.comment_id == comment_id, Flag.user_id == user_id)):
            db.session.execute(
                update(Comment).where(Comment.id == comment_id).values(flag_count=Comment.flag_count - 1)
                .execution_options(synchronize_session=False)
            )


def _deleted(statement) -> bool:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def account_summary(user: User) -> dict[str, int]:
    """How many comments, votes, ratings, flags and subscriptions the account has (delete page)."""
    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    return {
        "comments": count(Comment, Comment.author_id == user.id, Comment.status != CommentStatus.DELETED.value),
        "votes": count(SupportVote, SupportVote.user_id == user.id),
        "ratings": count(CommentRating, CommentRating.user_id == user.id),
        "flags": count(Flag, Flag.user_id == user.id),
        "subscriptions": count(Subscription, Subscription.email == user.email),
    }


# --- blocks outlive a deleted account (as a keyed hash of the address) ----------------------------


def address_hash(address: str) -> str:
    """HMAC-SHA256 of the normalised address, keyed with SECRET_KEY: not reversible without the key."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, address.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def keep_address_blocked(address: str, until: datetime | None) -> None:
    """Remember the blocked address of an account being deleted until the block ends (None: for good)."""
    digest = address_hash(address)
    row = db.session.scalar(select(BlockedAddress).where(BlockedAddress.address_hash == digest))
    if row is None:
        db.session.add(BlockedAddress(address_hash=digest, until=until))
    elif row.until is not None and (until is None or until > row.until):
        row.until = until
    db.session.flush()


def address_block(address: str, now: datetime | None = None) -> BlockedAddress | None:
    """The running block of an address whose account was deleted while blocked, if any."""
    now = now or utcnow()
    return db.session.scalar(
        select(BlockedAddress).where(
            BlockedAddress.address_hash == address_hash(address),
            or_(BlockedAddress.until.is_(None), BlockedAddress.until > now),
        )
    )


def purge_ended_address_blocks(now: datetime | None = None) -> int:
    """Delete the hashes of addresses whose block has ended; commits."""
    now = now or utcnow()
    count = db.session.execute(
        delete(BlockedAddress).where(BlockedAddress.until.is_not(None), BlockedAddress.until <= now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


# --- never-confirmed accounts ------------------------------------------------------------------------


def purge_unconfirmed(older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Delete citizen accounts never confirmed within the period (UNCONFIRMED_ACCOUNT_DAYS) that hold nothing.

    "Nothing": no comment, vote, rating, flag or block, and no role but citizen. Their tokens go
    with them (ON DELETE CASCADE). Commits; returns how many accounts were deleted.
    """
    days = current_app.config["UNCONFIRMED_ACCOUNT_DAYS"] if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = (now or utcnow()) - timedelta(days=days)
    holds = [
        exists().where(Comment.author_id == User.id),
        exists().where(SupportVote.user_id == User.id),
        exists().where(CommentRating.user_id == User.id),
        exists().where(Flag.user_id == User.id),
        exists().where(UserBlock.user_id == User.id),
        exists().where(UserRole.user_id == User.id, UserRole.role != Role.CITIZEN.value),
    ]
    users = db.session.scalars(
        select(User).where(
            User.email_confirmed_at.is_(None),
            User.created_at < cutoff,
            *[~condition for condition in holds],
        )
    ).all()
    for user in users:
        db.session.delete(user)
    db.session.commit()
    return len(users)
