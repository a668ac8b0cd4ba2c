"""The page cache: anonymous answers come from it, every kind of write shows on the next request,
pages that do not show a write stay cached, and nothing personal is ever stored.

Each test warms the cache with anonymous GETs, writes the way the product writes (the routes of
citizens, the services that staff forms call), and then checks the very next anonymous GET: the
pages showing the change are built anew and show it; the others still come from the cache.
"""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from app import progress
from app.admin_settings import services as settings_services
from app.auth.passwords import hash_password
from app.backend import catalog
from app.backend import services as backend
from app.backend.services import ProgressData
from app.citizens import services as citizens
from app.extensions import db as _db
from app.models import Comment, Milestone
from app.page_cache import tags as tagging
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from app.transfer import services as transfer
from app.moderation import answers
from app.moderation import decisions
from app.moderation import redaction
from tests.builders import make_admin, make_champion, make_citizen, make_department, make_editor, make_field
from tests.builders import make_milestone, make_moderator, make_update
from tests.builders.comments import make_comment
from tests.test_backend_services import data_of

# The page cache on, with tag versions in this process.
pytestmark = [pytest.mark.postgres, pytest.mark.app_config(PAGE_CACHE_ENABLED=True)]

PASSWORD = "ein langes Passwort 123"


class Visitor:
    """An anonymous visitor who can tell whether an answer came from the cache."""

    def __init__(self, app):
        self.client = app.test_client()
        self.cache = app.extensions["page_cache"]

    def hits(self) -> int:
        return self.cache.statistics()["hits"]

    def get(self, path: str, method: str = "GET", **kwargs):
        before = self.hits()
        response = self.client.open(path, method=method, **kwargs)
        response.hit = self.hits() > before
        return response

    def warm(self, *paths: str) -> dict[str, str]:
        """Fetch each page twice; the second answer must be a hit. Returns the pages' texts."""
        texts = {}
        for path in paths:
            first = self.get(path)
            assert first.status_code == 200, path
            second = self.get(path)
            assert second.hit, f"{path} was not served from the cache"
            assert second.data == first.data
            texts[path] = first.data.decode("utf-8", "replace")
        return texts


@pytest.fixture
def visitor(app):
    return Visitor(app)


@pytest.fixture
def town(db):
    """Two published milestones in two fields, an editor, an admin, a moderator, a citizen."""
    department = make_department(name="Bürgeramt")
    other_department = make_department(name="Schulamt")
    field_a, field_b = make_field(name="Service"), make_field(name="Bildung")
    a = make_milestone(title="Digitales Bürgerkonto", field=field_a, department=department,
                       contact_role="Leitung Bürgeramt")
    b = make_milestone(title="WLAN in Schulen", field=field_b, department=other_department)
    make_update(a, title="Erste Meldung A")
    make_update(b, title="Erste Meldung B")
    people = dict(
        editor=make_editor(department, display_name="Erika Editor"),
        admin=make_admin(display_name="Ada Admin"),
        moderator=make_moderator(display_name="Moritz Moderator"),
        citizen=make_citizen(display_name="Clara Citoyenne"),
        other=make_citizen(display_name="Otto Other"),
    )
    for person in people.values():
        person.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return dict(a=a, b=b, field_a=field_a, field_b=field_b, department=department, **people)


def page(milestone: Milestone) -> str:
    return f"/etappenziele/{milestone.slug}"


def commit():
    _db.session.commit()


def fresh(model, ident):
    _db.session.expire_all()
    return _db.session.get(model, ident)


# --- hits, and what a hit sends ----------------------------------------------------------------


PUBLIC_PATHS = ["/", "/en/", "/etappenziele", "/en/etappenziele", "/feeds/fortschritt.atom",
                "/feeds/fortschritt.rss", "/api/v1/milestones", "/api/v1/milestones?page=1", "/sitemap.xml",
                "/theme.css", "/einbetten/etappenziele", "/kalender/etappenziele.ics", "/api/v1/milestones.csv",
                "/zeitplan", "/en/zeitplan", "/organisationseinheiten", "/helden-der-digitalisierung", "/robots.txt",
                "/impressum", "/en/datenschutz", "/feeds"]


