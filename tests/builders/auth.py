"""Builders for sign-in tests: accounts with passwords, TOTP codes (signing in: tests/plugins/auth.py)."""
from __future__ import annotations

from datetime import datetime
from functools import cache

import pyotp

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import Role, User, utcnow
from tests.builders import make_user

PASSWORD = "ein langes Testpasswort 42"


@cache
def _default_hash() -> str:
    return hash_password(PASSWORD)  # hashing once keeps the tests fast


def make_account(email: str | None = None, roles: tuple[Role, ...] = (Role.CITIZEN,),
                 password: str = PASSWORD, **kw) -> User:
    user = make_user(email=email, roles=roles, **kw)
    user.password_hash = _default_hash() if password == PASSWORD else hash_password(password)
    db.session.commit()
    return user


def enable_totp(user: User) -> str:
    """Switch TOTP on directly; returns the secret."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return secret


def totp_code(secret: str, offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now()) + offset)
