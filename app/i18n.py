"""Language in the URL: German at /, English under /en/.

A LocalizedBlueprint registers each rule twice, once as it is (lang="de") and once
under /en (lang="en"), with one endpoint. url_for() picks the rule whose default
matches the current language, so links stay in the language of the page.
"""
from __future__ import annotations

from flask import Blueprint, Flask, g, has_app_context, request, url_for
from flask_babel import get_locale, get_translations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"


class LocalizedBlueprint(Blueprint):
    localized = True

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        defaults = dict(options.pop("defaults", None) or {})
        super().add_url_rule(
            rule, endpoint, view_func, provide_automatic_options,
            defaults={**defaults, "lang": "de"}, **options,
        )
        endpoint = endpoint or (view_func.__name__ if view_func else None)

        def register_english(state):
            prefix = state.url_prefix or ""
            full = "/en" + prefix + (rule if rule.startswith("/") or not rule else "/" + rule)
            if full == "/en":
                full = "/en/"
            state.app.add_url_rule(
                full,
                f"{state.name_prefix}.{state.name}.{endpoint}".lstrip("."),
                view_func,
                defaults={**(state.url_defaults or {}), **defaults, "lang": "en"},
                **options,
            )

        self.record(register_english)


def current_translations():
    """Flask-Babel's catalogue for the current locale (get_translations()), found in one lookup.

    get_translations() resolves the request's Babel state, domain and locale through about ten
    context-local lookups per call, and templates call it for every string. Flask-Babel keeps the
    locale it chose (or the one force_locale set) and the domain on `g._flask_babel`; with both
    there, the catalogue is the one it returned before for that pair. Without them (first call
    of a request, outside a request, another Flask-Babel) it is asked as before.
    """
    state = g.get("_flask_babel") if has_app_context() else None
    key = (getattr(state, "babel_domain", None), getattr(state, "babel_locale", None))
    try:
        return _catalogues[key]
    except KeyError:
        translations = get_translations()
        if key[0] is not None and key[1] is not None:
            _catalogues[key] = translations
        return translations


# (Flask-Babel domain, babel Locale) -> its translations; a handful of entries per process.
_catalogues: dict = {}


def _install_gettext(app: Flask) -> None:
    """The templates' _(), ngettext() and pgettext() through current_translations()."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    _install_gettext(app)

    @app.url_value_preprocessor
    def pop_language(endpoint, values):
        if values is not None and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_language(endpoint, values):
        if "lang" in values or not endpoint:
            return
        if expects_language(app, endpoint):
            values["lang"] = current_language()


def expects_language(app: Flask, endpoint: str) -> bool:
    """Whether the endpoint's rules take a language (url_map.is_endpoint_expecting, remembered:
    it walks the endpoint's rules, and every url_for asks). Flask allows no new rules once
    requests are served."""
    known = app.extensions.setdefault("etappen.expects_language", {})
    try:
        return known[endpoint]
    except KeyError:
        known[endpoint] = expects = app.url_map.is_endpoint_expecting(endpoint, "lang")
        return expects


def current_language() -> str:
    lang = g.get("lang") if has_app_context() else None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel locale selector: the language of the URL."""
    return current_language()


def alternate_url(lang: str) -> str:
    """The current page in another language (same endpoint, arguments and query)."""
    if request.endpoint is None or request.url_rule is None:
        return "/en/" if lang == "en" else "/"
    if "lang" not in (request.url_rule.defaults or {}):
        return "/en/" if lang == "en" else "/"
    args = dict(request.view_args or {})
    args.update(request.args.to_dict(flat=False))
    return url_for(request.endpoint, lang=lang, **args)


def language_name(code: str) -> str:
    return {"de": "Deutsch", "en": "English"}[code]


__all__ = ["LocalizedBlueprint", "init_app", "select_locale", "alternate_url", "get_locale"]
