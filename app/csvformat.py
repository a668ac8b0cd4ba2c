"""CSV files for spreadsheets: UTF-8 with BOM, `;`-separated, formula-like cells neutralised,
cell formats per interface language, and decoding of uploaded files.

Pure functions without database access; the milestone import and export (app/transfer), the
open-data export (app/api) and the moderation log export write their files with them.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

BOM = "\ufeff"
DELIMITER = ";"

# A cell that a spreadsheet would run as a formula starts with one of these characters
# (OWASP "CSV injection"), also after leading white space or a line break that the spreadsheet
# skips, and also in a compatibility form that it folds to one of them (the fullwidth
# "＝＋－＠" typed with an East Asian input method, a no-break or ideographic space): the first
# character counts in its NFKC form. Export prefixes such cells with an apostrophe. Cells that
# already start with apostrophes before such a character get one more, so that the import can
# remove exactly one and every value survives the round trip unchanged.
_GUARDED_STARTS = frozenset("=+-@ \t\r\n")


def _guarded(cell: str) -> bool:
    """After any apostrophes, the cell starts with a character a spreadsheet may run or skip."""
    rest = cell.lstrip("'")
    return bool(rest) and unicodedata.normalize("NFKC", rest[0])[:1] in _GUARDED_STARTS


def neutralise(cell: str) -> str:
    """The cell as written to the file: formula-like text is prefixed with an apostrophe."""
    return "'" + cell if _guarded(cell) else cell


def restore(cell: str) -> str:
    """The inverse of neutralise(): drop the apostrophe the export added."""
    return cell[1:] if cell.startswith("'") and _guarded(cell) else cell


class CsvFileError(ValueError):
    """The file as a whole cannot be read; `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class CellFormat:
    """How values look in a file for one interface language (German: 1234,50 and 31.12.2025)."""

    def __init__(self, language: str = "de"):
        self.language = language

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        return value.strftime("%d.%m.%Y") if self.language == "de" else value.isoformat()

    def money(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        text = f"{Decimal(value):.2f}"
        return text.replace(".", ",") if self.language == "de" else text

    def boolean(self, value: bool) -> str:
        if self.language == "de":
            return "ja" if value else "nein"
        return "yes" if value else "no"

    def integer(self, value: int | None) -> str:
        return "" if value is None else str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The header and rows with a BOM, `;`-separated, every cell of the rows neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """csv_text() encoded as UTF-8."""
    return csv_text(header, rows).encode("utf-8")


def decode(data: bytes) -> str:
    """Text of the file: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        raise CsvFileError(_l("Die Datei ist keine Textdatei. Bitte speichern Sie sie als CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            _l("Die Zeichenkodierung der Datei ist unbekannt. Bitte speichern Sie sie als CSV (UTF-8).")
        ) from exc
