"""Every backend page in English: no German interface text left (issue 13).

The pages are found in the app's URL map (every GET route under /en/verwaltung), filled
with ids from a small site that has something on each page. A page fails when a text a
person sees or hears (text, title, alt, aria-label, placeholder, button value) is a German
msgid of the English catalogue whose translation differs, outside an element marked
lang="de" (German content such as milestone titles and comments). Msgids with
placeholders match with any value in their place ("Konto #%(id)d" finds "Konto #15").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po
from flask import url_for

from app.admin_settings.services import LEGAL_PAGES
from app.backend import services as backend
from app.backend.services import ProgressData
from app.extensions import db
from app.models import (
    Champion, Department, Field, FundingSource, HoldPattern, Milestone, ModerationAction, OutboxMail, ProgressUpdate,
    Role, User,
)
from app.moderation import administration, blocks, decisions, redaction
from app.participation.services import comments as participation
from app.progress import today
from app.reporting import reports
from app.staff import services as staff
from tests.builders import make_admin, make_citizen, make_editor, make_moderator
from tests.builders.comments import make_comment, make_flag
from tests.builders.quality import build_quality_site

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PREFIX = "/en/verwaltung"
# Not HTML: files and images (the CSV export is checked on its own below).
NOT_PAGES = {"backend.champion_photo", "moderation.log_export", "reporting_admin.report_pdf", "transfer.export"}
ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
# A msgid with placeholders must keep this many letters of its own to be matched (not "%(a)s: %(b)s").
MIN_LETTERS = 4


@cache
def german_catalogue() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """German msgids whose English translation differs: exact texts and placeholder patterns."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    exact: set[str] = set()
    patterns: list[re.Pattern] = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings) or set(ids) == set(strings):
            continue
        for msgid in ids:
            text = normalise(msgid)
            if not PLACEHOLDER.search(text):
                exact.add(text)
            elif len(re.sub(r"[^A-Za-zÄÖÜäöüß]", "", PLACEHOLDER.sub("", text))) >= MIN_LETTERS:
                parts = PLACEHOLDER.split(text)
                literal = [re.escape(part) for part in parts[::2]]
                patterns.append(re.compile("(?:.+?)".join(literal) + r"\Z", re.S))
    return frozenset(exact), tuple(patterns)


def normalise(text: str) -> str:
    return " ".join(text.split())


def _texts(element, german: bool):
    """(text, is German content) for the element's own texts, attributes and children."""
    if not isinstance(element.tag, str) or element.tag in ("script", "style", "template"):
        return
    lang = element.get("lang")
    if lang is not None:
        german = lang.lower().startswith("de")
    if element.tag == "textarea":
        return  # what a person typed (German content), not interface text
    for name in ATTRIBUTES:
        if element.get(name):
            yield element.get(name), german
    if element.tag == "input" and element.get("type") in ("submit", "button", "reset") and element.get("value"):
        yield element.get("value"), german
    if not german:
        whole = element.text_content()
        if whole.strip() and not any(child.get("lang") for child in element.iterdescendants() if isinstance(child.tag, str)):
            yield whole, german
    if element.text:
        yield element.text, german
    for child in element:
        yield from _texts(child, german)
        if child.tail:
            yield child.tail, german


def german_strings(html: str) -> list[str]:
    """The German catalogue texts shown on the page outside German content."""
    exact, patterns = german_catalogue()
    found: list[str] = []
    document = lxml.html.document_fromstring(html)
    for raw, german in _texts(document, False):
        text = normalise(raw)
        if german or not text or text in found:
            continue
        if text in exact or any(p.match(text) for p in patterns):
            found.append(text)
    return found


def test_the_checker_finds_german_text_but_not_german_content(app):
    assert german_strings('<p>Speichern</p><p lang="de">Abbrechen</p>') == ["Speichern"]
    assert german_strings('<p>Nothing <b>German</b></p><textarea>Speichern</textarea>') == []
    assert german_strings('<button aria-label="Konto #15">x</button>') == ["Konto #15"]
    assert german_strings('<div lang="de"><p lang="en">Speichern</p></div>') == ["Speichern"]


@dataclass
class Site:
    admin_id: int
    moderator_id: int
    editor_id: int
    ids: dict[str, object]


