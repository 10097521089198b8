"""A report as form rows: each row's label (the form's label column) and its content, under its structure node.

Rows are rebuilt from the page's words, placed on visual lines by their vertical centre: a row ends where the vertical gap
between two lines is wider than a line's leading (cell padding and border). Inside a row the text is read column
by column (label column first), so a vertically centred label or a cell that wraps differently does not change
the row's text. Footers and page stamps are left out; a row cut by a page break continues on the next page.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from reviewer.structure.layout import PageWords, WordLines, text_flags
from reviewer.structure.model import KIND_DEPTH, Document, Node, Outline
from reviewer.text import normalize

log = logging.getLogger("reviewer.compare")

# Bump when the rows or their comparison keys change: the cache keeps the keys (``norm``), so a change to the
# normalisation needs a bump too.
ROWS_VERSION = 6
# Below this share of the page height are footers and packet stamps, not the form.
FOOTER_FROM = 0.935
# A vertical gap wider than this share of the type size separates two rows (cell padding + border).
ROW_GAP = 0.75


@dataclass(slots=True)
class Piece:
    """One line of one cell: its text as printed and its box on the page."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    label: bool = False
    norm_text: str = ""  # the normalised text, filled on first use (and kept in the cache)

    @property
    def key(self) -> str:
        """The piece's text normalised for comparison (computed once)."""
        if not self.norm_text and self.text:
            self.norm_text = norm(self.text)
        return self.norm_text


@dataclass(frozen=True, slots=True)
class NodePath:
    """Where a row sits in the form: chapter (or annex), file, section, risk or item."""

    chapter: str = ""
    file: str | None = None
    section: str | None = None
    leaf_kind: str | None = None  # "risk" | "item"
    leaf: str | None = None

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.chapter, self.file or "", self.section or "", self.leaf_kind or "", self.leaf or "")

    def item_label(self, with_file: bool = False) -> str:
        """The 項目 as the comment sheet writes it, e.g. 「Ⅲ 7. リスク1」; ``with_file`` names the 特定個人情報ファイル of
        a chapter that repeats per file: 「Ⅱ（住民基本台帳ファイル） 6.」."""
        parts = [f"{self.chapter}（{self.file}）" if with_file and self.file and self.chapter else self.chapter]
        if self.section:
            parts.append(f"{self.section}.")
        if self.leaf:
            parts.append(f"リスク{self.leaf}" if self.leaf_kind == "risk" else self.leaf)
        return " ".join(p for p in parts if p)


@dataclass(slots=True)
class FormRow:
    """A row of the form with its label and content, in reading order."""

    path: NodePath
    pieces: list[Piece] = field(default_factory=list)
    heading: bool = False

    @property
    def page(self) -> int:
        return self.pieces[0].page if self.pieces else 0

    @property
    def y(self) -> float:
        return self.pieces[0].y0 if self.pieces else 0.0

    @property
    def label(self) -> str:
        return "".join(p.text for p in self.pieces if p.label)

    @property
    def content(self) -> str:
        """The content as one text: lines joined as the reader reads them (no break inside Japanese text, a space
        between two Latin words), so the same text broken elsewhere reads the same."""
        out = ""
        for piece in self.pieces:
            if piece.label or not piece.text:
                continue
            if out and out[-1].isascii() and out[-1].isalnum() and piece.text[0].isascii() and piece.text[0].isalnum():
                out += " "
            out += piece.text
        return out

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass(slots=True)
class ReportRows:
    """The rows of one document of a packet, with the nodes they fall under."""

    document: Document
    rows: list[FormRow]


def _column_order(cells: list[Piece], left: float, boundary: float | None) -> list[Piece]:
    """The cells of one row read column by column: columns start at the label column, the content column and
    wherever two or more lines of the row start at the same x."""
    if len(cells) < 2:
        return list(cells)
    once: set[int] = set()
    twice: set[float] = set()
    for cell in cells:
        x = round(cell.x0)
        if x in once:
            twice.add(x)
        else:
            once.add(x)
    starts = sorted({left, *twice, *([boundary] if boundary else [])})

    def order(piece: Piece) -> tuple[float, int, float, float]:
        # the column: the last start at or left of the piece (+2 pt), else the first
        at = bisect_right(starts, piece.x0 + 2.0) - 1
        return (starts[at] if at >= 0 else starts[0]), piece.page, piece.y0, piece.x0

    return sorted(cells, key=order)


