"""Strategy-wide pages: roadmap layout and page, departments, champions, progress rules."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db as _db
from app.models import Milestone
from app.progress import today
from app.settings import set_setting
from app.strategy import explainer
from app.strategy.roadmap import CHART_X0, CHART_X1, Axis, layout_roadmap, shorten
from tests.builders import make_champion, make_department, make_field, make_milestone, make_strategy
from tests.helpers.pages import assert_not_found

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f00f0004850180848a9c21"
    "0000000049454e44ae426082"
)

PAGES = ("/zeitplan", "/organisationseinheiten", "/helden-der-digitalisierung", "/wie-wir-fortschritt-messen")


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


def counted_get(client, count_queries, url: str) -> int:
    """SQL statements of one GET, after a warm-up request.

    The test client shares the test's app context, so `g` (settings cache) and the
    session outlive a request; the warm-up and expire_all make both runs start alike.
    """
    assert client.get(url).status_code == 200
    _db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.fixture
def detach_sub_milestones(db):
    """Committed sub-milestones block conftest's drop_all (parent_id is ON DELETE RESTRICT)."""
    yield
    _db.session.rollback()
    _db.session.execute(update(Milestone).values(parent_id=None))
    _db.session.commit()


# --- roadmap layout --------------------------------------------------------------------


def test_axis_maps_dates_linearly_over_whole_years():
    axis = Axis(2024, 2025)
    assert axis.x(date(2024, 1, 1)) == CHART_X0
    assert axis.x(date(2026, 1, 1)) == CHART_X1
    # 2024 is a leap year: 366 of 731 days
    assert axis.x(date(2025, 1, 1)) == round(CHART_X0 + 366 / 731 * (CHART_X1 - CHART_X0), 2)
    assert axis.contains(date(2025, 12, 31))
    assert not axis.contains(date(2026, 1, 1))


def test_bar_runs_from_start_to_target_and_fills_by_progress(db):
    m = make_milestone(start_date=date(2024, 1, 1), target_date=date(2025, 1, 1), progress=25)
    layout = layout_roadmap([m], (2024, 2025), on=date(2024, 6, 1))
    [row] = layout.rows
    assert row.bar_x == CHART_X0
    assert row.target_x == layout.axis.x(date(2025, 1, 1))
    assert row.bar_width == pytest.approx(row.target_x - CHART_X0)
    assert row.progress_width == pytest.approx(row.bar_width / 4, abs=0.01)
    assert row.original_x is None and not row.replanned


def test_replanned_milestone_gets_marker_at_original_target(db):
    m = make_milestone(
        start_date=date(2024, 1, 1), target_date=date(2026, 6, 30), original_target_date=date(2025, 6, 30)
    )
    [row] = layout_roadmap([m], (2024, 2030), on=date(2024, 6, 1)).rows
    assert row.replanned
    assert row.original_x == Axis(2024, 2030).x(date(2025, 6, 30))
    assert row.original_x < row.target_x


def test_milestone_without_dates_is_only_in_the_table(db):
    field = make_field()
    dated = make_milestone(field=field, start_date=date(2025, 1, 1), target_date=date(2025, 12, 31))
    undated = make_milestone(field=field, target_date=None, original_target_date=None)
    layout = layout_roadmap([undated, dated], (2024, 2030), on=date(2025, 6, 1))
    assert [r.milestone for r in layout.rows] == [dated]
    assert layout.undated == [undated]
    assert [r.milestone for r in layout.table_rows] == [dated, undated]


def test_only_a_target_date_gives_a_marker_without_bar(db):
    m = make_milestone(start_date=None, target_date=date(2026, 3, 1))
    [row] = layout_roadmap([m], (2024, 2030), on=date(2025, 1, 1)).rows
    assert row.bar_x is None and row.bar_width == 0
    assert row.target_x == Axis(2024, 2030).x(date(2026, 3, 1))
    assert len(row.diamond(row.target_x).split()) == 4


def test_period_widens_to_milestone_dates_and_today_line_only_inside(db):
    m = make_milestone(start_date=date(2022, 5, 1), target_date=date(2033, 1, 1))
    layout = layout_roadmap([m], (2024, 2030), on=date(2040, 1, 1))
    assert (layout.axis.first_year, layout.axis.last_year) == (2022, 2033)
    assert [t.year for t in layout.ticks] == list(range(2022, 2034))
    assert layout.today_x is None
    inside = layout_roadmap([m], (2024, 2030), on=date(2025, 1, 1))
    assert inside.today_x == inside.axis.x(date(2025, 1, 1))


