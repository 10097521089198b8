"""Revision pairs by another route: the report written as an Excel workbook and printed to PDF by LibreOffice.

Real reports are Excel sheets printed to PDF. Here the generator's rows become a workbook (one sheet row per form
row, merged cells for the label, choice and content columns, borders and shading), and ``soffice --headless
--convert-to pdf`` prints it. The same text with narrower columns and margins printed smaller is a reflow-only pair; the workbook with a
rewritten cell and a new 別添3 row is a revised pair. Nothing of the PDF is written by this project's own PDF
writer, so a comparison that passes on these pairs is not tuned to one producer.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from reviewer.samples import phrases as ph
from reviewer.samples.form import FullReportBuilder, Plan, ReportStyle
from reviewer.samples.layout import Row
from reviewer.samples.revision import REVISION_DATE, REWRITTEN_SENTENCE, _find, _item_label, _places

# Points per Excel column-width unit (a character of the default font): near enough for proportions.
POINTS_PER_UNIT = 6.8


def soffice_path() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _report_rows(seed: int, revise: bool) -> tuple[list[Row], str | None]:
    business = ph.BUSINESSES[0]
    style = ReportStyle.random(random.Random(f"{seed}/office"), 0)
    style.split_choice = 0.0  # a spreadsheet cell wraps by itself
    plan = Plan(verbosity=2, entrusts=1, providers=1, changes=2)
    builder = FullReportBuilder(random.Random(f"{seed}/office/report"), style, business, business.files[:1], 1, plan)
    rows = builder.build()
    if not revise:
        return rows, None
    places = _places(rows)
    place = _find(places, "Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容", risk="1")
    cell = rows[place.index].cells[1]
    cell.paras = [REWRITTEN_SENTENCE, *cell.paras[1:]]
    builder.table((56.0, 74.0, 135.0, 135.0, 45.0, 70.0),
                  [REVISION_DATE, _item_label(place), "－", REWRITTEN_SENTENCE, "事前", "第三者点検の指摘による"])
    return builder.rows, _item_label(place)


def write_workbook(rows: list[Row], out: Path, scale: int) -> None:
    """The rows as an xlsx sheet printed on A4 portrait, fitted to the page width; ``scale`` (percent) narrows the
    columns (so cells wrap elsewhere) and widens the margins (so the printout is smaller and pages break
    elsewhere)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break

    edges: set[float] = {0.0}
    for row in rows:
        x = 0.0
        for cell in row.cells:
            x += cell.width
            edges.add(round(x, 1))
    grid = sorted(edges)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "評価書"
    for index in range(len(grid) - 1):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = (grid[index + 1] - grid[index]) / POINTS_PER_UNIT * scale / 100
    thin = Side(style="thin", color="000000")
    for number, row in enumerate(rows, 1):
        x = 0.0
        if row.page_break_before and number > 1:
            sheet.row_breaks.append(Break(id=number - 1))
        for cell in row.cells:
            first = grid.index(round(x, 1)) + 1
            x += cell.width
            last = grid.index(round(x, 1))
            target = sheet.cell(row=number, column=first, value="\n".join(cell.paras) or None)
            target.alignment = Alignment(wrap_text=True, vertical="center" if cell.center else "top",
                                         horizontal="center" if cell.hcenter else "left")
            target.font = Font(name="IPAexGothic", size=max(7.0, cell.size), bold=cell.bold)
            if cell.shade is not None:
                shade = f"{round(cell.shade * 255):02X}" * 3
                for column in range(first, last + 1):
                    sheet.cell(row=number, column=column).fill = PatternFill("solid", fgColor=shade)
            if cell.border:
                for column in range(first, last + 1):
                    sheet.cell(row=number, column=column).border = Border(left=thin, right=thin, top=thin,
                                                                          bottom=thin)
            if last > first:
                sheet.merge_cells(start_row=number, start_column=first, end_row=number, end_column=last)
        # LibreOffice keeps an xlsx row's height: give each row room for its wrapped lines (about one em a character).
        lines = max((sum(max(1, -(-len(para) * max(7.0, c.size) // max(1.0, c.width - 8.0))) for para in c.paras)
                     for c in row.cells if c.paras), default=1)
        sheet.row_dimensions[number].height = (lines + 1) * max(7.0, *(c.size for c in row.cells)) * 1.6 + 4
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    # Running heads as a printed workbook has them: the form's name on top, the page number at the foot.
    sheet.oddHeader.center.text = "特定個人情報保護評価書（全項目評価書）"
    sheet.oddHeader.center.size = 8
    sheet.oddFooter.center.text = "&P / &N"
    sheet.oddFooter.center.size = 8
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins.left = sheet.page_margins.right = 0.5 * 100 / scale
    sheet.print_options.horizontalCentered = True
    book.save(out)


def print_pdf(xlsx: Path, out: Path, soffice: str) -> Path:
    """``xlsx`` printed to ``out`` by LibreOffice (a private profile, so a running LibreOffice is not disturbed)."""
    with tempfile.TemporaryDirectory(prefix="pia-soffice-") as work:
        profile = Path(work) / "profile"
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", work, str(xlsx)], check=True, capture_output=True, timeout=300)
        produced = Path(work) / (xlsx.stem + ".pdf")
        shutil.move(str(produced), out)
    return out


def office_pairs(folder: Path, soffice: str, seed: int = 1) -> dict[str, object]:
    """Write ``office-old.pdf`` (scale 100), ``office-reflow.pdf`` (the same text at scale 80) and
    ``office-revised.pdf`` (one measure rewritten and declared in 別添3) into ``folder``; returns the paths and the
    declared item."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, _ = _report_rows(seed, revise=False)
    revised_rows, item = _report_rows(seed, revise=True)
    paths: dict[str, object] = {}
    for name, content, scale in (("old", rows, 100), ("reflow", rows, 80), ("revised", revised_rows, 100)):
        xlsx = folder / f"office-{name}.xlsx"
        write_workbook(content, xlsx, scale)
        paths[name] = print_pdf(xlsx, folder / f"office-{name}.pdf", soffice)
    paths["declared_item"] = item
    return paths
