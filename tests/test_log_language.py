"""The staff logs in the reader's language: account pseudonyms, system reasons and field names
(issue 13); the hold list is called "Prüfliste" / "hold list" (GLOSSARY.md)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import audit
from app.extensions import db as _db
from app.models import AuditEntry, HoldPattern, ModerationDecision
from app.settings import set_setting
from app.participation.services import comments
from tests.builders import make_admin, make_citizen, make_milestone
from tests.builders.comments import make_comment

ROOT = Path(__file__).resolve().parents[1]


def page_text(response) -> str:
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def logs(db):
    admin = make_admin(display_name="Anton Admin")
    milestone = make_milestone("Bürgerkonto")
    _db.session.add(AuditEntry(
        actor_id=admin.id, actor_label=audit.actor_label(admin), action="create", object_type="progress_update",
        object_id="7", object_label="Start", before=None, after={"milestone_id": milestone.id, "reported_on": "2025-05-01",
                                                                 "unbekannter_schluessel": "x"},
    ))
    _db.session.add(AuditEntry(actor_id=None, actor_label="Konto #15", action="update", object_type="user",
                               object_id="15", object_label="Konto #15", before={"active": True}, after={"active": False}))
    old = make_comment(milestone, status="pending")
    _db.session.add(ModerationDecision(comment_id=old.id, subject_user_id=old.author_id, moderator_label="System",
                                       action="hold", reason="Treffer der Halteliste", status_after="pending"))
    _db.session.add(ModerationDecision(comment_id=old.id, subject_user_id=old.author_id, moderator_label="System",
                                       action="auto_hide", reason="3 Meldungen (Schwelle 3)", status_after="held"))
    _db.session.add(ModerationDecision(comment_id=old.id, subject_user_id=old.author_id, moderator_id=admin.id,
                                       moderator_label=audit.actor_label(admin), action="reject",
                                       reason="Bitte sachlich bleiben", status_before="pending", status_after="rejected"))
    _db.session.commit()
    return admin


def test_audit_log_in_english_has_no_german_labels(auth, client, logs):
    auth.sign_in(logs)
    text = page_text(client.get("/en/verwaltung/protokoll"))
    assert f"Anton Admin (Account #{logs.id})" in text
    assert "Account #15" in text
    assert "Konto #" not in text
    assert "Milestone" in text and "Date of the update" in text
    assert "milestone_id" not in text and "reported_on" not in text
    assert "unbekannter_schluessel" in text  # a key without a label is still shown
    assert "Active" in text


def test_audit_log_in_german_names_fields_in_words(auth, client, logs):
    auth.sign_in(logs)
    html = client.get("/verwaltung/protokoll").get_data(as_text=True)
    assert "<dt>Etappenziel</dt>" in html and "<dt>Datum der Meldung</dt>" in html
    assert "<code>milestone_id</code>" not in html and "<code>reported_on</code>" not in html
    assert f"Anton Admin (Konto #{logs.id})" in page_text(client.get("/verwaltung/protokoll"))


def test_moderation_log_in_english_translates_pseudonyms_and_system_reasons(auth, client, logs):
    auth.sign_in(logs)
    text = page_text(client.get("/en/verwaltung/moderation/protokoll"))
    assert "Konto #" not in text and "Halteliste" not in text and "Prüfliste" not in text
    assert f"Account #{logs.id}" in text
    assert "Match on the hold list" in text
    assert "3 flags (threshold 3)" in text
    html = client.get("/en/verwaltung/moderation/protokoll").get_data(as_text=True)
    assert '<span lang="de">Bitte sachlich bleiben</span>' in html  # a moderator's own words stay as written


def test_moderation_log_in_german_says_pruefliste(auth, client, logs):
    auth.sign_in(logs)
    text = page_text(client.get("/verwaltung/moderation/protokoll"))
    assert "Treffer der Prüfliste" in text and "Halteliste" not in text


def test_a_held_comment_is_logged_as_a_match_on_the_pruefliste(app, db):
    set_setting("moderation_mode", "post")
    _db.session.add(HoldPattern(pattern="Dummkopf", is_regex=False))
    milestone = make_milestone()
    citizen = make_citizen()
    _db.session.commit()
    comments.post_comment(citizen, milestone, "Du Dummkopf")
    decision = _db.session.scalar(_db.select(ModerationDecision).where(ModerationDecision.action == "hold"))
    assert decision.reason == "Treffer der Prüfliste"


def test_hold_list_is_the_pruefliste_in_german_and_the_hold_list_in_english(auth, client, logs):
    auth.sign_in(logs)
    assert "<h1>Prüfliste</h1>" in client.get("/verwaltung/moderation/pruefliste").get_data(as_text=True)
    assert "<h1>Hold list</h1>" in client.get("/en/verwaltung/moderation/pruefliste").get_data(as_text=True)


def test_no_german_interface_string_says_halteliste():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("app", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Halteliste" in line and "former name" not in line
    ]
    assert not found, found