def test_rows_grouped_by_field_with_sub_milestones_after_their_parent(db):
    second = make_field("Zweites Feld", position=2)
    first = make_field("Erstes Feld", position=1)
    late = make_milestone("Spät", field=first, target_date=date(2027, 1, 1))
    parent = make_milestone("Eltern", field=first, target_date=date(2026, 1, 1))
    child = make_milestone("Kind", field=first, parent=parent, target_date=date(2025, 6, 1))
    other = make_milestone("Anderes Feld", field=second, target_date=date(2024, 6, 1))
    layout = layout_roadmap([other, late, child, parent], (2024, 2030), on=date(2025, 1, 1))
    assert [g.field for g in layout.groups] == [first, second]
    assert [(r.milestone, r.level) for r in layout.rows] == [(parent, 0), (child, 1), (late, 0), (other, 0)]
    ys = [r.y for r in layout.rows]
    assert ys == sorted(ys) and len(set(ys)) == 4
    assert layout.height > ys[-1]


def test_shorten_cuts_long_titles_at_a_word():
    assert shorten("Kurz") == "Kurz"
    cut = shorten("Digitale Antragsformulare für alle Bürgerinnen und Bürger der Stadt", 30)
    assert len(cut) <= 30 and cut.endswith("…") and not cut.endswith(" …")


# --- roadmap page ---------------------------------------------------------------------


def test_roadmap_page_draws_svg_and_table(client, db):
    make_strategy(period_from=2024, period_to=2030)
    make_milestone("Online-Termine", start_date=date(2024, 2, 1), target_date=date(2026, 1, 1),
                   original_target_date=date(2025, 1, 1))
    make_milestone("Ohne Datum", target_date=None, original_target_date=None)
    make_milestone("Entwurf", published=False)
    db.session.commit()

    page = client.get("/zeitplan").get_data(as_text=True)
    assert 'role="img"' in page and 'viewBox="0 0 1000 ' in page
    assert 'aria-labelledby="roadmap-title roadmap-desc"' in page
    assert 'tabindex="0" role="region"' in page
    assert "Online-Termine" in page and "Ohne Datum" in page
    assert "Entwurf" not in page
    assert "ohne Termin" in page
    assert "01.01.2025" in page  # original target date in the table
    assert "neu geplant" in page
    assert " style=" not in page


def test_roadmap_in_english_marks_german_content(client, db):
    make_milestone("Online-Termine", start_date=date(2024, 2, 1), target_date=date(2026, 1, 1))
    db.session.commit()
    response = client.get("/en/zeitplan")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert '<span lang="de">Online-Termine</span>' in response.get_data(as_text=True)


def test_roadmap_query_count_does_not_grow(client, db, count_queries, detach_sub_milestones):
    def add(n):
        for _ in range(n):
            parent = make_milestone(start_date=date(2025, 1, 1))
            make_milestone(field=parent.field, parent=parent)
        db.session.commit()

    add(2)
    few = counted_get(client, count_queries, "/zeitplan")
    add(20)
    assert counted_get(client, count_queries, "/zeitplan") == few


def test_roadmap_without_milestones(client, db):
    page = client.get("/zeitplan").get_data(as_text=True)
    assert "noch keine Etappenziele veröffentlicht" in page
    assert "<svg" not in page


# --- departments ----------------------------------------------------------------------


def test_departments_show_responsibility_progress_and_participation(client, db):
    lead = make_department("Bürgeramt", description="Pässe und Ausweise")
    helper = make_department("IT-Dienste")
    a = make_milestone("Termine online", department=lead, progress=40, weight=3)
    make_milestone("Formulare", department=lead, progress=80, weight=1)
    make_milestone("Alt", department=lead, status="cancelled")
    make_milestone("Verspätet", department=lead, target_date=today() - timedelta(days=3))
    make_milestone("Geheim", department=lead, published=False)
    a.participating_departments.append(helper)
    db.session.commit()

    page = client.get("/organisationseinheiten").get_data(as_text=True)
    lead_part, helper_part = page.split('id="dept-' + helper.slug + '"')[0], page.split('id="dept-' + helper.slug + '"')[1]
    assert "Pässe und Ausweise" in lead_part
    # (3 × 40 + 1 × 80 + 1 × 0) / 5 = 40; the cancelled one is left out
    assert "40\xa0%" in lead_part
    assert "gewichteter Mittelwert aus 3 Etappenzielen" in lead_part
    assert "Überfällig</dt>\n      <dd>1 Etappenziel</dd>" in lead_part
    assert "Abgebrochen, nicht mitgezählt" in lead_part
    assert "Geheim" not in page
    assert "Termine online" in helper_part.split("Beteiligt an")[1]


