"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 hashes anything, but a megabyte "password" is only a way to burn CPU

# argon2-cffi's default profile (RFC 9106, low memory): 3 passes over 64 MiB.
DEFAULT_PARAMETERS = RFC_9106_LOW_MEMORY

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


def _hasher() -> PasswordHasher:
    """The argon2id hasher with the cost parameters from config (cheap ones in tests)."""
    config = current_app.config if has_app_context() else {}
    return _hasher_with(
        config.get("PASSWORD_HASH_TIME_COST", DEFAULT_PARAMETERS.time_cost),
        config.get("PASSWORD_HASH_MEMORY_KIB", DEFAULT_PARAMETERS.memory_cost),
        config.get("PASSWORD_HASH_PARALLELISM", DEFAULT_PARAMETERS.parallelism),
    )


@lru_cache(maxsize=4)
def _hasher_with(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not password_hash:
        # Same work as for a real account, so response times do not reveal unknown addresses.
        try:
            hasher.verify(_dummy_hash(hasher), password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower case."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        return frozenset(
            line.strip() for line in handle if line.strip() and not line.startswith("## ")
        )


def is_common_password(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Why the policy refuses this password, as messages for the form; empty if it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            str(_l("Das Passwort muss mindestens %(min)d Zeichen lang sein.", min=MIN_LENGTH))
        )
    elif len(password) > MAX_LENGTH:
        problems.append(
            str(_l("Das Passwort darf höchstens %(max)d Zeichen lang sein.", max=MAX_LENGTH))
        )
    if is_common_password(password):
        problems.append(
            str(_l("Dieses Passwort ist sehr verbreitet und leicht zu erraten. "
                   "Bitte wählen Sie ein anderes."))
        )
    if email and password.strip().lower() in {email.strip().lower(), email.split("@")[0].lower()}:
        problems.append(str(_l("Das Passwort darf nicht Ihre E-Mail-Adresse sein.")))
    return problems
