"""Display names: look-alike letters, invisible characters and compatibility forms do not get
round the rule against passing oneself off as staff; what is stored is what is checked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.citizens.names import InvalidDisplayName, clean_display_name
from app.extensions import db as _db
from app.models import Comment, User
from app.participation.forms import new_form_stamp
from app.settings import set_setting
from tests.builders import make_milestone
from tests.builders.auth import make_account

LOOK_ALIKES = [
    "\u2164erwaltung",                   # Roman numeral five
    "V\u0435rwaltung",                   # Cyrillic small ie
    "Ver\u00adwaltung",                  # soft hyphen
    "Ver\u200bwaltung",                  # zero-width space
    "\uff36\uff45\uff52\uff57\uff41\uff4c\uff54\uff55\uff4e\uff47",  # fullwidth
    "Moderat\u0456on",                   # Cyrillic Byelorussian-Ukrainian i
    "Adm\u0399nistration",               # Greek capital iota
    "M0deration",                        # digit zero
    "Ver-wal tung",                      # split by punctuation and space
    "Verwalt\u0075\u0308ng",             # combining diaeresis
    "Team der Moder\u0430tion",          # Cyrillic a inside a longer name
    "S\u0443stem",                       # Cyrillic u for y: a whole reserved name
    "Gel\u00f6schtes\u2060Konto",        # word joiner
]


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alike_staff_names_are_refused(name):
    with pytest.raises(InvalidDisplayName):
        clean_display_name(name)
    assert clean_display_name(name, staff=True)  # staff may use such names


@pytest.mark.parametrize(("typed", "stored"), [
    ("Erika Muster", "Erika Muster"),
    ("  J\u00fcrgen   Gro\u00df ", "J\u00fcrgen Gro\u00df"),
    ("\u0414\u043c\u0438\u0442\u0440\u0438\u0439", "\u0414\u043c\u0438\u0442\u0440\u0438\u0439"),  # names in any script
    ("\uff25\uff52\uff49\uff4b\uff41", "Erika"),           # fullwidth: NFKC
    ("Eri\u00adka\u200b M\u200duster\u202e", "Erika Muster"),  # invisible characters go
    ("Zo\u0065\u0308", "Zo\u00eb"),                         # composed
])
def test_names_are_stored_normalised(typed, stored):
    assert clean_display_name(typed) == stored


@pytest.mark.parametrize("name", ["\u00ad\u200b\u2060", "A\u200b"])
def test_names_of_invisible_characters_are_too_short(name):
    with pytest.raises(InvalidDisplayName):
        clean_display_name(name)


def test_profile_refuses_a_look_alike_staff_name(auth, client, db):
    user = make_account("erika@example.org", display_name="Erika")
    auth.sign_in(user)
    response = client.post("/konto/profil", data={"display_name": "\u2164erwaltung", "notify_replies": "y"})
    assert response.status_code == 422
    assert "verwechseln" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(User, user.id).display_name == "Erika"


def test_guest_names_follow_the_same_rule(client, db):
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto")
    set_setting("guest_comments", True)
    _db.session.commit()
    response = client.post("/etappenziele/buergerkonto/gastkommentar", data={
        "name": "Moderat\u0456on", "email": "gast@example.org", "body": "Hallo", "form_started": new_form_stamp(),
    })
    assert response.status_code == 422
    assert "verwechseln" in response.get_data(as_text=True)
    assert _db.session.scalar(select(Comment).where(Comment.milestone_id == milestone.id)) is None
