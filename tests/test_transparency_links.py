"""The transparency page is linked from the footer, the sitemap, moderation traces and the comment forms;
its removal count follows the last decision on each comment."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree

import pytest

from app.extensions import db as _db
from app.models import ModerationDecision
from app.moderation import transparency
from app.settings import set_setting
from app.moderation import decisions
from tests.builders import make_citizen, make_milestone, make_moderator
from tests.builders.comments import make_comment

NOW = datetime(2025, 6, 15, 12, 0)
LINK = 'href="/transparenz"'
LINK_EN = 'href="/en/transparenz"'


@pytest.mark.parametrize(("url", "link", "label"), [
    ("/", LINK, "Transparenzbericht zur Moderation"),
    ("/en/", LINK_EN, "Moderation transparency report"),
    ("/etappenziele", LINK, "Transparenzbericht zur Moderation"),
])
def test_footer_links_to_the_transparency_page(client, db, url, link, label):
    html = client.get(url).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">'):]
    assert f"<a {link}>{label}</a>" in footer


def test_sitemap_lists_the_transparency_page_in_both_languages(app, client, db):
    app.config["BASE_URL"] = "https://portal.musterstadt.de"
    root = ElementTree.fromstring(client.get("/sitemap.xml").data)
    locs = {url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for url in root}
    assert {"https://portal.musterstadt.de/transparenz", "https://portal.musterstadt.de/en/transparenz"} <= locs


def test_moderation_traces_link_to_the_transparency_page(client, db):
    milestone = make_milestone()
    for status in ("rejected", "hidden", "held", "spam", "deleted"):
        comment = make_comment(milestone, make_citizen(), f"Text {status}", status=status,
                               moderation_reason="Beleidigung" if status == "rejected" else "")
        if status == "spam":  # spam keeps a line only above a published reply
            make_comment(milestone, make_citizen(), "Eine Antwort", parent=comment)
    _db.session.commit()
    html = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    traces = html.split('class="comment comment-trace"')[1:]
    assert len(traces) == 5
    removed = [t for t in traces if "Von der Moderation entfernt" in t or "vorübergehend ausgeblendet" in t]
    assert len(removed) == 4
    for trace in removed:
        meta = trace[:trace.index("</p>")]
        assert f'· <a {LINK}>Wie wir moderieren</a>' in meta
    deleted = next(t for t in traces if "Kommentar gelöscht" in t)
    assert LINK not in deleted[:deleted.index("</p>")]
    english = client.get(f"/en/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert f'<a {LINK_EN}>How we moderate</a>' in english


def test_comment_area_and_forms_link_to_the_transparency_page(auth, client, db):
    set_setting("guest_comments", True)
    milestone = make_milestone()
    question = make_comment(milestone, make_citizen(), "Wann?")
    citizen = make_citizen()
    _db.session.commit()
    rules = "Wie wir Kommentare moderieren: Regeln und Zahlen im Transparenzbericht"
    anonymous = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    comments = anonymous[anonymous.index('id="kommentare"'):]
    assert f"<a {LINK}>{rules}</a>" in comments
    guest = client.get(f"/etappenziele/{milestone.slug}/gastkommentar").get_data(as_text=True)
    assert f"<a {LINK}>{rules}</a>" in guest
    auth.sign_in(citizen)
    for url in (f"/etappenziele/{milestone.slug}", f"/etappenziele/{milestone.slug}/kommentieren",
                f"/kommentare/{question.id}/antworten"):
        html = client.get(url).get_data(as_text=True)
        assert f"<a {LINK}>{rules}</a>" in html, url
    english = client.get(f"/en/etappenziele/{milestone.slug}/kommentieren").get_data(as_text=True)
    assert "How we moderate comments: rules and figures in the transparency report" in english


def test_a_restored_comment_no_longer_counts_as_removed(app, db):
    moderator = make_moderator()
    milestone = make_milestone()
    restored, removed = make_comment(milestone), make_comment(milestone)
    _db.session.commit()
    for comment, action in ((restored, "hide"), (removed, "reject"), (restored, "restore")):
        decisions.decide(moderator, comment.id, comment.version, action, reason_text="Beleidigung")
        _db.session.commit()

    figures = transparency.figures()
    assert figures.months[0].removed == 1
    assert [(reason.label, count) for reason, count in figures.reasons] == [("Sonstige Gründe", 1)]


def test_removed_restored_and_removed_again_counts_once_in_the_month_of_the_last_removal(app, db):
    milestone = make_milestone()
    twice = make_comment(milestone, created_at=datetime(2025, 5, 1))
    for action, before, after, when in (
        ("hide", "published", "hidden", datetime(2025, 5, 2)),
        ("restore", "hidden", "published", datetime(2025, 5, 3)),
        ("reject", "published", "rejected", datetime(2025, 6, 4)),
        ("reject", "rejected", "rejected", datetime(2025, 6, 5)),  # confirmed after an appeal
    ):
        _db.session.add(ModerationDecision(
            comment_id=twice.id, subject_user_id=twice.author_id, moderator_label="Konto #1",
            action=action, reason="Beleidigung", status_before=before, status_after=after, created_at=when,
        ))
    _db.session.commit()

    june, may = transparency.figures(NOW).months[:2]
    assert (june.removed, may.removed) == (1, 0)
