"""Handlungsfeld "Digitale Schule"."""
from app.demo.spec import MilestoneSpec, Update

FIELD = "digitale-schule"

MILESTONES = [
    MilestoneSpec(
        slug="wlan-in-allen-schulen",
        title="WLAN in allen 14 Schulen",
        field=FIELD,
        department="schule-kultur-sport",
        participating=("zentrale-dienste-it",),
        champions=("petersen", "vogt"),
        contact_role="Leitung Schulverwaltung",
        weight=2,
        summary="Alle Unterrichtsräume der 14 städtischen Schulen haben ein schnelles und "
        "sicheres WLAN.",
        description="""\
Vor dem Ausbau gab es WLAN nur in Lehrerzimmern und einzelnen Computerräumen. Heute
sind **alle 512 Unterrichtsräume** versorgt.

- Getrennte Netze für Unterricht, Verwaltung und Gäste
- Jugendschutzfilter nach den Vorgaben der Schulkonferenzen
- Zentrale Überwachung, damit Störungen auffallen, bevor der Unterricht leidet
""",
        easy_summary="In allen Schulen gibt es jetzt WLAN. Das heißt: Internet ohne Kabel. "
        "Die Kinder können im Unterricht mit Tablets lernen.",
        progress_method="Anteil der Unterrichtsräume mit abgenommenem WLAN.",
        start=-740,
        target=-400,
        budget_year=-2,
        funding={"digitalpakt": "980000.00", "eigenmittel": "110000.00"},
        committed="1062300.00",
        spent="1062300.00",
        history=(
            Update(-720, "Zehn Schulen angeschlossen",
                   "In den Sommerferien wurden zehn Schulen verkabelt und mit Access Points "
                   "ausgestattet. Die vier großen Schulzentren folgen in den Herbstferien.",
                   "Schul-IT", status="in_progress", progress=60),
            Update(-560, "Drei von vier Schulzentren fertig",
                   "Am Gymnasium am Stadtpark verzögert sich der Ausbau wegen "
                   "Brandschutzauflagen im Altbau.",
                   "Schul-IT", progress=85),
            Update(-430, "Alle Schulen haben WLAN",
                   "Mit dem Gymnasium am Stadtpark ist der Ausbau abgeschlossen. Die "
                   "Mittel aus dem DigitalPakt sind vollständig abgerechnet.",
                   "Leitung Schulverwaltung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="digitale-klassenraeume",
        title="Digitale Ausstattung aller Klassenräume",
        field=FIELD,
        department="schule-kultur-sport",
        participating=("zentrale-dienste-it",),
        champions=("vogt",),
        contact_role="Leitung Schulverwaltung",
        weight=3,
        summary="Jeder Klassenraum bekommt Präsentationstechnik; Schülerinnen und Schüler "
        "ohne eigenes Gerät können eines ausleihen.",
        description="""\
Das Vorhaben folgt den **Medienentwicklungsplänen** der Schulen: Die Schulen sagen, was
sie für ihren Unterricht brauchen, die Stadt beschafft, installiert und betreut die
Geräte. Umgesetzt wird in drei Teilzielen.
""",
        progress_method="Der Fortschritt ergibt sich aus den drei Teilzielen.",
        start=-700,
        target=300,
        history=(
            Update(-690, "Beschaffung beginnt mit den Grundschulen",
                   "Die Schulkonferenzen haben ihre Ausstattungswünsche abgestimmt. Die "
                   "Grundschulen machen den Anfang, weil dort noch Kreidetafeln hängen.",
                   "Leitung Schulverwaltung", status="in_progress"),
            Update(-45, "Zwischenstand: Grundschulen fertig, Leihgeräte bestellt",
                   "Alle Grundschulen sind ausgestattet. In den weiterführenden Schulen ist gut "
                   "die Hälfte der Räume fertig, und für den Leihgeräte-Pool ist nach der "
                   "wiederholten Ausschreibung der Zuschlag erteilt.",
                   "Leitung Schulverwaltung"),
        ),
    ),
    MilestoneSpec(
        slug="praesentationstechnik-grundschulen",
        title="Präsentationstechnik in allen Grundschulen",
        field=FIELD,
        department="schule-kultur-sport",
        parent="digitale-klassenraeume",
        contact_role="Leitung Schulverwaltung",
        summary="Alle 168 Klassenräume der acht Grundschulen haben einen großen Bildschirm "
        "mit Dokumentenkamera.",
        description="Die Lehrkräfte wurden von den Medienberaterinnen des Schulamts "
        "eingewiesen; jede Schule hat zwei Ansprechpersonen für die Technik.",
        progress_method="Anteil der Klassenräume mit abgenommener Technik.",
        start=-690,
        target=-330,
        budget_year=-2,
        funding={"digitalpakt": "420000.00", "eigenmittel": "46000.00"},
        committed="458900.00",
        spent="458900.00",
        history=(
            Update(-600, "Die ersten drei Grundschulen sind ausgestattet",
                   "Die Rückmeldungen sind gut. Gewünscht werden höhenverstellbare "
                   "Halterungen, damit auch kleine Kinder an den Bildschirm kommen.",
                   "Schul-IT", status="in_progress", progress=30),
            Update(-470, "Sechs von acht Grundschulen fertig",
                   "Die höhenverstellbaren Halterungen sind jetzt Standard; die ersten drei "
                   "Schulen werden nachgerüstet.",
                   "Schul-IT", progress=75),
            Update(-350, "Alle Grundschulen ausgestattet",
                   "Das Teilziel ist erreicht, drei Wochen vor dem geplanten Termin.",
                   "Leitung Schulverwaltung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="praesentationstechnik-weiterfuehrende-schulen",
        title="Präsentationstechnik in den weiterführenden Schulen",
        field=FIELD,
        department="schule-kultur-sport",
        parent="digitale-klassenraeume",
        contact_role="Leitung Schulverwaltung",
        weight=2,
        summary="Die 344 Klassen- und Fachräume der sechs weiterführenden Schulen bekommen "
        "Präsentationstechnik.",
        description="""\
In den Fachräumen für Naturwissenschaften werden zusätzlich **Mikroskopkameras**
angeschlossen. Die Schulen werden in der Reihenfolge ausgestattet, in der ihre
Elektroinstallation erneuert ist.
""",
        progress_method="Anteil der Räume mit abgenommener Technik.",
        start=-400,
        target=200,
        budget_year=0,
        funding={"digitalpakt": "610000.00", "eigenmittel": "68000.00"},
        committed="520000.00",
        spent="310500.00",
        history=(
            Update(-380, "Ausschreibung abgeschlossen",
                   "Den Zuschlag hat derselbe Anbieter wie bei den Grundschulen erhalten. "
                   "Das erleichtert Wartung und Schulungen.",
                   "Leitung Schulverwaltung", status="in_progress", progress=10),
            Update(-210, "Realschule und Gesamtschule fertig",
                   "Zwei von sechs Schulen sind ausgestattet.",
                   "Schul-IT", progress=30),
            Update(-60, "Gymnasien halb fertig",
                   "In beiden Gymnasien sind die Klassenräume fertig; die Fachräume folgen in "
                   "den Winterferien.",
                   "Schul-IT", progress=55),
        ),
    ),
    MilestoneSpec(
        slug="leihgeraete-fuer-schuelerinnen-und-schueler",
        title="Leihgeräte für Schülerinnen und Schüler",
        field=FIELD,
        department="schule-kultur-sport",
        parent="digitale-klassenraeume",
        participating=("jugend-familie-soziales",),
        champions=("petersen",),
        contact_role="Leitung Schulverwaltung",
        summary="Ein Pool von 1.200 Tablets, die Schulen an Kinder ohne eigenes Gerät "
        "verleihen.",
        description="""\
Kein Kind soll im Unterricht außen vor bleiben, weil zu Hause das Geld für ein Tablet
fehlt. Die Geräte werden **zentral verwaltet** und können von der Schule gesperrt und
zurückgesetzt werden.
""",
        easy_summary="Manche Kinder haben kein Tablet. Die Schule leiht ihnen eins. Das "
        "kostet nichts.",
        progress_method="Anteil der ausgegebenen Geräte am Ziel von 1.200.",
        start=-500,
        target=-60,
        budget_year=-1,
        funding={"digitalpakt": "240000.00", "eigenmittel": "30000.00"},
        committed="96000.00",
        spent="96000.00",
        history=(
            Update(-500, "Bedarf erhoben",
                   "Die Schulen haben einen Bedarf von rund 1.200 Geräten gemeldet.",
                   "Leitung Schulverwaltung", status="in_progress", progress=10),
            Update(-300, "Erste 400 Geräte ausgegeben",
                   "Aus einer Sammelbestellung des Landes konnten 400 Geräte früher "
                   "bezogen werden.",
                   "Schul-IT", progress=25),
            Update(-180, "Ausschreibung wird wiederholt",
                   "Auf die Ausschreibung für die übrigen 800 Geräte ist kein "
                   "wirtschaftliches Angebot eingegangen. Sie wird mit kleineren Losen neu "
                   "veröffentlicht.",
                   "Leitung Schulverwaltung", target=150,
                   reason="Die erste Ausschreibung musste mangels wirtschaftlichen Angebots "
                   "aufgehoben werden; die neue Ausschreibung braucht etwa sieben Monate."),
            Update(-30, "Zuschlag erteilt",
                   "Der Zuschlag für 800 Geräte ist erteilt; die Lieferung beginnt im "
                   "nächsten Monat.",
                   "Leitung Schulverwaltung", progress=40),
        ),
    ),
    MilestoneSpec(
        slug="medienentwicklungsplaene",
        title="Medienentwicklungspläne aller Schulen fortschreiben",
        field=FIELD,
        department="schule-kultur-sport",
        contact_role="Leitung Schulverwaltung",
        summary="Jede Schule beschreibt, wie sie digitale Medien im Unterricht einsetzt und "
        "welche Ausstattung sie dafür braucht.",
        description="""\
Die Pläne sind Voraussetzung für weitere Fördermittel. Eine externe Medienberatung
begleitet die Schulen; die **Schulkonferenzen** beschließen die Pläne.
""",
        progress_method="Anteil der Schulen mit beschlossenem Plan (Ziel: 14).",
        start=-420,
        target=120,
        budget_year=-1,
        funding={"eigenmittel": "25000.00"},
        committed="24000.00",
        spent="9600.00",
        history=(
            Update(-400, "Beratung beginnt",
                   "Die Medienberatung hat mit den ersten vier Schulen begonnen.",
                   "Leitung Schulverwaltung", status="in_progress", progress=10),
            Update(-150, "Vier Pläne beschlossen",
                   "Vier Schulkonferenzen haben ihre Pläne beschlossen. Bei den übrigen "
                   "Schulen ruht die Arbeit wegen der Abiturprüfungen.",
                   "Leitung Schulverwaltung", progress=30),
        ),
    ),
    MilestoneSpec(
        slug="glasfaser-fuer-schulen",
        title="Glasfaseranschluss für alle Schulstandorte",
        field=FIELD,
        department="schule-kultur-sport",
        participating=("stadtentwicklung-bauen", "zentrale-dienste-it"),
        champions=("brandt",),
        contact_role="Breitbandkoordination",
        summary="Alle Schulen werden mit Glasfaser angeschlossen, damit das WLAN auch bei "
        "voller Nutzung schnell bleibt.",
        description="""\
Elf Schulen sind angeschlossen. Für die letzten **drei Standorte** im Norden der Stadt
ist eine eigene Tiefbaumaßnahme nötig.
""",
        progress_method="Anteil der angeschlossenen Schulstandorte (Ziel: 14).",
        start=-540,
        target=-60,
        budget_year=-1,
        funding={"gigabit": "300000.00", "eigenmittel": "90000.00"},
        committed="280000.00",
        spent="236000.00",
        history=(
            Update(-520, "Ausbau gestartet",
                   "Der Förderbescheid liegt vor; der Netzbetreiber beginnt mit den "
                   "innerstädtischen Schulen.",
                   "Breitbandkoordination", status="in_progress", progress=20),
            Update(-300, "Elf Schulen angeschlossen",
                   "Elf von vierzehn Schulen sind angeschlossen.",
                   "Breitbandkoordination", progress=80),
            Update(-100, "Ausbau im Norden pausiert",
                   "Die letzten drei Schulen sollen gemeinsam mit dem Gewerbegebiet Nord "
                   "erschlossen werden. Bis dessen Trassenplanung fertig ist, ruht der Bau.",
                   "Breitbandkoordination", status="on_hold",
                   reason="Eine gemeinsame Baustelle mit dem Gewerbegebiet Nord spart rund "
                   "180.000 Euro Tiefbaukosten."),
            Update(-20, "Trassenplanung für das Gewerbegebiet Nord liegt vor",
                   "Der Netzbetreiber hat die Planung vorgelegt. Ein Baubeginn im Frühjahr "
                   "ist in Aussicht gestellt; der neue Termin folgt mit dem Bauvertrag.",
                   "Breitbandkoordination"),
        ),
    ),
]
