"""Sign-in rules for staff and citizens: passwords, reset links, second factor, sessions.

Functions take the acting user and plain data and raise AuthError subclasses; the views
turn those into form messages. Session cookies are the views' business. Functions flush;
the view commits (mails go out after that commit).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, update

from app.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from app.auth.permissions import is_admin, require
from app.auth.tokens import consume_token, issue_token, revoke_tokens
from app.deferred import after_response
from app.errors import Refusal
from app.extensions import db
from app.mail.services import queue_mail
from app.models import RecoveryCode, RevokedSession, Role, TokenPurpose, User, utcnow

RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: codes are read from paper. 32 symbols, 16 of them: 80 bits per code.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 16


class AuthError(Refusal):
    """A sign-in rule refused the request; str() is the message for the user."""

    message = _l("Die Anfrage konnte nicht verarbeitet werden.")


class InvalidCredentials(AuthError):
    message = _l("E-Mail-Adresse oder Passwort ist falsch.")


class AccountDisabled(AuthError):
    message = _l("Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Verwaltung.")


class WrongPassword(AuthError):
    message = _l("Das aktuelle Passwort ist falsch.")


class PasswordRejected(AuthError):
    """The new password breaks the policy."""


class InvalidToken(AuthError):
    message = _l("Dieser Link ist ungültig, abgelaufen oder wurde bereits benutzt.")


class InvalidCode(AuthError):
    message = _l("Der Code ist falsch oder abgelaufen.")


class SecondFactorMandatory(AuthError):
    message = _l("Für Konten mit Administrationsrechten ist die Zwei-Faktor-Anmeldung vorgeschrieben.")


# --- accounts and sessions ---------------------------------------------------------------


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(User.select_by_email(normalize_email(email)))


def load_user_from_session_id(session_id: str, nonce: str | None = None) -> User | None:
    """Flask-Login's user loader: "<id>:<session version>" of an active account, else nobody.

    A password change or reset raises the version, which ends every older session; a session
    signed out (its nonce revoked) stays ended, also for a copy of its cookie.
    """
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    if nonce is not None and db.session.get(RevokedSession, _nonce_hash(nonce)) is not None:
        return None
    return user


def new_session_nonce() -> str:
    """A random name for one session; signing out revokes it on the server."""
    return secrets.token_urlsafe(24)


def _nonce_hash(nonce) -> str:
    return hashlib.sha256(str(nonce).encode("utf-8")).hexdigest()


def end_session(user: User, nonce: str | None) -> None:
    """Sign out one session for good: a copy of its cookie no longer works. A session without a
    nonce (opened before sessions had one) can only be ended with all others."""
    if nonce:
        if db.session.get(RevokedSession, _nonce_hash(nonce)) is None:
            db.session.add(RevokedSession(nonce_hash=_nonce_hash(nonce)))
    else:
        user.session_version += 1
    db.session.flush()


def purge_revoked_sessions(older_than: datetime) -> int:
    """Forget sessions signed out before the given time (their cookies have expired)."""
    result = db.session.execute(delete(RevokedSession).where(RevokedSession.revoked_at < older_than))
    return result.rowcount or 0


def authenticate(email: str, password: str) -> User:
    """The account for these credentials; raises InvalidCredentials or AccountDisabled."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password or ""):
        raise InvalidCredentials()
    if not user.active:
        raise AccountDisabled()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no "//" or "\\" tricks."""
    if not target or len(target) > 2000:
        return False
    # Browsers drop tabs and line breaks and read "\" as "/", turning "/\t/x" into "//x".
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def second_factor_mandatory(user: User) -> bool:
    """REQUIRE_ADMIN_2FA is on and the user is an admin."""
    return bool(current_app.config.get("REQUIRE_ADMIN_2FA")) and user.has_role(Role.ADMIN)


def second_factor_setup_required(user: User) -> bool:
    """The second factor is mandatory for this user and not set up yet."""
    return second_factor_mandatory(user) and not user.has_second_factor


# --- passwords -----------------------------------------------------------------------------


def set_password(user: User, new_password: str) -> None:
    """Store a new password (policy checked) and end the account's other sessions."""
    problems = password_problems(new_password, user.email)
    if problems:
        raise PasswordRejected(" ".join(problems))
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_version += 1


