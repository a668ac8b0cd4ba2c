"""Display helpers for templates: money, percent, dates and labels in the page's language."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal, lazy_gettext as _l

from app.i18n import alternate_url, current_language, language_name
from app.progress import MilestoneStatus

STATUS_LABELS = {
    MilestoneStatus.PLANNED: _l("geplant"),
    MilestoneStatus.IN_PROGRESS: _l("in Umsetzung"),
    MilestoneStatus.COMPLETED: _l("abgeschlossen"),
    MilestoneStatus.ON_HOLD: _l("pausiert"),
    MilestoneStatus.CANCELLED: _l("abgebrochen"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS[MilestoneStatus(status)])


def money(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return format_currency(Decimal(value), "EUR")


def money_short(value: Decimal | int | None) -> str:
    """Whole euros, for tables and charts."""
    if value is None:
        return "–"
    return format_currency(Decimal(value), "EUR", format="#,##0\xa0¤" if current_language() == "de" else "¤#,##0", currency_digits=False)


def percent(value: float | int | None) -> str:
    if value is None:
        return "–"
    digits = "#,##0" if float(value).is_integer() else "#,##0.0"
    return format_decimal(round(float(value), 1), format=digits) + "\xa0%"


def date_format(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, fmt)
    return format_date(value, fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, money_short=money_short, percent=percent, date=date_format,
        status_label=status_label,
    )
    app.jinja_env.globals.update(
        alternate_url=alternate_url, current_language=current_language,
        language_name=language_name, MilestoneStatus=MilestoneStatus,
        STATUS_LABELS=STATUS_LABELS,
    )
