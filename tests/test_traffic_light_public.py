"""The traffic light and its internal notes never reach the public (issue 15).

Lights are set on every milestone (published, unpublished, sub-milestone) with a unique marker in
each note. Then an anonymous visitor crawls everything public, with the page cache on: every page
reachable by links from / and /en/, every feed of /feeds, the API (every list and each
milestone's detail), the CSV, the calendars, the sitemap, the widgets and EXTRA_PATHS. No answer
may hold the marker or a light's name, no SQL statement of the crawl may read the traffic light
tables, and no stored page-cache entry may hold them either.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from app.internal import services
from app.internal.services import LightData
from app.progress import today
from app.reporting import reports
from tests.builders import make_admin, make_champion, make_citizen, make_department, make_editor, make_field
from tests.builders import make_milestone, make_strategy, make_update
from tests.builders.comments import make_comment

pytestmark = [pytest.mark.postgres, pytest.mark.app_config(PAGE_CACHE_ENABLED=True)]

MARKER = "AMPELNOTIZ-q7Zx3-intern"
# A light's name in either language, its stored value, and the feature's name. None of them is a
# word the public pages use (the demo's texts aside, which this test does not load).
FORBIDDEN = (MARKER, "im Plan", "gefährdet", "kritisch", "on track", "at risk", "critical",
             "on_track", "at_risk", "Ampel", "traffic light", "traffic_light")

# Public addresses that links from / and /en/ may not reach: the feeds' index, machine-readable
# answers, widgets (embedded on other sites, never linked) and, once they exist, the published
# status reports of issue 15 (their pages, PDF texts and API resources). Add new ones here;
# "{a}" stands for the slug of a published milestone, "{field}" for a field's slug and "{id}"
# for the milestone's id.
EXTRA_PATHS = [
    "/feeds", "/en/feeds", "/sitemap.xml", "/robots.txt",
    "/kalender/etappenziele.ics", "/kalender/handlungsfelder/{field}.ics",
    "/api/v1/", "/api/v1/openapi.json", "/api/v1/strategy", "/api/v1/fields", "/api/v1/departments",
    "/api/v1/milestones", "/api/v1/milestones.csv", "/api/v1/progress-updates", "/api/v1/milestones/{id}",
    "/einbetten/etappenziele", "/en/einbetten/etappenziele", "/einbetten/etappenziel/{a}",
    "/en/einbetten/etappenziel/{a}", "/einbetten/handlungsfeld/{field}", "/en/einbetten/handlungsfeld/{field}",
    "/feeds/etappenziele/{a}.atom", "/feeds/etappenziele/{a}/kommentare.atom",
    "/feeds/handlungsfelder/{field}.atom",
    "/berichte", "/en/berichte", "/berichte/{report}", "/en/berichte/{report}", "/berichte.atom",
    "/api/v1/reports", "/api/v1/reports/{report}",
]
# The published report's PDFs: their extracted text is checked too.
REPORT_PDFS = ["/berichte/{report}/bericht.pdf", "/en/berichte/{report}/bericht.pdf"]
LIMIT = 600
TEXT_TYPES = ("text/", "application/json", "application/atom+xml", "application/xml", "application/rss+xml",
              "application/problem+json", "application/schema+json")
LINK = re.compile(r'(?:href|src)="([^"#]+)"|(?:"url"|"href"|"link"|"self"|"next"|"html_url"|"feed")\s*:\s*"([^"#]+)"'
                  r"|<loc>([^<]+)</loc>|^URL:(\S+)", re.MULTILINE)


@pytest.fixture
def town(app, db):
    """A small strategy; every milestone has a light whose note carries the marker."""
    make_strategy()
    buergeramt, it = make_department("Bürgeramt"), make_department("IT-Abteilung")
    online, schulen = make_field("Bürgerservice online"), make_field("Schulen")
    champion = make_champion(name="Erika Muster")
    portal = make_milestone("Bürgerportal", field=online, department=buergeramt,
                            target_date=today() - timedelta(days=10))
    portal.champions = [champion]
    termine = make_milestone("Terminbuchung", field=online, department=buergeramt, parent=portal)
    wlan = make_milestone("Schul-WLAN", field=schulen, department=it)
    draft = make_milestone("Entwurf intern", field=schulen, department=it, published=False)
    make_update(portal, title="Pilot läuft")
    make_update(wlan, title="Ausschreibung")
    citizen = make_citizen()
    make_comment(portal, citizen, "Wann kommt das Portal?")
    admin, editor = make_admin(), make_editor(it)
    for milestone, light, actor in ((portal, "critical", admin), (termine, "at_risk", admin),
                                    (wlan, "on_track", editor), (draft, "critical", editor)):
        services.set_light(actor, milestone, LightData("at_risk", f"Erste Einschätzung {MARKER}"))
        services.set_light(actor, milestone, LightData(light, f"{MARKER}: Risiko und Entscheidung für {milestone.title}"))
    db.session.commit()
    # A published status report: its internal version holds the lights, the public one must not.
    report = reports.issue_report(admin, today(), None)
    reports.set_published(admin, report, True)
    db.session.commit()
    return {"a": portal.slug, "field": online.slug, "id": portal.id, "admin": admin, "milestone": portal,
            "report": report.id}


def _links(body: str, base_url: str) -> list[str]:
    found = []
    for match in LINK.finditer(body):
        link = next(group for group in match.groups() if group).replace("&amp;", "&")
        if link.startswith(base_url):
            link = link[len(base_url):] or "/"
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not link.startswith("/"):
            continue
        found.append(link)
    return found


def crawl(client, start: list[str], base_url: str, limit: int = LIMIT) -> dict[str, tuple[int, str, str]]:
    """Breadth-first over same-site links in every text answer: path -> (status, mimetype, text)."""
    seen: dict[str, tuple[int, str, str]] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or "abmelden" in path or path.startswith("/static/"):
            continue
        response = client.get(path)
        is_text = response.mimetype.startswith(TEXT_TYPES) or response.mimetype.endswith(("+xml", "+json"))
        text = response.get_data(as_text=True) if is_text else ""
        seen[path] = (response.status_code, response.mimetype, text)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(response.headers["Location"].removeprefix(base_url))
        queue.extend(link for link in _links(text, base_url) if link not in seen)
    return seen


def leaks(text: str) -> list[str]:
    lowered = text.casefold()
    return [word for word in FORBIDDEN if word.casefold() in lowered]


def test_no_public_answer_or_cache_entry_shows_a_light_or_a_note(app, town, count_queries):
    base_url = app.config["BASE_URL"].rstrip("/")
    extra = [path.format(**town) for path in EXTRA_PATHS]
    client = app.test_client(use_cookies=False)  # anonymous throughout: pages with forms set a cookie
    with count_queries() as queries:
        first = crawl(client, ["/", "/en/", *extra], base_url)
        # Once more: now most answers come from the page cache.
        hits_before = app.extensions["page_cache"].statistics()["hits"]
        second = crawl(client, list(first), base_url, limit=len(first))
    assert app.extensions["page_cache"].statistics()["hits"] > hits_before

    # The crawl covered the public site: pages in both languages, feeds, API, CSV, calendar, sitemap.
    ok = {path for path, (status, _, _) in first.items() if status == 200}
    assert len(ok) > 60, sorted(ok)
    for must in ("/", "/en/", "/etappenziele", f"/etappenziele/{town['a']}", f"/en/etappenziele/{town['a']}",
                 "/feeds/fortschritt.atom", "/api/v1/milestones", f"/api/v1/milestones/{town['id']}",
                 "/api/v1/milestones.csv", "/kalender/etappenziele.ics", "/sitemap.xml", *extra):
        assert must in ok, f"{must} was not crawled with 200"
    kinds = {mimetype for status, mimetype, _ in first.values() if status == 200}
    assert {"text/html", "application/json", "application/atom+xml", "text/csv", "text/calendar"} <= kinds, kinds

    for answers in (first, second):
        for path, (_, _, text) in answers.items():
            assert leaks(text) == [], f"{path} shows {leaks(text)}"
    for path in (pdf.format(**town) for pdf in REPORT_PDFS):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf", path
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
        assert "Bürgerportal" in text and leaks(text) == [], f"{path} shows {leaks(text)}"
    read = [statement for statement in queries.statements if "traffic_light" in statement]
    assert read == [], "a public answer read the traffic light tables"

    entries = list(app.extensions["page_cache"].pages._pages.values())
    assert len(entries) > 30
    for entry in entries:
        assert leaks(entry.body.decode("utf-8", "replace")) == [], entry.rule
        assert not any(tag.startswith("traffic_light") for tag in entry.tags), entry.rule


def test_the_lights_are_there_for_staff(auth, app, town):
    """The same data shows in the backend, so the crawl above looks for something that exists."""
    client = app.test_client()
    auth.sign_in(town["admin"], client=client)
    page = client.get(f"/verwaltung/etappenziele/{town['id']}/ampel").get_data(as_text=True)
    assert MARKER in page and "kritisch" in page


def test_setting_a_light_leaves_every_public_page_cached(app, db, town):
    """No public answer depends on a light: setting one invalidates nothing public."""
    client = app.test_client(use_cookies=False)
    cache = app.extensions["page_cache"]
    paths = ["/", "/en/", f"/etappenziele/{town['a']}", "/etappenziele", "/api/v1/milestones", "/feeds/fortschritt.atom"]
    for path in paths:
        assert client.get(path).status_code == 200
    services.set_light(town["admin"], town["milestone"], LightData("on_track", "Wieder im Plan."))
    db.session.commit()
    for path in paths:
        hits = cache.statistics()["hits"]
        assert client.get(path).status_code == 200
        assert cache.statistics()["hits"] == hits + 1, f"{path} was built anew after a light was set"
