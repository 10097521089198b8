"""The comment sheet as Excel (.xlsx, openpyxl) and reading the department's answers back from it.

The sheet 意見一覧 is ready to print: A4 landscape fitted to the page width, header row repeated on every
page, wrapped text with row heights estimated from the text, frozen header, autofilter, and a hidden ID
column that carries each comment's id for the round trip (:func:`read_sheet_answers`).
"""

from __future__ import annotations

import math
import os
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reviewer.atomic import export_path
from reviewer.exchange import PackageError
from reviewer.export.sheet import (
    ANSWER_COLUMN,
    CHANGE_CATEGORIES,
    CHECK_COLUMN,
    COLUMNS,
    ID_COLUMN,
    REVISED_COLUMN,
    SHEET_NAME,
    SheetRow,
)
from reviewer.limits import MAX_ANNOTATIONS_PER_IMPORT, MAX_COMMENT_CHARS, clean_answer, clean_text

FONT_NAME = "游ゴシック"
# Fitted to the A4 width, 11 pt prints at about 9.2 pt with these widths (9 pt is the readable minimum on paper).
FONT_SIZE = 11
LINE_HEIGHT_PT = 17.0
# Column widths in Excel character units, by column name.
WIDTHS: dict[str, float] = {
    "No.": 5, "評価書": 16, "資料頁": 7, "項目": 15, "引用": 26, "区分": 8, "意見・質問": 42, "委員": 10,
    "関連": 7, "所管課の回答": 36, "ID": 38, REVISED_COLUMN: 30, CHECK_COLUMN: 10,
}
REQUIRED_ON_IMPORT: tuple[str, ...] = tuple(c for c in COLUMNS if c != "関連")
EXCEL_CELL_CHARS = 32_767  # Excel refuses to open a workbook with a longer cell
# Bounds checked before any XML of a returned sheet is parsed (a real sheet is far below each).
MAX_XLSX_ENTRIES = 1_000
MAX_XLSX_PART_BYTES = 64 << 20
MAX_XLSX_TOTAL_BYTES = 160 << 20
MAX_SHEET_ROWS = MAX_ANNOTATIONS_PER_IMPORT + 1_000


def cell_text(value: str) -> str:
    """``value`` as a cell can hold it: cleaned (:func:`reviewer.limits.clean_text`), cut to Excel's limit."""
    return clean_text(value)[:EXCEL_CELL_CHARS]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def estimate_lines(text: str, width: float) -> int:
    """How many lines ``text`` needs in a wrapped cell ``width`` characters wide."""
    usable = max(1.0, width - 1.0)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))