def test_anonymous_pages_feeds_api_and_widgets_are_served_from_the_cache(app, visitor, town):
    paths = [*PUBLIC_PATHS, page(town["a"]), f"/en{page(town['a'])}", f"/einbetten/etappenziel/{town['a'].slug}",
             f"/handlungsfelder/{town['field_a'].slug}"]
    visitor.warm(*paths)


def test_a_hit_sends_the_same_headers_as_the_miss(app, visitor, town):
    for path in ("/", page(town["a"]), "/feeds/fortschritt.atom", f"/einbetten/etappenziel/{town['a'].slug}",
                 "/api/v1/milestones"):
        miss = visitor.get(path)
        hit = visitor.get(path)
        assert hit.hit and not miss.hit
        assert sorted(hit.headers.items()) == sorted(miss.headers.items()), path
        assert "Content-Security-Policy" in hit.headers


@pytest.mark.app_config(EMBED_ALLOWED_ORIGINS=["https://www.musterstadt.de"])
def test_widget_hits_keep_their_frame_ancestors(visitor, town):
    path = f"/einbetten/etappenziel/{town['a'].slug}"
    miss = visitor.get(path)
    hit = visitor.get(path)
    assert hit.hit
    assert "frame-ancestors 'self' https://www.musterstadt.de" in hit.headers["Content-Security-Policy"]
    assert hit.headers["Content-Security-Policy"] == miss.headers["Content-Security-Policy"]


def test_etag_and_last_modified_answer_304_from_the_cache(app, visitor, town):
    full = visitor.get("/")
    etag = full.headers["ETag"]
    again = visitor.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.hit and again.data == b""
    assert again.headers["ETag"] == etag
    feed = visitor.get("/feeds/fortschritt.atom")
    conditional = {"If-None-Match": feed.headers["ETag"], "If-Modified-Since": feed.headers["Last-Modified"]}
    cached = visitor.get("/feeds/fortschritt.atom", headers=conditional)
    assert cached.status_code == 304 and cached.hit


def test_a_conditional_first_request_is_stored_and_answered_304(app, visitor, town):
    etag = visitor.client.get("/etappenziele").headers["ETag"]
    visitor.cache.clear()
    first = visitor.get("/etappenziele", headers={"If-None-Match": etag})
    assert first.status_code == 304 and not first.hit
    assert visitor.get("/etappenziele").hit


def test_head_is_answered_from_a_stored_get(app, visitor, town):
    visitor.warm("/")
    head = visitor.get("/", method="HEAD")
    assert head.hit and head.status_code == 200 and head.data == b""


# --- what is never stored ----------------------------------------------------------------------


