"""The comment rules page (issue 13, item 5): a text page the admins edit, in both languages,
linked wherever a comment is written, reported or removed."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import ContentPage
from app.settings import set_setting
from tests.builders import make_citizen, make_milestone
from tests.builders.comments import make_comment

RULES = 'href="/kommentarregeln"'
RULES_EN = 'href="/en/kommentarregeln"'


def text(response) -> str:
    return response.get_data(as_text=True)


def test_default_rules_in_german_and_english(client, db):
    german = text(client.get("/kommentarregeln"))
    assert "<h1>Kommentarregeln</h1>" in german
    assert "<h2>Was nicht erlaubt ist</h2>" in german
    assert "Beleidigungen, Drohungen, Hetze und Diskriminierung" in german
    assert "Einspruch" in german and 'href="/transparenz"' in german
    english = client.get("/en/kommentarregeln")
    assert english.status_code == 200
    page = text(english)
    assert "<h1>Comment rules</h1>" in page and "What is not allowed" in page
    assert "Insults, threats, hate speech and discrimination" in page
    assert "only available in German" not in page and 'lang="de"' not in page.split("<main", 1)[1].split("</main>")[0]
    assert 'href="/en/transparenz"' in page


def test_admins_edit_the_rules_in_both_languages(auth, client, db):
    auth.as_role("admin")
    index = text(client.get("/verwaltung/einstellungen"))
    assert 'href="/verwaltung/einstellungen/texte/kommentarregeln"' in index
    form = text(client.get("/verwaltung/einstellungen/texte/kommentarregeln"))
    assert "Was nicht erlaubt ist" in form  # the default as a starting point
    response = client.post("/verwaltung/einstellungen/texte/kommentarregeln", data={
        "title_de": "Regeln für Kommentare", "body_de": "## Bitte beachten\n\nKeine Beleidigungen.",
        "title_en": "Rules for comments", "body_en": "## Please note\n\nNo insults.",
    })
    assert response.status_code == 303
    assert _db.session.scalar(select(ContentPage).where(ContentPage.slug == "kommentarregeln"))
    assert "<h1>Regeln für Kommentare</h1>" in text(client.get("/kommentarregeln"))
    english = text(client.get("/en/kommentarregeln"))
    assert "<h1>Rules for comments</h1>" in english and "No insults." in english


@pytest.mark.parametrize("url, link, label", [
    ("/", RULES, "Kommentarregeln"),
    ("/en/", RULES_EN, "Comment rules"),
])
def test_footer_and_sitemap_list_the_rules(app, client, db, url, link, label):
    footer = text(client.get(url)).split('<footer class="site-footer">')[1]
    assert f"<a {link}>{label}</a>" in footer
    app.config["BASE_URL"] = "https://portal.musterstadt.de"
    root = ElementTree.fromstring(client.get("/sitemap.xml").data)
    locs = {node.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for node in root}
    assert {"https://portal.musterstadt.de/kommentarregeln", "https://portal.musterstadt.de/en/kommentarregeln"} <= locs


def test_comment_forms_flag_form_and_removed_comments_link_to_the_rules(auth, client, db):
    set_setting("guest_comments", True)
    milestone = make_milestone()
    question = make_comment(milestone, make_citizen(), "Wann?")
    make_comment(milestone, make_citizen(), "Weg damit", status="rejected", moderation_reason="Beleidigung")
    citizen = make_citizen()
    _db.session.commit()
    anonymous = text(client.get(f"/etappenziele/{milestone.slug}"))
    comments = anonymous[anonymous.index('id="kommentare"'):]
    assert f"<a {RULES}>Kommentarregeln</a>" in comments
    trace = comments.split('class="comment comment-trace"')[1]
    meta = trace[:trace.index("</p>")]
    assert f'<a href="/transparenz">Wie wir moderieren</a> · <a {RULES}>Kommentarregeln</a>' in meta
    assert RULES in text(client.get(f"/etappenziele/{milestone.slug}/gastkommentar"))
    auth.sign_in(citizen)
    for url in (f"/etappenziele/{milestone.slug}/kommentieren", f"/kommentare/{question.id}/antworten"):
        assert f"<a {RULES}>Kommentarregeln</a>" in text(client.get(url)), url
    flag = text(client.get(f"/kommentare/{question.id}/melden"))
    assert "gegen die Regeln" in flag and f"<a {RULES}>Die Kommentarregeln lesen</a>" in flag
    english = text(client.get(f"/en/kommentare/{question.id}/melden"))
    assert f"<a {RULES_EN}>Read the comment rules</a>" in english
