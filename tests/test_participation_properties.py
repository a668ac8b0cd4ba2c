"""Property-based: malformed input to every participation form gives a 4xx with a message,
never a 500, and never changes stored data.

Each example sends one request that is broken in at least one way (a defect drawn from the
form's list) and arbitrary values in every other field, including unknown extra fields.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db as _db
from app.models import (
    Comment,
    CommentRating,
    Flag,
    FlagReason,
    Milestone,
    ModerationDecision,
    OutboxMail,
    SupportVote,
)
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from tests.builders import make_admin, make_citizen, make_department, make_editor, make_milestone
from tests.builders.comments import make_comment

MAX_LENGTH = 40
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis directory in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

anything = st.text(max_size=60)
big_number = st.integers(min_value=-(10**30), max_value=10**30)
extra_fields = st.dictionaries(st.text(min_size=1, max_size=12), anything, max_size=3)


def too_long(minimum: int):
    """Text that stays longer than `minimum` after stripping (letters, spaces, punctuation)."""
    return st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=minimum + 5,
                   max_size=minimum + 80).filter(lambda text: len(text.strip()) > minimum)


blank = st.sampled_from(["", " ", "\n\n", "\t \r\n", "\x00", "\x00\x01\x02"])
bad_body = st.one_of(blank, too_long(MAX_LENGTH))
bad_stamp = st.one_of(st.just(""), anything, st.just("eyJhIjoxfQ.ZZZZZZ.abcdef"))
honeypot = st.text(min_size=1, max_size=40).filter(lambda text: text.strip())
# Text that is not a plain number: "7" would be a real comment's permalink (numbers come from big_number).
# Text for one path segment. A "/" is left out: WSGI hands the app "%2F" decoded, as a path
# separator, and the router answers an address with "//" by a 308 to the one with a single
# slash (Werkzeug's merge_slashes), before any view sees the input.
def segment_text(**sizes):
    return st.text(**sizes).filter(lambda text: "/" not in text)


garbage_id = st.one_of(big_number.filter(lambda n: n < 1 or n > 2**31 - 1),
                       segment_text(min_size=1, max_size=20).filter(lambda s: not (s.isascii() and s.isdigit())))


def text_form(defect: str, body, stamp, website) -> dict:
    """A text form's fields, broken by `defect`."""
    data = {"body": body if defect == "body" else "Ein gültiger Text",
            "form_started": stamp if defect == "stamp" else new_form_stamp(),
            "website": website if defect == "honeypot" else ""}
    return data


@pytest.fixture
def world(app, db):
    """Published data of every kind; the snapshot of it must never change."""
    app.config["COMMENT_MAX_LENGTH"] = MAX_LENGTH
    department = make_department()
    milestone = make_milestone(department=department)
    citizen = make_citizen()
    other = make_citizen()
    mine = make_comment(milestone, citizen, "Mein Kommentar")
    theirs = make_comment(milestone, other, "Fremder Kommentar")
    reply = make_comment(milestone, other, "Eine Antwort", parent=theirs)
    _db.session.add_all([
        SupportVote(milestone_id=milestone.id, user_id=other.id),
        CommentRating(comment_id=mine.id, user_id=other.id, helpful=True),
    ])
    milestone.support_count = 1
    mine.helpful_count = 1
    set_setting("guest_comments", True)
    editor = make_editor(department)
    admin = make_admin()
    _db.session.commit()
    return {"milestone": milestone.slug, "citizen": citizen, "editor": editor, "admin": admin,
            "mine": mine.id, "theirs": theirs.id, "reply": reply.id}


def snapshot() -> tuple:
    _db.session.expire_all()
    comments = [(c.id, c.status, c.body, c.body_html, c.answer_status, c.edited_at, c.helpful_count,
                 c.unhelpful_count, c.flag_count, c.version, c.guest_confirmed_at)
                for c in _db.session.scalars(select(Comment).order_by(Comment.id))]
    milestones = [(m.id, m.support_count, m.comment_count, m.comments_closed)
                  for m in _db.session.scalars(select(Milestone).order_by(Milestone.id))]
    rows = [
        [(v.milestone_id, v.user_id) for v in _db.session.scalars(select(SupportVote))],
        [(r.comment_id, r.user_id, r.helpful) for r in _db.session.scalars(select(CommentRating))],
        [(f.comment_id, f.user_id, f.reason) for f in _db.session.scalars(select(Flag))],
        [d.id for d in _db.session.scalars(select(ModerationDecision))],
        [m.id for m in _db.session.scalars(select(OutboxMail))],
    ]
    return comments, milestones, rows


