"""The comment sheet as PDF: an A4 landscape table drawn with PyMuPDF and the bundled Japanese font.

The header row repeats on every page, cells wrap (character by character, as Japanese text does), a row
taller than a page continues on the next one, and every page carries 「n / N」 at the foot.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any

import pymupdf

from reviewer.atomic import export_path
from reviewer.export.sheet import CHECK_COLUMN, COLUMNS, REVISED_COLUMN, SHEET_NAME, SheetRow, printed_columns
from reviewer.limits import clean_text
from reviewer.paths import bundled_font

PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 28.0
# 9 pt is the smallest size older members read comfortably on paper; the page is printed at 100 %.
FONT_SIZE = 9.0
LEADING = 12.0
HEADING_SIZE = 13.0
SMALL_SIZE = 9.0  # date line and page numbers
HEADING_GAP = 6.0  # between the heading's descent and the table
PAD = 3.0
_WEIGHTS: dict[str, float] = {
    "No.": 3, "評価書": 10, "資料頁": 4.5, "項目": 9, "引用": 15.5, "区分": 5.5, "意見・質問": 24, "委員": 6,
    "関連": 4.5, "所管課の回答": 18, REVISED_COLUMN: 15, CHECK_COLUMN: 7,
}
GRID = (0.45, 0.45, 0.45)
# Japanese line breaking (kinsoku): these never start a line; they hang at the end of the previous one.
NO_LINE_START = frozenset("、。，．,.)）」』】〕〉》”’ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ！？!?:;：；・…")
HEAD_FILL = (0.85, 0.88, 0.95)
UNDECLARED_FILL = (0.99, 0.89, 0.88)  # an undeclared change's row (second meeting)


class _Wrapper:
    def __init__(self, font: Any, size: float) -> None:
        self.font = font
        self.size = size
        self.cache: dict[str, float] = {}

    def width(self, ch: str) -> float:
        w = self.cache.get(ch)
        if w is None:
            w = float(self.font.text_length(ch, fontsize=self.size))
            self.cache[ch] = w
        return w

    def wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.replace("\r", "").split("\n"):
            current: list[str] = []
            used = 0.0
            for ch in paragraph:
                w = self.width(ch)
                # One closing mark may hang past the edge; a run of them wraps like any text.
                if current and used + w > width and not (ch in NO_LINE_START and used <= width):
                    lines.append("".join(current))
                    current, used = [], 0.0
                current.append(ch)
                used += w
            lines.append("".join(current))
        return lines


def write_pdf(rows: Sequence[SheetRow], path: str | os.PathLike[str], *, title: str = "",
              columns: Sequence[str] = COLUMNS) -> None:
    """Write the sheet as a PDF to ``path`` atomically (``columns`` as for the xlsx; the ID stays out, an
    undeclared change's row is tinted)."""
    shown = printed_columns(columns)
    font = pymupdf.Font(fontfile=str(bundled_font()))
    wrapper = _Wrapper(font, FONT_SIZE)
    usable = PAGE_W - 2 * MARGIN
    total = sum(_WEIGHTS[c] for c in shown)
    widths = [usable * _WEIGHTS[c] / total for c in shown]
    xs = [MARGIN + sum(widths[:i]) for i in range(len(widths) + 1)]
    heading = clean_text(title) or SHEET_NAME
    subtitle = f"{date.today():%Y年%m月%d日} 作成　{len(rows)}件"
    bottom = PAGE_H - MARGIN - 12
    doc = pymupdf.open()

    state: dict[str, Any] = {}

    def text_at(x: float, y_top: float, line: str, size: float = FONT_SIZE) -> None:
        if line:
            state["writer"].append((x, y_top + float(font.ascender) * size), line, font=font, fontsize=size)

    def flush() -> None:
        if state:
            state["shape"].commit()
            state["writer"].write_text(state["page"])

    def draw_row(y: float, cells: list[list[str]], lines: int, fill: tuple[float, float, float] | None) -> float:
        height = lines * LEADING + 2 * PAD
        shape = state["shape"]
        for i, cell in enumerate(cells):
            shape.draw_rect(pymupdf.Rect(xs[i], y, xs[i + 1], y + height))
            for k, line in enumerate(cell[:lines]):
                text_at(xs[i] + PAD, y + PAD + k * LEADING + (LEADING - FONT_SIZE) / 2 - 0.5, line)
        shape.finish(color=GRID, fill=fill, width=0.5)
        return y + height

    header_cells = [wrapper.wrap(name, w - 2 * PAD) for name, w in zip(shown, widths, strict=True)]
    header_lines = max(len(c) for c in header_cells)

    def new_page() -> float:
        flush()
        page = doc.new_page(width=PAGE_W, height=PAGE_H)
        state.update(page=page, shape=page.new_shape(), writer=pymupdf.TextWriter(page.rect))
        heading_top = MARGIN - 6
        text_at(MARGIN, heading_top, heading, HEADING_SIZE)
        subtitle_top = heading_top + (float(font.ascender) - SMALL_SIZE / HEADING_SIZE * float(font.ascender)) * HEADING_SIZE
        text_at(PAGE_W - MARGIN - float(font.text_length(subtitle, fontsize=SMALL_SIZE)), subtitle_top, subtitle,
                SMALL_SIZE)
        # The table starts below the heading's full height (ascent + descent), so the two never overlap.
        table_top = heading_top + (float(font.ascender) - float(font.descender)) * HEADING_SIZE + HEADING_GAP
        return draw_row(table_top, header_cells, header_lines, HEAD_FILL)

    y = new_page()
    fresh_top = y
    per_page = int((bottom - fresh_top - 2 * PAD) // LEADING)
    if not rows:
        text_at(MARGIN + PAD, y + PAD, "コメントはありません。")
    for row in rows:
        remaining = [
            wrapper.wrap(clean_text(str(row.value(name))), w - 2 * PAD) for name, w in zip(shown, widths, strict=True)
        ]
        fill = UNDECLARED_FILL if row.change_row else None
        while True:
            need = max(len(c) for c in remaining)
            fits = int((bottom - y - 2 * PAD) // LEADING)
            if need > fits and (y > fresh_top + 0.1 and need <= per_page or fits <= 0):
                y = new_page()
                continue
            take = min(need, fits)
            y = draw_row(y, remaining, take, fill)
            remaining = [c[take:] for c in remaining]
            if not any(remaining):
                break
            remaining = [c if c else [""] for c in remaining]
            y = new_page()
    flush()
    count = doc.page_count
    for number, page in enumerate(doc, start=1):
        footer = f"{number} / {count}"
        writer = pymupdf.TextWriter(page.rect)
        width = float(font.text_length(footer, fontsize=SMALL_SIZE))
        writer.append(((PAGE_W - width) / 2, PAGE_H - MARGIN + 4), footer, font=font, fontsize=SMALL_SIZE)
        writer.write_text(page)
    doc.set_metadata({"title": heading, "creator": "PIA Reviewer", "producer": "PIA Reviewer"})
    doc.subset_fonts()
    with export_path(path) as tmp:
        doc.save(str(tmp), garbage=3, deflate=True)
    doc.close()