@dataclass(slots=True)
class _Run:
    """Words of one visual line that sit together (no wide gap): one table cell's line of text."""

    words: list[tuple[float, float, str]]  # (x0, x1, text)
    y0: float
    y1: float

    @property
    def x0(self) -> float:
        return self.words[0][0]

    @property
    def x1(self) -> float:
        return self.words[-1][1]

    def text(self) -> str:
        words = self.words
        if len(words) == 1:
            return words[0][2]
        gap = (self.y1 - self.y0) * 0.12
        parts = [words[0][2]]
        previous = words[0][1]
        for x0, x1, text in words[1:]:
            if x0 - previous > gap:
                parts.append(" ")
            parts.append(text)
            previous = x1
        return "".join(parts)


@dataclass(slots=True)
class _Line:
    runs: list[_Run]
    y0: float
    y1: float

    @property
    def size(self) -> float:
        return self.y1 - self.y0


_BY_CENTRE = itemgetter(0, 1)  # (centre, left): ties keep the page's order
_BY_LEFT = itemgetter(1)


def _page_lines(page: Any, limit: float, page_words: PageWords | None = None,
                word_lines: WordLines | None = None) -> list[_Line]:
    """The page's words on visual lines (by vertical centre), cut into runs at wide gaps; fake-bold copies and
    text below ``limit`` (footers, stamps) left out. ``page_words``: the page's words already extracted;
    ``word_lines``: the structure detector's lines of them, used where they are the same as these."""
    if word_lines is not None:
        shared = _shared_lines(word_lines, limit)
        if shared is not None:
            return shared
    # (centre, x0, y0, x1, y1, text)
    words: list[tuple[float, float, float, float, float, str]] = []
    seen: dict[str, list[tuple[float, float]]] = {}
    if page_words is None:
        page_words = page.get_text("words", flags=text_flags(), sort=False)
    for word in page_words:
        x0, y0, x1, y1, text = word[0], word[1], word[2], word[3], word[4]
        height = y1 - y0
        if not text or height <= 0 or x1 <= x0 or y0 >= limit:
            continue
        if height > 3 * (x1 - x0) and len(text) > 2:  # vertical text: not part of the form grid
            continue
        near = seen.get(text)
        if near is None:
            seen[text] = [(x0, y0)]
        else:
            x_tolerance, y_tolerance = height * 0.7, height * 0.35
            if any(abs(a - x0) <= x_tolerance and abs(b - y0) <= y_tolerance for a, b in near):
                continue  # drawn twice: fake bold
            near.append((x0, y0))
        y0, y1 = float(y0), float(y1)
        words.append(((y0 + y1) / 2, float(x0), y0, float(x1), y1, text))
    words.sort(key=_BY_CENTRE)
    groups: list[list[tuple[float, float, float, float, float, str]]] = []
    group: list[tuple[float, float, float, float, float, str]] = []
    centre = total = 0.0
    first_height = 0.0
    for word in words:
        yc = word[0]
        if group:
            height = word[4] - word[2]
            tolerance = (height if height < first_height else first_height) * 0.4
            if abs(yc - centre) <= (tolerance if tolerance > 1.5 else 1.5):
                group.append(word)
                total += yc
                centre = total / len(group)
                continue
        group = [word]
        groups.append(group)
        centre = total = yc
        first_height = word[4] - word[2]
    lines: list[_Line] = []
    for group in groups:
        group.sort(key=_BY_LEFT)
        runs: list[_Run] = []
        run: _Run | None = None
        run_x1 = 0.0
        top, bottom = group[0][2], group[0][4]
        for _, x0, y0, x1, y1, text in group:
            if run is not None and x0 - run_x1 <= (y1 - y0) * 1.2:
                run.words.append((x0, x1, text))
                if y0 < run.y0:
                    run.y0 = y0
                if y1 > run.y1:
                    run.y1 = y1
            else:
                run = _Run([(x0, x1, text)], y0, y1)
                runs.append(run)
            run_x1 = x1  # a run ends at its last word's right edge (_Run.x1)
            if y0 < top:
                top = y0
            if y1 > bottom:
                bottom = y1
        lines.append(_Line(runs, top, bottom))
    lines.sort(key=_line_order)
    return lines


