"""Sorting by title follows German dictionaries (Ä as A), the same on SQLite and PostgreSQL."""
from __future__ import annotations

import lxml.html
import pytest

from app.extensions import db
from app.models.milestones import sort_key
from tests.builders import make_field, make_milestone

TITLES = ["Zahlungsverkehr", "Überweisungen digital", "Ärztehaus online", "Akte", "„Offene“ Daten",
          "Öffnungszeiten", "bürgerkonto"]
EXPECTED = ["Akte", "Ärztehaus online", "bürgerkonto", "„Offene“ Daten", "Öffnungszeiten",
            "Überweisungen digital", "Zahlungsverkehr"]


def test_sort_key_folds_case_umlauts_and_leading_quotes():
    assert sorted(TITLES, key=sort_key) == EXPECTED
    assert sort_key("Straße") == "strasse"


@pytest.mark.postgres
def test_milestone_list_sorted_by_title(client, db):
    field = make_field()
    for title in TITLES:
        make_milestone(title, field=field)
    db.session.commit()
    html = client.get("/etappenziele?sort=title").get_data(as_text=True)
    shown = [h.text_content().strip() for h in lxml.html.fromstring(html).xpath('//h3[@class="card-title"]')]
    assert shown == EXPECTED


def test_renaming_updates_the_key(db):
    milestone = make_milestone("Zebra")
    db.session.commit()
    milestone.title = "Änderung"
    db.session.commit()
    assert milestone.sort_title == "anderung"
