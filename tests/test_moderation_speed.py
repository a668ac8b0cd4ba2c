"""Moderation at speed (issue 13): select all, the bulk form beside the selection, one mail per
author per bulk decision, the question about pending comments when blocking, reason templates
that moderators edit (with shipped defaults)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import create_engine, select, text

from app.auth.permissions import PermissionDenied
from app.extensions import db
from app.models import AuditEntry, Comment, CommentStatus, ModerationDecision, OutboxMail, ReasonTemplate, UserBlock
from app.moderation import administration, blocks, decisions, errors
from tests.builders import make_citizen, make_editor, make_milestone, make_moderator
from tests.builders.comments import make_comment, make_reason_template

S = CommentStatus
QUEUE = "/verwaltung/moderation"
ROOT = Path(__file__).resolve().parents[1]


def mails_to(address: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)))


def statuses(comments: list[Comment]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Comment, c.id).status for c in comments]


@pytest.fixture
def moderator(db):
    user = make_moderator(display_name="Mona Moderation")
    db.session.commit()
    return user


# Select all, and the bulk form where the selection is ---------------------------------------

def test_queue_has_select_all_and_the_bulk_form_after_the_list(auth, app, moderator):
    comments = [make_comment(status=S.PENDING) for _ in range(3)]
    db.session.commit()

    html = auth.client_for(moderator).get(QUEUE).get_data(as_text=True)

    document = lxml.html.document_fromstring(html)
    [select_all] = document.xpath("//input[@id='select-all']")
    assert (select_all.get("type"), select_all.get("form"), select_all.get("name")) == ("checkbox", "bulk-form", "select_all")
    assert document.xpath("//label[@for='select-all']")[0].text_content() == "Alle 3 Kommentare dieser Seite auswählen"
    shown = document.xpath("//input[@form='bulk-form'][@name='shown_ids']/@value")
    assert sorted(shown) == sorted(str(c.id) for c in comments)
    # The bulk form follows the list, inside the same block (it sticks to the window's bottom there).
    [block] = document.xpath("//div[@class='queue-selection']")
    assert [child.tag for child in block][-2:] == ["ol", "form"] and block[-1].get("id") == "bulk-form"
    assert html.index('id="select-all"') < html.index('<ol class="queue">') < html.index('id="bulk-form"')
    assert 'src="/static/js/moderation.js"' in html


def test_select_all_without_javascript_decides_every_item_of_the_page(auth, app, moderator):
    comments = [make_comment(status=S.PENDING) for _ in range(3)]
    other_page = make_comment(status=S.PENDING)
    db.session.commit()
    data = {"bulk_action": "approve", "select_all": "1", "shown_ids": [str(c.id) for c in comments]}
    data.update({f"version-{c.id}": str(c.version) for c in comments})

    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data=data)

    assert response.status_code == 302
    assert statuses(comments) == ["published"] * 3
    assert statuses([other_page]) == ["pending"]


def test_select_all_keeps_the_selection_after_an_error(auth, app, moderator):
    comments = [make_comment(status=S.PENDING) for _ in range(2)]
    db.session.commit()
    data = {"bulk_action": "reject", "select_all": "1", "shown_ids": [str(c.id) for c in comments]}

    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data=data)

    assert response.status_code == 422
    document = lxml.html.document_fromstring(response.get_data(as_text=True))
    assert document.xpath("//input[@id='select-all']/@checked")
    assert len(document.xpath("//input[@name='comment_ids'][@checked]")) == 2
    assert statuses(comments) == ["pending"] * 2


def test_select_all_refuses_a_forged_id(auth, app, moderator):
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    data = {"bulk_action": "approve", "select_all": "1", "shown_ids": [str(comment.id), "1 OR 1=1"]}

    response = auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data=data)

    assert response.status_code == 400
    assert statuses([comment]) == ["pending"]


# One mail per author per bulk decision ------------------------------------------------------

def test_a_bulk_rejection_sends_each_author_one_mail(db, moderator):
    template = make_reason_template("Werbung", "Werbung ist hier nicht erlaubt.", text_en="No advertising here.")
    milestone = make_milestone("Radweg Nord")
    busy, once = make_citizen(display_name="Vera Viel"), make_citizen(display_name="Emil Einmal", locale="en")
    many = [make_comment(milestone, busy, body=f"Billige Uhren Nummer {n}") for n in range(4)]
    single = make_comment(milestone, once, body="Kauft Lose!")
    db.session.commit()

    result = decisions.decide_many(moderator, {c.id: c.version for c in [*many, single]}, "reject", template_id=template.id)

    assert sorted(result.decided) == sorted(c.id for c in [*many, single])
    [mail] = mails_to(busy.email)
    assert mail.subject == "Die Moderation hat über 4 Ihrer Kommentare entschieden"
    assert mail.sent_at is not None
    assert "Guten Tag Vera Viel," in mail.body_text
    for n, comment in enumerate(many):
        assert f"> Billige Uhren Nummer {n}" in mail.body_text
        assert f"/kommentare/{comment.id}/einspruch" in mail.body_text
    assert mail.body_text.count("Grund: Werbung") == 4 and "Werbung ist hier nicht erlaubt." in mail.body_text
    # One comment: the usual mail, in the author's language.
    [alone] = mails_to(once.email)
    assert alone.subject == "Your comment has been removed by the moderators"
    assert alone.sent_at is not None


def test_a_bulk_approval_sends_each_author_one_mail_in_their_language(db, moderator):
    author = make_citizen(display_name="Erin English", locale="en")
    waiting = [make_comment(author=author, status=S.PENDING) for _ in range(2)]
    db.session.commit()

    decisions.decide_many(moderator, {c.id: c.version for c in waiting}, "approve")

    [mail] = mails_to(author.email)
    assert mail.subject == "The moderators decided on 2 of your comments"
    assert mail.body_text.count("Published: your comment of") == 2
    assert "Appeal" not in mail.body_text and "Removed" not in mail.body_text


def test_bulk_mails_respect_the_profile_switch_and_still_tell_parent_authors(db, moderator):
    asker, muted = make_citizen(), make_citizen(notify_moderation=False)
    question = make_comment(author=asker)
    replies = [make_comment(author=muted, status=S.PENDING, parent=question) for _ in range(2)]
    db.session.commit()

    decisions.decide_many(moderator, {r.id: r.version for r in replies}, "approve")

    assert mails_to(muted.email) == []
    # The question's author hears of each new reply, as after single decisions.
    assert [m.subject for m in mails_to(asker.email)] == ["Neue Antwort auf Ihren Kommentar"] * 2


def test_a_conflict_in_a_bulk_decision_leaves_the_others_and_their_mail(db, moderator):
    author = make_citizen()
    comments = [make_comment(author=author, status=S.PENDING) for _ in range(3)]
    db.session.commit()
    versions = {c.id: c.version for c in comments}
    versions[comments[0].id] = comments[0].version + 7

    result = decisions.decide_many(moderator, versions, "approve")

    assert result.conflicts == [comments[0].id] and len(result.decided) == 2
    [mail] = mails_to(author.email)
    assert "2" in mail.subject


def test_held_mails_are_never_sent_nor_stored(db, moderator):
    from app.mail.services import deliver_mails, holding_mails, send_mail

    author = make_citizen()
    db.session.commit()
    with holding_mails() as held:
        mail = send_mail(author, "Betreff", "moderation_blocked", reason="Test", until=None)
        assert deliver_mails([mail]) == 0
    assert [h.mail for h in held] == [mail] and held[0].template == "moderation_blocked"
    assert mails_to(author.email) == []


# Blocking asks about the account's pending comments ------------------------------------------

def item_url(comment_id: int, action: str = "") -> str:
    return f"{QUEUE}/kommentare/{comment_id}" + (f"/{action}" if action else "")


@pytest.fixture
def blocking_scene(db):
    author = make_citizen(display_name="Willi Werbung")
    shown = make_comment(author=author, body="Billige Uhren!")
    waiting = [make_comment(author=author, status=S.PENDING) for _ in range(2)]
    db.session.commit()
    return author, shown, waiting


def test_the_block_form_asks_only_when_comments_wait(auth, app, moderator, blocking_scene):
    author, shown, waiting = blocking_scene
    client = auth.client_for(moderator)
    document = lxml.html.document_fromstring(client.get(item_url(shown.id)).get_data(as_text=True))
    [group] = document.xpath("//fieldset[@id='block-pending']")
    assert "2 Kommentare dieses Kontos warten auf eine Entscheidung." in group.text_content()
    assert group.xpath(".//input[@type='radio']/@value") == ["reject", "keep"]
    assert not group.xpath(".//input[@checked]")  # asked, not assumed

    other = make_comment(author=make_citizen())
    db.session.commit()
    assert 'id="block-pending"' not in client.get(item_url(other.id)).get_data(as_text=True)


def test_blocking_without_an_answer_is_refused(auth, app, moderator, blocking_scene):
    author, shown, waiting = blocking_scene
    response = auth.client_for(moderator).post(item_url(shown.id, "sperren"),
                                              data={"block-period": "7", "block-reason": "Werbung"})
    assert response.status_code == 422
    assert "Bitte wählen Sie, was mit den wartenden Kommentaren des Kontos geschieht." in response.get_data(as_text=True)
    assert db.session.scalar(select(UserBlock.id)) is None
    assert statuses(waiting) == ["pending"] * 2


def test_blocking_can_keep_the_pending_comments_in_the_queue(auth, app, moderator, blocking_scene):
    author, shown, waiting = blocking_scene
    client = auth.client_for(moderator)
    response = client.post(item_url(shown.id, "sperren"),
                           data={"block-period": "7", "block-reason": "Werbung", "block-pending": "keep"})
    assert response.status_code == 302
    assert "Seine wartenden Kommentare bleiben in der Warteschlange." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert statuses(waiting) == ["pending"] * 2
    block = db.session.scalar(select(UserBlock))
    assert block.user_id == author.id and block.created_by_id == moderator.id
    [logged] = db.session.scalars(select(ModerationDecision).where(ModerationDecision.action == "block"))
    assert logged.subject_user_id == author.id and logged.reason.startswith("Werbung (gesperrt bis ")
    [mail] = mails_to(author.email)
    assert "entscheidet die Moderation einzeln" in mail.body_text and "wurden abgelehnt" not in mail.body_text
    # They are still decided one by one in the queue.
    assert all(str(c.id) in client.get(QUEUE).get_data(as_text=True) for c in waiting)


def test_blocking_can_reject_the_pending_comments(auth, app, moderator, blocking_scene):
    author, shown, waiting = blocking_scene
    response = auth.client_for(moderator).post(item_url(shown.id, "sperren"), data={
        "block-period": "forever", "block-reason": "Werbung", "block-pending": "reject"})
    assert response.status_code == 302
    assert statuses(waiting) == ["rejected"] * 2
    [mail] = mails_to(author.email)
    assert "wurden abgelehnt" in mail.body_text


def test_blocking_refuses_an_unknown_answer_and_citizens(auth, app, db, moderator, blocking_scene):
    author, shown, waiting = blocking_scene
    response = auth.client_for(moderator).post(item_url(shown.id, "sperren"), data={
        "block-period": "7", "block-reason": "Werbung", "block-pending": "vielleicht"})
    assert response.status_code == 422
    with pytest.raises(errors.InvalidInput):
        blocks.block_author(moderator, author.id, "7", "Werbung", pending="vielleicht")
    with pytest.raises(PermissionDenied):
        blocks.block_author(make_citizen(), author.id, "7", "Werbung", pending="keep")
    with pytest.raises(errors.InvalidInput) as refused:
        blocks.block_author(moderator, author.id, "8", "", pending="keep")
    assert set(refused.value.errors) == {"period", "reason"}
    assert db.session.scalar(select(UserBlock.id)) is None and statuses(waiting) == ["pending"] * 2


# Reason templates: moderators edit them; defaults are shipped ---------------------------------

def test_moderators_keep_the_reason_templates(auth, app, moderator):
    client = auth.client_for(moderator)
    assert 'href="/verwaltung/moderation/begruendungen"' in client.get(QUEUE).get_data(as_text=True)
    response = client.post(f"{QUEUE}/begruendungen", data={
        "title": "Spam-Link", "text_de": "Links zu Werbung entfernen wir.", "text_en": "", "position": "5"})
    assert response.status_code == 302
    template = db.session.scalar(select(ReasonTemplate))
    response = client.post(f"{QUEUE}/begruendungen/{template.id}", data={
        "title": "Werbelink", "text_de": "Links zu Werbung entfernen wir.", "text_en": "We remove links to ads.",
        "position": "5"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (template.title, template.text_en) == ("Werbelink", "We remove links to ads.")
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "reason_template")
                                      .order_by(AuditEntry.id)))
    assert [(e.action, e.actor_id) for e in entries] == [("create", moderator.id), ("update", moderator.id)]
    assert client.post(f"{QUEUE}/begruendungen/{template.id}/loeschen", data={"confirm": "1"}).status_code == 302
    assert db.session.scalar(select(ReasonTemplate.id)) is None


def test_reason_templates_refuse_citizens_and_editors_in_the_service(db, moderator):
    with pytest.raises(PermissionDenied):
        administration.save_reason_template(make_citizen(), None, administration.ReasonData(title="X", text_de="Y"))
    with pytest.raises(PermissionDenied):
        administration.save_reason_template(make_editor(), None, administration.ReasonData(title="X", text_de="Y"))
    with pytest.raises(errors.InvalidInput):
        administration.save_reason_template(moderator, None, administration.ReasonData(title="Werbung: Links", text_de="Y"))
    template = administration.save_reason_template(moderator, None, administration.ReasonData(title="Werbung", text_de="Keine Werbung."))
    with pytest.raises(PermissionDenied):
        administration.delete_reason_template(make_citizen(), template.id)
    with pytest.raises(errors.NotFound):
        administration.delete_reason_template(moderator, template.id + 1)


def _flask(url, tmp_path, *args):
    env = {**os.environ, "FLASK_APP": "wsgi", "ETAPPEN_CONFIG": "development",
           "DATABASE_URL": url, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")}
    completed = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]


def _templates(url) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text("SELECT title, text_en FROM reason_template ORDER BY position"))]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_new_installation_ships_default_reason_templates(scratch_database_url, tmp_path):
    _flask(scratch_database_url, tmp_path, "db", "upgrade")
    shipped = _templates(scratch_database_url)
    assert [title for title, _ in shipped][:3] == ["Beleidigung oder Herabsetzung", "Personenbezogene Daten", "Werbung"]
    assert len(shipped) == 6 and all(text_en and ":" not in title for title, text_en in shipped)
    _flask(scratch_database_url, tmp_path, "db", "downgrade", "0019")
    assert _templates(scratch_database_url) == []


@pytest.mark.postgres
def test_an_installation_with_its_own_templates_keeps_them(scratch_database_url, tmp_path):
    _flask(scratch_database_url, tmp_path, "db", "upgrade", "0019")
    engine = create_engine(scratch_database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO reason_template (title, text_de, text_en, position) VALUES ('Eigene', 'x', '', 0)"))
    engine.dispose()
    _flask(scratch_database_url, tmp_path, "db", "upgrade")
    assert _templates(scratch_database_url) == [("Eigene", "")]
