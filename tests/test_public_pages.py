"""The public progress pages through the test client: home, field, milestone list, milestone page."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import g, get_template_attribute

from app.extensions import db as _db
from app.models import Milestone
from app.progress import today
from app.settings import set_setting
from tests.builders import days_ago, make_champion, make_department, make_field, make_funding, make_milestone
from tests.builders import make_strategy, make_update
from tests.builders.public import add_details, make_change, make_full_milestone, make_old_slug
from tests.helpers.pages import assert_not_found, heading

NBSP = "\xa0"


def text_of(response) -> str:
    """The page as text with tags removed and whitespace collapsed (for phrase assertions)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html).replace("&#34;", '"').replace("&amp;", "&")
    # ASCII whitespace only: the no-break spaces in "1.234,50 €" and "40 %" are part of the format
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


def result_titles(response) -> list[str]:
    """Titles of the milestone cards on the list page, in order."""
    html = response.get_data(as_text=True)
    return re.findall(r'<h3 class="card-title"><a href="[^"]+"(?: lang="de")?>([^<]+)</a>', html)


@pytest.fixture
def site(db):
    """A strategy, two fields, departments and milestones in several states, committed."""
    strategy = make_strategy(
        title="Digitalstrategie Teststadt", council_decision_on=days_ago(30),
        council_decision_reference="Vorlage 2024/17", council_decision_url="https://rat.example/2024-17",
        document_url="https://teststadt.example/strategie.pdf", lead_role="Stabsstelle Digitales",
        intro_html="<p>Wir machen die Verwaltung <strong>digital</strong>.</p>",
    )
    online = make_field("Bürgerservice online", slug="buergerservice-online", description="Alles im Netz.", position=1)
    schools = make_field("Digitale Schulen", slug="digitale-schulen", position=2)
    office = make_department("Bürgeramt", slug="buergeramt")
    it = make_department("IT-Dienste", slug="it-dienste")
    featured = make_full_milestone(field=online, department=office)
    make_milestone("WLAN Schulen", slug="wlan-schulen", field=schools, department=it, progress=80,
                   planned=Decimal("10000.00"), spent=Decimal("500.00"))
    late = make_milestone("Digitaler Bauantrag", slug="digitaler-bauantrag", field=online, department=it,
                          target_date=days_ago(5), progress=20)
    make_milestone("Akte abgebrochen", slug="akte-abgebrochen", field=online, status="cancelled", progress=10)
    make_milestone("Fertiges Ziel", slug="fertiges-ziel", field=online, status="completed", target_date=days_ago(50))
    make_milestone("Geheimer Entwurf", slug="geheimer-entwurf", field=online, published=False)
    make_update(featured, reported_on=days_ago(3), title="Neue Termine freigeschaltet")
    make_update(late, reported_on=days_ago(40), title="Bauantrag verzögert")
    _db.session.commit()
    return strategy


# --- every page, both languages, no cookie ---------------------------------------------

