"""HTTP caching of public pages for anonymous visitors (app/http_cache.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import utcnow
from app.progress import today
from app.participation.services import votes
from tests.builders import make_milestone, make_strategy, make_update, make_user
from tests.builders.comments import make_comment


def test_anonymous_page_gets_an_etag_and_a_304_when_unchanged(client, db):
    make_strategy()
    make_milestone()
    db.session.commit()
    first = client.get("/")
    assert first.status_code == 200
    assert first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    # Security headers stay on the short answer too.
    assert again.headers["X-Content-Type-Options"] == "nosniff"


def _comment(milestone, person):
    make_comment(milestone, person, body="Wann geht es weiter?")


def _vote(milestone, person):
    votes.support(person, milestone)


@pytest.mark.parametrize("change", [_comment, _vote], ids=["comment", "vote"])
def test_a_new_comment_or_vote_changes_the_etag_of_the_milestone_page(client, db, change):
    milestone = make_milestone()
    person = make_user(email_confirmed_at=utcnow())
    db.session.commit()
    path = f"/etappenziele/{milestone.slug}"
    before = client.get(path)
    change(milestone, person)
    db.session.commit()
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    if change is _comment:
        assert "Wann geht es weiter?" in after.get_data(as_text=True)


def test_signed_in_visitors_get_no_shared_validator(auth, client, db):
    milestone = make_milestone()
    user = make_user(email_confirmed_at=utcnow())
    db.session.commit()
    auth.sign_in(user)
    answer = client.get(f"/etappenziele/{milestone.slug}")
    assert answer.status_code == 200
    assert "ETag" not in answer.headers
    assert "public" not in answer.headers.get("Cache-Control", "")


def test_pages_that_start_a_session_are_not_cached(client, db):
    answer = client.get("/konto/anmelden")
    assert answer.status_code == 200
    assert "ETag" not in answer.headers


def test_feeds_keep_their_own_caching_and_errors_get_none(client, db):
    make_milestone()
    db.session.commit()
    feed = client.get("/feeds/fortschritt.atom")
    assert "max-age" in feed.headers["Cache-Control"]
    assert "no-cache" not in feed.headers["Cache-Control"]
    missing = client.get("/etappenziele/gibt-es-nicht")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers


def test_the_feed_version_follows_the_shown_window(app, client, db):
    """A new update changes the feed's ETag; an old one outside the newest entries does not."""
    app.config["FEED_MAX_ENTRIES"] = 2
    milestone = make_milestone()
    make_update(milestone, reported_on=today() - timedelta(days=3))
    make_update(milestone, reported_on=today() - timedelta(days=2))
    db.session.commit()
    first = client.get("/feeds/fortschritt.atom")
    make_update(milestone, reported_on=today() - timedelta(days=30), title="Alte Meldung")
    db.session.commit()
    unchanged = client.get("/feeds/fortschritt.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    make_update(milestone, reported_on=today(), title="Neue Meldung")
    db.session.commit()
    changed = client.get("/feeds/fortschritt.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "Neue Meldung" in changed.get_data(as_text=True)
    assert "Alte Meldung" not in changed.get_data(as_text=True)
