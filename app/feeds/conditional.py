"""HTTP caching for generated documents: validators computed before the document is built.

A validator summarises what a document shows (how many rows, the newest change) in one
cheap query. When the client already has that version, the answer is a 304 without
building anything.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Response, request
from werkzeug.http import is_resource_modified


@dataclass(frozen=True)
class Validator:
    """The version of a document: a strong ETag and the time of its newest change."""

    etag: str
    last_modified: datetime | None

    @classmethod
    def of(cls, *parts: object, last_modified: datetime | None = None) -> Validator:
        digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
        return cls(digest, last_modified)


def not_modified(validator: Validator) -> bool:
    """True when the request's If-None-Match or If-Modified-Since names this version."""
    if request.method not in ("GET", "HEAD"):
        return False
    return not is_resource_modified(
        request.environ, etag=validator.etag, last_modified=validator.last_modified
    )


def cacheable(response: Response, validator: Validator, max_age: int) -> Response:
    """Public caching headers: shared caches and feed readers may keep it for `max_age` seconds."""
    response.set_etag(validator.etag)
    if validator.last_modified is not None:
        response.last_modified = validator.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def not_modified_response(validator: Validator, max_age: int) -> Response:
    return cacheable(Response(status=304), validator, max_age)