PAGES = [
    "/",
    "/handlungsfelder/buergerservice-online",
    "/handlungsfelder/buergerservice-online?status=cancelled",
    "/etappenziele",
    "/etappenziele?q=b%C3%BCrgerb%C3%BCro&status=in_progress&field=buergerservice-online&department=buergeramt&overdue=&sort=progress",
    "/etappenziele/buergerbuero-oeffnungszeiten",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_answers_in_both_languages_without_cookie(client, site, path, lang):
    url = path if lang == "de" else "/en" + path
    response = client.get(url)
    assert response.status_code == 200, url
    assert html_lang(response) == lang
    assert "Set-Cookie" not in response.headers


def test_pages_answer_without_any_data(client, db):
    for url in ("/", "/en/", "/etappenziele", "/en/etappenziele?q=x&page=3"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers


# --- home ------------------------------------------------------------------------------


def test_home_shows_strategy_progress_money_fields_and_news(client, site):
    response = client.get("/")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "<h1>Digitalstrategie Teststadt</h1>" in html
    assert "Wir machen die Verwaltung <strong>digital</strong>." in html
    assert "2024 bis 2030" in page
    assert "Vorlage 2024/17" in page and 'href="https://rat.example/2024-17"' in html
    assert 'href="https://teststadt.example/strategie.pdf"' in html
    assert "Stabsstelle Digitales" in page
    # overall progress over top-level milestones, cancelled left out: (40 + 80 + 20 + 100) / 4
    assert f"Gesamtfortschritt 60{NBSP}%" in page
    assert '<progress max="100" value="60.0"' in html
    assert "1 abgebrochenes Etappenziel zählt nicht mit." in page
    # the overdue figure links to the list filtered the same way
    assert '<a href="/etappenziele?overdue=1">1 Etappenziel ist überfällig</a>' in html
    # money summed in SQL, German format
    assert f"11.234,50{NBSP}€" in page and f"2.000,25{NBSP}€" in page and f"1.000,00{NBSP}€" in page
    assert "Neue Termine freigeschaltet" in page and "Bauantrag verzögert" in page
    assert page.index("Neue Termine freigeschaltet") < page.index("Bauantrag verzögert")
    assert 'href="/etappenziele/buergerbuero-oeffnungszeiten"' in html
    assert 'href="/handlungsfelder/buergerservice-online"' in html
    assert 'href="/leichte-sprache">Leichte Sprache</a>' in html
    assert 'href="/gebaerdensprache">Gebärdensprache</a>' in html
    assert "Geheimer Entwurf" not in page


@pytest.mark.parametrize("url, about", [("/", "Über die Digitalstrategie"), ("/en/", "About the digital strategy")])
def test_home_shows_the_state_before_the_strategy_text(client, site, url, about):
    """Issue 13: on a phone the overall progress came after two screens of the strategy's text."""
    html = client.get(url).get_data(as_text=True)
    progress = html.index('id="progress-heading"')
    assert html.index('class="overall-figure"') < html.index("Wir machen die Verwaltung")
    assert progress < html.index('id="status-heading"') < html.index('id="strategy-heading"')
    assert progress < html.index("Stabsstelle Digitales")
    assert f'<h2 id="strategy-heading">{about}</h2>' in html


def test_home_status_chart_has_a_text_alternative(client, site):
    html = client.get("/").get_data(as_text=True)
    svg = re.search(r"<svg class=\"status-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="status-chart-title"' in svg
    assert '<title id="status-chart-title">' in svg
    assert "in Umsetzung: 3" in svg and "abgebrochen: 1" in svg
    table = re.search(r'<table class="data-table status-table">.*?</table>', html, re.S).group(0)
    counts = dict(re.findall(r'<a href="/etappenziele\?status=(\w+)">[^<]+</a></th>\s*<td class="num">(\d+)</td>', table))
    assert counts == {"planned": "0", "in_progress": "3", "completed": "1", "on_hold": "0", "cancelled": "1"}


def test_home_in_english_marks_german_content_and_formats_english(client, site):
    response = client.get("/en/")
    html = response.get_data(as_text=True)
    assert '<h1 lang="de">Digitalstrategie Teststadt</h1>' in html
    assert "€11,234.50" in text_of(response)
    assert 'href="/en/etappenziele/buergerbuero-oeffnungszeiten" lang="de"' in html
    assert 'href="/en/leichte-sprache"' in html


def test_home_without_strategy_or_milestones(client, db):
    page = text_of(client.get("/"))
    assert "Die Digitalstrategie wird gerade vorbereitet." in page
    assert "Es sind noch keine Etappenziele veröffentlicht." in page
    assert "Leichte Sprache" in page


def test_home_ignores_script_links(client, db):
    make_strategy(council_decision_url="javascript:alert(1)", document_url="data:text/html,x")
    _db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "javascript:" not in html and "data:text" not in html


# --- field of action -------------------------------------------------------------------


def test_field_page_lists_milestones_and_cancelled_separately(client, site):
    response = client.get("/handlungsfelder/buergerservice-online")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "<h1>Bürgerservice online</h1>" in html and "Alles im Netz." in page
    # (40 + 20 + 100) / 3; the cancelled one is left out and listed on its own
    assert f"Fortschritt 53,3{NBSP}%" in page
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "Bürgerbüro Öffnungszeiten" in table and "Digitaler Bauantrag" in table
    assert "Akte abgebrochen" not in table and "WLAN Schulen" not in table and "Geheimer Entwurf" not in html
    assert "Abgebrochene Etappenziele" in page and "Akte abgebrochen" in page
    assert "überfällig" in table


def test_field_page_filters_by_status(client, site):
    html = client.get("/handlungsfelder/buergerservice-online?status=completed").get_data(as_text=True)
    table = re.search(r'<table class="data-table milestone-table">.*?</table>', html, re.S).group(0)
    assert "Fertiges Ziel" in table and "Digitaler Bauantrag" not in table
    assert "Abgebrochene Etappenziele" not in html
    assert 'href="/handlungsfelder/buergerservice-online?status=completed" aria-current="page"' in html

    cancelled = client.get("/handlungsfelder/buergerservice-online?status=cancelled").get_data(as_text=True)
    assert "milestone-table" not in cancelled and "Akte abgebrochen" in cancelled


def test_field_page_shows_sub_milestones_under_their_parent(client, db):
    field = make_field(slug="feld")
    parent = make_milestone("Oberziel", field=field, progress=0)
    make_milestone("Unterziel", field=field, parent=parent, status="completed")
    _db.session.commit()
    page = text_of(client.get("/handlungsfelder/feld"))
    assert f"Oberziel in Umsetzung 100{NBSP}%" in page
    assert "Teilziel: Unterziel" in page


@pytest.mark.parametrize("query", ["?status=kaputt", "?status=%3Cscript%3E", "?status="])
def test_field_page_ignores_unknown_status(client, site, query):
    response = client.get("/handlungsfelder/buergerservice-online" + query)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)
    assert ("Den gewählten Status gibt es nicht" in text_of(response)) == (query != "?status=")
    assert "Digitaler Bauantrag" in text_of(response)


def test_unknown_field_is_404(client, site):
    assert client.get("/handlungsfelder/gibt-es-nicht").status_code == 404
    assert client.get("/en/handlungsfelder/gibt-es-nicht").status_code == 404
    assert_not_found(client.get("/handlungsfelder/gibt-es-nicht"))
    assert_not_found(client.get("/en/handlungsfelder/gibt-es-nicht"), "en")


# --- milestone list --------------------------------------------------------------------


def test_list_shows_all_published_milestones_with_count(client, site):
    response = client.get("/etappenziele")
    assert "6 Etappenziele" not in text_of(response)
    assert "5 Etappenziele" in text_of(response)
    assert sorted(result_titles(response)) == sorted([
        "Bürgerbüro Öffnungszeiten", "WLAN Schulen", "Digitaler Bauantrag", "Akte abgebrochen", "Fertiges Ziel",
    ])
    assert "Geheimer Entwurf" not in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["bürgerbüro", "BÜRGERBÜRO", "öffnungszeiten", "Öffnungszeiten", "BÜRO ÖFF"])
def test_list_search_ignores_case_also_for_umlauts(client, site, q):
    response = client.get("/etappenziele", query_string={"q": q})
    assert result_titles(response) == ["Bürgerbüro Öffnungszeiten"]
    assert "1 Etappenziel" in text_of(response)


@pytest.mark.parametrize(("query", "expected"), [
    ({"status": "cancelled"}, ["Akte abgebrochen"]),
    ({"field": "digitale-schulen"}, ["WLAN Schulen"]),
    ({"department": "it-dienste"}, ["Digitaler Bauantrag", "WLAN Schulen"]),
    ({"overdue": "1"}, ["Digitaler Bauantrag"]),
    ({"overdue": "on", "field": "digitale-schulen"}, []),
    ({"q": "%"}, []),
    ({"q": "_"}, []),
])
def test_list_filters(client, site, query, expected):
    response = client.get("/etappenziele", query_string={**query, "sort": "title"})
    assert response.status_code == 200
    assert result_titles(response) == expected


def test_list_shows_active_filters_with_links_to_remove_them(client, site):
    response = client.get("/etappenziele?status=in_progress&field=buergerservice-online&q=termin")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "Aktive Filter" in page
    assert "Status: in Umsetzung" in page and "Suchbegriff: termin" in page
    assert 'href="/etappenziele?field=buergerservice-online&amp;q=termin"' in html  # status removed
    assert '<option value="in_progress" selected>' in html
    assert 'value="termin"' in html
    assert "1 Etappenziel" in page


def test_list_search_text_is_escaped(client, site):
    html = client.get("/etappenziele", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_list_filter_form_is_a_plain_get_form(client, site):
    html = client.get("/etappenziele").get_data(as_text=True)
    form = re.search(r'<form class="filter-form".*?</form>', html, re.S).group(0)
    assert 'method="get"' in form and "csrf" not in form
    for name in ("q", "field", "status", "department", "overdue", "sort"):
        field_id = re.search(rf'id="([\w-]+)" name="{name}"', form).group(1)
        assert f'<label for="{field_id}">' in form


def test_list_sub_milestones_show_their_parent(client, db):
    parent = make_milestone("Oberziel", slug="oberziel")
    make_milestone("Unterziel", field=parent.field, parent=parent)
    _db.session.commit()
    page = text_of(client.get("/etappenziele?q=unterziel"))
    assert "Teilziel von Oberziel" in page


def test_list_paginates(app, client, site):
    app.config["PER_PAGE"] = 2
    first = client.get("/etappenziele?sort=title")
    assert len(result_titles(first)) == 2
    assert "5 Etappenziele" in text_of(first)
    assert 'href="/etappenziele?sort=title&amp;page=2" rel="next"' in first.get_data(as_text=True)
    third = client.get("/etappenziele?sort=title&page=3")
    assert result_titles(third) == ["WLAN Schulen"]


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=-1", "page=1.5", "page=99999", "page=" + "9" * 50, "page=%00",
    "status=unbekannt", "field=gibt-es-nicht", "department=%3Cb%3E", "sort=id;drop", "overdue=vielleicht",
    "q=" + "x" * 5000, "q=%25%25%25", "status=planned&status=cancelled", "sort=",
])
def test_list_bad_input_never_fails(client, site, query):
    for prefix in ("", "/en"):
        response = client.get(f"{prefix}/etappenziele?{query}")
        assert response.status_code == 200, query
        assert "Set-Cookie" not in response.headers


