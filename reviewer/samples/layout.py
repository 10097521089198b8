"""Rows of bordered cells, wrapped and paginated like an Excel sheet printed to PDF.

A report is a flow of :class:`Row` objects (a shaded heading band, a label|content row, a choice row, a table
row). :func:`paginate` wraps every cell's text at the cell width, breaks pages (splitting tall rows between
pages the way a printed workbook does) and draws each page into a :class:`PageCanvas`. Headings carry a
:class:`Mark`; the position where their first line was drawn becomes the generator's truth.

Artefacts of real printouts are produced on purpose: on most pages the label column's text is written before
the content column's (so text extraction does not follow reading order); a heading may be left at the foot of
a page with its content on the next.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from reviewer.samples.canvas import PAGE_HEIGHT, FontMetrics, PageCanvas

TOP = 42.0
BOTTOM = 782.0  # the report footer and the packet stamp live below this
LEFT = 40.0
TABLE_WIDTH = 515.0
PAD = 3.5
LINE_FACTOR = 1.4

# Characters that must not start a line (kinsoku): they stay at the end of the previous one.
_NO_START = set("、。，．）」』】〕）)]・：:ー-ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ々")


@dataclass
class Mark:
    """A heading to record in the truth (``page``/``y`` are filled in by the layout)."""

    kind: str
    number: str
    title: str
    file: str | None = None
    judgement: str | None = None
    page: int = -1
    y: float = 0.0


@dataclass
class Cell:
    width: float
    paras: list[str]
    role: str = "content"  # "label" cells are written in the first pass on label-first pages
    shade: float | None = None
    size: float = 8.0
    bold: bool = False
    center: bool = False  # vertical centring (label cells)
    hcenter: bool = False
    mark: Mark | None = None
    border: bool = True
    lines: list[str] = field(default_factory=list)  # filled by wrap()

    @property
    def line_height(self) -> float:
        return self.size * LINE_FACTOR


@dataclass
class Row:
    cells: list[Cell]
    keep_with_next: bool = False
    page_break_before: bool = False
    splittable: bool = True
    gap_before: float = 0.0


def wrap(metrics: FontMetrics, text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking at ``width`` points, honouring forced ``\\n`` and simple kinsoku."""
    key = (text, width, size)
    cached = _WRAP_CACHE.get(key)
    if cached is not None:
        return cached
    limit = width / size
    advances = metrics.advances_for(text)
    lines: list[str] = []
    for chunk in text.split("\n"):
        start = 0
        used = 0.0
        for i, ch in enumerate(chunk):
            advance = advances[ch]
            if i > start and used + advance > limit and ch not in _NO_START:
                lines.append(chunk[start:i].rstrip(" "))
                start, used = i, 0.0
                if ch == " ":
                    start = i + 1
                    continue
            used += advance
        lines.append(chunk[start:])
    if len(_WRAP_CACHE) > 200_000:
        _WRAP_CACHE.clear()
    _WRAP_CACHE[key] = lines
    return lines


_WRAP_CACHE: dict[tuple[str, float, float], list[str]] = {}


def _wrap_row(metrics: FontMetrics, row: Row) -> None:
    for cell in row.cells:
        if not cell.lines:
            lines: list[str] = []
            for para in cell.paras:
                lines.extend(wrap(metrics, para, cell.width - 2 * PAD - 1, cell.size))
            cell.lines = lines if cell.paras else []


def _row_height(row: Row) -> float:
    return max((len(c.lines) * c.line_height for c in row.cells), default=0.0) + 2 * PAD


def _min_chunk(row: Row) -> float:
    """Height of the smallest piece of ``row`` that may start a page's last rows."""
    if not row.splittable:
        return _row_height(row)
    return min(_row_height(row), 2 * PAD + 2 * max(c.line_height for c in row.cells))


@dataclass
class Style:
    """How one report's printout looks and misbehaves (varied by seed)."""

    label_first: float = 0.8  # share of pages whose label column is written first
    foot_heading: float = 0.35  # chance to leave a heading at a page foot instead of moving it down


