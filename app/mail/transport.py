"""Turning an outbox row into a message and handing it to SMTP or to a .eml file."""
from __future__ import annotations

import smtplib
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from flask import current_app

from app.models import OutboxMail


def build_message(mail: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=timezone.utc))
    # Tells mail servers and auto-responders this is an automatic mail (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


class Transport(Protocol):
    def send(self, message: EmailMessage, mail: OutboxMail) -> None: ...

    def close(self) -> None: ...


class SMTPTransport:
    """One SMTP connection for a batch of mails."""

    def __init__(self, config) -> None:
        cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        self.connection = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                self.connection.starttls()
            if config["MAIL_USERNAME"]:
                self.connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except Exception:
            self.close()
            raise

    def send(self, message: EmailMessage, mail: OutboxMail) -> None:
        self.connection.send_message(message)

    def close(self) -> None:
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()


class FileTransport:
    """Development without a mail server: each mail becomes a .eml file to open in a mail program."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage, mail: OutboxMail) -> None:
        name = f"{mail.created_at:%Y%m%d-%H%M%S}-{mail.id}.eml"
        (self.directory / name).write_bytes(message.as_bytes())

    def close(self) -> None:
        pass


class RecordOnlyTransport:
    """Tests: the outbox row is the only record of the mail."""

    def send(self, message: EmailMessage, mail: OutboxMail) -> None:
        pass

    def close(self) -> None:
        pass


def open_transport() -> Transport:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SMTPTransport(config)
    if config.get("MAIL_OUTBOX_DIR"):
        return FileTransport(config["MAIL_OUTBOX_DIR"])
    return RecordOnlyTransport()


def is_permanent_failure(error: Exception) -> bool:
    """A 5xx answer for the recipient: retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused)):
        return error.smtp_code >= 500
    return isinstance(error, (ValueError, UnicodeError))
