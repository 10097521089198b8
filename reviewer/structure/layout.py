"""Visual lines of a page, rebuilt from text spans by position (not by the text layer's order).

Real reports are Excel sheets printed to PDF: a page's label column may come out of the text layer before its
content column, fake-bold text is drawn twice, and cells are separate text objects. Here every span of the page
is placed on a visual line by its vertical centre, lines are sorted top to bottom, and the spans of a line are
sorted left to right and grouped into cells where there is a clear horizontal gap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

_SPACES = re.compile(r"[\s\u00a0\u200b]+")
_BAND = 16.0  # points: the height of the bands that spans are looked up by
_LOOK_THROUGH = 8  # copies of one text looked through one by one before they are put in bands


_CIRCLED = re.compile(r"([\u2460-\u2473])")


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """NFKC with every kind of white space removed: the form used for matching (never for display).

    Circled numbers (①…⑳) are kept: NFKC would turn 「⑧事故発生時…」 into a numbered heading 「8事故…」.
    Cached: a packet repeats the same few thousand cell texts (labels, marks, choices) on every report.
    """
    if text.isascii():  # NFKC leaves ASCII as it is
        return _SPACES.sub("", text)
    if _CIRCLED.search(text):
        parts = _CIRCLED.split(text)
        text = "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))
    else:
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", text)


_BLANKS = re.compile(r"[ \t\u00a0]+")


def clean(text: str) -> str:
    """Text as printed, with non-breaking spaces made plain and runs of spaces collapsed."""
    if "  " not in text and "\t" not in text and "\u00a0" not in text and "\u200b" not in text:
        return text.strip()  # nothing to collapse (most cells)
    return _BLANKS.sub(" ", text.replace("\u200b", "")).strip()


@lru_cache(maxsize=1 << 16)
def _cell_text(raw: str) -> tuple[str, str]:
    """A cell's text as printed and its key (:func:`norm`), from its spans' text joined (cached, as :func:`norm`)."""
    text = clean(_undouble(raw))
    return text, norm(text)


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
        self.text = text
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
        self.size = size
        self.yc = (y0 + y1) / 2


PageWords = list[tuple[Any, ...]]


def page_words(page: Any) -> PageWords:
    """The page's words exactly as MuPDF gives them (``get_text("words")``, the flags every reader here uses).

    One extraction can serve both the structure detector and the comparison's rows (``reviewer.compare.rows``),
    which read the same words: MuPDF's extraction is the largest single cost of either.
    """
    return list(page.get_text("words", flags=text_flags(), sort=False))


@lru_cache(maxsize=1)
def text_flags() -> int:
    """The extraction flags of every reader here. PyMuPDF is imported here, not with the module: the outline panel
    of a packet seen before uses this module's text helpers before the window has loaded PyMuPDF."""
    import pymupdf

    return int(pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)


def _spans_of(page: Any, words: PageWords | None = None) -> list[_Span]:
    """Words of the page (MuPDF splits at white space) with their boxes; the box height stands for the size.

    ``"words"`` is the cheapest extraction that keeps per-line boxes (≈20% faster than ``"dict"``); lines
    and cells are rebuilt from the boxes afterwards, so nothing depends on MuPDF's own block order.
    """
    spans: list[_Span] = []
    for word in (words if words is not None else page_words(page)):
        x0, y0, x1, y1, text = word[0], word[1], word[2], word[3], word[4]
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
    rest = _first_copies(spans)
    overlapping = _overlapping(rest)
    return _drop_covered(rest, overlapping) if overlapping else rest


