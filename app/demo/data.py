"""Musterstadt, a fictional town of about 60,000 inhabitants, and its digitalization strategy.

Years are relative to the current year and days relative to today, so the demo looks the
same whenever it is loaded. The milestones live in app/demo/milestones/.
"""
from __future__ import annotations

STRATEGY = {
    "title": "Musterstadt digital – Digitalstrategie der Stadt Musterstadt",
    "period_from": -2,
    "period_to": 4,
    # The council adopted the strategy in the autumn before its first year.
    "council_decision_month_day": (11, 23),
    "council_decision_reference": "Vorlage {year}/187",
    "council_decision_url": "https://ratsinfo.musterstadt.example/vorlagen/{year}-187",
    "document_url": "https://www.musterstadt.example/digitalstrategie.pdf",
    "lead_role": "Stabsstelle Digitalisierung bei der Bürgermeisterin",
    "intro": """\
Digitalisierung ist in Musterstadt keine Aufgabe der IT-Abteilung allein. Sie verändert, wie
wir Anträge bearbeiten, wie unsere Kinder lernen, wie wir mit Ihnen ins Gespräch kommen und
wie wir Straßen, Netze und Gebäude betreiben. Deshalb hat der Stadtrat eine gemeinsame
Strategie für die ganze Verwaltung beschlossen – mit klaren Zuständigkeiten in jedem
Fachbereich.

**So ist die Strategie aufgebaut:**

- **Sechs Handlungsfelder** bündeln die Vorhaben, vom Bürgerservice bis zu den digitalen
  Kompetenzen der Beschäftigten.
- **Etappenziele** machen den Weg überprüfbar: Jedes hat einen Termin, eine verantwortliche
  Organisationseinheit und einen Finanzierungsplan.
- **Die Stabsstelle Digitalisierung** bei der Bürgermeisterin steuert das Programm und
  berichtet dem Hauptausschuss zweimal im Jahr.
- **Helden der Digitalisierung** aus allen Bereichen treiben einzelne Vorhaben voran und
  sind Ansprechpartner für ihre Kolleginnen und Kollegen.

Auf dieser Seite berichten wir offen über den Stand: was geschafft ist, was sich verzögert und
warum. Verschobene Termine bleiben mit ihrer Begründung sichtbar. Ihre Fragen und Hinweise
helfen uns, die richtigen Prioritäten zu setzen – kommentieren Sie die Etappenziele gern.
""",
}

# Total financing plan of the strategy per budget year (relative year -> EUR).
BUDGET_YEARS = {
    -2: "1900000.00",
    -1: "1950000.00",
    0: "2700000.00",
    # Later years hold reserves for milestones that are not planned in detail yet.
    1: "950000.00",
    2: "750000.00",
    3: "600000.00",
    4: "500000.00",
}

FIELDS = [
    {
        "slug": "buergerservice-online",
        "name": "Bürgerservice online",
        "description": "Behördengänge von zu Hause aus erledigen: Anträge, Termine und "
        "Bezahlung online, vom ersten Klick bis zum Bescheid. Der persönliche Service im "
        "Bürgerbüro bleibt für alle erhalten, die ihn brauchen.",
    },
    {
        "slug": "digitale-schule",
        "name": "Digitale Schule",
        "description": "Schnelles Netz, zeitgemäße Technik und verlässliche Betreuung für "
        "alle 14 Schulen in städtischer Trägerschaft, damit digitales Lernen im Alltag "
        "funktioniert.",
    },
    {
        "slug": "moderne-verwaltung",
        "name": "Moderne Verwaltung",
        "description": "Papierlose Abläufe im Rathaus: elektronische Akten, digitale "
        "Rechnungen und sichere IT. Das spart Wege und Zeit und macht Entscheidungen "
        "nachvollziehbar.",
    },
    {
        "slug": "smarte-infrastruktur",
        "name": "Smarte Infrastruktur",
        "description": "Glasfaser, öffentliches WLAN und Sensoren helfen, Verkehr, Energie "
        "und Umwelt in der Stadt besser zu steuern.",
    },
    {
        "slug": "offene-daten-beteiligung",
        "name": "Offene Daten & Beteiligung",
        "description": "Daten der Stadt frei zugänglich machen und Bürgerinnen und Bürger "
        "online an Planungen und Entscheidungen beteiligen.",
    },
    {
        "slug": "digitale-kompetenzen",
        "name": "Digitale Kompetenzen",
        "description": "Beschäftigte der Stadt und Menschen in Musterstadt im Umgang mit "
        "digitalen Angeboten stärken, damit niemand zurückbleibt.",
    },
]

