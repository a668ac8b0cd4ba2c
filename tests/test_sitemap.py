"""sitemap.xml lists public pages in both languages with alternates; robots.txt keeps staff pages out."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.builders import make_field, make_milestone

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def site(app, db):
    app.config["BASE_URL"] = "https://portal.musterstadt.de"
    field = make_field("Bürgerservice online", slug="buergerservice")
    make_milestone("Bürgerkonto", slug="buergerkonto", field=field)
    make_milestone("Entwurf", slug="entwurf", field=field, published=False)
    db.session.commit()


def test_sitemap_lists_pages_fields_and_published_milestones_in_both_languages(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)
    entries = {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}
    base = "https://portal.musterstadt.de"
    for path in ("/", "/etappenziele", "/etappenziele/buergerkonto", "/handlungsfelder/buergerservice",
                 "/zeitplan", "/feeds", "/impressum"):
        german = base + path
        english = base + ("/en/" if path == "/" else "/en" + path)
        assert german in entries and english in entries, path
        alternates = {link.get("hreflang"): link.get("href") for link in entries[german].findall("x:link", NS)}
        assert alternates == {"de": german, "en": english}
    assert not any("entwurf" in loc for loc in entries)
    assert entries[base + "/etappenziele/buergerkonto"].findtext("s:lastmod", namespaces=NS)
    assert not any("/verwaltung" in loc or "/konto" in loc for loc in entries)


def test_robots_txt_keeps_staff_and_account_pages_out_and_names_the_sitemap(client, site):
    response = client.get("/robots.txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/verwaltung", "/en/verwaltung", "/konto", "/en/konto"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://portal.musterstadt.de/sitemap.xml" in lines
    assert "Set-Cookie" not in response.headers
