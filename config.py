"""Configuration classes. The only module that reads os.environ."""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return int(value)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def sqlalchemy_url(url: str) -> str:
    """Normalise postgres URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = env_str("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'etappen.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Public base URL, used for absolute links in mails and feeds sent outside a request.
    BASE_URL = env_str("BASE_URL", "http://127.0.0.1:5000")
    PROXY_FIX_COUNT = env_int("PROXY_FIX_COUNT", 0)
    EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS")

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Defaults for settings an administrator may later change in the database.
    MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Musterstadt")
    STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 90)
    MODERATION_MODE = env_str("MODERATION_MODE", "post")  # "pre" or "post"
    COMMENTS_OPEN = env_bool("COMMENTS_OPEN", True)
    GUEST_COMMENTS = env_bool("GUEST_COMMENTS", False)
    AUTO_HIDE_FLAGS = env_int("AUTO_HIDE_FLAGS", 3)
    PER_PAGE = 20

    MAIL_SERVER = env_str("MAIL_SERVER")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = env_str("MAIL_USERNAME")
    MAIL_PASSWORD = env_str("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER", "etappen@localhost")

    RATELIMIT_STORAGE_URI = env_str("RATELIMIT_STORAGE_URI", env_str("REDIS_URL", "memory://"))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024


class DevelopmentConfig(Config):
    DEBUG = False
    # A development-only key; production refuses to start without a real one.
    SECRET_KEY = env_str("SECRET_KEY", "development-only-not-secret")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(env_str("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    BASE_URL = "http://localhost"
    SERVER_NAME = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_name() -> str:
    return env_str("ETAPPEN_CONFIG", "development") or "development"
