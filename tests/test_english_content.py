"""English texts of the strategy: optional *_en columns, shown under /en/, German fallback marked."""
from __future__ import annotations

import re

import feedparser
from flask import g
from sqlalchemy import select

from app.demo import loader
from app.i18n import localized, localized_text
from app.models import Field, Milestone, ProgressUpdate, Strategy
from tests.builders import make_champion, make_field, make_milestone, make_strategy, make_update


def text(response) -> str:
    return response.get_data(as_text=True)


def test_localized_text_prefers_english_and_marks_the_german_fallback(app, db):
    milestone = make_milestone("Online-Antrag", title_en="Online application", summary="Kurz")
    with app.test_request_context("/en/"):
        g.lang = "en"
        title = localized_text(milestone, "title")
        assert (title.text, title.lang, str(title.attr)) == ("Online application", None, "")
        summary = localized_text(milestone, "summary")
        assert (summary.text, summary.lang, str(summary.attr)) == ("Kurz", "de", ' lang="de"')
        assert summary.german_only
        g.lang = "de"
        assert localized(milestone, "title") == "Online-Antrag"
        assert localized_text(milestone, "summary").lang is None
    assert localized(milestone, "title", "en") == "Online application"


def test_localized_html_uses_the_english_html_twin(app, db):
    milestone = make_milestone(description="**fett**", description_en="**bold**")
    shown = localized_text(milestone, "description_html", "en")
    assert "<strong>bold</strong>" in shown.__html__()
    assert localized_text(make_milestone(description="<b>x</b>"), "description_html", "en").lang == "de"


def test_english_columns_default_to_empty(app, db):
    field = make_field()
    champion = make_champion()
    strategy = make_strategy()
    update = make_update(make_milestone(field=field))
    assert (field.name_en, field.description_en) == ("", "")
    assert (champion.role_en, champion.quote_en) == ("", "")
    assert (strategy.title_en, strategy.intro_en, strategy.intro_en_html) == ("", "", "")
    assert (update.title_en, update.body_en, update.body_en_html) == ("", "", "")


def test_english_milestone_page_shows_english_and_marks_german_fallback(client, db):
    field = make_field("Bürgerservice", name_en="Citizen services")
    milestone = make_milestone(
        "Online-Antrag", field=field, title_en="Online application",
        summary="Anträge im Netz stellen", description="Die **lange** Beschreibung",
    )
    make_update(milestone, title="Start", title_en="Launch", body="Los geht's", body_en="Off we go")
    make_update(milestone, title="Nur deutsch", body="Text")
    db.session.commit()

    page = text(client.get(f"/en/etappenziele/{milestone.slug}"))
    assert "<h1>Online application</h1>" in page
    assert '<p class="lead" lang="de">Anträge im Netz stellen</p>' in page
    assert '<div class="rich-text" lang="de"><p>Die <strong>lange</strong>' in page
    assert "This text is only available in German." in page
    assert ">Citizen services</a>" in page
    assert re.search(r'<h3 id="update-\d+">Launch</h3>', page)
    assert "Off we go" in page
    assert re.search(r'<h3 id="update-\d+" lang="de">Nur deutsch</h3>', page)
    assert "<title>Online application" in page

    german = text(client.get(f"/etappenziele/{milestone.slug}"))
    assert "<h1>Online-Antrag</h1>" in german
    assert "Online application" not in german and "Launch" not in german


def test_english_page_without_fallback_has_no_note(client, db):
    milestone = make_milestone("Online-Antrag", title_en="Online application", field=make_field(name_en="Services"))
    db.session.commit()
    page = text(client.get(f"/en/etappenziele/{milestone.slug}"))
    assert "only available in German" not in page


def test_english_home_and_field_pages(client, db):
    make_strategy(title="Digitalstrategie", title_en="Digital strategy", intro="Deutsch", intro_html="<p>Deutsch</p>",
                  lead_role="Bürgermeisterin", lead_role_en="Mayor")
    field = make_field("Verwaltung", name_en="Administration", description="Beschreibung")
    make_milestone(field=field)
    db.session.commit()
    home = text(client.get("/en/"))
    assert "<h1>Digital strategy</h1>" in home
    assert "<dd>Mayor</dd>" in home
    assert '<div class="rich-text lead" lang="de"><p>Deutsch</p></div>' in home
    assert "Administration" in home
    page = text(client.get(f"/en/handlungsfelder/{field.slug}"))
    assert "<h1>Administration</h1>" in page
    assert '<p class="lead" lang="de">Beschreibung</p>' in page


def test_english_champion_role(client, db):
    make_champion(name="Erika Muster", role="Leitung", role_en="Head of office", quote="Ja", quote_en="Yes")
    db.session.commit()
    page = text(client.get("/en/helden-der-digitalisierung"))
    assert "Head of office" in page and "Erika Muster" in page
    assert "<p>Yes</p>" in page


# --- API ---------------------------------------------------------------------------------


