"""Page search text: each page's text layer read once, normalised, with per-character source offsets and boxes.

Every page's text is read once (:meth:`Packet.page_lines`, text-layer order, so the wrapped lines of a
table cell stay together), normalised with :mod:`reviewer.text` and kept with, per normalised character,
its source offset and its box on the page. A hit ``[start, end)`` in the normalised text is therefore found
whatever the PDF's width, case or line breaks, and maps back to exact rectangles for highlighting and to
the original text for the snippet.
"""

from __future__ import annotations

import bisect
import logging
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reviewer.document import Packet, TextChar, TextLine
from reviewer.text import normalize, source_span

log = logging.getLogger("reviewer.search")

Rect = tuple[float, float, float, float]
SNIPPET_CONTEXT = 20


@dataclass(slots=True)
class PageText:
    """One page's searchable text.

    ``source`` is the text layer's lines joined by ``\\n``; ``norm`` its normalisation (kana not
    folded); ``starts[k]`` the source index behind ``norm[k]``; ``boxes`` four floats
    (x0, y0, x1, y1) per normalised character; ``line_starts``/``line_tops`` the normalised offset
    and top of each text line (kept in memory for all pages to place hits in the outline cheaply).
    """

    page: int
    source: str
    norm: str
    starts: array[int]
    boxes: array[float]
    line_starts: array[int]
    line_tops: array[float]

    def box(self, k: int) -> Rect:
        b = self.boxes
        return (b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3])

    def rects(self, start: int, end: int) -> list[Rect]:
        """The boxes of normalised ``[start, end)`` merged per visual line (horizontal or vertical)."""
        return merge_boxes(self.box(k) for k in range(start, end))

    def snippet(self, start: int, end: int, context: int = SNIPPET_CONTEXT) -> tuple[str, str, str]:
        """``(before, hit, after)`` from the original text, about ``context`` characters either side."""
        s0, s1 = source_span(self.starts, start, end, len(self.source))
        hit = self.source[s0:s1].rstrip()
        s1 = s0 + len(hit)
        before = self.source[max(0, s0 - context):s0]
        after = self.source[s1:s1 + context]
        return _display(before, hit, after)


_WRAP = re.compile(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])")


def _display(before: str, hit: str, after: str) -> tuple[str, str, str]:
    """The parts as a snippet shows them: a line break is dropped between two Japanese characters
    (a wrapped cell) and becomes a space otherwise."""
    full = before + hit + after
    if "\n" not in full:
        return before, hit, after
    # Same-length substitution keeps the part boundaries; \x00 marks the breaks to drop.
    full = _WRAP.sub("\x00", full).replace("\n", " ")
    a, b = len(before), len(before) + len(hit)
    return full[:a].replace("\x00", ""), full[a:b].replace("\x00", "").strip(), full[b:].replace("\x00", "")


def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def merge_boxes(boxes: Iterable[Rect]) -> list[Rect]:
    """Merge character boxes in reading order into one rect per line run.

    A box joins the current rect when it continues it to the right on the same row (vertical overlap
    of at least half the smaller height) or downwards in the same column (vertical writing).
    """
    merged: list[Rect] = []
    for box in boxes:
        if merged:
            cur = merged[-1]
            box_w, box_h = box[2] - box[0], box[3] - box[1]
            cur_w, cur_h = cur[2] - cur[0], cur[3] - cur[1]
            unit_h, unit_w = max(min(cur_h, box_h), 0.5), max(box_w, 0.5)
            v_overlap = min(cur[3], box[3]) - max(cur[1], box[1])
            h_overlap = min(cur[2], box[2]) - max(cur[0], box[0])
            same_row = v_overlap >= 0.5 * unit_h and cur[2] - 0.5 * unit_h <= box[0] <= cur[2] + 2.0 * unit_h
            same_col = (
                cur_w <= 1.5 * unit_w and h_overlap >= 0.5 * unit_w
                and cur[3] - 0.5 * unit_w <= box[1] <= cur[3] + 1.0 * unit_w
            )
            if same_row or same_col:
                merged[-1] = _union(cur, box)
                continue
        merged.append(box)
    return merged


def _near(a: Rect, b: Rect, tolerance: float) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def _overprinted(previous: TextChar, ch: TextChar) -> bool:
    """The same glyph drawn again almost on top of the last one (fake bold)."""
    if ch.c != previous.c:
        return False
    width = previous.bbox[2] - previous.bbox[0]
    return _near(previous.bbox, ch.bbox, max(0.3 * width, 0.2))


def _distinct_lines(lines: Iterable[TextLine]) -> Iterator[TextLine]:
    """The text lines minus repeats drawn over themselves.

    Excel and some PDF printers make bold or shadowed text by drawing a line twice, offset by a
    fraction of a point; counting both would double every hit in a heading.
    """
    seen: dict[str, list[Rect]] = {}
    for line in lines:
        boxes = seen.setdefault(line.text, [])
        tolerance = max(1.0, 0.3 * line.size)
        if any(_near(box, line.bbox, tolerance) for box in boxes):
            continue
        boxes.append(line.bbox)
        yield line


def extract_page(packet: Packet, index: int) -> PageText:
    """Read page ``index`` of ``packet`` into a :class:`PageText`."""
    parts: list[str] = []
    char_boxes: list[Rect | None] = []
    line_src: list[int] = []
    line_tops = array("f")
    src_len = 0
    try:
        lines = packet.page_lines(index)
    except Exception as exc:  # a damaged page (cycle in the page tree, missing object) indexes as empty
        log.warning("page %d of %s unreadable for search: %s", index, packet.name, type(exc).__name__)
        lines = []
    for line in _distinct_lines(lines):
        if line_src:
            parts.append("\n")
            char_boxes.append(None)
            src_len += 1
        line_src.append(src_len)
        line_tops.append(line.bbox[1])
        previous: TextChar | None = None
        for ch in line.chars:
            if previous is not None and _overprinted(previous, ch):
                continue
            previous = ch
            parts.append(ch.c)
            char_boxes.extend([ch.bbox] * len(ch.c))
            src_len += len(ch.c)
    source = "".join(parts)
    result = normalize(source)
    starts = result.starts
    n = len(starts)
    boxes = array("f")
    bounds = starts[1:] + [len(source)]
    zero = (0.0, 0.0, 0.0, 0.0)
    for k in range(n):
        s, nxt = starts[k], bounds[k]
        if nxt == s + 1:  # the common case: one source char, one normalised char
            boxes.extend(char_boxes[s] or zero)
            continue
        # A cluster (combining marks, an expansion like ㈱, or dropped whitespace after it): the
        # union of its visible source characters' boxes.
        j = k
        while j < n and starts[j] == s:
            j += 1
        end = starts[j] if j < n else len(source)
        box = char_boxes[s] or zero
        for t in range(s + 1, end):
            other = char_boxes[t]
            if other is not None and not source[t].isspace():
                box = _union(box, other)
        boxes.extend(box)
    line_starts = array("I", (bisect.bisect_left(starts, offset) for offset in line_src))
    return PageText(index, source, result.text, array("I", starts), boxes, line_starts, line_tops)
