"""The CSV format of milestones: columns, cell values, reading the table of an uploaded file.

Pure functions without database access; the CSV primitives (BOM, neutralisation, cell
formats, decoding) are app/csvformat.py's. Export and import share this module, so a file
written here reads back to the same values (the round trip changes nothing).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, lazy_gettext as _l

from app import csvformat
from app.backend.numbers import MoneyFormatError, parse_money as parse_money_text
from app.csvformat import BOM, CsvFileError, decode, restore
from app.formatting import STATUS_LABELS
from app.progress import MilestoneStatus

CANDIDATE_DELIMITERS = (";", ",", "\t")
MAX_CELL_LENGTH = 100_000


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy string
    kind: str


MILESTONE_COLUMNS = (
    Column("slug", _l("Adresse (Slug)"), "slug"),
    Column("title", _l("Titel"), "title"),
    Column("summary", _l("Kurzbeschreibung"), "text"),
    Column("description", _l("Beschreibung (Markdown)"), "text"),
    Column("easy_summary", _l("Zusammenfassung in Leichter Sprache"), "text"),
    Column("field", _l("Handlungsfeld"), "field"),
    Column("parent", _l("Oberziel"), "parent"),
    Column("weight", _l("Gewicht"), "weight"),
    Column("status", _l("Status"), "status"),
    Column("progress", _l("Fortschritt"), "percent"),
    Column("progress_method", _l("So wird der Fortschritt gemessen"), "text"),
    Column("start_date", _l("Startdatum"), "date"),
    Column("original_target_date", _l("Ursprüngliches Zieldatum"), "date"),
    Column("target_date", _l("Zieldatum"), "date"),
    Column("completed_on", _l("Abgeschlossen am"), "date"),
    Column("department", _l("Verantwortliche Organisationseinheit"), "department"),
    Column("participating_departments", _l("Beteiligte Organisationseinheiten"), "departments"),
    Column("contact_role", _l("Ansprechfunktion"), "line"),
    Column("champions", _l("Helden der Digitalisierung"), "champions"),
    Column("planned", _l("Geplant (Euro)"), "money"),
    Column("committed", _l("Gebunden (Euro)"), "money"),
    Column("spent", _l("Ausgegeben (Euro)"), "money"),
    Column("budget_year", _l("Haushaltsjahr"), "year"),
    Column("fundings", _l("Finanzierungsquellen"), "fundings"),
    Column("published", _l("Veröffentlicht"), "bool"),
    # Optional English texts; files without these columns leave them as they are.
    Column("title_en", _l("Titel (englisch)"), "line"),
    Column("summary_en", _l("Kurzbeschreibung (englisch)"), "text"),
    Column("description_en", _l("Beschreibung (englisch, Markdown)"), "text"),
    Column("contact_role_en", _l("Ansprechfunktion (englisch)"), "line"),
)

# Optional columns: a progress update (Fortschrittsmeldung) per row. Empty in an export.
UPDATE_COLUMNS = (
    Column("update_title", _l("Titel der Meldung"), "line"),
    Column("update_date", _l("Datum der Meldung"), "date"),
    Column("update_body", _l("Text der Meldung (Markdown)"), "text"),
    Column("update_author_role", _l("Funktion der meldenden Person"), "line"),
    Column("new_status", _l("Neuer Status"), "status"),
    Column("new_progress", _l("Neuer Fortschritt"), "percent"),
    Column("new_target_date", _l("Neues Zieldatum"), "date"),
    Column("reason", _l("Grund der Neuplanung"), "text"),
    Column("update_title_en", _l("Titel der Meldung (englisch)"), "line"),
    Column("update_body_en", _l("Text der Meldung (englisch, Markdown)"), "text"),
)

COLUMNS = MILESTONE_COLUMNS + UPDATE_COLUMNS
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
HEADER = tuple(column.key for column in COLUMNS)

LIST_SEPARATOR = ", "
FUNDING_SEPARATOR = " | "

_TRUE = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0"}


class CellError(ValueError):
    """One cell cannot be read; `message` names the column and the value."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ----------------------------------------------------------------------------- writing


class CellFormat(csvformat.CellFormat):
    """The plumbing's cell formats, and the funding list of the milestone file."""

    def fundings(self, rows: list[tuple[int, Decimal]]) -> str:
        return FUNDING_SEPARATOR.join(f"{source_id}: {self.money(amount)}" for source_id, amount in rows)


def write_csv(rows: list[list[str]]) -> bytes:
    """The header and rows as UTF-8 with BOM, `;`-separated, every cell neutralised."""
    return csvformat.csv_bytes(HEADER, rows)


# ----------------------------------------------------------------------------- reading


@dataclass
class Table:
    """A decoded file: its column keys, its records with their spreadsheet row numbers."""

    columns: list[str]
    unknown_columns: list[str]
    records: list[tuple[int, dict[str, str]]]
    delimiter: str

    @property
    def number_language(self) -> str:
        # Spreadsheets in locales with a decimal comma separate cells with ";".
        return "de" if self.delimiter == ";" else "en"


def header_key(cell: str) -> str:
    return cell.strip().strip(BOM).strip().lower()


def detect_delimiter(text: str) -> str:
    """The separator whose header row contains a column `slug`; the widest header wins."""
    first_line = text.splitlines()[0] if text.strip() else ""
    best, best_width = None, 0
    for candidate in CANDIDATE_DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=candidate), [])
        keys = [header_key(c) for c in cells]
        if "slug" in keys and len(keys) > best_width:
            best, best_width = candidate, len(keys)
    if best is None:
        raise CsvFileError(
            _l("Die erste Zeile muss die Spaltennamen enthalten, darunter „slug“. "
               "Am einfachsten laden Sie zuerst die Exportdatei herunter und bearbeiten diese.")
        )
    return best


