"""Creating accounts: address, roles, departments and password checked before anything is saved.

Functions add to the session and flush; the caller commits (or rolls back on an error).
Signing in and changing passwords are app/auth/services.py's business.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.auth.passwords import hash_password, password_problems
from app.auth.services import find_user_by_email, normalize_email
from app.extensions import db
from app.models import Department, Role, User, utcnow

DISPLAY_NAME_MAX = 100


class AccountError(Exception):
    """A request about an account breaks a rule; the message is meant for the person asking."""


@dataclass(frozen=True)
class NewAccount:
    """The checked parts of an account that does not exist yet."""

    email: str
    roles: frozenset[Role]
    departments: tuple[Department, ...]


def checked_email(email: str) -> str:
    """The stored form of an address (stripped, lower-case); AccountError if it is not one."""
    cleaned = normalize_email(email)
    try:
        validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(_("„%(email)s“ ist keine gültige E-Mail-Adresse.", email=cleaned)) from None
    return cleaned


def parse_roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    """Role values as Role members; AccountError for an unknown one or for none at all."""
    parsed = set()
    for role in roles:
        try:
            parsed.add(Role(str(role).strip().lower()))
        except ValueError:
            raise AccountError(_(
                "Unbekannte Rolle „%(role)s“. Möglich sind: %(known)s.",
                role=role, known=", ".join(r.value for r in Role),
            )) from None
    if not parsed:
        raise AccountError(_("Ein Konto braucht mindestens eine Rolle."))
    return frozenset(parsed)


def find_departments(slugs: Iterable[str]) -> tuple[Department, ...]:
    """The departments with these slugs; AccountError naming the unknown ones."""
    wanted = list(dict.fromkeys(slug.strip().lower() for slug in slugs))
    if not wanted:
        return ()
    found = db.session.scalars(db.select(Department).where(Department.slug.in_(wanted))).all()
    unknown = sorted(set(wanted) - {d.slug for d in found})
    if unknown:
        known = db.session.scalars(db.select(Department.slug).order_by(Department.slug)).all()
        raise AccountError(_(
            "Unbekannte Organisationseinheit: %(unknown)s. Vorhanden sind: %(known)s.",
            unknown=", ".join(unknown), known=", ".join(known) or "–",
        ))
    return tuple(sorted(found, key=lambda d: d.name))


def check_new_account(
    email: str, roles: Iterable[Role | str], departments: Iterable[str] = ()
) -> NewAccount:
    """Everything about a new account except its password; AccountError on the first problem."""
    email = checked_email(email)
    role_set = parse_roles(roles)
    department_rows = find_departments(departments)
    if find_user_by_email(email) is not None:
        raise AccountError(_("Es gibt bereits ein Konto mit der Adresse %(email)s.", email=email))
    return NewAccount(email, role_set, department_rows)


def create_user(
    email: str,
    display_name: str | None,
    roles: Iterable[Role | str],
    password: str,
    departments: Iterable[str] = (),
    *,
    confirmed: bool = False,
) -> User:
    """A new account with a hashed password, or AccountError with nothing added.

    `departments` are slugs; `display_name` defaults to the part of the address before "@".
    `confirmed` marks the address as confirmed, for accounts an operator vouches for.
    """
    account = check_new_account(email, roles, departments)
    problems = password_problems(password or "", account.email)
    if problems:
        raise AccountError(" ".join(problems))
    name = (display_name or "").strip() or account.email.split("@", 1)[0]
    if len(name) > DISPLAY_NAME_MAX:
        raise AccountError(
            _("Der Anzeigename darf höchstens %(num)d Zeichen lang sein.", num=DISPLAY_NAME_MAX)
        )
    user = User(
        email=account.email,
        display_name=name,
        password_hash=hash_password(password),
        email_confirmed_at=utcnow() if confirmed else None,
        departments=list(account.departments),
    )
    user.set_roles(set(account.roles))
    db.session.add(user)
    db.session.flush()
    return user


def add_departments(user: User, slugs: Iterable[str]) -> None:
    """Link the account to these departments as well; existing links stay."""
    current = {d.id for d in user.departments}
    user.departments.extend(d for d in find_departments(slugs) if d.id not in current)
    db.session.flush()
