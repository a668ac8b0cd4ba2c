"""Handlungsfeld "Offene Daten & Beteiligung"."""
from app.demo.spec import MilestoneSpec, Update

FIELD = "offene-daten-beteiligung"

MILESTONES = [
    MilestoneSpec(
        slug="open-data-portal",
        title="Open-Data-Portal mit 50 Datensätzen",
        field=FIELD,
        department="stabsstelle-digitalisierung",
        participating=("stadtentwicklung-bauen", "finanzen"),
        champions=("albers",),
        contact_role="Open-Data-Koordination",
        summary="Die Stadt veröffentlicht Daten unter freier Lizenz: vom Haushalt über "
        "Baustellen bis zu Messwerten.",
        description="""\
Alle Datensätze stehen unter der Lizenz **Datenlizenz Deutschland – Namensnennung** und
in offenen Formaten bereit. Personenbezogene Daten werden nie veröffentlicht.

Wünsche für neue Datensätze können Sie hier kommentieren – die meistgewünschten kommen
zuerst.
""",
        progress_method="Zahl der veröffentlichten Datensätze im Verhältnis zum Ziel von 50.",
        start=-450,
        target=150,
        budget_year=-1,
        funding={"digitale-kommune": "45000.00", "eigenmittel": "15000.00"},
        committed="52000.00",
        spent="38400.00",
        history=(
            Update(-430, "Portal online mit den ersten fünf Datensätzen",
                   "Den Anfang machen Haushaltsplan, Baustellen, Wahlergebnisse, "
                   "Kita-Standorte und Öffnungszeiten der Ämter.",
                   "Open-Data-Koordination", status="in_progress", progress=10),
            Update(-250, "20 Datensätze veröffentlicht",
                   "Neu sind unter anderem die Verkehrszählungen und die Standorte der "
                   "Ladesäulen. Die Daten werden inzwischen automatisch aktualisiert.",
                   "Open-Data-Koordination", progress=40),
            Update(-10, "30 Datensätze – jetzt auch Baumkataster",
                   "Das Baumkataster mit rund 14.000 Stadtbäumen ist der bisher "
                   "meistgenutzte Datensatz.",
                   "Open-Data-Koordination", progress=60),
        ),
    ),
    MilestoneSpec(
        slug="online-beteiligung-bauleitplanung",
        title="Online-Beteiligung bei Bebauungsplänen",
        field=FIELD,
        department="stadtentwicklung-bauen",
        participating=("stabsstelle-digitalisierung",),
        contact_role="Leitung Stadtplanung",
        summary="Entwürfe von Bebauungsplänen können online eingesehen und kommentiert werden.",
        description="""\
Bei der öffentlichen Auslegung stehen Pläne, Gutachten und Begründung online bereit.
Stellungnahmen lassen sich direkt **an der passenden Stelle im Plan** abgeben. Die
Auslegung im Rathaus bleibt zusätzlich bestehen.
""",
        easy_summary="Die Stadt plant neue Häuser und Straßen. Die Pläne können Sie im "
        "Internet anschauen. Sie können Ihre Meinung dazu schreiben.",
        progress_method="Anteil der Verfahren, die online beteiligt werden.",
        start=-620,
        target=-330,
        budget_year=-1,
        funding={"digitale-kommune": "38000.00"},
        committed="36900.00",
        spent="36900.00",
        history=(
            Update(-600, "Plattform ausgewählt",
                   "Die Stadt nutzt die Beteiligungsplattform des Landes.",
                   "Leitung Stadtplanung", status="in_progress", progress=20),
            Update(-340, "Erstes Verfahren online",
                   "Zum Bebauungsplan „Am Mühlbach“ gingen 214 Stellungnahmen ein – "
                   "fast dreimal so viele wie bei vergleichbaren Verfahren auf Papier. "
                   "Künftig werden alle Verfahren online beteiligt.",
                   "Leitung Stadtplanung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="fortschrittsportal",
        title="Dieses Portal: den Fortschritt der Digitalstrategie öffentlich zeigen",
        field=FIELD,
        department="stabsstelle-digitalisierung",
        champions=("albers",),
        contact_role="Leitung Stabsstelle Digitalisierung",
        summary="Alle Etappenziele der Strategie mit Stand, Terminen und Kosten auf einer "
        "Seite, zum Kommentieren und Abonnieren.",
        description="""\
Die Strategie verspricht, offen über Fortschritte und Verzögerungen zu berichten. Dieses
Portal löst das ein: Jede Organisationseinheit meldet den Stand ihrer Etappenziele
selbst, **verschobene Termine bleiben mit Begründung sichtbar**.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Inhalte, Technik, Barrierefreiheit, "
        "Start.",
        start=-300,
        target=-60,
        budget_year=0,
        funding={"eigenmittel": "28000.00"},
        committed="26500.00",
        spent="26500.00",
        history=(
            Update(-290, "Inhalte werden zusammengetragen",
                   "Alle Fachbereiche haben ihre Etappenziele mit Terminen und Kosten "
                   "gemeldet.",
                   "Stabsstelle Digitalisierung", status="in_progress", progress=10),
            Update(-150, "Test mit Bürgerinnen und Bürgern",
                   "Zwölf Personen haben das Portal getestet, darunter drei mit "
                   "Screenreader. Die wichtigste Rückmeldung: weniger Fachbegriffe.",
                   "Stabsstelle Digitalisierung", progress=60),
            Update(-75, "Das Portal ist online",
                   "Ab heute können Sie den Stand der Digitalstrategie hier verfolgen.",
                   "Stabsstelle Digitalisierung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="buergerhaushalt-online",
        title="Bürgerhaushalt online",
        field=FIELD,
        department="finanzen",
        participating=("stabsstelle-digitalisierung",),
        contact_role="Leitung Kämmerei",
        summary="Bürgerinnen und Bürger schlagen online vor, wofür ein Teil des Haushalts "
        "verwendet wird, und stimmen darüber ab.",
        description="Entwurf: Der Stadtrat berät im Frühjahr über die Einführung.",
        progress_method="Wird nach dem Ratsbeschluss festgelegt.",
        start=180,
        target=540,
        budget_year=1,
        funding={"eigenmittel": "35000.00"},
        published=False,
    ),
]
