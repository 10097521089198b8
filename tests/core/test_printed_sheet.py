"""The printed comment sheet is readable (issue 13): body text at 9 pt or more on A4 landscape, and the page heading
never overlapped by the table — for the PDF sheet (measured on the rendered page) and the Excel print setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest
from test_export import comment, outline, sample_comments

from reviewer.export.pdf import write_pdf
from reviewer.export.sheet import COLUMNS, ID_COLUMN, build_sheet
from reviewer.export.xlsx import write_xlsx

MIN_PRINTED_POINTS = 9.0
A4_LANDSCAPE = (842.0, 595.0)


def many_comments() -> list[Any]:
    return sample_comments() + [
        comment(100 + i, 4, (72, 100 + i, 300, 114 + i), f"委員{i % 3}", f"長い意見{i}：" + "説明してください。" * (1 + i % 7))
        for i in range(40)
    ]


def spans(page: Any) -> list[dict[str, Any]]:
    return [span for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
            for span in line["spans"] if span["text"].strip()]


def test_pdf_sheet_prints_at_nine_points_with_the_heading_clear_of_the_table(tmp_path: Path) -> None:
    out = tmp_path / "意見一覧.pdf"
    write_pdf(build_sheet(many_comments(), outline()), out, title="第3回小委員会 意見一覧")
    with pymupdf.open(out) as doc:
        assert doc.page_count >= 2
        for page in doc:
            assert (round(page.rect.width), round(page.rect.height)) == A4_LANDSCAPE
            page_spans = spans(page)
            sizes = [span["size"] for span in page_spans]
            assert min(sizes) >= MIN_PRINTED_POINTS, min(sizes)
            table = pymupdf.Rect()
            for drawing in page.get_drawings():
                table |= drawing["rect"]
            assert table.width > page.rect.width * 0.9  # the grid spans the page
            heading = [s for s in page_spans if "意見一覧" in s["text"] and s["size"] > MIN_PRINTED_POINTS]
            assert heading, "heading missing"
            heading_box = pymupdf.Rect(heading[0]["bbox"])
            assert heading_box.y1 <= table.y0, (heading_box, table)
            assert not heading_box.intersects(table)
            inside = [s for s in page_spans if pymupdf.Rect(s["bbox"]).intersects(table)]
            assert inside and all(s["size"] >= MIN_PRINTED_POINTS for s in inside)
            footer = [s for s in page_spans if " / " in s["text"].replace("\xa0", " ")]
            assert footer and pymupdf.Rect(footer[-1]["bbox"]).y0 >= table.y1
            assert pymupdf.Rect(footer[-1]["bbox"]).y1 <= page.rect.height


def printed_scale(sheet: Any) -> float:
    """Excel's fit-to-width scale: the printable width over the printed columns' width.

    A column ``w`` characters wide is ``trunc(w * 7 + 5)`` pixels (maximum digit width 7 px of the workbook's
    default 11 pt font) at 96 dpi.
    """
    from openpyxl.utils import get_column_letter

    pixels = 0
    for index, name in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        if name == ID_COLUMN or dimension.hidden:
            continue
        pixels += int(dimension.width * 7 + 5)
    columns_points = pixels * 72 / 96
    margins = sheet.page_margins
    printable = A4_LANDSCAPE[0] - (margins.left + margins.right) * 72
    return min(1.0, printable / columns_points)


def test_xlsx_sheet_prints_at_nine_points_or_more(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "意見一覧.xlsx"
    write_xlsx(build_sheet(many_comments(), outline()), out, title="第3回小委員会 意見一覧")
    sheet = load_workbook(out).active
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1
    scale = printed_scale(sheet)
    smallest = min(cell.font.sz for row in sheet.iter_rows(min_row=1, max_row=5) for cell in row if cell.value)
    assert smallest * scale >= MIN_PRINTED_POINTS, (smallest, scale)
    # The page heading prints in the top margin, above the repeated header row: room for it at 9 pt and more.
    margins = sheet.page_margins
    assert sheet.oddHeader.center.text
    assert (margins.top - margins.header) * 72 >= 14.0


@pytest.mark.parametrize("size", [9.0])
def test_pdf_font_constant_is_the_printed_size(size: float) -> None:
    from reviewer.export.pdf import FONT_SIZE, SMALL_SIZE

    assert FONT_SIZE >= size and SMALL_SIZE >= size
