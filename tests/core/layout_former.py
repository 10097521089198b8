"""The structure line builder as it was before the banded lookups (commit ab0d6b3), kept verbatim as the oracle of
tests/core/test_layout_speed.py. Not used by the application."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pymupdf

_TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_SPACES = re.compile(r"[\s\u00a0\u200b]+")


_CIRCLED = re.compile(r"([\u2460-\u2473])")


def norm(text: str) -> str:
    """NFKC with every kind of white space removed: the form used for matching (never for display).

    Circled numbers (①…⑳) are kept: NFKC would turn 「⑧事故発生時…」 into a numbered heading 「8事故…」.
    """
    if _CIRCLED.search(text):
        parts = _CIRCLED.split(text)
        text = "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))
    else:
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", text)


def clean(text: str) -> str:
    """Text as printed, with non-breaking spaces made plain and runs of spaces collapsed."""
    return re.sub(r"[ \t\u00a0]+", " ", text.replace("\u200b", "")).strip()


@dataclass(slots=True)
class Cell:
    """Spans of one line that sit together (no wide gap): usually one table cell's line of text."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    key: str = ""  # norm(text)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = norm(self.text)


@dataclass(slots=True)
class Line:
    """One visual line of a page: cells left to right."""

    cells: list[Cell]
    y0: float
    y1: float
    size: float
    page: int = 0
    index: int = 0  # position in the page's line list
    key: str = field(default="")  # norm of the whole line

    @property
    def x0(self) -> float:
        return self.cells[0].x0

    @property
    def x1(self) -> float:
        return self.cells[-1].x1

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)


@dataclass(slots=True)
class PageLayout:
    index: int
    width: float
    height: float
    lines: list[Line]

    @property
    def left(self) -> float:
        """The leftmost x of text on the page (the table's label column starts about here)."""
        return min((line.x0 for line in self.lines), default=0.0)


class _Span:
    __slots__ = ("text", "x0", "y0", "x1", "y1", "size", "yc")

    def __init__(self, text: str, x0: float, y0: float, x1: float, y1: float, size: float) -> None:
        self.text, self.x0, self.y0, self.x1, self.y1, self.size = text, x0, y0, x1, y1, size
        self.yc = (y0 + y1) / 2


PageWords = list[tuple[Any, ...]]


def page_words(page: Any) -> PageWords:
    """The page's words exactly as MuPDF gives them (``get_text("words")``, the flags every reader here uses).

    One extraction can serve both the structure detector and the comparison's rows (``reviewer.compare.rows``),
    which read the same words: MuPDF's extraction is the largest single cost of either.
    """
    return list(page.get_text("words", flags=_TEXT_FLAGS, sort=False))


def _spans_of(page: Any, words: PageWords | None = None) -> list[_Span]:
    """Words of the page (MuPDF splits at white space) with their boxes; the box height stands for the size.

    ``"words"`` is the cheapest extraction that keeps per-line boxes (≈20% faster than ``"dict"``); lines
    and cells are rebuilt from the boxes afterwards, so nothing depends on MuPDF's own block order.
    """
    spans: list[_Span] = []
    for x0, y0, x1, y1, text, *_ in (words if words is not None else page_words(page)):
        height = y1 - y0
        if not text or height <= 0 or x1 <= x0:
            continue
        if height > 3 * (x1 - x0) and len(text) > 2:  # vertical or rotated text: not part of the form grid
            continue
        spans.append(_Span(text, float(x0), float(y0), float(x1), float(y1), float(height)))
    return spans


