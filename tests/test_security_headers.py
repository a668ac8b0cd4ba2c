"""The security baseline every answer carries, and cookie-free anonymous page views."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import make_strategy
from tests.helpers.html import validate_documents

PATHS = ["/", "/en/", "/gibt-es-nicht", "/en/gibt-es-nicht"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.fixture
def site(db):
    make_strategy()
    db.session.commit()


@pytest.mark.parametrize("path", PATHS)
def test_content_security_policy_forbids_inline_code_and_foreign_framing(client, site, path):
    response = client.get(path)
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{path} has no Content-Security-Policy"
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    directives = csp_directives(header)
    assert directives.get("frame-ancestors") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    # Without script-src the default-src applies; either way no other host may serve code.
    assert directives.get("script-src", directives.get("default-src")) == ["'self'"]


@pytest.mark.parametrize("path", PATHS)
def test_nosniff_and_referrer_policy(client, site, path):
    response = client.get(path)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
    }


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_anonymous_home_page_sets_no_cookie(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
    assert client.get_cookie("session") is None


BAD_HOSTS = ["a..b", ".", "x" * 64 + ".example.de"]


def assert_bare_400(response) -> None:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html and "<title>" in html
    assert "Ungültige Anfrage" in html
    assert response.headers.get("Content-Security-Policy") and response.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_malformed_host_header_answers_400_without_a_traceback(client, site, caplog, host, method):
    """Issue 14 (L8): the error page called url_for without a URL adapter: a 500 and two tracebacks."""
    for path in ("/", "/gibt-es-nicht", "/verwaltung/"):
        response = client.open(path, method=method, headers={"Host": host})
        assert_bare_400(response)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


def test_the_bare_error_page_is_valid_html_in_both_languages(client, site):
    german = client.get("/", headers={"Host": "a..b"}).get_data(as_text=True)
    english = client.get("/en/", headers={"Host": "a..b"})
    assert english.status_code == 400 and '<html lang="en">' in english.get_data(as_text=True)
    assert "<title>Bad request</title>" in english.get_data(as_text=True)
    reports = validate_documents({"de": german, "en": english.get_data(as_text=True)})
    assert all(not report.errors for report in reports.values()), [str(r) for r in reports.values()]


def test_trusted_hosts_refuse_other_hosts(app, client, site, caplog):
    app.config["TRUSTED_HOSTS"] = ["etappen.example.de", ".stadt.example"]
    assert client.get("/", headers={"Host": "etappen.example.de"}).status_code == 200
    assert client.get("/", headers={"Host": "www.stadt.example:443"}).status_code == 200
    assert_bare_400(client.get("/", headers={"Host": "evil.example"}))
    assert_bare_400(client.post("/konto/anmelden", headers={"Host": "evil.example"}))
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("value, expected", [
    ("", None),
    ("etappen.example.de", ["etappen.example.de"]),
    (" etappen.example.de, .stadt.example ,", ["etappen.example.de", ".stadt.example"]),
])
def test_trusted_hosts_come_from_the_environment(value, expected):
    code = "import config; print(repr(config.ProductionConfig.TRUSTED_HOSTS))"
    env = {**os.environ, "TRUSTED_HOSTS": value}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == repr(expected)
