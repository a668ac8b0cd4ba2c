"""XSS: every payload of the corpus (tests/data/xss) as comment body and as display name.

The rendered pages are parsed (lxml and Python's html.parser, two different parsers) and
checked element by element: no script element, no event-handler attribute, no URL with a
javascript:, vbscript: or data: scheme. Every payload must appear as a comment, so the
checks cannot pass on an empty page.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html
import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Comment, User
from app.participation.forms import new_form_stamp
from app.participation.services import clean_text
from tests.builders import make_department, make_milestone, make_user
from tests.builders_participation import make_citizen, make_comment, make_editor, sign_in, sign_out
from tests.data.xss import FILES, load_payloads, load_payloads_from

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "srcset", "lowsrc", "dynsrc", "codebase", "cite", "ping"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# Browsers ignore these inside a URL's scheme ("java\tscript:" is "javascript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\xa0\u2028\u2029\ufeff]+")


def dangerous_url(value: str) -> bool:
    compact = _IGNORED_IN_SCHEME.sub("", value or "").lower()
    return compact.startswith(BAD_SCHEMES)


def problems_lxml(html: str, root_xpath: str) -> list[str]:
    document = lxml.html.document_fromstring(html)
    roots = document.xpath(root_xpath)
    assert roots, f"nothing matches {root_xpath}"
    found = []
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue  # comments and processing instructions
            tag = element.tag.lower()
            if tag in ("script", "iframe", "object", "embed", "style", "base", "meta", "link", "frame"):
                found.append(f"<{tag}> element")
            for name, value in element.attrib.items():
                lowered = name.lower()
                if lowered.startswith("on"):
                    found.append(f"<{tag} {name}=...> event handler")
                if lowered in URL_ATTRIBUTES and dangerous_url(value):
                    found.append(f"<{tag} {name}={value!r}> dangerous URL")
                if lowered == "style":
                    found.append(f"<{tag} style=...> inline style")
    return found


class ElementCollector(HTMLParser):
    """Python's own parser: every start tag with its (entity-decoded) attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def problems_stdlib(html: str, start_marker: str) -> list[str]:
    """The same checks with html.parser, from the marker to the end of the page."""
    collector = ElementCollector()
    collector.feed(html[html.index(start_marker):])
    found = []
    for tag, attrs in collector.tags:
        if tag == "script":
            found.append("<script> element")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}> event handler")
            if name in URL_ATTRIBUTES and dangerous_url(value or ""):
                found.append(f"<{tag} {name}={value!r}> dangerous URL")
    return found


def assert_safe(html: str, root_xpath: str, start_marker: str) -> None:
    found = problems_lxml(html, root_xpath) + problems_stdlib(html, start_marker)
    assert not found, "unsafe markup rendered:\n" + "\n".join(sorted(set(found))[:50])


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


def test_payloads_as_comment_bodies(client, xss_scene):
    milestone, department = xss_scene
    author = make_citizen(display_name="Paula Payload")
    viewer = make_citizen(display_name="Viktor Viewer")
    _db.session.commit()
    sign_in(client, author)
    accepted = 0
    for number, payload in enumerate(load_payloads()):
        if number % 20 == 0:
            sign_in(client, author, clear=True)  # drop the collected flash messages
        response = client.post(f"/etappenziele/{milestone.slug}/kommentieren",
                               data={"body": payload, "form_started": new_form_stamp()})
        if clean_text(payload):
            assert response.status_code == 303, payload
            accepted += 1
        else:
            assert response.status_code == 422, payload
    assert accepted >= 300
    assert _db.session.scalar(select(func.count(Comment.id))) == accepted

    sign_out(client)
    anonymous = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert comment_articles(anonymous) == accepted
    assert_safe(anonymous, '//ol[@class="comment-list"]', 'class="comment-list"')

    # Signed in, the thread carries forms and buttons next to each comment.
    sign_in(client, viewer)
    signed_in = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
    assert comment_articles(signed_in) == accepted
    assert_safe(signed_in, '//ol[@class="comment-list"]', 'class="comment-list"')


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


def test_payloads_on_the_form_pages_and_the_unanswered_list(client, xss_scene):
    """Comments stored as the service stores them (the submission is tested above)."""
    milestone, department = xss_scene
    author = make_citizen()
    editor = make_editor(department)
    comments = [make_comment(milestone, author, clean_text(payload))
                for payload in load_payloads() if clean_text(payload)]
    _db.session.commit()
    # The quoted comment on the reply, flag and delete pages (a sample of every fifth).
    sign_in(client, editor)
    for comment in comments[::5]:
        for path in ("antworten", "melden"):
            html = client.get(f"/kommentare/{comment.id}/{path}").get_data(as_text=True)
            assert_safe(html, '//figure[@class="quoted-comment"]', 'class="quoted-comment"')
    sign_in(client, author)
    for comment in comments[::25]:
        html = client.get(f"/kommentare/{comment.id}/loeschen").get_data(as_text=True)
        assert_safe(html, '//figure[@class="quoted-comment"]', 'class="quoted-comment"')
    sign_in(client, editor)
    listing = client.get("/verwaltung/unbeantwortet").get_data(as_text=True)
    assert len(lxml.html.document_fromstring(listing).xpath("//tbody/tr")) == len(comments)
    assert_safe(listing, "//main", "<main")


def test_payloads_as_display_names(client, xss_scene):
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
    assert_safe(html, '//ol[@class="comment-list"]', 'class="comment-list"')
    # Signed in, the own name also shows in the page header and in the thread's buttons.
    authors = _db.session.scalars(select(User).where(User.display_name.in_([p[:100] for p in payloads[::200]])))
    for author in authors:
        sign_in(client, author)
        page = client.get(f"/etappenziele/{milestone.slug}").get_data(as_text=True)
        assert_safe(page, "//body", "<body")