def test_departments_page_query_count_is_constant(client, db, count_queries, detach_sub_milestones):
    departments = [make_department() for _ in range(3)]

    def add(n):
        for i in range(n):
            parent = make_milestone(department=departments[i % 3])
            parent.participating_departments.append(departments[(i + 1) % 3])
            make_milestone(field=parent.field, parent=parent, department=departments[(i + 2) % 3])
        db.session.commit()

    add(3)
    few = counted_get(client, count_queries, "/organisationseinheiten")
    add(30)
    assert counted_get(client, count_queries, "/en/organisationseinheiten") == few


# --- champions ------------------------------------------------------------------------


def test_champions_page_shows_photo_only_when_present(client, db):
    department = make_department("Bürgeramt")
    with_photo = make_champion(name="Erika Muster", role="Leitung", department=department, quote="Weniger Wege.",
                               photo=PNG, photo_mimetype="image/png", photo_consent_on=date(2025, 1, 1))
    without = make_champion(name="Max Muster", role="CDO")
    with_photo.milestones.append(make_milestone("Sichtbares Ziel"))
    with_photo.milestones.append(make_milestone("Unveröffentlicht", published=False))
    db.session.commit()

    page = client.get("/helden-der-digitalisierung").get_data(as_text=True)
    assert f"/helden-der-digitalisierung/{with_photo.id}/foto" in page
    assert f"/helden-der-digitalisierung/{without.id}/foto" not in page
    assert 'alt="Foto von Erika Muster"' in page
    assert "Weniger Wege." in page and "Bürgeramt" in page
    assert "Sichtbares Ziel" in page and "Unveröffentlicht" not in page

    english = client.get("/en/helden-der-digitalisierung")
    assert html_lang(english) == "en"
    assert '<blockquote class="champion-quote" lang="de">' in english.get_data(as_text=True)


def test_photo_route_serves_stored_image_with_caching_headers(client, db):
    champion = make_champion(photo=PNG, photo_mimetype="image/png", photo_consent_on=date(2025, 1, 1))
    db.session.commit()
    response = client.get(f"/helden-der-digitalisierung/{champion.id}/foto")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == PNG
    assert "max-age" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    again = client.get(f"/helden-der-digitalisierung/{champion.id}/foto",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("values", [
    {},  # no photo at all
    {"photo": PNG},  # bytes without type and consent
    {"photo": PNG, "photo_mimetype": "text/html", "photo_consent_on": date(2025, 1, 1)},
])
def test_photo_route_is_404_without_a_servable_photo(client, db, values):
    champion = make_champion(**values)
    db.session.commit()
    assert client.get(f"/helden-der-digitalisierung/{champion.id}/foto").status_code == 404
    assert_not_found(client.get(f"/helden-der-digitalisierung/{champion.id}/foto"))


def test_photo_route_unknown_champion_is_404(client, db):
    assert client.get("/helden-der-digitalisierung/999/foto").status_code == 404
    assert_not_found(client.get("/helden-der-digitalisierung/999/foto"))


# --- how progress is measured ---------------------------------------------------------


def test_example_uses_the_real_rules():
    example = explainer.example_rollup()
    # (2 × 50 + 1 × 100 + 1 × (30 + 10) / 2) / 4, the cancelled milestone left out
    assert example.rollup.progress == 55
    assert example.total_weight == 4
    assert len(example.rollup.cancelled) == 1


def test_progress_rules_page_names_configured_staleness(client, db):
    set_setting("stale_after_days", 45)
    _db.session.commit()
    page = client.get("/wie-wir-fortschritt-messen").get_data(as_text=True)
    assert "seit mehr als 45 Tagen keine veröffentlichte Meldung" in page
    assert "= 55\xa0%" in page
    assert "weder abgeschlossen noch abgebrochen" in page


# --- every page -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_in_both_languages_without_cookies(client, db, path):
    make_strategy()
    make_milestone(department=make_department())
    make_champion()
    db.session.commit()
    for prefix, lang in (("", "de"), ("/en", "en")):
        response = client.get(prefix + path)
        assert response.status_code == 200
        assert html_lang(response) == lang
        assert "Set-Cookie" not in response.headers
        assert response.get_data(as_text=True).count("<h1") == 1
