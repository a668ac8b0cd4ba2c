"""XSS: every payload of the corpus (tests/data/xss) as comment body and as display name.

The rendered pages are parsed (lxml and Python's html.parser, two different parsers) and
checked element by element: no script element, no event-handler attribute, no URL with a
javascript:, vbscript: or data: scheme. Every payload must appear as a comment, so the
checks cannot pass on an empty page.
"""
from __future__ import annotations

from types import SimpleNamespace

import lxml.html
import pytest
from lxml import etree
from sqlalchemy import func, select

from app.comments.notifications import AuthorEvent, notify_comment_author
from app.extensions import db as _db
from app.mail.transport import build_message
from app.models import Comment, Department, Milestone, OutboxMail, User
from app.participation.forms import new_form_stamp
from app.participation.services.text import clean_text
from app.participation.services import comments as participation_comments
from tests.builders import make_citizen, make_department, make_editor, make_milestone, make_user
from tests.builders.comments import make_comment
from tests.data.xss import FILES, load_payloads, load_payloads_from
from tests.helpers.xss import assert_inert, problems_lxml

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_corpus_is_large_and_from_several_sources():
    payloads = load_payloads()
    assert len(payloads) >= 300
    assert all(len(load_payloads_from(name)) >= 50 for name in FILES)
    assert any("<script" in p.lower() for p in payloads) and any("javascript:" in p.lower() for p in payloads)


@pytest.fixture
def xss_scene(app, db):
    app.config.update(COMMENT_MAX_LENGTH=20_000, COMMENTS_PER_PAGE=5_000)
    department = make_department(name="Bürgeramt")
    milestone = make_milestone(department=department)
    db.session.commit()
    return milestone, department


def comment_articles(html: str) -> int:
    return len(lxml.html.document_fromstring(html).xpath('//ol[@class="comment-list"]//article'))


def test_payloads_as_comment_bodies(auth, client, xss_scene):
    milestone, department = xss_scene
    author = make_citizen(display_name="Paula Payload")
    viewer = make_citizen(display_name="Viktor Viewer")
    _db.session.commit()
    auth.sign_in(author)
    accepted = 0
    for number, payload in enumerate(load_payloads()):
        if number % 20 == 0:
            auth.sign_in(author, clear=True)  # drop the collected flash messages
        response = client.post(f"/etappenziele/{milestone.slug}/kommentieren",
                               data={"body": payload, "form_started": new_form_stamp()})
        if clean_text(payload):
            assert response.status_code == 303, payload
            accepted += 1
        else:
            assert response.status_code == 422, payload
    assert accepted >= 300
    assert _db.session.scalar(select(func.count(Comment.id))) == accepted

    auth.sign_out()
    anonymous = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert comment_articles(anonymous) == accepted
    assert_inert(anonymous, '//ol[@class="comment-list"]', 'class="comment-list"')

    # Signed in, the thread carries forms and buttons next to each comment.
    auth.sign_in(viewer)
    signed_in = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert comment_articles(signed_in) == accepted
    assert_inert(signed_in, '//ol[@class="comment-list"]', 'class="comment-list"')


def test_plain_text_is_shown_exactly_as_typed(client, xss_scene):
    milestone, _ = xss_scene
    typed = ["Tom &amp; Jerry", "<!-- Hinweis -->", 'Siehe <a href="http://']
    for text in typed:
        make_comment(milestone, make_citizen(), text)
    _db.session.commit()
    html = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    shown = [element.text_content() for element in
             lxml.html.document_fromstring(html).xpath('//div[@class="comment-text"]')]
    assert sorted(shown) == sorted(typed)