def assert_refused_with_message(response) -> None:
    assert 400 <= response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    assert "<h1>" in html
    main = html[html.index("<main"):]
    explained = ('class="error-summary"' in main or 'class="notice' in main
                 or "<p>" in main[main.index("<h1>"):])
    assert explained, main[:500]


def check(auth, world, method: str, path: str, data: dict | None = None, user="citizen") -> None:
    auth.sign_in(world[user])
    before = snapshot()
    response = auth.client.open(path, method=method, data=data or {})
    assert_refused_with_message(response)
    assert snapshot() == before


@PROPERTY_SETTINGS
@given(defect=st.sampled_from(["body", "stamp", "honeypot"]), body=bad_body, stamp=bad_stamp,
       website=honeypot, extra=extra_fields)
def test_comment_form(auth, client, world, defect, body, stamp, website, extra):
    data = {**extra, **text_form(defect, body, stamp, website)}
    check(auth, world, "POST", f"/etappenziele/{world['milestone']}/kommentieren", data)


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("reply")), defect=st.sampled_from(["body", "stamp", "honeypot"]),
       body=bad_body, stamp=bad_stamp, website=honeypot, extra=extra_fields)
def test_reply_form(auth, client, world, target, defect, body, stamp, website, extra):
    # A reply to a reply is malformed too: replies are one level deep.
    comment_id = world["reply"] if target == "reply" else quote(str(target), safe="")
    data = {**extra, **text_form(defect, body, stamp, website)}
    if target == "reply":
        data["body"] = "Ein gültiger Text"
        data["form_started"], data["website"] = new_form_stamp(), ""
    check(auth, world, "POST", f"/kommentare/{comment_id}/antworten", data)


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("theirs"), st.just("mine")),
       defect=st.sampled_from(["body", "stamp", "honeypot"]), body=bad_body, stamp=bad_stamp,
       website=honeypot, extra=extra_fields)
def test_edit_form(auth, client, world, target, defect, body, stamp, website, extra):
    data = {**extra, **text_form(defect, body, stamp, website)}
    if target in ("theirs", "mine"):
        comment_id = world[target]  # someone else's comment (403), or the own one with a defect
    else:
        comment_id = quote(str(target), safe="")
    check(auth, world, "POST", f"/kommentare/{comment_id}/bearbeiten", data)


valid_reasons = [reason.value for reason in FlagReason]


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("theirs"), st.just("mine")),
       defect=st.sampled_from(["reason", "other_without_text", "long_text", "stamp", "honeypot"]),
       reason=anything.filter(lambda value: value not in valid_reasons), long_text=too_long(1000),
       stamp=bad_stamp, website=honeypot, extra=extra_fields)
def test_flag_form(auth, client, world, target, defect, reason, long_text, stamp, website, extra):
    data = {**extra, "reason": "spam", "text": "", "form_started": new_form_stamp(), "website": ""}
    if defect == "reason":
        data["reason"] = reason
    elif defect == "other_without_text":
        data["reason"], data["text"] = "other", "  \n "
    elif defect == "long_text":
        data["text"] = long_text
    elif defect == "stamp":
        data["form_started"] = stamp
    else:
        data["website"] = website
    if target == "mine":
        comment_id = world["mine"]  # the own comment cannot be flagged at all
        data = {"reason": "spam", "form_started": new_form_stamp()}
    elif target == "theirs":
        comment_id = world["theirs"]
    else:
        comment_id = quote(str(target), safe="")
    check(auth, world, "POST", f"/kommentare/{comment_id}/melden", data)


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("theirs"), st.just("mine")), rating=anything, extra=extra_fields)
def test_rating_buttons(auth, client, world, target, rating, extra):
    if target == "mine":
        comment_id, value = world["mine"], "helpful"  # the own comment cannot be rated
    elif target == "theirs":
        comment_id, value = world["theirs"], rating
        if value in ("helpful", "unhelpful", "none"):
            value = value + "!"
    else:
        comment_id, value = quote(str(target), safe=""), rating
    check(auth, world, "POST", f"/kommentare/{comment_id}/bewerten", {**extra, "rating": value})