DEPARTMENTS = [
    {
        "slug": "stabsstelle-digitalisierung",
        "name": "Stabsstelle Digitalisierung",
        "description": "Steuert die Digitalstrategie, berät die Fachbereiche und berichtet "
        "dem Stadtrat. Direkt der Bürgermeisterin zugeordnet.",
    },
    {
        "slug": "buergerservice",
        "name": "Fachbereich Bürgerservice und Ordnung",
        "description": "Bürgerbüro, Standesamt, Gewerbe- und Ordnungsangelegenheiten.",
    },
    {
        "slug": "zentrale-dienste-it",
        "name": "Fachbereich Zentrale Dienste und IT",
        "description": "Betreibt die IT der Verwaltung und der Schulen, die Poststelle und "
        "das Sitzungsdienstbüro.",
    },
    {
        "slug": "finanzen",
        "name": "Fachbereich Finanzen",
        "description": "Kämmerei, Stadtkasse und Steuern; plant und überwacht den Haushalt.",
    },
    {
        "slug": "personal-organisation",
        "name": "Fachbereich Personal und Organisation",
        "description": "Personalverwaltung, Aus- und Fortbildung sowie Organisationsentwicklung "
        "für rund 850 Beschäftigte.",
    },
    {
        "slug": "schule-kultur-sport",
        "name": "Fachbereich Schule, Kultur und Sport",
        "description": "Schulträger für 14 Schulen, dazu Stadtbibliothek, Volkshochschule und "
        "Sportstätten.",
    },
    {
        "slug": "jugend-familie-soziales",
        "name": "Fachbereich Jugend, Familie und Soziales",
        "description": "Kindertagesbetreuung, Jugendarbeit, Wohngeld, Seniorenbüro und "
        "Leistungen für Bildung und Teilhabe.",
    },
    {
        "slug": "stadtentwicklung-bauen",
        "name": "Fachbereich Stadtentwicklung und Bauen",
        "description": "Stadtplanung, Bauaufsicht, Tiefbau und Verkehr, Breitbandkoordination.",
    },
]

# Key -> champion. Names are invented; no photos in the demo.
CHAMPIONS = {
    "albers": {
        "name": "Dr. Katrin Albers",
        "role": "Leiterin der Stabsstelle Digitalisierung",
        "department": "stabsstelle-digitalisierung",
        "quote": "Digitalisierung gelingt nur, wenn alle mitmachen. Meine Aufgabe ist es, "
        "die Fäden zusammenzuhalten – die Ideen kommen aus den Fachbereichen.",
    },
    "yildiz": {
        "name": "Murat Yıldız",
        "role": "Teamleiter im Bürgerbüro",
        "department": "buergerservice",
        "quote": "Ich frage bei jedem neuen Online-Angebot: Würde meine Mutter damit "
        "zurechtkommen? Wenn nicht, sind wir noch nicht fertig.",
    },
    "vogt": {
        "name": "Sabine Vogt",
        "role": "Rektorin der Lindenschule und Sprecherin der Schulleitungen",
        "department": "schule-kultur-sport",
        "quote": "Technik allein macht keinen guten Unterricht. Aber wenn das WLAN "
        "zuverlässig läuft, können wir uns endlich auf die Pädagogik konzentrieren.",
    },
    "petersen": {
        "name": "Jonas Petersen",
        "role": "Systembetreuer für die Schulen",
        "department": "zentrale-dienste-it",
        "quote": "Ein Gerät ist erst dann ein Gewinn, wenn jemand da ist, der hilft, wenn "
        "es einmal nicht funktioniert.",
    },
    "kowalski": {
        "name": "Elena Kowalski",
        "role": "Sachbearbeiterin in der Kämmerei, Projektleitung E-Rechnung",
        "department": "finanzen",
        "quote": "Früher sind Rechnungen durch fünf Büros gewandert. Heute sehe ich mit "
        "einem Klick, wo eine Rechnung gerade liegt.",
    },
    "brandt": {
        "name": "Thomas Brandt",
        "role": "Breitbandkoordinator im Tiefbauamt",
        "department": "stadtentwicklung-bauen",
        "quote": "Jeder Meter Glasfaser, den wir verlegen, ist eine Investition für die "
        "nächsten vierzig Jahre.",
    },
}

# Key -> funding source.
FUNDING_SOURCES = {
    "eigenmittel": {
        "name": "Eigenmittel (städtischer Haushalt)",
        "is_grant": False,
        "description": "Mittel aus dem Haushalt der Stadt Musterstadt.",
    },
    "digitalpakt": {
        "name": "DigitalPakt Schule",
        "is_grant": True,
        "description": "Förderprogramm von Bund und Ländern für die digitale Ausstattung "
        "der Schulen; die Stadt trägt einen Eigenanteil von zehn Prozent.",
    },
    "digitale-kommune": {
        "name": "Förderprogramm Digitale Kommune (Land)",
        "is_grant": True,
        "description": "Landesprogramm für Digitalisierungsvorhaben in Städten und Gemeinden.",
    },
    "ozg": {
        "name": "OZG-Umsetzungsmittel",
        "is_grant": True,
        "description": "Mittel zur Umsetzung des Onlinezugangsgesetzes, weitergegeben über "
        "das Land.",
    },
    "gigabit": {
        "name": "Gigabitförderung (Bund und Land)",
        "is_grant": True,
        "description": "Förderung des Glasfaserausbaus in Gebieten, die der Markt nicht "
        "erschließt.",
    },
}

DEFAULT_ADMIN_EMAIL = "admin@musterstadt.example"

# Demo accounts; the administrator's address can be chosen on the command line.
DEMO_ACCOUNTS = [
    {"key": "admin", "email": None, "display_name": "Administration",
     "roles": ("admin",), "departments": ()},
    {"key": "editor", "email": "redaktion@musterstadt.example",
     "display_name": "Redaktion Bürgerservice", "roles": ("editor",),
     "departments": ("buergerservice",)},
    {"key": "moderator", "email": "moderation@musterstadt.example",
     "display_name": "Moderation", "roles": ("moderator",), "departments": ()},
    {"key": "citizen", "email": "buergerin@musterstadt.example",
     "display_name": "Clara Bürger", "roles": ("citizen",), "departments": ()},
]
