"""Queries, GET parameter parsing and display helpers of the public progress pages."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask import g
from werkzeug.datastructures import MultiDict

from app.progress import MilestoneStatus, today
from app.public import display, queries
from app.filters import (
    MAX_PAGE,
    MilestoneFilters,
    parse_milestone_filters,
    parse_page,
    parse_status,
)
from tests.builders import days_ago, make_department, make_field, make_milestone, make_strategy, make_update
from tests.builders.public import make_change


def titles(filters: MilestoneFilters) -> list[str]:
    return [m.title for m in queries.db.session.scalars(queries.select_milestones(filters))]


# --- search and filters --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["bürgerbüro", "BÜRGERBÜRO", "Bürgerbüro", "öffnungszeiten", "ÖFFNUNGSZEITEN", "büro öff"])
def test_search_finds_umlauts_in_any_case(db, q):
    make_milestone("Bürgerbüro Öffnungszeiten")
    make_milestone("Digitale Schule")
    db.session.commit()
    assert titles(MilestoneFilters(q=q)) == ["Bürgerbüro Öffnungszeiten"]


@pytest.mark.postgres
def test_search_looks_into_summary_and_description_and_needs_every_word(db):
    make_milestone("Terminvergabe", summary="Online buchen", description="Für das **Standesamt**")
    make_milestone("Online-Formulare")
    db.session.commit()
    assert titles(MilestoneFilters(q="standesamt")) == ["Terminvergabe"]
    assert sorted(titles(MilestoneFilters(q="online"))) == ["Online-Formulare", "Terminvergabe"]
    assert titles(MilestoneFilters(q="online standesamt")) == ["Terminvergabe"]


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["%", "_", "100%", "a_b", "\\"])
def test_search_takes_like_wildcards_literally(db, q):
    make_milestone("Quote 100% erreicht")
    make_milestone("Datei a_b.txt")
    make_milestone("Pfad C:\\Daten")
    make_milestone("Anderes Ziel abc")
    db.session.commit()
    found = titles(MilestoneFilters(q=q))
    assert found, q
    assert all(q.casefold() in title.casefold() for title in found)
    assert "Anderes Ziel abc" not in found


@pytest.mark.postgres
def test_filters_combine(db):
    online = make_field("Online", slug="online")
    schools = make_field("Schulen", slug="schulen")
    office = make_department("Bürgeramt", slug="buergeramt")
    make_milestone("A", field=online, department=office, status="in_progress", target_date=days_ago(3))
    make_milestone("B", field=online, department=office, status="planned")
    make_milestone("C", field=schools, department=office, status="in_progress", target_date=days_ago(3))
    make_milestone("D", field=online, status="completed", target_date=days_ago(3))
    make_milestone("E", field=online, department=office, status="in_progress", published=False, target_date=days_ago(3))
    db.session.commit()
    assert titles(MilestoneFilters(field=online, sort="title")) == ["A", "B", "D"]
    assert titles(MilestoneFilters(status="in_progress", sort="title")) == ["A", "C"]
    assert titles(MilestoneFilters(department=office, sort="title")) == ["A", "B", "C"]
    # completed milestones are never overdue; unpublished ones never listed
    assert titles(MilestoneFilters(overdue=True, sort="title")) == ["A", "C"]
    assert titles(MilestoneFilters(field=online, department=office, overdue=True)) == ["A"]


def test_sort_orders(db):
    field = make_field()
    a = make_milestone("A", field=field, progress=10, target_date=today() + timedelta(days=30))
    b = make_milestone("B", field=field, progress=90, target_date=today() + timedelta(days=10))
    c = make_milestone("C", field=field, progress=50, target_date=None)
    make_update(a, reported_on=days_ago(1))
    make_update(b, reported_on=days_ago(20))
    db.session.commit()
    assert titles(MilestoneFilters(sort="target_date")) == ["B", "A", "C"]  # without a date: last
    assert titles(MilestoneFilters(sort="progress")) == ["B", "C", "A"]
    assert titles(MilestoneFilters(sort="last_update")) == ["A", "B", "C"]  # never reported: last
    assert titles(MilestoneFilters(sort="title")) == ["A", "B", "C"]
    assert c.last_update_on is None


def test_milestone_list_paginates_and_tolerates_pages_beyond_the_end(app, db):
    field = make_field()
    for i in range(5):
        make_milestone(f"Ziel {i}", field=field)
    db.session.commit()
    first = queries.milestone_list(MilestoneFilters(sort="title"), page=1, per_page=2)
    assert [m.title for m in first.items] == ["Ziel 0", "Ziel 1"]
    assert (first.total, first.pages) == (5, 3)
    last = queries.milestone_list(MilestoneFilters(sort="title"), page=3, per_page=2)
    assert [m.title for m in last.items] == ["Ziel 4"]
    beyond = queries.milestone_list(MilestoneFilters(), page=MAX_PAGE, per_page=2)
    assert beyond.items == [] and beyond.total == 5


# --- home page figures ---------------------------------------------------------------


def test_money_totals_are_exact_sums_over_published_milestones(db):
    make_milestone(planned=Decimal("0.10"), committed=Decimal("0.05"), spent=Decimal("1234.50"))
    make_milestone(planned=Decimal("0.20"), committed=Decimal("0"), spent=Decimal("0.01"))
    make_milestone(planned=Decimal("1000000"), published=False)
    db.session.commit()
    totals = queries.published_money_totals()
    assert totals == queries.MoneyTotals(Decimal("0.30"), Decimal("0.05"), Decimal("1234.51"))
    assert all(isinstance(value, Decimal) for value in (totals.planned, totals.committed, totals.spent))


def test_money_totals_without_milestones_are_zero(db):
    totals = queries.published_money_totals()
    assert totals == queries.MoneyTotals(Decimal("0"), Decimal("0"), Decimal("0"))
    assert not totals.any


def test_overdue_count_includes_sub_milestones_and_skips_closed_and_unpublished(db):
    parent = make_milestone(target_date=days_ago(1))
    make_milestone(field=parent.field, parent=parent, target_date=days_ago(1))
    make_milestone(status="completed", target_date=days_ago(1))
    make_milestone(status="cancelled", target_date=days_ago(1))
    make_milestone(published=False, target_date=days_ago(1))
    make_milestone(target_date=today())
    db.session.commit()
    assert queries.count_overdue() == 2


def test_latest_updates_are_the_newest_published_ones(db):
    shown = make_milestone("Sichtbar")
    hidden = make_milestone("Entwurf", published=False)
    for i in range(7):
        make_update(shown, reported_on=days_ago(i), title=f"Meldung {i}")
    make_update(shown, reported_on=today(), title="Unveröffentlicht", published=False)
    make_update(hidden, reported_on=today(), title="Zum Entwurf")
    db.session.commit()
    updates = queries.latest_updates()
    assert [u.title for u in updates] == [f"Meldung {i}" for i in range(5)]
    assert updates[0].milestone.title == "Sichtbar"


def test_home_overview_rolls_up_top_level_milestones_per_field(db):
    make_strategy()
    online = make_field("Online", position=1)
    empty = make_field("Leer", position=2)
    parent = make_milestone(field=online, progress=0)
    make_milestone(field=online, parent=parent, status="completed")
    make_milestone(field=online, progress=50, status="cancelled")
    make_milestone(field=online, progress=50, published=False)
    db.session.commit()
    overview = queries.home_overview()
    assert overview.strategy is not None
    assert len(overview.rollup) == 2  # the parent and the cancelled one; the child counts inside
    assert overview.rollup.progress == 100.0
    assert overview.rollup.by_status[MilestoneStatus.CANCELLED] == 1
    assert [f.field.name for f in overview.fields] == ["Online", "Leer"]
    assert len(overview.fields[0].milestones) == 2 and overview.fields[1].milestones == []
    assert overview.fields[1].rollup.progress == 0.0


def test_home_overview_without_strategy(db):
    overview = queries.home_overview()
    assert overview.strategy is None and len(overview.rollup) == 0 and overview.updates == []


# --- milestone page ------------------------------------------------------------------


def test_milestone_updates_and_history_newest_first(db):
    milestone = make_milestone()
    old = make_update(milestone, reported_on=days_ago(10), title="Alt")
    make_update(milestone, reported_on=days_ago(1), title="Neu")
    make_update(milestone, reported_on=today(), title="Entwurf", published=False)
    make_change(milestone, "status", "planned", "in_progress", changed_on=days_ago(10), progress_update=old)
    make_change(milestone, "progress", "0", "20", changed_on=days_ago(1))
    db.session.commit()
    updates = queries.milestone_updates(milestone, page=1, per_page=1)
    assert [u.title for u in updates.items] == ["Neu"] and updates.total == 2
    assert [u.title for u in queries.milestone_updates(milestone, page=2, per_page=1).items] == ["Alt"]
    assert [c.kind for c in queries.milestone_history(milestone)] == ["progress", "status"]


# --- GET parameters ------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "page", "noticed"), [
    (None, 1, False), ("", 1, False), ("3", 3, False), ("abc", 1, True), ("0", 1, True),
    ("-2", 1, True), ("1.5", 1, True), ("٣", 1, True), ("9" * 40, MAX_PAGE, False),
])
def test_parse_page(app, raw, page, noticed):
    with app.test_request_context("/"):
        parsed = parse_page(raw)
    assert parsed.value == page
    assert bool(parsed.notices) == noticed


def test_parse_status(app):
    with app.test_request_context("/"):
        assert parse_status("on_hold").value == "on_hold"
        assert parse_status("").value is None and not parse_status("").notices
        unknown = parse_status("<b>kaputt</b>")
        assert unknown.value is None and unknown.notices


def test_parse_milestone_filters_drops_unknown_values(app, db):
    field = make_field(slug="online")
    department = make_department(slug="buergeramt")
    with app.test_request_context("/"):
        good = parse_milestone_filters(
            MultiDict({"field": "online", "department": "buergeramt", "status": "planned",
                       "overdue": "1", "q": "  Bürger   Büro ", "sort": "progress"}),
            [field], [department],
        )
        bad = parse_milestone_filters(
            MultiDict({"field": "x", "department": "y", "status": "z", "overdue": "vielleicht", "sort": "id"}),
            [field], [department],
        )
    assert good.notices == []
    assert good.value == MilestoneFilters(field=field, status="planned", department=department,
                                          overdue=True, q="Bürger Büro", sort="progress")
    assert bad.value == MilestoneFilters()
    assert len(bad.notices) == 4


def test_filter_query_args_round_trip(db):
    field = make_field(slug="online")
    filters = MilestoneFilters(field=field, status="planned", overdue=True, q="wlan", sort="title")
    assert filters.query_args() == {"field": "online", "status": "planned", "overdue": "1", "q": "wlan", "sort": "title"}
    assert filters.without("status") == {"field": "online", "overdue": "1", "q": "wlan", "sort": "title"}
    assert MilestoneFilters().query_args() == {}
    assert not MilestoneFilters(sort="title").active


# --- display helpers -----------------------------------------------------------------


def test_change_values_in_german(app):
    with app.test_request_context("/"):
        assert display.change_value("status", "in_progress") == "in Umsetzung"
        assert display.change_value("progress", "35") == "35\xa0%"
        assert display.change_value("target_date", "2026-03-01") == "01.03.2026"
        assert display.change_value("spent", "1234.5") == "1.234,50\xa0€"
        assert display.change_value("planned", None) == "–"
        # stored values that do not parse are shown as they are, never an error
        assert display.change_value("status", "unbekannt") == "unbekannt"
        assert display.change_value("target_date", "bald") == "bald"
        assert display.change_value("gibt-es-nicht", "7") == "7"
        assert display.change_label("target_date") == "Zieltermin (Neuplanung)"


def test_change_values_in_english(app):
    with app.test_request_context("/en/"):
        g.lang = "en"
        assert display.change_value("spent", "1234.5") == "€1,234.50"
        assert display.change_value("target_date", "2026-03-01") == "Mar 1, 2026"


def test_external_url_allows_only_http_links():
    assert display.external_url("https://rat.example/1") == "https://rat.example/1"
    assert display.external_url(" http://rat.example ") == "http://rat.example"
    assert display.external_url("javascript:alert(1)") is None
    assert display.external_url("") is None and display.external_url(None) is None


def test_status_chart_scales_bars_to_the_largest_count():
    counts = {status: 0 for status in MilestoneStatus}
    counts.update({MilestoneStatus.IN_PROGRESS: 40, MilestoneStatus.COMPLETED: 10, MilestoneStatus.ON_HOLD: 1})
    chart = display.status_chart(counts)
    bars = {bar.status: bar for bar in chart.bars}
    assert [bar.status for bar in chart.bars] == list(MilestoneStatus)
    assert bars[MilestoneStatus.IN_PROGRESS].width == chart.width
    assert bars[MilestoneStatus.COMPLETED].width == chart.width / 4
    assert bars[MilestoneStatus.ON_HOLD].width == 8.0
    assert bars[MilestoneStatus.PLANNED].width == 0
    assert chart.total == 51 and chart.height == 5 * display.CHART_ROW
    assert display.status_chart({s: 0 for s in MilestoneStatus}).total == 0


def test_share():
    assert display.share(Decimal("50"), Decimal("200")) == 25.0
    assert display.share(Decimal("5"), Decimal("0")) is None

