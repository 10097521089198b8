"""Fuzz the comment-sheet exporters with arbitrary Unicode (issue 17).

Comments, quotes, authors, answers and the chair's wording made of any code point — control characters, lone
surrogates, formula prefixes (``= + - @``, tab, CR), private-use and astral characters — are written to xlsx,
CSV, docx and PDF, opened again with openpyxl, csv, python-docx and PyMuPDF, and must come back intact after
the documented cleaning (:func:`reviewer.limits.clean_text`; in CSV :func:`reviewer.limits.csv_safe`) and inert
(no formula cell in the workbook, no CSV field a spreadsheet would run).
"""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
import zipfile
from pathlib import Path

import pymupdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.annotations import Annotation
from reviewer.export.csv import write_csv
from reviewer.export.docx import write_docx
from reviewer.export.pdf import write_pdf
from reviewer.export.sheet import COLUMNS, SHEET_NAME, SheetRow, build_sheet, printed_columns
from reviewer.export.xlsx import cell_text, read_sheet_answers, write_xlsx
from reviewer.limits import FORMULA_PREFIXES, clean_text, csv_safe

SHA = "f" * 64
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ANY_CHAR = st.characters(exclude_categories=())  # every category, lone surrogates (Cs) included
NASTY = st.sampled_from(["\x00", "\x07", "\x1b", "\x0c", "\x0b", "\ud800", "\udfff", "\ufffe", "\uffff", "\r\n",
                         "\r", "\n", "\t", "\x7f", "\x85", "\u2028", "_x0041_", "&amp;", "<w:t>", "]]>", '"', "'",
                         ",", "𠮷", "\U0010fffd"])
TEXT = st.builds(
    lambda prefix, parts: prefix + "".join(parts),
    st.sampled_from(["", *FORMULA_PREFIXES, "=HYPERLINK(\"http://x.example\",\"y\")", "@SUM(1)", "-2+3"]),
    st.lists(st.one_of(st.text(ANY_CHAR, max_size=8), NASTY), max_size=8),
)
COMMENT = st.fixed_dictionaries({
    "text": TEXT, "quote": TEXT, "author": TEXT, "answer": st.one_of(st.none(), TEXT),
    "sheet_text": st.one_of(st.none(), TEXT), "category": st.sampled_from(["意見", "質問", "要修正"]),
    "page": st.integers(0, 3),
})


def comments_from(specs: list[dict[str, object]]) -> list[Annotation]:
    return [
        Annotation(file_sha256=SHA, file_name="packet.pdf", page=int(spec["page"]),  # type: ignore[call-overload]
                   page_label=str(int(spec["page"]) + 1), kind="highlight",  # type: ignore[call-overload]
                   rects=[(72.0, 100.0 + 20 * n, 300.0, 114.0 + 20 * n)], category=str(spec["category"]),
                   text=str(spec["text"]), author=str(spec["author"]), quote=str(spec["quote"]),
                   answer=spec["answer"], sheet_text=spec["sheet_text"],  # type: ignore[arg-type]
                   id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz{n}")), origin="imported")
        for n, spec in enumerate(specs)
    ]


def rows_of(specs: list[dict[str, object]]) -> list[SheetRow]:
    return build_sheet(comments_from(specs))


@FUZZ
@given(specs=st.lists(COMMENT, min_size=1, max_size=4))
def test_xlsx_keeps_any_text_as_inert_strings(specs: list[dict[str, object]]) -> None:
    from openpyxl import load_workbook

    rows = rows_of(specs)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sheet.xlsx"
        write_xlsx(rows, out)
        with zipfile.ZipFile(out) as archive:
            sheet_xml = archive.read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
        ws = load_workbook(out)[SHEET_NAME]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row.values(), start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    assert cell.data_type in ("s", "inlineStr")  # text, never "f"
                    assert (cell.value or "") == cell_text(value), (c, value)
                else:
                    assert cell.value == value
        answers = read_sheet_answers(out)
        expected = {row.id: cell_text(row.answer).strip() for row in rows if cell_text(row.answer).strip()}
        assert answers == expected


@FUZZ
@given(specs=st.lists(COMMENT, min_size=1, max_size=4))
def test_csv_keeps_any_text_and_no_field_is_a_formula(specs: list[dict[str, object]]) -> None:
    rows = rows_of(specs)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sheet.csv"
        write_csv(rows, out)
        data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == list(COLUMNS) and len(read) == len(rows) + 1
    for fields, row in zip(read[1:], rows, strict=True):
        assert fields == [str(csv_safe(v)) for v in row.values()]
        for field in fields:
            assert not field.startswith(FORMULA_PREFIXES)
            assert "\x00" not in field and not any("\ud800" <= ch <= "\udfff" for ch in field)


@FUZZ
@given(specs=st.lists(COMMENT, min_size=1, max_size=3))
def test_docx_keeps_any_text_in_its_cells(specs: list[dict[str, object]]) -> None:
    from docx import Document as open_docx

    rows = rows_of(specs)
    index = {c: i for i, c in enumerate(COLUMNS)}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sheet.docx"
        write_docx(rows, out)
        table = open_docx(str(out)).tables[0]
    assert len(table.rows) == len(rows) + 1
    for table_row, row in zip(table.rows[1:], rows, strict=True):
        values = row.values()
        got = [cell.text for cell in table_row.cells]
        assert got == [clean_text(str(values[index[name]])) for name in printed_columns()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(COMMENT, min_size=1, max_size=3))
def test_pdf_sheet_writes_any_text(specs: list[dict[str, object]]) -> None:
    rows = rows_of(specs)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sheet.pdf"
        write_pdf(rows, out)
        with pymupdf.open(out) as doc:
            text = "".join(page.get_text() for page in doc)
    # A character the bundled font lacks extracts as a placeholder; what must hold is that every row was drawn.
    assert f"{len(rows)}件" in text
    for category in {row.category for row in rows}:  # each row's own cell, whatever its neighbours hold
        assert text.count(category) >= sum(row.category == category for row in rows)
