"""Widgets for iframes: framing allowed only for the configured origins, new-window links, snippets."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g, get_template_attribute, render_template_string

from app.backend import services
from app.embed.framing import frame_ancestors, parse_origins
from app.extensions import db as _db
from app.models import Milestone, Role
from app.progress import today
from tests.builders import make_department, make_field, make_milestone, make_update, make_user
from tests.builders.backend import milestone_data
from tests.helpers.pages import heading

def csp_directives(header: str) -> dict[str, list[str]]:
    return {words[0].lower(): words[1:] for words in (part.split() for part in header.split(";")) if words}


ALLOWED = ["https://www.musterstadt.de", "http://localhost:8080/"]


@pytest.fixture
def site(app, db):
    app.config["EMBED_ALLOWED_ORIGINS"] = ALLOWED
    field = make_field("Bürgerservice online", slug="buergerservice")
    department = make_department("Bürgeramt", slug="buergeramt")
    milestone = make_milestone("Bürgerkonto", slug="buergerkonto", field=field, department=department, progress=40)
    make_update(milestone)
    appointments = make_milestone("Terminbuchung", slug="termine", field=field, status="planned")
    make_milestone("Terminbuchung per App", slug="termine-app", field=field, status="planned", parent=appointments)
    make_milestone("Pilot im Bürgeramt", slug="pilot", field=field, parent=milestone, progress=80)
    db.session.commit()
    return {"field": field, "milestone": milestone}


WIDGETS = ["/einbetten/handlungsfeld/buergerservice", "/einbetten/etappenziele?status=planned",
           "/einbetten/etappenziel/buergerkonto"]


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("url", WIDGETS)
def test_widgets_may_be_framed_by_the_configured_origins(client, site, url, prefix):
    response = client.get(prefix + url)
    assert response.status_code == 200
    directives = csp_directives(response.headers["Content-Security-Policy"])
    assert directives["frame-ancestors"] == ["'self'", "https://www.musterstadt.de", "http://localhost:8080"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/", "/etappenziele/buergerkonto", "/feeds", "/verwaltung/einbetten",
                                 "/einbetten/etappenziel/gibt-es-nicht"])
def test_every_other_page_stays_self_only(client, site, url):
    response = client.get(url)
    frame = csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"]
    if url.endswith("gibt-es-nicht"):
        assert response.status_code == 404
    else:
        assert frame == ["'self'"], url


def test_widgets_have_no_site_chrome_and_open_links_in_a_new_window(client, site):
    html = client.get("/einbetten/etappenziele").get_data(as_text=True)
    assert "main-nav" not in html and "site-header" not in html and "Anmelden" not in html
    assert html.count("<h1") == 1
    links = re.findall(r"<a [^>]*>.*?</a>", html, re.S)
    portal_links = [link for link in links if 'target="_blank"' in link]
    assert len(portal_links) >= 3
    for link in portal_links:
        assert 'rel="noopener"' in link
        assert "(öffnet neues Fenster)" in link
    assert 'href="/theme.css' in html or "theme.css?v=" in html


def test_list_widget_uses_the_public_filters(client, site):
    html = client.get("/einbetten/etappenziele?status=planned").get_data(as_text=True)
    assert "Terminbuchung" in html and "Bürgerkonto" not in html
    bad = client.get("/einbetten/etappenziele?status=unbekannt&page=abc")
    assert bad.status_code == 200 and "Den gewählten Status gibt es nicht" in bad.get_data(as_text=True)


def test_renamed_milestone_widget_redirects_and_unknown_ones_are_404(client, db, site):
    admin = make_user(roles=(Role.ADMIN,))
    services.update_milestone(admin, site["milestone"], milestone_data(site["milestone"], slug="konto"))
    db.session.commit()
    moved = client.get("/en/einbetten/etappenziel/buergerkonto")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/en/einbetten/etappenziel/konto")
    assert client.get("/einbetten/handlungsfeld/gibt-es-nicht").status_code == 404
    assert heading(client.get(moved.headers["Location"])) == site["milestone"].title


@pytest.mark.parametrize(("configured", "expected", "ignored"), [
    ([], "'self'", ()),
    (["https://a.example", "https://a.example/"], "'self' https://a.example", ()),
    (["HTTPS://B.Example:8443"], "'self' https://b.example:8443", ()),
    (["*", "https://x.example; script-src *", "javascript:alert(1)", "https://ok.example/pfad"],
     "'self'", ("*", "https://x.example; script-src *", "javascript:alert(1)", "https://ok.example/pfad")),
])
def test_only_well_formed_origins_reach_the_policy(configured, expected, ignored):
    assert frame_ancestors(configured) == expected
    assert parse_origins(configured).ignored == ignored


@pytest.mark.parametrize(("roles", "status"), [
    (None, 302), ((Role.CITIZEN,), 403), ((Role.EDITOR,), 403), ((Role.MODERATOR,), 403), ((Role.ADMIN,), 200),
])
def test_snippet_page_is_for_admins_only(auth, client, db, site, roles, status):
    if roles is not None:
        user = make_user(roles=roles)
        db.session.commit()
        auth.sign_in(user)
    assert client.get("/verwaltung/einbetten").status_code == status
    seen = client.get("/verwaltung/einbetten", follow_redirects=True)
    assert heading(seen) == {200: "Einbetten", 302: "Anmelden", 403: "Keine Berechtigung"}[status]


def test_snippet_page_offers_an_iframe_with_a_title_for_each_widget_kind(auth, app, client, db, site):
    app.config["BASE_URL"] = "https://portal.musterstadt.de"
    admin = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    auth.sign_in(admin)
    html = client.get("/verwaltung/einbetten?status=planned&milestone=buergerkonto").get_data(as_text=True)
    snippets = re.findall(r"&lt;iframe (.*?)&gt;&lt;/iframe&gt;", html)
    sources = [re.search(r'src=&#34;(.*?)&#34;', s).group(1) for s in snippets]
    assert sources == [
        "https://portal.musterstadt.de/einbetten/handlungsfeld/buergerservice",
        "https://portal.musterstadt.de/einbetten/etappenziele?status=planned",
        "https://portal.musterstadt.de/einbetten/etappenziel/buergerkonto",
    ]
    for snippet in snippets:
        assert re.search(r"title=&#34;[^&]+", snippet), snippet
    assert "https://www.musterstadt.de" in html and "http://localhost:8080" in html
    english = client.get("/en/verwaltung/einbetten").get_data(as_text=True)
    assert "https://portal.musterstadt.de/en/einbetten/handlungsfeld/buergerservice" in english


@pytest.mark.parametrize("url", WIDGETS)
def test_widget_query_count_does_not_grow_with_milestones(client, db, site, count_queries, url):
    def count() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = count()
    for n in range(10):
        parent = make_milestone(f"Noch ein Ziel {n}", field=site["field"], status="planned")
        make_milestone(f"Teilziel {n}", field=site["field"], parent=parent, status="planned")
        make_update(parent)
    db.session.commit()
    assert count() == few


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_widget_items_show_what_the_shared_macros_show(app, client, db, prefix):
    """milestone_item writes portal_link and the public macros out (speed); the markup stays theirs."""
    overdue = make_milestone("Überfällig & neu geplant", progress=75, target_date=today() - timedelta(days=3),
                             original_target_date=today() - timedelta(days=30))
    undated = make_milestone("Ohne Termin", status="on_hold", progress=5, target_date=None)
    _db.session.commit()
    html = client.get(f"{prefix}/einbetten/etappenziele").get_data(as_text=True)
    with app.test_request_context(f"{prefix}/einbetten/etappenziele"):
        g.lang = "en" if prefix else "de"
        macros = {name: get_template_attribute("public/_macros.html", name)
                  for name in ("status_badges", "progress_bar", "target_date")}
        for milestone in (_db.session.get(Milestone, overdue.id), _db.session.get(Milestone, undated.id)):
            link = render_template_string(
                '{% from "embed/_macros.html" import portal_link %}'
                '{% call portal_link(url_for("public.milestone", slug=m.slug), german=True) %}{{ m.title }}{% endcall %}',
                m=milestone,
            )
            for shown in (link, macros["status_badges"](milestone),
                          macros["progress_bar"](milestone.effective_progress), macros["target_date"](milestone)):
                assert str(shown) in html
    assert "badge-overdue" in html and 'class="replanned"' in html