def test_api_serves_english_texts_with_lang_en(client, db):
    field = make_field("Verwaltung", name_en="Administration")
    milestone = make_milestone("Online-Antrag", title_en="Online application", summary="Nur deutsch", field=field)
    make_update(milestone, title="Start", title_en="Launch", body="Los", body_en="Go")
    make_strategy(title="Digitalstrategie", title_en="Digital strategy")
    db.session.commit()

    listed = client.get("/api/v1/milestones?lang=en").get_json()
    item = listed["data"][0]
    assert (item["title"], item["summary"], item["field"]["name"]) == ("Online application", "Nur deutsch", "Administration")
    assert "lang=en" in listed["links"]["self"]
    assert "/en/" in item["url"]
    detail = client.get(f"/api/v1/milestones/{milestone.id}?lang=en").get_json()["data"]
    assert detail["title"] == "Online application"
    updates = client.get("/api/v1/progress-updates?lang=en").get_json()["data"]
    assert (updates[0]["title"], updates[0]["body"]) == ("Launch", "Go")
    assert client.get("/api/v1/strategy?lang=en").get_json()["data"]["title"] == "Digital strategy"
    assert client.get("/api/v1/fields?lang=en").get_json()["data"][0]["name"] == "Administration"
    assert "lang=en" in client.get("/api/v1/?lang=en").get_json()["data"]["milestones"]

    german = client.get("/api/v1/milestones").get_json()["data"][0]
    assert german["title"] == "Online-Antrag" and german["field"]["name"] == "Verwaltung"
    assert client.get("/api/v1/milestones?lang=de").get_json()["data"][0]["title"] == "Online-Antrag"
    # Accept-Language does not choose the language of the data.
    assert client.get("/api/v1/milestones", headers={"Accept-Language": "en"}).get_json()["data"][0]["title"] == "Online-Antrag"


def test_api_refuses_unknown_language(client, db):
    for query in ("lang=fr", "lang=EN", "lang=en&lang=de"):
        response = client.get(f"/api/v1/milestones?{query}")
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert error["parameter"] == "lang" and error["code"] == "invalid_parameter"
    assert "de, en" in client.get("/api/v1/strategy?lang=fr").get_json()["error"]["message"]


def test_openapi_describes_lang_parameter(client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        lang = [p for p in item["get"]["parameters"] if p["name"] == "lang"]
        assert lang and lang[0]["schema"]["enum"] == ["de", "en"], path
        assert "400" in item["get"]["responses"], path


# --- feeds -------------------------------------------------------------------------------


def test_english_feeds_carry_english_texts_and_mark_german_bodies(client, db):
    field = make_field("Verwaltung", name_en="Administration")
    milestone = make_milestone("Online-Antrag", title_en="Online application", field=field)
    make_update(milestone, title="Start", title_en="Launch", body="Los", body_en="Go")
    make_update(milestone, title="Nur deutsch", body="Deutscher Text")
    db.session.commit()

    feed = feedparser.parse(client.get("/en/feeds/fortschritt.atom").data)
    titles = {entry.title for entry in feed.entries}
    assert titles == {"Online application: Launch", "Online application: Nur deutsch"}
    contents = {entry.title: entry.content[0].value for entry in feed.entries}
    assert "<p>Go</p>" in contents["Online application: Launch"]
    assert re.search(r'<div lang="de"><p>Deutscher Text</p>\s*</div>', contents["Online application: Nur deutsch"])
    milestone_feed = feedparser.parse(client.get(f"/en/feeds/etappenziele/{milestone.slug}.rss").data)
    assert "Online application" in milestone_feed.feed.title
    field_feed = feedparser.parse(client.get(f"/en/feeds/handlungsfelder/{field.slug}.atom").data)
    assert "Administration" in field_feed.feed.title

    german = feedparser.parse(client.get("/feeds/fortschritt.atom").data)
    assert {entry.title for entry in german.entries} == {"Online-Antrag: Start", "Online-Antrag: Nur deutsch"}


# --- demo --------------------------------------------------------------------------------


def test_demo_ships_english_for_strategy_fields_and_some_milestones(client, db):
    loader.load()
    db.session.commit()
    strategy = db.session.scalar(select(Strategy))
    assert strategy.title_en and "<strong>" in strategy.intro_en_html
    assert all(field.name_en and field.description_en for field in db.session.scalars(select(Field)))
    all_milestones = list(db.session.scalars(select(Milestone)))
    english = [m for m in all_milestones if m.title_en]
    assert 0 < len(english) < len(all_milestones)
    assert db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.body_en_html != ""))

    page = text(client.get("/en/etappenziele/online-terminvergabe"))
    assert "<h1>Online appointments for the citizens&#39; office</h1>" in page
    assert "This text is only available in German." not in page
    fallback = text(client.get("/en/etappenziele/verwaltungsleistungen-online"))
    assert "<h1>The 30 most used administrative services fully online</h1>" in fallback
    assert '<p class="lead" lang="de">' in fallback and "This text is only available in German." in fallback
    german = next(m for m in all_milestones if not m.title_en and m.published)
    assert f'<h1 lang="de">{german.title}</h1>' in text(client.get(f"/en/etappenziele/{german.slug}"))


def test_calendar_embed_and_feed_list_use_english_titles(client, db):
    field = make_field("Verwaltung", name_en="Administration")
    milestone = make_milestone("Online-Antrag", title_en="Online application", field=field, summary="Kurz",
                               summary_en="Short")
    db.session.commit()
    calendar = client.get("/en/kalender/etappenziele.ics").get_data(as_text=True)
    assert "SUMMARY:Online application" in calendar and "CATEGORIES:Administration" in calendar
    assert "DESCRIPTION:Short" in calendar
    assert "SUMMARY:Online-Antrag" in client.get("/kalender/etappenziele.ics").get_data(as_text=True)
    feeds = text(client.get("/en/feeds"))
    assert "<span>Online application</span>" in feeds and "<span>Administration</span>" in feeds
    embed = text(client.get(f"/en/einbetten/etappenziel/{milestone.slug}"))
    assert "<h1>Online application</h1>" in embed and "<title>Online application" in embed
    listed = text(client.get("/en/einbetten/etappenziele"))
    assert "Online application" in listed and "Online-Antrag" not in listed


def test_search_finds_english_words(client, db):
    make_milestone("Online-Antrag", title_en="Online application for parking permits")
    make_milestone("Schulnetz")
    db.session.commit()
    page = text(client.get("/en/etappenziele?q=parking"))
    assert "Online application for parking permits" in page and "Schulnetz" not in page
