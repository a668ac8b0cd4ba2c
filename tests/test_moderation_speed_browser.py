"""Moderation at speed in a real browser (issue 13): select all, the bulk form beside the
selection, redaction by marking text (and its no-JavaScript fallback), the blocking question,
reason templates for moderators. Each page: one h1, no axe violation at 1280 and 320 px, and
no vnu error (one run at the end of the module)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Milestone, OutboxMail, Role, User
from tests.builders import make_milestone
from tests.builders.auth import make_account
from tests.builders.comments import make_comment, make_reason_template
from tests.helpers.live import serving
from tests.helpers.quality import assert_documents_valid, assert_no_refusal_on, check_page, submit
from tests.plugins.auth import sign_in_browser

pytestmark = pytest.mark.browser

QUEUE_SIZE = 8


@dataclass
class Data:
    moderator_email: str
    milestone_id: int
    redact_id: int
    shown_id: int
    template_id: int


def build_site() -> Data:
    moderator = make_account(email="mod@example.org", roles=(Role.MODERATOR,), display_name="Mona Moderation")
    spammer = make_account(email="spam@example.org", display_name="Werbe-Willi")
    author = make_account(email="bea@example.org", display_name="Bea Bürger")
    milestone = make_milestone("Radweg Nord mit Beleuchtung")
    template = make_reason_template("Werbung", "Werbung ist hier nicht erlaubt.", text_en="No advertising.")
    shown = make_comment(milestone, spammer, body="Billige Uhren im Netz!")
    for n in range(QUEUE_SIZE):
        make_comment(milestone, spammer, status="pending", body=f"Uhren-Angebot Nummer {n}: jetzt kaufen!")
    redact = make_comment(milestone, author, body="Frau Meier aus Nr. 5 weiß mehr.\nRufen Sie 0171 2345678 an.")
    other = make_milestone("Schul-WLAN")
    for n in range(2):
        make_comment(other, author, status="pending", body=f"Frage {n}: Wann kommt das WLAN?")
    db.session.commit()
    return Data(moderator.email, milestone.id, redact.id, shown.id, template.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("moderation-speed"), build_site) as live:
        yield live


def sign_in(page, server) -> None:
    sign_in_browser(page, server, server.data.moderator_email)


def statuses(server) -> list[str]:
    with server.app.app_context():
        return list(db.session.scalars(select(Comment.status).where(Comment.body.like("Uhren-Angebot%"))))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_queue_select_all_and_the_bulk_form_beside_the_list(server, page, documents, lang):
    sign_in(page, server)
    check_page(page, page.goto(server.url_for("moderation.queue", lang=lang)), documents, f"queue-{lang}")
    boxes = page.locator("input[name=comment_ids]")
    assert boxes.count() == QUEUE_SIZE + 2  # the offers and the questions
    count = page.locator("#bulk-count")
    assert count.is_visible() and count.inner_text() == ("Kein Kommentar ausgewählt" if lang == "de" else "No comment selected")

    page.check("#select-all")
    assert boxes.evaluate_all("boxes => boxes.every(box => box.checked)")
    assert count.inner_text().startswith(str(QUEUE_SIZE + 2))
    boxes.first.uncheck()
    assert page.eval_on_selector("#select-all", "box => !box.checked && box.indeterminate")

    # On a wide window the bulk form stays in view at the bottom while the list scrolls.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 800)")
    assert page.locator("ol.queue > li").last.bounding_box()["y"] > 900  # the list goes on below
    box = page.locator("#bulk-form").bounding_box()
    assert box is not None and 900 - 1 <= box["y"] + box["height"] <= 900 + 1 and box["height"] < 250


def test_bulk_rejection_of_the_whole_page(server, page):
    sign_in(page, server)
    page.goto(server.url_for("moderation.queue", milestone=server.data.milestone_id))
    page.check("#select-all")
    page.select_option("#bulk_action", "reject")
    page.select_option("#bulk_template_id", str(server.data.template_id))
    response = submit(page, "#bulk-form input[name=submit]")
    assert response.status == 200
    assert f"{QUEUE_SIZE} Kommentare wurden entschieden." in page.locator("main").inner_text()
    assert statuses(server) == ["rejected"] * QUEUE_SIZE
    with server.app.app_context():
        mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == "spam@example.org")))
    assert [m.subject for m in mails] == [f"Die Moderation hat über {QUEUE_SIZE} Ihrer Kommentare entschieden"]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_redaction_by_marking_the_text(server, page, documents, lang):
    sign_in(page, server)
    check_page(page, page.goto(server.url_for("moderation.item", comment_id=server.data.redact_id, lang=lang)),
               documents, f"item-{lang}")
    take = page.locator("#redact-take")
    assert take.is_visible()
    take.click()
    assert page.locator("#redact-status").inner_text() != ""
    assert page.input_value("#redact-passages") == ""
    for passage in ("Frau Meier aus Nr. 5", "0171 2345678"):
        page.evaluate("""(passage) => {
            const text = document.getElementById("redact-source").firstChild;
            const start = text.data.indexOf(passage);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + passage.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""", passage)
        take.click()
        assert passage in page.locator("#redact-status").inner_text()
    assert page.input_value("#redact-passages") == "Frau Meier aus Nr. 5\n0171 2345678"
    if lang == "en":
        return  # the German run, after this one, sends it
    response = submit(page, "#redact-submit")
    assert response.status == 200
    shown = page.locator("section[aria-labelledby=comment-title] .comment-text").inner_text()
    assert "[entfernt] weiß mehr." in shown and "Rufen Sie [entfernt] an." in shown


def test_redaction_without_javascript_uses_the_field(server, page_nojs):
    sign_in(page_nojs, server)
    page_nojs.goto(server.url_for("moderation.item", comment_id=server.data.shown_id))
    assert not page_nojs.locator("#redact-take").is_visible()
    assert not page_nojs.locator("#redact-help").is_visible()
    page_nojs.fill("#redact-passages", "Billige Uhren")
    submit(page_nojs, "#redact-submit")
    assert "Die Textstellen wurden entfernt." in page_nojs.content()


def test_select_all_without_javascript(server, page_nojs):
    sign_in(page_nojs, server)
    page_nojs.goto(server.url_for("moderation.queue"))
    page_nojs.check("#select-all")
    page_nojs.select_option("#bulk_action", "approve")
    submit(page_nojs, "#bulk-form input[name=submit]")
    assert "2 Kommentare wurden entschieden." in page_nojs.locator("main").inner_text()
    with server.app.app_context():
        assert list(db.session.scalars(select(Comment.status).where(Comment.body.like("Frage %")))) == ["published"] * 2


def test_blocking_asks_about_pending_comments(server, page, documents):
    with server.app.app_context():
        willi = db.session.scalar(select(Comment.author_id).where(Comment.id == server.data.shown_id))
        make_comment(db.session.get(Milestone, server.data.milestone_id), db.session.get(User, willi),
                     status="pending", body="Noch ein Angebot")
        db.session.commit()
    sign_in(page, server)
    check_page(page, page.goto(server.url_for("moderation.item", comment_id=server.data.shown_id, lang="en")),
               documents, "item-block-question-en")
    assert page.locator("#block-pending input[type=radio]").count() == 2
    page.fill("#block-reason", "Werbung")
    check_page(page, submit(page, "#block-submit"), documents, "item-block-unanswered", status=422)
    assert page.locator(".error-summary a[href='#block-pending']").count() == 1
    page.check("#block-pending-1")
    response = submit(page, "#block-submit")
    assert response.status == 200 and "stay in the queue" in page.locator("main").inner_text()
    with server.app.app_context():
        assert db.session.scalar(select(Comment.status).where(Comment.body == "Noch ein Angebot")) == "pending"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_reason_templates_as_moderator(server, page, documents, lang):
    sign_in(page, server)
    check_page(page, page.goto(server.url_for("moderation.reasons", lang=lang)), documents, f"reasons-{lang}")
    check_page(page, page.goto(server.url_for("moderation.reason_edit", template_id=server.data.template_id, lang=lang)),
               documents, f"reason-edit-{lang}")


def test_nothing_refused_by_the_content_security_policy(server, page_strict):
    sign_in(page_strict, server)
    assert_no_refusal_on(page_strict, [server.url_for("moderation.queue"),
                                       server.url_for("moderation.item", comment_id=server.data.redact_id)])


def test_valid_html(documents):
    """Runs last in this module: every document collected above, in one vnu run."""
    assert_documents_valid(documents)
