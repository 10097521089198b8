"""Page search text: each page's text layer read once, normalised, with per-character source offsets and boxes.

Every page's text is read once (:meth:`Packet.page_raw_blocks`, text-layer order, so the wrapped lines of a
table cell stay together), normalised with :mod:`reviewer.text` and kept with, per normalised character,
its source offset and its box on the page. A hit ``[start, end)`` in the normalised text is therefore found
whatever the PDF's width, case or line breaks, and maps back to exact rectangles for highlighting and to
the original text for the snippet.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, groupby, islice
from operator import itemgetter, lt
from typing import TYPE_CHECKING, Any

from reviewer.text import normalize, source_span

if TYPE_CHECKING:  # PyMuPDF is not imported with the search: a packet seen before searches its cache without it
    from reviewer.document import Packet

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

    A page read from MuPDF's words (:func:`page_text_from_words`, the quick first pass of a first open) has no
    character boxes yet: ``words`` holds six floats per word (source offset, length, x0, y0, x1, y1) and
    ``boxes`` is filled from them, by the characters' widths within each word, when first asked for.
    """

    page: int
    source: str
    norm: str
    starts: array[int]
    boxes: array[float]
    line_starts: array[int]
    line_tops: array[float]
    words: array[float] | None = None

    @property
    def exact(self) -> bool:
        """Whether the character boxes are MuPDF's own (else estimated within each word)."""
        return self.words is None

    def box(self, k: int) -> Rect:
        b = self.boxes
        if not b and self.words is not None and self.norm:
            b = self.boxes = estimated_boxes(self.source, self.starts, self.words)
        return (b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3])

    def rects(self, start: int, end: int) -> list[Rect]:
        """The boxes of normalised ``[start, end)`` merged per visual line (horizontal or vertical)."""
        return merge_boxes(self.box(k) for k in range(max(0, start), min(end, len(self.norm))))

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


_ZERO_BOX = (0.0, 0.0, 0.0, 0.0)
_DOUBLED = re.compile(r"(.)\1", re.DOTALL)
_BBOX = itemgetter("bbox")
_BAND = 16.0


