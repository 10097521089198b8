"""Page text for the view: reading order, mouse selection, quotes with context, links (plain Python, no Qt).

Coordinates are PDF page space in points, origin top-left of the unrotated page (PyMuPDF's text coordinates).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reviewer.document imports PyMuPDF, which the first frame does without (issue 16)
    from reviewer.document import TextLine

Rect = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Link:
    """A link area on a page. ``kind`` is "goto" (internal), "uri", "launch" or "named"."""

    rect: Rect
    kind: str
    page: int = -1
    y: float | None = None
    target: str = ""


@dataclass(slots=True)
class PageText:
    """The text layer and links of one page, lines in reading order."""

    page: int
    lines: list[TextLine]
    links: list[Link] = field(default_factory=list)
    _stream: str | None = None
    _offsets: list[int] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(ch.c.strip() for line in self.lines for ch in line.chars)

    def stream(self) -> str:
        """The whole page text, lines joined as quotes are (see :func:`join_pieces`)."""
        if self._stream is None:
            parts: list[str] = []
            offsets: list[int] = []
            length = 0
            for line in self.lines:
                sep = _separator(parts[-1] if parts else "", line.text) if parts else ""
                length += len(sep)
                offsets.append(length)
                parts.append(sep + line.text if sep else line.text)
                length += len(line.text)
            self._stream = "".join(parts)
            self._offsets = offsets
        return self._stream

    def char_offset(self, line: int, char: int) -> int:
        self.stream()
        return self._offsets[line] + char


@dataclass(frozen=True, slots=True)
class Piece:
    """Selected characters ``start:end`` of line ``line`` (an index into ``PageText.lines``)."""

    line: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SelectionResult:
    page: int
    pieces: tuple[Piece, ...]
    rects: tuple[Rect, ...]
    text: str  # lines separated by "\n" (for the clipboard)
    quote: str  # lines joined like the page stream (for anchoring)
    prefix: str
    suffix: str


def drop_overprinted(lines: list[TextLine]) -> list[TextLine]:
    """Lines without their "fake bold" copies: the same text drawn again a fraction of a point away."""
    kept: list[TextLine] = []
    seen: dict[str, list[Rect]] = {}
    for line in lines:
        tolerance = max(1.0, 0.25 * line.size)
        boxes = seen.setdefault(line.text, [])
        if any(abs(b[0] - line.bbox[0]) <= tolerance and abs(b[1] - line.bbox[1]) <= tolerance for b in boxes):
            continue
        boxes.append(line.bbox)
        kept.append(line)
    return kept


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Lines sorted top to bottom; lines sharing a row (centres within half a line height) left to right."""
    if not lines:
        return []
    by_centre = sorted(lines, key=lambda ln: ((ln.bbox[1] + ln.bbox[3]) / 2.0, ln.bbox[0]))
    rows: list[list[TextLine]] = []
    row_centre = 0.0
    row_half = 0.0
    for line in by_centre:
        centre = (line.bbox[1] + line.bbox[3]) / 2.0
        half = max(1.0, (line.bbox[3] - line.bbox[1]) / 2.0)
        if rows and abs(centre - row_centre) <= min(row_half, half):
            rows[-1].append(line)
        else:
            rows.append([line])
            row_centre, row_half = centre, half
    ordered: list[TextLine] = []
    for row in rows:
        ordered.extend(sorted(row, key=lambda ln: ln.bbox[0]))
    return ordered


def _is_cjk(ch: str) -> bool:
    if not ch:
        return False
    name = unicodedata.east_asian_width(ch)
    return name in ("W", "F")


def _separator(before: str, after: str) -> str:
    """Between two lines: nothing inside Japanese text (line wrapping), a space between Latin words."""
    left = before.rstrip()[-1:] if before.rstrip() else ""
    right = after.lstrip()[:1]
    if not left or not right or _is_cjk(left) or _is_cjk(right):
        return ""
    if left == "-":
        return ""
    return " "


def join_pieces(texts: list[str]) -> str:
    out = ""
    for text in texts:
        out = out + _separator(out, text) + text if out else text
    return out


def _contains_y(bbox: Rect, y: float) -> bool:
    return bbox[1] <= y <= bbox[3]


def _centre_x(bbox: Rect) -> float:
    return (bbox[0] + bbox[2]) / 2.0


