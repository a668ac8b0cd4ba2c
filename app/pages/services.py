"""The operator's text pages: which exist, their built-in defaults, and saving them."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext
from markupsafe import Markup

from app.extensions import db
from app.i18n import current_language
from app.models import ContentPage
from app.sanitize import markdown_to_html


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; it is translated when the page is shown."""
    return msgid


class UnknownPage(ValueError):
    """There is no text page with this slug."""


class InvalidVideoUrl(ValueError):
    """The video link is not an http(s) address."""


@dataclass(frozen=True)
class Block:
    """A piece of a built-in default text: a heading, a paragraph, a list or a link."""

    kind: str  # "h2", "p", "ul" or "link"
    msgids: tuple[str, ...]
    endpoint: str = ""


def h2(msgid: str) -> Block:
    return Block("h2", (msgid,))


def p(msgid: str) -> Block:
    return Block("p", (msgid,))


def ul(*msgids: str) -> Block:
    return Block("ul", msgids)


def link(endpoint: str, msgid: str) -> Block:
    return Block("link", (msgid,), endpoint)


# slug -> (German title msgid, default body). The slugs are the German URLs.
DEFAULTS: dict[str, tuple[str, tuple[Block, ...]]] = {
    "impressum": (N_("Impressum"), (
        p(N_("Dieses Portal zeigt, wie weit die Digitalstrategie von %(name)s ist. Es wird von %(name)s betrieben.")),
        p(N_("Die vollständigen Angaben zum Anbieter (Anschrift, vertretungsberechtigte Person, Kontakt, zuständige Aufsichtsbehörde) hat der Betreiber noch nicht eingetragen. Bis dahin finden Sie diese Angaben im Impressum der Hauptwebsite von %(name)s.")),
    )),
    "datenschutz": (N_("Datenschutzerklärung"), (
        p(N_("Hier steht, welche Daten dieses Portal speichert, wenn Sie es nutzen.")),
        h2(N_("Seiten ansehen")),
        ul(
            N_("Wenn Sie Seiten nur ansehen, setzt das Portal keine Cookies."),
            N_("Das Portal lädt keine Inhalte von anderen Servern: keine fremden Schriften, Skripte, Karten, Videos oder Statistikdienste. Links zu anderen Websites öffnen Sie selbst."),
            N_("Der Server des Betreibers kann technische Protokolle der Zugriffe führen. Was darin steht und wie lange sie aufbewahrt werden, legt der Betreiber fest; Auskunft gibt die unten genannte Stelle."),
        ),
        h2(N_("Anmelden und Formulare")),
        ul(
            N_("Erst wenn Sie die Anmeldung oder ein anderes Formular nutzen, setzt das Portal ein Sitzungs-Cookie. Es ist technisch notwendig: Es hält Sie angemeldet und schützt Formulare vor Missbrauch."),
            N_("Was Sie selbst eingeben, etwa Ihre E-Mail-Adresse, einen Anzeigenamen oder einen Kommentar, speichern wir, solange es für den Zweck nötig ist."),
            N_("Zu Kommentaren, Unterstützungen und anderen Beiträgen speichern wir keine IP-Adressen."),
            N_("Zum Schutz vor Missbrauch zählt das Portal kurzzeitig, wie viele Anfragen von einer IP-Adresse kommen. Diese Zähler verfallen nach kurzer Zeit und werden nicht mit Inhalten verknüpft."),
        ),
        h2(N_("Verantwortliche Stelle und Ihre Rechte")),
        p(N_("Verantwortlich für die Datenverarbeitung ist %(name)s. Die Kontaktdaten der verantwortlichen Stelle und der oder des Datenschutzbeauftragten trägt der Betreiber hier noch ein.")),
        p(N_("Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung Ihrer Daten, auf Widerspruch und auf Datenübertragbarkeit. Sie können sich außerdem bei einer Datenschutz-Aufsichtsbehörde beschweren.")),
    )),
    "barrierefreiheit": (N_("Erklärung zur Barrierefreiheit"), (
        p(N_("%(name)s möchte dieses Portal für alle Menschen gut nutzbar machen. Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1, Stufe AA, und die Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).")),
        h2(N_("Stand der Vereinbarkeit mit den Anforderungen")),
        p(N_("Dieses Portal ist teilweise mit den Anforderungen vereinbar. Die Software wird bei jeder Änderung automatisch auf Barrieren geprüft; eine vollständige Prüfung durch eine unabhängige Stelle steht noch aus.")),
        h2(N_("Was noch nicht barrierefrei ist")),
        ul(
            N_("Texte, die Verwaltung und Bürger:innen selbst eingeben, können wir nicht automatisch auf Verständlichkeit prüfen."),
            N_("Dokumente und Videos auf anderen Websites, auf die wir verlinken, liegen nicht in unserer Verantwortung."),
        ),
        h2(N_("Barriere melden")),
        p(N_("Ist Ihnen auf diesem Portal eine Barriere aufgefallen? Bitte schreiben Sie an die Kontaktadresse im Impressum von %(name)s. Wir antworten Ihnen so schnell wie möglich.")),
        link("pages.imprint", N_("Zum Impressum mit der Kontaktadresse")),
        h2(N_("Schlichtungsverfahren")),
        p(N_("Wenn Sie auf Ihre Meldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Schlichtungs- oder Durchsetzungsstelle für digitale Barrierefreiheit Ihres Bundeslandes wenden.")),
    )),
    "leichte-sprache": (N_("Leichte Sprache"), (
        p(N_("Hier lesen Sie in Leichter Sprache, was auf dieser Internet-Seite steht.")),
        h2(N_("Was ist die Digital-Strategie?")),
        p(N_("%(name)s will mehr im Internet anbieten.")),
        p(N_("Zum Beispiel: Anträge im Internet stellen. Dann müssen Sie nicht ins Amt gehen.")),
        p(N_("Dafür gibt es einen Plan. Der Plan heißt: Digital-Strategie.")),
        h2(N_("Was steht auf dieser Internet-Seite?")),
        p(N_("Der Plan hat viele Ziele. Wir nennen sie: Etappen-Ziele.")),
        p(N_("Für jedes Etappen-Ziel sehen Sie:")),
        ul(
            N_("Was soll besser werden?"),
            N_("Wer kümmert sich darum?"),
            N_("Wann soll es fertig sein?"),
            N_("Wie viel ist schon geschafft?"),
            N_("Wie viel Geld kostet es?"),
        ),
        h2(N_("Was können Sie tun?")),
        p(N_("Sie können die Etappen-Ziele lesen. Dafür brauchen Sie kein Konto.")),
        p(N_("Sie haben eine Frage? Dann schreiben Sie an die Adresse im Impressum.")),
        link("pages.imprint", N_("Zum Impressum")),
    )),
    "gebaerdensprache": (N_("Gebärdensprache"), (
        p(N_("Auf dieser Seite stellt %(name)s Informationen zum Portal in Deutscher Gebärdensprache (DGS) bereit.")),
        p(N_("Das Video in Deutscher Gebärdensprache ist noch nicht verfügbar.")),
    )),
}