def test_list_page_beyond_the_end_says_so(client, site):
    page = text_of(client.get("/etappenziele?page=99999"))
    assert "Die Seite 99999 gibt es nicht; die Liste hat nur 1 Seite." in page
    assert "Zur ersten Seite" in page


def test_list_invalid_page_and_filter_values_are_explained(client, site):
    page = text_of(client.get("/etappenziele?page=abc&status=unbekannt"))
    assert "Die Seitenangabe war ungültig" in page
    assert "Den gewählten Status gibt es nicht" in page
    assert "5 Etappenziele" in page


def test_list_in_german_and_english_formats(client, site):
    de = text_of(client.get("/etappenziele?q=b%C3%BCrgerb%C3%BCro"))
    en = text_of(client.get("/en/etappenziele?q=b%C3%BCrgerb%C3%BCro"))
    target = today() + timedelta(days=90)
    assert target.strftime("%d.%m.%Y") in de
    assert f"40{NBSP}%" in de
    assert f"{target:%b} {target.day}, {target.year}" in en


# --- milestone page --------------------------------------------------------------------


def test_milestone_page_shows_everything(client, site):
    milestone = _db.session.scalar(_db.select(Milestone).filter_by(slug="buergerbuero-oeffnungszeiten"))
    champion = make_champion(name="Erika Muster", role="Amtsleitung")
    milestone.champions.append(champion)
    milestone.participating_departments.append(make_department("Kämmerei"))
    make_funding(milestone, "1000.00", source_name="Förderprogramm Land", is_grant=True)
    make_change(milestone, "target_date", (today() + timedelta(days=30)).isoformat(),
                (today() + timedelta(days=90)).isoformat(), reason="Lieferverzug beim Anbieter")
    make_change(milestone, "status", "planned", "in_progress", changed_on=days_ago(100))
    make_change(milestone, "spent", "100.00", "1500.25", changed_on=days_ago(2))
    make_change(milestone, "progress", "10", "40", changed_on=days_ago(1))
    _db.session.commit()

    response = client.get("/etappenziele/buergerbuero-oeffnungszeiten")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "<h1>Bürgerbüro Öffnungszeiten</h1>" in html
    assert "Längere Öffnungszeiten dank Online-Terminen." in page
    assert "In Leichter Sprache Das Bürgerbüro ist länger offen." in page
    assert "<h3>Hintergrund</h3>" in html  # a description's headings start at h3, under its h2 (app/sanitize.py) and "<strong>Bürgerbüro</strong>" in html
    assert f"Fortschritt 40{NBSP}%" in page
    assert "Wie der Fortschritt gemessen wird Anteil der Wochenstunden mit Terminangebot." in page
    assert days_ago(300).strftime("%d.%m.%Y") in page
    assert "(neu geplant)" in page
    assert "ursprünglich geplant: " + (today() + timedelta(days=30)).strftime("%d.%m.%Y") in page
    assert "Verantwortlich Bürgeramt" in page and "Beteiligt Kämmerei" in page
    assert "Ansprechfunktion Leitung Bürgerbüro" in page
    assert f'href="/helden-der-digitalisierung#champion-{champion.id}">Erika Muster</a>' in html
    assert "Haushaltsjahr: 2025" in page
    assert f"Geplant 1.234,50{NBSP}€" in page and f"Ausgegeben 1.500,25{NBSP}€" in page
    assert f"Budget überschritten: Es wurde 265,75{NBSP}€ mehr ausgegeben als geplant." in page
    assert f"Förderprogramm Land Förderung 1.000,00{NBSP}€" in page
    assert "Neue Termine freigeschaltet" in page
    # history, formatted by kind
    assert "Lieferverzug beim Anbieter" in page
    assert "Zieltermin (Neuplanung) " + (today() + timedelta(days=30)).strftime("%d.%m.%Y") in page
    assert "Status geplant in Umsetzung" in page
    assert f"Ausgegebene Mittel 100,00{NBSP}€ 1.500,25{NBSP}€" in page
    assert f"Fortschritt 10{NBSP}% 40{NBSP}%" in page
    assert page.index("Fortschritt 10") < page.index("Status geplant")  # newest first
    assert "überfällig" not in page.split("Stand", 1)[1].split("Wie der Fortschritt", 1)[0]


