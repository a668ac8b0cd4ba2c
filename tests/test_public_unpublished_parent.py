"""A sub-milestone's public pages never name a parent that is not published yet."""
from __future__ import annotations

from app.extensions import db
from tests.builders import make_milestone


def test_unpublished_parent_title_stays_private(client, db):
    parent = make_milestone("Geheimer Entwurf Rathaus-Cloud", slug="entwurf", published=False)
    child = make_milestone("Öffentliches Teilziel", slug="teilziel", parent=parent, field=parent.field)
    db.session.commit()
    for url in ("/etappenziele/teilziel", "/etappenziele", "/en/etappenziele/teilziel", "/en/etappenziele"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "Öffentliches Teilziel" in html, url
        assert "Geheimer Entwurf" not in html, url


def test_published_parent_is_linked(client, db):
    parent = make_milestone("Rathaus-Cloud", slug="cloud")
    make_milestone("Teilziel Speicher", slug="speicher", parent=parent, field=parent.field)
    db.session.commit()
    page = client.get("/etappenziele/speicher").get_data(as_text=True)
    listing = client.get("/etappenziele").get_data(as_text=True)
    assert 'href="/etappenziele/cloud"' in page
    assert "Teilziel von" in listing and 'href="/etappenziele/cloud"' in listing
