"""Handlungsfeld "Bürgerservice online"."""
from app.demo.spec import MilestoneSpec, Replan, Update

FIELD = "buergerservice-online"

MILESTONES = [
    MilestoneSpec(
        slug="online-terminvergabe",
        title="Online-Terminvergabe für das Bürgerbüro",
        field=FIELD,
        department="buergerservice",
        participating=("zentrale-dienste-it",),
        champions=("yildiz",),
        contact_role="Leitung Bürgerbüro",
        summary="Termine im Bürgerbüro lassen sich rund um die Uhr online buchen, verschieben "
        "und absagen – ohne Warteschleife am Telefon.",
        description="""\
Früher ließen sich Termine für Personalausweis, Reisepass oder Ummeldung nur telefonisch
oder am Schalter vereinbaren. Montags war die Leitung oft stundenlang besetzt.

**Was umgesetzt ist:**

- Buchen, Verschieben und Absagen rund um die Uhr über die Website
- Erinnerung per E-Mail am Vortag
- Liste der Unterlagen, die zum Termin mitzubringen sind
- Telefonische Terminvergabe für alle, die das Internet nicht nutzen möchten

Der Beirat für Menschen mit Behinderung hat die Buchungsseite vor dem Start getestet.
""",
        easy_summary="Sie brauchen einen Termin im Bürgerbüro? Den Termin können Sie im "
        "Internet machen. Das geht zu jeder Zeit. Sie können auch weiter anrufen.",
        progress_method="Anteil der Dienstleistungen des Bürgerbüros, für die ein Termin "
        "online gebucht werden kann (Ziel: alle 24 Dienstleistungen).",
        start=-730,
        target=-420,
        budget_year=-2,
        funding={"eigenmittel": "38000.00"},
        committed="36420.00",
        spent="36420.00",
        history=(
            Update(-700, "Auftrag für die Terminsoftware vergeben",
                   "Nach einer Ausschreibung mit vier Angeboten hat die Stadt den Auftrag "
                   "vergeben. Den Anfang machen **Ausweis- und Passanträge**, weil hier die "
                   "meisten Anrufe eingehen.",
                   "Leitung Bürgerbüro", status="in_progress", progress=20),
            Update(-560, "Testbetrieb für Ausweise und Pässe läuft",
                   "Seit vier Wochen können Termine für Ausweise und Pässe online gebucht "
                   "werden. Rund 60 Prozent der Termine kommen bereits über die Website. "
                   "Rückmeldungen aus dem Testbetrieb:\n\n"
                   "- Die Bestätigungsmail kam teils im Spam-Ordner an (behoben).\n"
                   "- Gewünscht wird eine Erinnerung am Vortag (umgesetzt).",
                   "Leitung Bürgerbüro", progress=55),
            Update(-455, "Alle Dienstleistungen online buchbar",
                   "Für alle 24 Dienstleistungen des Bürgerbüros gibt es jetzt Online-Termine. "
                   "Damit ist das Etappenziel früher als geplant erreicht.",
                   "Leitung Bürgerbüro", status="completed"),
            Update(-90, "Bilanz nach gut einem Jahr",
                   "71 Prozent aller Termine werden inzwischen online gebucht. Die "
                   "durchschnittliche Wartezeit am Telefon ist von zwölf auf unter drei "
                   "Minuten gesunken. Nicht wahrgenommene Termine werden seit der "
                   "Erinnerungsmail seltener.",
                   "Stabsstelle Digitalisierung"),
        ),
    ),
    MilestoneSpec(
        slug="verwaltungsleistungen-online",
        title="Die 30 meistgenutzten Verwaltungsleistungen vollständig online",
        field=FIELD,
        department="buergerservice",
        participating=("zentrale-dienste-it", "jugend-familie-soziales", "stadtentwicklung-bauen"),
        champions=("albers", "yildiz"),
        contact_role="Projektleitung Onlinezugangsgesetz",
        weight=3,
        summary="Die Leistungen, die Bürgerinnen, Bürger und Unternehmen am häufigsten bei der "
        "Stadt beantragen, sollen durchgängig online möglich sein – vom Antrag bis zum Bescheid.",
        description="""\
Das Onlinezugangsgesetz verpflichtet Bund, Länder und Kommunen, ihre Leistungen online
anzubieten. Musterstadt konzentriert sich zuerst auf die **30 Leistungen mit den meisten
Anträgen**; sie machen rund vier Fünftel aller Vorgänge aus.

„Vollständig online“ heißt: Antrag, Nachweise, Bezahlung und Bescheid laufen digital. Die
Anmeldung erfolgt über das Bürgerkonto des Bundes (BundID), ein eigenes Konto bei der
Stadt ist nicht nötig.

Die Umsetzung ist in Teilziele gegliedert, die jeweils ein Fachbereich verantwortet. Die
gemeinsame Technik – Formularserver, Bezahlfunktion und Anbindung an das Bürgerkonto – wird
zentral beschafft.
""",
        easy_summary="Viele Anträge bei der Stadt können Sie bald im Internet stellen. Sie "
        "müssen dann nicht ins Rathaus kommen. Die Antwort bekommen Sie auch im Internet.",
        progress_method="Der Fortschritt ergibt sich aus den Teilzielen. Teilziele mit vielen "
        "Anträgen pro Jahr zählen stärker.",
        start=-640,
        target=400,
        budget_year=-1,
        funding={"ozg": "95000.00", "eigenmittel": "25000.00"},
        committed="112000.00",
        spent="87300.00",
        history=(
            Update(-620, "Programm gestartet",
                   "Die Fachbereiche haben gemeinsam die 30 Leistungen ausgewählt. Grundlage "
                   "waren die Antragszahlen der letzten drei Jahre.",
                   "Projektleitung Onlinezugangsgesetz", status="in_progress"),
            Update(-250, "Halbzeit: gemeinsame Technik steht",
                   "Formularserver und Bezahlfunktion sind in Betrieb; die Anbindung an das "
                   "Bürgerkonto des Bundes ist abgenommen. Damit können die Fachbereiche ihre "
                   "Leistungen nacheinander freischalten.",
                   "Projektleitung Onlinezugangsgesetz"),
            Update(-25, "Zwischenstand: 19 von 30 Leistungen online",
                   "Neu dazugekommen sind die Gewerbeummeldung und die Anmeldung einer "
                   "Veranstaltung im öffentlichen Raum. Die Sozialleistungen hängen weiter an "
                   "der Landeslösung (siehe Teilziel).",
                   "Projektleitung Onlinezugangsgesetz"),
        ),
    ),
    MilestoneSpec(
        slug="melde-und-ausweisleistungen-online",
        title="Melde- und Ausweisleistungen online",
        field=FIELD,
        department="buergerservice",
        parent="verwaltungsleistungen-online",
        contact_role="Leitung Bürgerbüro",
        weight=3,
        summary="Wohnsitz an- und ummelden, Meldebescheinigung anfordern und den Verlust eines "
        "Ausweises melden – alles online.",
        description="""\
Umfasst sechs Leistungen, darunter die **elektronische Wohnsitzanmeldung** und die
**Meldebescheinigung**. Die Bescheinigung steht nach der Prüfung als PDF mit elektronischem
Siegel im Postfach des Bürgerkontos bereit.
""",
        progress_method="Anteil der sechs Leistungen, die vollständig online angeboten werden.",
        start=-600,
        target=-240,
        budget_year=-1,
        funding={"ozg": "42000.00"},
        committed="41200.00",
        spent="41200.00",
        history=(
            Update(-590, "Arbeiten an den Meldeleistungen begonnen",
                   "Das Bürgerbüro beginnt mit der Meldebescheinigung, weil sie am häufigsten "
                   "verlangt wird.",
                   "Leitung Bürgerbüro", status="in_progress", progress=10),
            Update(-420, "Wohnsitzanmeldung online möglich",
                   "Wer innerhalb Deutschlands umzieht, kann sich jetzt online in Musterstadt "
                   "anmelden. Voraussetzung ist ein Personalausweis mit Online-Funktion.",
                   "Leitung Bürgerbüro", progress=60),
            Update(-260, "Alle sechs Leistungen online",
                   "Mit der Verlustmeldung für Ausweisdokumente ist das Teilziel erreicht.",
                   "Leitung Bürgerbüro", status="completed"),
        ),
    ),
    MilestoneSpec(
        slug="gewerbeanzeigen-online",
        title="Gewerbe online an-, um- und abmelden",
        field=FIELD,
        department="buergerservice",
        parent="verwaltungsleistungen-online",
        contact_role="Sachgebietsleitung Gewerbe",
        weight=2,
        summary="Gewerbeanzeigen werden online gestellt, automatisch geprüft und digital an "
        "Finanzamt und Kammern weitergeleitet.",
        description="""\
Bisher wurden Gewerbeanzeigen auf Papier eingereicht und von Hand an bis zu zwölf
Stellen weitergeleitet. Künftig geht die Anzeige **einmal digital** ein und wird
automatisch verteilt.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Formular, Bezahlung, Weiterleitung "
        "an die beteiligten Stellen, Anbindung der Fachsoftware.",
        start=-400,
        target=60,
        budget_year=-1,
        funding={"ozg": "28000.00"},
        committed="26500.00",
        spent="18900.00",
        history=(
            Update(-380, "Start der Umsetzung",
                   "Das Landesformular für Gewerbeanzeigen wird übernommen und an die "
                   "Fachsoftware des Gewerbeamts angebunden.",
                   "Sachgebietsleitung Gewerbe", status="in_progress", progress=15),
            Update(-200, "Anmeldung funktioniert, Weiterleitung folgt",
                   "Gewerbeanmeldungen kommen online an. Die Weiterleitung an die Kammern "
                   "läuft noch per E-Mail und wird als Nächstes automatisiert.",
                   "Sachgebietsleitung Gewerbe", progress=40),
            Update(-50, "Ummeldung online, Abmeldung im Test",
                   "Die Ummeldung ist freigeschaltet. Die Abmeldung wird derzeit mit zehn "
                   "Betrieben getestet.",
                   "Sachgebietsleitung Gewerbe", progress=70),
        ),
    ),
    MilestoneSpec(
        slug="sozialleistungen-online",
        title="Wohngeld und Bildungs- und Teilhabeleistungen online beantragen",
        field=FIELD,
        department="jugend-familie-soziales",
        parent="verwaltungsleistungen-online",
        participating=("zentrale-dienste-it",),
        contact_role="Leitung Wohngeldstelle",
        weight=2,
        summary="Anträge auf Wohngeld und auf Leistungen für Bildung und Teilhabe sollen online "
        "gestellt und Nachweise hochgeladen werden können.",
        description="""\
Die Stadt nutzt dafür die **Antragsdienste des Landes**, die an die städtische Fachsoftware
angebunden werden. Wer Hilfe beim Ausfüllen braucht, bekommt sie weiterhin in der
Sprechstunde der Wohngeldstelle.
""",
        easy_summary="Sie wollen Wohngeld beantragen? Das soll bald im Internet gehen. Sie "
        "können Hilfe bekommen. Die Wohngeld-Stelle hilft Ihnen.",
        progress_method="Fortschritt nach Arbeitspaketen; die Anbindung an die Fachsoftware "
        "zählt zur Hälfte.",
        start=-500,
        target=-120,
        budget_year=-1,
        funding={"ozg": "36000.00", "eigenmittel": "12000.00"},
        committed="30000.00",
        spent="14600.00",
        history=(
            Update(-480, "Vorbereitung begonnen",
                   "Die Wohngeldstelle hat die Abläufe aufgenommen und die Nachweise "
                   "festgelegt, die künftig hochgeladen werden können.",
                   "Leitung Wohngeldstelle", status="in_progress", progress=10),
            Update(-200, "Warten auf die Landeslösung",
                   "Das Antragsformular des Landes ist fertig, die Schnittstelle zur "
                   "Fachsoftware aber noch nicht. Ohne sie müssten alle Daten abgetippt "
                   "werden – das wollen wir vermeiden.",
                   "Leitung Wohngeldstelle", progress=25),
            Replan(-150, target=-10,
                   reason="Das Land stellt die Schnittstelle zur Fachsoftware später bereit "
                   "als angekündigt. Erst danach kann die Stadt den Antragsweg testen.",
                   author_role="Projektleitung Onlinezugangsgesetz"),
            Update(-40, "Test der Schnittstelle verzögert sich erneut",
                   "Die Schnittstelle ist geliefert, im Test sind aber Fehler bei der "
                   "Übernahme von Haushaltsangaben aufgefallen. Der Hersteller arbeitet an "
                   "einer Korrektur. Einen neuen Termin nennen wir, sobald die Korrektur "
                   "geprüft ist.",
                   "Leitung Wohngeldstelle", progress=35),
        ),
    ),
    MilestoneSpec(
        slug="digitaler-bauantrag",
        title="Digitaler Bauantrag",
        field=FIELD,
        department="stadtentwicklung-bauen",
        parent="verwaltungsleistungen-online",
        contact_role="Leitung Bauaufsicht",
        weight=1,
        summary="Bauanträge werden mit allen Plänen online eingereicht; beteiligte Stellen "
        "nehmen digital Stellung.",
        description="""\
Ein Bauantrag umfasst oft mehrere Ordner Pläne in dreifacher Ausfertigung. Künftig
laden Entwurfsverfasserinnen und -verfasser die Unterlagen hoch, und **Feuerwehr,
Denkmalschutz und Tiefbau** nehmen parallel statt nacheinander Stellung.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Einreichung, digitale Beteiligung "
        "der Fachstellen, digitale Genehmigung.",
        start=-300,
        target=240,
        budget_year=0,
        funding={"digitale-kommune": "60000.00", "eigenmittel": "20000.00"},
        committed="58000.00",
        spent="27500.00",
        history=(
            Update(-290, "Projekt gestartet",
                   "Die Bauaufsicht übernimmt das Verfahren des Landes für den digitalen "
                   "Bauantrag.",
                   "Leitung Bauaufsicht", status="in_progress", progress=10),
            Update(-80, "Einreichung online möglich",
                   "Seit diesem Monat können Bauanträge online eingereicht werden. Die "
                   "Beteiligung der Fachstellen läuft vorerst noch auf Papier.",
                   "Leitung Bauaufsicht", progress=45),
        ),
    ),
    MilestoneSpec(
        slug="gebuehren-online-bezahlen",
        title="Gebühren online bezahlen",
        field=FIELD,
        department="finanzen",
        participating=("buergerservice",),
        champions=("kowalski",),
        contact_role="Leitung Stadtkasse",
        summary="Gebühren für Online-Anträge lassen sich direkt mit gängigen "
        "Zahlungsverfahren begleichen.",
        description="""\
Die Bezahlfunktion ist an alle Online-Anträge angebunden. Zahlungen werden automatisch
in der Stadtkasse verbucht; **Überweisungen per Hand und Mahnungen** wegen vergessener
Zahlungen entfallen weitgehend.
""",
        progress_method="Anteil der gebührenpflichtigen Online-Anträge mit Bezahlfunktion.",
        start=-560,
        target=-300,
        budget_year=-1,
        funding={"eigenmittel": "22000.00"},
        committed="19850.00",
        spent="19850.00",
        history=(
            Update(-540, "Zahlungsdienstleister ausgewählt",
                   "Die Stadt nutzt den Bezahldienst, den das Land für alle Kommunen "
                   "bereitstellt. Das spart eine eigene Ausschreibung.",
                   "Leitung Stadtkasse", status="in_progress", progress=20),
            Update(-330, "Bezahlen bei allen Online-Anträgen möglich",
                   "Alle gebührenpflichtigen Online-Anträge haben jetzt eine "
                   "Bezahlfunktion. Die Zahlungen erscheinen am nächsten Werktag in der "
                   "Stadtkasse.",
                   "Leitung Stadtkasse", status="completed", edited_after_days=3),
        ),
    ),
    MilestoneSpec(
        slug="ausweis-abholstation",
        title="Abholstation für Ausweise und Pässe",
        field=FIELD,
        department="buergerservice",
        champions=("yildiz",),
        contact_role="Leitung Bürgerbüro",
        summary="Fertige Ausweise und Pässe können rund um die Uhr an einer gesicherten "
        "Station im Foyer des Rathauses abgeholt werden.",
        description="""\
Für die Abholung eines fertigen Dokuments ist heute ein zweiter Termin im Bürgerbüro
nötig. Eine **Abholstation** mit persönlicher PIN erspart diesen Weg und entlastet die
Schalter um geschätzt 9.000 Termine im Jahr.
""",
        easy_summary="Ihr neuer Ausweis ist fertig? Dann können Sie ihn bald an einem "
        "Automaten abholen. Der Automat steht im Rathaus. Sie brauchen dafür eine Geheim-Zahl.",
        progress_method="Fortschritt nach Arbeitspaketen: Beschaffung, Aufbau, Anbindung an das "
        "Meldeverfahren, Probebetrieb.",
        start=-280,
        target=-30,
        budget_year=0,
        funding={"eigenmittel": "65000.00"},
        committed="61800.00",
        spent="49400.00",
        history=(
            Update(-260, "Station bestellt",
                   "Die Station ist bestellt. Im Foyer wird dafür eine Nische umgebaut.",
                   "Leitung Bürgerbüro", status="in_progress", progress=20),
            Update(-120, "Station aufgebaut",
                   "Die Station steht. Es fehlt die Anbindung an das Meldeverfahren, damit "
                   "die Abholung automatisch vermerkt wird.",
                   "Leitung Bürgerbüro", progress=60),
            Update(-20, "Abnahme der Schnittstelle steht noch aus",
                   "Die Schnittstelle zum Meldeverfahren muss vom Softwarehersteller "
                   "freigegeben werden. Das dauert länger als geplant; der Probebetrieb "
                   "beginnt, sobald die Freigabe vorliegt.",
                   "Leitung Bürgerbüro", progress=80),
        ),
    ),
    MilestoneSpec(
        slug="buerger-app",
        title="Eigene Bürger-App für Musterstadt",
        field=FIELD,
        department="stabsstelle-digitalisierung",
        contact_role="Leitung Stabsstelle Digitalisierung",
        summary="Geplant war eine eigene App für Termine, Meldungen und Neuigkeiten. Das "
        "Vorhaben wurde zugunsten einer besseren mobilen Website eingestellt.",
        description="""\
Eine Befragung von 1.400 Bürgerinnen und Bürgern hat gezeigt: Die meisten nutzen
städtische Angebote auf dem Smartphone **im Browser** und wollen keine weitere App
installieren. Statt einer App wird deshalb die Website für Smartphones überarbeitet.
Die bereits erstellte Konzeption fließt dort ein.
""",
        progress_method="Fortschritt nach Arbeitspaketen: Konzept, Entwicklung, Start.",
        start=-500,
        target=-100,
        budget_year=-1,
        funding={"eigenmittel": "80000.00"},
        committed="8400.00",
        spent="8400.00",
        history=(
            Update(-480, "Anforderungen gesammelt",
                   "In vier Workshops mit Bürgerinnen, Bürgern und Fachbereichen wurden die "
                   "Wünsche an eine Bürger-App gesammelt.",
                   "Stabsstelle Digitalisierung", status="in_progress", progress=10),
            Update(-330, "Vorhaben eingestellt",
                   "Nach der Auswertung der Befragung stellt die Stadt die eigene App ein. "
                   "Die eingeplanten Mittel werden für die mobile Website und die "
                   "Online-Anträge verwendet.",
                   "Stabsstelle Digitalisierung", status="cancelled",
                   reason="Eine eigene App hätte nur eine kleine Gruppe erreicht, aber dauerhaft "
                   "Kosten für Pflege und Updates verursacht."),
        ),
    ),
    MilestoneSpec(
        slug="digitaler-assistent",
        title="Digitaler Assistent für häufige Fragen",
        field=FIELD,
        department="buergerservice",
        contact_role="Leitung Bürgerbüro",
        summary="Ein Assistent auf der Website beantwortet häufige Fragen rund um die Uhr und "
        "verweist auf die passenden Online-Anträge.",
        description="Entwurf: Umfang und Datenschutzkonzept werden noch abgestimmt.",
        progress_method="Wird mit dem Projektauftrag festgelegt.",
        start=200,
        target=600,
        budget_year=1,
        funding={"eigenmittel": "30000.00"},
        published=False,
    ),
]
