"""Operator commands (flask CLI). Commands call services; they hold no business rules."""
from __future__ import annotations

from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _, lazy_gettext as _l

from app.backend.commands import remind_stale_command
from app.citizens.cli import citizens_cli
from app.demo import data as demo_data, loader as demo
from app.extensions import db
from app.mail.cli import register as register_mail_cli
from app.moderation.cli import moderation_cli
from app.page_cache.cli import cache_cli
from app.reporting.cli import reports_cli
from app.subscriptions.cli import notify_subscribers_command
from app.users import services as users

DEMO_ACCOUNT_LABELS = {
    "admin": _l("Demo-Admin"),
    "editor": _l("Demo-Redaktion"),
    "moderator": _l("Demo-Moderation"),
    "citizen": _l("Demo-Bürgerin"),
}


def fail(message: str) -> NoReturn:
    """Print the message to stderr and end the command with exit code 1."""
    click.echo(_("Fehler: %(message)s", message=message), err=True)
    raise click.exceptions.Exit(1)


@click.command("seed-demo")
@click.option("--force", is_flag=True,
              help=_l("Vorhandene Inhalte der Digitalstrategie löschen und die Demodaten neu laden."))
@click.option("--if-empty", is_flag=True,
              help=_l("Nur laden, wenn die Datenbank noch keine Digitalstrategie enthält."))
@click.option("--admin-email", default=demo_data.DEFAULT_ADMIN_EMAIL, show_default=True,
              help=_l("E-Mail-Adresse des Demo-Admins."))
@with_appcontext
def seed_demo_command(force: bool, if_empty: bool, admin_email: str) -> None:
    """Die Demodaten der fiktiven Stadt Musterstadt laden."""
    if force and if_empty:
        fail(_("--force und --if-empty schließen sich aus."))
    exists = demo.has_content()
    if exists and if_empty:
        click.echo(_("Die Datenbank enthält bereits Inhalte einer Digitalstrategie; es wurde nichts geladen."))
        return
    if exists and not force:
        fail(_("Die Datenbank enthält bereits Inhalte einer Digitalstrategie. Mit --force werden "
               "sie gelöscht und die Demodaten neu geladen."))
    try:
        if force:
            demo.delete_content()
        summary = demo.load()
        accounts = demo.create_accounts(admin_email)
        joined = demo.load_participation(accounts)
        db.session.commit()
    except users.AccountError as error:
        db.session.rollback()
        fail(str(error))
    click.echo(_(
        "Demodaten geladen: %(fields)d Handlungsfelder, %(departments)d Organisationseinheiten, "
        "%(milestones)d Etappenziele, %(updates)d Fortschrittsmeldungen, %(pages)d Textseiten.",
        fields=summary.fields, departments=summary.departments, milestones=summary.milestones,
        updates=summary.updates, pages=summary.pages,
    ))
    click.echo(_("Beteiligung: %(comments)d Kommentare und Antworten, %(supports)d Unterstützungen.",
                 comments=joined.comments, supports=joined.supports))
    for account in accounts:
        label = DEMO_ACCOUNT_LABELS[account.key]
        if account.password is None:
            click.echo(_("%(label)s: %(email)s gab es schon; das Passwort bleibt unverändert.",
                         label=label, email=account.email))
        else:
            click.echo(_("%(label)s: %(email)s / Passwort: %(password)s",
                         label=label, email=account.email, password=account.password))


@click.command("create-user")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              help=_l("Rolle: admin, editor, moderator oder citizen; mehrfach möglich."))
@click.option("--password", default=None,
              help=_l("Passwort; ohne diese Angabe wird es verdeckt abgefragt."))
@click.option("--department", "departments", multiple=True,
              help=_l("Kürzel einer Organisationseinheit; mehrfach möglich."))
@click.option("--name", default=None, help=_l("Anzeigename."))
@with_appcontext
def create_user_command(
    email: str, roles: tuple[str, ...], password: str | None, departments: tuple[str, ...],
    name: str | None,
) -> None:
    """Ein Konto anlegen, dessen E-Mail-Adresse als bestätigt gilt."""
    try:
        # Checked before the prompt, so nobody types a password for a request that fails anyway.
        account = users.check_new_account(email, roles, departments)
        if password is None:
            password = click.prompt(_("Passwort"), hide_input=True,
                                    confirmation_prompt=_("Passwort wiederholen"))
        user = users.create_user(account.email, name, roles, password, departments, confirmed=True)
        db.session.commit()
    except users.AccountError as error:
        db.session.rollback()
        fail(str(error))
    click.echo(_("Konto %(email)s angelegt (Rollen: %(roles)s).",
                 email=user.email, roles=", ".join(sorted(r.value for r in user.roles))))


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(remind_stale_command)
    register_mail_cli(app)
    app.cli.add_command(moderation_cli)
    app.cli.add_command(notify_subscribers_command)
    app.cli.add_command(citizens_cli)
    app.cli.add_command(cache_cli)
    app.cli.add_command(reports_cli)