def _first_copies(spans: list[_Span], dropped: list[_Span] | None = None) -> list[_Span]:
    """The spans without the copies of the same text at (almost) the same place (``dropped`` receives those)."""
    # Kept spans by text: a short list, looked through; once a text repeats often (「・」, 「○」, numbers on a
    # page of marks) by band of their top, so that a page of many equal words is not quadratic.
    seen: dict[str, list[_Span] | dict[int, list[_Span]]] = {}
    rest: list[_Span] = []
    for span in spans:
        same = seen.get(span.text)
        if same is None:
            seen[span.text] = [span]
            rest.append(span)
            continue
        y0, x0 = span.y0, span.x0
        tol = span.size * 0.35
        tol2 = tol * 2
        if type(same) is list:
            for o in same:
                if -tol <= o.y0 - y0 <= tol and -tol2 <= o.x0 - x0 <= tol2:
                    if dropped is not None:
                        dropped.append(span)
                    break
            else:
                same.append(span)
                rest.append(span)
                if len(same) > _LOOK_THROUGH:
                    bands: dict[int, list[_Span]] = {}
                    for o in same:
                        bands.setdefault(int(o.y0 // _BAND), []).append(o)
                    seen[span.text] = bands
            continue
        assert isinstance(same, dict)
        # One band more on each side than the tolerance needs: rounding never hides a neighbour.
        if any(
            abs(o.y0 - y0) <= tol and abs(o.x0 - x0) <= tol2
            for band in range(int((y0 - tol) // _BAND) - 1, int((y0 + tol) // _BAND) + 2)
            for o in same.get(band, ())
        ):
            if dropped is not None:
                dropped.append(span)
            continue
        same.setdefault(int(y0 // _BAND), []).append(span)
        rest.append(span)
    return rest


def _drop_covered(rest: list[_Span], overlapping: list[int]) -> list[_Span]:
    """``rest`` without the spans (of ``overlapping``) that kept spans on their line already cover."""
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
    centres = [span.yc for span in spans]
    lefts = [span.x0 for span in spans]
    rights = [span.x1 for span in spans]
    tolerances = [span.size * 0.35 for span in spans]
    bands: dict[int, list[int]] = {}
    for i, yc in enumerate(centres):
        bands.setdefault(int(yc // 4), []).append(i)
    marked: set[int] = set()
    by_left = lefts.__getitem__
    for band, members in bands.items():
        below = bands.get(band + 1)
        if below is None and len(members) < 2:
            continue  # a span alone in its band and the next overlaps nothing
        pool = sorted(members + below if below is not None else members, key=by_left)
        active: list[int] = []
        for i in pool:
            tol = tolerances[i]
            if active:
                start = lefts[i] + tol
                active = [j for j in active if rights[j] > start]
                yc = centres[i]
                for j in active:
                    if abs(centres[j] - yc) <= tol:
                        marked.add(i)
                        marked.add(j)
            active.append(i)
    return sorted(marked)


def _may_overlap(by_centre: list[_Span]) -> bool:
    """Whether two spans could overlap as :func:`_overlapping` finds them: boxes that share some width, centres
    within 0.35 of the larger size. False proves that function would find none (a cheap pass over the spans in
    the order of centres, which the lines need anyway); True leaves the decision to it."""
    if len(by_centre) < 2:
        return False
    reach = 0.35 * max([span.size for span in by_centre])
    count = len(by_centre)
    for a in range(count - 1):
        span = by_centre[a]
        yc, x0, x1, size = span.yc, span.x0, span.x1, span.size
        last = yc + reach
        for b in range(a + 1, count):
            other = by_centre[b]
            if other.yc > last:
                break
            if other.x0 < x1 and x0 < other.x1 and other.yc - yc <= 0.35 * (
                    size if size > other.size else other.size):
                return True
    return False


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
    singles = [len(cell.key) == 1 for cell in cells]
    if not any(a and b for a, b in zip(singles, singles[1:], strict=False)):
        return cells  # no two single-character cells side by side: nothing to join (most lines)
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


_BY_CENTRE = attrgetter("yc", "x0")
_BY_LEFT = attrgetter("x0")
_BY_TOP = attrgetter("y0", "x0")


@dataclass(slots=True)
class WordLines:
    """A page's words on visual lines, before the lines are cut into cells: what another reader of the same words
    (the comparison's rows) can start from instead of placing every word again.

    Kept only where fake-bold copies were all found by text and place: ``lines`` (top to bottom by centre, each
    left to right) are then the words without ``dropped`` (the copies), grouped by centre as :func:`build_lines`
    groups them.
    """

    lines: list[list[_Span]]
    dropped: list[_Span]
    height: float = 0.0  # the page's height (``page.rect.height``), where the page was read for these lines


def build_lines(spans: list[_Span], page_index: int, word_lines: dict[int, WordLines] | None = None) -> list[Line]:
    """The visual lines of a page from its spans; ``word_lines``, when given, receives the page's
    :class:`WordLines` where they can be shared."""
    dropped: list[_Span] | None = [] if word_lines is not None else None
    spans = _first_copies(spans, dropped)
    by_centre = sorted(spans, key=_BY_CENTRE)
    overlapping = _overlapping(spans) if _may_overlap(by_centre) else []
    if overlapping:
        spans = _drop_covered(spans, overlapping)
        spans.sort(key=_BY_CENTRE)
    else:
        spans = by_centre
    groups: list[list[_Span]] = []
    current: list[_Span] = []
    centre = total = first_size = 0.0
    for span in spans:
        if current:
            size = span.size if span.size < first_size else first_size
            limit = size * 0.4
            if abs(span.yc - centre) <= (limit if limit > 1.5 else 1.5):
                current.append(span)
                total += span.yc  # the same additions, in the same order, as summing the group again
                centre = total / len(current)
                continue
            groups.append(current)
        current = [span]
        centre = total = span.yc
        first_size = span.size
    if current:
        groups.append(current)
    if word_lines is not None and dropped is not None and not overlapping:
        word_lines[page_index] = WordLines(groups, dropped)  # each group is sorted left to right below

    lines: list[Line] = []
    for group in groups:
        first = group[0]
        if len(group) == 1:  # one word on the line (half the lines): one cell, as the loop below would make it
            text, key = _cell_text(first.text)
            if key:
                lines.append(Line([Cell(text, first.x0, first.y0, first.x1, first.y1, first.size, key)],
                                  first.y0, first.y1, first.size, page_index, 0, key))
            continue
        group.sort(key=_BY_LEFT)
        first = group[0]
        cells: list[Cell] = []
        parts = [first.text]
        x0, y0, x1, y1, size = first.x0, first.y0, first.x1, first.y1, first.size
        for span in group[1:]:
            gap = span.x0 - x1
            larger = span.size if span.size > size else size
            if gap <= larger * 1.2:
                if gap > larger * 0.12 and not parts[-1].endswith((" ", "\u00a0", "\u3000")):
                    parts.append(" ")
                parts.append(span.text)
                if span.x1 > x1:
                    x1 = span.x1
                if span.y0 < y0:
                    y0 = span.y0
                if span.y1 > y1:
                    y1 = span.y1
                size = larger
            else:
                text, key = _cell_text("".join(parts))
                if key:
                    cells.append(Cell(text, x0, y0, x1, y1, size, key))
                parts = [span.text]
                x0, y0, x1, y1, size = span.x0, span.y0, span.x1, span.y1, span.size
        text, key = _cell_text("".join(parts))
        if key:
            cells.append(Cell(text, x0, y0, x1, y1, size, key))
        if not cells:
            continue
        if len(cells) > 1:
            cells = _merge_distributed(cells)
        top, bottom, tallest = cells[0].y0, cells[0].y1, cells[0].size
        for cell in cells:
            if cell.y0 < top:
                top = cell.y0
            if cell.y1 > bottom:
                bottom = cell.y1
            if cell.size > tallest:
                tallest = cell.size
        lines.append(Line(cells, top, bottom, tallest, page_index, 0, "".join([c.key for c in cells])))
    lines.sort(key=_BY_TOP)
    for i, line in enumerate(lines):
        line.index = i
    return lines


def page_layout(doc: Any, index: int, keep_words: dict[int, PageWords] | None = None,
                keep_lines: dict[int, WordLines] | None = None, words: PageWords | None = None) -> PageLayout:
    """The visual lines of page ``index``; an unreadable page gives no lines rather than an error.

    ``keep_words``, when given, receives the page's words (:func:`page_words`) for a later reader of the same page;
    ``keep_lines`` its words on lines (:class:`WordLines`) where they can be shared. ``words``: the page's words
    already extracted (by another process), instead of extracting them here.
    """
    try:
        page = doc[index]
        rect = page.rect
        width, height = float(rect.width), float(rect.height)
    except Exception:
        return PageLayout(index, 0.0, 0.0, [])
    try:
        if words is None:
            words = page_words(page)
        if keep_words is not None:
            keep_words[index] = words
        spans = _spans_of(page, words)
    except Exception:
        spans = []
    lines = build_lines(spans, index, keep_lines)
    if keep_lines is not None and index in keep_lines:
        keep_lines[index].height = height
    return PageLayout(index, width, height, lines)
