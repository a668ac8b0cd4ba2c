"""Builders for the CSV tests: a small strategy the sample files refer to, and a database dump."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Field, Milestone, User
from app.models.transfer import ImportBatch
from tests.builders import make_admin, make_champion, make_department, make_editor, make_field, make_funding
from tests.builders import make_milestone

CSV_DIR = Path(__file__).resolve().parents[1] / "data" / "csv"


def sample(name: str) -> bytes:
    return (CSV_DIR / name).read_bytes()


@dataclass
class Scene:
    admin: User
    editor: User  # editor of buergeramt
    buergerservice: Field
    bildung: Field
    buergeramt: Department
    it: Department


def make_scene() -> Scene:
    """Fields and departments with the slugs the files in tests/data/csv use."""
    buergeramt, it = make_department("Bürgeramt", slug="buergeramt"), make_department("IT-Abteilung", slug="it")
    scene = Scene(
        admin=make_admin(),
        editor=make_editor(buergeramt),
        buergerservice=make_field("Bürgerservice online", slug="buergerservice"),
        bildung=make_field("Bildung", slug="bildung"),
        buergeramt=buergeramt,
        it=it,
    )
    db.session.commit()
    return scene


def make_rich_milestones(scene: Scene) -> list[Milestone]:
    """Milestones that use every column, including text a spreadsheet would run as a formula."""
    champion = make_champion(name="Erika Muster")
    parent = make_milestone(
        "=HYPERLINK(\"http://evil.example\";\"Klick\")", slug="portal", field=scene.buergerservice,
        department=scene.buergeramt, summary="-5 % Papier; \"weniger\" Wege",
        description="Zeile eins\nZeile zwei; mit Semikolon\r\n\n- Liste\n@erwähnt",
        easy_summary="'=schon mit Apostroph", contact_role="@Leitung Bürgerservice",
        progress_method="+ zählt die Dienste", weight=3, status="in_progress", progress=35,
        start_date=date(2024, 1, 15), original_target_date=date(2025, 6, 30),
        target_date=date(2026, 12, 31), planned=Decimal("1234567.89"), committed=Decimal("0.10"),
        spent=Decimal("1500000.00"), budget_year=2025, published=True,
        title_en="Portal online", summary_en="=1+1; \"less\" paper", description_en="Line one\nLine two; semicolon",
        contact_role_en="@Head of citizen services",
    )
    parent.participating_departments = [scene.it, scene.buergeramt]
    parent.champions = [champion]
    make_funding(parent, "1000.50", source_name="Eigenmittel")
    make_funding(parent, "250000", source_name="Förderprogramm Digitales Rathaus", is_grant=True)
    child = make_milestone(
        "Teilziel\tmit Tab", slug="portal-teil", field=scene.buergerservice, parent=parent,
        department=scene.it, status="completed", completed_on=date(2025, 2, 1),
        target_date=None, original_target_date=None, published=False,
    )
    plain = make_milestone("Schul-WLAN", slug="schul-wlan", field=scene.bildung, department=scene.it,
                           status="planned", target_date=date(2027, 8, 1))
    db.session.commit()
    return [parent, child, plain]


def dump_database() -> dict[str, list[tuple]]:
    """Every row of every table except the stored uploads, to prove that nothing changed."""
    dump = {}
    for table in db.metadata.sorted_tables:
        if table.name == ImportBatch.__tablename__:
            continue
        rows = db.session.execute(select(table)).all()
        dump[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return dump
