"""E-mail subscriptions: the form, double opt-in, one-click unsubscribe, the batched notification job."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db as _db
from app.models import ActionToken, MilestoneChange, OutboxMail, Subscription, TokenPurpose, utcnow
from app.subscriptions import services
from app.subscriptions.notify import notify_subscribers
from config import TestingConfig
from tests.builders import make_field, make_milestone, make_update
from tests.builders.citizens import all_mails, link_path, make_subscription, mails_to, subscribe_data
from tests.conftest import FreshContextClient


@pytest.fixture
def target(db):
    field = make_field(name="Bürgerservice online", slug="buergerservice")
    milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto", field=field)
    make_milestone(title="Entwurf", slug="entwurf", field=field, published=False)
    db.session.commit()
    return milestone


def subscriptions() -> list[Subscription]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(Subscription).order_by(Subscription.id)))


def subscribe(client, query: str = "etappenziel=buergerkonto", prefix: str = "", **data):
    return client.post(f"{prefix}/abonnieren?{query}", data=subscribe_data(**data))


# --- the form -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "status"), [
    ("etappenziel=buergerkonto", 200),
    ("handlungsfeld=buergerservice", 200),
    ("etappenziel=gibt-es-nicht", 404),
    ("etappenziel=entwurf", 404),
    ("handlungsfeld=gibt-es-nicht", 404),
    ("", 400),
    ("etappenziel=buergerkonto&handlungsfeld=buergerservice", 400),
    ("etappenziel=", 400),
])
def test_the_form_needs_exactly_one_known_target(client, target, query, status):
    response = client.get(f"/abonnieren?{query}")
    assert response.status_code == status
    if status == 400:
        assert "Was möchten Sie abonnieren?" in response.get_data(as_text=True)


def test_the_form_is_prefilled_for_signed_in_people(auth, client, target):
    auth.as_role("citizen", email="clara@example.org")
    assert 'value="clara@example.org"' in client.get("/abonnieren?etappenziel=buergerkonto").get_data(as_text=True)


def test_subscribing_stores_an_unconfirmed_subscription_and_mails_a_link(client, target):
    response = subscribe(client, email=" Leser@Example.org ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/abonnieren/gesendet?etappenziel=buergerkonto"
    [subscription] = subscriptions()
    assert (subscription.email, subscription.milestone_id, subscription.confirmed_at) == (
        "leser@example.org", target.id, None)
    [mail] = mails_to("leser@example.org")
    assert "„Online-Bürgerkonto“" in mail.body_text
    assert link_path(mail.body_text, "/abonnieren/bestaetigen/")
    assert "Bitte bestätigen Sie Ihr Abonnement" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_field_can_be_subscribed_in_english(client, target):
    assert subscribe(client, "handlungsfeld=buergerservice", prefix="/en").status_code == 303
    [subscription] = subscriptions()
    assert subscription.field_id == target.field_id and subscription.locale == "en"
    assert link_path(mails_to("leser@example.org")[0].body_text, "/en/abonnieren/bestaetigen/")


def test_an_address_that_already_follows_gets_the_same_answer_and_no_mail(client, target):
    make_subscription("leser@example.org", milestone=target)
    _db.session.commit()
    response = subscribe(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/abonnieren/gesendet?etappenziel=buergerkonto"
    assert len(subscriptions()) == 1
    assert mails_to("leser@example.org") == []


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
    ({"email": ""}, "Bitte geben Sie Ihre E-Mail-Adresse ein."),
    ({"website": "http://spam.example"}, "automatisch erzeugt"),
    ({"form_started": ""}, "Das Formular ist abgelaufen"),
])
def test_refused_subscriptions_keep_the_input_and_store_nothing(client, target, data, message):
    response = subscribe(client, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert subscriptions() == []
    assert all_mails() == []


# --- double opt-in ----------------------------------------------------------------------------------


def confirm_path(client) -> str:
    assert subscribe(client).status_code == 303
    return link_path(mails_to("leser@example.org")[0].body_text, "/abonnieren/bestaetigen/")


def test_opening_the_confirmation_link_does_not_confirm_the_button_does(client, target):
    path = confirm_path(client)
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    client.get(path)
    assert subscriptions()[0].confirmed_at is None
    response = client.post(path)
    assert response.status_code == 200
    assert "Abonnement bestätigt" in response.get_data(as_text=True)
    subscription = subscriptions()[0]
    assert subscription.confirmed_at is not None
    assert subscription.notified_until == subscription.confirmed_at
    # Once only.
    assert client.post(path).status_code == 404


def test_an_expired_confirmation_link_confirms_nothing(client, target):
    path = confirm_path(client)
    token = _db.session.scalar(select(ActionToken).where(ActionToken.purpose == TokenPurpose.CONFIRM_SUBSCRIPTION))
    token.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert subscriptions()[0].confirmed_at is None


def test_unconfirmed_subscriptions_are_deleted_when_the_link_expired(app, target):
    old = make_subscription("alt@example.org", milestone=target, confirmed=False,
                            confirmed_at=utcnow() - timedelta(hours=49))
    make_subscription("neu@example.org", milestone=target, confirmed=False)
    make_subscription("bestaetigt@example.org", milestone=target, confirmed_at=utcnow() - timedelta(days=30))
    _db.session.commit()
    old_id = old.id
    assert notify_subscribers().purged == 1
    assert old_id not in {s.id for s in subscriptions()}
    assert len(subscriptions()) == 2


# --- unsubscribing -----------------------------------------------------------------------------------


@pytest.fixture
def confirmed(target):
    subscription = make_subscription("leser@example.org", milestone=target)
    other = make_subscription("andere@example.org", milestone=target)
    _db.session.commit()
    return subscription, other


def test_the_unsubscribe_page_shows_a_button_and_sets_no_cookie(client, confirmed):
    token = services.unsubscribe_token([confirmed[0]])
    response = client.get(f"/abbestellen/{token}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Online-Bürgerkonto" in response.get_data(as_text=True)
    assert len(subscriptions()) == 2


def test_the_button_unsubscribes_and_a_second_click_is_harmless(client, confirmed):
    token = services.unsubscribe_token([confirmed[0]])
    response = client.post(f"/abbestellen/{token}")
    assert response.status_code == 200
    assert "Abonnement beendet" in response.get_data(as_text=True)
    assert [s.email for s in subscriptions()] == ["andere@example.org"]
    again = client.post(f"/abbestellen/{token}")
    assert again.status_code == 200
    assert "bereits beendet" in again.get_data(as_text=True)


def test_one_click_unsubscribe_works_without_cookie_or_csrf_token(app, client, confirmed):
    """RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" to the header's URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    token = services.unsubscribe_token([confirmed[0]])
    response = client.post(f"/abbestellen/{token}", data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert [s.email for s in subscriptions()] == ["andere@example.org"]


def test_a_tampered_unsubscribe_token_is_refused(client, confirmed):
    token = services.unsubscribe_token([confirmed[0]])
    other_token = services.unsubscribe_token([confirmed[1]])
    payload, signature = token.rsplit(".", 1)
    forged = [
        payload + "." + signature[:-2] + ("AA" if not signature.endswith("AA") else "BB"),
        other_token.rsplit(".", 1)[0] + "." + signature,
        "erfunden",
    ]
    for bad in forged:
        assert client.get(f"/abbestellen/{bad}").status_code == 400
        response = client.post(f"/abbestellen/{bad}")
        assert response.status_code == 400
        assert "ungültig" in response.get_data(as_text=True)
    assert len(subscriptions()) == 2


def test_a_token_does_not_end_another_addresss_subscription_with_a_reused_id(client, confirmed):
    token = services.unsubscribe_token([confirmed[0]])
    subscription_id = confirmed[0].id
    _db.session.delete(confirmed[0])
    _db.session.commit()
    reused = Subscription(id=subscription_id, email="neu@example.org", milestone_id=confirmed[1].milestone_id,
                          confirmed_at=utcnow(), notified_until=utcnow())
    _db.session.add(reused)
    _db.session.commit()
    assert client.post(f"/abbestellen/{token}").status_code == 200
    assert {s.email for s in subscriptions()} == {"neu@example.org", "andere@example.org"}


# --- the notification job -----------------------------------------------------------------------------


def at(minutes_ago: int):
    return utcnow() - timedelta(minutes=minutes_ago)


def add_change(milestone, kind: str, old: str, new: str, minutes_ago: int, update=None, reason: str = ""):
    change = MilestoneChange(milestone=milestone, progress_update=update, changed_on=date(2026, 3, 1), kind=kind,
                             old_value=old, new_value=new, reason=reason, created_at=at(minutes_ago))
    _db.session.add(change)
    return change


@pytest.fixture
def news(target):
    """A subscriber since two hours; an update with a status change, a re-planning, one recent update."""
    subscription = make_subscription("leser@example.org", milestone=target, confirmed_at=at(120))
    update = make_update(target, title="Testbetrieb gestartet", body="Die ersten Ämter sind dabei.",
                         published_at=at(60), created_at=at(60))
    add_change(target, "status", "planned", "in_progress", 60, update=update)
    add_change(target, "target_date", "2026-06-30", "2026-09-30", 50, reason="Lieferverzug")
    add_change(target, "progress", "10", "20", 45)  # progress alone is not news
    make_update(target, title="Entwurf einer Meldung", published=False, published_at=None, created_at=at(40))
    make_update(target, title="Ganz frisch", published_at=at(5), created_at=at(5))
    _db.session.commit()
    return subscription


def test_events_older_than_the_batch_delay_go_out_in_one_mail(app, news):
    result = notify_subscribers()
    assert (result.mails, result.subscriptions) == (1, 1)
    [mail] = mails_to("leser@example.org")
    assert mail.subject == "Neues zu „Online-Bürgerkonto“"
    body = mail.body_text
    assert "Testbetrieb gestartet" in body
    assert "Neuer Stand: geplant → in Umsetzung" in body
    assert "Neu geplant: Zieltermin 30.06.2026 → 30.09.2026" in body
    assert "Begründung: Lieferverzug" in body
    assert "http://localhost/etappenziele/buergerkonto" in body
    # Drafts and progress-only changes are not news; the fresh update waits for the next run.
    assert "Entwurf einer Meldung" not in body and "10" not in body.split("Neu geplant")[0].split("Neuer Stand")[0]
    assert "Ganz frisch" not in body
    subscription = _db.session.get(Subscription, news.id)
    _db.session.refresh(subscription)
    assert abs(subscription.notified_until - at(app.config["NOTIFY_BATCH_MINUTES"])) < timedelta(minutes=1)


def test_nothing_is_sent_twice_and_the_waiting_event_follows_later(app, news):
    notify_subscribers()
    assert notify_subscribers().mails == 0
    later = notify_subscribers(now=utcnow() + timedelta(minutes=15))
    assert later.mails == 1
    bodies = [m.body_text for m in mails_to("leser@example.org")]
    assert len(bodies) == 2
    assert "Ganz frisch" in bodies[1] and "Testbetrieb gestartet" not in bodies[1]


def test_the_mail_carries_one_click_unsubscribe_headers(app, client, news):
    notify_subscribers()
    [mail] = mails_to("leser@example.org")
    url = mail.headers["List-Unsubscribe"]
    assert url.startswith("<http://localhost/abbestellen/") and url.endswith(">")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_path(mail.body_text, "/abbestellen/") == url[len("<http://localhost"):-1]
    assert client.post(url[len("<http://localhost"):-1], data="List-Unsubscribe=One-Click").status_code == 200
    assert subscriptions() == []


def test_mails_are_in_the_subscribers_language(app, news):
    news.locale = "en"
    _db.session.commit()
    notify_subscribers()
    [mail] = mails_to("leser@example.org")
    assert "http://localhost/en/etappenziele/buergerkonto" in mail.body_text
    assert mail.headers["List-Unsubscribe"].startswith("<http://localhost/en/abbestellen/")


def test_one_mail_per_address_without_repeats(app, news, target):
    field_subscription = make_subscription("leser@example.org", field=target.field, confirmed_at=at(120))
    sibling = make_milestone(title="Digitale Bauakte", field=target.field)
    make_update(sibling, title="Bauakte im Test", published_at=at(30), created_at=at(30))
    make_subscription("andere@example.org", field=target.field, confirmed_at=at(120))
    _db.session.commit()
    result = notify_subscribers()
    assert (result.mails, result.subscriptions) == (2, 3)
    [mail] = mails_to("leser@example.org")
    assert mail.subject == "Neues zu 2 Abonnements"
    assert mail.body_text.count("Testbetrieb gestartet") == 1
    assert "Bauakte im Test" in mail.body_text
    # Each subscription has its own link, and the header ends both.
    token = mail.headers["List-Unsubscribe"].rsplit("/", 1)[1].rstrip(">")
    assert {s.id for s in services.subscriptions_for_token(token)} == {news.id, field_subscription.id}
    [other] = mails_to("andere@example.org")
    assert "Testbetrieb gestartet" in other.body_text and "Bauakte im Test" in other.body_text


def test_unpublished_milestones_send_nothing(app, news, target):
    target.published = False
    _db.session.commit()
    assert notify_subscribers().mails == 0


def test_unconfirmed_subscriptions_get_no_news(app, news, target):
    make_subscription("offen@example.org", milestone=target, confirmed=False)
    _db.session.commit()
    notify_subscribers()
    assert mails_to("offen@example.org") == []


def test_the_command_runs_the_job(runner, news):
    result = runner.invoke(args=["notify-subscribers", "--no-deliver"])
    assert result.exit_code == 0, result.output
    assert "1 mails for 1 subscriptions" in result.output
    assert _db.session.scalar(select(OutboxMail.sent_at)) is None


# --- rate limits --------------------------------------------------------------------------------


@pytest.fixture
def limited_client():
    app = create_app(TestingConfig, RATELIMIT_ENABLED=True, SUBSCRIBE_LIMIT_PER_IP="2 per hour")
    app.test_client_class = FreshContextClient
    with app.app_context():
        _db.create_all()
        make_milestone(slug="buergerkonto")
        _db.session.commit()
        yield app.test_client()
        _db.session.remove()
        _db.drop_all()
    create_app(TestingConfig)


def test_subscriptions_per_ip_are_limited_with_a_clear_message(limited_client):
    statuses = [subscribe(limited_client, email=f"p{n}@example.org").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert "Bitte warten Sie eine Stunde" in subscribe(limited_client, email="x@example.org").get_data(as_text=True)
    assert len(subscriptions()) == 2
