"""Moderation pages through the test client: queue, decisions, conflicts, bulk, log, CSV, appeal."""
from __future__ import annotations

import csv
import io

import lxml.html
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Comment, CommentStatus, HoldPattern, Milestone, ModerationDecision, ReasonTemplate, UserBlock
from app.moderation import decisions as moderation_decisions
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone, make_moderator
from tests.builders.comments import ago, make_comment, make_flag, make_reason_template

S = CommentStatus
QUEUE = "/verwaltung/moderation"


def item_url(comment_id: int, action: str = "") -> str:
    return f"{QUEUE}/kommentare/{comment_id}" + (f"/{action}" if action else "")


def decision_count(comment_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(ModerationDecision)
    if comment_id is not None:
        stmt = stmt.where(ModerationDecision.comment_id == comment_id)
    return db.session.scalar(stmt)


def test_queue_shows_context_flags_and_history(auth, app, moderator):
    author = make_citizen(display_name="Bernd Bürger")
    milestone = make_milestone("Radweg Nord")
    question = make_comment(milestone, body="Wann wird der Radweg gebaut?")
    flagged = make_comment(milestone, author, body="Das ist doch alles Unsinn, ihr Versager.", parent=question)
    make_comment(milestone, body="Eine andere Antwort im Gespräch.", parent=question)
    make_flag(flagged, reason="insult", text="Beschimpfung der Verwaltung")
    make_flag(flagged, reason="off_topic")
    earlier = make_comment(milestone, author, status=S.PENDING)
    db.session.commit()
    moderation_decisions.decide(moderator, earlier.id, earlier.version, "reject", reason_text="Werbung")

    html = auth.client_for(moderator).get(QUEUE).get_data(as_text=True)

    assert "Das ist doch alles Unsinn" in html
    assert "Wann wird der Radweg gebaut?" in html  # the parent
    assert "Eine andere Antwort im Gespräch." in html  # the thread around it
    assert "Beleidigung oder Belästigung" in html and "Beschimpfung der Verwaltung" in html
    assert "Kein Bezug zum Thema" in html and "2 Meldungen" in html
    assert "Frühere Entscheidungen zu dieser Person" in html and "Werbung" in html
    assert 'class="badge">1<' in html


def test_queue_query_count_does_not_grow(auth, app, moderator, count_queries):
    client = auth.client_for(moderator)

    def add_items(n):
        milestone = make_milestone()
        for _ in range(n):
            author = make_citizen()
            parent = make_comment(milestone)
            comment = make_comment(milestone, author, parent=parent)
            make_comment(milestone, parent=parent)
            make_flag(comment)
            make_flag(comment, reason="spam")
            pending = make_comment(milestone, author, status=S.PENDING)
            db.session.add(ModerationDecision(comment_id=pending.id, subject_user_id=author.id,
                                              action="hold", moderator_label="System"))
        db.session.commit()

    add_items(2)
    client.get(QUEUE)
    with count_queries() as few:
        assert client.get(QUEUE).status_code == 200
    add_items(8)
    with count_queries() as many:
        assert client.get(QUEUE).status_code == 200
    assert many.count == few.count


@pytest.mark.parametrize("query", [
    "?page=abc", "?page=99999", "?page=-4", "?kind=unbekannt", "?field=abc&milestone=999999",
    "?reason=<script>", "?kind=held&reason=spam&page=2",
])
def test_queue_bad_input_never_fails(auth, app, moderator, query):
    make_comment(status=S.PENDING)
    db.session.commit()
    response = auth.client_for(moderator).get(QUEUE + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if query == "?page=99999":
        assert "Auf dieser Seite gibt es keine Einträge." in html


def test_decide_from_queue_returns_to_the_queue(auth, app, moderator):
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    client = auth.client_for(moderator)
    response = client.post(item_url(comment.id, "entscheidung"),
                           data={"action": "approve", "version": comment.version, "next": QUEUE + "?kind=pending"})
    assert response.status_code == 302 and response.headers["Location"].endswith(QUEUE + "?kind=pending")
    db.session.expire_all()
    assert comment.status == S.PUBLISHED.value
    assert "Der Kommentar wurde freigegeben." in client.get(QUEUE).get_data(as_text=True)


def test_decide_ignores_foreign_next(auth, app, moderator):
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    response = auth.client_for(moderator).post(
        item_url(comment.id, "entscheidung"),
        data={"action": "approve", "version": comment.version, "next": "https://evil.example/"})
    assert response.headers["Location"].endswith(item_url(comment.id))
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == S.PUBLISHED.value  # the decision was taken


def test_two_moderators_same_comment_one_wins(auth, app, moderator):
    other = make_moderator(display_name="Otto")
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    first, second = auth.client_for(moderator), auth.client_for(other)
    shown = comment.version  # both pages showed this version

    won = first.post(item_url(comment.id, "entscheidung"), data={"action": "approve", "version": shown})
    lost = second.post(item_url(comment.id, "entscheidung"),
                       data={"action": "reject", "version": shown, "reason": "Beleidigung"})

    assert won.status_code == 302
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert "Entscheidung nicht gespeichert" in html and "inzwischen bearbeitet" in html
    assert "Beleidigung" in html  # the typed reason is kept
    db.session.expire_all()
    assert decision_count(comment.id) == 1
    assert comment.status == S.PUBLISHED.value


def test_reject_without_reason_shows_error(auth, app, moderator):
    comment = make_comment()
    db.session.commit()
    response = auth.client_for(moderator).post(item_url(comment.id, "entscheidung"),
                                              data={"action": "reject", "version": comment.version})
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Begründung aus oder schreiben Sie eine." in response.get_data(as_text=True)
    assert decision_count() == 0


def test_item_page_and_actions(auth, app):
    admin = make_admin()
    department = make_department()
    author = make_citizen()
    milestone = make_milestone(department=department)
    comment = make_comment(milestone, author, body="Mein Nachbar Herr Schulz, Tel. 0171 999, ärgert sich.")
    db.session.commit()
    client = auth.client_for(admin)
    html = client.get(item_url(comment.id)).get_data(as_text=True)
    for heading in ("Entscheidung", "Personenbezogene Daten entfernen", "Antwort der Verwaltung", "Konto sperren",
                    "Moderation für dieses Etappenziel", "Verlauf dieses Kommentars"):
        assert f">{heading}</h2>" in html

    response = client.post(item_url(comment.id, "schwaerzen"), data={
        "redact-version": comment.version, "redact-passages": "Herr Schulz\nTel. 0171 999", "redact-reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert comment.body == "Mein Nachbar [entfernt], [entfernt], ärgert sich."
    log_html = client.get(f"{QUEUE}/protokoll").get_data(as_text=True)
    assert "Herr Schulz" in log_html  # the original stays in the moderation log

    response = client.post(item_url(comment.id, "antwort"), data={"answer-body": "Wir melden uns bei Ihnen."})
    assert response.status_code == 302 and "/kommentare/" in response.headers["Location"]
    # The permalink leads to the thread's page with the answer.
    thread = client.get(response.headers["Location"])
    assert thread.status_code == 302 and "#kommentar-" in thread.headers["Location"]
    assert "Wir melden uns bei Ihnen." in client.get(thread.headers["Location"]).get_data(as_text=True)

    response = client.post(item_url(comment.id, "sperren"), data={"block-period": "7", "block-reason": "Hetze"})
    assert response.status_code == 302
    assert "Hetze" in client.get(f"{QUEUE}/sperren").get_data(as_text=True)

    response = client.post(f"{QUEUE}/etappenziele", data={
        "mode-milestone_id": milestone.id, "mode-mode": "pre", "next": item_url(comment.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(item_url(comment.id))
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).moderation_mode == "pre"


def test_redact_errors_are_shown(auth, app, moderator):
    comment = make_comment(body="Kurzer Text.")
    db.session.commit()
    response = auth.client_for(moderator).post(item_url(comment.id, "schwaerzen"), data={
        "redact-version": comment.version, "redact-passages": "nicht enthalten"})
    assert response.status_code == 422
    assert "kommt im Kommentar nicht genau so vor" in response.get_data(as_text=True)


def test_moderator_cannot_answer_without_department(auth, app, moderator):
    comment = make_comment()
    db.session.commit()
    client = auth.client_for(moderator)
    assert "Antworten der Verwaltung schreiben die Redaktion" in client.get(item_url(comment.id)).get_data(as_text=True)
    assert client.post(item_url(comment.id, "antwort"), data={"answer-body": "Hallo"}).status_code == 403


def test_bulk_decision_with_a_stale_item(auth, app, moderator):
    comments = [make_comment(status=S.PENDING) for _ in range(3)]
    db.session.commit()
    stale = comments[2]
    versions = {c.id: c.version for c in comments}
    moderation_decisions.decide(make_moderator(), stale.id, stale.version, "spam")
    client = auth.client_for(moderator)
    data = {"bulk_action": "approve", "comment_ids": [str(c.id) for c in comments]}
    data.update({f"version-{cid}": str(v) for cid, v in versions.items()})

    response = client.post(f"{QUEUE}/sammelaktion", data=data)

    assert response.status_code == 302
    db.session.expire_all()
    assert [c.status for c in comments] == ["published", "published", "spam"]
    html = client.get(QUEUE).get_data(as_text=True)
    assert "2 Kommentare wurden entschieden." in html
    assert "1 Kommentar wurde inzwischen von jemand anderem bearbeitet" in html


def test_bulk_needs_selection_and_reason(auth, app, moderator):
    comment = make_comment(status=S.PENDING)
    db.session.commit()
    client = auth.client_for(moderator)
    response = client.post(f"{QUEUE}/sammelaktion", data={"bulk_action": "approve"})
    assert response.status_code == 422
    assert "Bitte wählen Sie mindestens einen Kommentar aus." in response.get_data(as_text=True)
    response = client.post(f"{QUEUE}/sammelaktion", data={
        "bulk_action": "reject", "comment_ids": str(comment.id), f"version-{comment.id}": str(comment.version)})
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Begründung aus oder schreiben Sie eine." in response.get_data(as_text=True)
    db.session.expire_all()
    assert comment.status == S.PENDING.value and decision_count() == 0


def test_bulk_reject_with_template(auth, app, moderator):
    template = make_reason_template("Werbung", "Werbung ist hier nicht erlaubt.")
    comments = [make_comment() for _ in range(2)]
    db.session.commit()
    data = {"bulk_action": "reject", "bulk_template_id": str(template.id), "comment_ids": [str(c.id) for c in comments]}
    data.update({f"version-{c.id}": str(c.version) for c in comments})
    assert auth.client_for(moderator).post(f"{QUEUE}/sammelaktion", data=data).status_code == 302
    db.session.expire_all()
    assert {c.moderation_reason for c in comments} == {"Werbung"}
    assert {c.status for c in comments} == {"rejected"}


def test_log_filters_and_csv_export(auth, app, moderator):
    other = make_moderator(display_name="Otto")
    comments = [make_comment(status=S.PENDING) for _ in range(2)]
    db.session.commit()
    moderation_decisions.decide(moderator, comments[0].id, comments[0].version, "approve")
    moderation_decisions.decide(other, comments[1].id, comments[1].version, "reject", reason_text="=HYPERLINK(\"http://x\")")
    client = auth.client_for(moderator)

    html = client.get(f"{QUEUE}/protokoll?moderator={other.id}").get_data(as_text=True)
    assert "abgelehnt" in html and "freigegeben</th>" not in html
    html = client.get(f"{QUEUE}/protokoll?action=approve").get_data(as_text=True)
    assert "freigegeben" in html and "HYPERLINK" not in html
    assert client.get(f"{QUEUE}/protokoll?date_from=2000-01-01&date_to=2000-01-02").get_data(as_text=True).count("<tr>") == 0
    bad = client.get(f"{QUEUE}/protokoll?date_from=gestern&moderator=abc&page=x")
    assert bad.status_code == 200 and "ungültig" in bad.get_data(as_text=True)

    response = client.get(f"{QUEUE}/protokoll.csv?action=reject")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "abgelehnt"
    assert rows[1][-1] == "'=HYPERLINK(\"http://x\")"


def test_admin_lists(auth, app):
    admin = make_admin()
    db.session.commit()
    client = auth.client_for(admin)
    response = client.post(f"{QUEUE}/pruefliste", data={"pattern": "([a-z", "is_regex": "y"})
    assert response.status_code == 422 and "Dieser reguläre Ausdruck ist ungültig" in response.get_data(as_text=True)
    assert client.post(f"{QUEUE}/pruefliste", data={"pattern": "Idiot"}).status_code == 302
    pattern = db.session.scalar(select(HoldPattern))
    assert client.post(f"{QUEUE}/pruefliste/{pattern.id}/loeschen", data={"confirm": "1"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(HoldPattern)) == 0

    assert client.post(f"{QUEUE}/begruendungen", data={"title": "", "text_de": ""}).status_code == 422
    assert client.post(f"{QUEUE}/begruendungen", data={"title": "Spam", "text_de": "Werbung."}).status_code == 302
    template = db.session.scalar(select(ReasonTemplate))
    assert client.post(f"{QUEUE}/begruendungen/{template.id}", data={
        "title": "Spam", "text_de": "Keine Werbung bitte.", "position": "3"}).status_code == 302
    db.session.expire_all()
    assert template.text_de == "Keine Werbung bitte." and template.position == 3
    assert client.post(f"{QUEUE}/begruendungen/{template.id}/loeschen", data={"confirm": "1"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ReasonTemplate)) == 0


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_get_page_renders(auth, app, prefix):
    admin = make_admin()
    comment = make_comment(status=S.HELD)
    make_flag(comment)
    db.session.commit()
    client = auth.client_for(admin)
    for path in ("", f"/kommentare/{comment.id}", "/protokoll", "/sperren", "/begruendungen", "/pruefliste",
                 "/etappenziele"):
        response = client.get(prefix + QUEUE + path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(prefix + item_url(999999)).status_code == 404


# Appeal ----------------------------------------------------------------------------------

def test_appeal_page_flow(auth, app, moderator):
    author = make_citizen()
    comment = make_comment(author=author)
    db.session.commit()
    moderation_decisions.decide(moderator, comment.id, comment.version, "reject", reason_text="Beleidigung")
    client = auth.client_for(author)
    url = f"/kommentare/{comment.id}/einspruch"

    page = client.get(url).get_data(as_text=True)
    assert "Beleidigung" in page and "Einspruch einlegen" in page

    response = client.post(url, data={"text": "Das war keine Beleidigung, sondern Kritik."})
    assert response.status_code == 302
    follow = client.get(url).get_data(as_text=True)
    assert "Ihr Einspruch ist eingegangen" in follow and "liegt der Moderation vor" in follow
    assert client.post(url, data={"text": "noch einmal"}).status_code == 200
    assert decision_count(comment.id) == 2  # reject + one appeal
    queue = auth.client_for(moderator).get(QUEUE + "?kind=appeal").get_data(as_text=True)
    assert "Das war keine Beleidigung" in queue or f"Kommentar #{comment.id}" in queue


def test_appeal_refused_for_others(auth, app):
    author, stranger = make_citizen(), make_citizen()
    comment = make_comment(author=author, status=S.REJECTED, moderation_reason="Spam")
    db.session.commit()
    url = f"/kommentare/{comment.id}/einspruch"
    assert auth.client_for(stranger).get(url).status_code == 404
    assert auth.client_for(stranger).post(url, data={"text": "x"}).status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/konto/anmelden" in anonymous.headers["Location"]
    assert decision_count() == 0


def test_appeal_not_possible_for_published_comment(auth, app):
    author = make_citizen()
    comment = make_comment(author=author)
    db.session.commit()
    client = auth.client_for(author)
    url = f"/kommentare/{comment.id}/einspruch"
    assert "kein Einspruch möglich" in client.get(url).get_data(as_text=True)
    client.post(url, data={"text": "x"})
    db.session.expire_all()
    assert comment.appealed_at is None and decision_count() == 0


def test_blocked_then_unblocked_via_pages(auth, app, moderator):
    author = make_citizen()
    comment = make_comment(author=author, created_at=ago(hours=2))
    db.session.commit()
    client = auth.client_for(moderator)
    client.post(item_url(comment.id, "sperren"), data={"block-period": "forever", "block-reason": "Spam-Konto"})
    html = client.get(f"{QUEUE}/sperren").get_data(as_text=True)
    assert "dauerhaft" in html
    block = db.session.scalar(select(UserBlock))
    assert client.post(f"{QUEUE}/sperren/{block.id}/aufheben", data={"confirm": "1"}).status_code == 302
    assert "Zurzeit ist kein Konto gesperrt." in client.get(f"{QUEUE}/sperren").get_data(as_text=True)
    assert client.post(f"{QUEUE}/sperren/{block.id}/aufheben", data={"confirm": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == S.PUBLISHED.value


def backend_nav(html: str) -> dict[str, str]:
    """The staff navigation's links: their text by address."""
    nav = lxml.html.document_fromstring(html).xpath('//nav[contains(@class, "backend-nav")]')
    assert len(nav) == 1
    return {a.get("href"): " ".join(a.text_content().split()) for a in nav[0].iter("a")}


@pytest.mark.parametrize("role", ["moderator", "admin", "editor"])
def test_backend_navigation_leads_to_moderation_and_unanswered_comments(auth, app, role):
    users = {"moderator": make_moderator(), "admin": make_admin(), "editor": make_editor()}
    for status in (S.PENDING, S.PENDING, S.HELD):
        make_comment(status=status)
    make_comment(status=S.REJECTED)  # decided: not waiting
    db.session.commit()

    links = backend_nav(auth.client_for(users[role]).get("/verwaltung").get_data(as_text=True))

    if role in ("moderator", "admin"):
        assert links[QUEUE] == "Moderation 3 offen"
    else:
        assert QUEUE not in links
    assert ("/verwaltung/unbeantwortet" in links) == (role in ("editor", "admin"))
    if role != "moderator":
        assert links["/verwaltung/unbeantwortet"] == "Unbeantwortete Kommentare"


def test_navigation_badge_in_english_and_on_moderation_pages(auth, app, moderator):
    make_comment(status=S.PENDING)
    db.session.commit()
    client = auth.client_for(moderator)
    links = backend_nav(client.get("/en" + QUEUE).get_data(as_text=True))
    assert links["/en" + QUEUE].startswith("Moderation 1 ")
    html = client.get(QUEUE).get_data(as_text=True)
    assert 'href="/verwaltung/moderation" aria-current="page">Moderation' in html
