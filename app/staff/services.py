"""Staff accounts: invitations, roles and departments, deactivation, second factor resets.

Only admins act here; every function checks that itself. Changes are recorded in the audit
log. Functions flush and leave the commit to the caller; the mails they queue go out after it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth import services as auth
from app.auth.passwords import password_problems
from app.auth.permissions import is_admin, require
from app.auth.tokens import consume_token, find_usable_token, issue_token, revoke_tokens
from app.extensions import db
from app.forms_base import ValidationFailed
from app.mail.services import queue_mail
from app.models import STAFF_ROLES, Department, Role, TokenPurpose, User, UserRole, utcnow
from app.public.queries import like_any_position

# Not in TokenPurpose: tokens take new purposes without a migration (see app/models/tokens.py).
INVITATION = "staff_invitation"

ROLE_LABELS = {
    Role.ADMIN: _l("Administration"),
    Role.EDITOR: _l("Redaktion"),
    Role.MODERATOR: _l("Moderation"),
    Role.CITIZEN: _l("Bürger:in"),
}
ROLE_ORDER = (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.CITIZEN)
DISPLAY_NAME_MAX = 100  # User.display_name


class Refused(Exception):
    """The action breaks a rule about accounts; str() is the message for the admin."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class AccountData:
    roles: set[Role]
    department_ids: list[int] = field(default_factory=list)


@dataclass
class InviteData(AccountData):
    email: str = ""
    display_name: str = ""


# ----------------------------------------------------------------------------- queries


@dataclass
class UserFilter:
    q: str = ""
    role: Role | None = None  # None: every staff member; CITIZEN lists citizens


def select_accounts(filters: UserFilter):
    """Accounts for the list, staff by default; search in e-mail and name, case-insensitive."""
    stmt = select(User).options(selectinload(User.departments))
    roles = [filters.role.value] if filters.role else [r.value for r in STAFF_ROLES]
    stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
    # lower(), not casefold(): the same folding as SQL lower() ("ß" stays "ß").
    text = filters.q.strip().lower()
    if text:
        # Addresses are stored in lower case; names are matched with lower(), umlauts included
        # on PostgreSQL, ASCII only on SQLite. LIKE wildcards in the search are taken literally.
        pattern = like_any_position(text)
        stmt = stmt.where(or_(User.email.like(pattern, escape="\\"),
                              func.lower(User.display_name).like(pattern, escape="\\")))
    return stmt.order_by(User.active.desc(), func.lower(User.display_name), User.id)


def has_pending_invitation(user: User) -> bool:
    return user.password_hash is None


# ----------------------------------------------------------------------------- rules


def _check_account(data: AccountData) -> tuple[set[Role], list[Department]]:
    errors: dict[str, object] = {}
    roles = {Role(r) for r in data.roles}
    if not roles:
        errors["roles"] = _l("Ein Konto braucht mindestens eine Rolle.")
    departments = (
        list(db.session.scalars(select(Department).where(Department.id.in_(data.department_ids))))
        if data.department_ids else []
    )
    if len(departments) != len(set(data.department_ids)):
        errors["department_ids"] = _l("Diese Organisationseinheit gibt es nicht.")
    elif Role.EDITOR in roles and not departments:
        errors["department_ids"] = _l("Die Redaktion braucht mindestens eine Organisationseinheit.")
    if errors:
        raise ValidationFailed(errors)
    return roles, sorted(departments, key=lambda d: d.name)


def _other_active_admins(user: User) -> int:
    """Active admins besides this user, with their rows locked so two admins cannot
    demote each other at the same moment (FOR UPDATE on PostgreSQL; SQLite writes serially)."""
    admins = db.session.scalars(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    return len(admins)


def _snapshot(user: User) -> dict:
    return {
        "active": user.active,
        "roles": sorted(r.value for r in user.roles),
        "department_ids": sorted(d.id for d in user.departments),
        "second_factor": user.has_second_factor,
    }


def _label(user: User) -> str:
    # A pseudonym, as for actors: the log outlives accounts and holds no addresses.
    return audit.actor_label(user)


# ----------------------------------------------------------------------------- actions


def invite(actor: User, data: InviteData) -> User:
    """Create an account without a password and mail it a single-use link to set one."""
    require(is_admin(actor))
    errors: dict[str, object] = {}
    email = auth.normalize_email(data.email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors["email"] = _l("„%(email)s“ ist keine gültige E-Mail-Adresse.", email=email)
        email = ""
    if email and db.session.scalar(User.select_by_email(email)) is not None:
        errors["email"] = _l("Es gibt bereits ein Konto mit dieser Adresse. Sie können dessen Rollen in der Liste ändern.")
    name = (data.display_name or "").strip() or email.split("@", 1)[0]
    if len(name) > DISPLAY_NAME_MAX:
        errors["display_name"] = _l("Höchstens %(max)d Zeichen.", max=DISPLAY_NAME_MAX)
    try:
        roles, departments = _check_account(data)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)

    user = User(email=email, display_name=name, password_hash=None, active=True, departments=departments)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, audit.AuditAction.CREATE, "user", user.id, _label(user), after=_snapshot(user))
    _send_invitation(user)
    return user