def write_xlsx(rows: Sequence[SheetRow], path: str | os.PathLike[str], *, title: str = "",
               columns: Sequence[str] = COLUMNS) -> None:
    """Write the comment sheet to ``path`` atomically (``columns``: :data:`COLUMNS`, or the second meeting's
    :data:`reviewer.export.sheet.SECOND_COLUMNS`; an undeclared change's row is tinted)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=FONT_NAME, size=FONT_SIZE)
    head_font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    center_top = Alignment(wrap_text=True, vertical="top", horizontal="center")
    head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    answer_fill = PatternFill("solid", fgColor="FFF9E5")
    undeclared_fill = PatternFill("solid", fgColor="FDE2E1")
    centered = {"No.", "資料頁", "区分", "関連", CHECK_COLUMN}

    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = head_font
        cell.alignment = head_align
        cell.fill = head_fill
        cell.border = border
    ws.row_dimensions[1].height = 22
    widths = [WIDTHS[c] for c in columns]
    answer_index = columns.index(ANSWER_COLUMN)
    id_index = columns.index(ID_COLUMN)
    # Styling each cell through openpyxl's descriptors costs a hash per attribute; style the first row
    # normally, then copy its StyleArray per column (2,000 rows: ~0.5 s instead of ~5 s).
    templates: list[Any] = []
    for c, name in enumerate(columns):
        probe = ws.cell(row=2, column=c + 1)
        probe.font = body_font
        probe.border = border
        probe.alignment = center_top if name in centered else wrap_top
        if c == answer_index:
            probe.fill = answer_fill
        templates.append(copy(probe._style))
    tinted: list[Any] = []
    for c, template in enumerate(templates):
        probe = ws.cell(row=2, column=c + 1)
        probe._style = copy(template)
        probe.fill = undeclared_fill
        tinted.append(copy(probe._style))
    for r, row in enumerate(rows, start=2):
        values = row.values(columns)
        styles = tinted if row.change_row else templates
        lines = 1
        for c, raw in enumerate(values):
            value = cell_text(raw) if isinstance(raw, str) else raw
            cell = ws.cell(row=r, column=c + 1, value=value)
            if isinstance(value, str):
                # openpyxl makes any string starting with "=" a live formula; a comment is always text.
                cell.data_type = "s"
            cell._style = copy(styles[c])
            if c != id_index and isinstance(value, str) and value:
                lines = max(lines, estimate_lines(value, widths[c]))
        ws.row_dimensions[r].height = min(409.0, lines * LINE_HEIGHT_PT + 4)
    if not rows:
        ws.delete_rows(2)
    for c, name in enumerate(columns, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = WIDTHS[name]
        if name == ID_COLUMN:
            ws.column_dimensions[letter].hidden = True
    last = get_column_letter(len(columns))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    # The hidden ID column is inside the area but hidden columns do not print.
    ws.print_area = f"A1:{last}{max(1, len(rows) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25  # the page heading prints clear of the table
    ws.print_options.gridLines = False
    heading = clean_text(title) or SHEET_NAME
    ws.oddHeader.center.text = heading
    ws.oddFooter.center.text = "&P / &N"
    wb.properties.title = heading
    wb.properties.creator = "PIA Reviewer"
    wb.properties.created = datetime.now()
    with export_path(path) as tmp:
        wb.save(tmp)


def check_workbook_file(path: Path) -> None:
    """Refuse a workbook that is too big or not plain XML before any library parses it.

    Bounds the number of zip entries and each part's and the whole uncompressed size (from the zip directory;
    a part longer than it claims fails its CRC check), then reads every XML part once with ``defusedxml``
    (any encoding, BOM or not; DTDs, entities and external references refused), counting rows and measuring
    each text. Raises :class:`_SheetRefused` with the reason in Japanese.
    """
    import defusedxml
    from defusedxml.ElementTree import iterparse

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _SheetRefused(f"Excelファイルとして開けません（{type(exc).__name__}）") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_XLSX_ENTRIES:
            raise _SheetRefused(f"ファイルの構成要素が多すぎます（{len(entries):,}個）")
        total = 0
        for entry in entries:
            total += entry.file_size
            if entry.file_size > MAX_XLSX_PART_BYTES or total > MAX_XLSX_TOTAL_BYTES:
                raise _SheetRefused(f"展開後の大きさが上限（{MAX_XLSX_PART_BYTES // (1 << 20)} MB）を超えます")
        for entry in entries:
            name = entry.filename
            if not name.lower().endswith((".xml", ".rels", ".vml")):
                continue
            rows = 0
            try:
                with archive.open(entry) as stream:
                    for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
                        tag = element.tag.rsplit("}", 1)[-1]
                        if element.text is not None and len(element.text) > EXCEL_CELL_CHARS:
                            raise _SheetRefused(f"{EXCEL_CELL_CHARS:,}文字を超える文字列があります（{name}）")
                        if tag == "row":
                            rows += 1
                            if rows > MAX_SHEET_ROWS:
                                raise _SheetRefused(f"行が多すぎます（{MAX_SHEET_ROWS:,}行を超えます）")
                            element.clear()
                        elif tag == "si":
                            element.clear()
            except defusedxml.DefusedXmlException:
                raise _SheetRefused(f"DTD・実体宣言を含むため安全のため読みません（{name}）") from None
            except (ElementTree.ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError,
                    UnicodeError, zlib.error) as exc:
                raise _SheetRefused(f"内容が壊れています（{name}: {type(exc).__name__}）") from None


class _SheetRefused(Exception):
    pass


def read_sheet_answers(path: str | os.PathLike[str]) -> dict[str, str]:
    """The department's answers from a returned sheet: comment id → answer (see :func:`read_answered_sheet`)."""
    return read_answered_sheet(path)[0]


