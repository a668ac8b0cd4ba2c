"""The CSV format on its own: formula neutralisation, encodings, separators, cell values."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.csvformat import neutralise
from app.transfer import csvformat
from app.transfer.csvformat import COLUMNS_BY_KEY, CellError, CsvFileError


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab;\" \n＝＋－＠\u3000\xa0"), max_size=8) | st.text(max_size=20))
def test_restore_undoes_neutralise_for_every_text(cell):
    assert csvformat.restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", [
    "=1+2", "+49 30 1234", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x",
    # Issue 14: white space and line breaks a spreadsheet skips, and the fullwidth forms it folds.
    " =1+2", "  @SUM(A1)", " Bürgerbüro", "\n=1+2", "\r\n-5", "\t", "＝1+2", "＋49", "－5", "＠SUM(A1)",
    "\u3000=1", "\xa0=1", "'＝x", "' =x",
])
def test_formula_like_cells_get_an_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Bürgerbüro", "'s Lädchen", "", "'", "5 - 3", "a=b", "Ｂürger", "a ＝ b"])
def test_other_cells_stay_as_they_are(cell):
    assert neutralise(cell) == cell
    assert csvformat.restore(cell) == cell


def test_written_file_has_bom_semicolons_and_neutralised_cells():
    data = csvformat.write_csv([["=1+2", "Straße; Ecke \"Markt\""] + [""] * (len(csvformat.HEADER) - 2)])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header, row, _ = text.split("\r\n")
    assert header.split(";")[:2] == ["slug", "title"]
    assert row.startswith("'=1+2;\"Straße; Ecke \"\"Markt\"\"\";")


def test_utf8_windows_1252_and_bom_decode():
    assert csvformat.decode("slug;title\r\nx;Größe".encode("utf-8")) == "slug;title\r\nx;Größe"
    assert csvformat.decode(b"\xef\xbb\xbfslug") == "slug"
    assert csvformat.decode("slug;title\r\nx;Größe €".encode("cp1252")) == "slug;title\r\nx;Größe €"


def test_binary_file_is_refused():
    with pytest.raises(CsvFileError):
        csvformat.decode(b"PK\x03\x04\x00\x00")


@pytest.mark.parametrize("header,expected", [
    ("slug;title;summary", ";"), ("slug,title,summary", ","), ("slug\ttitle", "\t"),
    ('"slug";"title, with comma"', ";"), ("title,slug", ","),
])
def test_separator_comes_from_the_header(header, expected):
    assert csvformat.detect_delimiter(header + "\r\nx;y") == expected


def test_header_without_slug_is_refused_with_a_hint():
    with pytest.raises(CsvFileError) as error:
        csvformat.detect_delimiter("Titel;Fortschritt\r\nA;5")
    assert "slug" in str(error.value)


def test_read_table_skips_empty_rows_and_counts_rows_like_a_spreadsheet():
    data = "slug;title;;\r\na;A;;\r\n;;;\r\nb;\"B\r\nzweizeilig\";;\r\nc;C;;\r\n".encode("utf-8")
    table = csvformat.read_table(data, max_rows=10)
    assert [(line, values["slug"]) for line, values in table.records] == [(2, "a"), (4, "b"), (5, "c")]
    assert table.records[1][1]["title"] == "B\r\nzweizeilig"


def test_unknown_columns_are_reported_and_duplicates_refused():
    table = csvformat.read_table(b"slug;Bemerkung\r\na;x\r\n", max_rows=10)
    assert table.unknown_columns == ["bemerkung"]
    with pytest.raises(CsvFileError):
        csvformat.read_table(b"slug;title;title\r\na;x;y\r\n", max_rows=10)


def test_too_many_rows_are_refused():
    with pytest.raises(CsvFileError):
        csvformat.read_table(b"slug\r\na\r\nb\r\nc\r\n", max_rows=2)


@pytest.mark.parametrize("text,expected", [
    ("31.12.2025", date(2025, 12, 31)), ("1.2.25", date(2025, 2, 1)), ("2025-12-31", date(2025, 12, 31)),
    (" 01.02.2026 ", date(2026, 2, 1)), ("", None),
])
def test_dates(text, expected):
    assert csvformat.parse_date(COLUMNS_BY_KEY["target_date"], text) == expected


@pytest.mark.parametrize("text", ["31.02.2025", "2025/12/31", "morgen", "12.2025"])
def test_bad_dates_name_column_and_value(text):
    with pytest.raises(CellError) as error:
        csvformat.parse_date(COLUMNS_BY_KEY["target_date"], text)
    assert "Zieldatum" in str(error.value) and text in str(error.value)


@pytest.mark.parametrize("text,language,expected", [
    ("1.234,50", "de", Decimal("1234.50")), ("1234,5", "de", Decimal("1234.50")),
    ("1234.50", "de", Decimal("1234.50")), ("1.234", "de", Decimal("1234.00")),
    ("1,234.50", "en", Decimal("1234.50")), ("1234.50", "en", Decimal("1234.50")),
    ("800 €", "de", Decimal("800.00")),
])
def test_amounts_with_decimal_comma_or_point(text, language, expected):
    assert csvformat.parse_amount(COLUMNS_BY_KEY["planned"], text, language) == expected


def test_progress_out_of_range_message():
    with pytest.raises(CellError) as error:
        csvformat.parse_int(COLUMNS_BY_KEY["progress"], "120")
    assert str(error.value) == "Fortschritt 120 liegt nicht zwischen 0 und 100."
    assert csvformat.parse_int(COLUMNS_BY_KEY["progress"], "50 %") == 50
    assert csvformat.parse_int(COLUMNS_BY_KEY["progress"], "50,0") == 50


def test_status_accepts_keys_and_labels(app):
    column = COLUMNS_BY_KEY["status"]
    assert csvformat.parse_status(column, "in_progress") == "in_progress"
    assert csvformat.parse_status(column, "In Umsetzung") == "in_progress"
    assert csvformat.parse_status(column, "abgeschlossen") == "completed"
    with pytest.raises(CellError):
        csvformat.parse_status(column, "fast fertig")


def test_cell_format_per_language():
    de, en = csvformat.CellFormat("de"), csvformat.CellFormat("en")
    assert de.money(Decimal("1234.5")) == "1234,50" and en.money(Decimal("1234.5")) == "1234.50"
    assert de.date(date(2025, 3, 1)) == "01.03.2025" and en.date(date(2025, 3, 1)) == "2025-03-01"
    assert de.fundings([(1, Decimal("10")), (3, Decimal("2.5"))]) == "1: 10,00 | 3: 2,50"