def _dedupe(spans: list[_Span]) -> list[_Span]:
    """Drop spans drawn twice at (almost) the same place: fake bold.

    The second copy is not always cut into the same runs as the first (「特定個人情報ファイルの」 「取扱い…」 drawn
    again as 「特定個人情報ファイルの取扱」 「い…」): a span is a copy when spans already kept on its line cover its
    box and their text, read left to right, contains its text.
    """
    seen: dict[str, list[_Span]] = {}
    rest: list[_Span] = []
    for span in spans:
        same = seen.get(span.text)
        if same is not None:
            tol = span.size * 0.35
            if any(abs(o.y0 - span.y0) <= tol and abs(o.x0 - span.x0) <= tol * 2 for o in same):
                continue
            same.append(span)
        else:
            seen[span.text] = [span]
        rest.append(span)
    overlapping = _overlapping(rest)
    if not overlapping:
        return rest
    # widest first, so that pieces are compared with the whole copy they repeat
    order = sorted(overlapping, key=lambda i: rest[i].x0 - rest[i].x1)
    buckets: dict[int, list[_Span]] = {}
    keep = [True] * len(rest)
    for i in order:
        span = rest[i]
        tol = span.size * 0.35
        band = int(span.yc // 4)
        near = [
            o for b in (band - 1, band, band + 1) for o in buckets.get(b, ())
            if abs(o.yc - span.yc) <= tol and o.x1 > span.x0 + tol and o.x0 < span.x1 - tol
        ]
        if near:
            near.sort(key=lambda o: o.x0)
            if (
                near[0].x0 <= span.x0 + tol * 2 and near[-1].x1 >= span.x1 - tol * 2
                and span.text.strip() in "".join(o.text for o in near)
            ):
                keep[i] = False
                continue
        buckets.setdefault(band, []).append(span)
    _trim_overlaps([rest[i] for i in overlapping if keep[i]])
    return [span for span, ok in zip(rest, keep, strict=True) if ok and span.text]


def _trim_overlaps(spans: list[_Span]) -> None:
    """Two kept copies that overlap by a few characters (「…ファイルの取扱」 「取扱いプロセス」): the right one
    loses the characters the left one already has."""
    spans.sort(key=lambda sp: (int(sp.yc // 4), sp.x0))
    for a, b in zip(spans, spans[1:], strict=False):
        if not a.text or not b.text or abs(a.yc - b.yc) > a.size * 0.35 or b.x0 >= a.x1 - a.size * 0.35:
            continue
        width = (b.x1 - b.x0) / len(b.text)
        for k in range(min(len(a.text), len(b.text)), 0, -1):
            if a.text.endswith(b.text[:k]) and abs(k * width - (a.x1 - b.x0)) <= width * 0.6:
                b.text, b.x0 = b.text[k:], b.x0 + k * width
                break


def _overlapping(spans: list[_Span]) -> list[int]:
    """Indexes of spans whose box overlaps another span's on the same line (rare outside fake bold)."""
    bands: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        bands.setdefault(int(span.yc // 4), []).append(i)
    marked: set[int] = set()
    for band, members in bands.items():
        pool = sorted(members + bands.get(band + 1, []), key=lambda i: spans[i].x0)
        active: list[int] = []
        for i in pool:
            span = spans[i]
            tol = span.size * 0.35
            active = [j for j in active if spans[j].x1 > span.x0 + tol]
            for j in active:
                if abs(spans[j].yc - span.yc) <= tol:
                    marked.add(i)
                    marked.add(j)
            active.append(i)
    return sorted(marked)


def _undouble(text: str) -> str:
    """「目目的的」 -> 「目的」 when every character is doubled (fake bold merged into one span)."""
    if len(text) >= 4 and len(text) % 2 == 0 and text[0::2] == text[1::2]:
        return text[0::2]
    return text


def _merge_distributed(cells: list[Cell]) -> list[Cell]:
    """Join a label printed with Excel's distributed alignment (「評　　価　　書　　名」): a run of
    single-character cells spaced evenly is one cell."""
    if len(cells) < 2:
        return cells
    out: list[Cell] = []
    i = 0
    while i < len(cells):
        j = i
        while (
            j + 1 < len(cells) and len(cells[j].key) == 1 and len(cells[j + 1].key) == 1
            and not cells[j].key.isascii() and not cells[j + 1].key.isascii()
            and cells[j + 1].x0 - cells[j].x1 <= cells[j].size * 5
        ):
            j += 1
        run = cells[i:j + 1]
        gaps = [b.x0 - a.x1 for a, b in zip(run, run[1:], strict=False)]
        if len(run) >= 2 and max(gaps) <= min(gaps) * 1.6 + 2 and not any(c.key in "○●◯✓✔□■" for c in run):
            first, last = run[0], run[-1]
            out.append(Cell(
                "".join(c.text for c in run), first.x0, min(c.y0 for c in run), last.x1,
                max(c.y1 for c in run), max(c.size for c in run),
            ))
        else:
            out.extend(run)
        i = j + 1
    return out


def build_lines(spans: list[_Span], page_index: int) -> list[Line]:
    spans = _dedupe(spans)
    spans.sort(key=lambda s: (s.yc, s.x0))
    groups: list[list[_Span]] = []
    current: list[_Span] = []
    centre = 0.0
    for span in spans:
        if current and abs(span.yc - centre) <= max(1.5, min(span.size, current[0].size) * 0.4):
            current.append(span)
            centre = sum(s.yc for s in current) / len(current)
            continue
        if current:
            groups.append(current)
        current = [span]
        centre = span.yc
    if current:
        groups.append(current)

    lines: list[Line] = []
    for group in groups:
        group.sort(key=lambda s: s.x0)
        cells: list[Cell] = []
        parts: list[str] = []
        first = group[0]
        x0, y0, x1, y1, size = first.x0, first.y0, first.x1, first.y1, first.size
        parts.append(first.text)
        for span in group[1:]:
            gap = span.x0 - x1
            limit = max(size, span.size) * 1.2
            if gap <= limit:
                if gap > max(size, span.size) * 0.12 and not parts[-1].endswith((" ", "\u00a0", "\u3000")):
                    parts.append(" ")
                parts.append(span.text)
                x1 = max(x1, span.x1)
                y0, y1 = min(y0, span.y0), max(y1, span.y1)
                size = max(size, span.size)
            else:
                cells.append(Cell(clean(_undouble("".join(parts))), x0, y0, x1, y1, size))
                parts = [span.text]
                x0, y0, x1, y1, size = span.x0, span.y0, span.x1, span.y1, span.size
        cells.append(Cell(clean(_undouble("".join(parts))), x0, y0, x1, y1, size))
        cells = _merge_distributed([c for c in cells if c.key])
        if not cells:
            continue
        line = Line(
            cells=cells,
            y0=min(c.y0 for c in cells),
            y1=max(c.y1 for c in cells),
            size=max(c.size for c in cells),
            page=page_index,
        )
        line.key = "".join(c.key for c in cells)
        lines.append(line)
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    for i, line in enumerate(lines):
        line.index = i
    return lines


def page_layout(doc: Any, index: int, keep_words: dict[int, PageWords] | None = None) -> PageLayout:
    """The visual lines of page ``index``; an unreadable page gives no lines rather than an error.

    ``keep_words``, when given, receives the page's words (:func:`page_words`) for a later reader of the same page.
    """
    try:
        page = doc[index]
        rect = page.rect
        width, height = float(rect.width), float(rect.height)
    except Exception:
        return PageLayout(index, 0.0, 0.0, [])
    try:
        words = page_words(page)
        if keep_words is not None:
            keep_words[index] = words
        spans = _spans_of(page, words)
    except Exception:
        spans = []
    return PageLayout(index, width, height, build_lines(spans, index))
