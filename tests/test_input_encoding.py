"""Malformed form input: invisible-only comments, bytes that are not UTF-8, other charsets, and
control characters in single-line fields. Refused with a message in the page's language (never a
500), the rest of the input kept; every form of the app shares the rule."""
from __future__ import annotations

import pytest
import wtforms
from sqlalchemy import func, select

from app.extensions import db as _db
from app.forms_base import InputForm, PlainForm, single_line
from app.models import Comment
from app.participation.forms import GuestCommentForm, new_form_stamp
from app.settings import set_setting
from tests.builders import make_citizen, make_milestone
from tests.builders.comments import make_comment

ENCODING_DE = "keine gültige UTF-8-Kodierung"
ENCODING_EN = "not valid UTF-8"
URLENCODED = "application/x-www-form-urlencoded"


@pytest.fixture
def scene(db):
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto")
    citizen = make_citizen(display_name="Clara")
    parent = make_comment(milestone, citizen, "Eine Frage.")
    set_setting("guest_comments", True)
    _db.session.commit()
    return milestone, citizen, parent


def comment_count() -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(Comment))


def raw_form(stamp: str, body: bytes, **fields: str) -> bytes:
    """A URL-encoded form body whose "body" field is given as raw (already encoded) bytes."""
    parts = [f"form_started={stamp}", "website="] + [f"{key}={value}" for key, value in fields.items()]
    return "&".join(parts).encode("ascii") + b"&body=" + body


INVISIBLE_BODIES = ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u00ad \u200b \n\u2063", "\u3164\u2800"]


@pytest.mark.parametrize("body", INVISIBLE_BODIES)
def test_a_comment_of_invisible_characters_is_refused(auth, client, scene, body):
    milestone, citizen, parent = scene
    auth.sign_in(citizen)
    before = comment_count()
    for url in ("/etappenziele/buergerkonto/kommentieren", f"/kommentare/{parent.id}/antworten"):
        response = client.post(url, data={"body": body, "website": "", "form_started": new_form_stamp()})
        assert response.status_code == 422
        assert "Bitte schreiben Sie einen Text." in response.get_data(as_text=True)
    assert comment_count() == before


BAD_BODIES = {
    "invalid UTF-8, percent-encoded": (b"Hallo%FF%FE", URLENCODED),
    "invalid UTF-8, raw bytes": (b"Hallo\xff\xfe", URLENCODED),
    "a lone surrogate (CESU-8)": (b"Hallo%ED%A0%80", URLENCODED),
    "latin-1 declared": (b"Gr%FC%DFe", URLENCODED + "; charset=latin-1"),
    "latin-1 declared, ASCII only": (b"Hallo", URLENCODED + "; charset=ISO-8859-1"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
@pytest.mark.parametrize(("prefix", "message"), [("", ENCODING_DE), ("/en", ENCODING_EN)])
def test_guest_comment_in_another_encoding_is_refused_and_keeps_the_input(client, scene, case, prefix, message):
    body, content_type = BAD_BODIES[case]
    before = comment_count()
    response = client.post(f"{prefix}/etappenziele/buergerkonto/gastkommentar",
                           data=raw_form(new_form_stamp(), body, name="Gerda", email="gerda%40example.org"),
                           content_type=content_type)
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert message in page
    if b"\xff" not in body:  # Werkzeug drops a body with raw non-ASCII bytes whole
        assert 'value="Gerda"' in page and 'value="gerda@example.org"' in page
    assert comment_count() == before


def test_signed_in_comment_with_invalid_utf8_is_refused(auth, client, scene):
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    before = comment_count()
    response = client.post("/etappenziele/buergerkonto/kommentieren",
                           data=raw_form(new_form_stamp(), b"%FF%FE"), content_type=URLENCODED)
    assert response.status_code == 422 and ENCODING_DE in response.get_data(as_text=True)
    assert comment_count() == before


def test_multipart_with_invalid_utf8_is_refused(client, scene):
    boundary = "grenze"
    parts = [("form_started", new_form_stamp().encode()), ("website", b""), ("name", b"Gerda"),
             ("email", b"gerda@example.org"), ("body", b"Hallo \xff\xfe")]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
        for name, value in parts
    ) + f"--{boundary}--\r\n".encode()
    response = client.post("/etappenziele/buergerkonto/gastkommentar", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and ENCODING_DE in response.get_data(as_text=True)
    assert comment_count() == 1  # the parent of the scene only


def test_text_that_only_looks_percent_encoded_is_fine(auth, client, scene):
    """Someone may well type "%FF": only bytes that really are not UTF-8 are refused."""
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    response = client.post("/etappenziele/buergerkonto/kommentieren",
                           data={"body": "Rabatt: 100%FF und Grüße", "website": "", "form_started": new_form_stamp()})
    assert response.status_code == 303
    assert _db.session.scalar(select(Comment).order_by(Comment.id.desc())).body == "Rabatt: 100%FF und Grüße"


@pytest.mark.parametrize(("typed", "kept"), [
    ("Gerda\r\nGast", "Gerda Gast"),
    ("Gerda\tGast", "Gerda Gast"),
    ("Ger\x00da\x1b[31m", "Gerda[31m"),
    ("Gerda\u2028Gast\x85", "Gerda Gast "),
])
def test_single_line_fields_lose_control_characters(app, typed, kept):
    with app.test_request_context(method="POST", data={"name": typed, "body": "Zeile 1\r\nZeile 2"}):
        form = GuestCommentForm()
        assert form.name.data == kept
        assert form.body.data == "Zeile 1\r\nZeile 2"  # text areas keep their lines
    assert single_line(typed) == kept


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_app_shares_the_base(app):
    """A new form must derive from InputForm or PlainForm, or it would skip these rules."""
    forms = {cls for cls in _all_subclasses(wtforms.Form) if cls.__module__.startswith("app.")}
    assert len(forms) > 20
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, (InputForm, PlainForm))] == []


@pytest.mark.parametrize("website", ["\x00", "\x01\x02"])
def test_a_honeypot_of_control_characters_still_gives_a_bot_away(auth, client, scene, website):
    """The single-line filter must not empty the honeypot before it is looked at."""
    milestone, citizen, _ = scene
    auth.sign_in(citizen)
    before = comment_count()
    response = client.post("/etappenziele/buergerkonto/kommentieren",
                           data={"body": "Ein Text", "website": website, "form_started": new_form_stamp()})
    assert response.status_code == 422
    assert comment_count() == before
