"""Browser journey through moderation, with every step asserted.

Under pre-moderation a citizen's comment is not public → a moderator approves it → public →
three other citizens flag it → auto-hidden with the "wird geprüft" line → the moderator
restores it → public again → the moderator rejects another comment with a reason → the
thread shows the removal line and the author receives the reason by mail (local SMTP).
Every backend page on the way: zero axe violations; all of them valid for vnu at the end.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Role, utcnow
from app.settings import set_setting
from tests.builders import make_milestone
from tests.builders.auth import make_account
from tests.builders.comments import make_reason_template
from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server
from tests.helpers.quality import follow
from tests.plugins.auth import sign_in_browser
from tests.plugins.browser import VIEWPORT, browser  # noqa: F401  (fixture)
from tests.plugins.smtp import local_smtp  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

FIRST = "Wann wird der Radweg Nord endlich beleuchtet? Abends ist es dort gefährlich."
SECOND = "Im Rathaus sitzen doch nur Schlafmützen."
HELD_LINE = "Nach Meldungen vorübergehend ausgeblendet – wird geprüft"
REASON = "Bitte kritisieren Sie Entscheidungen, nicht Menschen."


@contextmanager
def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", timezone_id="Europe/Berlin", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def backend_check(page, response, documents: dict, name: str) -> None:
    assert response is not None and response.status == 200, f"{name}: {response.status if response else None}"
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    documents[name] = response.text()


def comment_id(server, body: str) -> int:
    with server.app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.body == body))


def status_of(server, cid: int) -> str:
    with server.app.app_context():
        return db.session.get(Comment, cid).status


def public_thread(page, server, slug: str) -> str:
    """The anonymous view of the comments; its published count equals the comments shown."""
    page.goto(server.url_for("public.milestone", slug=slug))
    thread = page.locator("#kommentare")
    shown = thread.locator("article.comment:not(.comment-trace)").count()
    counted = int(re.match(r"\d+", thread.locator("p.hint").first.inner_text()).group())
    assert counted == shown, f"count line says {counted}, page shows {shown}"
    return thread.inner_text()


def queue_item(page, cid: int):
    return page.locator(f"article[aria-labelledby='item-{cid}-title']")


def test_moderation_journey(browser, local_smtp, tmp_path):
    documents: dict[str, str] = {}
    with running_live_server(tmp_path, **local_smtp.config) as server:
        with server.app.app_context():
            set_setting("moderation_mode", "pre")
            make_account(email="mona@example.org", roles=(Role.MODERATOR,), display_name="Mona Moderation")
            make_account(email="anna@example.org", display_name="Anna Autorin", email_confirmed_at=utcnow())
            for n in range(3):
                make_account(email=f"melder{n}@example.org", display_name=f"Melder {n}", email_confirmed_at=utcnow())
            make_milestone("Radweg Nord", slug="radweg-nord")
            make_reason_template("Respekt", "Beiträge dürfen niemanden herabsetzen.")
            db.session.commit()

        with new_page(browser) as anna, new_page(browser) as public, new_page(browser) as mona:
            # A citizen writes two comments; under pre-moderation only she sees them, marked as waiting.
            sign_in_browser(anna, server, "anna@example.org")
            for text in (FIRST, SECOND):
                anna.goto(server.url_for("public.milestone", slug="radweg-nord"))
                anna.fill("form.comment-form textarea[name=body]", text)
                follow(anna.locator("form.comment-form button[type=submit]"))
            first, second = comment_id(server, FIRST), comment_id(server, SECOND)
            assert status_of(server, first) == status_of(server, second) == "pending"
            anna.goto(server.url_for("public.milestone", slug="radweg-nord"))
            assert anna.locator(f"#kommentar-{first}").get_by_text("Wartet auf Freigabe").count() == 1
            assert FIRST not in public_thread(public, server, "radweg-nord")

            # The moderator approves the first comment from the queue.
            sign_in_browser(mona, server, "mona@example.org")
            response = mona.goto(server.url_for("moderation.queue"))
            backend_check(mona, response, documents, "queue-pre")
            assert queue_item(mona, first).get_by_text("Wartet auf Freigabe", exact=True).count() == 1
            response = follow(queue_item(mona, first).locator("button[value=approve]"))
            backend_check(mona, response, documents, "queue-approved")
            assert "Der Kommentar wurde freigegeben." in mona.locator(".flashes").inner_text()
            assert queue_item(mona, first).count() == 0
            assert FIRST in public_thread(public, server, "radweg-nord")

            # Three other citizens flag it: it is hidden automatically, with the "wird geprüft" line.
            for n in range(3):
                with new_page(browser) as citizen:
                    sign_in_browser(citizen, server, f"melder{n}@example.org")
                    citizen.goto(server.url_for("public.milestone", slug="radweg-nord"))
                    follow(citizen.locator(f"#kommentar-{first} a", has_text="Melden"))
                    citizen.check("input[name=reason][value=insult]")
                    follow(citizen.locator("main form button[type=submit]"))
                    assert "Danke für Ihre Meldung" in citizen.content()
            assert status_of(server, first) == "held"
            thread = public_thread(public, server, "radweg-nord")
            assert HELD_LINE in thread and FIRST not in thread

            # It is first in the queue, with the three flags; the moderator restores it.
            response = mona.goto(server.url_for("moderation.queue"))
            backend_check(mona, response, documents, "queue-held")
            top = mona.locator("ol.queue > li").first
            assert top.locator(f"#item-{first}-title").count() == 1
            assert top.get_by_text("Nach Meldungen ausgeblendet", exact=True).count() == 1
            assert top.locator(".flags h3").inner_text() == "3 Meldungen"
            response = follow(top.locator("button[value=restore]"))
            backend_check(mona, response, documents, "queue-restored")
            assert status_of(server, first) == "published"
            thread = public_thread(public, server, "radweg-nord")
            assert FIRST in thread and HELD_LINE not in thread

            # The moderator rejects the second comment with a template and own words.
            item = queue_item(mona, second)
            item.locator("select[name=template_id]").select_option(label="Respekt")
            item.locator("textarea[name=reason]").fill(REASON)
            response = follow(item.locator("button[value=reject]"))
            backend_check(mona, response, documents, "queue-rejected")
            assert status_of(server, second) == "rejected"
            thread = public_thread(public, server, "radweg-nord")
            assert f"Von der Moderation entfernt (Grund: Respekt: {REASON})" in thread
            assert SECOND not in thread

            # Every decision is in the log.
            response = mona.goto(server.url_for("moderation.log"))
            backend_check(mona, response, documents, "log")
            log = mona.locator("table.moderation-log tbody").inner_text()
            for label in ("freigegeben", "nach Meldungen automatisch ausgeblendet", "wiederhergestellt", "abgelehnt"):
                assert label in log

        # The author got the reason by mail, with the way to appeal.
        messages = local_smtp.wait_for(3)
        to_anna = [m for m in messages if "anna@example.org" in m["to"]]
        removal = [m for m in to_anna if "entfernt" in str(m["message"]["Subject"])]
        assert len(removal) == 1
        body = removal[0]["message"].get_body(("plain",)).get_content()
        assert f"Grund: Respekt: {REASON}" in body
        assert "Beiträge dürfen niemanden herabsetzen." in body
        assert f"/kommentare/{second}/einspruch" in body
        assert SECOND in body

    reports = validate_documents(documents)
    invalid = [report.describe() for report in reports.values() if not report.valid]
    assert not invalid, "\n\n".join(invalid)
