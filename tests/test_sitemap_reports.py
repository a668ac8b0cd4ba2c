"""The sitemap names the reporting pages: the date form, the report archive and each published
report, in both languages; a report kept internal is never listed."""
from __future__ import annotations

from datetime import date, datetime
from xml.etree import ElementTree

from app.models import Report

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_the_archive_and_published_reports_only(app, client, db):
    app.config["BASE_URL"] = "https://portal.musterstadt.de"
    published = Report(reporting_date=date(2026, 6, 30), published=True,
                       published_at=datetime(2026, 7, 2, 9, 0), snapshot={})
    internal = Report(reporting_date=date(2026, 11, 30), published=False, snapshot={})
    db.session.add_all([published, internal])
    db.session.commit()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ElementTree.fromstring(response.data)
    entries = {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}
    base = "https://portal.musterstadt.de"
    for path in ("/stand", "/berichte", f"/berichte/{published.id}"):
        assert base + path in entries
        assert base + "/en" + path in entries
    assert entries[f"{base}/berichte/{published.id}"].findtext("s:lastmod", namespaces=NS) == "2026-07-02"
    assert not any(loc.endswith(f"/berichte/{internal.id}") for loc in entries)
