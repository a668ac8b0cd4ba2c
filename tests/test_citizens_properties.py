"""Property tests over the register, profile and subscribe forms.

Malformed input gets a 4xx answer with a message, never a 500, and never changes what is
stored. Arbitrary input never gets a 500.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMail, Subscription, User, utcnow
from app.participation.forms import new_form_stamp
from tests.builders import make_field, make_milestone
from tests.builders.auth import PASSWORD, make_account
from tests.builders.citizens import make_subscription

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser could send (no lone surrogates: they cannot be encoded).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
odd_text = st.one_of(
    any_text,
    st.sampled_from(["", " ", "\x00", "\u202eevil", "<script>alert(1)</script>", "a" * 1000,
                     "Verwaltung", "ümlaut@exämple.org", "x@", "@x", "a@b", "erika@example.org"]),
)

BAD_NAMES = st.one_of(
    st.sampled_from(["", " ", "\t\n", "x", "\u200b\u200b", "Antwort der Verwaltung", "Moderation",
                     "Gelöschtes Konto", "a" * 101]),
    st.text(st.sampled_from("\x00\x01\u200b\u202e\ufeff "), max_size=20),
)
BAD_EMAILS = st.one_of(
    st.sampled_from(["", " ", "keine-adresse", "a@", "@b.de", "a b@c.de", "a@b@c.de", "x" * 250 + "@b.de"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="@"), max_size=60),
)
BAD_PASSWORDS = st.one_of(st.text(max_size=11), st.sampled_from(["password1234", "passwort1234"]))


def snapshot() -> dict:
    """What the forms must not change: the accounts, subscriptions and mails already stored."""
    db.session.expire_all()
    users = db.session.scalars(select(User).order_by(User.id)).all()
    return {
        "users": [(u.id, u.email, u.display_name, u.password_hash, u.email_confirmed_at, u.notify_replies,
                   u.notify_answers, u.notify_moderation) for u in users],
        "subscriptions": db.session.execute(
            select(Subscription.id, Subscription.email, Subscription.confirmed_at)).all(),
        "mails": db.session.scalar(select(func.count(OutboxMail.id))),
    }


@pytest.fixture
def existing(db):
    user = make_account("erika@example.org", display_name="Erika", email_confirmed_at=utcnow())
    milestone = make_milestone(slug="buergerkonto")
    make_field(slug="buergerservice")
    make_subscription("erika@example.org", milestone=milestone)
    db.session.commit()
    return user


def assert_refused_with_message(response, statuses=(422,)) -> None:
    assert response.status_code in statuses, response.status_code
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page or "Was möchten Sie abonnieren?" in page or response.status_code == 404


@st.composite
def malformed_registration(draw) -> dict:
    data = {
        "display_name": draw(st.one_of(st.just("Neue Person"), odd_text)),
        "email": draw(st.one_of(st.just("neu@example.org"), odd_text)),
        "password": draw(st.one_of(st.just(PASSWORD), odd_text)),
        "website": "",
        "form_started": new_form_stamp(),
    }
    data["confirm"] = draw(st.one_of(st.just(data["password"]), odd_text))
    broken = draw(st.sampled_from(["display_name", "email", "password", "confirm", "website", "form_started"]))
    data[broken] = draw({
        "display_name": BAD_NAMES,
        "email": BAD_EMAILS,
        "password": BAD_PASSWORDS,
        "confirm": st.just(data["password"] + "x"),
        "website": any_text.filter(lambda t: t.strip()),
        "form_started": odd_text,
    }[broken])
    if broken == "password":
        data["confirm"] = data["password"]
    return data


@SETTINGS
@given(data=malformed_registration())
def test_malformed_registrations_are_refused_and_change_nothing(client, existing, data):
    before = snapshot()
    response = client.post("/konto/registrieren", data=data)
    assert_refused_with_message(response)
    assert snapshot() == before


@SETTINGS
@given(name=BAD_NAMES, switches=st.dictionaries(
    st.sampled_from(["notify_replies", "notify_answers", "notify_moderation"]), odd_text))
def test_malformed_profiles_are_refused_and_change_nothing(auth, client, existing, name, switches):
    auth.sign_in(existing)
    before = snapshot()
    response = client.post("/konto/profil", data={"display_name": name, **switches})
    assert_refused_with_message(response)
    assert snapshot() == before


@SETTINGS
@given(
    query=st.dictionaries(st.sampled_from(["etappenziel", "handlungsfeld", "page"]),
                          st.one_of(st.sampled_from(["buergerkonto", "buergerservice", ""]), odd_text)),
    email=BAD_EMAILS,
    honeypot=st.one_of(st.just(""), any_text),
)
def test_malformed_subscriptions_are_refused_and_change_nothing(client, existing, query, email, honeypot):
    before = snapshot()
    response = client.post("/abonnieren", query_string=query,
                           data={"email": email, "website": honeypot, "form_started": new_form_stamp()})
    assert_refused_with_message(response, statuses=(400, 404, 422))
    assert snapshot() == before


@SETTINGS
@given(form=st.dictionaries(
    st.sampled_from(["display_name", "email", "password", "confirm", "website", "form_started", "remove_comments"]),
    odd_text,
), path=st.sampled_from(["/konto/registrieren", "/konto/profil", "/abonnieren?etappenziel=buergerkonto",
                          "/abonnieren?handlungsfeld=buergerservice", "/konto/loeschen",
                          "/abbestellen/x", "/konto/bestaetigen/x", "/abonnieren/bestaetigen/x"]),
   signed_in=st.booleans())
def test_arbitrary_input_never_breaks_a_form(auth, client, existing, form, path, signed_in):
    if signed_in:
        auth.sign_in(existing)
    else:
        with client.session_transaction() as session:
            session.clear()
    response = client.post(path, data=form)
    assert response.status_code < 500
    # The existing account survives anything but its own password.
    assert db.session.get(User, existing.id) is not None