def select_text(text: PageText, start: tuple[float, float], end: tuple[float, float]) -> SelectionResult | None:
    """The characters a drag from ``start`` to ``end`` selects, in reading order; None when nothing."""
    lines = text.lines
    if not lines:
        return None
    (px, py), (qx, qy) = start, end
    same_line = [i for i, ln in enumerate(lines) if _contains_y(ln.bbox, py) and _contains_y(ln.bbox, qy)]
    if same_line or abs(py - qy) < 0.5:
        if px > qx:
            px, qx = qx, px
    elif py > qy:
        px, py, qx, qy = qx, qy, px, py
    first = _line_at(lines, px, py)
    last = _line_at(lines, qx, qy)
    xmin, xmax = min(px, qx), max(px, qx)
    for index in (first, last):
        if index is not None:
            xmin = min(xmin, lines[index].bbox[0])
            xmax = max(xmax, lines[index].bbox[2])
    pieces: list[Piece] = []
    for index, line in enumerate(lines):
        x0, y0, x1, y1 = line.bbox
        has_p = _contains_y(line.bbox, py)
        has_q = _contains_y(line.bbox, qy)
        centre = (y0 + y1) / 2.0
        if has_p and has_q:
            lo, hi = px, qx
        else:
            if x1 < xmin or x0 > xmax:
                continue
            if has_p:
                lo, hi = px, float("inf")
            elif has_q:
                lo, hi = float("-inf"), qx
            elif py < centre < qy:
                lo, hi = float("-inf"), float("inf")
            else:
                continue
        chosen = [k for k, ch in enumerate(line.chars) if lo <= _centre_x(ch.bbox) <= hi]
        if chosen:
            pieces.append(Piece(index, chosen[0], chosen[-1] + 1))
    pieces = [p for p in pieces if "".join(ch.c for ch in lines[p.line].chars[p.start:p.end]).strip()]
    if not pieces:
        return None
    return describe_selection(text, pieces)


def _line_at(lines: list[TextLine], x: float, y: float) -> int | None:
    best: tuple[float, int] | None = None
    for index, line in enumerate(lines):
        if not _contains_y(line.bbox, y):
            continue
        dx = 0.0 if line.bbox[0] <= x <= line.bbox[2] else min(abs(x - line.bbox[0]), abs(x - line.bbox[2]))
        if best is None or dx < best[0]:
            best = (dx, index)
    return best[1] if best else None


def describe_selection(text: PageText, pieces: list[Piece]) -> SelectionResult:
    """Rects (one per line), clipboard text, quote and ~32 characters of context on each side."""
    lines = text.lines
    rects: list[Rect] = []
    texts: list[str] = []
    for piece in pieces:
        line = lines[piece.line]
        chars = line.chars[piece.start:piece.end]
        rects.append((
            min(ch.bbox[0] for ch in chars), line.bbox[1],
            max(ch.bbox[2] for ch in chars), line.bbox[3],
        ))
        texts.append("".join(ch.c for ch in chars))
    # Imported here, not before the first frame: reviewer.annotations pulls in uuid and datetime.
    from reviewer.annotations import CONTEXT_CHARS

    stream = text.stream()
    begin = text.char_offset(pieces[0].line, pieces[0].start)
    finish = text.char_offset(pieces[-1].line, pieces[-1].end)
    return SelectionResult(
        page=text.page,
        pieces=tuple(pieces),
        rects=tuple(rects),
        text="\n".join(t.rstrip() if i < len(texts) - 1 else t for i, t in enumerate(texts)).strip(),
        quote=join_pieces(texts).strip(),
        prefix=stream[max(0, begin - CONTEXT_CHARS):begin],
        suffix=stream[finish:finish + CONTEXT_CHARS],
    )


def matrix_apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def matrix_invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        return IDENTITY
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def rect_apply(m: Matrix, rect: Rect) -> Rect:
    """The bounding box of ``rect`` mapped by ``m``."""
    xs: list[float] = []
    ys: list[float] = []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[1]), (rect[0], rect[3]), (rect[2], rect[3])):
        tx, ty = matrix_apply(m, x, y)
        xs.append(tx)
        ys.append(ty)
    return min(xs), min(ys), max(xs), max(ys)


def transformed(text: PageText, m: Matrix) -> PageText:
    """``text`` with every box mapped by ``m`` (e.g. into the displayed frame of a rotated page), lines
    re-sorted into reading order in that frame. Used to select text on rotated pages."""
    from reviewer.document import TextChar, TextLine

    lines: list[TextLine] = []
    for line in text.lines:
        chars = tuple(TextChar(ch.c, rect_apply(m, ch.bbox)) for ch in line.chars)
        lines.append(TextLine(line.text, rect_apply(m, line.bbox), chars, line.size))
    return PageText(text.page, reading_order(lines), list(text.links))