def test_payloads_on_the_form_pages_and_the_unanswered_list(auth, client, xss_scene):
    """Comments stored as the service stores them (the submission is tested above)."""
    milestone, department = xss_scene
    author = make_citizen()
    editor = make_editor(department)
    comments = [make_comment(milestone, author, clean_text(payload))
                for payload in load_payloads() if clean_text(payload)]
    _db.session.commit()
    # The quoted comment on the reply, flag and delete pages (a sample of every fifth).
    auth.sign_in(editor)
    for comment in comments[::5]:
        for path in ("antworten", "melden"):
            html = client.get(f"/kommentare/{comment.id}/{path}").get_data(as_text=True)
            assert_inert(html, '//figure[@class="quoted-comment"]', 'class="quoted-comment"')
    auth.sign_in(author)
    for comment in comments[::25]:
        html = client.get(f"/kommentare/{comment.id}/loeschen").get_data(as_text=True)
        assert_inert(html, '//figure[@class="quoted-comment"]', 'class="quoted-comment"')
    auth.sign_in(editor)
    # Every page of the list (it is paginated), every comment on one of them.
    shown, page = 0, 1
    while True:
        listing = client.get(f"/verwaltung/unbeantwortet?page={page}").get_data(as_text=True)
        rows = len(lxml.html.document_fromstring(listing).xpath("//tbody/tr"))
        if not rows:
            break
        assert_inert(listing, "//main", "<main")
        shown, page = shown + rows, page + 1
    assert shown == len(comments) and page > 2


def test_payloads_as_display_names(auth, client, xss_scene):
    """Display names are set on the profile page (another feature); here they are stored directly."""
    milestone, _ = xss_scene
    payloads = load_payloads()
    for payload in payloads:
        make_comment(milestone, make_user(display_name=payload[:100]), "Ein harmloser Text")
    # Guest names take the same way into the page once a moderator approved the comment.
    for payload in payloads[:100]:
        make_comment(milestone, None, "Gast", guest_name=payload[:100], guest_email="g@example.org")
    _db.session.commit()
    html = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert comment_articles(html) == len(payloads) + 100
    names = lxml.html.document_fromstring(html).xpath('//span[@class="comment-author"]')
    assert len(names) == len(payloads) + 100
    assert_inert(html, '//ol[@class="comment-list"]', 'class="comment-list"')
    # Signed in, the own name also shows in the page header and in the thread's buttons.
    authors = _db.session.scalars(select(User).where(User.display_name.in_([p[:100] for p in payloads[::200]])))
    for author in authors:
        auth.sign_in(author)
        page = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
        assert_inert(page, "//body", "<body")


# --- feeds --------------------------------------------------------------------------------------------


def feed_problems(xml: bytes, fmt: str) -> tuple[int, list[str]]:
    """Entries of an Atom or RSS feed, and what a reader would render unsafely from them.

    Atom content of type "html" and RSS descriptions are HTML escaped into XML text: a feed
    reader unescapes and renders it, so the unescaped text is checked as an HTML document.
    Titles and author names are plain text and must not turn into markup at all.
    """
    root = etree.fromstring(xml)
    found: list[str] = []
    if fmt == "atom":
        entries = root.findall(f"{ATOM}entry")
        html_parts = [(e.find(f"{ATOM}content"), e.find(f"{ATOM}summary")) for e in entries]
        texts = [e.findtext(f"{ATOM}title") or "" for e in entries]
        texts += [a.text or "" for e in entries for a in e.iter(f"{ATOM}name")]
        for content, summary in html_parts:
            for part in (content, summary):
                if part is None:
                    continue
                assert part.get("type") in (None, "text", "html"), part.get("type")
                if part.get("type") == "html" and (part.text or "").strip():
                    found += problems_lxml(f"<html><body><div id='feed'>{part.text}</div></body></html>",
                                           "//div[@id='feed']")
    else:
        entries = root.findall("channel/item")
        texts = [e.findtext("title") or "" for e in entries]
        for entry in entries:
            description = entry.findtext("description") or ""
            if description.strip():
                found += problems_lxml(f"<html><body><div id='feed'>{description}</div></body></html>",
                                       "//div[@id='feed']")
    # Plain text stays plain: no element of it may survive as a child element of the feed.
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in ("script", "img", "iframe", "a"):
            found.append(f"<{element.tag}> element in the feed's XML")
    return len(entries), found


