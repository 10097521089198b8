"""Annotations (a member's comments on a packet) as plain data.

Geometry is in PDF page space: points, origin at the top-left of the unrotated page (PyMuPDF's
coordinates). ``rects`` holds one rectangle per highlighted line, the area of an area comment, or a
small square around a sticky note's point.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

Rect = tuple[float, float, float, float]

KINDS: tuple[str, ...] = ("highlight", "area", "note")
DEFAULT_CATEGORIES: tuple[str, ...] = ("質問", "意見", "要修正", "確認のみ")
STATUSES: tuple[str, ...] = ("未処理", "対応済み")
# Colours by category (RGB hex); categories added by the user get the fallback colour.
CATEGORY_COLORS: dict[str, str] = {
    "質問": "#f4c542",
    "意見": "#5aa9e6",
    "要修正": "#e5636b",
    "確認のみ": "#7cc47f",
}
FALLBACK_COLOR = "#b39ddb"
CONTEXT_CHARS = 32


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_newer(candidate: str, current: str) -> bool:
    """Whether timestamp ``candidate`` is later than ``current`` (ISO 8601; a real time beats an unreadable one,
    two unreadable ones compare as text). The one rule for "the newer ``modified`` wins" on import."""
    a, b = parse_time(candidate), parse_time(current)
    if a is not None and b is not None:
        return a > b
    if a is not None:
        return True
    if b is not None:
        return False
    return candidate > current


def new_id() -> str:
    return str(uuid.uuid4())


def category_color(category: str) -> str:
    return CATEGORY_COLORS.get(category, FALLBACK_COLOR)


@dataclass(slots=True)
class Annotation:
    file_sha256: str
    file_name: str
    page: int
    page_label: str
    kind: str
    rects: list[Rect]
    category: str
    text: str
    author: str
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    # Where it falls in the structure (see reviewer.structure.model.Location)
    document_title: str = ""
    item_label: str = ""  # e.g. 「Ⅲ 7. リスク1」
    node_key: str = ""
    status: str = "未処理"
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)
    # Chair-side fields: where the comment came from and how it appears on the comment sheet.
    origin: str = "own"  # "own" | "imported"
    excluded: bool = False
    sheet_text: str | None = None
    answer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def color(self) -> str:
        return category_color(self.category)

    @property
    def top(self) -> float:
        return min((r[1] for r in self.rects), default=0.0)

    def bounds(self) -> Rect:
        """The union of all rects."""
        if not self.rects:
            return (0.0, 0.0, 0.0, 0.0)
        return (
            min(r[0] for r in self.rects), min(r[1] for r in self.rects),
            max(r[2] for r in self.rects), max(r[3] for r in self.rects),
        )

    def edited(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``modified`` bumped."""
        return replace(self, modified=now_iso(), **changes)


def form_reading_order(lines: list[tuple[str, Rect]]) -> list[tuple[str, Rect]]:
    """Lines of an area in the order a form is read: row by row (lines closer than half a line apart are one row),
    and in a row cell by cell from the left, each cell top to bottom. A row's label is vertically centred beside
    its content: read by height alone it came after the content's first line (「[ 課題が残されている ] ＜選択肢＞
    リスクへの対策は十分か」)."""
    if len(lines) < 2:
        return lines
    by_top = sorted(lines, key=lambda line: (line[1][1], line[1][0]))
    rows: list[list[tuple[str, Rect]]] = []
    bottom = -1e9
    for line in by_top:
        _x0, y0, _x1, y1 = line[1]
        if rows and y0 <= bottom + 0.5 * (y1 - y0):
            rows[-1].append(line)
            bottom = max(bottom, y1)
        else:
            rows.append([line])
            bottom = y1
    ordered: list[tuple[str, Rect]] = []
    for row in rows:
        cells: list[list[tuple[str, Rect]]] = []  # lines whose widths overlap: one cell (a column of the row)
        for line in sorted(row, key=lambda line: line[1][0]):
            for cell in cells:
                if any(line[1][0] < other[1][2] and other[1][0] < line[1][2] for other in cell):
                    cell.append(line)
                    break
            else:
                cells.append([line])
        for cell in cells:
            ordered.extend(sorted(cell, key=lambda line: line[1][1]))
    return ordered