def _line_order(line: _Line) -> tuple[float, float]:
    return line.y0, line.runs[0].words[0][0]


def _runs_line(words: list[Any]) -> _Line:
    """One visual line of words (each with ``x0, y0, x1, y1, text``, left to right) cut into runs at wide gaps."""
    first = words[0]
    if len(words) == 1:  # (half the lines)
        return _Line([_Run([(first.x0, first.x1, first.text)], first.y0, first.y1)], first.y0, first.y1)
    runs: list[_Run] = []
    top, bottom, run_x1 = first.y0, first.y1, first.x1
    run_words = [(first.x0, run_x1, first.text)]
    run_top, run_bottom = top, bottom
    for word in words[1:]:
        x0, y0, x1, y1 = word.x0, word.y0, word.x1, word.y1
        if x0 - run_x1 <= (y1 - y0) * 1.2:
            run_words.append((x0, x1, word.text))
            if y0 < run_top:
                run_top = y0
            if y1 > run_bottom:
                run_bottom = y1
        else:
            runs.append(_Run(run_words, run_top, run_bottom))
            run_words = [(x0, x1, word.text)]
            run_top, run_bottom = y0, y1
        run_x1 = x1  # a run ends at its last word's right edge (_Run.x1)
        if y0 < top:
            top = y0
        if y1 > bottom:
            bottom = y1
    runs.append(_Run(run_words, run_top, run_bottom))
    return _Line(runs, top, bottom)


def _shared_lines(shared: WordLines, limit: float) -> list[_Line] | None:
    """:func:`_page_lines` from the structure detector's lines of the same words, or None where they could differ.

    Both drop a word drawn again at (almost) the place of a kept word of the same text (the same tolerances) and
    group words by centre the same way; the rows leave the words below ``limit`` out first. The outcome is the same
    unless a word above the limit was dropped as a copy of a word below it (only a word within the tolerance of
    the limit can be), or a word below the limit comes before one above it in the order of centres (it would have
    moved a line's running centre).
    """
    for word in shared.dropped:
        if limit - word.size * 0.35 <= word.y0 < limit:
            return None
    lines: list[_Line] = []
    below = False  # a line with words below the limit was seen
    for group in shared.lines:
        if below:
            for word in group:
                if word.y0 < limit:
                    return None
            continue
        for word in group:
            if word.y0 >= limit:
                break
        else:
            lines.append(_runs_line(group))
            continue
        below = True
        above = [w for w in group if w.y0 < limit]
        if above:
            if max((w.yc, w.x0) for w in above) >= min((w.yc, w.x0) for w in group if w.y0 >= limit):
                return None
            lines.append(_runs_line(above))
    lines.sort(key=_line_order)
    return lines


_DIGITS = re.compile(r"[0-9０-９]+")


def _line_words(line: _Line) -> str:
    return "".join(w[2] for run in line.runs for w in run.words)


def _without_running_heads(pages: list[tuple[int, list[_Line]]]) -> list[tuple[int, list[_Line]]]:
    """The pages without running heads: a page's first or last line whose text (numbers aside) and position are
    those of the first or last line of at least half the pages (a printed header such as the form's name, 「3 /
    60」). Where the pages break differently in two versions such a line would otherwise land inside other rows;
    content never sits at the same height on half the pages."""
    if len(pages) < 4:
        return pages

    def key(kind: str, line: _Line) -> tuple[str, str, int]:
        return kind, _DIGITS.sub("#", _line_words(line)), round(line.y0 / 2)

    counts: Counter[tuple[str, str, int]] = Counter()
    for _, lines in pages:
        if lines:
            counts[key("first", lines[0])] += 1
            counts[key("last", lines[-1])] += 1
    running = {k for k, n in counts.items() if n * 2 >= len(pages)}
    if not running:
        return pages
    out: list[tuple[int, list[_Line]]] = []
    for page, lines in pages:
        kept = list(lines)
        if kept and key("first", kept[0]) in running:
            kept = kept[1:]
        if kept and key("last", kept[-1]) in running:
            kept = kept[:-1]
        out.append((page, kept))
    return out