def _drawn_before(drawn: dict[int, list[Rect]], bbox: Rect, tolerance: float) -> bool:
    """Whether a line of the same text was kept within ``tolerance`` of ``bbox`` (every coordinate); else keep
    ``bbox``. Boxes are kept in bands of their top so that a page of many equal short lines is not quadratic."""
    x0, y0, x1, y1 = bbox
    # One band more on each side than the tolerance needs: rounding never hides a neighbour.
    for band in range(int((y0 - tolerance) // _BAND) - 1, int((y0 + tolerance) // _BAND) + 2):
        for b in drawn.get(band, ()):
            if (abs(b[1] - y0) <= tolerance and abs(b[0] - x0) <= tolerance
                    and abs(b[2] - x1) <= tolerance and abs(b[3] - y1) <= tolerance):
                return True
    drawn.setdefault(int(y0 // _BAND), []).append(bbox)
    return False


def _page_source(blocks: list[dict[str, Any]]) -> tuple[str, list[Rect], list[int], array[float]]:
    """The page's search source from MuPDF's raw blocks: the text lines joined by ``\n``, the box of each source
    character (zeros for a line break), each line's source offset and top.

    Lines drawn again over themselves (Excel and some PDF printers make bold or shadowed text that way) and a
    glyph drawn again almost on top of the last one (fake bold) are left out: counting both would double every
    hit in a heading. Reads the raw dictionaries directly: a Python object per character was most of the cost.
    """
    parts: list[str] = []
    char_boxes: list[Rect] = []
    line_src: list[int] = []
    line_tops = array("f")
    seen: dict[str, dict[int, list[Rect]]] = {}
    src_len = 0
    for block in blocks:
        for line in block.get("lines", ()):
            spans = line.get("spans", ())
            chars = [ch for span in spans for ch in span.get("chars", ())]
            if not chars:
                continue
            text = "".join([ch["c"] for ch in chars])
            bbox: Rect = tuple(line["bbox"])
            size = max([0.0, *(float(span.get("size", 0.0)) for span in spans)])
            tolerance = max(1.0, 0.3 * size)
            if _drawn_before(seen.setdefault(text, {}), bbox, tolerance):
                continue
            if line_src:
                parts.append("\n")
                char_boxes.append(_ZERO_BOX)
                src_len += 1
            line_src.append(src_len)
            line_tops.append(bbox[1])
            if len(text) == len(chars) and not _DOUBLED.search(text):
                # The usual line: one character per glyph and no glyph repeated, so none is a fake-bold copy.
                parts.append(text)
                char_boxes.extend(map(_BBOX, chars))
                src_len += len(text)
                continue
            last_c = ""
            last_box: Rect = _ZERO_BOX
            for ch in chars:
                c = ch["c"]
                box = ch["bbox"]
                if c == last_c and last_c:
                    tol = max(0.3 * (last_box[2] - last_box[0]), 0.2)
                    if (abs(last_box[0] - box[0]) <= tol and abs(last_box[1] - box[1]) <= tol
                            and abs(last_box[2] - box[2]) <= tol and abs(last_box[3] - box[3]) <= tol):
                        continue
                last_c, last_box = c, box
                parts.append(c)
                char_boxes.extend([box] * len(c))
                src_len += len(c)
    return "".join(parts), char_boxes, line_src, line_tops


def _norm_boxes(source: str, char_boxes: list[Rect], starts: list[int]) -> array[float]:
    """Four floats per normalised character: its source character's box, or for a cluster (combining marks, an
    expansion like ㈱, or dropped white space after it) the union of its visible source characters' boxes."""
    n = len(starts)
    total = len(source)
    if n == total - sum(map(str.isspace, source)) and all(map(lt, starts, islice(starts, 1, None))):
        # The usual page: every visible source character is one normalised character (only white space dropped).
        return array("f", chain.from_iterable(map(char_boxes.__getitem__, starts)))
    boxes = array("f")
    extend = boxes.extend
    k = 0
    while k < n:
        s = starts[k]
        # A run of one-to-one characters is copied in one slice.
        j = k + 1
        while j < n and starts[j] == s + (j - k):
            j += 1
        # starts[k..j) are consecutive; the last one is one-to-one only if its successor starts right after it.
        end_of_last = starts[j] if j < n else total
        last = s + (j - 1 - k)
        if end_of_last == last + 1:
            extend(chain.from_iterable(char_boxes[s:last + 1]))
            k = j
            continue
        if j - 1 > k:
            extend(chain.from_iterable(char_boxes[s:last]))
        # The cluster at normalised index j-1 (source ``last``): several normalised characters may share it.
        c = j
        while c < n and starts[c] == last:
            c += 1
        end = starts[c] if c < n else total
        box = char_boxes[last]
        for t in range(last + 1, end):
            if not source[t].isspace():
                box = _union(box, char_boxes[t])
        for _ in range(j - 1, c):
            extend(box)
        k = c
    return boxes


def extract_page(packet: Packet, index: int) -> PageText:
    """Read page ``index`` of ``packet`` into a :class:`PageText`."""
    try:
        blocks = packet.page_raw_blocks(index)
    except Exception as exc:  # a damaged page (cycle in the page tree, missing object) indexes as empty
        log.warning("page %d of %s unreadable for search: %s", index, packet.name, type(exc).__name__)
        blocks = []
    source, char_boxes, line_src, line_tops = _page_source(blocks)
    result = normalize(source)
    starts = result.starts
    boxes = _norm_boxes(source, char_boxes, starts)
    line_starts = array("I", (bisect.bisect_left(starts, offset) for offset in line_src))
    return PageText(index, source, result.text, array("I", starts), boxes, line_starts, line_tops)


# ---- the quick first pass: a page's search text from the words the structure detector reads ---------------------

WORD_FIELDS = 6  # floats per word in PageText.words: source offset, length, x0, y0, x1, y1
_LINE_OF_WORD = itemgetter(5, 6)  # a word's (block, line) numbers


def page_text_from_words(index: int, words: Sequence[Sequence[Any]]) -> PageText:
    """Page ``index``'s search text from MuPDF's words (``get_text("words")``, text-layer order), which a first open
    already extracts for the structure: no per-character extraction, about a fifth of :func:`extract_page`'s cost.

    The words of one text line are joined by a space and the lines by ``\\n``; a line drawn again over itself is
    left out as in :func:`extract_page`, so the normalised text is the same except where a glyph is drawn twice
    inside a line (fake bold), which only :func:`extract_page` sees. The character boxes are estimated from the word
    boxes when first asked for; :meth:`SearchIndex.refine` later replaces the page with :func:`extract_page`'s.
    """
    parts: list[str] = []
    geometry = array("f")
    line_src: list[int] = []
    line_tops = array("f")
    seen: dict[str, dict[int, list[Rect]]] = {}
    src_len = 0
    for _, group in groupby(words, _LINE_OF_WORD):
        line = [w for w in group if w[4]]
        if len(line) == 1:  # the usual line of a Japanese form: one word
            word = line[0]
            text = word[4]
            bbox: Rect = (float(word[0]), float(word[1]), float(word[2]), float(word[3]))
        elif line:
            text = " ".join([w[4] for w in line])
            bbox = (min([float(w[0]) for w in line]), min([float(w[1]) for w in line]),
                    max([float(w[2]) for w in line]), max([float(w[3]) for w in line]))
        else:
            continue
        same = seen.get(text)
        if same is None:
            seen[text] = {int(bbox[1] // _BAND): [bbox]}
        elif _drawn_before(same, bbox, max(1.0, 0.3 * min(bbox[3] - bbox[1], bbox[2] - bbox[0]))):
            # Drawn again over itself; the line's thickness (its height, or its width when vertical) stands for
            # the font size.
            continue
        if line_src:
            parts.append("\n")
            src_len += 1
        line_src.append(src_len)
        line_tops.append(bbox[1])
        if len(line) == 1:
            geometry.extend((src_len, len(text), *bbox))
            parts.append(text)
            src_len += len(text)
            continue
        for k, word in enumerate(line):
            if k:
                parts.append(" ")
                src_len += 1
            word_text = word[4]
            geometry.extend((src_len, len(word_text), word[0], word[1], word[2], word[3]))
            parts.append(word_text)
            src_len += len(word_text)
    source = "".join(parts)
    result = normalize(source)
    starts = array("I", result.starts)
    line_starts = array("I", (bisect.bisect_left(starts, offset) for offset in line_src))
    return PageText(index, source, result.text, starts, array("f"), line_starts, line_tops, geometry)


def _width_units(text: str) -> list[int]:
    """Each character's width in half-width units: 2 for a wide (full-width) character, 1 otherwise."""
    return [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text]


def estimated_boxes(source: str, starts: Sequence[int], words: Sequence[float]) -> array[float]:
    """Four floats per normalised character: its share of its word's box, by the characters' widths (a wide
    character counts twice a narrow one), along the word's longer side (a tall word is vertical writing)."""
    offsets = [int(words[w]) for w in range(0, len(words), WORD_FIELDS)]
    cache: dict[int, list[Rect]] = {}
    boxes = array("f")
    for s in starts:
        w = bisect.bisect_right(offsets, s) - 1
        if w < 0:
            boxes.extend(_ZERO_BOX)
            continue
        char_boxes = cache.get(w)
        if char_boxes is None:
            char_boxes = cache[w] = _split_word(source, words, w)
        k = s - offsets[w]
        boxes.extend(char_boxes[k] if k < len(char_boxes) else char_boxes[-1])
    return boxes


def _split_word(source: str, words: Sequence[float], w: int) -> list[Rect]:
    base = w * WORD_FIELDS
    start, length = int(words[base]), int(words[base + 1])
    x0, y0, x1, y1 = words[base + 2], words[base + 3], words[base + 4], words[base + 5]
    units = _width_units(source[start:start + length]) or [1]
    total = float(sum(units))
    vertical = (y1 - y0) > 3 * (x1 - x0) and length > 2
    low, span = (y0, y1 - y0) if vertical else (x0, x1 - x0)
    result: list[Rect] = []
    done = 0
    for unit in units:
        a = low + span * done / total
        done += unit
        b = low + span * done / total
        result.append((x0, a, x1, b) if vertical else (a, y0, b, y1))
    return result
