"""The display helpers give exactly what Flask-Babel's formatting functions give, in both languages."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import flask_babel
import pytest
from flask import g, render_template_string
from flask_babel import force_locale

from app import formatting
from app.i18n import current_translations
from app.progress import MilestoneStatus

MONEY = [Decimal("0"), Decimal("1"), Decimal("1234.5"), Decimal("1234.50"), Decimal("-17.005"),
         Decimal("2500000"), Decimal("999999.995"), 125000, 0]
PERCENTS = [0, 0.0, -0.0, -0.04, 5, 5.0, 12.34, 12.35, 33.333, 74.96, 75, 99.96, 100, 1234.5, Decimal("47.25")]
DATES = [date(2026, 1, 1), date(2026, 5, 3), date(1999, 12, 31)]
# Naive datetimes are UTC: 23:30 on 31 December is already 1 January in Berlin.
DATETIMES = [datetime(2026, 12, 31, 23, 30), datetime(2026, 7, 1, 22, 15, 5),
             datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)]
DATE_FORMATS = ["medium", "short", "long", "MMMM y"]


@pytest.fixture(params=["de", "en"])
def language(app, request):
    with app.test_request_context("/" if request.param == "de" else "/en/"):
        g.lang = request.param
        yield request.param


def test_money_as_flask_babel(language):
    for value in MONEY:
        assert formatting.money(value) == flask_babel.format_currency(Decimal(value), "EUR")
        # twice: the second answer comes from the memo
        assert formatting.money(value) == flask_babel.format_currency(Decimal(value), "EUR")


def test_money_short_as_flask_babel(language):
    pattern = "#,##0\xa0¤" if language == "de" else "¤#,##0"
    for value in MONEY:
        expected = flask_babel.format_currency(Decimal(value), "EUR", format=pattern, currency_digits=False)
        assert formatting.money_short(value) == expected


def test_percent_as_flask_babel(language):
    for value in PERCENTS:
        rounded = round(float(value), 1)
        digits = "#,##0" if float(value).is_integer() else "#,##0.0"
        expected = flask_babel.format_decimal(rounded, format=digits) + "\xa0%"
        assert formatting.percent(value) == expected
        assert formatting.percent(value) == expected


def test_dates_and_datetimes_as_flask_babel(language):
    for fmt in DATE_FORMATS:
        for value in DATES:
            assert formatting.date_format(value, fmt) == flask_babel.format_date(value, fmt)
        for value in DATETIMES:
            assert formatting.date_format(value, fmt) == flask_babel.format_datetime(value, fmt)
    assert formatting.date_format(DATES[0]) == flask_babel.format_date(DATES[0], "medium")


@pytest.mark.parametrize("language, expected", [
    # half to even, as Babel rounds: 1234.5 -> 1234
    ("de", ["1.234,50\xa0€", "1.234\xa0€", "12,3\xa0%", "-0,0\xa0%", "100\xa0%", "75,0\xa0%", "03.05.26",
            "3. Mai 2026", "01.01.2027, 00:30:00"]),
    ("en", ["€1,234.50", "€1,234", "12.3\xa0%", "-0.0\xa0%", "100\xa0%", "75.0\xa0%", "May 3, 2026",
            "May 3, 2026", "Jan 1, 2027, 12:30:00\u202fAM"]),
], indirect=["language"])
def test_known_output(language, expected):
    assert [
        formatting.money(Decimal("1234.5")), formatting.money_short(Decimal("1234.5")),
        formatting.percent(12.34), formatting.percent(-0.04), formatting.percent(100), formatting.percent(74.96),
        formatting.date_format(date(2026, 5, 3), "short" if language == "de" else "medium"),
        formatting.date_format(date(2026, 5, 3), "long"),
        formatting.date_format(datetime(2026, 12, 31, 23, 30)),
    ] == expected


def test_none_is_a_dash(language):
    assert {formatting.money(None), formatting.money_short(None), formatting.percent(None),
            formatting.date_format(None)} == {"–"}


def test_status_labels_in_both_languages(language):
    for status in MilestoneStatus:
        assert formatting.status_label(status) == str(formatting.STATUS_LABELS[status])
        assert formatting.status_label(status.value) == flask_babel.gettext(formatting.STATUS_MESSAGES[status])
    assert formatting.status_label("planned") == ("geplant" if language == "de" else "planned")
    with pytest.raises(ValueError):
        formatting.status_label("unknown")


def test_force_locale_changes_formatting_and_translations(app):
    """Mails are rendered in the recipient's language inside another request."""
    with app.test_request_context("/"):
        g.lang = "de"
        assert formatting.money(Decimal("1234.5")) == "1.234,50\xa0€"
        assert formatting.status_label("planned") == "geplant"
        assert render_template_string("{{ _('geplant') }}") == "geplant"
        with force_locale("en"):
            assert formatting.money(Decimal("1234.5")) == "€1,234.50"
            assert formatting.date_format(date(2026, 5, 3)) == "May 3, 2026"
            assert formatting.status_label("planned") == "planned"
            assert render_template_string("{{ _('geplant') }}") == "planned"
            assert current_translations() is flask_babel.get_translations()
        assert formatting.status_label("planned") == "geplant"
        assert render_template_string("{{ _('geplant') }}") == "geplant"


def test_outside_a_request_flask_babel_decides(app):
    assert formatting.money(Decimal("1234.5")) == flask_babel.format_currency(Decimal("1234.5"), "EUR")
    assert formatting.percent(12.34) == flask_babel.format_decimal(12.3, format="#,##0.0") + "\xa0%"
