"""Nothing unpublished leaves the portal through feeds, the API, calendars, widgets or the sitemap.

Every unpublished thing carries a marker word; every machine-readable output and every
widget is fetched and must not contain it.
"""
from __future__ import annotations

import pytest

from app.models import CommentStatus
from tests.builders import make_department, make_field, make_milestone, make_update, make_user
from tests.builders.comments import make_comment

MARKER = "GEHEIMSACHE"
HIDDEN_STATUSES = [s.value for s in CommentStatus if s != CommentStatus.PUBLISHED]


@pytest.fixture
def site(db):
    field = make_field("Bürgerservice online", slug="buergerservice")
    department = make_department("Bürgeramt", slug="buergeramt")
    public = make_milestone("Bürgerkonto", slug="buergerkonto", field=field, department=department)
    make_update(public, title="Öffentliche Meldung")
    make_update(public, title=f"{MARKER} unveröffentlichte Meldung", body=f"{MARKER} Text", published=False)
    author = make_user(display_name="Erika Beispiel")
    make_comment(public, body="Sichtbarer Kommentar", author=author)
    for status in HIDDEN_STATUSES:
        make_comment(public, status=status, body=f"{MARKER} Kommentar im Status {status}", author=author)
    draft = make_milestone(f"{MARKER} Entwurf", slug="geheimer-entwurf", field=field, department=department,
                           published=False, summary=f"{MARKER} Zusammenfassung")
    make_update(draft, title=f"{MARKER} Meldung zum Entwurf")
    make_comment(draft, body=f"{MARKER} Kommentar zum Entwurf", author=author)
    # A published sub-milestone of an unpublished parent: shown, but its parent is never named.
    make_milestone("Sichtbares Teilziel", slug="teilziel", field=field, department=department, parent=draft)
    db.session.commit()
    return {"public": public, "draft": draft}


def urls(site) -> list[str]:
    public, draft = site["public"], site["draft"]
    found = []
    for prefix in ("", "/en"):
        for fmt in ("atom", "rss"):
            found += [
                f"{prefix}/feeds/fortschritt.{fmt}",
                f"{prefix}/feeds/handlungsfelder/buergerservice.{fmt}",
                f"{prefix}/feeds/organisationseinheiten/buergeramt.{fmt}",
                f"{prefix}/feeds/etappenziele/buergerkonto.{fmt}",
                f"{prefix}/feeds/etappenziele/buergerkonto/kommentare.{fmt}",
                f"{prefix}/feeds/etappenziele/teilziel.{fmt}",
            ]
        found += [
            f"{prefix}/feeds",
            f"{prefix}/kalender/etappenziele.ics",
            f"{prefix}/kalender/handlungsfelder/buergerservice.ics",
            f"{prefix}/einbetten/handlungsfeld/buergerservice",
            f"{prefix}/einbetten/etappenziele",
            f"{prefix}/einbetten/etappenziele?q=entwurf",
            f"{prefix}/einbetten/etappenziel/buergerkonto",
            f"{prefix}/einbetten/etappenziel/teilziel",
        ]
    found += [
        "/api/v1/strategy", "/api/v1/fields", "/api/v1/departments", "/api/v1/milestones",
        "/api/v1/milestones?per_page=100&q=entwurf", "/api/v1/milestones.csv",
        f"/api/v1/milestones/{public.id}", "/api/v1/progress-updates?per_page=100",
        f"/api/v1/progress-updates?milestone={public.id}", "/sitemap.xml",
    ]
    return found


def test_nothing_unpublished_appears_anywhere(client, site):
    for url in urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER.encode() not in response.data.upper(), url
        assert b"geheimer-entwurf" not in response.data, url


def test_published_content_is_there(client, site):
    """The counterpart: the same outputs do show what is published (the test above can fail)."""
    assert b"Sichtbarer Kommentar" in client.get("/feeds/etappenziele/buergerkonto/kommentare.atom").data
    assert "Öffentliche Meldung".encode() in client.get("/feeds/fortschritt.rss").data
    assert b"Sichtbares Teilziel" in client.get("/api/v1/milestones").data


def test_unpublished_milestones_answer_404_everywhere(client, site):
    draft = site["draft"]
    for url in (
        f"/feeds/etappenziele/{draft.slug}.atom", f"/feeds/etappenziele/{draft.slug}/kommentare.rss",
        f"/api/v1/milestones/{draft.id}", f"/einbetten/etappenziel/{draft.slug}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/v1/progress-updates?milestone={draft.id}").status_code == 400
