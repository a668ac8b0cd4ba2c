"""Display helpers for templates: money, percent, dates and labels in the page's language.

The output is Flask-Babel's (format_currency, format_decimal, format_date, format_datetime with
the locale and timezone of the request), but each value is formatted by Babel once per locale:
the results are kept in bounded memos, and the number patterns are parsed once. A page shows
the same few dozen amounts, percentages and dates on every view, and Flask-Babel's functions
resolved the locale and parsed the pattern again for each of them (BENCHMARKS.md).
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, dates as babel_dates, numbers as babel_numbers
from flask import Flask
from markupsafe import Markup
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_timezone

from app.i18n import (
    alternate_url,
    current_language,
    current_locale as get_locale,
    current_translations,
    language_name,
    lazy_gettext as _l,
)
from app.models.milestones import ChangeKind
from app.progress import MilestoneStatus

# Enough for every amount, percentage and date of a large site; a miss only costs a Babel call.
MEMO_SIZE = 8192


def N_(message: str) -> str:
    """Marks a message for extraction (Babel's default keyword); translated where it is shown."""
    return message


STATUS_MESSAGES = {
    MilestoneStatus.PLANNED: N_("geplant"),
    MilestoneStatus.IN_PROGRESS: N_("in Umsetzung"),
    MilestoneStatus.COMPLETED: N_("abgeschlossen"),
    MilestoneStatus.ON_HOLD: N_("pausiert"),
    MilestoneStatus.CANCELLED: N_("abgebrochen"),
}
STATUS_LABELS = {status: _l(message) for status, message in STATUS_MESSAGES.items()}

MONEY_SHORT_PATTERNS = {"de": "#,##0\xa0¤", "en": "¤#,##0"}


def status_label(status: str) -> str:
    message = STATUS_MESSAGES.get(status) or STATUS_MESSAGES[MilestoneStatus(status)]
    return current_translations().ugettext(message)


@lru_cache(maxsize=None)
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(pattern)


@lru_cache(maxsize=MEMO_SIZE)
def _money(locale: Locale, value: Decimal) -> str:
    return babel_numbers.format_currency(value, "EUR", locale=locale)


@lru_cache(maxsize=MEMO_SIZE)
def _money_short(locale: Locale, pattern: str, value: Decimal) -> str:
    return babel_numbers.format_currency(
        value, "EUR", format=_number_pattern(pattern), locale=locale, currency_digits=False,
    )


@lru_cache(maxsize=MEMO_SIZE)
def _percent(locale: Locale, rounded: float, sign: float, whole: bool) -> str:
    # `sign` keeps -0.0 ("-0") apart from 0.0, which is equal to it as a key. `whole` is about
    # the value before rounding: 74.96 is shown as "75,0".
    pattern = "#,##0" if whole else "#,##0.0"
    return babel_numbers.format_decimal(rounded, format=_number_pattern(pattern), locale=locale) + "\xa0%"


@lru_cache(maxsize=MEMO_SIZE)
def _date(locale: Locale, value: date, fmt: str) -> str:
    return babel_dates.format_date(value, fmt, locale=locale)


@lru_cache(maxsize=MEMO_SIZE)
def _datetime(locale: Locale, tzinfo, value: datetime, fmt: str) -> str:
    return babel_dates.format_datetime(value, fmt, tzinfo=tzinfo, locale=locale)


def money(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    locale = get_locale()
    if locale is None:  # outside a request: Flask-Babel decides, as before
        return format_currency(Decimal(value), "EUR")
    return _money(locale, Decimal(value))


def money_short(value: Decimal | int | None) -> str:
    """Whole euros, for tables and charts."""
    if value is None:
        return "–"
    pattern = MONEY_SHORT_PATTERNS["de" if current_language() == "de" else "en"]
    locale = get_locale()
    if locale is None:
        return format_currency(Decimal(value), "EUR", format=pattern, currency_digits=False)
    return _money_short(locale, pattern, Decimal(value))


def percent(value: float | int | None) -> str:
    if value is None:
        return "–"
    number = float(value)
    rounded = round(number, 1)
    locale = get_locale()
    if locale is None:
        digits = "#,##0" if number.is_integer() else "#,##0.0"
        return format_decimal(rounded, format=digits) + "\xa0%"
    return _percent(locale, rounded, math.copysign(1.0, rounded), number.is_integer())


def date_format(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    locale = get_locale()
    if locale is None:
        return format_datetime(value, fmt) if isinstance(value, datetime) else format_date(value, fmt)
    if isinstance(value, datetime):
        # Flask-Babel's rebase: a naive datetime is UTC, shown in the configured timezone.
        return _datetime(locale, get_timezone(), value, fmt)
    return _date(locale, value, fmt)


def change_value(kind: str, value: str, percent_of=Decimal) -> str:
    """A stored history value (status key, percent, ISO date, amount) of a change kind in the page's
    format; percent_of parses a percent. Raises ValueError (or KeyError) for what does not parse."""
    kind = ChangeKind(kind)
    if kind == ChangeKind.STATUS:
        return status_label(value)
    if kind == ChangeKind.PROGRESS:
        return percent(percent_of(value))
    if kind == ChangeKind.TARGET_DATE:
        return date_format(date.fromisoformat(value))
    return money(Decimal(value))


LANG_DE = Markup(' lang="de"')
NO_ATTRIBUTE = Markup("")


def lang_de() -> Markup:
    """lang="de" on municipal content (titles, descriptions) when the interface is English.

    A global function, not a macro: pages print it for every title, and a Jinja macro call
    costs several times a function call.
    """
    return NO_ATTRIBUTE if current_language() == "de" else LANG_DE


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, money_short=money_short, percent=percent, date=date_format,
        status_label=status_label,
    )
    app.jinja_env.globals.update(
        alternate_url=alternate_url, current_language=current_language,
        language_name=language_name, lang_de=lang_de, MilestoneStatus=MilestoneStatus,
        STATUS_LABELS=STATUS_LABELS,
    )
