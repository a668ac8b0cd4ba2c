"""The financing per budget year on the public pages: the strategy's plan and the milestones' sums."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.extensions import db as _db
from app.models import StrategyBudgetYear
from app.public import queries
from app.public.queries import YearMoney
from app.slug_redirects import field_by_slug
from tests.builders import make_field, make_milestone, make_strategy
from tests.test_public_pages import NBSP, counted_get

D = Decimal


@pytest.fixture
def plan(db):
    """A plan for 2025 and 2026; milestones with money in 2026, 2027 and without a year."""
    strategy = make_strategy()
    for year, amount in ((2025, "100000.00"), (2026, "250000.50")):
        _db.session.add(StrategyBudgetYear(strategy=strategy, year=year, amount=D(amount)))
    online = make_field("Online", slug="online")
    schools = make_field("Schulen", slug="schulen")
    parent = make_milestone("Portal", field=online, budget_year=2026,
                            planned=D("40000.00"), committed=D("30000.00"), spent=D("10000.00"))
    make_milestone("Teil", field=online, parent=parent, budget_year=2026, planned=D("5000.00"), spent=D("1000.00"))
    make_milestone("WLAN", field=schools, budget_year=2027, planned=D("70000.00"), committed=D("7000.00"))
    make_milestone("Ohne Jahr", field=online, planned=D("3000.00"))
    make_milestone("Entwurf", field=online, budget_year=2025, planned=D("999999.00"), published=False)
    make_milestone("Ohne Geld", field=schools, budget_year=2030)
    _db.session.commit()
    return strategy


def table(html: str) -> list[list[str]]:
    """The cells of the yearly money table, row by row, tags removed."""
    found = re.search(r'<table class="data-table money-year-table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", found, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def test_money_by_budget_year_sums_published_milestones_per_year_in_sql(plan):
    rows = queries.money_by_budget_year(plan)
    assert rows == [
        YearMoney(2025, D("100000.00"), D("0"), D("0"), D("0")),
        YearMoney(2026, D("250000.50"), D("45000.00"), D("30000.00"), D("11000.00")),
        YearMoney(2027, None, D("70000.00"), D("7000.00"), D("0")),
        YearMoney(None, None, D("3000.00"), D("0"), D("0")),
    ]


def test_money_by_budget_year_of_one_field_has_no_plan(plan):
    online = field_by_slug("online")
    assert queries.money_by_budget_year(field=online) == [
        YearMoney(2026, None, D("45000.00"), D("30000.00"), D("11000.00")),
        YearMoney(None, None, D("3000.00"), D("0"), D("0")),
    ]


def test_home_shows_the_yearly_plan_with_years_as_columns(client, plan):
    html = client.get("/").get_data(as_text=True)
    assert '<h3 id="money-years-heading">Finanzierung nach Haushaltsjahren</h3>' in html
    assert table(html) == [
        ["Haushaltsjahr", "2025", "2026", "2027", "ohne Haushaltsjahr", "Summe"],
        ["Finanzierungsplan der Strategie", f"100.000,00{NBSP}€", f"250.000,50{NBSP}€", "–", "–", f"350.000,50{NBSP}€"],
        ["Etappenziele: geplant", f"0,00{NBSP}€", f"45.000,00{NBSP}€", f"70.000,00{NBSP}€", f"3.000,00{NBSP}€",
         f"118.000,00{NBSP}€"],
        ["Etappenziele: gebunden", f"0,00{NBSP}€", f"30.000,00{NBSP}€", f"7.000,00{NBSP}€", f"0,00{NBSP}€",
         f"37.000,00{NBSP}€"],
        ["Etappenziele: ausgegeben", f"0,00{NBSP}€", f"11.000,00{NBSP}€", f"0,00{NBSP}€", f"0,00{NBSP}€",
         f"11.000,00{NBSP}€"],
    ]


def test_home_money_chart_is_svg_with_a_text_alternative(client, plan):
    html = client.get("/").get_data(as_text=True)
    svg = re.search(r'<svg class="money-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="money-chart-title"' in svg
    assert "Die Beträge stehen auch in der Tabelle." in svg
    assert [label for label in re.findall(r'<text class="chart-label"[^>]*>([^<]+)</text>', svg)] == [
        "2025", "2026", "2027", "ohne Haushaltsjahr"]
    # the largest amount (the 2026 plan) fills the width; no bar where a year has no figure
    assert 'class="money-bar money-bar-plan" x="0" y="' in svg and 'width="320.0"' in svg
    assert svg.count('money-bar-plan"') == 2


def test_home_plan_in_english(client, plan):
    html = client.get("/en/").get_data(as_text=True)
    rows = table(html)
    assert rows[0] == ["Budget year", "2025", "2026", "2027", "no budget year", "Total"]
    assert rows[1][0] == "Financing plan of the strategy" and rows[1][2] == "€250,000.50"


def test_home_plan_without_milestone_money(client, db):
    strategy = make_strategy()
    _db.session.add(StrategyBudgetYear(strategy=strategy, year=2025, amount=D("5000.00")))
    _db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert table(html)[1] == ["Finanzierungsplan der Strategie", f"5.000,00{NBSP}€", f"5.000,00{NBSP}€"]


def test_home_without_any_money_shows_no_financing(client, db):
    make_strategy()
    make_milestone()
    _db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "money-heading" not in html and "money-chart" not in html


def test_field_page_shows_the_sums_of_its_milestones(client, plan):
    html = client.get("/handlungsfelder/online").get_data(as_text=True)
    assert '<h2 id="money-heading">Finanzierung nach Haushaltsjahren</h2>' in html
    assert table(html) == [
        ["Haushaltsjahr", "2026", "ohne Haushaltsjahr", "Summe"],
        ["Etappenziele: geplant", f"45.000,00{NBSP}€", f"3.000,00{NBSP}€", f"48.000,00{NBSP}€"],
        ["Etappenziele: gebunden", f"30.000,00{NBSP}€", f"0,00{NBSP}€", f"30.000,00{NBSP}€"],
        ["Etappenziele: ausgegeben", f"11.000,00{NBSP}€", f"0,00{NBSP}€", f"11.000,00{NBSP}€"],
    ]
    assert "money-chart" not in html and "Finanzierungsplan der Strategie" not in html


def test_field_without_money_shows_no_financing(client, plan):
    make_field("Leer", slug="leer")
    _db.session.commit()
    html = client.get("/handlungsfelder/leer").get_data(as_text=True)
    assert "money-heading" not in html


def test_home_and_field_cost_the_same_with_more_years_and_milestones(client, plan, count_queries):
    online = field_by_slug("online")
    home, field = counted_get(client, count_queries, "/"), counted_get(client, count_queries, "/handlungsfelder/online")
    for year in range(2028, 2040):
        _db.session.add(StrategyBudgetYear(strategy=plan, year=year, amount=D("1.00")))
        make_milestone(field=online, budget_year=year, planned=D("2.00"))
    _db.session.commit()
    assert counted_get(client, count_queries, "/") == home
    assert counted_get(client, count_queries, "/handlungsfelder/online") == field