class Paginator:
    def __init__(self, metrics: FontMetrics, rng: random.Random, style: Style, draw: bool = True) -> None:
        self.metrics = metrics
        self.draw = draw  # False: only count pages and place marks (page calibration)
        self.rng = rng
        self.style = style
        self.pages: list[PageCanvas] = []
        self.y = BOTTOM
        self.marks: list[Mark] = []

    def new_page(self) -> None:
        canvas = PageCanvas(self.metrics, flow=self.rng.random() >= self.style.label_first)
        self.pages.append(canvas)
        self.y = TOP

    @property
    def page(self) -> PageCanvas:
        return self.pages[-1]

    def place(self, rows: list[Row]) -> None:
        for row in rows:
            _wrap_row(self.metrics, row)
        index = 0
        while index < len(rows):
            row = rows[index]
            if not self.pages or (row.page_break_before and self.y > TOP):
                self.new_page()
            elif row.gap_before:
                self.y += row.gap_before
            room = BOTTOM - self.y
            height = _row_height(row)
            if row.keep_with_next and index + 1 < len(rows) and self.y > TOP:
                need = height + _min_chunk(rows[index + 1])
                if need > room and (height > room or self.rng.random() >= self.style.foot_heading):
                    self.new_page()
                    room = BOTTOM - self.y
            if height <= room:
                self._draw(row, height)
                index += 1
                continue
            if row.splittable and room >= _min_chunk(row) and self.y > TOP:
                head, tail = _split(row, room)
                self._draw(head, _row_height(head))
                rows[index] = tail
                self.new_page()
                continue
            if self.y > TOP:
                self.new_page()
                continue
            # Taller than a whole page and not splittable: split anyway.
            head, tail = _split(row, room)
            self._draw(head, _row_height(head))
            rows[index] = tail
            self.new_page()

    def _draw(self, row: Row, height: float) -> None:
        page = self.page
        flow = page.flow
        x = LEFT
        top = self.y
        if not self.draw:
            for cell in row.cells:
                if cell.mark is not None and cell.lines:
                    cell.mark.page = len(self.pages) - 1
                    self.marks.append(cell.mark)
            self.y = top + height
            return
        for cell in row.cells:
            if cell.shade is not None or cell.border:
                page.rect(x, top, cell.width, height, fill=cell.shade, stroke=cell.border)
            lh = cell.line_height
            text_top = top + PAD
            if cell.center and cell.lines:
                text_top = top + (height - len(cell.lines) * lh) / 2
            layer = "content" if flow or cell.role != "label" else "label"
            for i, line in enumerate(cell.lines):
                line_top = text_top + i * lh + (lh - cell.size) / 2
                baseline = line_top + self.metrics.ascender * cell.size
                tx = x + PAD
                if cell.hcenter:
                    tx = x + (cell.width - self.metrics.width(line, cell.size)) / 2
                page.text(layer, tx, baseline, line, cell.size, bold=cell.bold)
                if i == 0 and cell.mark is not None:
                    cell.mark.page = len(self.pages) - 1
                    cell.mark.y = round(line_top, 2)
                    self.marks.append(cell.mark)
            x += cell.width
        self.y = top + height


def _split(row: Row, room: float) -> tuple[Row, Row]:
    """Cut ``row`` so that the first part fits in ``room``; the rest continues on the next page."""
    head_cells: list[Cell] = []
    tail_cells: list[Cell] = []
    for cell in row.cells:
        fit = max(1, int((room - 2 * PAD) // cell.line_height))
        head_cells.append(replace(cell, lines=cell.lines[:fit]))
        rest = cell.lines[fit:]
        tail_cells.append(replace(cell, lines=rest, mark=None, paras=list(rest)))
    head = replace(row, cells=head_cells, keep_with_next=False)
    tail = replace(row, cells=tail_cells, page_break_before=False, gap_before=0.0)
    return head, tail


def paginate(
    rows: list[Row], metrics: FontMetrics, rng: random.Random, style: Style, draw: bool = True
) -> Paginator:
    paginator = Paginator(metrics, rng, style, draw)
    paginator.place(rows)
    return paginator


def draw_footer(canvas: PageCanvas, metrics: FontMetrics, text: str, size: float = 8.0) -> None:
    width = metrics.width(text, size)
    canvas.text("footer", (595.28 - width) / 2, BOTTOM + 22, text, size)


def draw_stamp(canvas: PageCanvas, metrics: FontMetrics, number: int) -> None:
    text = f"- {number} -"
    size = 10.0
    width = metrics.width(text, size)
    canvas.text("footer", (595.28 - width) / 2, PAGE_HEIGHT - 18, text, size)
