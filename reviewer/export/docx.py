"""The comment sheet as Word (.docx, python-docx): A4 landscape, one table with the header row repeated."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from reviewer.atomic import export_path
from reviewer.export.sheet import CHECK_COLUMN, COLUMNS, REVISED_COLUMN, SHEET_NAME, SheetRow, printed_columns
from reviewer.limits import clean_text

FONT_NAME = "游ゴシック"
# Relative widths of the columns (the table spans the page width).
_WEIGHTS: dict[str, float] = {
    "No.": 3.8, "評価書": 11, "資料頁": 5, "項目": 9, "引用": 14, "区分": 6.8, "意見・質問": 23, "委員": 6.5,
    "関連": 6, "所管課の回答": 17,
    REVISED_COLUMN: 15, CHECK_COLUMN: 6.5,
}


def _set_east_asian_font(run_or_style: Any, name: str) -> None:
    from docx.oxml.ns import qn

    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(header)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shading = tc_pr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tc_pr.append(shading)


def write_docx(rows: Sequence[SheetRow], path: str | os.PathLike[str], *, title: str = "",
               columns: Sequence[str] = COLUMNS) -> None:
    """Write the sheet as a Word document to ``path`` atomically (``columns`` as for the xlsx; the ID stays
    out)."""
    shown = printed_columns(columns)
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(8.5)
    normal.font.name = FONT_NAME
    _set_east_asian_font(normal, FONT_NAME)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(12))
    section.top_margin = section.bottom_margin = Mm(12)
    title = clean_text(title) or SHEET_NAME
    heading = document.add_paragraph()
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(13)
    document.add_paragraph(f"{date.today():%Y年%m月%d日} 作成　{len(rows)}件")

    table = document.add_table(rows=1, cols=len(shown))
    table.style = "Table Grid"
    table.autofit = False
    usable = Mm(297 - 24)
    total = sum(_WEIGHTS[c] for c in shown)
    widths = [int(usable * _WEIGHTS[c] / total) for c in shown]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid (what LibreOffice and Word lay out by)
    header = table.rows[0]
    _repeat_header(header)
    for cell, name, width in zip(header.cells, shown, widths, strict=True):
        cell.width = width
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        _shade(cell, "D9E1F2")
    for row in rows:
        cells = table.add_row().cells
        for cell, name, width in zip(cells, shown, widths, strict=True):
            cell.width = width
            value = row.value(name)
            # XML cannot hold control characters or lone surrogates (python-docx would raise).
            text = clean_text(str(value)) if value is not None else ""
            lines = text.split("\n")
            paragraph = cell.paragraphs[0]
            paragraph.text = lines[0]
            for extra in lines[1:]:
                cell.add_paragraph(extra)
    document.core_properties.title = title
    document.core_properties.author = "PIA Reviewer"
    with export_path(path) as tmp:
        document.save(str(tmp))
