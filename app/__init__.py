"""Application factory."""
from __future__ import annotations

# Not "import logging": importing the submodule app.logging rebinds that name in this package.
from logging import getLogger
import sqlite3

from flask import Flask, g, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import BadHost, Forbidden, HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from app import deferred, formatting, forms_base, http_cache, i18n, layout, page_cache, rate_limits, routing
from app import logging as app_logging
from app.cli import register as register_cli
from app.auth.permissions import PermissionDenied
from app.auth.routes import SESSION_NONCE_KEY
from app.auth.routes import bp as auth_bp
from app.auth.services import load_user_from_session_id
from app.backend import navigation as backend_navigation
from app.backend.routes import bp as backend_bp
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.pages.routes import bp as pages_bp
from app.participation.routes import bp as participation_bp
from app.public.routes import bp as public_bp
from app.strategy.routes import bp as strategy_bp
from app.admin_settings.routes import bp as admin_settings_bp
from app.staff.routes import bp as staff_bp
from app.theme import bp as theme_bp
from app.transfer.routes import bp as transfer_bp
from app.api.routes import bp as api_bp
from app.calendar.routes import bp as calendar_bp
from app.contact.routes import bp as contact_bp
from app.embed.routes import bp as embed_bp
from app.feeds.routes import bp as feeds_bp
from app.seo.routes import bp as seo_bp
from app.slug_redirects import former_slug_redirect
from app.moderation.routes import bp as moderation_bp
from app.moderation.public_routes import bp as moderation_public_bp
from app.citizens.routes import bp as citizens_bp
from app.subscriptions.routes import bp as subscriptions_bp
from app.ops.routes import bp as ops_bp
from app.internal.routes import bp as internal_bp
from app.reporting.routes import bp as reporting_bp
from app.reporting.admin_routes import bp as reporting_admin_bp
from config import CONFIGS, DEFAULT_BASE_URL, INSTANCE_DIR, config_name

log = getLogger(__name__)

BASE_URL_WARNING = (
    "BASE_URL is still the default " + DEFAULT_BASE_URL + ": links in mails, feeds, the API, "
    "the sitemap and embed snippets point there. Set BASE_URL to the public address."
)


def create_app(config: str | type | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    routing.init_app(app)
    forms_base.init_app(app)
    config_class = CONFIGS[config or config_name()] if not isinstance(config, type) else config
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (environment variable SECRET_KEY).")
    INSTANCE_DIR.mkdir(exist_ok=True)
    _postgres_session_options(app)

    app_logging.init_app(app)
    if app.config.get("PRODUCTION") and app.config.get("BASE_URL", "").rstrip("/") == DEFAULT_BASE_URL:
        log.warning(BASE_URL_WARNING)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    rate_limits.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    formatting.init_app(app)
    layout.init_app(app)
    backend_navigation.init_app(app)
    deferred.init_app(app)

    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    http_cache.init_app(app)
    page_cache.init_app(app)
    register_cli(app)
    # Outermost, so that the page cache sees the client's host and scheme.
    if app.config["PROXY_FIX_COUNT"]:
        n = app.config["PROXY_FIX_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    return app


@login_manager.user_loader
def load_user(user_id: str):
    return load_user_from_session_id(user_id, session.get(SESSION_NONCE_KEY))


def register_blueprints(app: Flask) -> None:
    """Register every blueprint in this order; a prefix of None keeps the blueprint's own."""
    for blueprint, url_prefix in (
        (public_bp, None),
        (strategy_bp, None),
        (pages_bp, None),
        (backend_bp, "/verwaltung"),
        (auth_bp, "/konto"),
        (transfer_bp, "/verwaltung/csv"),
        (admin_settings_bp, "/verwaltung/einstellungen"),
        (staff_bp, "/verwaltung/konten"),
        (theme_bp, None),
        (feeds_bp, None),
        (calendar_bp, None),
        (api_bp, "/api/v1"),
        (embed_bp, None),
        (seo_bp, None),
        (participation_bp, None),
        (moderation_bp, "/verwaltung/moderation"),
        (moderation_public_bp, None),
        (reporting_bp, None),
        (reporting_admin_bp, "/verwaltung/berichte"),
        (citizens_bp, "/konto"),
        (subscriptions_bp, None),
        (contact_bp, None),
        (ops_bp, None),
        (internal_bp, "/verwaltung"),
    ):
        app.register_blueprint(blueprint, url_prefix=url_prefix)


def _postgres_session_options(app: Flask) -> None:
    """POSTGRES_OPTIONS for every connection to PostgreSQL (set at connect time, so a pooled
    connection keeps them across transactions)."""
    options = app.config.get("POSTGRES_OPTIONS")
    if options and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        engine_options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        engine_options["connect_args"] = {**engine_options.get("connect_args", {}), "options": options}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the request answers, even across a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _host_refused() -> bool:
    """The Host header was malformed or not in TRUSTED_HOSTS: Flask made no URL adapter, so
    nothing can call url_for (the pages' layout does)."""
    return isinstance(request.routing_exception, (BadHost, SecurityError))


def register_error_handlers(app: Flask) -> None:
    def render_error(error: HTTPException):
        if error.code == 404 and (moved := former_slug_redirect()) is not None:
            return moved
        if "lang" not in g:
            g.lang = "en" if request.path == "/en" or request.path.startswith("/en/") else "de"
        code = error.code or 500
        if _host_refused():
            return layout.bare_error_page(code, g.lang)
        return render_template("errors/error.html", error=error, code=code), code

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_error)

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        return render_error(Forbidden())

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(error)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        if "lang" not in g:
            g.lang = "en" if request.path.startswith("/en/") else "de"
        if _host_refused():
            return layout.bare_error_page(500, g.lang)
        return render_template("errors/error.html", error=None, code=500), 500


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        ancestors = g.get("frame_ancestors") or "'self'"
        response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response
