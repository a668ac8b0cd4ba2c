"""Handlungsfeld "Digitale Kompetenzen"."""
from app.demo.spec import MilestoneSpec, Update

FIELD = "digitale-kompetenzen"

MILESTONES = [
    MilestoneSpec(
        slug="qualifizierung-digital-fit",
        title="Qualifizierungsprogramm „Digital fit“ für alle Beschäftigten",
        field=FIELD,
        department="personal-organisation",
        participating=("stabsstelle-digitalisierung",),
        contact_role="Leitung Personalentwicklung",
        weight=2,
        summary="Alle Beschäftigten der Stadt durchlaufen ein Grundmodul zu digitalem "
        "Arbeiten; Vertiefungen gibt es nach Bedarf.",
        description="""\
Neue Technik hilft nur, wenn sie sicher genutzt wird. Das Programm besteht aus:

1. **Grundmodul** (zwei halbe Tage): E-Akte, digitale Zusammenarbeit, sicheres Verhalten
   im Netz
2. **Vertiefungen** nach Aufgabe, zum Beispiel Datenanalyse oder digitale Beteiligung
3. **Lernsprechstunden** mit den Digitallotsinnen und -lotsen der Fachbereiche

Die Teilnahme ist Arbeitszeit.
""",
        progress_method="Anteil der Beschäftigten, die das Grundmodul abgeschlossen haben "
        "(Ziel: alle rund 850).",
        start=-500,
        target=365,
        budget_year=0,
        funding={"eigenmittel": "60000.00", "digitale-kommune": "40000.00"},
        committed="64000.00",
        spent="47800.00",
        history=(
            Update(-480, "Erste Kurse gestartet",
                   "Die ersten 80 Beschäftigten haben das Grundmodul besucht. Die Kurse sind "
                   "bis zum Jahresende ausgebucht.",
                   "Leitung Personalentwicklung", status="in_progress", progress=10),
            Update(-330, "Ein Viertel geschafft",
                   "Rund 210 Beschäftigte haben das Grundmodul abgeschlossen. Für "
                   "Schichtdienste gibt es jetzt Kurse am frühen Morgen.",
                   "Leitung Personalentwicklung", progress=25),
            Update(-190, "Lernangebot ergänzt",
                   "Neu ist ein Selbstlernkurs für alle, die nicht an Präsenzkursen "
                   "teilnehmen können. Rund 340 Beschäftigte sind inzwischen geschult.",
                   "Leitung Personalentwicklung", progress=40, edited_after_days=1),
            Update(-40, "Mehr als die Hälfte geschult",
                   "470 Beschäftigte haben das Grundmodul abgeschlossen. Die Rückmeldungen "
                   "werden für die Vertiefungskurse ausgewertet.",
                   "Leitung Personalentwicklung", progress=55),
        ),
    ),
    MilestoneSpec(
        slug="netzwerk-digitallotsen",
        title="Netzwerk der Digitallotsinnen und -lotsen",
        field=FIELD,
        department="stabsstelle-digitalisierung",
        participating=("personal-organisation",),
        champions=("albers", "yildiz", "kowalski"),
        contact_role="Leitung Stabsstelle Digitalisierung",
        summary="In jedem Fachbereich gibt es mindestens zwei Beschäftigte, die Kolleginnen "
        "und Kollegen bei digitalen Fragen unterstützen.",
        description="""\
Die Digitallotsinnen und -lotsen sind das Bindeglied zwischen ihrem Fachbereich und der
Stabsstelle. Sie treffen sich monatlich, teilen ihre Erfahrungen und bringen Ideen für
neue Vorhaben ein. Für diese Aufgabe haben sie **zehn Prozent ihrer Arbeitszeit**.
""",
        easy_summary="In jedem Amt gibt es Helferinnen und Helfer. Sie zeigen den Kollegen "
        "den Umgang mit dem Computer.",
        progress_method="Anteil der Fachbereiche mit mindestens zwei benannten "
        "Digitallotsinnen oder -lotsen.",
        start=-700,
        target=-400,
        budget_year=-2,
        funding={"eigenmittel": "12000.00"},
        committed="11200.00",
        spent="11200.00",
        history=(
            Update(-690, "Aufruf an alle Fachbereiche",
                   "Die Bürgermeisterin hat alle Beschäftigten eingeladen, sich als "
                   "Digitallotsin oder Digitallotse zu melden. 31 Personen haben sich "
                   "gemeldet.",
                   "Stabsstelle Digitalisierung", status="in_progress", progress=20),
            Update(-540, "Erste Schulungsrunde abgeschlossen",
                   "Sechs von acht Fachbereichen haben ihre Lotsinnen und Lotsen benannt.",
                   "Stabsstelle Digitalisierung", progress=70),
            Update(-430, "Netzwerk vollständig",
                   "Alle acht Fachbereiche sind vertreten. Das Netzwerk trifft sich ab jetzt "
                   "monatlich.",
                   "Stabsstelle Digitalisierung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="digital-sprechstunden-senioren",
        title="Digital-Sprechstunden für Seniorinnen und Senioren",
        field=FIELD,
        department="jugend-familie-soziales",
        participating=("schule-kultur-sport",),
        contact_role="Leitung Seniorenbüro",
        summary="Ehrenamtliche helfen älteren Menschen in der Stadtbibliothek und in den "
        "Bürgerhäusern bei Smartphone, Tablet und Online-Anträgen.",
        description="""\
Wer die Online-Angebote der Stadt nicht allein nutzen kann, soll nicht ausgeschlossen
werden. Geschulte Ehrenamtliche bieten **wöchentliche Sprechstunden** an fünf Orten an.
Die Stadt stellt Räume, Leihgeräte und die Schulung der Ehrenamtlichen.
""",
        easy_summary="Sie sind älter und haben Fragen zum Handy oder Computer? Dann kommen "
        "Sie in die Sprech-Stunde. Dort hilft man Ihnen. Das kostet nichts.",
        progress_method="Anteil der fünf geplanten Standorte mit regelmäßiger Sprechstunde.",
        start=-380,
        target=200,
        budget_year=0,
        funding={"eigenmittel": "18000.00", "digitale-kommune": "12000.00"},
        committed="16500.00",
        spent="11300.00",
        history=(
            Update(-370, "Erste Sprechstunde in der Stadtbibliothek",
                   "Zwölf Ehrenamtliche sind geschult. Die erste Sprechstunde war sofort "
                   "ausgebucht.",
                   "Leitung Seniorenbüro", status="in_progress", progress=20),
            Update(-160, "Zweiter Standort im Bürgerhaus Altdorf",
                   "Seit diesem Monat gibt es auch in Altdorf eine Sprechstunde, jeden "
                   "Dienstag von 10 bis 12 Uhr.",
                   "Leitung Seniorenbüro", progress=40),
            Update(-50, "Bürgerhaus Kirchberg dazugekommen",
                   "Drei Standorte sind in Betrieb. Für die letzten beiden suchen wir noch "
                   "Ehrenamtliche – melden Sie sich gern beim Seniorenbüro.",
                   "Leitung Seniorenbüro", progress=50),
        ),
    ),
]