def _boundary(lines: list[_Line], left: float) -> float | None:
    """Where the content column starts (the label column's right border): the most common x at which a cell's text
    starts right of the left edge — the second cell of a line that starts at the left edge, or the first cell of a
    line with nothing in the label column (content beside a label centred lower in its row)."""
    counts: Counter[int] = Counter()
    label_edge, indent = left + 6.0, left + 20.0
    for line in lines:
        runs = line.runs
        x0 = runs[0].words[0][0]  # (_Run.x0)
        if x0 <= label_edge:
            if len(runs) >= 2:
                counts[round(runs[1].words[0][0])] += 1
        elif x0 > indent:
            counts[round(x0)] += 1
    if not counts:
        return None
    value, hits = counts.most_common(1)[0]
    return float(value) if hits >= 3 else None


def _paths(document: Document) -> list[tuple[tuple[int, float], NodePath, Node]]:
    """Each node of the document with the path of everything after it (until the next node)."""
    chapter: Node | None = None
    section: Node | None = None
    out: list[tuple[tuple[int, float], NodePath, Node]] = []
    for node in document.nodes:
        depth = KIND_DEPTH.get(node.kind, 2)
        if depth == 0:
            chapter, section = node, None
            path = NodePath(node.number, node.file)
        elif depth == 1:
            section = node
            path = NodePath(chapter.number if chapter else "", node.file or (chapter.file if chapter else None),
                            node.number)
        else:
            path = NodePath(chapter.number if chapter else "",
                            node.file or (section.file if section else None) or (chapter.file if chapter else None),
                            section.number if section else None, node.kind, node.number)
        out.append(((node.page, node.y), path, node))
    return out


class ComparisonCancelled(Exception):
    """Reading rows stopped because ``cancelled()`` said so."""


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def read_rows(doc: Any, outline: Outline, documents: list[int] | None = None, progress: Progress | None = None,
              cancelled: Cancelled | None = None, words: Mapping[int, PageWords] | None = None,
              lines: Mapping[int, WordLines] | None = None) -> list[ReportRows]:
    """The rows of the packet's reports (``documents``: indexes into ``outline.documents``; default every report).

    ``doc`` is the PyMuPDF document; call from the thread that owns it. ``progress(done, total)`` is called per
    page read; when ``cancelled()`` returns True reading stops with :class:`ComparisonCancelled`. ``words``: pages'
    words the structure detector already extracted (``detect_outline(keep_words=...)``); other pages are read.
    ``lines``: the detector's lines of those words (``detect_outline(keep_lines=...)``), where it kept them.
    """
    wanted = documents if documents is not None else [
        i for i, d in enumerate(outline.documents) if d.is_report]
    total = sum(outline.documents[i].end_page - outline.documents[i].start_page + 1 for i in wanted)
    ticker = _Ticker(total, 0, progress, cancelled)
    result: list[ReportRows] = []
    for index in wanted:
        document = outline.documents[index]
        result.append(ReportRows(document, _document_rows(doc, document, ticker, words, lines)))
    return result


