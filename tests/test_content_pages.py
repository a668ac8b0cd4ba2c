"""The operator's text pages: defaults, language fallback, saving."""
from __future__ import annotations

import re

import pytest
from flask import g

from app.pages import services
from app.pages.services import (
    InvalidVideoUrl,
    UnknownPage,
    save_content_page,
    shown_page,
)

PAGES = {
    "/impressum": "impressum",
    "/datenschutz": "datenschutz",
    "/barrierefreiheit": "barrierefreiheit",
    "/leichte-sprache": "leichte-sprache",
    "/gebaerdensprache": "gebaerdensprache",
    "/kommentarregeln": "kommentarregeln",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', text(response)).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_default_pages_answer_in_both_languages(client, db, path):
    for prefix, lang in (("", "de"), ("/en", "en")):
        response = client.get(prefix + path)
        assert response.status_code == 200
        assert html_lang(response) == lang
        assert text(response).count("<h1") == 1
        assert "Set-Cookie" not in response.headers


def test_default_privacy_text_says_what_the_portal_stores(client, db):
    page = text(client.get("/datenschutz"))
    assert "setzt das Portal keine Cookies" in page
    assert "Sitzungs-Cookie" in page
    assert "keine Inhalte von anderen Servern" in page
    assert "keine IP-Adressen" in page
    assert "Protokolle" in page


def test_default_accessibility_statement_states_conformance_and_contact(client, db):
    page = text(client.get("/barrierefreiheit"))
    assert "Erklärung zur Barrierefreiheit" in page
    assert "teilweise mit den Anforderungen vereinbar" in page
    assert "Barriere melden" in page
    assert 'href="/impressum"' in page
    english = text(client.get("/en/barrierefreiheit"))
    assert 'href="/en/impressum"' in english


def test_stored_page_replaces_default_and_is_sanitized(client, db):
    save_content_page(
        "impressum", "Impressum der Stadt", "# Anbieter\n\n**Stadt** Musterstadt <script>alert(1)</script>",
    )
    db.session.commit()
    page = text(client.get("/impressum"))
    assert "<h1>Impressum der Stadt</h1>" in page
    assert "<h2>Anbieter</h2>" in page
    assert "<strong>Stadt</strong>" in page
    assert "<script>alert" not in page
    assert "noch nicht eingetragen" not in page


def test_english_text_is_shown_when_present(client, db):
    save_content_page("impressum", "Impressum", "Deutscher Text", "Legal notice", "English text")
    db.session.commit()
    page = text(client.get("/en/impressum"))
    assert "<h1>Legal notice</h1>" in page
    assert "English text" in page and "Deutscher Text" not in page
    assert 'lang="de"' not in page.split("<main")[1]


def test_missing_english_text_falls_back_to_german_marked_lang_de(client, db):
    save_content_page("datenschutz", "Datenschutz", "Nur auf Deutsch.")
    db.session.commit()
    page = text(client.get("/en/datenschutz"))
    assert '<h1 lang="de">Datenschutz</h1>' in page
    assert re.search(r'<div class="content-page-body" lang="de">\s*<p>Nur auf Deutsch.</p>', page)
    assert 'class="content-page-note"' in page
    german = text(client.get("/datenschutz"))
    assert 'class="content-page-note"' not in german
    assert 'lang="de"' not in german.split("<main")[1]


def test_english_title_with_german_body(client, db):
    save_content_page("impressum", "Impressum", "Nur deutsch", "Legal notice", "")
    db.session.commit()
    page = text(client.get("/en/impressum"))
    assert "<h1>Legal notice</h1>" in page
    assert 'class="content-page-body" lang="de"' in page


def test_untranslated_default_is_marked_german_on_english_pages(app, monkeypatch):
    with app.test_request_context("/en/impressum"):
        g.lang = "en"
        monkeypatch.setattr(services, "gettext", lambda msgid: msgid)
        untranslated = shown_page("impressum")
        assert untranslated.is_default
        assert untranslated.title_lang == "de" and untranslated.body_lang == "de"
        monkeypatch.setattr(services, "gettext", lambda msgid: "EN " + msgid)
        translated = shown_page("impressum")
        assert translated.title_lang is None and translated.body_lang is None
    with app.test_request_context("/impressum"):
        g.lang = "de"
        assert shown_page("impressum").body_lang is None


def test_sign_language_page_links_the_video_without_embedding(client, db):
    save_content_page("gebaerdensprache", "Gebärdensprache", "Infos in DGS.", video_url=" https://video.example.org/dgs ")
    save_content_page("leichte-sprache", "Leichte Sprache", "Text.", video_url="https://video.example.org/other")
    db.session.commit()
    page = text(client.get("/gebaerdensprache"))
    assert 'href="https://video.example.org/dgs"' in page
    assert "<iframe" not in page and "<video" not in page
    assert "video.example.org" not in text(client.get("/leichte-sprache"))


def test_save_refuses_unknown_slug_and_unsafe_video_links(db):
    with pytest.raises(UnknownPage):
        save_content_page("hausordnung", "Hausordnung", "Text")
    for url in ("javascript:alert(1)", "ftp://example.org/v", "//example.org/v", "video"):
        with pytest.raises(InvalidVideoUrl):
            save_content_page("gebaerdensprache", "Gebärdensprache", "Text", video_url=url)
    with pytest.raises(ValueError):
        save_content_page("impressum", "  ", "Text")


def test_save_updates_an_existing_page(db):
    save_content_page("impressum", "Alt", "alt", "Old", "old")
    page = save_content_page("impressum", "Neu", "*neu*")
    db.session.commit()
    assert page.title_de == "Neu"
    assert page.body_de_html == "<p><em>neu</em></p>\n"
    assert page.title_en == "" and page.body_en_html == ""