def test_milestone_page_marks_german_content_in_english(client, site):
    html = client.get("/en/etappenziele/buergerbuero-oeffnungszeiten").get_data(as_text=True)
    assert '<h1 lang="de">Bürgerbüro Öffnungszeiten</h1>' in html
    assert '<p class="lead" lang="de">' in html
    assert '<div class="rich-text" lang="de">' in html


def test_milestone_page_overdue_and_stale_notices(client, db):
    late = make_milestone("Spät", slug="spaet", target_date=days_ago(3))
    make_update(late, reported_on=days_ago(100))
    fresh = make_milestone("Frisch", slug="frisch")
    make_update(fresh, reported_on=days_ago(2))
    _db.session.commit()
    late_page = text_of(client.get("/etappenziele/spaet"))
    assert "Überfällig: Der Zieltermin " + days_ago(3).strftime("%d.%m.%Y") + " ist überschritten" in late_page
    assert "Seit 100 Tagen keine Fortschrittsmeldung." in late_page
    assert "spätestens alle 90 Tage" in late_page
    fresh_page = text_of(client.get("/etappenziele/frisch"))
    assert "keine Fortschrittsmeldung." not in fresh_page and "Überfällig:" not in fresh_page


def test_staleness_follows_the_setting(client, db):
    milestone = make_milestone(slug="ziel")
    make_update(milestone, reported_on=days_ago(20))
    set_setting("stale_after_days", 10)
    _db.session.commit()
    assert "Seit 20 Tagen keine Fortschrittsmeldung." in text_of(client.get("/etappenziele/ziel"))