def end_all_sessions(user: User) -> None:
    """Sign the account out everywhere: every session cookie issued so far stops working (also
    a copy of one)."""
    user.session_version += 1
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password; the user gets a notice by e-mail."""
    if not verify_password(user.password_hash, current_password or ""):
        raise WrongPassword()
    set_password(user, new_password)
    revoke_tokens(user, TokenPurpose.PASSWORD_RESET)
    _send_password_changed(user)


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; silent otherwise (no enumeration).

    The look-up and the mail happen after the answer: its timing must not tell whether the
    address has an account.
    """
    after_response(_mail_reset_link, normalize_email(email))


def _mail_reset_link(email: str) -> None:
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    raw = issue_token(TokenPurpose.PASSWORD_RESET, timedelta(hours=hours), user=user)
    queue_mail(
        user,
        _l("Passwort zurücksetzen"),
        "password_reset",
        token=raw,
        hours=hours,
    )


def reset_password(raw_token: str, new_password: str) -> User:
    """Use a reset link once: set the password, end all sessions, notify the user.

    On InvalidToken or PasswordRejected the caller rolls back: the link stays usable for a
    better password.
    """
    problems = password_problems(new_password)
    if problems:
        raise PasswordRejected(" ".join(problems))
    token = consume_token(raw_token, TokenPurpose.PASSWORD_RESET)
    if token is None or token.user is None or not token.user.active:
        raise InvalidToken()
    user = token.user
    set_password(user, new_password)
    revoke_tokens(user, TokenPurpose.PASSWORD_RESET)
    _send_password_changed(user)
    return user


def _send_password_changed(user: User) -> None:
    queue_mail(
        user,
        _l("Ihr Passwort wurde geändert"),
        "password_changed",
        changed_at=user.password_changed_at,
    )


# --- second factor (TOTP) ------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app imports."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def _matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code this is (one step of clock drift allowed), or None."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or datetime.now())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable_second_factor(user: User, secret: str, code: str) -> list[str]:
    """Switch TOTP on once a code from the app proves the set-up; returns new recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        raise InvalidCode()
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    # Sessions opened without the second factor end here.
    user.session_version += 1
    codes = _replace_recovery_codes(user)
    db.session.flush()
    _send_second_factor_notice(user, enabled=True)
    return codes


def verify_second_factor(user: User, code: str) -> bool:
    """A fresh TOTP code or an unused recovery code; each is accepted only once."""
    if not user.has_second_factor:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        # Conditional update: the same code sent twice (replay, double click) passes once.
        result = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(user)
        return result.rowcount == 1
    return use_recovery_code(user, code)


def use_recovery_code(user: User, code: str) -> bool:
    normalized = _normalize_recovery_code(code)
    if len(normalized) != RECOVERY_CODE_LENGTH:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery_code(normalized),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def regenerate_recovery_codes(user: User, password: str) -> list[str]:
    """New recovery codes (the old ones stop working); asks for the password again."""
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword()
    if not user.has_second_factor:
        raise InvalidCode()
    codes = _replace_recovery_codes(user)
    db.session.flush()
    return codes


def disable_second_factor(user: User, password: str) -> None:
    """The user switches TOTP off (not allowed for admins when it is mandatory)."""
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword()
    if second_factor_mandatory(user):
        raise SecondFactorMandatory()
    _clear_second_factor(user)
    db.session.flush()
    _send_second_factor_notice(user, enabled=False)


def reset_second_factor(actor: User, user: User) -> None:
    """An admin removes another user's second factor (lost phone); the user must set it up again."""
    require(is_admin(actor))
    _clear_second_factor(user)
    user.session_version += 1
    db.session.flush()
    _send_second_factor_notice(user, enabled=False, by_admin=True)


def _clear_second_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = []


def _replace_recovery_codes(user: User) -> list[str]:
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.recovery_codes = [RecoveryCode(code_hash=_hash_recovery_code(code)) for code in codes]
    return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def _normalize_recovery_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())


def _hash_recovery_code(normalized: str) -> str:
    # 80 random bits per code: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(normalized.encode("ascii")).hexdigest()


def _send_second_factor_notice(user: User, enabled: bool, by_admin: bool = False) -> None:
    subject = (
        _l("Zwei-Faktor-Anmeldung eingeschaltet") if enabled
        else _l("Zwei-Faktor-Anmeldung ausgeschaltet")
    )
    queue_mail(
        user,
        subject,
        "second_factor_changed",
        enabled=enabled,
        by_admin=by_admin,
    )