def read_table(data: bytes, max_rows: int) -> Table:
    """Decode and split the file; empty rows are skipped, row numbers match the spreadsheet."""
    text = decode(data)
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = [header_key(cell) for cell in next(reader)]
        columns, unknown = [], []
        for key in header:
            if not key:
                continue  # spreadsheets often save empty columns after the last one
            if key in columns:
                raise CsvFileError(_l("Die Spalte „%(column)s“ kommt zweimal vor.", column=key))
            (columns if key in COLUMNS_BY_KEY else unknown).append(key)
        records = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= max_rows:
                raise CsvFileError(
                    _l("Die Datei hat mehr als %(max)d Zeilen. Bitte teilen Sie sie auf.", max=max_rows)
                )
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                raise CsvFileError(
                    _l("Zeile %(line)d hat mehr Zellen als die Kopfzeile. Steht ein Trennzeichen zu viel darin?",
                       line=number)
                )
            if any(len(cell) > MAX_CELL_LENGTH for cell in cells):
                raise CsvFileError(_l("Zeile %(line)d enthält eine zu lange Zelle.", line=number))
            values = {
                key: restore(cells[i]) if i < len(cells) else ""
                for i, key in enumerate(header)
                if key in COLUMNS_BY_KEY
            }
            records.append((number, values))
    except csv.Error as exc:
        raise CsvFileError(_l("Die Datei ist keine gültige CSV-Datei.")) from exc
    return Table(columns=columns, unknown_columns=unknown, records=records, delimiter=delimiter)


# ----------------------------------------------------------------------------- cells


_DE_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_INTEGER = re.compile(r"-?\d+(?:[.,]0+)?")


def parse_date(column: Column, text: str) -> date | None:
    """31.12.2025, 1.2.25 and 2025-12-31; empty is None."""
    text = text.strip()
    if not text:
        return None
    try:
        if match := _DE_DATE.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                year += 2000
            return date(year, month, day)
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise CellError(_l("%(column)s: „%(value)s“ ist kein gültiges Datum (erwartet wird TT.MM.JJJJ).",
                       column=column.label, value=text))


def parse_int(column: Column, text: str) -> int | None:
    """A whole number; "50,0" as a spreadsheet may write it is 50; empty is None."""
    text = text.strip()
    if column.kind == "percent" and text.endswith("%"):
        text = text[:-1].strip()
    if not text:
        return None
    if not _INTEGER.fullmatch(text):
        raise CellError(_l("%(column)s: „%(value)s“ ist keine ganze Zahl.", column=column.label, value=text))
    number = int(re.split(r"[.,]", text)[0])
    if column.kind == "percent" and not 0 <= number <= 100:
        raise CellError(_l("%(column)s %(value)d liegt nicht zwischen 0 und 100.",
                           column=column.label, value=number))
    if column.kind == "weight" and not 1 <= number <= 100:
        raise CellError(_l("%(column)s %(value)d liegt nicht zwischen 1 und 100.",
                           column=column.label, value=number))
    if column.kind == "year" and not 2000 <= number <= 2100:
        raise CellError(_l("%(column)s %(value)d liegt nicht zwischen 2000 und 2100.",
                           column=column.label, value=number))
    return number


def parse_amount(column: Column, text: str, number_language: str) -> Decimal | None:
    """1.234,50 or 1234.50 (which one by the file's separator); empty is None."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse_money_text(text, number_language)
    except MoneyFormatError as exc:
        raise CellError(_l("%(column)s: „%(value)s“ ist kein gültiger Betrag in Euro.",
                           column=column.label, value=text)) from exc


def parse_bool(column: Column, text: str) -> bool | None:
    """ja/nein, yes/no, WAHR/FALSCH, 1/0; empty is None."""
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(_l("%(column)s: „%(value)s“ ist weder „ja“ noch „nein“.", column=column.label, value=text))


@cache
def status_keys() -> dict[str, str]:
    """Every spelling of a status the import accepts: its key, its German and English label."""
    spellings = {}
    for status in MilestoneStatus:
        spellings[status.value] = status.value
        spellings[status.value.replace("_", " ")] = status.value
        for language in ("de", "en"):
            with force_locale(language):
                spellings[str(STATUS_LABELS[status]).casefold()] = status.value
    return spellings


def parse_status(column: Column, text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    status = status_keys().get(value.casefold())
    if status is None:
        raise CellError(_l("%(column)s: „%(value)s“ ist kein bekannter Status.", column=column.label, value=value))
    return status


def parse_list(text: str) -> list[str]:
    """Slugs or numbers separated by commas, semicolons or spaces."""
    return [item for item in re.split(r"[,;\s]+", text.strip()) if item]


def parse_ids(column: Column, text: str) -> list[int]:
    items = parse_list(text)
    for item in items:
        if not item.isdigit():
            raise CellError(_l("%(column)s: „%(value)s“ ist keine Nummer.", column=column.label, value=item))
    return [int(item) for item in items]


def parse_fundings(column: Column, text: str, number_language: str) -> list[tuple[int, Decimal]]:
    """"1: 1000,00 | 3: 250,00" as (source number, amount) pairs."""
    rows = []
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        number, sep, amount = part.partition(":")
        if not sep or not number.strip().isdigit():
            raise CellError(_l("%(column)s: „%(value)s“ hat nicht die Form „Nummer: Betrag“.",
                               column=column.label, value=part))
        value = parse_amount(column, amount, number_language)
        if value is None:
            raise CellError(_l("%(column)s: „%(value)s“ hat nicht die Form „Nummer: Betrag“.",
                               column=column.label, value=part))
        rows.append((int(number.strip()), value))
    return rows
