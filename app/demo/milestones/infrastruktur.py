"""Handlungsfeld "Smarte Infrastruktur"."""
from app.demo.spec import MilestoneSpec, Update

FIELD = "smarte-infrastruktur"

MILESTONES = [
    MilestoneSpec(
        slug="glasfaser-ortsteile",
        title="Glasfaser für die unterversorgten Ortsteile",
        field=FIELD,
        department="stadtentwicklung-bauen",
        participating=("finanzen",),
        champions=("brandt",),
        contact_role="Breitbandkoordination",
        weight=3,
        summary="Rund 1.200 Haushalte und 90 Betriebe in Altdorf, Kirchberg und am Mühlbach "
        "bekommen einen Glasfaseranschluss.",
        description="""\
In diesen Ortsteilen hat kein Unternehmen aus eigener Kraft ausgebaut. Mit der
**Gigabitförderung von Bund und Land** baut die Stadt das Netz selbst und verpachtet es an
einen Netzbetreiber. Der Hausanschluss ist für Eigentümerinnen und Eigentümer kostenlos,
wenn sie sich während der Bauphase dafür entscheiden.
""",
        easy_summary="In einigen Orts-Teilen ist das Internet langsam. Dort baut die Stadt "
        "schnelles Internet. Das nennt man Glas-Faser.",
        progress_method="Anteil der Adressen, an denen ein Anschluss betriebsbereit ist.",
        start=-620,
        target=200,
        budget_year=0,
        funding={"gigabit": "1305000.00", "eigenmittel": "145000.00"},
        committed="1380000.00",
        spent="512000.00",
        history=(
            Update(-600, "Förderbescheid erhalten",
                   "Bund und Land übernehmen 90 Prozent der förderfähigen Kosten. Die "
                   "Planung der Trassen beginnt.",
                   "Breitbandkoordination", status="in_progress", progress=5),
            Update(-400, "Bauauftrag ausgeschrieben",
                   "Die Trassenplanung ist fertig. Eigentümerinnen und Eigentümer können "
                   "ihren kostenlosen Hausanschluss jetzt beantragen.",
                   "Breitbandkoordination", progress=15),
            Update(-260, "Neuplanung nach der Vergabe",
                   "Das beauftragte Bauunternehmen beginnt später als erhofft; dafür ist die "
                   "Bauzeit im Vertrag verbindlich festgelegt.",
                   "Breitbandkoordination", target=420,
                   reason="Das wirtschaftlichste Angebot sah einen späteren Baubeginn vor; "
                   "die Bauzeit ist nun vertraglich festgelegt."),
            Update(-70, "Altdorf ist angeschlossen",
                   "In Altdorf sind die ersten 420 Anschlüsse in Betrieb. In Kirchberg "
                   "laufen die Tiefbauarbeiten.",
                   "Breitbandkoordination", progress=35),
        ),
    ),
    MilestoneSpec(
        slug="parkleitsystem-innenstadt",
        title="Digitales Parkleitsystem für die Innenstadt",
        field=FIELD,
        department="stadtentwicklung-bauen",
        contact_role="Leitung Verkehrsplanung",
        summary="Anzeigetafeln und eine Karte auf der Website zeigen freie Plätze in den "
        "Parkhäusern und reduzieren den Parksuchverkehr.",
        description="""\
Ein Drittel des Verkehrs in der Innenstadt ist Parksuchverkehr. Sensoren in den vier
Parkhäusern melden die freien Plätze an **sechs Anzeigetafeln** an den Einfallstraßen und
als offene Daten an das Open-Data-Portal.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Sensoren, Anzeigetafeln, "
        "Datenschnittstelle.",
        start=-450,
        target=300,
        budget_year=1,
        funding={"eigenmittel": "180000.00"},
        committed="24000.00",
        spent="12500.00",
        history=(
            Update(-430, "Planung begonnen",
                   "Die Standorte der Anzeigetafeln sind mit der Verkehrsbehörde abgestimmt.",
                   "Leitung Verkehrsplanung", status="in_progress", progress=10),
            Update(-200, "Vorhaben ruht bis zur Sanierung des Parkhauses am Markt",
                   "Das größte Parkhaus wird saniert. Damit die Sensoren nicht zweimal "
                   "montiert werden müssen, wird das Leitsystem erst danach installiert.",
                   "Leitung Verkehrsplanung", status="on_hold",
                   reason="Die Sanierung des Parkhauses am Markt geht vor; sonst müssten die "
                   "Sensoren zweimal eingebaut werden."),
        ),
    ),
    MilestoneSpec(
        slug="sensornetz-lorawan",
        title="Funk-Sensornetz für Pegel, Bodenfeuchte und Winterdienst",
        field=FIELD,
        department="stadtentwicklung-bauen",
        participating=("stabsstelle-digitalisierung",),
        contact_role="Leitung Tiefbau",
        summary="Ein stromsparendes Funknetz (LoRaWAN) sammelt Messwerte von Bachpegeln, "
        "Stadtbäumen und Straßentemperaturen.",
        description="""\
Die Messwerte helfen, bei Starkregen früher zu warnen, Stadtbäume gezielt zu wässern und
den Winterdienst nur dort loszuschicken, wo es glatt ist. Alle Messwerte werden als
**offene Daten** veröffentlicht.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Gateways, Sensoren, Datenplattform.",
        start=45,
        target=400,
        budget_year=1,
        funding={"digitale-kommune": "70000.00", "eigenmittel": "20000.00"},
        history=(
            Update(-35, "Standorte für die Funkstationen festgelegt",
                   "Die fünf Funkstationen kommen auf städtische Dächer: Rathaus, zwei "
                   "Schulen, Feuerwache und Bauhof. Der Förderantrag ist bewilligt.",
                   "Leitung Tiefbau"),
        ),
    ),
    MilestoneSpec(
        slug="freies-wlan-innenstadt",
        title="Freies WLAN in der Innenstadt und in den Bürgerhäusern",
        field=FIELD,
        department="zentrale-dienste-it",
        participating=("stadtentwicklung-bauen",),
        contact_role="Leitung Zentrale Dienste und IT",
        summary="Kostenloses WLAN ohne Anmeldung in der Fußgängerzone, am Bahnhof und in den "
        "fünf Bürgerhäusern.",
        description="Das Netz wird mit einem regionalen Anbieter betrieben; es werden keine "
        "Daten über die Nutzung gespeichert, die Rückschlüsse auf Personen zulassen.",
        progress_method="Anteil der 48 geplanten Zugangspunkte in Betrieb.",
        start=-650,
        target=-250,
        budget_year=-1,
        funding={"eigenmittel": "95000.00"},
        committed="91700.00",
        spent="91700.00",
        history=(
            Update(-600, "Erste Zugangspunkte in der Fußgängerzone",
                   "Zwölf Zugangspunkte sind montiert und in Betrieb.",
                   "Leitung Zentrale Dienste und IT", status="in_progress", progress=15),
            Update(-420, "Bahnhof und drei Bürgerhäuser versorgt",
                   "29 von 48 Zugangspunkten sind in Betrieb.",
                   "Leitung Zentrale Dienste und IT", progress=60),
            Update(-280, "Alle Zugangspunkte in Betrieb",
                   "Das Netz ist vollständig. Im ersten Monat gab es rund 38.000 "
                   "Verbindungen.",
                   "Leitung Zentrale Dienste und IT", status="completed"),
        ),
    ),
]
