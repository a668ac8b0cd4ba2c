"""The page cache across app processes: a write through one server shows on the very next
anonymous request to the other, with the embedded default store (tag versions in a SQLite file
that both processes share, pages in each process's memory) and with Redis (both shared)."""
from __future__ import annotations

import json
import re

import pytest
import redis
import requests

from app import create_app
from app.extensions import db
from app.models import utcnow
from config import TestingConfig
from tests.builders import make_milestone
from tests.builders.auth import PASSWORD, make_account
from tests.builders.ops import gunicorn_servers
from tests.plugins.auth import form_fields, sign_in_http

pytestmark = [pytest.mark.ops, pytest.mark.postgres]

REDIS_URL = "redis://127.0.0.1:6379/14"
HOST = "etappen.test"
CITIZEN = "clara@example.org"


@pytest.fixture
def shared_database(scratch_database_url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=scratch_database_url)
    with app.app_context():
        db.create_all()
        make_milestone(title="Digitales Bürgerkonto", slug="buergerkonto")
        make_milestone(title="WLAN in Schulen", slug="wlan")
        make_account(CITIZEN, email_confirmed_at=utcnow())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return scratch_database_url


def anonymous(server, path: str) -> requests.Response:
    response = requests.get(server.url + path, headers={"Host": HOST}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response


def cache_lines(server) -> list[dict]:
    lines = []
    for line in server.log().splitlines():
        if line.startswith("{") and '"etappen.request"' in line:
            entry = json.loads(line)
            if "cache" in entry:
                lines.append(entry)
    return lines


def hits(server) -> int:
    return sum(1 for entry in cache_lines(server) if entry["cache"] == "hit")


def supporters(html: str) -> str:
    match = re.search(r'<p class="support-count">\s*(.*?)\s*</p>', html, re.S)
    return " ".join(match.group(1).split()) if match else ""


@pytest.fixture(params=["sqlite-file", "redis"])
def store_env(request, tmp_path):
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        client.flushdb()
        yield {"PAGE_CACHE_URL": REDIS_URL}
        client.flushdb()
        client.close()
    else:
        yield {"PAGE_CACHE_URL": "", "PAGE_CACHE_TAGS_PATH": str(tmp_path / "page-cache-tags.sqlite")}


def test_a_vote_through_one_server_shows_on_the_next_request_to_the_other(tmp_path, shared_database, store_env):
    env = {"DATABASE_URL": shared_database, "BASE_URL": f"http://{HOST}", "LOG_REQUESTS": "1",
           "PAGE_CACHE_ENABLED": "1", **store_env}
    with gunicorn_servers(tmp_path, env, count=2) as (a, b):
        for server in (a, b):
            for path in ("/etappenziele/buergerkonto", "/etappenziele/wlan", "/"):
                first, second = anonymous(server, path), anonymous(server, path)
                assert first.text == second.text
        assert hits(a) >= 3 and hits(b) >= 3, (cache_lines(a), cache_lines(b))
        before = supporters(anonymous(b, "/etappenziele/buergerkonto").text)

        citizen = requests.Session()
        assert sign_in_http(citizen, a.url, CITIZEN, PASSWORD).status_code == 303
        milestone_page = citizen.get(a.url + "/etappenziele/buergerkonto", timeout=30)
        assert milestone_page.headers["Cache-Control"] == "private, no-store"
        data = form_fields(milestone_page.text, "/etappenziele/buergerkonto/unterstuetzen")
        voted = citizen.post(a.url + "/etappenziele/buergerkonto/unterstuetzen", data=data,
                             allow_redirects=False, timeout=30)
        assert voted.status_code == 303, voted.text[:2000]

        hits_before = hits(b)
        after = supporters(anonymous(b, "/etappenziele/buergerkonto").text)
        assert after != before and after.startswith("1 "), (before, after)
        assert hits(b) == hits_before, "B served the page from before the vote"
        # The other milestone's page shows nothing of the vote and stays cached on both.
        anonymous(b, "/etappenziele/wlan")
        anonymous(a, "/etappenziele/wlan")
        assert hits(b) == hits_before + 1
        assert supporters(anonymous(a, "/etappenziele/buergerkonto").text) == after


def test_a_stale_local_copy_gives_way_to_the_newer_page_another_server_stored_in_redis():
    """With Redis, each process keeps its own copies too: a copy whose tags moved is replaced by
    what another server stored meanwhile, without rendering again."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from app.page_cache import tags as tagging
    from app.page_cache.middleware import PageCacheMiddleware
    from app.page_cache.stores import LayeredPages, MemoryPages, RedisPages, RedisTags

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    shown = {"body": b"v1", "renders": 0}

    def page(environ, start_response):
        tagging.current().tags.add("milestone:1")
        shown["renders"] += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [shown["body"]]

    def server():
        return PageCacheMiddleware(
            page, pages=LayeredPages(MemoryPages(1 << 20), RedisPages(client, "t:")), tags=RedisTags(client, "t:"),
            base_url=f"http://{HOST}", session_cookies=("session",), key_prefix="", today=date.today,
            timezone=ZoneInfo("Europe/Berlin"), log_hits=False)

    def get(middleware) -> bytes:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/seite", "QUERY_STRING": "", "HTTP_HOST": HOST}
        return b"".join(middleware(environ, lambda status, headers, exc_info=None: None))

    try:
        a, b = server(), server()
        assert get(a) == b"v1" and get(a) == b"v1" and shown["renders"] == 1
        RedisTags(client, "t:").bump(["milestone:1"])  # a write on another server
        shown["body"] = b"v2"
        assert get(b) == b"v2" and shown["renders"] == 2
        assert get(a) == b"v2" and shown["renders"] == 2, "A rendered again or served its stale copy"
    finally:
        client.flushdb()
        client.close()
