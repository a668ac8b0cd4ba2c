"""Sending mail: render in the recipient's language, store in the outbox, deliver, retry, purge."""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, g, has_app_context, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import and_, delete, or_, update

from app.deferred import run_committed_work, after_commit
from app.extensions import db
from app.i18n import LANGUAGES
from app.mail.transport import build_message, is_permanent_failure, open_transport
from app.models import OutboxMail, User, utcnow
from app.urls import external_url

log = logging.getLogger(__name__)

# How long a sender may work on a claimed mail before another run may try it again.
CLAIM_LEASE = timedelta(minutes=10)


@contextmanager
def recipient_language(locale: str | None):
    """Render texts and URLs in the recipient's language, then restore the page's language."""
    lang = locale if locale in LANGUAGES else LANGUAGES[0]
    missing = object()
    previous = g.get("lang", missing)
    g.lang = lang
    try:
        with force_locale(lang):
            yield lang
    finally:
        if previous is missing:
            g.pop("lang", None)
        else:
            g.lang = previous


@dataclass
class HeldMail:
    """A mail queue_mail rendered while mails were held: not stored, with what it was made from."""

    mail: OutboxMail
    template: str
    locale: str
    context: dict


_held: ContextVar[list[HeldMail] | None] = ContextVar("held_mails", default=None)


@contextmanager
def holding_mails():
    """Inside, queue_mail (and send_mail) render mails but neither stores nor delivers them; they are collected
    in the yielded list, so that the caller can merge several to one recipient into one
    (a bulk decision) before storing the mails it keeps."""
    held: list[HeldMail] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)



def queue_mail(
    to: User | str,
    subject,
    template: str,
    *,
    locale: str | None = None,
    headers: dict[str, str] | None = None,
    deliver: bool = True,
    **context,
) -> OutboxMail:
    """Render mail/<template>.txt (and .html if present) into the outbox; send it after the commit.

    `subject` may be a lazy string; it is translated in the recipient's language. The
    outbox row is saved with the caller's changes when the view commits, and delivered only
    then (app.deferred.after_commit), so a mail never goes out for a change that was not
    saved. With deliver=False the mail waits for `flask mail send-pending` (batch jobs).
    """
    if isinstance(to, User):
        address, locale = to.email, locale or to.locale
        context.setdefault("user", to)
    else:
        address = to
    address = _single_line(address)
    if not address or "," in address:
        raise ValueError("one recipient address expected")
    with recipient_language(locale) as lang:
        subject_text = _single_line(str(subject))[:300]
        context.update(external_url=external_url, subject=subject_text)
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = _render_optional(f"mail/{template}.html", context)
    mail = OutboxMail(
        to_address=address,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
        headers={"Message-ID": make_msgid(domain=_mail_domain()), **(headers or {})},
    )
    held = _held.get()
    if held is not None:
        held.append(HeldMail(mail, template, lang, context))
        return mail
    db.session.add(mail)
    db.session.flush()
    if deliver:
        after_commit(deliver_mails, [mail])
    return mail


def send_mail(to: User | str, subject, template: str, **kwargs) -> OutboxMail:
    """queue_mail(), committed at once with the caller's pending changes, then delivered.

    For the services that still commit themselves; a service under the transaction rule
    (services flush, the view commits) calls queue_mail instead.
    """
    mail = queue_mail(to, subject, template, **kwargs)
    if _held.get() is not None:
        return mail
    db.session.commit()
    run_committed_work()
    return mail


def send_pending(force: bool = False, limit: int = 500) -> tuple[int, int]:
    """Retry unsent mails whose back-off has passed; returns (sent, still pending)."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    # force: every unsent mail with attempts left, whatever its back-off says.
    due_before = datetime.max if force else utcnow()
    mails = list(db.session.scalars(OutboxMail.select_due(due_before, max_attempts).limit(limit)))
    sent = deliver_mails(mails, force=force)
    return sent, len(mails) - sent


def deliver_mails(mails: list[OutboxMail], force: bool = False) -> int:
    """Send the given outbox mails over one connection; failures stay pending with a back-off.

    Delivery is a job of its own (after a commit, or `flask mail send-pending`): it commits its
    claim on the mails and each mail sent, so that a crash midway sends none of them twice.
    """
    # A mail rendered while mails were held has no outbox row (no id) and is never sent from here.
    claimed = [mail for mail in mails if mail.id is not None and _claim(mail, force)]
    db.session.commit()
    if not claimed:
        return 0
    try:
        transport = open_transport()
    except Exception as error:  # connection refused, DNS, TLS, login: all retried later
        log.warning("mail server not reachable: %s", error)
        for mail in claimed:
            _record_failure(mail, error)
        db.session.commit()
        return 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sent = 0
    try:
        for mail in claimed:
            try:
                transport.send(build_message(mail, sender), mail)
            except Exception as error:
                log.warning("mail %s not sent: %s", mail.id, error)
                _record_failure(mail, error)
            else:
                mail.attempts += 1
                mail.sent_at = utcnow()
                mail.last_error = None
                mail.next_attempt_at = None
                sent += 1
            # One commit per mail: a crash midway does not send the earlier ones again.
            db.session.commit()
    finally:
        transport.close()
    return sent


def purge_mails(older_than: datetime) -> int:
    """Delete mails sent before the given time, and given-up ones created before it."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    result = db.session.execute(
        delete(OutboxMail).where(
            or_(
                OutboxMail.sent_at < older_than,
                and_(
                    OutboxMail.sent_at.is_(None),
                    OutboxMail.attempts >= max_attempts,
                    OutboxMail.created_at < older_than,
                ),
            )
        )
    )
    return result.rowcount or 0


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed attempt: the first retry at the next run, then doubling, capped."""
    if attempts <= 1:
        return timedelta(0)
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (attempts - 2)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _claim(mail: OutboxMail, force: bool) -> bool:
    """Take the mail for this sender, so two runs at the same time do not both send it."""
    now = utcnow()
    conditions = [OutboxMail.id == mail.id, OutboxMail.sent_at.is_(None)]
    if not force:
        conditions.append(or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now))
    result = db.session.execute(
        update(OutboxMail)
        .where(*conditions)
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(mail)
    return True


def _record_failure(mail: OutboxMail, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent_failure(error):
        mail.attempts = max(mail.attempts, current_app.config["MAIL_MAX_ATTEMPTS"])
    mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)


def _render_optional(name: str, context: dict) -> str | None:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return None
    return render_template(name, **context)


def _single_line(value: str) -> str:
    """Header values never contain line breaks (header injection)."""
    return re.sub(r"\s+", " ", value or "").strip()


def _mail_domain() -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname if has_app_context() else None
    return host or "localhost"
