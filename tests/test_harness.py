"""The test harness itself: its checks must be able to fail, or they prove nothing."""
from __future__ import annotations

import urllib.request

import pytest

from app.extensions import db
from tests.builders import make_strategy
from tests.helpers.html import validate_documents

VALID = '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Test</title></head><body><main><h1>Test</h1></main></body></html>'
INVALID = '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Test</title></head><body><p><div>kaputt</p></body></html>'
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


def serve(page, html: str, csp: str | None = None) -> None:
    """Show `html` as the answer of a made-up origin (no network involved)."""
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if csp:
        headers["Content-Security-Policy"] = csp
    page.route("http://harness.test/", lambda route: route.fulfill(status=200, headers=headers, body=html))
    page.goto("http://harness.test/")


def test_vnu_reports_errors_per_document_in_one_batch():
    reports = validate_documents([("good", VALID), ("bad", INVALID)])
    assert reports["good"].valid
    assert not reports["bad"].valid
    assert any("“p”" in message["message"] for message in reports["bad"].errors)


def test_assert_valid_html_lists_the_errors(assert_valid_html):
    with pytest.raises(AssertionError, match="vnu error"):
        assert_valid_html(INVALID)


def test_axe_finds_a_missing_alt_text_and_names_the_node(page, assert_accessible):
    serve(page, VALID.replace("<h1>Test</h1>", '<h1>Test</h1><img src="/bild.png" class="ohne-alt">'))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, 320)
    assert "image-alt" in str(failure.value) and "ohne-alt" in str(failure.value)


def test_axe_passes_a_clean_page_at_both_widths(page, assert_accessible):
    serve(page, VALID)
    assert_accessible(page)


def test_axe_runs_on_a_page_whose_csp_forbids_injected_scripts(page, assert_accessible):
    serve(page, VALID, csp=STRICT_CSP)
    assert_accessible(page, 1280)


def test_strict_page_reports_an_inline_style_refused_by_the_csp(page_strict):
    serve(page_strict, VALID.replace("<h1>", '<h1 style="color: red">'), csp=STRICT_CSP)
    assert any("style" in error for error in page_strict.console_errors), page_strict.console_errors


def test_page_without_javascript_runs_no_script(page_nojs):
    serve(page_nojs, VALID.replace("</main>", "</main><noscript><p id='ohne'>ohne JavaScript</p></noscript>"))
    assert page_nojs.locator("#ohne").is_visible()


def test_live_server_serves_data_created_in_its_app_context(live_server):
    assert live_server.app.config["WTF_CSRF_ENABLED"] is True
    assert live_server.app.config["RATELIMIT_ENABLED"] is False
    with live_server.app.app_context():
        make_strategy()
        db.session.commit()
    with urllib.request.urlopen(live_server.url_for("public.home"), timeout=10) as response:
        assert response.status == 200
    with urllib.request.urlopen(live_server.url_for("public.home", lang="en"), timeout=10) as response:
        assert response.status == 200
        assert '<html lang="en"' in response.read().decode()
