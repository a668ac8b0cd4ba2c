"""A local SMTP server (aiosmtpd) for tests that send real mail.

Load with `pytest_plugins = ["tests.plugins.smtp"]` (or import the fixtures). `local_smtp`
starts a server on a free port of 127.0.0.1 (pass `local_smtp.config` to a live server's app);
`smtp_server` also points the `app` fixture's MAIL_* config at it; `dead_smtp` points that
config at a port where nothing listens.
"""
from __future__ import annotations

import email
import email.policy
import socket
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CapturingHandler:
    """Keeps every received message, parsed, with its envelope."""

    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message}
        )
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: CapturingHandler

    @property
    def config(self) -> dict:
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_USERNAME": None, "MAIL_TIMEOUT": 5}

    @property
    def messages(self) -> list:
        return self.handler.messages

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list:
        """The messages once at least `count` arrived (mail sent by a live server's thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} mail(s), got {len(self.messages)}")
            time.sleep(0.05)
        return self.messages

    def bodies(self) -> list[str]:
        """The text part of each received mail."""
        return [item["message"].get_body(("plain",)).get_content() for item in self.messages]


@pytest.fixture
def local_smtp():
    """A running local SMTP server on its own; `.config` holds the MAIL_* settings for an app."""
    handler = CapturingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SMTPServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(app, local_smtp):
    """The local SMTP server with the test app's mail sent there."""
    app.config.update(local_smtp.config)
    return local_smtp


@pytest.fixture
def dead_smtp(app):
    """MAIL_* config pointing at a port where no server listens."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_TIMEOUT=2)
    return port
