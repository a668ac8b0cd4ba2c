"""What every page's layout needs: site name, navigation, error texts."""
from __future__ import annotations

from flask import Flask, Response, request, url_for
from markupsafe import escape

from app.i18n import lazy_gettext as _l
from app.settings import get_setting

MAIN_NAVIGATION = (
    ("public.home", _l("Übersicht")),
    ("public.milestones", _l("Etappenziele")),
    ("strategy.roadmap", _l("Zeitplan")),
    ("strategy.departments", _l("Organisationseinheiten")),
    ("strategy.champions", _l("Helden der Digitalisierung")),
    ("strategy.progress_rules", _l("Wie wir Fortschritt messen")),
)

FOOTER_NAVIGATION = (
    ("pages.easy_language", _l("Leichte Sprache")),
    ("pages.sign_language", _l("Gebärdensprache")),
    ("pages.accessibility", _l("Barrierefreiheit")),
    ("pages.privacy", _l("Datenschutz")),
    ("pages.imprint", _l("Impressum")),
    ("feeds.index", _l("Feeds und offene Daten")),
    ("pages.comment_rules", _l("Kommentarregeln")),
    ("moderation_public.transparency", _l("Transparenzbericht zur Moderation")),
    ("reporting.archive", _l("Sachstandsberichte")),
)

ERROR_TITLES = {
    400: _l("Ungültige Anfrage"),
    403: _l("Keine Berechtigung"),
    404: _l("Seite nicht gefunden"),
    405: _l("Methode nicht erlaubt"),
    413: _l("Die Datei ist zu groß"),
    429: _l("Zu viele Anfragen"),
    500: _l("Interner Fehler"),
}

ERROR_TEXTS = {
    400: _l("Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie Ihre Eingaben."),
    403: _l("Sie haben keine Berechtigung für diese Seite."),
    404: _l("Diese Seite gibt es nicht (mehr). Vielleicht hilft die Übersicht weiter."),
    405: _l("Diese Aktion ist hier nicht möglich."),
    413: _l("Die gesendeten Daten sind zu groß."),
    429: _l("Sie haben in kurzer Zeit zu viele Anfragen gesendet. Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
    500: _l("Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal."),
}

CSRF_TEXT = _l(
    "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es noch einmal."
)


def error_title(code: int) -> str:
    return str(ERROR_TITLES.get(code, ERROR_TITLES[500]))


def error_text(code: int, error=None) -> str:
    if error is not None and type(error).__name__ == "CSRFError":
        return str(CSRF_TEXT)
    return str(ERROR_TEXTS.get(code, ERROR_TEXTS[500]))


# For requests no URL can be built for (a malformed or untrusted Host header): no layout, no
# links, no stylesheet, nothing that asks url_for.
BARE_ERROR_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
</main>
</body>
</html>
"""


def bare_error_page(code: int, lang: str) -> Response:
    """An error page that builds no URL and reads nothing but the error texts."""
    title, text = escape(error_title(code)), escape(error_text(code))
    body = BARE_ERROR_PAGE.format(lang=escape(lang), title=title, text=text)
    return Response(body, status=code, content_type="text/html; charset=utf-8")


def page_url(page: int) -> str:
    """The current list page with its filters, at another page number (the pagers' links)."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url

    @app.context_processor
    def layout_context():
        return {
            "site_name": get_setting("municipality_name"),
            "main_navigation": MAIN_NAVIGATION,
            "footer_navigation": FOOTER_NAVIGATION,
            "error_title": error_title,
            "error_text": error_text,
        }
