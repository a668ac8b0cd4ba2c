"""`flask cache clear` and `flask cache stats`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app import page_cache


@click.group("cache")
def cache_cli() -> None:
    """Der Seiten-Cache für Besucherinnen und Besucher ohne Anmeldung."""


@cache_cli.command("clear")
@with_appcontext
def clear_command() -> None:
    """Alle gespeicherten Seiten verwerfen, in jedem Prozess und auf jedem Server."""
    page_cache.get().clear()
    click.echo(_("Der Seiten-Cache ist geleert."))


@cache_cli.command("stats")
@with_appcontext
def stats_command() -> None:
    """Treffer, Fehlschläge und Größe des Seiten-Caches zeigen."""
    numbers = page_cache.get().statistics()
    rate = numbers["hit_rate"]
    click.echo(_("Treffer: %(hits)d, neu erzeugt: %(misses)d, Trefferquote: %(rate)s",
                 hits=numbers["hits"], misses=numbers["misses"],
                 rate="–" if rate is None else f"{rate:.1%}"))
    size = numbers["size"]
    click.echo(_("Gespeichert (%(store)s): %(entries)d Seiten, %(bytes)d Bytes",
                 store=numbers["pages_store"], entries=size["entries"], bytes=size["bytes"]))
