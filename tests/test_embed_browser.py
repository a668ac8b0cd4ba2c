"""A widget in an iframe on another website: shown where the origin is allowed, refused elsewhere.

Two small web servers on other ports of 127.0.0.1 stand in for municipal websites (other
ports are other origins). Chromium enforces the widget's CSP frame-ancestors.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from markupsafe import escape

from app.extensions import db
from tests import conftest
from tests.builders import make_field, make_milestone

if "tests.plugins" not in getattr(conftest, "pytest_plugins", ()):
    # Until conftest.py loads tests.plugins for the whole suite (see tests/test_staff_quality.py).
    from tests.plugins.browser import browser, page_strict  # noqa: F401  (fixtures)
    from tests.plugins.live_server import live_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

HOST_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Website der Stadt</title></head>
<body><h1>Website der Stadt</h1>
<iframe src="{src}" title="Fortschritt der Digitalstrategie" width="600" height="500"></iframe>
</body></html>"""


@contextmanager
def municipal_website(widget_url: str):
    """A web server on its own port whose only page embeds the widget; yields its origin."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = HOST_PAGE.format(src=escape(widget_url)).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def widget_url(live_server):
    with live_server.app.app_context():
        field = make_field("Bürgerservice online", slug="buergerservice")
        make_milestone("Digitales Bürgerkonto", slug="buergerkonto", field=field, progress=60)
        db.session.commit()
    return live_server.url_for("embed.field", slug="buergerservice")


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_allowed_website_shows_the_widget(live_server, widget_url, page_strict):
    with municipal_website(widget_url) as origin:
        live_server.app.config["EMBED_ALLOWED_ORIGINS"] = [origin]
        page_strict.goto(origin + "/", wait_until="load")
        frame = page_strict.frame_locator("iframe")
        assert frame.locator("h1").inner_text() == "Bürgerservice online"
        assert frame.locator("text=Digitales Bürgerkonto").count() == 1
        link = frame.locator("a[target=_blank]").first
        assert link.get_attribute("rel") == "noopener"
        assert not [e for e in page_strict.console_errors if "frame-ancestors" in e]


def test_website_that_is_not_allowed_is_refused(live_server, widget_url, page_strict):
    with municipal_website(widget_url) as allowed, municipal_website(widget_url) as other:
        live_server.app.config["EMBED_ALLOWED_ORIGINS"] = [allowed]
        page_strict.goto(other + "/", wait_until="load")
        assert wait_for(lambda: any("frame-ancestors" in e for e in page_strict.console_errors)), (
            page_strict.console_errors)
        child = next(f for f in page_strict.frames if f != page_strict.main_frame)
        # Chromium replaces the refused document with its own error page.
        assert child.url.startswith("chrome-error://")
        assert "Bürgerservice online" not in child.content()
