"""Language in the URL: German at /, English under /en/.

A LocalizedBlueprint registers each rule twice, once as it is (lang="de") and once
under /en (lang="en"), with one endpoint. url_for() picks the rule whose default
matches the current language, so links stay in the language of the page.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, g, has_app_context, request, url_for
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

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
    locale it chose (or the one force_locale set) and the domain on `g._flask_babel`; the
    catalogue is remembered there next to the very locale and domain objects it belongs to, so
    force_locale (a new locale object) gets its own. Outside an app context, or before
    Flask-Babel chose a locale, it is asked as before.
    """
    state = g.get("_flask_babel") if has_app_context() else None
    remembered = getattr(state, "etappen_translations", None)
    if (remembered is not None and remembered[0] is getattr(state, "babel_locale", None)
            and remembered[1] is getattr(state, "babel_domain", None)):
        return remembered[2]
    translations = get_translations()
    if state is not None:
        locale, domain = getattr(state, "babel_locale", None), getattr(state, "babel_domain", None)
        if locale is not None and domain is not None:
            state.etappen_translations = (locale, domain, translations)
    return translations


def current_locale():
    """Flask-Babel's get_locale(), read from where Flask-Babel keeps it once chosen."""
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    return locale if locale is not None else get_locale()


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext through current_translations()."""
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask_babel.lazy_gettext through current_translations(), for labels shown on every page."""
    return LazyString(gettext, string, **variables)


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
    app.jinja_env.globals["localized"] = localized_text

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


def english_attribute(attribute: str) -> str:
    """The English twin of a text column: title -> title_en, description_html -> description_en_html."""
    if attribute.endswith("_html"):
        return attribute[: -len("_html")] + "_en_html"
    return attribute + "_en"


@dataclass(frozen=True)
class LocalizedText:
    """A municipal text in the reader's language, or the German one with lang="de" when there is none."""

    text: str
    lang: str | None = None
    is_html: bool = False

    @property
    def attr(self) -> Markup:
        """ lang="de" for the element holding a German fallback, else nothing."""
        return Markup(' lang="%s"') % self.lang if self.lang else Markup("")

    @property
    def german_only(self) -> bool:
        return self.lang is not None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> Markup:
        return Markup(self.text) if self.is_html else escape(self.text)


def localized_text(obj: object, attribute: str, lang: str | None = None) -> LocalizedText:
    """obj.attribute in the language (default: the page's); English falls back to German, marked.

    HTML attributes (…_html) are sanitized at write time, so they are printed as they are.
    """
    lang = lang or current_language()
    german = getattr(obj, attribute) or ""
    is_html = attribute.endswith("_html")
    if lang == DEFAULT_LANGUAGE:
        return LocalizedText(german, None, is_html)
    english = (getattr(obj, english_attribute(attribute), "") or "").strip()
    if english:
        return LocalizedText(getattr(obj, english_attribute(attribute)), None, is_html)
    return LocalizedText(german, "de" if german.strip() else None, is_html)


def localized(obj: object, attribute: str, lang: str | None = None) -> str:
    """The plain text of localized_text(), for feeds, the API and page titles."""
    return localized_text(obj, attribute, lang).text


def language_name(code: str) -> str:
    return {"de": "Deutsch", "en": "English"}[code]


__all__ = [
    "LocalizedBlueprint", "LocalizedText", "init_app", "select_locale", "alternate_url", "get_locale",
    "localized", "localized_text",
]