@dataclass(slots=True)
class _Ticker:
    """Progress over all the pages read and the cancel check, once per page."""

    total: int
    done: int
    progress: Progress | None
    cancelled: Cancelled | None

    def tick(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ComparisonCancelled
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _document_rows(doc: Any, document: Document, ticker: _Ticker | None = None,
                   words: Mapping[int, PageWords] | None = None,
                   word_lines: Mapping[int, WordLines] | None = None) -> list[FormRow]:
    pages: list[tuple[int, list[_Line]]] = []
    all_lines: list[_Line] = []
    for page in range(document.start_page, document.end_page + 1):
        if ticker is not None:
            ticker.tick()
        try:
            page_words = words.get(page) if words is not None else None
            shared = word_lines.get(page) if word_lines is not None else None
            if page_words is not None and shared is not None and shared.height > 0:
                # the detector's lines carry the page's height: the page need not be loaded again
                lines = _page_lines(None, shared.height * FOOTER_FROM, page_words, shared)
            else:
                pdf_page = doc[page]
                lines = _page_lines(pdf_page, float(pdf_page.rect.height) * FOOTER_FROM, page_words, shared)
        except Exception:  # an unreadable page has no rows rather than failing the comparison
            log.warning("could not read page %d for comparison", page, exc_info=True)
            lines = []
        pages.append((page, lines))
    pages = _without_running_heads(pages)
    for _, lines in pages:
        all_lines.extend(lines)
    if not all_lines:
        return []
    xs = sorted([ln.runs[0].words[0][0] for ln in all_lines])  # (_Run.x0)
    left = xs[len(xs) // 20]  # the label column's left edge, robust to a few stray lines further left
    boundary = _boundary(all_lines, left)
    paths = _paths(document)
    # a block starts a heading when its top is within 3 pt (rounded) of a node's
    heading_near = {(n.page, round(n.y) - d) for _, _, n in paths for d in range(-3, 4)}
    rows: list[FormRow] = []
    node_index = -1
    current = NodePath()
    table_starts: set[int] = set()  # the columns of a 変更前/変更後 table's header, while in its chapter
    table_chapter = ""
    follower: list[Piece] = []  # the pieces of a page's second block, read to decide about its first
    follower_starts: set[int] | None = None  # the table columns they were read with
    for page, lines in pages:
        follower_starts = None
        blocks: list[list[_Line]] = []
        previous: _Line | None = None
        for line in lines:
            if previous is None:
                blocks.append([line])
            else:
                size, previous_size = line.y1 - line.y0, previous.y1 - previous.y0  # (_Line.size)
                if line.y0 - previous.y1 > ROW_GAP * (previous_size if previous_size < size else size):
                    blocks.append([line])
                else:
                    blocks[-1].append(line)
            previous = line
        for number, block in enumerate(blocks):
            top = block[0]
            while node_index + 1 < len(paths) and paths[node_index + 1][0] <= (page, top.y0 + 3.0):
                node_index += 1
                current = paths[node_index][1]
            heading = (page, round(top.y0)) in heading_near
            if current.chapter != table_chapter:
                table_starts, table_chapter = set(), current.chapter
            if _is_table_header(block):
                # A cell printed close to the one before it (「－」, 「事前」) must still be cut at the table's columns.
                table_starts = {round(run.x0) for line in block for run in line.runs}
            if number == 1 and follower_starts is table_starts:
                pieces = follower  # read already, with the same table columns
            else:
                pieces = _pieces(block, page, left, boundary, table_starts)
            if not pieces:
                continue
            if number == 0 and rows and not heading and not rows[-1].heading and len(blocks) > 1:
                follower = _pieces(blocks[1], page, left, boundary, table_starts)
                follower_starts = table_starts
            else:
                follower, follower_starts = [], None
            if (number == 0 and rows and not heading and not rows[-1].heading
                    and not (follower and all(p.label for p in follower) and _label_beside(follower, pieces))
                    and not any(p.label for p in pieces) and rows[-1].path == current
                    and rows[-1].pieces[-1].page == page - 1 and _starts_like(pieces, rows[-1], left, boundary)):
                # The rest of a row cut by the page break.
                rows[-1].pieces.extend(pieces)
                continue
            if number > 0 and rows and not heading and not rows[-1].heading and rows[-1].path == current \
                    and _label_beside(pieces, rows[-1].pieces):
                # A label centred in a tall row floats apart from its content: the two are one row.
                rows[-1].pieces = _column_order([*rows[-1].pieces, *pieces], left, boundary)
                continue
            rows.append(FormRow(current, pieces, heading))
    return rows


def _is_table_header(block: list[_Line]) -> bool:
    """Whether the block is the header of a 変更前/変更後 (or 修正前/修正後) table."""
    words = "".join([w[2] for line in block for run in line.runs for w in run.words])
    return ("変更前" in words and "変更後" in words) or ("修正前" in words and "修正後" in words)


def _label_beside(pieces: list[Piece], previous: list[Piece]) -> bool:
    """Whether ``pieces`` (a block) are only a label and ``previous`` only content, or the other way round."""
    if not pieces or not previous:
        return False
    only_label = all(p.label for p in pieces)
    if only_label:
        if any(p.label for p in previous):  # a label beside content only
            return False
    elif any(p.label for p in pieces) or not all(p.label for p in previous):  # content beside a label only
        return False
    content_column = min(p.x0 for p in (previous if only_label else pieces))
    label_column = max(p.x1 for p in (pieces if only_label else previous))
    return content_column > label_column


def _starts_like(pieces: list[Piece], row: FormRow, left: float, boundary: float | None) -> bool:
    """Whether a page's first block continues ``row``: a labelled row continues in its content column; an
    unlabelled (full-width) row continues at the left edge."""
    first = min(p.x0 for p in pieces)
    if any(p.label for p in row.pieces):
        return boundary is not None and first >= boundary - 4.0
    return first <= left + 6.0


def char_advances(text: str) -> list[float]:
    """Cumulative advance of ``text`` in em: wide (Japanese) characters 1, others about half."""
    out = [0.0]
    for ch in text:
        out.append(out[-1] + (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55))
    return out


def _split_runs(runs: list[_Run], starts: list[float]) -> list[_Run]:
    """Cut runs between two words where a column start falls between them.

    Two table cells whose texts nearly touch (a long label beside its content, 「[ 十分である」 beside
    「＜選択肢＞」) come out as one run; read column by column they must be apart, or the same row reads
    differently when printed at another scale.
    """
    ordered = sorted(starts)
    count = len(ordered)
    out: list[_Run] = []
    for run in runs:
        words = run.words
        if len(words) == 1:
            out.append(run)  # nothing to cut (runs are not changed afterwards)
            continue
        # A cut needs a start after the first word's start (+2 pt) and at or before the last word's (+1 pt): the
        # words are left to right, so with none there the loop below would cut nothing.
        at = bisect_right(ordered, words[0][0] + 2.0)
        if at == count or ordered[at] > words[-1][0] + 1.0:
            out.append(run)
            continue
        current = _Run([words[0]], run.y0, run.y1)
        previous_start = words[0][0]
        for word in words[1:]:
            # A word that starts at or after a column start the previous word had not reached yet begins a new
            # cell, even when the previous word runs over its cell's border (kinsoku makes lines a little long).
            at = bisect_right(ordered, previous_start + 2.0)
            if at < count and ordered[at] <= word[0] + 1.0:
                out.append(current)
                current = _Run([word], run.y0, run.y1)
            else:
                current.words.append(word)
            previous_start = word[0]
        out.append(current)
    return out


def split_at(cells: list[Piece], starts: list[float]) -> list[Piece]:
    """Cut pieces that run across one of the column ``starts`` at the space nearest that start (an estimate from
    the characters' widths: pieces no longer know their words)."""
    out: list[Piece] = []
    for cell in cells:
        inside = [x for x in starts if cell.x0 + 10.0 < x < cell.x1 - 10.0]
        if not inside or " " not in cell.text:
            out.append(cell)
            continue
        pieces = [cell]
        for start in inside:
            current = pieces[-1]
            width = current.x1 - current.x0
            text = current.text
            spaces = [i for i, ch in enumerate(text) if ch == " "]
            if not spaces or width <= 0:
                break
            advance = char_advances(text)
            total = advance[-1] or 1.0
            estimate = {i: current.x0 + width * (advance[i] + advance[i + 1]) / 2 / total for i in spaces}
            best = min(spaces, key=lambda i: abs(estimate[i] - start))
            if abs(estimate[best] - start) > 24.0 or not text[:best].strip() or not text[best + 1:].strip():
                continue
            head = Piece(current.page, current.x0, current.y0, start - 1.0, current.y1, text[:best].rstrip(),
                         current.label)
            tail = Piece(current.page, start, current.y0, current.x1, current.y1, text[best + 1:].lstrip(),
                         current.label)
            pieces[-1:] = [head, tail]
        out.extend(pieces)
    return out


def _pieces(block: list[_Line], page: int, left: float, boundary: float | None,
            table_starts: set[int] | None = None) -> list[Piece]:
    runs = [run for line in block for run in line.runs]
    # (every line's first run is among the runs)
    firsts = [r.words[0][0] for r in runs]
    starts = {round(x) for x in firsts}
    if table_starts:
        starts |= table_starts
    if boundary is not None and any(x >= boundary - 4.0 for x in firsts):
        starts.add(round(boundary))
    if len(runs) > 1 or len(runs[0].words) > 1:
        runs = _split_runs(runs, [float(x) for x in starts])  # (one run of one word has nothing to cut)
    cells = [Piece(page, r.words[0][0], r.y0, r.words[-1][1], r.y1,
                   r.words[0][2] if len(r.words) == 1 else r.text()) for r in runs]
    if boundary is not None:
        full_width = any(c.x0 < boundary - 10.0 and c.x1 > boundary + 10.0 for c in cells)
        if not full_width:
            for c in cells:
                c.label = c.x0 < boundary - 10.0 and c.x1 <= boundary + 2.0
    return _column_order(cells, left, boundary)


# ---------------------------------------------------------------------------------------------- cache
PackedRows = list[tuple[int, list[tuple[tuple[str, str | None, str | None, str | None, str | None], bool,
                                        list[tuple[int, float, float, float, float, str, bool, str]]]]]]


def pack_rows(reports: list[ReportRows], outline: Outline) -> PackedRows:
    """The rows as plain tuples (each report by its index in ``outline.documents``): pickled between processes
    in a fraction of the time the row objects take."""
    index = {id(d): i for i, d in enumerate(outline.documents)}
    return [(index[id(report.document)], [
        ((r.path.chapter, r.path.file, r.path.section, r.path.leaf_kind, r.path.leaf), r.heading,
         [(p.page, p.x0, p.y0, p.x1, p.y1, p.text, p.label, p.norm_text) for p in r.pieces])
        for r in report.rows]) for report in reports]


def unpack_rows(packed: PackedRows, outline: Outline) -> list[ReportRows]:
    """:func:`pack_rows` undone, on ``outline`` (the same outline, e.g. unpickled beside the rows)."""
    paths: dict[tuple[str, str | None, str | None, str | None, str | None], NodePath] = {}

    def path_of(fields: Sequence[str | None]) -> NodePath:
        # one (immutable) NodePath per place: many rows share it, and a frozen dataclass is slow to build
        key = (str(fields[0]), fields[1], fields[2], fields[3], fields[4])  # (a list when read from JSON)
        found = paths.get(key)
        if found is None:
            found = paths[key] = NodePath(*key)
        return found

    return [ReportRows(outline.documents[index], [
        FormRow(path_of(path), [Piece(*p) for p in pieces], heading) for path, heading, pieces in rows])
        for index, rows in packed]


def rows_cache_path(sha256: str, detector_version: int, profile: str | os.PathLike[str] | None = None) -> Path:
    """Where :func:`read_rows_cached` keeps the rows of the file ``sha256``."""
    from reviewer.paths import data_dir

    return data_dir(profile) / "cache" / f"rows-{sha256}-v{ROWS_VERSION}.{detector_version}.json"


def read_rows_cached(
    doc: Any, outline: Outline, profile: str | os.PathLike[str] | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None, words: Mapping[int, PageWords] | None = None,
    lines: Mapping[int, WordLines] | None = None,
) -> list[ReportRows]:
    """:func:`read_rows` of every report, cached as JSON beside the outline cache (per file and version): the
    rows packed as plain lists (:func:`pack_rows`, the pieces' comparison keys computed first), which write and
    read in a fraction of the time of one object per row and piece."""
    from reviewer.atomic import atomic_write_text

    path = rows_cache_path(outline.sha256, outline.detector_version, profile)
    if path.is_file():
        try:
            cached = unpack_rows(json.loads(path.read_text(encoding="utf-8")), outline)
            if [id(r.document) for r in cached] == [id(d) for d in outline.documents if d.is_report]:
                return cached
            log.warning("rows cache %s is for other reports; reading them again", path)
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("ignoring unreadable rows cache %s", path)
    result = read_rows(doc, outline, progress=progress, cancelled=cancelled, words=words, lines=lines)
    for report in result:
        for row in report.rows:
            for piece in row.pieces:
                piece.key  # noqa: B018 - computed now, kept in the cache (the comparison needs every key)
    try:
        atomic_write_text(path, json.dumps(pack_rows(result, outline), ensure_ascii=False, separators=(",", ":")))
    except OSError:
        log.warning("could not write rows cache %s", path, exc_info=True)
    return result


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """The comparison form of text (NFKC, width, case, no white space or line breaks)."""
    return normalize(text).text