def test_completed_milestone_shows_completion_and_is_never_stale(client, db):
    make_milestone("Erledigt", slug="erledigt", status="completed", completed_on=days_ago(400), target_date=days_ago(401))
    _db.session.commit()
    page = text_of(client.get("/etappenziele/erledigt"))
    assert "Abgeschlossen am " + days_ago(400).strftime("%d.%m.%Y") in page
    assert f"Fortschritt 100{NBSP}%" in page
    assert "keine Fortschrittsmeldung." not in page and "Überfällig:" not in page


def test_milestone_page_with_sub_milestones(client, db):
    parent = make_milestone("Oberziel", slug="oberziel", progress=0)
    make_milestone("Teil A", slug="teil-a", field=parent.field, parent=parent, status="completed", weight=3)
    make_milestone("Teil B", slug="teil-b", field=parent.field, parent=parent, progress=20)
    make_milestone("Teil Entwurf", slug="teil-entwurf", field=parent.field, parent=parent, published=False)
    _db.session.commit()
    response = client.get("/etappenziele/oberziel")
    page = text_of(response)
    assert f"Fortschritt 80{NBSP}% berechnet aus den Teilzielen" in page  # (3*100 + 20) / 4
    assert "2 Teilziele" in page and "Teil A" in page and "Teil Entwurf" not in page
    child = text_of(client.get("/etappenziele/teil-b"))
    assert "Gehört zu Oberziel" in child
    assert 'href="/etappenziele/oberziel"' in client.get("/etappenziele/teil-b").get_data(as_text=True)


