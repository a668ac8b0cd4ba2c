"""A small but complete site for the page quality tests: every kind of content a page can show."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from app.extensions import db
from app.models import ContentPage, FundingSource, MilestoneChange, StrategyBudgetYear
from app.progress import today
from app.sanitize import markdown_to_html
from tests.builders import days_ago, make_champion, make_department, make_field, make_funding, make_milestone
from tests.builders import make_strategy, make_update

FEATURED_TITLE = "Digitales Bürgerkonto für alle Dienste"
# Municipal content, written in German: on English pages it must sit inside an element with lang="de".
GERMAN_CONTENT = (
    FEATURED_TITLE,
    "Bürgerservice online",
    "Stabsstelle Digitalisierung",
    "Ein Konto für alle Anträge der Stadt.",
    "Anteil der angebundenen Dienste",
    "Die Schnittstelle des Landes ist erst im Herbst verfügbar.",
    "Neuer Zieltermin",
    "Jeder Antrag, der online geht, spart allen Zeit.",
    "Förderprogramm Digitale Kommune",
)


@dataclass(frozen=True)
class QualitySite:
    field_slug: str
    department_slug: str
    milestone_slug: str
    parent_slug: str
    german_content: tuple[str, ...] = GERMAN_CONTENT


def build_quality_site() -> QualitySite:
    """Strategy, fields, departments, champions and milestones in every status; the caller commits."""
    strategy = make_strategy(
        title="Digitalstrategie Musterstadt 2024–2030",
        council_decision_on=days_ago(700),
        council_decision_reference="Beschluss 2024/117",
        council_decision_url="https://www.musterstadt.example/ratsinfo/2024-117",
        document_url="https://www.musterstadt.example/digitalstrategie.pdf",
        lead_role="Leitung Stabsstelle Digitalisierung",
        title_en="Digital strategy of Musterstadt 2024–2030",
    )
    for year, amount in ((2024, "250000.00"), (2025, "480000.50"), (2026, "390000.00")):
        db.session.add(StrategyBudgetYear(strategy=strategy, year=year, amount=Decimal(amount)))

    service = make_field("Bürgerservice online", slug="buergerservice-online",
                         description="Verwaltungsleistungen rund um die Uhr im Netz.", position=1)
    schools = make_field("Digitale Schulen", slug="digitale-schulen", name_en="Digital schools",
                         description="Ausstattung und Netz für alle Schulen.", position=2)
    citizen_office = make_department("Bürgeramt", slug="buergeramt",
                                     description="Melde-, Pass- und Ausweiswesen.")
    it_unit = make_department("Stabsstelle Digitalisierung", slug="stabsstelle-digitalisierung",
                              description="Steuert die Digitalstrategie.")
    schools_office = make_department("Schulverwaltungsamt", slug="schulverwaltungsamt")
    champion = make_champion(name="Erika Mustermann", role="Leitung Bürgeramt", department=citizen_office,
                             quote="Jeder Antrag, der online geht, spart allen Zeit.")
    second_champion = make_champion(name="Jonas Beispiel", role="Schul-IT-Koordination")

    grant = FundingSource(name="Förderprogramm Digitale Kommune", is_grant=True)
    own_budget = FundingSource(name="Eigenmittel", is_grant=False)
    db.session.add_all([grant, own_budget])

    featured = make_milestone(
        FEATURED_TITLE, slug="digitales-buergerkonto", field=service, department=citizen_office,
        summary="Ein Konto für alle Anträge der Stadt.",
        description="## Worum es geht\n\nMit einem **Bürgerkonto** stellen Sie Anträge online.\n\n- Wohnsitz ummelden\n- Bewohnerparkausweis",
        easy_summary="Sie können Anträge im Internet stellen.",
        status="in_progress", progress=60, weight=2,
        progress_method="Anteil der angebundenen Dienste an allen geplanten Diensten.",
        start_date=days_ago(500), original_target_date=days_ago(30), target_date=today() + timedelta(days=120),
        contact_role="Leitung Bürgerservice",
        planned=Decimal("120000.00"), committed=Decimal("90000.00"), spent=Decimal("64500.25"), budget_year=2025,
    )
    featured.participating_departments = [it_unit]
    featured.champions = [champion]
    make_funding(featured, "80000.00", grant)
    make_funding(featured, "40000.00", own_budget)
    first = make_update(featured, reported_on=days_ago(200), title="Projektstart", body="Die Ausschreibung ist **abgeschlossen**.",
                        title_en="Project start", body_en="The tender is **closed**.")
    replanned = make_update(featured, reported_on=days_ago(20), title="Neuer Zieltermin",
                            body="Die Schnittstelle des Landes kommt später.\n\n1. Test\n2. Start")
    db.session.add_all([
        MilestoneChange(milestone=featured, progress_update=first, changed_on=days_ago(200), kind="status",
                        old_value="planned", new_value="in_progress", author_role="Leitung Bürgerservice"),
        MilestoneChange(milestone=featured, progress_update=replanned, changed_on=days_ago(20), kind="progress",
                        old_value="35", new_value="60", author_role="Leitung Bürgerservice"),
        MilestoneChange(milestone=featured, progress_update=replanned, changed_on=days_ago(20), kind="target_date",
                        old_value=days_ago(30).isoformat(), new_value=(today() + timedelta(days=120)).isoformat(),
                        reason="Die Schnittstelle des Landes ist erst im Herbst verfügbar.",
                        author_role="Leitung Bürgerservice"),
        MilestoneChange(milestone=featured, changed_on=days_ago(15), kind="spent",
                        old_value="50000.00", new_value="64500.25", author_role="Kämmerei"),
    ])

    parent = make_milestone(
        "WLAN in allen Schulen", slug="wlan-in-allen-schulen", field=schools, department=schools_office,
        title_en="Wi-Fi in all schools",
        summary="Jede Schule bekommt flächendeckendes WLAN.", status="in_progress", progress=0,
        target_date=today() + timedelta(days=300), planned=Decimal("300000.00"), spent=Decimal("330000.00"),
    )
    parent.champions = [second_champion]
    make_milestone("WLAN Grundschulen", slug="wlan-grundschulen", field=schools, parent=parent,
                   department=schools_office, status="completed", completed_on=days_ago(40), weight=2)
    make_milestone("WLAN weiterführende Schulen", slug="wlan-weiterfuehrende-schulen", field=schools,
                   parent=parent, department=schools_office, status="in_progress", progress=30)
    make_update(parent, reported_on=days_ago(10), title="Grundschulen fertig")

    make_milestone("Online-Terminvergabe", slug="online-terminvergabe", field=service, department=citizen_office,
                   status="completed", completed_on=days_ago(100), target_date=days_ago(90))
    make_milestone("Digitaler Bauantrag", slug="digitaler-bauantrag", field=service, department=it_unit,
                   status="in_progress", progress=20, target_date=days_ago(10), start_date=days_ago(400))
    stale = make_milestone("E-Akte in der Verwaltung", slug="e-akte", field=service, department=it_unit,
                           status="on_hold", progress=45)
    make_update(stale, reported_on=days_ago(200), title="Pausiert bis zur Haushaltsfreigabe")
    make_milestone("Papierlose Ratsarbeit", slug="papierlose-ratsarbeit", field=service, department=it_unit,
                   status="cancelled", progress=10)
    make_milestone("Open-Data-Portal", slug="open-data-portal", field=service, department=it_unit,
                   status="planned", start_date=today() + timedelta(days=60))
    make_milestone("Entwurf: Chatbot", slug="entwurf-chatbot", field=service, published=False)

    # Operator texts: a German-only imprint (shown marked lang="de" on English pages) and a video link.
    imprint = "**Stadt Musterstadt**\n\nRathausplatz 1, 12345 Musterstadt"
    db.session.add_all([
        ContentPage(slug="impressum", title_de="Impressum", body_de=imprint, body_de_html=markdown_to_html(imprint)),
        ContentPage(slug="gebaerdensprache", title_de="Gebärdensprache", title_en="Sign language",
                    video_url="https://video.musterstadt.example/dgs-digitalstrategie"),
    ])
    db.session.flush()
    return QualitySite(
        field_slug=service.slug,
        department_slug=citizen_office.slug,
        milestone_slug=featured.slug,
        parent_slug=parent.slug,
    )
