"""Handlungsfeld "Moderne Verwaltung"."""
from app.demo.spec import MilestoneSpec, Replan, Update

FIELD = "moderne-verwaltung"

MILESTONES = [
    MilestoneSpec(
        slug="e-akte",
        title="Elektronische Akte in der gesamten Kernverwaltung",
        field=FIELD,
        department="zentrale-dienste-it",
        participating=("personal-organisation", "finanzen", "buergerservice",
                       "stadtentwicklung-bauen"),
        champions=("albers",),
        contact_role="Projektleitung E-Akte",
        weight=3,
        summary="Alle Fachbereiche führen ihre Akten elektronisch. Vorgänge lassen sich "
        "ortsunabhängig bearbeiten und sind jederzeit auffindbar.",
        description="""\
Die E-Akte ist das Rückgrat der digitalen Verwaltung: Erst wenn Akten elektronisch
vorliegen, können Anträge durchgängig digital bearbeitet werden.

**Vorgehen:** Die Fachbereiche werden nacheinander umgestellt. Jeder Bereich bekommt
vorher eine Prozessanalyse, Schulungen und Digitallotsinnen oder -lotsen als
Ansprechpersonen. Laufende Papierakten werden nur digitalisiert, wenn sie noch gebraucht
werden; abgeschlossene Akten bleiben im Archiv.

| Schritt | Bereiche |
|---|---|
| 1 | Personal, Finanzen |
| 2 | Bürgerservice, Zentrale Dienste |
| 3 | Bauen, Soziales, Schule |
""",
        progress_method="Anteil der Arbeitsplätze, die ihre Akten ausschließlich elektronisch "
        "führen (Ziel: rund 600 Arbeitsplätze).",
        start=-720,
        target=-90,
        budget_year=-1,
        funding={"eigenmittel": "300000.00", "digitale-kommune": "120000.00"},
        committed="480000.00",
        history=(
            Update(-700, "Startschuss für die E-Akte",
                   "Der Vertrag mit dem Anbieter ist unterschrieben. Personal und Finanzen "
                   "starten als erste Bereiche.",
                   "Projektleitung E-Akte", status="in_progress", progress=10,
                   spent="48000.00"),
            Update(-500, "Personal und Finanzen arbeiten mit der E-Akte",
                   "Die ersten 120 Arbeitsplätze sind umgestellt. Die Schulungen wurden "
                   "nach Rückmeldungen um einen Praxistag ergänzt.",
                   "Projektleitung E-Akte", progress=25, spent="148000.00"),
            Update(-330, "Bürgerservice und Zentrale Dienste umgestellt",
                   "Damit arbeiten rund 240 Arbeitsplätze mit der E-Akte.",
                   "Projektleitung E-Akte", progress=40, spent="290500.00"),
            Update(-200, "Neuplanung: Bauen und Soziales später",
                   "Die Übernahme der Bestandsakten aus dem alten Dokumentensystem ist "
                   "aufwendiger als geplant. Bauaufsicht und Sozialbereich werden erst nach "
                   "der Umstellung ihrer Fachsoftware angebunden.",
                   "Projektleitung E-Akte", target=180,
                   reason="Die Datenübernahme aus dem alten Dokumentensystem dauert länger; "
                   "zwei Fachbereiche müssen zuerst ihre Fachsoftware wechseln."),
            Update(-45, "Zwei Drittel geschafft – Mehrkosten bewilligt",
                   "Rund 390 Arbeitsplätze sind umgestellt. Für zusätzliche Schulungstage und "
                   "die Datenübernahme sind Mehrkosten von rund 44.000 Euro entstanden. Der "
                   "Hauptausschuss hat überplanmäßige Mittel bewilligt.",
                   "Projektleitung E-Akte", progress=65, spent="463800.00",
                   reason="Zusätzliche Schulungstage und aufwendigere Datenübernahme.",
                   edited_after_days=2),
        ),
    ),
    MilestoneSpec(
        slug="e-rechnung",
        title="E-Rechnung: Rechnungen digital empfangen und bearbeiten",
        field=FIELD,
        department="finanzen",
        participating=("zentrale-dienste-it",),
        champions=("kowalski",),
        contact_role="Leitung Kämmerei",
        summary="Rechnungen kommen elektronisch an, werden digital geprüft, freigegeben und "
        "bezahlt.",
        description="""\
Seit der Umstellung gehen rund **85 Prozent** der Rechnungen elektronisch ein.
Papierrechnungen werden in der Poststelle eingescannt, sodass alle Rechnungen denselben
digitalen Weg nehmen. Skontofristen werden seitdem fast immer eingehalten.
""",
        progress_method="Anteil der Rechnungen, die vollständig digital bearbeitet werden.",
        start=-740,
        target=-380,
        budget_year=-2,
        funding={"eigenmittel": "54000.00"},
        committed="52700.00",
        spent="52700.00",
        history=(
            Update(-700, "Pilotbetrieb in der Kämmerei",
                   "Die Kämmerei bearbeitet ihre eigenen Rechnungen bereits digital.",
                   "Projektleitung E-Rechnung", status="in_progress", progress=25),
            Update(-520, "Alle Fachbereiche angeschlossen",
                   "Alle Fachbereiche geben Rechnungen jetzt digital frei. Es fehlt noch die "
                   "Scanstraße für Papierrechnungen.",
                   "Projektleitung E-Rechnung", progress=70),
            Update(-400, "Ziel erreicht",
                   "Die Scanstraße läuft; damit werden alle Rechnungen digital bearbeitet.",
                   "Projektleitung E-Rechnung", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="digitale-personalakte",
        title="Digitale Personalakte",
        field=FIELD,
        department="personal-organisation",
        participating=("zentrale-dienste-it",),
        contact_role="Leitung Personalverwaltung",
        summary="Die Personalakten der rund 850 Beschäftigten werden elektronisch geführt; "
        "Beschäftigte können ihre Akte online einsehen.",
        description="""\
Wegen der besonders schutzwürdigen Daten beginnt das Vorhaben mit einer
**Datenschutz-Folgenabschätzung** und einer Dienstvereinbarung mit dem Personalrat.
""",
        progress_method="Fortschritt nach Arbeitspaketen; die Digitalisierung der "
        "Bestandsakten zählt zur Hälfte.",
        start=90,
        target=540,
        budget_year=1,
        funding={"eigenmittel": "75000.00"},
        history=(
            Update(-60, "Vorbereitung: Datenschutz-Folgenabschätzung begonnen",
                   "Gemeinsam mit dem Datenschutzbeauftragten und dem Personalrat werden die "
                   "Risiken bewertet. Die Ergebnisse fließen in die Ausschreibung ein.",
                   "Leitung Personalverwaltung"),
        ),
    ),
    MilestoneSpec(
        slug="informationssicherheit",
        title="Informationssicherheit nach BSI IT-Grundschutz",
        field=FIELD,
        department="zentrale-dienste-it",
        contact_role="Informationssicherheitsbeauftragte Stelle",
        weight=2,
        summary="Die Stadt führt ein Informationssicherheits-Managementsystem ein und lässt "
        "es extern prüfen.",
        description="""\
Je mehr Verwaltungsarbeit digital läuft, desto wichtiger ist der Schutz vor Ausfällen
und Angriffen. Grundlage ist der **IT-Grundschutz** des Bundesamts für Sicherheit in der
Informationstechnik. Dazu gehören Notfallpläne, regelmäßige Übungen und Schulungen für
alle Beschäftigten.
""",
        progress_method="Anteil der umgesetzten Maßnahmen aus dem Sicherheitskonzept.",
        start=-620,
        target=-300,
        budget_year=-1,
        funding={"eigenmittel": "95000.00", "digitale-kommune": "40000.00"},
        committed="118000.00",
        spent="101200.00",
        history=(
            Update(-600, "Sicherheitskonzept in Arbeit",
                   "Alle IT-Systeme der Verwaltung wurden erfasst und nach Schutzbedarf "
                   "eingestuft.",
                   "Informationssicherheitsbeauftragte Stelle", status="in_progress",
                   progress=20),
            Replan(-320, target=-120,
                   reason="Die Stelle der Informationssicherheitsbeauftragten war sechs Monate "
                   "unbesetzt.",
                   author_role="Leitung Zentrale Dienste und IT"),
            Update(-240, "Notfallübung durchgeführt",
                   "Bei einer ganztägigen Übung wurde der Ausfall des Rechenzentrums "
                   "durchgespielt. Zwei Abläufe im Notfallplan werden überarbeitet.",
                   "Informationssicherheitsbeauftragte Stelle", progress=50),
            Update(-130, "Prüfung verschoben",
                   "Das externe Prüfunternehmen hat erst später einen Termin frei.",
                   "Informationssicherheitsbeauftragte Stelle", target=-45,
                   reason="Die externe Prüfung ist erst zu einem späteren Termin möglich."),
            Update(-15, "Prüfung erneut verschoben, Restarbeiten laufen",
                   "Die Prüfung musste wegen Krankheit im Prüfteam abgesagt werden. Die Zeit "
                   "wird genutzt, um die letzten Maßnahmen abzuschließen. Ein neuer Termin "
                   "wird gerade abgestimmt.",
                   "Informationssicherheitsbeauftragte Stelle", progress=70),
        ),
    ),
    MilestoneSpec(
        slug="papierlose-gremienarbeit",
        title="Papierlose Sitzungen im Stadtrat",
        field=FIELD,
        department="zentrale-dienste-it",
        contact_role="Leitung Sitzungsdienst",
        summary="Stadtrat und Ausschüsse arbeiten mit digitalen Sitzungsunterlagen; der "
        "Versand von rund 400.000 Seiten Papier im Jahr entfällt.",
        description="""\
Alle Ratsmitglieder haben ein Tablet mit der Sitzungs-App. Vorlagen, Protokolle und
Anträge sind zugleich **öffentlich im Ratsinformationssystem** abrufbar.
""",
        progress_method="Anteil der Gremien, die ohne Papierversand arbeiten.",
        start=-740,
        target=-500,
        budget_year=-2,
        funding={"eigenmittel": "48000.00"},
        committed="46300.00",
        spent="46300.00",
        history=(
            Update(-720, "Tablets an den Stadtrat ausgegeben",
                   "Die Ratsmitglieder wurden in zwei Abendterminen geschult.",
                   "Leitung Sitzungsdienst", status="in_progress", progress=40),
            Update(-520, "Alle Gremien papierlos",
                   "Seit dieser Sitzungsrunde werden keine Unterlagen mehr auf Papier "
                   "verschickt.",
                   "Leitung Sitzungsdienst", status="completed"),
        ),
    ),
]
