"""The security baseline every answer carries, and cookie-free anonymous page views."""
from __future__ import annotations

import pytest

from tests.builders import make_strategy

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
