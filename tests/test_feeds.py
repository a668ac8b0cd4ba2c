"""Atom and RSS feeds: valid, bounded, stable ids, absolute links, sanitized content, caching."""
from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import pytest
from flask import render_template_string

from app.backend import services
from app.backend.services import ProgressData
from app.extensions import db
from app.models import ChangeKind, CommentStatus, Role, utcnow
from app.progress import today
from tests.builders import days_ago, make_department, make_field, make_milestone, make_update, make_user
from tests.builders.backend import milestone_data
from tests.builders.comments import make_comment, make_official_answer
from tests.builders.public import make_change

class Elements(HTMLParser):
    """The elements and attributes of an HTML fragment (text is ignored)."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


FORMATS = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


@pytest.fixture
def site(db):
    """One field, one department, a milestone with updates, a re-planning and comments."""
    field = make_field("Bürgerservice online", slug="buergerservice")
    department = make_department("Bürgeramt", slug="buergeramt")
    milestone = make_milestone("Digitales Bürgerkonto", slug="buergerkonto", field=field, department=department)
    first = make_update(milestone, reported_on=days_ago(30), title="Ausschreibung",
                        body="Die **Ausschreibung** läuft.", published_at=utcnow() - timedelta(days=30))
    second = make_update(milestone, reported_on=days_ago(2), title="Pilot gestartet",
                         published_at=utcnow() - timedelta(days=2))
    make_change(milestone, ChangeKind.TARGET_DATE.value, days_ago(10).isoformat(), today().isoformat(),
                reason="Die Schnittstelle des Landes kommt später.", author_role="Leitung Bürgeramt")
    author = make_user(display_name="Erika Beispiel")
    question = make_comment(milestone, body="Wann geht es los?", author=author)
    make_official_answer(milestone, department, question, "Im Frühjahr.", author=make_user(roles=(Role.EDITOR,)))
    db.session.commit()
    return {"field": field, "department": department, "milestone": milestone, "first": first, "second": second}


def feed_urls(site) -> dict[str, str]:
    slug = site["milestone"].slug
    return {
        "updates": "/feeds/fortschritt",
        "field": f"/feeds/handlungsfelder/{site['field'].slug}",
        "department": f"/feeds/organisationseinheiten/{site['department'].slug}",
        "milestone": f"/feeds/etappenziele/{slug}",
        "comments": f"/feeds/etappenziele/{slug}/kommentare",
    }


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, feedparser.parse(response.data)


@pytest.mark.parametrize("lang", ["", "/en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["updates", "field", "department", "milestone", "comments"])
def test_every_feed_is_well_formed_with_the_right_type(client, site, kind, fmt, lang):
    response, parsed = fetch(client, f"{lang}{feed_urls(site)[kind]}.{fmt}")
    assert response.headers["Content-Type"] == FORMATS[fmt]
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert parsed.feed.title
    assert parsed.entries, f"{kind} has no entries"
    for entry in parsed.entries:
        assert entry.id.startswith("tag:localhost,2024:etappen/")
        assert entry.link.startswith("http://localhost/")
        assert entry.published_parsed is not None
        assert entry.title


def test_updates_feed_lists_newest_first_with_milestone_context(client, site):
    _, parsed = fetch(client, "/feeds/fortschritt.atom")
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Digitales Bürgerkonto: Pilot gestartet", "Digitales Bürgerkonto: Ausschreibung"]
    entry = parsed.entries[1]
    assert "<strong>Ausschreibung</strong>" in entry.content[0].value
    assert entry.link == f"http://localhost/etappenziele/buergerkonto#update-{site['first'].id}"
    assert entry.id == f"tag:localhost,2024:etappen/progress-update/{site['first'].id}"


def test_milestone_feed_has_updates_and_the_replanning_without_an_update(client, site):
    _, parsed = fetch(client, "/feeds/etappenziele/buergerkonto.atom")
    ids = {entry.id.rsplit("/", 2)[-2] for entry in parsed.entries}
    assert ids == {"progress-update", "milestone-change"}
    change = next(e for e in parsed.entries if "milestone-change" in e.id)
    assert change.title.startswith("Zieltermin (Neuplanung):")
    assert "Die Schnittstelle des Landes kommt später." in change.content[0].value
    assert change.link.endswith("#history-heading")


def test_changes_recorded_with_a_published_update_are_told_by_the_update(client, db, site):
    admin = make_user(roles=(Role.ADMIN,))
    milestone = site["milestone"]
    update = services.report_progress(admin, milestone, ProgressData(
        title="Neuer Termin", reported_on=today(), author_role="Leitung Bürgeramt",
        new_target_date=today() + timedelta(days=400), reason="Lieferverzug",
    ))
    db.session.commit()
    _, parsed = fetch(client, "/feeds/etappenziele/buergerkonto.atom")
    ids = [entry.id for entry in parsed.entries]
    assert f"tag:localhost,2024:etappen/progress-update/{update.id}" in ids
    assert not any(f"milestone-change/{change.id}" in i for change in update.changes for i in ids)
    told = next(e for e in parsed.entries if e.id.endswith(f"progress-update/{update.id}"))
    assert "Lieferverzug" in told.content[0].value


def test_comment_feed_names_authors_and_official_answers(client, site):
    _, parsed = fetch(client, "/feeds/etappenziele/buergerkonto/kommentare.rss")
    titles = {entry.title for entry in parsed.entries}
    assert titles == {"Kommentar von Erika Beispiel", "Antwort der Verwaltung (Bürgeramt)"}


def test_entry_ids_survive_an_edit_and_a_renamed_slug(client, db, site):
    before = {kind: [e.id for e in fetch(client, f"{url}.atom")[1].entries] for kind, url in feed_urls(site).items()}
    admin = make_user(roles=(Role.ADMIN,))
    services.edit_progress_update(admin, site["first"], ProgressData(
        title="Ausschreibung (korrigiert)", reported_on=site["first"].reported_on,
        author_role="Leitung Bürgeramt", body="Die Ausschreibung ist **beendet**.",
    ))
    services.update_milestone(admin, site["milestone"], milestone_data(site["milestone"], title="Bürgerkonto für alle",
                                                                       slug="konto"))
    db.session.commit()
    assert site["milestone"].slug == "konto"

    after_urls = {**feed_urls(site)}
    after = {kind: fetch(client, f"{url}.atom")[1] for kind, url in after_urls.items()}
    for kind, parsed in after.items():
        assert [e.id for e in parsed.entries] == before[kind], kind
    edited = next(e for e in after["updates"].entries if e.id.endswith(f"/{site['first'].id}"))
    assert edited.title == "Bürgerkonto für alle: Ausschreibung (korrigiert)"
    assert edited.updated_parsed > edited.published_parsed
    assert edited.link == f"http://localhost/etappenziele/konto#update-{site['first'].id}"
    # Readers subscribed under the old address are sent on.
    old = client.get("/feeds/etappenziele/buergerkonto.rss")
    assert old.status_code == 301 and old.headers["Location"].endswith("/feeds/etappenziele/konto.rss")
    old_comments = client.get("/en/feeds/etappenziele/buergerkonto/kommentare.atom")
    assert old_comments.status_code == 301
    assert old_comments.headers["Location"].endswith("/en/feeds/etappenziele/konto/kommentare.atom")


def test_dates_are_utc_and_timezone_aware(client, site):
    response = client.get("/feeds/fortschritt.atom")
    text = response.get_data(as_text=True)
    published = site["second"].published_at.replace(microsecond=0).isoformat()
    assert f"<published>{published}" in text
    assert "+00:00</published>" in text and "+00:00</updated>" in text


def test_links_are_absolute_from_the_configured_base_url(app, client, site):
    app.config["BASE_URL"] = "https://portal.musterstadt.example"
    response = client.get("/feeds/fortschritt.rss", headers={"Host": "evil.example"})
    parsed = feedparser.parse(response.data)
    assert parsed.feed.link == "https://portal.musterstadt.example/"
    assert all(e.link.startswith("https://portal.musterstadt.example/etappenziele/") for e in parsed.entries)
    assert b"evil.example" not in response.data
    # The id authority comes from the base URL as well, unless configured on its own.
    assert parsed.entries[0].id.startswith("tag:portal.musterstadt.example,2024:")
    app.config["FEED_ID_AUTHORITY"] = "musterstadt.de"
    parsed = feedparser.parse(client.get("/feeds/fortschritt.rss").data)
    assert parsed.entries[0].id.startswith("tag:musterstadt.de,2024:")


def test_content_is_sanitized(client, db, site):
    make_update(site["milestone"], title="<script>alert(1)</script>Titel",
                body='<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))')
    make_comment(site["milestone"], author=None, body='<script>alert(2)</script><a href="javascript:alert(3)">x</a>')
    db.session.commit()
    for url in ("/feeds/fortschritt.atom", "/feeds/etappenziele/buergerkonto/kommentare.atom"):
        parsed = feedparser.parse(client.get(url).data, sanitize_html=False)
        for entry in parsed.entries:
            elements = Elements()
            elements.feed(entry.content[0].value)
            assert "script" not in elements.tags and "img" not in elements.tags
            for name, value in elements.attributes:
                assert not name.startswith("on"), (name, value)
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), (name, value)
            assert "&lt;script&gt;" in entry.content[0].value or "Titel" not in entry.title


def test_number_of_entries_is_bounded(app, client, db, site):
    for n in range(6):
        make_update(site["milestone"], reported_on=today(), title=f"Meldung {n}")
    db.session.commit()
    app.config["FEED_MAX_ENTRIES"] = 3
    for url in ("/feeds/fortschritt.atom", "/feeds/etappenziele/buergerkonto.rss"):
        assert len(fetch(client, url)[1].entries) == 3


def test_feeds_are_cacheable_and_set_no_cookie(client, site):
    response = client.get("/feeds/fortschritt.atom")
    assert "Set-Cookie" not in response.headers
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert response.headers["ETag"] and response.headers["Last-Modified"]


@pytest.mark.parametrize("kind", ["updates", "field", "department", "milestone", "comments"])
def test_conditional_requests_get_304(client, site, kind):
    url = f"{feed_urls(site)[kind]}.atom"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.cache_control.public
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # Another format or language is another document.
    assert client.get(url.replace(".atom", ".rss"), headers={"If-None-Match": etag}).status_code == 200
    assert client.get(f"/en{url}", headers={"If-None-Match": etag}).status_code == 200


def test_new_content_changes_the_validator(client, db, site):
    url = "/feeds/etappenziele/buergerkonto/kommentare.atom"
    etag = client.get(url).headers["ETag"]
    hidden = make_comment(site["milestone"], author=None, status=CommentStatus.PENDING.value)
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, "a pending comment changes nothing"
    hidden.status = CommentStatus.PUBLISHED.value
    hidden.published_at = utcnow()
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag

    updates_etag = client.get("/feeds/fortschritt.atom").headers["ETag"]
    site["second"].published = False
    db.session.commit()
    assert client.get("/feeds/fortschritt.atom", headers={"If-None-Match": updates_etag}).status_code == 200


def test_the_304_answer_runs_one_query_and_builds_nothing(client, site, count_queries):
    etag = client.get("/feeds/fortschritt.atom").headers["ETag"]
    with count_queries() as counter:
        response = client.get("/feeds/fortschritt.atom", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert counter.count == 1, counter.statements


def test_a_full_feed_runs_a_fixed_number_of_queries(client, db, site, count_queries):
    def queries_for_feed() -> int:
        with count_queries() as counter:
            assert client.get("/feeds/fortschritt.atom").status_code == 200
        return counter.count

    few = queries_for_feed()
    for n in range(10):
        other = make_milestone(f"Weiteres Ziel {n}", field=site["field"])
        make_update(other, title=f"Meldung {n}")
    db.session.commit()
    assert queries_for_feed() == few


def test_unknown_subjects_and_unpublished_milestones_are_404(client, db, site):
    draft = make_milestone("Entwurf", slug="entwurf", published=False)
    db.session.commit()
    for url in (
        "/feeds/handlungsfelder/gibt-es-nicht.atom", "/feeds/organisationseinheiten/gibt-es-nicht.rss",
        "/feeds/etappenziele/gibt-es-nicht.atom", f"/feeds/etappenziele/{draft.slug}.atom",
        f"/feeds/etappenziele/{draft.slug}/kommentare.rss", "/feeds/fortschritt.json",
    ):
        assert client.get(url).status_code == 404, url


def test_feeds_page_lists_every_feed_and_the_licence(client, site):
    for prefix in ("", "/en"):
        response = client.get(f"{prefix}/feeds")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        for url in feed_urls(site).values():
            assert f'href="{prefix}{url}.atom"' in html and f'href="{prefix}{url}.rss"' in html
        assert f'href="{prefix}/kalender/etappenziele.ics"' in html
        assert f'href="{prefix}/kalender/handlungsfelder/buergerservice.ics"' in html
        assert 'href="/api/v1/openapi.json"' in html and 'href="/api/v1/milestones.csv"' in html
        assert "Datenlizenz Deutschland – Namensnennung – 2.0" in html
        assert 'href="https://www.govdata.de/dl-de/by-2-0"' in html
        assert "Set-Cookie" not in response.headers


AUTODISCOVERY = '{% include "feeds/_links.html" %}'


@pytest.mark.parametrize(("path", "expected"), [
    ("/", ["/feeds/fortschritt.atom", "/feeds/fortschritt.rss"]),
    ("/etappenziele", ["/feeds/fortschritt.atom", "/feeds/fortschritt.rss"]),
    ("/handlungsfelder/buergerservice", ["/feeds/handlungsfelder/buergerservice.atom",
                                         "/feeds/handlungsfelder/buergerservice.rss",
                                         "/feeds/fortschritt.atom", "/feeds/fortschritt.rss"]),
    ("/en/etappenziele/buergerkonto", ["/en/feeds/etappenziele/buergerkonto.atom",
                                       "/en/feeds/etappenziele/buergerkonto.rss",
                                       "/en/feeds/etappenziele/buergerkonto/kommentare.atom",
                                       "/en/feeds/etappenziele/buergerkonto/kommentare.rss"]),
    ("/organisationseinheiten", ["/feeds/organisationseinheiten/buergeramt.atom",
                                 "/feeds/organisationseinheiten/buergeramt.rss"]),
    ("/impressum", []),
])
def test_autodiscovery_links_match_the_page(app, site, path, expected):
    with app.test_request_context(path):
        app.preprocess_request()
        html = render_template_string(AUTODISCOVERY)
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs == expected
    for fmt, mimetype in (("atom", "application/atom+xml"), ("rss", "application/rss+xml")):
        assert html.count(f'type="{mimetype}"') == sum(h.endswith(f".{fmt}") for h in expected)


def test_no_autodiscovery_on_error_pages(app, site):
    with app.test_request_context("/etappenziele/gibt-es-nicht"):
        app.preprocess_request()
        assert render_template_string(AUTODISCOVERY, code=404).strip() == ""


def test_feeds_page_query_count_does_not_grow_with_milestones(client, db, site, count_queries):
    def count() -> int:
        with count_queries() as counter:
            assert client.get("/feeds").status_code == 200
        return counter.count

    few = count()
    for n in range(10):
        make_milestone(f"Noch ein Ziel {n}", field=site["field"], department=site["department"])
    db.session.commit()
    assert count() == few


MARKUP = "<b>x</b><script>alert(1)</script> a<b & c"


@pytest.mark.parametrize("kind", ["updates", "field", "department", "milestone", "comments"])
def test_rss_text_elements_carry_no_markup(client, db, site, kind):
    """RSS readers may read titles and descriptions as HTML: a name or title's markup is stripped."""
    site["milestone"].title = f"Ziel {MARKUP}"
    site["field"].name = f"Feld {MARKUP}"
    site["department"].name = f"Amt {MARKUP}"
    site["first"].title = f"Meldung {MARKUP}"
    make_comment(site["milestone"], body="Noch eine Frage", author=make_user(display_name=f"Max {MARKUP}"))
    db.session.commit()
    channel = ElementTree.fromstring(client.get(f"{feed_urls(site)[kind]}.rss").data).find("channel")
    texts = [channel.findtext(name) for name in ("title", "description", "copyright")]
    texts += [item.findtext("title") for item in channel.iter("item")]
    assert any("x" in text for text in texts)
    for text in texts:
        assert "<" not in text and ">" not in text, text


def test_atom_titles_stay_text_as_typed(client, db, site):
    site["milestone"].title = f"Ziel {MARKUP}"
    db.session.commit()
    parsed = feedparser.parse(client.get(f"{feed_urls(site)['milestone']}.atom").data)
    assert parsed.feed.title_detail.type == "text/plain"
    assert MARKUP in parsed.feed.title