PAGE_SLUGS = frozenset(DEFAULTS)
# Pages whose video link is shown (a plain link: no player from another host is embedded).
VIDEO_PAGES = frozenset({"gebaerdensprache"})


@dataclass(frozen=True)
class ShownPage:
    """What a text page shows in the current language.

    `lang` is "de" when the text shown is German on an English page, so the template
    marks it and adds a note; None when the text is in the page's language.
    """

    title: str
    title_lang: str | None
    body: Markup | tuple[Block, ...]
    body_lang: str | None
    video_url: str
    is_default: bool

    @property
    def german_only(self) -> bool:
        return self.body_lang == "de"


def _translated(msgid: str) -> bool:
    # German msgids: on an English page an untranslated msgid is still German text.
    return current_language() == "de" or gettext(msgid) != msgid


def _default_page(slug: str) -> ShownPage:
    title, blocks = DEFAULTS[slug]
    english = current_language() == "en"
    body_german = english and not all(_translated(m) for b in blocks for m in b.msgids)
    return ShownPage(
        title=gettext(title),
        title_lang="de" if english and not _translated(title) else None,
        body=blocks,
        body_lang="de" if body_german else None,
        video_url="",
        is_default=True,
    )


def _stored_page(page: ContentPage) -> ShownPage:
    video_url = page.video_url if page.slug in VIDEO_PAGES else ""
    if current_language() == "en":
        title_en = page.title_en.strip()
        body_en = page.body_en_html.strip()
        return ShownPage(
            title=title_en or page.title_de,
            title_lang=None if title_en else "de",
            body=Markup(body_en or page.body_de_html),
            body_lang=None if body_en else "de",
            video_url=video_url,
            is_default=False,
        )
    return ShownPage(page.title_de, None, Markup(page.body_de_html), None, video_url, False)


def shown_page(slug: str) -> ShownPage:
    """The stored page in the current language, else the German text, else the built-in default."""
    if slug not in PAGE_SLUGS:
        raise UnknownPage(slug)
    page = db.session.scalar(ContentPage.select_by_slug(slug))
    return _default_page(slug) if page is None else _stored_page(page)


def check_video_url(url: str) -> str:
    """The stripped URL if it is an absolute http(s) address (or empty); else InvalidVideoUrl."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidVideoUrl(url)
    return url


def save_content_page(
    slug: str,
    title_de: str,
    body_de: str,
    title_en: str = "",
    body_en: str = "",
    video_url: str = "",
) -> ContentPage:
    """Create or replace a text page, storing the Markdown and its sanitized HTML; caller commits."""
    if slug not in PAGE_SLUGS:
        raise UnknownPage(slug)
    if not (title_de or "").strip():
        raise ValueError("title_de is required")
    video_url = check_video_url(video_url)
    page = db.session.scalar(ContentPage.select_by_slug(slug))
    if page is None:
        page = ContentPage(slug=slug)
        db.session.add(page)
    page.title_de = title_de.strip()
    page.body_de = body_de or ""
    page.body_de_html = markdown_to_html(page.body_de)
    page.title_en = (title_en or "").strip()
    page.body_en = body_en or ""
    page.body_en_html = markdown_to_html(page.body_en) if page.body_en.strip() else ""
    page.video_url = video_url
    db.session.flush()
    return page
