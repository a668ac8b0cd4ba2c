"""The operator's text pages for the Musterstadt demo (saved only where none exists yet)."""
from __future__ import annotations

# slug -> page; the slugs are those of app/pages/services.py.
PAGES = {
    "impressum": {
        "title_de": "Impressum",
        "body_de": """\
**Stadt Musterstadt**\\
Die Bürgermeisterin\\
Marktplatz 1\\
12345 Musterstadt

Telefon: 01234 567-0\\
E-Mail: <digitalisierung@musterstadt.example>

Die Stadt Musterstadt ist eine Körperschaft des öffentlichen Rechts. Sie wird durch die
Bürgermeisterin vertreten.

**Verantwortlich für den Inhalt:** Stabsstelle Digitalisierung, Marktplatz 1,
12345 Musterstadt. Die Fortschrittsmeldungen verfassen die jeweils genannten
Organisationseinheiten.

*Musterstadt ist eine erfundene Stadt. Dieses Portal zeigt Beispieldaten.*
""",
        "title_en": "Legal notice",
        "body_en": """\
**City of Musterstadt**\\
The Mayor\\
Marktplatz 1\\
12345 Musterstadt, Germany

Phone: +49 1234 567-0\\
E-mail: <digitalisierung@musterstadt.example>

**Responsible for the content:** Digitalization Office (Stabsstelle Digitalisierung).
Progress reports are written by the departments named with each report.

*Musterstadt is a fictional town. This portal shows sample data.*
""",
    },
    "datenschutz": {
        "title_de": "Datenschutzerklärung",
        "body_de": """\
Verantwortlich für die Verarbeitung personenbezogener Daten auf diesem Portal ist die
Stadt Musterstadt (Anschrift im Impressum). Unsere Datenschutzbeauftragte erreichen Sie
unter <datenschutz@musterstadt.example>.

## Wenn Sie Seiten ansehen

Das Portal setzt beim bloßen Ansehen keine Cookies und lädt keine Inhalte von anderen
Servern. Der Webserver protokolliert Zugriffe zur Abwehr von Angriffen; die Protokolle
werden nach sieben Tagen gelöscht.

## Wenn Sie ein Konto anlegen, kommentieren oder abonnieren

- Wir speichern Ihre E-Mail-Adresse, Ihren Anzeigenamen und Ihre Beiträge, solange Ihr
  Konto besteht. Kommentare zeigen nur den Anzeigenamen.
- Für die Anmeldung setzt das Portal ein technisch notwendiges Sitzungs-Cookie.
- Abonnements bestätigen Sie per E-Mail; jede Benachrichtigung enthält einen Link zum
  Abbestellen.

Rechtsgrundlage ist Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit dem Landesdatenschutzgesetz.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung,
Widerspruch und Datenübertragbarkeit. Sie können sich bei der Datenschutz-Aufsichtsbehörde
des Landes beschweren.
""",
        "title_en": "Privacy policy",
        "body_en": """\
The City of Musterstadt (address in the legal notice) is responsible for the processing of
personal data on this portal. Our data protection officer can be reached at
<datenschutz@musterstadt.example>.

Viewing pages sets no cookies and loads nothing from other servers. If you create an
account, comment or subscribe, we store your e-mail address, display name and
contributions for as long as your account exists. You have the rights of access,
rectification, erasure, restriction, objection and data portability under the GDPR.
""",
    },
    "barrierefreiheit": {
        "title_de": "Erklärung zur Barrierefreiheit",
        "body_de": """\
Die Stadt Musterstadt ist bemüht, dieses Portal im Einklang mit der Barrierefreie-Informationstechnik-Verordnung
(BITV 2.0) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit

Das Portal ist weitgehend mit den Anforderungen vereinbar. Jede Änderung an der Software
wird automatisch auf Barrieren geprüft; zwölf Personen, darunter drei mit Screenreader,
haben das Portal vor dem Start getestet.

## Nicht barrierefreie Inhalte

- Einige verlinkte Dokumente (zum Beispiel Ratsvorlagen als PDF) sind noch nicht
  barrierefrei. Sie werden bis Ende des Jahres ersetzt.

## Barriere melden

Schreiben Sie an <barrierefreiheit@musterstadt.example> oder rufen Sie an: 01234 567-0. Wir
antworten innerhalb von zwei Wochen.

## Schlichtungsverfahren

Wenn Sie keine zufriedenstellende Antwort erhalten, können Sie sich an die
Schlichtungsstelle für digitale Barrierefreiheit des Landes wenden.
""",
        "title_en": "Accessibility statement",
        "body_en": """\
The City of Musterstadt aims to make this portal accessible in accordance with the German
accessibility regulation BITV 2.0, based on WCAG 2.1 level AA. The portal is largely
compliant. Some linked documents (council papers as PDF) are not yet accessible.

To report a barrier, write to <barrierefreiheit@musterstadt.example> or call
+49 1234 567-0. We answer within two weeks.
""",
    },
    "leichte-sprache": {
        "title_de": "Leichte Sprache",
        "body_de": """\
## Worum geht es hier?

Musterstadt will mehr im Internet machen.
Zum Beispiel: Anträge im Internet stellen.
Dann müssen Sie nicht ins Rathaus gehen.

Dafür gibt es einen Plan.
Der Plan heißt: Digital-Strategie.

## Was sehen Sie auf dieser Internet-Seite?

Der Plan hat viele Ziele.
Für jedes Ziel sehen Sie:

- Was wird besser?
- Wer macht das?
- Wann ist es fertig?
- Wie viel ist schon fertig?

Manche Ziele sind schon fertig.
Manche Ziele dauern länger.
Dann schreiben wir auf: Warum dauert es länger?

## Sie haben Fragen?

Rufen Sie an: 01234 567-0.
Oder schreiben Sie eine E-Mail: <digitalisierung@musterstadt.example>
""",
    },
    "gebaerdensprache": {
        "title_de": "Gebärdensprache",
        "body_de": """\
In einem Video in Deutscher Gebärdensprache (DGS) erklären wir:

- was die Digitalstrategie von Musterstadt ist,
- was Sie auf diesem Portal finden und
- wie Sie Fragen stellen können.

Das Video hat Untertitel.
""",
        "title_en": "Sign language",
        "video_url": "https://www.musterstadt.example/gebaerdensprache/digitalstrategie",
    },
}
