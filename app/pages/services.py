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
    # Numbers in this text are the defaults in config.py (tests/test_citizens_privacy.py keeps
    # them in step); an operator who changes them edits this page in the backend.
    "datenschutz": (N_("Datenschutzerklärung"), (
        p(N_("Hier steht, welche Daten dieses Portal speichert, wenn Sie es nutzen, und wie lange.")),
        h2(N_("Seiten ansehen")),
        ul(
            N_("Wenn Sie Seiten nur ansehen, setzt das Portal keine Cookies."),
            N_("Das Portal lädt keine Inhalte von anderen Servern: keine fremden Schriften, Skripte, Karten, Videos oder Statistikdienste. Links zu anderen Websites öffnen Sie selbst."),
            N_("Das Portal selbst speichert keine Zugriffe und keine IP-Adressen in seiner Datenbank. Der Server des Betreibers kann technische Protokolle der Zugriffe führen. Was darin steht und wie lange sie aufbewahrt werden, legt der Betreiber fest; Auskunft gibt die unten genannte Stelle."),
        ),
        h2(N_("Cookies")),
        ul(
            N_("Es gibt nur ein Cookie: das Sitzungs-Cookie „session“. Das Portal setzt es erst, wenn Sie ein Formular öffnen (zum Beispiel Anmelden, Konto anlegen, Abonnieren oder Kommentieren)."),
            N_("Es ist technisch notwendig. Es enthält, vom Server signiert: die Nummer Ihres Kontos, solange Sie angemeldet sind, einen Schlüssel, der Formulare vor Fälschung schützt (er gilt 4 Stunden), und kurze Hinweise wie „Sie sind angemeldet“."),
            N_("Das Sitzungs-Cookie hat kein Ablaufdatum: Ihr Browser löscht es, wenn Sie ihn schließen. Cookies für Statistik, Werbung oder von anderen Anbietern gibt es nicht."),
        ),
        h2(N_("Konto")),
        ul(
            N_("Zu einem Konto speichern wir: E-Mail-Adresse, Anzeigename, Passwort (nur als Argon2-Hashwert, den niemand zurückrechnen kann), Sprache, Ihre Einstellungen für Benachrichtigungen sowie wann Sie das Konto angelegt, bestätigt, sich zuletzt angemeldet und das Passwort zuletzt geändert haben. Diese Angaben bleiben gespeichert, bis Sie das Konto löschen."),
            N_("Bestätigen Sie Ihre E-Mail-Adresse nicht innerhalb von 7 Tagen, löschen wir das Konto mit allen Angaben dazu. Sie können sich danach jederzeit neu registrieren."),
            N_("Öffentlich zu sehen ist nur Ihr Anzeigename, Ihre E-Mail-Adresse nie."),
            N_("In Ihrem Profil können Sie alle Daten Ihres Kontos als Datei herunterladen und das Konto löschen."),
        ),
        h2(N_("Kommentare, Unterstützungen, Bewertungen und Meldungen")),
        ul(
            N_("Zu einem Kommentar speichern wir den Text, das Etappenziel, Ihr Konto, wann er geschrieben, bearbeitet und veröffentlicht wurde, und wie die Moderation entschieden hat."),
            N_("Zu einer Unterstützung („Ist mir wichtig“) und zu einer Bewertung speichern wir, welches Konto was wann unterstützt oder bewertet hat. Öffentlich ist nur die Anzahl."),
            N_("Eine Meldung speichern wir mit Grund, Ihrer Beschreibung und Zeitpunkt. Sie sieht nur die Moderation."),
            N_("Zu Kommentaren, Unterstützungen und anderen Beiträgen speichern wir keine IP-Adressen."),
            N_("Kommentare ohne Konto (wenn diese Möglichkeit eingeschaltet ist): Wir speichern den Namen, die E-Mail-Adresse und den Text. Die Adresse ist nie öffentlich; wir nutzen sie nur für den Bestätigungslink und um Ihnen Entscheidungen der Moderation mitzuteilen. Bestätigen Sie den Kommentar nicht innerhalb von 48 Stunden, löschen wir ihn mit Namen und Adresse."),
            N_("Entscheidungen der Moderation stehen dauerhaft im Moderationsprotokoll. Konten erscheinen dort nur mit ihrer Nummer (zum Beispiel „Konto #12“)."),
        ),
        h2(N_("Wenn Sie Ihr Konto löschen")),
        ul(
            N_("Ihre Unterstützungen, Bewertungen, Meldungen und die Abonnements an Ihre E-Mail-Adresse werden gelöscht. Die Zahlen auf den Seiten zählen sie sofort nicht mehr mit."),
            N_("Ihre Kommentare bleiben ohne Ihren Namen lesbar; dort steht dann „Gelöschtes Konto“. Der Grund: Antworten anderer und der Verwaltung beziehen sich auf sie und wären sonst nicht mehr zu verstehen."),
            N_("Wenn Sie es beim Löschen ankreuzen, löschen wir auch den Text Ihrer Kommentare; an ihrer Stelle steht dann „Kommentar gelöscht“. Einzelne Kommentare können Sie auch vorher selbst löschen."),
            N_("Im Änderungsprotokoll und im Moderationsprotokoll bleiben Einträge mit der Nummer des Kontos stehen, aber ohne Verbindung zu Namen oder E-Mail-Adresse."),
            N_("War Ihr Konto beim Löschen von der Moderation gesperrt, bewahren wir bis zum Ende der Sperre einen Prüfwert Ihrer E-Mail-Adresse auf (einen mit einem geheimen Schlüssel des Portals gebildeten Hashwert, aus dem sich die Adresse nicht zurückrechnen lässt), bei einer dauerhaften Sperre unbefristet. So lässt sich die Sperre nicht durch Löschen und neues Registrieren umgehen. Wer sich in dieser Zeit mit der Adresse registrieren will, bekommt eine E-Mail, dass die Adresse gesperrt ist und bis wann. Endet die Sperre, löschen wir den Prüfwert."),
        ),
        h2(N_("E-Mail-Abonnements")),
        ul(
            N_("Für ein Abonnement brauchen Sie kein Konto. Wir speichern Ihre E-Mail-Adresse, das Etappenziel oder Handlungsfeld, die Sprache und wann Sie es abgeschlossen, bestätigt und zuletzt eine Benachrichtigung bekommen haben."),
            N_("Bestätigen Sie ein Abonnement nicht innerhalb von 48 Stunden, löschen wir es mit Ihrer Adresse."),
            N_("Jede Benachrichtigung enthält einen Link, mit dem Sie das Abonnement mit einem Klick beenden. Ihre Adresse wird dann gelöscht."),
        ),
        h2(N_("Kontaktformulare und Meldungen von Barrieren")),
        p(N_("Nachrichten aus den Kontaktformularen und Meldungen von Barrieren schicken wir per E-Mail an die zuständige Stelle der Verwaltung. Ihren Namen, Ihre E-Mail-Adresse und Ihren Text speichert das Portal dafür nur im Postausgang; die Stelle, die Ihnen antwortet, behält die E-Mail in ihrem Postfach.")),
        h2(N_("E-Mails und Links in E-Mails")),
        ul(
            N_("Jede E-Mail des Portals liegt bis zum Versand im Postausgang der Datenbank. 30 Tage nach dem Versand löschen wir sie dort."),
            N_("Links zum Bestätigen und zum Zurücksetzen des Passworts speichern wir nur als Hashwert. Sie gelten 48 Stunden (Bestätigungen) oder 2 Stunden (neues Passwort) und werden 7 Tage, nachdem sie benutzt wurden oder abgelaufen sind, gelöscht."),
        ),
        h2(N_("Schutz vor Missbrauch")),
        ul(
            N_("Zum Schutz vor Missbrauch zählt das Portal kurzzeitig, wie viele Anfragen von einer IP-Adresse kommen. Diese Zähler verfallen nach kurzer Zeit, spätestens nach einem Tag, und werden nicht mit Inhalten verknüpft. E-Mail-Adressen zählt es dabei nur als Hashwert."),
            N_("Formulare enthalten ein unsichtbares Feld und einen signierten Zeitstempel, um Programme zu erkennen, die Formulare automatisch ausfüllen. Dafür wird nichts über Sie gespeichert."),
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
    # The rules that moderation decisions refer to (comment form, flag form, removed comments).
    "kommentarregeln": (N_("Kommentarregeln"), (
        p(N_("Kommentare zu den Etappenzielen sind willkommen: Fragen, Hinweise, Lob und Kritik. Damit die Diskussion für alle nützlich bleibt, gelten diese Regeln.")),
        h2(N_("Was nicht erlaubt ist")),
        ul(
            N_("Beleidigungen, Drohungen, Hetze und Diskriminierung"),
            N_("Persönliche Daten, eigene oder die anderer Menschen, zum Beispiel Anschrift, Telefonnummer oder E-Mail-Adresse"),
            N_("Werbung, Spam und Links ohne Bezug zum Thema"),
            N_("Rechtswidrige Inhalte, auch Texte oder Bilder, an denen andere die Rechte haben"),
            N_("Beiträge ohne Bezug zum Etappenziel"),
        ),
        h2(N_("Wie die Moderation entscheidet")),
        p(N_("Die Moderation prüft gemeldete Kommentare und entfernt sie, wenn sie gegen diese Regeln verstoßen. An der Stelle eines entfernten Kommentars steht, dass und warum er entfernt wurde. Wer den Kommentar geschrieben hat, kann einmal Einspruch einlegen; dann wird die Entscheidung noch einmal geprüft.")),
        p(N_("Kommentare können auch vor der Veröffentlichung geprüft werden, etwa bei bestimmten Wörtern oder wenn %(name)s für ein Etappenziel die Vorabmoderation eingeschaltet hat.")),
        link("moderation_public.transparency", N_("Zahlen zur Moderation im Transparenzbericht")),
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
    page.body_de_html = markdown_to_html(page.body_de, top_level=2)
    page.title_en = (title_en or "").strip()
    page.body_en = body_en or ""
    page.body_en_html = markdown_to_html(page.body_en, top_level=2) if page.body_en.strip() else ""
    page.video_url = video_url
    db.session.flush()
    return page