def read_answered_sheet(path: str | os.PathLike[str]) -> tuple[dict[str, str], int]:
    """The department's answers from a returned sheet: comment id → answer (non-empty answers only), and how
    many answers were written on rows of undeclared changes (the second meeting's sheet), which have no comment
    to attach to and are left in the sheet.

    Raises :class:`PackageError` (and returns nothing) when the workbook is damaged, too big or not plain XML
    (:func:`check_workbook_file`), has no sheet 意見一覧, lacks a column, has an answer longer than
    :data:`reviewer.limits.MAX_COMMENT_CHARS`, or has an answer on a row whose hidden ID is missing or not an
    id. An answer the department typed as a formula comes back as its text (``=…``); it is written as text.
    """
    from openpyxl import load_workbook

    path = Path(path)
    name = path.name

    def refuse(why: str) -> PackageError:
        return PackageError(f"回答入りの意見一覧「{name}」を取り込めません: {why}（何も取り込んでいません）",
                            f"The answered sheet “{name}” cannot be imported; nothing was imported.")

    try:
        check_workbook_file(path)
    except _SheetRefused as exc:
        raise refuse(str(exc)) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged part (checked once above)
        raise refuse(f"Excelファイルとして開けません（{type(exc).__name__}）") from None
    try:
        return _answers(wb, refuse)
    except PackageError:
        raise
    except Exception as exc:  # a cell or part openpyxl cannot read: one line, not a traceback
        raise refuse(f"内容が壊れています（{type(exc).__name__}）") from None
    finally:
        wb.close()


def _answers(wb: Any, refuse: Callable[[str], PackageError]) -> tuple[dict[str, str], int]:
    if SHEET_NAME not in wb.sheetnames:
        raise refuse(f"シート「{SHEET_NAME}」がありません")
    ws = wb[SHEET_NAME]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise refuse("見出し行がありません")
    names = [str(v).strip() if v is not None else "" for v in header]
    missing = [c for c in REQUIRED_ON_IMPORT if c not in names]
    if missing:
        raise refuse("列「" + "」「".join(missing) + "」がありません")
    id_at, answer_at = names.index(ID_COLUMN), names.index(ANSWER_COLUMN)
    category_at = names.index("区分") if "区分" in names else None
    answers: dict[str, str] = {}
    on_undeclared = 0
    for number, values in enumerate(rows, start=2):
        cells = list(values) + [None] * max(0, len(names) - len(values))
        raw_id = cells[id_at]
        raw_answer = cells[answer_at]
        answer = "" if raw_answer is None else clean_answer(str(raw_answer)).strip()
        if len(answer) > MAX_COMMENT_CHARS:
            raise refuse(f"{number}行目の回答が長すぎます（{len(answer):,}文字、上限 {MAX_COMMENT_CHARS:,}文字）")
        if raw_id is None or str(raw_id).strip() == "":
            if category_at is not None and str(cells[category_at] or "").strip() in CHANGE_CATEGORIES:
                on_undeclared += bool(answer)  # a row of the comparison: no comment to attach an answer to
                continue
            if answer:
                raise refuse(f"{number}行目に回答がありますが ID がありません")
            continue
        try:
            comment_id = str(uuid.UUID(str(raw_id).strip()))
        except ValueError:
            raise refuse(f"{number}行目の ID が正しくありません") from None
        if not answer:
            continue
        if comment_id in answers and answers[comment_id] != answer:
            raise refuse(f"{number}行目の ID が重複していて回答が異なります")
        answers[comment_id] = answer
    return answers, on_undeclared
