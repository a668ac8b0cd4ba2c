"""What the user sees on a page answered to the test client: its heading, flashed messages, errors."""
from __future__ import annotations

import html
import re

ERROR_HEADINGS = {
    "de": {400: "Ungültige Anfrage", 403: "Keine Berechtigung", 404: "Seite nicht gefunden",
           429: "Zu viele Anfragen"},
    "en": {400: "Bad request", 403: "Access denied", 404: "Page not found", 429: "Too many requests"},
}


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def heading(response) -> str:
    """The text of the page's h1."""
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
    assert match, f"no <h1> in the answer ({response.status_code})"
    return _text(match.group(1))


def flashes(response) -> list[str]:
    """The messages flashed on the page (the status area under the header)."""
    return [_text(message) for message in
            re.findall(r'<p class="flash[^"]*">(.*?)</p>', response.get_data(as_text=True), re.S)]


def assert_error_page(response, code: int, lang: str = "de") -> None:
    """The status and the error page a person sees for it, in the language of the address."""
    assert response.status_code == code, f"{response.status_code} instead of {code}"
    assert heading(response) == ERROR_HEADINGS[lang][code]


def assert_not_found(response, lang: str = "de") -> None:
    assert_error_page(response, 404, lang)