@PROPERTY_SETTINGS
@given(slug=segment_text(min_size=1, max_size=40), action=st.sampled_from(["unterstuetzen", "unterstuetzung-zuruecknehmen"]),
       extra=extra_fields)
def test_support_buttons_with_unknown_milestones(auth, client, world, slug, action, extra):
    if slug == world["milestone"]:
        slug += "-x"
    check(auth, world, "POST", f"/etappenziele/{quote(slug, safe='')}/{action}", extra)


@PROPERTY_SETTINGS
@given(target=garbage_id, closed=anything.filter(lambda value: value not in ("0", "1")), extra=extra_fields)
def test_staff_buttons(auth, client, world, target, closed, extra):
    check(auth, world, "POST", f"/kommentare/{quote(str(target), safe='')}/keine-antwort-noetig", extra,
          user="editor")
    check(auth, world, "POST", f"/etappenziele/{world['milestone']}/kommentare-schliessen",
          {**extra, "closed": closed}, user="admin")


@PROPERTY_SETTINGS
@given(defect=st.sampled_from(["name", "email", "body", "stamp", "honeypot"]),
       name=st.one_of(blank, too_long(100)), email=anything.filter(lambda value: "@" not in value),
       body=bad_body, stamp=bad_stamp, website=honeypot, extra=extra_fields)
def test_guest_comment_form(client, world, defect, name, email, body, stamp, website, extra):
    data = {**extra, **text_form(defect, body, stamp, website), "name": "Gerda", "email": "gerda@example.org"}
    if defect == "name":
        data["name"] = name
    elif defect == "email":
        data["email"] = email
    with client.session_transaction() as session:
        session.clear()
    before = snapshot()
    response = client.post(f"/etappenziele/{world['milestone']}/gastkommentar", data=data)
    assert_refused_with_message(response)
    assert snapshot() == before


@PROPERTY_SETTINGS
@given(token=segment_text(max_size=300))
def test_guest_confirmation_links(client, world, token):
    before = snapshot()
    path = f"/kommentare/bestaetigen/{quote(token, safe='')}" if token else "/kommentare/bestaetigen/x"
    response = client.post(path)
    assert_refused_with_message(response)
    assert snapshot() == before


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("theirs"), st.just("reply")), extra=extra_fields)
def test_delete_form(auth, client, world, target, extra):
    # Someone else's comment (403) or a comment that does not exist (404).
    comment_id = world[target] if target in ("theirs", "reply") else quote(str(target), safe="")
    check(auth, world, "POST", f"/kommentare/{comment_id}/loeschen", extra)


@PROPERTY_SETTINGS
@given(target=st.one_of(garbage_id, st.just("reply")), defect=st.sampled_from(["body", "stamp", "honeypot"]),
       body=bad_body, stamp=bad_stamp, website=honeypot, extra=extra_fields)
def test_official_answer_form(auth, client, world, target, defect, body, stamp, website, extra):
    """The editor's official answer is the reply form signed in as staff."""
    comment_id = world["reply"] if target == "reply" else quote(str(target), safe="")
    data = {**extra, **text_form(defect, body, stamp, website)}
    if target == "reply":
        data["body"] = "Eine gültige Antwort"
        data["form_started"], data["website"] = new_form_stamp(), ""
    check(auth, world, "POST", f"/kommentare/{comment_id}/antworten", data, user="editor")


@PROPERTY_SETTINGS
@given(target=garbage_id, sort=anything)
def test_permalinks_of_garbage(auth, client, world, target, sort):
    check(auth, world, "GET", f"/kommentare/{quote(str(target), safe='')}?comments_sort={quote(sort, safe='')}")
