"""Two app processes on one database and one Redis: nothing that matters lives in a process."""
from __future__ import annotations

import io
import re

import pytest
import redis
import requests
from PIL import Image

from app import create_app
from app.extensions import db
from app.models import Role
from config import TestingConfig
from tests.builders.auth import PASSWORD, make_account
from tests.builders.ops import gunicorn_servers
from tests.plugins.auth import form_fields, sign_in_http

pytestmark = [pytest.mark.ops, pytest.mark.postgres]

REDIS_URL = "redis://127.0.0.1:6379/15"
ADMIN_EMAIL = "verwaltung@musterstadt.example"


def png(size=(320, 100)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (26, 95, 180)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def shared_database(scratch_database_url):
    """The scratch database (PostgreSQL under `make test-postgres`, else a SQLite file) with an admin."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=scratch_database_url)
    with app.app_context():
        db.create_all()
        make_account(ADMIN_EMAIL, roles=(Role.ADMIN,))
        db.session.remove()
        db.engine.dispose()
    return scratch_database_url


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


def test_session_rate_limit_and_upload_made_through_one_process_are_seen_by_the_other(
    tmp_path, shared_database, shared_redis,
):
    env = {
        "DATABASE_URL": shared_database,
        "RATELIMIT_STORAGE_URI": shared_redis,
        "LOGIN_LIMIT_PER_IP": "3 per minute",
    }
    with gunicorn_servers(tmp_path, env, count=2) as (a, b):
        admin = requests.Session()

        # A session made by A is accepted by B (same SECRET_KEY, no server-side session state).
        assert sign_in_http(admin, a.url, ADMIN_EMAIL, PASSWORD).status_code == 303
        account = admin.get(b.url + "/konto", allow_redirects=False, timeout=30)
        assert account.status_code == 200
        assert ADMIN_EMAIL in account.text

        # An upload through A (the site logo, kept in the database) is served by B.
        settings = admin.get(a.url + "/verwaltung/einstellungen", timeout=30)
        assert settings.status_code == 200
        data = form_fields(settings.text, "/verwaltung/einstellungen/logo")
        uploaded = admin.post(a.url + "/verwaltung/einstellungen/logo", data=data,
                              files={"logo-file": ("logo.png", png(), "image/png")},
                              allow_redirects=False, timeout=30)
        assert uploaded.status_code == 303, uploaded.text[:2000]
        page_b = admin.get(b.url + "/verwaltung/einstellungen", timeout=30).text
        logo_url = re.search(r'class="logo-preview" src="([^"]+)"', page_b)
        assert logo_url, "B's settings page shows no logo"
        logo_b = requests.get(b.url + logo_url.group(1).replace("&amp;", "&"), timeout=30)
        assert logo_b.status_code == 200 and logo_b.headers["Content-Type"].startswith("image/")
        assert Image.open(io.BytesIO(logo_b.content)).size == (320, 100)

        # A rate limit counted through A (1 sign-in above + 2 failed ones) holds on B.
        visitor = requests.Session()
        for attempt in range(2):
            refused = sign_in_http(visitor, a.url, f"niemand{attempt}@example.org", "falsches Passwort")
            assert refused.status_code == 422
        assert sign_in_http(visitor, b.url, "niemand9@example.org", "falsches Passwort").status_code == 429
        # B itself had never counted a sign-in: the count came from Redis.