def test_milestone_without_money_or_updates(client, db):
    make_milestone("Leer", slug="leer")
    _db.session.commit()
    page = text_of(client.get("/etappenziele/leer"))
    assert "Für dieses Etappenziel sind keine Mittel eingetragen." in page
    assert "Zu diesem Etappenziel gibt es noch keine Fortschrittsmeldungen." in page
    assert "Bisher wurde nichts geändert." in page


def test_milestone_updates_are_paginated_newest_first(client, db):
    milestone = make_milestone(slug="ziel")
    for i in range(12):
        make_update(milestone, reported_on=days_ago(i), title=f"Meldung Nummer {i:02d}")
    make_update(milestone, reported_on=today(), title="Nicht veröffentlicht", published=False)
    _db.session.commit()
    first = client.get("/etappenziele/ziel")
    first_page = text_of(first)
    assert "12 Meldungen" in first_page and "Nicht veröffentlicht" not in first_page
    assert first_page.index("Meldung Nummer 00") < first_page.index("Meldung Nummer 09")
    assert "Meldung Nummer 10" not in first_page
    assert 'href="/etappenziele/ziel?updates_page=2#fortschrittsmeldungen" rel="next"' in first.get_data(as_text=True)
    second = text_of(client.get("/etappenziele/ziel?updates_page=2"))
    assert "Meldung Nummer 10" in second and "Meldung Nummer 00" not in second
    for bad in ("abc", "0", "999999"):
        response = client.get(f"/etappenziele/ziel?updates_page={bad}")
        assert response.status_code == 200
    assert "Die Seitenangabe war ungültig" in text_of(client.get("/etappenziele/ziel?updates_page=abc"))
    assert "Auf dieser Seite gibt es keine Meldungen mehr." in text_of(client.get("/etappenziele/ziel?updates_page=999"))


