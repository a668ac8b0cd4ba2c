"""Log lines are JSON and hold no personal data: no IP or e-mail addresses, no query strings, no tokens."""
from __future__ import annotations

import json
import logging

import pytest

from app import create_app
from app.extensions import db
from app.logging import JsonFormatter, scrub
from config import TestingConfig

pytestmark = pytest.mark.ops


def test_request_lines_name_the_route_not_the_path_query_or_client(caplog):
    app = create_app(TestingConfig, LOG_REQUESTS=True, PROXY_FIX_COUNT=1)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="etappen.request"):
        client.get("/konto/passwort-zuruecksetzen/geheimes-token-123?email=anna@example.org",
                   headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "198.51.100.4"})
        client.get("/health?q=suchwort")
    lines = [JsonFormatter().format(record) for record in caplog.records if record.name == "etappen.request"]
    assert len(lines) == 2
    entries = [json.loads(line) for line in lines]
    assert entries[0]["rule"] == "/konto/passwort-zuruecksetzen/<token>"
    assert entries[0]["status"] == 404  # an unknown token
    assert entries[1] == entries[1] | {"rule": "/health", "status": 200, "method": "GET"}
    text = "\n".join(lines)
    for private in ("geheimes-token-123", "anna@example.org", "203.0.113.7", "198.51.100.4", "suchwort", "?"):
        assert private not in text


def test_messages_from_libraries_are_scrubbed():
    record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1,
                               "Invalid request from ip=%s for %s", ("2001:db8::7", "max@example.de"), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Invalid request from ip=[ip] for [email]"
    assert entry["level"] == "warning" and entry["logger"] == "gunicorn.error"
    # Times and version numbers stay readable.
    assert scrub("um 12:30:05 mit Version 3.1.2") == "um 12:30:05 mit Version 3.1.2"
    assert scrub("Listening at: http://127.0.0.1:8000") == "Listening at: http://[ip]:8000"
