"""HTTP caching for anonymous visitors: an ETag on public HTML pages, and 304 when it matches.

Only for answers that are the same for every anonymous visitor: a GET without a session
cookie whose answer starts no session and sets no caching rules of its own (feeds, the API
and participation forms set theirs). `no-cache` makes every cache ask again each time, so a
new comment or vote is visible at once; what the ETag saves is sending the page again.
The page is still built for every request: a conditional answer saves bytes, not work.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request, session


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


def init_app(app: Flask) -> None:
    @app.after_request
    def anonymous_page_validators(response: Response) -> Response:
        if not _same_for_every_anonymous_visitor(response):
            return response
        response.cache_control.no_cache = True
        response.cache_control.public = True
        response.vary.add("Cookie")
        response.add_etag()
        return response.make_conditional(request)