def test_old_slug_redirects_permanently_in_both_languages(client, db):
    milestone = make_milestone(slug="neuer-name")
    make_old_slug(milestone, "alter-name")
    _db.session.commit()
    response = client.get("/etappenziele/alter-name")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/etappenziele/neuer-name")
    assert "/en/" not in response.headers["Location"]
    english = client.get("/en/etappenziele/alter-name?updates_page=2")
    assert english.status_code == 301
    assert english.headers["Location"].endswith("/en/etappenziele/neuer-name?updates_page=2")
    assert client.get(english.headers["Location"]).status_code == 200
    assert heading(client.get(english.headers["Location"])) == milestone.title


def test_unpublished_and_unknown_milestones_are_404(client, db):
    hidden = make_milestone(slug="entwurf", published=False)
    make_old_slug(hidden, "entwurf-alt")
    _db.session.commit()
    for url in ("/etappenziele/entwurf", "/en/etappenziele/entwurf", "/etappenziele/entwurf-alt", "/etappenziele/gibt-es-nicht"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Set-Cookie" not in response.headers


# --- query counts ----------------------------------------------------------------------


def counted_get(client, count_queries, url: str) -> int:
    """The SQL statements of one GET (after a warm-up request)."""
    assert client.get(url).status_code == 200
    _db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def add_list_milestones(n: int, fields, departments) -> None:
    for i in range(n):
        parent = make_milestone(f"Bürgerziel {i}", field=fields[i % 2], department=departments[i % 2],
                                target_date=days_ago(1) if i % 3 == 0 else today() + timedelta(days=i))
        make_update(parent, reported_on=days_ago(i % 7))
        make_milestone(f"Bürger-Teilziel {i}", field=parent.field, parent=parent, department=departments[(i + 1) % 2])
    _db.session.commit()


@pytest.mark.parametrize("query", [
    "", "?sort=progress", "?sort=last_update&overdue=1", "?q=b%C3%BCrger&field=feld-a&department=fb-a",
])
def test_milestone_list_query_count_does_not_grow(app, client, db, count_queries, query):
    app.config["PER_PAGE"] = 100
    fields = [make_field(slug="feld-a"), make_field(slug="feld-b")]
    departments = [make_department(slug="fb-a"), make_department(slug="fb-b")]
    add_list_milestones(3, fields, departments)
    few = counted_get(client, count_queries, "/etappenziele" + query)
    add_list_milestones(30, fields, departments)
    assert counted_get(client, count_queries, "/etappenziele" + query) == few


def test_later_list_pages_query_count_does_not_grow(app, client, db, count_queries):
    # Without sub-milestones, so that every page has the same shape (one query per tree level).
    app.config["PER_PAGE"] = 2
    field = make_field()

    def add(n):
        for _ in range(n):
            make_update(make_milestone(field=field))
        _db.session.commit()

    add(5)
    few = counted_get(client, count_queries, "/etappenziele?sort=title&page=2")
    add(50)
    assert counted_get(client, count_queries, "/etappenziele?sort=title&page=2") == few
    assert counted_get(client, count_queries, "/etappenziele?sort=title&page=20") == few


def test_milestone_page_query_count_does_not_grow(client, db, count_queries):
    milestone = make_full_milestone()
    add_details(milestone, 2)
    _db.session.commit()
    url = "/etappenziele/" + milestone.slug
    few = counted_get(client, count_queries, url)
    add_details(milestone, 20)
    _db.session.commit()
    assert counted_get(client, count_queries, url) == few
    assert counted_get(client, count_queries, url + "?updates_page=2") == few


def test_home_and_field_query_counts_do_not_grow(client, db, count_queries):
    make_strategy()
    fields = [make_field(slug="feld-a"), make_field(slug="feld-b")]
    departments = [make_department(slug="fb-a"), make_department(slug="fb-b")]
    add_list_milestones(3, fields, departments)
    home, field = counted_get(client, count_queries, "/"), counted_get(client, count_queries, "/handlungsfelder/feld-a")
    add_list_milestones(30, fields, departments)
    assert counted_get(client, count_queries, "/") == home
    assert counted_get(client, count_queries, "/handlungsfelder/feld-a") == field


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_milestone_cards_show_what_the_shared_macros_show(app, client, prefix):
    """The list writes the macros of public/_macros.html out (speed); the markup stays theirs."""
    overdue = make_milestone("Überfällig & neu geplant", progress=75,
                             target_date=today() - timedelta(days=3),
                             original_target_date=today() - timedelta(days=30))
    undated = make_milestone("Ohne Termin", status="on_hold", progress=5, target_date=None)
    _db.session.commit()
    html = client.get(f"{prefix}/etappenziele").get_data(as_text=True)
    with app.test_request_context(f"{prefix}/etappenziele"):
        g.lang = "en" if prefix else "de"
        macros = {name: get_template_attribute("public/_macros.html", name)
                  for name in ("milestone_link", "status_badges", "progress_bar", "target_date")}
        for milestone in (_db.session.get(Milestone, overdue.id), _db.session.get(Milestone, undated.id)):
            for shown in (macros["milestone_link"](milestone), macros["status_badges"](milestone),
                          macros["progress_bar"](milestone.effective_progress), macros["target_date"](milestone)):
                assert str(shown) in html
    assert "badge-overdue" in html and 'class="replanned"' in html


# --- milestone page: jump links near the top (issue 13, item 3) -----------------------------------


def jump_links(html: str) -> list[tuple[str, str]]:
    toc = re.search(r'<nav class="page-toc"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)


@pytest.mark.parametrize("prefix, labels", [
    ("", ["Finanzierung", "Fortschrittsmeldungen (1)", "Verlauf", "Kommentare (2)"]),
    ("/en", ["Financing", "Progress updates (1)", "History", "Comments (2)"]),
])
def test_milestone_page_has_jump_links_with_counts_near_the_top(client, site, prefix, labels):
    """Issue 13: the page was ~7,300 px long on a phone and the comments began 8 screens down."""
    milestone = _db.session.scalar(_db.select(Milestone).filter_by(slug="buergerbuero-oeffnungszeiten"))
    milestone.comment_count = 2
    _db.session.commit()
    html = client.get(f"{prefix}/etappenziele/buergerbuero-oeffnungszeiten").get_data(as_text=True)
    links = jump_links(html)
    assert [label for _, label in links] == labels
    for target, _ in links:
        assert len(re.findall(rf'\bid="{target}"', html)) == 1, target
    assert html.index('class="page-toc"') < html.index('id="state-heading"')
    label = "Auf dieser Seite" if not prefix else "On this page"
    assert f'<nav class="page-toc" aria-label="{label}">' in html


def test_milestone_jump_links_name_sub_milestones_only_when_there_are_some(client, db):
    parent = make_milestone("Oberziel", slug="oberziel")
    make_milestone("Unterziel", slug="unterziel", parent=parent)
    _db.session.commit()
    parent_html = client.get("/etappenziele/oberziel").get_data(as_text=True)
    assert ("teilziele", "Teilziele (1)") in jump_links(parent_html)
    assert 'id="teilziele"' in parent_html
    child_html = client.get("/etappenziele/unterziel").get_data(as_text=True)
    assert "teilziele" not in [target for target, _ in jump_links(child_html)]