def resend_invitation(actor: User, user: User) -> None:
    """A new link for an invited user who has not set a password yet; older links stop working."""
    require(is_admin(actor))
    if not has_pending_invitation(user) or not user.active:
        raise Refused(_l("Dieses Konto hat schon ein Passwort oder ist deaktiviert."))
    _send_invitation(user)


def _send_invitation(user: User) -> None:
    days = current_app.config["INVITATION_DAYS"]
    raw = issue_token(INVITATION, timedelta(days=days), user=user)
    queue_mail(user, _l("Einladung in die Verwaltung des Portals"), "staff_invitation", token=raw, days=days)


def update_account(actor: User, user: User, data: AccountData) -> None:
    """Set the roles and departments of an account."""
    require(is_admin(actor))
    roles, departments = _check_account(data)
    if user.has_role(Role.ADMIN) and Role.ADMIN not in roles:
        if user.id == actor.id:
            raise Refused(_l("Sie können sich die Administrationsrolle nicht selbst entziehen."))
        if user.active and _other_active_admins(user) == 0:
            raise Refused(_l("Das ist das letzte aktive Administrationskonto; es muss eine Administration geben."))
    before = _snapshot(user)
    user.set_roles(roles)
    user.departments = departments
    _record_update(actor, user, before)


def deactivate(actor: User, user: User) -> None:
    """Lock the account out: its sessions end and its open links stop working."""
    require(is_admin(actor))
    if user.id == actor.id:
        raise Refused(_l("Sie können Ihr eigenes Konto nicht deaktivieren."))
    if not user.active:
        raise Refused(_l("Dieses Konto ist schon deaktiviert."))
    if user.has_role(Role.ADMIN) and _other_active_admins(user) == 0:
        raise Refused(_l("Das ist das letzte aktive Administrationskonto; es muss eine Administration geben."))
    before = _snapshot(user)
    user.active = False
    user.session_version += 1
    for purpose in (INVITATION, TokenPurpose.PASSWORD_RESET.value):
        revoke_tokens(user, purpose)
    _record_update(actor, user, before)


def reactivate(actor: User, user: User) -> None:
    require(is_admin(actor))
    if user.active:
        raise Refused(_l("Dieses Konto ist schon aktiv."))
    before = _snapshot(user)
    user.active = True
    _record_update(actor, user, before)


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a lost second factor through the sign-in service (it mails the user)."""
    require(is_admin(actor))
    if not user.has_second_factor:
        raise Refused(_l("Dieses Konto hat keine Zwei-Faktor-Anmeldung eingerichtet."))
    before = _snapshot(user)
    audit.record(actor, audit.AuditAction.UPDATE, "user", user.id, _label(user),
                 before=before, after={**before, "second_factor": False})
    auth.reset_second_factor(actor, user)


def _record_update(actor: User, user: User, before: dict) -> None:
    db.session.flush()
    audit.record(actor, audit.AuditAction.UPDATE, "user", user.id, _label(user),
                 before=before, after=_snapshot(user))


# ----------------------------------------------------------------------------- accepting


def invited_user(raw_token: str) -> User | None:
    """The account a usable invitation link belongs to; reading only (GET changes nothing)."""
    token = find_usable_token(raw_token, INVITATION)
    if token is None or token.user is None or not token.user.active:
        return None
    return token.user


def accept_invitation(raw_token: str, password: str) -> User:
    """Use the link once: set the password and confirm the address. The caller commits.

    Raises auth.InvalidToken or auth.PasswordRejected; the link stays usable after a refused
    password because nothing is consumed before the password passes the policy.
    """
    user = invited_user(raw_token)
    if user is None:
        raise auth.InvalidToken()
    problems = password_problems(password, user.email)
    if problems:
        raise auth.PasswordRejected(" ".join(problems))
    token = consume_token(raw_token, INVITATION)
    if token is None:
        raise auth.InvalidToken()
    auth.set_password(user, password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    revoke_tokens(user, INVITATION)
    db.session.flush()
    return user
