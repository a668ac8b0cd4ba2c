"""HTTP caching for anonymous visitors: an ETag on public HTML pages, and 304 when it matches.

Only for answers that are the same for every anonymous visitor: a GET without a session
cookie whose answer starts no session and sets no caching rules of its own (feeds, the API
and participation forms set theirs). `no-cache` makes every cache ask again each time, so a
new comment or vote is visible at once; what the ETag saves is sending the page again.
The page is still built for every request: a conditional answer saves bytes, not work.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session


def _same_for_every_anonymous_visitor(response: Response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Cache-Control" not in response.headers
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
        and not session.modified
    )


def depends_on_session(response: Response) -> bool:
    """The answer was made for this visitor: asked with a session or remember cookie (unless
    the view declared it `public`, the same for everyone: the theme stylesheet, the logo, feeds,
    the API), or it starts or changes a session (a flash, a CSRF token) or sets any cookie."""
    config = current_app.config
    with_cookie = (
        config["SESSION_COOKIE_NAME"] in request.cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    )
    return (
        (with_cookie and not response.cache_control.public)
        or session.modified
        or "csrf_token" in g
        or "Set-Cookie" in response.headers
    )


def no_store(response: Response) -> Response:
    """An after_request hook for pages of one signed-in person (the backend, the account pages):
    no cache keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    @app.after_request
    def private_when_personal(response: Response) -> Response:
        # Shared caches (a proxy, the page cache) must never keep what one visitor saw.
        if depends_on_session(response):
            response.headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response

    @app.after_request
    def anonymous_page_validators(response: Response) -> Response:
        if not _same_for_every_anonymous_visitor(response):
            return response
        response.cache_control.no_cache = True
        response.cache_control.public = True
        response.vary.add("Cookie")
        response.add_etag()
        return response.make_conditional(request)
