"""Reading amounts of money as staff type them: "1.234,50", "1234,5", "1,234.50", "800 €"."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Sums above this are typing mistakes for a municipal budget line (and would not fit cents in BIGINT).
MAX_AMOUNT = Decimal("999999999999.99")

_DIGITS = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


class MoneyFormatError(ValueError):
    """The text is not an amount of money."""


def parse_money(text: str, language: str = "de") -> Decimal:
    """The amount in EUR as an exact Decimal with two places.

    A separator followed by exactly three digits is a thousands separator unless it is
    the decimal separator of the page's language; with both present the last one is the
    decimal separator. Negative amounts and more than two decimals are refused.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]|€|EUR", "", text or "", flags=re.IGNORECASE)
    if not cleaned:
        raise MoneyFormatError("empty")
    if cleaned.startswith("-"):
        raise MoneyFormatError("negative")
    integer, fraction = _split(cleaned, "," if language == "de" else ".")
    if not _DIGITS.fullmatch(integer) or (fraction and not _DIGITS.fullmatch(fraction)):
        raise MoneyFormatError("not a number")
    if len(fraction) > 2:
        raise MoneyFormatError("more than two decimals")
    try:
        amount = Decimal(f"{integer}.{fraction or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise MoneyFormatError("not a number") from exc
    if amount > MAX_AMOUNT:
        raise MoneyFormatError("too large")
    return amount


def _split(text: str, decimal_mark: str) -> tuple[str, str]:
    """Integer digits (grouping removed) and fraction digits."""
    positions = [i for i, ch in enumerate(text) if ch in ".,"]
    if not positions:
        return text, ""
    last = positions[-1]
    marks = {text[i] for i in positions}
    if len(marks) == 2:
        # "1.234,50" and "1,234.50": the last separator is the decimal one.
        integer, fraction = text[:last], text[last + 1:]
        return _ungroup(integer), fraction
    mark = marks.pop()
    if len(positions) > 1:
        return _ungroup(text), ""
    head, tail = text[:last], text[last + 1:]
    if mark != decimal_mark and len(tail) == 3 and head:
        return head + tail, ""
    return head, tail


def _ungroup(text: str) -> str:
    if not _GROUPED.fullmatch(text) or len({ch for ch in text if ch in ".,"}) != 1:
        raise MoneyFormatError("bad grouping")
    return re.sub(r"[.,]", "", text)