def stored_name(payload: str) -> str:
    """The payload as a display name passes app.citizens.names (no control characters, one line)."""
    return " ".join(clean_text(payload).split())[:100] or "Name"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_payloads_in_the_comment_feed(app, client, xss_scene, fmt):
    milestone, department = xss_scene
    payloads = load_payloads()
    app.config["FEED_MAX_ENTRIES"] = 2 * len(payloads)
    editor = make_editor(department)
    for payload in payloads:
        author = make_user(display_name=stored_name(payload))
        top = make_comment(milestone, author, clean_text(payload) or "leer")
        make_comment(milestone, editor, clean_text(payload) or "leer", parent=top, is_official=True,
                     department_id=department.id)
    _db.session.commit()
    for url in (f"/feeds/etappenziele/{milestone.slug}/kommentare.{fmt}",
                f"/en/feeds/etappenziele/{milestone.slug}/kommentare.{fmt}"):
        response = client.get(url)
        assert response.status_code == 200
        count, found = feed_problems(response.data, fmt)
        assert count == 2 * len(payloads)
        assert not found, "unsafe markup in the feed:\n" + "\n".join(sorted(set(found))[:50])


# --- mails --------------------------------------------------------------------------------------------


def assert_inert_mail(mail) -> None:
    """A plain-text mail: nothing a mail program renders as HTML; an HTML part, if any, is inert."""
    message = build_message(mail, "etappen@example.org")
    parts = [part for part in message.walk() if not part.is_multipart()]
    assert parts[0].get_content_type() == "text/plain"
    assert "\n" not in mail.subject and "\r" not in mail.subject
    for part in parts:
        if part.get_content_type() == "text/html":
            assert_inert(part.get_content(), "//body", "<body")
        else:
            assert part.get_content_type() == "text/plain", part.get_content_type()


def test_payloads_in_the_reply_answer_and_moderation_mails(app, xss_scene):
    milestone, department = xss_scene
    payloads = load_payloads()
    editor = make_editor(department)
    _db.session.commit()
    keep = (Milestone, milestone.id), (Department, department.id), (User, editor.id)
    checked = scripts = 0
    for payload in payloads:
        author = make_citizen(display_name=payload[:100])
        replier = make_citizen(display_name=payload[::-1][:100])
        body = clean_text(payload) or "leer"
        question = make_comment(milestone, author, body)
        reply = make_comment(milestone, replier, body, parent=question)
        answer = make_comment(milestone, editor, body, parent=question, is_official=True,
                              department_id=department.id)
        mails = [
            notify_comment_author(question, AuthorEvent.REPLY, reply=reply, deliver=False),
            notify_comment_author(question, AuthorEvent.OFFICIAL_ANSWER, reply=answer, deliver=False),
            notify_comment_author(
                question, AuthorEvent.MODERATION, template="moderation_removed",
                subject="Ihr Kommentar wurde entfernt", deliver=False,
                decision=SimpleNamespace(reason=payload), can_appeal=True,
            ),
        ]
        for mail in mails:
            assert mail is not None and mail.body_html is None
            assert_inert_mail(mail)
            scripts += "<script" in mail.body_text.lower()
            checked += 1
        # A session holding every object so far makes each commit expire them all (quadratic).
        _db.session.expunge_all()
        milestone, department, editor = (_db.session.get(model, ident) for model, ident in keep)
    assert checked == 3 * len(payloads)
    # The payloads really are in the mails (as text), so the checks cannot pass on empty mails.
    assert scripts >= 10


def test_payloads_in_the_editors_mail_about_new_comments(app, xss_scene):
    milestone, department = xss_scene
    make_editor(department, email="redaktion@example.org")
    _db.session.commit()
    for payload in load_payloads()[::3]:
        author = make_citizen(display_name=payload[:100])
        _db.session.commit()
        if clean_text(payload):
            participation_comments.post_comment(author, milestone, payload)
    mails = list(_db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == "redaktion@example.org")))
    assert len(mails) >= 90
    for mail in mails:
        assert mail.body_html is None
        assert_inert_mail(mail)