def build_site() -> Site:
    """The quality site plus staff, comments in the queue, moderation decisions and audit entries."""
    build_quality_site()
    db.session.flush()
    admin = make_admin(display_name="Anna Admin")
    moderator = make_moderator(display_name="Moritz Moderation")
    department = db.session.scalar(db.select(Department).where(Department.slug == "buergeramt"))
    editor = make_editor(department, display_name="Erik Redaktion")
    milestone = db.session.scalar(db.select(Milestone).where(Milestone.slug == "digitales-buergerkonto"))
    # This title is also an example in the public explainer's catalogue; in the backend's select
    # lists it is content, not interface text.
    db.session.scalar(db.select(Milestone).where(Milestone.slug == "online-terminvergabe")).title = "Terminbuchung im Netz"
    db.session.commit()
    update = backend.report_progress(admin, milestone, ProgressData(
        title="Pilot gestartet", body="Der Pilot läuft.", reported_on=today(), author_role="Leitung Bürgeramt",
        new_progress=65))
    db.session.commit()

    template = administration.save_reason_template(admin, None, administration.ReasonData(
        title="Beleidigung", text_de="Bitte bleiben Sie sachlich.", text_en="", position=1))
    pattern = administration.add_hold_pattern(admin, "Idiot", False)
    db.session.commit()
    author = make_citizen(display_name="Bea Buerger")
    pending = make_comment(milestone, author, status="pending", body="Wann kommt das Konto?")
    flagged = make_comment(milestone, author, body="Das ist alles zu langsam.")
    make_flag(flagged, reason="insult", text="unfreundlich")
    held = make_comment(milestone, make_citizen(), status="held", body="Das plant doch keiner.")
    make_comment(parent=held, author=author, body="Doch, steht im Plan.")
    rejected = make_comment(milestone, author, body="Bitte schneller.")
    db.session.commit()
    participation.post_comment(make_citizen(display_name="Otto Offen"), milestone, "Ein Idiot hat das geplant.")
    db.session.commit()
    decisions.decide(moderator, rejected.id, None, ModerationAction.REJECT.value, template_id=template.id)
    redaction.redact(moderator, flagged.id, None, ["langsam"])
    block = blocks.block_author(moderator, author.id, "7", "Wiederholte Beleidigungen", rejected.id)
    staff.invite(admin, staff.InviteData(email="neu@example.org", display_name="Nina Neu", roles={Role.EDITOR},
                                         department_ids=[department.id]))
    db.session.commit()
    invitation = db.session.scalars(db.select(OutboxMail).where(OutboxMail.to_address == "neu@example.org")).first()
    token = re.search(r"/verwaltung/konten/einladung/(\S+)", invitation.body_text).group(1)
    report = reports.issue_report(admin, today() - timedelta(days=1), None)
    db.session.commit()
    ids = {
        "milestone_id": milestone.id, "update_id": update.id,
        "field_id": db.session.scalar(db.select(Field.id).limit(1)),
        "department_id": department.id,
        "source_id": db.session.scalar(db.select(FundingSource.id).limit(1)),
        "champion_id": db.session.scalar(db.select(Champion.id).limit(1)),
        "user_id": editor.id, "comment_id": held.id, "template_id": template.id,
        "slug": LEGAL_PAGES, "token": token, "block_id": block.id, "pattern_id": pattern.id,
        "report_id": report.id,
    }
    assert db.session.get(ProgressUpdate, update.id) is not None and db.session.scalar(db.select(HoldPattern.id))
    return Site(admin.id, moderator.id, editor.id, ids)


def backend_pages(app, ids: dict[str, object], method: str = "GET") -> list[str]:
    """Every English page under the backend prefix answering `method`, with ids filled in."""
    paths: list[str] = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or not rule.rule.startswith(PREFIX) or rule.endpoint in NOT_PAGES:
            continue
        needed = sorted(set(rule.arguments) - set(rule.defaults or {}))
        missing = [name for name in needed if name not in ids]
        assert not missing, f"{rule.rule}: add an id for {missing} to the test's site"
        values = [ids[name] for name in needed]
        combos = [dict(zip(needed, combo)) for combo in _product(values)]
        with app.test_request_context():
            for args in combos:
                paths.append(url_for(rule.endpoint, lang="en", **args))
    return sorted(set(paths))


def _product(values):
    if not values:
        yield ()
        return
    first, rest = values[0], values[1:]
    for value in first if isinstance(first, tuple) else (first,):
        for tail in _product(rest):
            yield (value, *tail)


def visit(client, paths: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        found = german_strings(response.get_data(as_text=True))
        if found:
            problems[path] = found
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "German interface text on English pages:\n" + "\n".join(
        f"  {path}: {found}" for path, found in sorted(problems.items()))


@pytest.fixture
def site(app, db):
    return build_site()


def _client(auth, user_id: int):
    return auth.client_for(db.session.get(User, user_id))


def test_every_backend_page_in_english_as_admin(auth, app, site):
    paths = backend_pages(app, site.ids)
    assert len(paths) > 40 and f"{PREFIX}/moderation" in paths
    problems = visit(_client(auth, site.admin_id), paths)
    assert not problems, report(problems)


def test_refused_forms_in_english(auth, app, site):
    """Every backend form sent empty (one blank field): the error pages it answers with."""
    client = _client(auth, site.admin_id)
    problems: dict[str, list[str]] = {}
    answered = 0
    for path in backend_pages(app, site.ids, "POST"):
        response = client.post(path, data={"title": ""})
        if response.status_code in (301, 302, 303) or "text/html" not in response.content_type:
            continue
        answered += 1
        found = german_strings(response.get_data(as_text=True))
        if found:
            problems[f"POST {path} ({response.status_code})"] = found
    assert answered > 15
    assert not problems, report(problems)


def test_pages_that_differ_for_moderator_and_editor(auth, app, site):
    pages = {
        site.moderator_id: ["", "/moderation", "/moderation/protokoll", "/moderation/sperren",
                            f"/moderation/kommentare/{site.ids['comment_id']}"],
        site.editor_id: ["", "/etappenziele", f"/etappenziele/{site.ids['milestone_id']}", "/unbeantwortet"],
    }
    problems: dict[str, list[str]] = {}
    for user_id, paths in pages.items():
        problems.update(visit(_client(auth, user_id), [PREFIX + path for path in paths]))
    assert not problems, report(problems)


def test_moderation_log_export_in_english(auth, app, site):
    response = _client(auth, site.moderator_id).get(f"{PREFIX}/moderation/protokoll.csv")
    assert response.status_code == 200
    exact, patterns = german_catalogue()
    cells = {normalise(cell) for line in response.get_data(as_text=True).splitlines() for cell in line.split(";")}
    assert not [c for c in cells if c in exact or any(p.match(c) for p in patterns)]
    text = response.get_data(as_text=True)
    assert "Konto #" not in text and "Account #" in text and "Match on the hold list" in text
