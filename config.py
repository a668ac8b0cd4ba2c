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


DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class Config:
    PRODUCTION = False  # ETAPPEN_CONFIG=production
    SECRET_KEY = env_str("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'etappen.sqlite'}")
    )
    # hide_parameters: a failed statement's message (logged with the traceback) leaves out the
    # values, which would be comment texts, names and password hashes.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # Settings for every PostgreSQL connection (libpq "options"). JIT off: this workload is many
    # short indexed queries; JIT compilation costs more than it saves whenever a plan's estimate
    # crosses jit_above_cost (BENCHMARKS.md). An empty value leaves the server's settings.
    POSTGRES_OPTIONS = os.environ.get("POSTGRES_OPTIONS", "-c jit=off")
    SQLALCHEMY_RECORD_QUERIES = False

    # Public base URL, used for absolute links in mails, feeds, the API, the sitemap and embed
    # snippets. Production must set it to the public address (a warning at start otherwise).
    BASE_URL = env_str("BASE_URL", DEFAULT_BASE_URL)
    PROXY_FIX_COUNT = env_int("PROXY_FIX_COUNT", 0)
    # Flask's own check of the Host (and, behind ProxyFix, X-Forwarded-Host) header: comma-separated
    # host names, ".example.de" for a domain and its subdomains. Empty: not checked. Other hosts get 400.
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS") or None
    EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS")
    # Feeds, calendar and open data. The authority (a domain the operator owns) names feed entry
    # ids and calendar UIDs; set it once and never change it, or readers show every entry again.
    FEED_ID_AUTHORITY = env_str("FEED_ID_AUTHORITY")  # default: the host of BASE_URL
    FEED_MAX_ENTRIES = env_int("FEED_MAX_ENTRIES", 50)
    FEED_MAX_AGE = env_int("FEED_MAX_AGE", 300)  # seconds feeds, calendars and API answers may be cached
    DATA_LICENCE_NAME = env_str("DATA_LICENCE_NAME", "Datenlizenz Deutschland – Namensnennung – 2.0")
    DATA_LICENCE_URL = env_str("DATA_LICENCE_URL", "https://www.govdata.de/dl-de/by-2-0")

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("de", "en")

    # Defaults for settings an administrator may later change in the database.
    MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Musterstadt")
    STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 90)
    MODERATION_MODE = env_str("MODERATION_MODE", "post")  # "pre" or "post"
    COMMENTS_OPEN = env_bool("COMMENTS_OPEN", True)
    GUEST_COMMENTS = env_bool("GUEST_COMMENTS", False)
    AUTO_HIDE_FLAGS = env_int("AUTO_HIDE_FLAGS", 3)
    # Colours of the theme stylesheet (/theme.css); both need 4.5:1 contrast to white.
    PRIMARY_COLOR = env_str("PRIMARY_COLOR", "#1a5fb4")
    ACCENT_COLOR = env_str("ACCENT_COLOR", "#a51d2d")
    CONTACT_ADDRESS = env_str("CONTACT_ADDRESS", "")
    CONTACT_EMAIL = env_str("CONTACT_EMAIL", "")
    CONTACT_PHONE = env_str("CONTACT_PHONE", "")
    INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
    PER_PAGE = 20

    MAIL_SERVER = env_str("MAIL_SERVER")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = env_str("MAIL_USERNAME")
    MAIL_PASSWORD = env_str("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER", "etappen@localhost")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10)
    # Without MAIL_SERVER mails are written here as .eml files (development); None: only the outbox row.
    MAIL_OUTBOX_DIR = env_str("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 10)
    MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 300)
    MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 6 * 3600)
    MAIL_RETENTION_DAYS = env_int("MAIL_RETENTION_DAYS", 30)
    TOKEN_RETENTION_DAYS = env_int("TOKEN_RETENTION_DAYS", 7)

    # Sign-in. Limits use Flask-Limiter's notation; the per-account limit counts failed attempts only.
    LOGIN_LIMIT_PER_IP = env_str("LOGIN_LIMIT_PER_IP", "20 per minute;200 per hour")
    LOGIN_LIMIT_PER_ACCOUNT = env_str("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour")
    PASSWORD_RESET_LIMIT = env_str("PASSWORD_RESET_LIMIT", "5 per hour")
    # Changing the password, switching the second factor off, new recovery codes: the current
    # password is asked again. One budget for the three pages; per account counts wrong attempts.
    REAUTH_LIMIT_PER_IP = env_str("REAUTH_LIMIT_PER_IP", "20 per minute;200 per hour")
    REAUTH_LIMIT_PER_ACCOUNT = env_str("REAUTH_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour")
    PASSWORD_RESET_HOURS = env_int("PASSWORD_RESET_HOURS", 2)
    SECOND_FACTOR_PENDING_MINUTES = env_int("SECOND_FACTOR_PENDING_MINUTES", 5)
    REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", False)
    # argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    PASSWORD_HASH_TIME_COST = env_int("PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_KIB = env_int("PASSWORD_HASH_MEMORY_KIB", 65536)
    PASSWORD_HASH_PARALLELISM = env_int("PASSWORD_HASH_PARALLELISM", 4)

    # Participation: comments, votes, flags. Limits use Flask-Limiter's notation and apply per
    # account and per IP address each.
    COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 3000)
    COMMENT_EDIT_MINUTES = env_int("COMMENT_EDIT_MINUTES", 15)
    COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 20)
    # Public forms carry a signed start time; sent sooner than this, they count as a bot's.
    FORM_MIN_FILL_SECONDS = env_int("FORM_MIN_FILL_SECONDS", 3)
    GUEST_COMMENT_CONFIRM_HOURS = env_int("GUEST_COMMENT_CONFIRM_HOURS", 48)
    COMMENT_LIMIT_PER_ACCOUNT = env_str("COMMENT_LIMIT_PER_ACCOUNT", "5 per minute;40 per day")
    COMMENT_LIMIT_PER_IP = env_str("COMMENT_LIMIT_PER_IP", "20 per minute;300 per day")
    VOTE_LIMIT_PER_ACCOUNT = env_str("VOTE_LIMIT_PER_ACCOUNT", "30 per minute;500 per day")
    VOTE_LIMIT_PER_IP = env_str("VOTE_LIMIT_PER_IP", "120 per minute;3000 per day")
    FLAG_LIMIT_PER_ACCOUNT = env_str("FLAG_LIMIT_PER_ACCOUNT", "10 per hour;30 per day")
    FLAG_LIMIT_PER_IP = env_str("FLAG_LIMIT_PER_IP", "30 per hour;100 per day")

    # Citizen accounts and e-mail subscriptions (app/citizens, app/subscriptions).
    CONFIRM_EMAIL_HOURS = env_int("CONFIRM_EMAIL_HOURS", 48)
    SUBSCRIPTION_CONFIRM_HOURS = env_int("SUBSCRIPTION_CONFIRM_HOURS", 48)
    # `flask citizens purge-unconfirmed` deletes accounts never confirmed after this many days
    # (only those without comments, votes, ratings, flags or blocks). The privacy page names it.
    UNCONFIRMED_ACCOUNT_DAYS = env_int("UNCONFIRMED_ACCOUNT_DAYS", 7)
    # Subscribers are told about events older than this; events close together share one mail.
    NOTIFY_BATCH_MINUTES = env_int("NOTIFY_BATCH_MINUTES", 15)
    REGISTER_LIMIT_PER_IP = env_str("REGISTER_LIMIT_PER_IP", "5 per hour;20 per day")
    REGISTER_LIMIT_PER_ADDRESS = env_str("REGISTER_LIMIT_PER_ADDRESS", "3 per hour;10 per day")
    SUBSCRIBE_LIMIT_PER_IP = env_str("SUBSCRIBE_LIMIT_PER_IP", "10 per hour;50 per day")
    # Per account when signed in, else per e-mail address entered.
    CONTACT_LIMIT_PER_IP = env_str("CONTACT_LIMIT_PER_IP", "5 per hour;20 per day")
    CONTACT_LIMIT_PER_ADDRESS = env_str("CONTACT_LIMIT_PER_ADDRESS", "3 per hour;10 per day")
    SUBSCRIBE_LIMIT_PER_ADDRESS = env_str("SUBSCRIBE_LIMIT_PER_ADDRESS", "3 per hour;10 per day")
    CONFIRM_MAIL_LIMIT_PER_ACCOUNT = env_str("CONFIRM_MAIL_LIMIT_PER_ACCOUNT", "3 per hour;10 per day")

    # Operations (app/logging.py, app/ops): JSON log lines without personal data; backup tools.
    LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
    LOG_REQUESTS = env_bool("LOG_REQUESTS", True)
    PG_DUMP = env_str("PG_DUMP", "pg_dump")
    PG_RESTORE = env_str("PG_RESTORE", "pg_restore")

    # memory:// counts per worker process (app/rate_limits.py warns about it in production).
    RATELIMIT_STORAGE_URI = env_str("RATELIMIT_STORAGE_URI", env_str("REDIS_URL", "memory://"))

    # The page cache for anonymous visitors (app/page_cache). With a Redis URL, pages and tag
    # versions are shared by every app server; without one, pages stay in each process's memory
    # (bounded in bytes) and tag versions in a SQLite file that the processes of one server share.
    PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
    PAGE_CACHE_URL = env_str("PAGE_CACHE_URL", env_str("REDIS_URL", ""))
    PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 64 * 1024 * 1024)
    PAGE_CACHE_TAGS_PATH = env_str("PAGE_CACHE_TAGS_PATH", str(INSTANCE_DIR / "page-cache-tags.sqlite"))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024)


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
    TRUSTED_HOSTS = None
    SERVER_NAME = None
    MAIL_OUTBOX_DIR = None
    MAIL_SERVER = None
    # Cheap hashing keeps the suite fast; never use these values in production.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    PASSWORD_HASH_PARALLELISM = 1
    FORM_MIN_FILL_SECONDS = 0
    LOG_REQUESTS = False
    # Off for the suite as a whole (tests change config between requests); tests/test_page_cache*
    # switch it on, with tag versions in the process (None) or in a file they name.
    # TEST_PAGE_CACHE=1 runs the whole suite with it on, as a check of the invalidation.
    PAGE_CACHE_ENABLED = env_bool("TEST_PAGE_CACHE", False)
    PAGE_CACHE_URL = ""
    PAGE_CACHE_TAGS_PATH = None


class ProductionConfig(Config):
    PRODUCTION = True
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