def test_signed_in_answers_are_neither_stored_nor_served_from_the_cache(auth, app, visitor, town):
    texts = visitor.warm("/", page(town["a"]))
    for role in ("citizen", "editor", "admin", "moderator"):
        client = app.test_client()
        auth.sign_in(town[role], client=client)
        before = visitor.hits()
        for path in ("/", page(town["a"]), "/etappenziele"):
            response = client.get(path)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "private, no-store"
        assert visitor.hits() == before, f"a {role}'s request was served from the cache"
        assert town[role].display_name in client.get(page(town["a"])).get_data(as_text=True) or role == "citizen"
    # The anonymous copies were not replaced by a signed-in page.
    assert visitor.get("/").get_data(as_text=True) == texts["/"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_answers_that_set_a_cookie_or_carry_a_form_token_are_not_stored(visitor, town):
    stored_before = visitor.cache.statistics()["stored"]
    # Anonymous forms carry a CSRF token and start a session.
    for path in ("/konto/anmelden", "/konto/registrieren", f"/abonnieren?etappenziel={town['a'].slug}"):
        response = visitor.client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" in response.headers
        assert response.headers["Cache-Control"] == "private, no-store"
        visitor.client.delete_cookie("session")
    assert visitor.cache.statistics()["stored"] == stored_before


def test_no_stored_entry_ever_has_a_set_cookie_or_a_private_header(auth, app, visitor, town):
    client = app.test_client()
    auth.sign_in(town["citizen"], client=client)
    for path in [*PUBLIC_PATHS, page(town["a"]), "/konto/anmelden", "/transparenz"]:
        visitor.client.get(path)
        client.get(path)
    entries = list(visitor.cache.pages._pages.values())
    assert entries
    for entry in entries:
        names = {name.lower(): value for name, value in entry.headers}
        assert "set-cookie" not in names
        assert "private" not in names.get("cache-control", "")
        assert b"csrf_token" not in entry.body
        assert b"Clara Citoyenne" not in entry.body


@pytest.mark.parametrize("query", ["utm_source=zeitung", "page=abc", "status=gibt-es-nicht", "sort=zufall", "x=1&page=2"])
def test_unknown_or_invalid_parameters_are_not_stored(app, visitor, town, query):
    stored = visitor.cache.statistics()["stored"]
    assert visitor.client.get(f"/etappenziele?{query}").status_code == 200
    assert visitor.cache.statistics()["stored"] == stored
    assert not visitor.get(f"/etappenziele?{query}").hit


def test_known_parameters_are_stored_in_any_order(app, visitor, town):
    visitor.warm(f"/etappenziele?status=in_progress&field={town['field_a'].slug}")
    assert visitor.get(f"/etappenziele?field={town['field_a'].slug}&status=in_progress").hit


def test_not_found_and_redirects_are_not_stored(app, visitor, town):
    stored = visitor.cache.statistics()["stored"]
    assert visitor.client.get("/etappenziele/gibt-es-nicht").status_code == 404
    assert visitor.client.get("/en").status_code in (301, 308)
    assert visitor.cache.statistics()["stored"] == stored


@pytest.mark.app_config(PROXY_FIX_COUNT=1, BASE_URL="https://etappen.musterstadt.de")
def test_a_forged_host_or_forwarded_host_is_never_stored(visitor, town):
    for headers in ({"Host": "boese.example"}, {"Host": "etappen.musterstadt.de", "X-Forwarded-Host": "boese.example"}):
        for path in ("/", "/feeds/fortschritt.atom", "/api/v1/milestones", "/sitemap.xml"):
            response = visitor.client.get(path, headers=headers)
            assert response.status_code == 200
            assert b"boese.example" not in response.data
    assert visitor.cache.statistics()["stored"] == 0
    # The real host is stored, and its absolute links come from BASE_URL.
    real = {"Host": "etappen.musterstadt.de", "X-Forwarded-Proto": "https"}
    visitor.client.get("/feeds/fortschritt.atom", headers=real)
    assert visitor.get("/feeds/fortschritt.atom", headers=real).hit
    # Another host is never answered from the cache (Flask checks it against TRUSTED_HOSTS).
    served = visitor.get("/feeds/fortschritt.atom", headers={"Host": "boese.example"})
    assert not served.hit and b"https://etappen.musterstadt.de/" in served.data and b"boese.example" not in served.data


@pytest.mark.app_config(PAGE_CACHE_ENABLED=False)
def test_the_cache_can_be_switched_off(app, town):
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert app.extensions["page_cache"].statistics()["hits"] == 0
    assert app.extensions["page_cache"].middleware is None


# --- every kind of write shows on the next request, and only where it shows ----------------------


def test_a_vote_changes_its_milestone_and_the_lists_but_not_other_milestones(auth, app, visitor, town):
    a, b = town["a"], town["b"]
    visitor.warm(page(a), page(b), f"/einbetten/etappenziel/{b.slug}")
    citizen = app.test_client()
    auth.sign_in(town["citizen"], client=citizen)
    assert citizen.post(f"{page(a)}/unterstuetzen").status_code == 303
    changed = visitor.get(page(a))
    assert not changed.hit
    assert fresh(Milestone, a.id).support_count == 1
    assert visitor.get(page(b)).hit
    assert visitor.get(f"/einbetten/etappenziel/{b.slug}").hit
    assert visitor.get(page(a)).hit


def test_a_comment_and_a_reply_show_on_the_next_request(auth, app, visitor, town):
    a, b = town["a"], town["b"]
    visitor.warm(page(a), page(b), f"/feeds/etappenziele/{a.slug}/kommentare.atom")
    citizen = app.test_client()
    auth.sign_in(town["citizen"], client=citizen)
    posted = citizen.post(f"{page(a)}/kommentieren",
                          data={"body": "Wann kommt die App?", "website": "", "form_started": new_form_stamp()})
    assert posted.status_code == 303
    shown = visitor.get(page(a))
    assert not shown.hit and "Wann kommt die App?" in shown.get_data(as_text=True)
    assert "Wann kommt die App?" in visitor.get(f"/feeds/etappenziele/{a.slug}/kommentare.atom").get_data(as_text=True)
    assert visitor.get(page(b)).hit
    comment = _db.session.scalar(select(Comment).where(Comment.body == "Wann kommt die App?"))
    other = app.test_client()
    auth.sign_in(town["other"], client=other)
    assert other.post(f"/kommentare/{comment.id}/antworten",
                      data={"body": "Das frage ich mich auch.", "form_started": new_form_stamp()}).status_code == 303
    assert "Das frage ich mich auch." in visitor.get(page(a)).get_data(as_text=True)
    assert visitor.get(page(b)).hit


def test_an_official_answer_a_decision_and_a_redaction_show_at_once(app, visitor, town):
    a, b = town["a"], town["b"]
    question = make_comment(a, town["citizen"], "Frage mit Schimpfwort Blödmann drin.")
    commit()
    visitor.warm(page(a), page(b))
    answers.answer(town["admin"], question.id, "Die Verwaltung antwortet.")
    assert "Die Verwaltung antwortet." in visitor.get(page(a)).get_data(as_text=True)
    question = fresh(Comment, question.id)
    redaction.redact(town["moderator"], question.id, question.version, ["Blödmann"], "Beleidigung")
    text = visitor.get(page(a)).get_data(as_text=True)
    assert "Blödmann" not in text
    question = fresh(Comment, question.id)
    decisions.decide(town["moderator"], question.id, question.version, "hide", reason_text="Beleidigend")
    assert "Frage mit Schimpfwort" not in visitor.get(page(a)).get_data(as_text=True)
    assert visitor.get(page(b)).hit


def test_auto_hide_after_flags_and_a_rating_show_at_once(auth, app, visitor, town):
    a = town["a"]
    set_setting("auto_hide_flags", 1)
    commit()
    comment = make_comment(a, town["citizen"], "Ein Kommentar, der gemeldet wird.")
    commit()
    visitor.warm(page(a))
    rater = app.test_client()
    auth.sign_in(town["other"], client=rater)
    assert rater.post(f"/kommentare/{comment.id}/bewerten", data={"rating": "helpful"}).status_code == 303
    rated = visitor.get(page(a))
    assert not rated.hit
    assert fresh(Comment, comment.id).helpful_count == 1
    assert rater.post(f"/kommentare/{comment.id}/melden", data={"reason": "insult", "website": "", "form_started": new_form_stamp()}).status_code == 303
    assert fresh(Comment, comment.id).status == "held"
    assert "Ein Kommentar, der gemeldet wird." not in visitor.get(page(a)).get_data(as_text=True)


def test_progress_update_and_replanning_show_on_pages_feeds_and_api(app, visitor, town):
    a, b = town["a"], town["b"]
    visitor.warm("/", page(a), page(b), "/feeds/fortschritt.atom", f"/api/v1/milestones/{a.id}", "/etappenziele")
    backend.report_progress(town["editor"], fresh(Milestone, a.id), ProgressData(
        title="Neue Meldung zum Konto", reported_on=a.target_date - timedelta(days=300),
        author_role="Leitung Bürgeramt", body="Die App ist im Test.", new_progress=40,
    ))
    commit()
    for path in ("/", page(a), "/feeds/fortschritt.atom"):
        response = visitor.get(path)
        assert not response.hit and "Neue Meldung zum Konto" in response.get_data(as_text=True), path
    assert '"progress": 40' in visitor.get(f"/api/v1/milestones/{a.id}").get_data(as_text=True).replace('"progress":40', '"progress": 40')
    assert visitor.get(page(b)).hit
    new_date = a.target_date + timedelta(days=100)
    backend.report_progress(town["editor"], fresh(Milestone, a.id), ProgressData(
        title="Neu geplant", reported_on=new_date - timedelta(days=400), author_role="Leitung Bürgeramt",
        new_target_date=new_date, reason="Lieferverzug",
    ))
    commit()
    assert "Lieferverzug" in visitor.get(page(a)).get_data(as_text=True)
    assert visitor.get(page(b)).hit


def test_milestone_field_department_and_champion_edits_show_where_they_are_shown(app, visitor, town):
    a, b = town["a"], town["b"]
    champion = make_champion(name="Petra Pate")
    fresh(Milestone, a.id).champions.append(champion)
    commit()
    field_page = f"/handlungsfelder/{town['field_a'].slug}"
    visitor.warm(page(a), page(b), "/etappenziele", field_page, "/organisationseinheiten")
    milestone = fresh(Milestone, a.id)
    backend.update_milestone(town["admin"], milestone, data_of(milestone, title="Bürgerkonto 2.0"))
    commit()
    assert "Bürgerkonto 2.0" in visitor.get(page(a)).get_data(as_text=True)
    assert "Bürgerkonto 2.0" in visitor.get("/etappenziele").get_data(as_text=True)
    assert visitor.get(page(b)).hit
    catalog.save_field(town["admin"], town["field_a"], "Service und Bürgerdienste", town["field_a"].slug, "", 1)
    commit()
    assert "Service und Bürgerdienste" in visitor.get(field_page).get_data(as_text=True)
    assert "Service und Bürgerdienste" in visitor.get(page(a)).get_data(as_text=True)
    department = town["department"]
    catalog.save_department(town["admin"], department, "Bürgeramt Mitte", department.slug, "")
    commit()
    assert "Bürgeramt Mitte" in visitor.get("/organisationseinheiten").get_data(as_text=True)
    assert "Bürgeramt Mitte" in visitor.get(page(a)).get_data(as_text=True)
    champion = fresh(type(champion), champion.id)
    champion.name = "Petra Patin"
    commit()
    assert "Petra Patin" in visitor.get(page(a)).get_data(as_text=True)


def test_a_slug_rename_redirects_the_old_address_at_once(app, visitor, town):
    a = town["a"]
    old = page(a)
    visitor.warm(old)
    milestone = fresh(Milestone, a.id)
    backend.update_milestone(town["admin"], milestone, data_of(milestone, slug="buergerkonto-neu"))
    commit()
    moved = visitor.get(old)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/etappenziele/buergerkonto-neu")
    assert visitor.get("/etappenziele/buergerkonto-neu").status_code == 200


def test_settings_theme_logo_and_text_pages_show_at_once(app, visitor, town):
    visitor.warm("/", "/theme.css", "/impressum", page(town["a"]))
    current = settings_services.current_settings()
    settings_services.update_settings(town["admin"], replace(current, municipality_name="Beispielhausen",
                                                              primary_color="#1c4f8a"))
    commit()
    assert "Beispielhausen" in visitor.get("/").get_data(as_text=True)
    assert "Beispielhausen" in visitor.get(page(town["a"])).get_data(as_text=True)
    assert "#1c4f8a" in visitor.get("/theme.css").get_data(as_text=True)
    logos = []
    for colour in ((26, 95, 180), (165, 29, 45)):
        png = io.BytesIO()
        Image.new("RGB", (320, 100), colour).save(png, "PNG")
        logos.append(png.getvalue())
    settings_services.set_logo(town["admin"], logos[0])
    commit()
    visitor.warm("/logo")
    settings_services.set_logo(town["admin"], logos[1])
    commit()
    served = Image.open(io.BytesIO(visitor.get("/logo").data)).convert("RGB")
    assert served.getpixel((5, 5)) == (165, 29, 45)
    settings_services.save_page(town["admin"], "impressum", settings_services.PageText(
        title_de="Impressum", body_de="Herausgeberin ist die Stadt Beispielhausen, Rathausplatz 1."))
    commit()
    assert "Rathausplatz 1" in visitor.get("/impressum").get_data(as_text=True)


def test_embedding_origins_from_the_settings_reach_cached_widgets_at_once(app, visitor, town):
    widget = f"/einbetten/etappenziel/{town['a'].slug}"
    visitor.warm(widget)
    assert "https://www.beispiel.de" not in visitor.get(widget).headers["Content-Security-Policy"]
    current = settings_services.current_settings()
    settings_services.update_settings(town["admin"], replace(current, embed_allowed_origins=["https://www.beispiel.de"]))
    commit()
    assert "frame-ancestors 'self' https://www.beispiel.de" in visitor.get(widget).headers["Content-Security-Policy"]


def test_a_csv_import_shows_on_the_lists(app, visitor, town):
    visitor.warm("/etappenziele", "/")
    exported = transfer.export_csv(town["admin"], "de").decode("utf-8-sig")
    changed = exported.replace("WLAN in Schulen", "Glasfaser für alle Schulen")
    report = transfer.run_import(town["admin"], changed.encode("utf-8-sig"), "de", apply=True)
    commit()
    assert not getattr(report, "errors", None), report
    assert "Glasfaser für alle Schulen" in visitor.get("/etappenziele").get_data(as_text=True)


def test_account_deletion_shows_on_the_pages_with_the_authors_comments(app, visitor, town):
    a, b = town["a"], town["b"]
    make_comment(a, town["citizen"], "Mein Beitrag, bald ohne Namen.")
    commit()
    visitor.warm(page(a), page(b))
    assert "Clara Citoyenne" in visitor.get(page(a)).get_data(as_text=True)
    citizens.delete_account(fresh(type(town["citizen"]), town["citizen"].id), PASSWORD, remove_comments=True)
    commit()
    text = visitor.get(page(a)).get_data(as_text=True)
    assert "Clara Citoyenne" not in text and "Mein Beitrag, bald ohne Namen." not in text


def test_the_municipal_day_passing_midnight_changes_overdue_pages(app, visitor, town, monkeypatch):
    a = fresh(Milestone, town["a"].id)
    visitor.warm(page(a), "/")
    assert "überfällig" not in visitor.get(page(a)).get_data(as_text=True).lower()
    tomorrow_of_target = a.target_date + timedelta(days=1)
    monkeypatch.setattr(progress, "today", lambda: tomorrow_of_target)
    late = visitor.get(page(a))
    assert not late.hit
    assert "überfällig" in late.get_data(as_text=True).lower()


def test_entries_expire_at_municipal_midnight(app, visitor, town):
    visitor.warm("/")
    entry = next(iter(visitor.cache.pages._pages.values()))
    expires = datetime.fromtimestamp(entry.expires, ZoneInfo("Europe/Berlin"))
    assert (expires.hour, expires.minute, expires.second) == (0, 0, 0)
    assert expires - datetime.now(ZoneInfo("Europe/Berlin")) <= timedelta(days=1)


def test_flask_cache_clear_empties_the_cache(app, visitor, town):
    visitor.warm("/", page(town["a"]))
    result = app.test_cli_runner().invoke(args=["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert not visitor.get("/").hit
    stats = app.test_cli_runner().invoke(args=["cache", "stats"])
    assert stats.exit_code == 0 and "Treffer" in stats.output


def test_the_admin_dashboard_shows_the_hit_rate_and_size(auth, app, visitor, town):
    visitor.warm("/", page(town["a"]))
    admin = app.test_client()
    auth.sign_in(town["admin"], client=admin)
    text = admin.get("/verwaltung").get_data(as_text=True)
    assert "Seiten-Cache" in text and "Trefferquote" in text
    assert re.search(r"50\s*%", text), "two hits of four answers are 50 %"
    editor = app.test_client()
    auth.sign_in(town["editor"], client=editor)
    assert "Seiten-Cache" not in editor.get("/verwaltung").get_data(as_text=True)


def test_a_write_during_rendering_does_not_store_the_old_state(app, visitor, town, monkeypatch):
    """A page built while another request commits a change may show the old state: not stored."""
    a = town["a"]
    cache = visitor.cache
    original = cache.tags.versions

    def bump_while_rendering(tags):
        cache.tags.versions = original
        cache.invalidate({"milestone:999"})
        return original(tags)

    cache.tags.versions = bump_while_rendering
    visitor.client.get(page(a))
    cache.tags.versions = original
    assert cache.statistics()["stored"] == 0
    assert not visitor.get(page(a)).hit


def test_tags_of_reads_follow_keys_foreign_keys_and_counters(app, town):
    """The read side: a page carries row tags, scoped tags and counter tags, not whole tables."""
    collector = tagging.Collector()
    token = tagging.collector.set(collector)
    try:
        _db.session.expire_all()
        _db.session.get(Milestone, town["a"].id)
        list(_db.session.scalars(select(Comment).where(Comment.milestone_id == town["a"].id)))
        _db.session.execute(select(Milestone.id).order_by(Milestone.support_count.desc())).all()
    finally:
        tagging.collector.reset(token)
    tags = set(collector.all_tags())
    assert f"milestone:{town['a'].id}" in tags
    assert f"comment.milestone_id={town['a'].id}" in tags
    assert "comment*" not in tags
    assert "milestone*support_count" in tags and "milestone*" in tags


def _crawl(client, start: list[str], limit: int = 120) -> dict[str, object]:
    """Every same-site page reachable by links from `start` (no logout, no downloads of files)."""
    seen: dict[str, object] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.mimetype != "text/html":
            continue
        for link in re.findall(r'href="(/[^"#]*)"', response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            if "abmelden" in link or link.startswith("/static/") or link in seen:
                continue
            queue.append(link)
    return seen


@pytest.mark.parametrize("role", ["citizen", "editor", "admin"])
def test_a_crawl_as_a_signed_in_user_is_never_stored_nor_served_from_the_cache(auth, app, visitor, town, role):
    make_comment(town["a"], town["other"], "Ein öffentlicher Kommentar.")
    commit()
    anonymous = _crawl(visitor.client, ["/", "/en/", "/feeds", "/sitemap.xml"], limit=60)
    assert len(anonymous) > 30
    before = visitor.cache.statistics()
    entries_before = len(visitor.cache.pages._pages)
    client = app.test_client()
    auth.sign_in(town[role], client=client)
    crawled = _crawl(client, ["/", "/en/", *anonymous], limit=150)
    after = visitor.cache.statistics()
    assert after["hits"] == before["hits"], "a signed-in request was answered from the cache"
    assert after["stored"] == before["stored"] and len(visitor.cache.pages._pages) == entries_before
    for path, response in crawled.items():
        if response.status_code == 200 and response.mimetype == "text/html":
            assert response.headers.get("Cache-Control") == "private, no-store", path


@pytest.mark.app_config(LOG_REQUESTS=True)
def test_hits_and_misses_are_marked_in_the_request_log(app, town, caplog):
    client = app.test_client()
    with caplog.at_level("INFO", logger="etappen.request"):
        client.get(page(town["a"]))
        client.get(page(town["a"]))
    marks = [(record.fields["rule"], record.fields.get("cache")) for record in caplog.records
             if record.name == "etappen.request"]
    assert marks == [("/etappenziele/<slug>", "miss"), ("/etappenziele/<slug>", "hit")]


def test_a_subscription_shows_nowhere_public_and_leaves_every_page_cached(app, visitor, town):
    """Subscriptions are private (no count, no list): subscribing bumps only their own tags."""
    a = town["a"]
    paths = ["/", page(a), "/etappenziele", "/feeds/fortschritt.atom"]
    texts = visitor.warm(*paths)
    posted = visitor.client.post(f"/abonnieren?etappenziel={a.slug}", data={
        "email": "leser@example.org", "website": "", "form_started": new_form_stamp()})
    assert posted.status_code == 303
    visitor.client.delete_cookie("session")
    for path in paths:
        response = visitor.get(path)
        assert response.hit, path
        assert response.data.decode() == texts[path]


@pytest.mark.app_config(PAGE_CACHE_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_redis_serves_pages_and_keeps_writes(app, town):
    """Redis down: anonymous pages are rendered as without a cache, and writes still commit."""
    client = app.test_client()
    assert client.get(page(town["a"])).status_code == 200
    milestone = fresh(Milestone, town["a"].id)
    milestone.title = "Ohne Redis geändert"
    commit()  # the tags cannot be bumped: logged, the commit stands
    assert "Ohne Redis geändert" in client.get(page(town["a"])).get_data(as_text=True)


def test_writes_to_rows_whose_foreign_keys_are_not_loaded_invalidate_every_reader(app, town):
    """An expired row changed in a new transaction: its scope is unknown, so the table's tag goes."""
    comment = make_comment(town["a"], town["citizen"], "Wird verborgen.")
    commit()
    comment = fresh(Comment, comment.id)
    _db.session.expire(comment, ["milestone_id"])
    seen: list[set] = []
    tagging._on_commit.insert(0, seen.append)
    try:
        comment.status = "hidden"
        commit()
    finally:
        tagging._on_commit.pop(0)
    assert "comment" in seen[0] and f"comment:{comment.id}" in seen[0]
