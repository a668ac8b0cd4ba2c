"""Messages from visitors to the administration, through the mail outbox.

A department's contact address is never shown: the form writes to it, and the sender gets no
copy of the department's mail (only a receipt for barrier reports, which go to the site's
general contact address). Nothing is stored except the outbox mail itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.mail.services import queue_mail
from app.models import Department, Milestone
from app.settings import get_setting

NAME_MAX = 100
MESSAGE_MAX = 5000
URL_MAX = 500


class NoRecipient(Exception):
    """There is no address to write to."""


class InvalidInput(Exception):
    def __init__(self, errors: dict[str, object]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Recipient:
    """Whom a contact form writes to; `address` never goes into a page."""

    department: Department
    milestone: Milestone | None
    address: str | None

    @property
    def reachable(self) -> bool:
        return bool(self.address)


def general_contact() -> str:
    return str(get_setting("contact_email") or "")


def recipient_for_milestone(milestone: Milestone) -> Recipient | None:
    """The responsible department of a milestone, or None when it names none."""
    if milestone.department is None:
        return None
    return Recipient(milestone.department, milestone, milestone.department.contact_email or None)


def recipient_for_department(department: Department) -> Recipient:
    return Recipient(department, None, department.contact_email or None)


def _clean_email(raw: str, field: str, errors: dict, required: bool) -> str:
    text = (raw or "").strip()
    if not text:
        if required:
            errors[field] = _l("Bitte geben Sie Ihre E-Mail-Adresse an.")
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        errors[field] = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
        return ""


def _clean_text(raw: str, field: str, errors: dict, maximum: int, required_message=None) -> str:
    text = (raw or "").strip().replace("\r\n", "\n")
    if not text and required_message is not None:
        errors[field] = required_message
    elif len(text) > maximum:
        errors[field] = _l("Höchstens %(max)d Zeichen.", max=maximum)
    return text


def write_to_department(recipient: Recipient, name: str, email: str, message: str) -> None:
    """Queue the visitor's message to the department; Reply-To is the visitor's address."""
    if not recipient.reachable:
        raise NoRecipient()
    errors: dict[str, object] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _l("Bitte geben Sie Ihren Namen an.")
    elif len(name) > NAME_MAX:
        errors["name"] = _l("Höchstens %(max)d Zeichen.", max=NAME_MAX)
    email = _clean_email(email, "email", errors, required=True)
    message = _clean_text(message, "message", errors, MESSAGE_MAX, _l("Bitte schreiben Sie eine Nachricht."))
    if errors:
        raise InvalidInput(errors)
    milestone = recipient.milestone
    subject = (
        _l("Nachricht zu „%(title)s“", title=milestone.title) if milestone is not None
        else _l("Nachricht an %(name)s", name=recipient.department.name)
    )
    queue_mail(
        recipient.address, subject, "contact_department", locale="de",
        headers={"Reply-To": email}, deliver=False,
        department=recipient.department, milestone=milestone,
        sender_name=name, sender_email=email, message=message,
    )


def report_barrier(page_url: str, description: str, email: str, locale: str) -> None:
    """Queue a barrier report to the site's contact address, and a receipt when an address is given."""
    to = general_contact()
    if not to:
        raise NoRecipient()
    errors: dict[str, object] = {}
    page_url = _clean_text(page_url, "page_url", errors, URL_MAX)
    if "\n" in page_url:
        errors["page_url"] = _l("Bitte geben Sie nur eine Adresse an.")
    description = _clean_text(description, "description", errors, MESSAGE_MAX,
                              _l("Bitte beschreiben Sie die Barriere."))
    email = _clean_email(email, "email", errors, required=False)
    if errors:
        raise InvalidInput(errors)
    queue_mail(
        to, _l("Barriere gemeldet"), "contact_barrier", locale="de",
        headers={"Reply-To": email} if email else None, deliver=False,
        page_url=page_url, description=description, sender_email=email,
    )
    if email:
        queue_mail(
            email, _l("Ihre Meldung einer Barriere ist eingegangen"), "contact_barrier_receipt",
            locale=locale, deliver=False, page_url=page_url, description=description,
        )
