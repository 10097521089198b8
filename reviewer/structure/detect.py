"""Structure detection: the documents of a packet and, inside each 特定個人情報保護評価書, its chapters, annexes,
sections, risks, judged items and judgements — from the geometry of the text, never from extraction order.

Pipeline: every page is read once into visual lines (:mod:`reviewer.structure.layout`); pages are classified
(report cover, 諮問 sheet, table of contents); the packet is cut into documents; each report's lines are walked
in reading order (page, y, x) by :class:`_ReportParser`, which recognises headings in the label area and reads
each judgement by position (the ``[ … ]`` value to the right of 「リスクへの対策は十分か」, even when split over
lines or a page break).
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reviewer.atomic import atomic_write_text
from reviewer.document import Packet, pdf_date_to_iso
from reviewer.page_labels import labels_from_ranges, printed_stamps, read_label_ranges
from reviewer.structure import grammar as g
from reviewer.structure.cache import DETECTOR_VERSION, cache_path
from reviewer.structure.check import check_document
from reviewer.structure.layout import Cell, Line, PageLayout, PageWords, WordLines, clean, norm, page_layout
from reviewer.structure.model import FORMS, Document, Node, Outline

log = logging.getLogger("reviewer.structure")

NO_REPORT_MESSAGE = "評価書が見つかりませんでした"

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
WordsOf = Callable[[int], PageWords]  # a page's words, supplied by the caller


class DetectionCancelled(Exception):
    """Raised inside :func:`detect_outline` when ``cancelled()`` returned True."""


# --- page classification --------------------------------------------------------------------------------

_STAMP_RE = re.compile(r"^[-‐‑‒–—―−ー－]\s*(\d{1,4})\s*[-‐‑‒–—―−ー－]$")
_FOOTER_COUNT_RE = re.compile(r"(?<![\d/])(\d{1,3})/(\d{1,3})(?![\d/])")
_CONSULT_RE = re.compile(r"(?:諮問|報告|答申|議案|資料)第[0-9〇零一二三四五六七八九十百千]+号")
_TITLE_FORM_RE = re.compile(r"特定個人情報保護評価書[(\[（【]?(全項目評価書|重点項目評価書|基礎項目評価書)")
_CHOICE_LIST_RE = re.compile(r"^\d\)")
_ATTACHMENT_RE = re.compile(r"(?:参考)?資料[0-9]{1,2}(?:[-ー－][0-9]{1,2})?")
_BARE_NUMERAL_RE = re.compile(r"第?(?:I|II|III|IV|V|VI)[.．、:：]?|[(（]?別添[1-3][)）]?[.．:：]?")
_BRACKET_TAIL_RE = re.compile(r"[\[【［〔][^\[\]【】［］〔〕]{1,30}[\]】］〕].*$")
_RISK_FRAGMENT_RE = re.compile(r"[【\[〔(<＜]?(?:リス|リスク|リスク\d|ﾘｽｸ)")
_TRIVIAL_RE = re.compile(r"^[\d\s.,:/()\-－‐年月日令和平成第号頁ページ]+$")
_NUMBER_ONLY_RE = re.compile(r"\d{1,2}[.．、]?")  # a section number in a cell of its own: 「2.」


def _before_choices(key: str) -> str:
    """A value cell's text without the 「＜選択肢＞ 1) … 2) …」 list printed after the chosen value."""
    index = key.find("選択肢")
    if index < 0:
        return key
    return key[:index].rstrip("<＜〈(（[")


def _cover_form(page: PageLayout) -> str | None:
    """The form named by a report cover's title (「特定個人情報保護評価書（全項目評価書）」), else None."""
    if not page.lines or page.height <= 0:
        return None
    page_key = "".join(line.key for line in page.lines)
    if "評価書番号" not in page_key and "評価書名" not in page_key:
        return None
    top = page.height * 0.5
    lines = page.lines
    for i, line in enumerate(lines):
        if line.y0 > top:
            break
        joined = line.key
        if i + 1 < len(lines) and lines[i + 1].y0 - line.y1 < line.size * 1.5:
            joined += lines[i + 1].key
        match = _TITLE_FORM_RE.search(joined)
        if match and match.start() <= 2 and len(line.key) <= 40:
            return match.group(1)
    return None


_EDITION_RE = re.compile(r"[\[［【(（]?(平成|令和)(\d{1,2}|元)年(\d{1,2})月様式(\d)")


def _edition(page: PageLayout) -> str:
    """The form's version on a report cover: 「[令和6年10月 様式4]」 -> 「令和6年10月 様式4」 ("" when not printed)."""
    for line in page.lines:
        match = _EDITION_RE.search(line.key)
        if match:
            era, year, month, number = match.groups()
            return f"{era}{year}年{month}月 様式{number}"
    return ""


def _sheet_number(page: PageLayout) -> tuple[str, float, float] | None:
    """「諮問第1005号」 (報告/答申/議案/資料第N号) in the top part of a page, with where it is printed."""
    limit = page.height * 0.35
    for line in page.lines:
        if line.y0 > limit:
            break
        match = _CONSULT_RE.search(line.key)
        if match:
            cell = next((c for c in line.cells if match.group(0) in c.key), line.cells[0])
            return match.group(0), cell.x0, cell.y0
    return None


def _attachment_mark(page: PageLayout) -> str:
    """「資料２」, 「資料1-2」, 「参考資料3」 alone in a cell at the top of a page (the packet's attachment mark),
    as a key; "" when there is none. The same mark on following pages is the same attachment."""
    limit = page.height * 0.1
    for line in page.lines:
        if line.y0 > limit:
            break
        for cell in line.cells:
            if _ATTACHMENT_RE.fullmatch(cell.key):
                return cell.key
    return ""


def _same_stamp(a: tuple[str, float, float] | None, b: tuple[str, float, float] | None) -> bool:
    """The same number at the same place on consecutive pages: a running header, not a new sheet."""
    return a is not None and b is not None and a[0] == b[0] and abs(a[1] - b[1]) < 3 and abs(a[2] - b[2]) < 3


def _is_toc_page(page: PageLayout) -> bool:
    """The 項目一覧 page (or any page listing most chapters) is not where chapters start."""
    limit = page.height * 0.3
    if any(line.key.startswith("項目一覧") for line in page.lines if line.y0 <= limit):
        return True
    hits = 0
    for line in page.lines:
        first = line.cells[0].key
        if first[:1] not in _TOC_LINE_STARTS:
            continue  # neither a chapter (第, I, V) nor an annex (別添, bracketed) starts with anything else
        found = g.match_chapter(first)
        if found and g.best_title(found[1], g.ALL_CHAPTER_TITLES)[1] >= 0.7:
            hits += 1
        elif g.match_annex(first) and "別添" in line.key[:4]:
            hits += 1
    return hits >= 6


_TOC_LINE_STARTS = frozenset("第IV(（〔[別")


def _body_lines(page: PageLayout) -> list[Line]:
    """Lines outside the header/footer bands (page stamps, running footers)."""
    top, bottom = page.height * 0.04, page.height * 0.93
    return [line for line in page.lines if top <= line.y0 and line.y1 <= bottom] or page.lines


def _first_heading(page: PageLayout) -> str:
    """A plain document's title: its number (諮問第1005号) on a numbered sheet, else its most prominent line
    near the top of its first page."""
    limit = page.height * 0.35
    for line in page.lines:
        if line.y0 <= limit:
            for cell in line.cells:
                if _CONSULT_RE.fullmatch(cell.key):
                    return clean(cell.text)
    lines = [
        line for line in _body_lines(page)
        if not _TRIVIAL_RE.match(line.key) and not _STAMP_RE.match(line.key) and len(line.key) >= 2
    ]
    if not lines:
        return ""
    sizes = sorted(line.size for line in lines)
    median = sizes[len(sizes) // 2]
    biggest = max(sizes)
    if biggest >= median * 1.15:
        upper = [line for line in lines if line.y0 <= page.height * 0.6] or lines
        top_size = max(line.size for line in upper)
        if top_size >= median * 1.15:
            heading = next(line for line in upper if line.size >= top_size - 0.1)
            return _join_heading(lines, heading)
    for line in lines:
        if not _CONSULT_RE.fullmatch(line.key) and len(line.key) >= 4:
            return clean(line.text)
    return clean(lines[0].text)


def _join_heading(lines: list[Line], heading: Line) -> str:
    """A large title broken over two lines is one title."""
    text = clean(heading.text)
    index = lines.index(heading)
    if index + 1 < len(lines):
        nxt = lines[index + 1]
        if abs(nxt.size - heading.size) < 0.2 and nxt.y0 - heading.y1 < heading.size * 0.6:
            text += clean(nxt.text)
    return text


def _report_title(page: PageLayout, form: str) -> str:
    """The 評価書名 on a report cover (value right of the label, or under it)."""
    lines = page.lines
    for i, line in enumerate(lines):
        for j, cell in enumerate(line.cells):
            if not cell.key.startswith("評価書名"):
                continue
            rest = cell.key[len("評価書名"):].lstrip(":：")
            if len(rest) >= 4:
                return clean(re.sub(r"^\s*評価書名\s*[:：]?\s*", "", cell.text))
            right = [c for c in line.cells[j + 1:] if "評価書番号" not in c.key]
            if right:
                return _continue_value(lines, i, right[0])
            for k in range(i + 1, min(i + 4, len(lines))):
                below = [
                    c for c in lines[k].cells
                    if c.x0 < cell.x1 + cell.size and c.x1 > cell.x0 - cell.size and "評価書" in c.key
                ]
                if below:
                    return _continue_value(lines, k, below[0])
    for line in lines:
        if ("に関する事務" in line.key or "事務" in line.key) and line.key.endswith(form):
            return clean(line.text)
    return form


def _continue_value(lines: list[Line], index: int, cell: Cell) -> str:
    text = cell.text
    if index + 1 < len(lines):
        nxt = lines[index + 1]
        first = nxt.cells[0]
        if (
            len(nxt.cells) == 1 and abs(first.x0 - cell.x0) < cell.size * 2
            and nxt.y0 - lines[index].y1 < cell.size * 0.6 and not text.rstrip().endswith("評価書")
        ):
            text += first.text
    return clean(text)


def _footer_count(page: PageLayout) -> tuple[int, int] | None:
    """``(k, n)`` from a running footer 「… 12 / 72 …」 in the bottom band."""
    for line in page.lines:
        if line.y0 < page.height * 0.9:
            continue
        match = _FOOTER_COUNT_RE.search(line.key)
        if match:
            k, n = int(match.group(1)), int(match.group(2))
            if 1 <= k <= n:
                return k, n
    return None


def _report_end_by_footer(pages: list[PageLayout], start: int, limit: int) -> int | None:
    """The last page of a report whose footers count its pages (k / n), when they agree."""
    counts: Counter[tuple[int, int]] = Counter()
    for index in range(start, limit + 1):
        found = _footer_count(pages[index])
        if found:
            k, n = found
            counts[(index - k + 1, n)] += 1
    if not counts:
        return None
    (first, total), votes = counts.most_common(1)[0]
    if votes < 3 or first < start - 1 or first > start + 2:
        return None
    end = first + total - 1
    if start <= end < limit:
        return end
    return None


# --- the grammar of a report ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Chapter:
    number: str
    node: Node
    is_annex: bool = False


class _ReportParser:
    """Walks one report's visual lines in reading order and builds its nodes."""

    def __init__(self, pages: list[PageLayout], form: str) -> None:
        self.pages = pages
        self.form = form
        self.nodes: list[Node] = []
        self.chapter: _Chapter | None = None
        self.section: Node | None = None
        self.section_number = 0
        self.leaf: Node | None = None
        self.file: str | None = None
        self.pending: Node | None = None  # a repeated chapter heading waiting for confirmation
        self.annexes: set[str] = set()
        self.chapters_seen: list[str] = []
        self.consumed: set[tuple[int, int]] = set()
        self.named_files: list[str] = []  # 特定個人情報ファイル listed in Ⅰ-3
        self.in_file_list = False  # walking Ⅰ-3 「特定個人情報ファイル名」

    # -- helpers ----------------------------------------------------------------------------------------
    def _order(self, numeral: str) -> int:
        return g.ROMAN.index(numeral) if numeral in g.ROMAN else -1

    def _chapter_titles(self) -> dict[str, str]:
        return g.CHAPTER_TITLES.get(self.form, g.CHAPTER_TITLES[g.FULL])

    def _in_file_chapter(self) -> bool:
        return (
            self.chapter is not None and not self.chapter.is_annex
            and self.chapter.number in g.FILE_CHAPTERS.get(self.form, ())
        )

    def _in_risk_chapter(self) -> bool:
        return (
            self.chapter is not None and not self.chapter.is_annex
            and self.chapter.number in g.RISK_CHAPTERS.get(self.form, ("Ⅲ",))
        )

    def _in_items_area(self) -> bool:
        if self.chapter is None or self.chapter.is_annex:
            return False
        if self.form == g.FULL and self.chapter.number == "Ⅳ":
            return True
        if norm(self.chapter.node.title).endswith("その他のリスク対策"):
            return True
        title = self.section.title if self.section is not None else ""
        return self.form != g.FULL and ("監査" in title or "教育" in title)

    def _set_file(self, name: str) -> None:
        """The current 特定個人情報ファイル; the chapter heading printed just before it belongs to it too."""
        self.file = name
        if self.chapter is not None and self._in_file_chapter() and self.chapter.node.file is None:
            self.chapter.node.file = name

    def _file_for_node(self) -> str | None:
        return self.file if self._in_file_chapter() else None

    def _add(self, node: Node) -> Node:
        self.nodes.append(node)
        return node

    def _commit_pending(self) -> None:
        if self.pending is not None:
            self._add(self.pending)
            self.chapter = _Chapter(self.pending.number, self.pending)
            self.pending = None
            self.section = None
            self.section_number = 0
            self.leaf = None
            self.file = None

    def _is_heading_key(self, text: str) -> bool:
        key = norm(text)
        return bool(
            g.match_chapter(key) or g.match_annex(key) or g.match_risk(key)
            or g.match_file_heading(key) or g.circled_number(key) or g.match_section(text)
        )

    def _continue_title(
        self, page: PageLayout, li: int, cell: Cell, title: str, kind: str, expected: str | None = None,
    ) -> tuple[str, list[tuple[int, int]]]:
        """Join the following lines of a heading cell while they continue its title."""
        lines = page.lines
        prev = lines[li]
        used: list[tuple[int, int]] = []
        # a heading cell as narrow as three characters wraps a long title over a dozen lines
        for j in range(li + 1, min(li + 24, len(lines))):
            nxt = lines[j]
            if len(nxt.cells) != 1:
                break
            first = nxt.cells[0]
            if nxt.y0 - prev.y1 > max(2.0, cell.size * 0.9):
                break
            # continuation lines start at the cell's edge or under the title after 「リスク１：」
            if not (cell.x0 - 2 <= first.x0 <= cell.x0 + max(cell.size * 6, (cell.x1 - cell.x0) * 0.6)):
                break
            key = first.key
            if self._is_heading_key(first.text) or key.startswith(g.ROW_LABELS):
                break
            tkey = norm(title)
            want = False
            if tkey.count("(") > tkey.count(")"):
                want = True
            elif tkey.endswith(("、", "・", ",", "の", "を", "に", "が", "は", "及び", "又は")):
                want = True
            elif key.startswith(("、", ")", "。", "・")):
                want = True
            elif expected is not None:
                target = norm(expected)
                want = g.similarity(tkey + key, target) > g.similarity(tkey, target)
            elif kind == "risk" and not tkey.endswith("リスク"):
                want = True
            if not want:
                break
            title += first.text
            used.append((nxt.page, j))
            prev = nxt
        return clean(title), used

    def _find_choice(
        self, page_pos: int, li: int, label: Cell, choices: tuple[str, ...], stop_x: float, label_lines: int = 0,
    ) -> tuple[str | None, list[tuple[int, int]]]:
        """Read the ``[ … ]`` value right of ``label``: its row (the value may sit a little above a label
        broken over lines), the following lines of the same column, or the top of the next page."""
        collected: list[Cell] = []
        used: list[tuple[int, int]] = []
        pos, page = page_pos, self.pages[page_pos]
        lines = page.lines
        size = label.size
        start = li
        # a value cell vertically centred (or top-aligned) in a taller row starts above its label
        while (
            start > 0 and lines[start - 1].y1 > label.y0 - size * 1.6
            and (lines[start - 1].y1 > label.y0 - size * 0.6 or lines[start - 1].cells[0].x0 >= stop_x - 1)
        ):
            start -= 1
        j = start
        taken = 0
        column = float("inf")

        def value_text() -> str:
            return "".join(_before_choices(c.key) for c in collected if c.x0 <= column + size * 3)

        while taken < 8:
            if j >= len(lines):
                if pos + 1 >= len(self.pages):
                    break
                pos += 1
                page = self.pages[pos]
                lines = page.lines
                j = 0
                while j < len(lines) and lines[j].y0 < page.height * 0.04:
                    j += 1
                if j >= len(lines) or lines[j].cells[0].x0 < stop_x - size:
                    break
                continue
            line = lines[j]
            if j > li or pos != page_pos:
                first = line.cells[0]
                if first.x0 < stop_x - 1 and not (pos == page_pos and j <= li + label_lines):
                    break
            cells = [
                c for c in line.cells
                if c.x0 >= stop_x - 1 and _before_choices(c.key) and not _CHOICE_LIST_RE.match(c.key)
            ]
            if cells:
                collected.extend(cells)
                column = min([column, *(c.x0 for c in cells)])
                used.append((line.page, j))
            taken += 1
            j += 1
            text = value_text()
            if "]" in text or "】" in text or "〕" in text:
                break
        text = value_text()
        for value in g.bracket_values(text):
            chosen = g.choose(value, choices)
            if chosen:
                return chosen, used
        if len(text) <= 40:
            for choice in sorted(choices, key=len, reverse=True):
                if choice in text:
                    return choice, used
        return None, used

    # -- the walk -----------------------------------------------------------------------------------------
    def run(self) -> list[Node]:
        # The table's left edge: a page holding only content-column text must not move it to the right.
        page_lefts = [page.left if page.lines else 0.0 for page in self.pages]  # (each a pass over the lines)
        lefts = sorted(x for x, page in zip(page_lefts, self.pages, strict=True) if page.lines)
        margin = lefts[len(lefts) // 2] if lefts else 0.0
        for pos, page in enumerate(self.pages):
            if _is_toc_page(page):
                continue
            left = min(page_lefts[pos], margin) if page.lines else margin
            width = page.width or 595.0
            for li, line in enumerate(page.lines):
                if (line.page, li) in self.consumed:
                    continue
                self._line(pos, page, li, line, left, width)
        self.pending = None
        return self.nodes

    def _line(self, pos: int, page: PageLayout, li: int, line: Line, left: float, width: float) -> None:
        c0 = line.cells[0]
        in_left = c0.x0 <= left + width * 0.25
        key = c0.key
        if in_left and len(line.cells) > 1 and len(key) <= 4 and (
            line.cells[1].x0 - c0.x1 < c0.size * 6
            # a bare numeral with its title centred in the heading row: 「Ⅲ」 …… 「特定個人情報ファイルの…」
            or (len(line.cells) == 2 and _BARE_NUMERAL_RE.fullmatch(key) is not None)
        ):
            key2 = key + line.cells[1].key
        else:
            key2 = key
        if in_left and (self._try_chapter(page, li, line, key, key2) or self._try_annex(page, li, line, key2)):
            return
        if self.chapter is None or self.chapter.is_annex:
            return
        if in_left and self._in_file_chapter() and self._try_file(line, key):
            return
        if c0.x0 <= left + width * 0.15 and self._try_section(page, li, line):
            if len(line.cells) > 1 and self._in_items_area():
                # 「1. 監査」 in a tall merged cell shares its first line with 「①自己点検 [ … ]」
                self._try_items(pos, page, li, line, width)
            return
        # a risk heading is a full-width row starting at the table's edge; 「リスク1に記載の…」 at the start of a
        # value-column line is a cross reference
        if c0.x0 <= left + width * 0.12 and self._in_risk_chapter() and self._try_risk(page, li, line, key):
            return
        if self.in_file_list:
            self._collect_file_names(line)
            return
        self._try_judgement(pos, page, li, line, width)
        if self._in_items_area():
            self._try_items(pos, page, li, line, width)

    def _try_chapter(self, page: PageLayout, li: int, line: Line, key: str, key2: str) -> bool:
        digit = False
        found = g.match_chapter(key) or (g.match_chapter(key2) if key2 != key else None)
        if not found:
            found = g.match_chapter_digit(key)
            digit = True
        if not found:
            return False
        numeral, rest = found
        cells = line.cells
        use_two = (not digit and g.match_chapter(key) is None) or (not rest and len(cells) > 1)
        raw = cells[0].text + (cells[1].text if use_two and len(cells) > 1 else "")
        if not rest and len(cells) > 1:
            rest = cells[1].key
        if not rest or len(rest) > 60:
            return False
        expected = self._chapter_titles().get(numeral)
        target = norm(expected) if expected else ""
        if digit and (not target or abs(len(rest) - len(target)) > len(target) * 0.5 + 2):
            return False
        need = 0.85 if digit else 0.6

        def acceptable(text: str) -> bool:
            if target and (text == target or g.similarity(text, target) >= need):
                return True
            return not digit and g.best_title(text, g.ALL_CHAPTER_TITLES)[1] >= 0.75

        if acceptable(rest):
            title, used = self._continue_title(page, li, cells[0], g.strip_number_prefix(raw), "chapter", expected)
        elif target and len(rest) < len(target) and g.similarity(rest, target[:len(rest)]) >= 0.8:
            # a title broken over lines: 「Ⅲ 特定個人情報ファイルの取扱いプロセスにおける」 / 「リスク対策」
            title, used = self._continue_title(page, li, cells[0], g.strip_number_prefix(raw), "chapter", expected)
            if not acceptable(norm(title)):
                return False
        else:
            return False
        noted = re.sub(r"\s*※.*$", "", title)
        if noted != title and noted and acceptable(norm(noted)):
            title = noted  # 「… リスク対策 ※（7．リスク1⑨を除く。）」: the note is not part of the title
        current = self.chapter.number if self.chapter is not None and not self.chapter.is_annex else None
        previous = self.chapters_seen[-1] if self.chapters_seen else None
        if previous is not None and self._order(numeral) < self._order(previous):
            return False  # a mention (変更箇所, cross references), not a heading
        self.consumed.update(used)
        node = Node("chapter", numeral, title, line.page, round(cells[0].y0, 1), None, None)
        if numeral == current:
            # printed again: a new 特定個人情報ファイル's part, or just a repeated page title
            self.pending = node
            return True
        self.pending = None
        self.chapter = _Chapter(numeral, node)
        self.chapters_seen.append(numeral)
        self.section, self.section_number, self.leaf, self.file = None, 0, None, None
        self.in_file_list = False
        self._add(node)
        return True

    def _try_annex(self, page: PageLayout, li: int, line: Line, key: str) -> bool:
        found = g.match_annex(key)
        if not found:
            return False
        number, rest = found
        if number in self.annexes:
            return False
        bracketed = key[:1] in "(（〔["
        raw = line.cells[0].text
        if not rest and len(line.cells) > 1:
            rest = line.cells[1].key
            raw += line.cells[1].text
        expected = g.ANNEX_TITLES[number]
        score = g.similarity(rest, expected) if rest else 0.0
        if not bracketed and score < 0.6:
            return False
        if rest and score < 0.4 and len(rest) > 30:
            return False
        if any(int(a[-1]) > int(number[-1]) for a in self.annexes):
            return False
        title = g.strip_number_prefix(raw) if rest else ""
        if not title and li + 1 < len(page.lines):
            title = page.lines[li + 1].text
        title, used = self._continue_title(page, li, line.cells[0], title, "annex", expected)
        self.consumed.update(used)
        cell = line.cells[0]
        node = Node("annex", number, clean(title), line.page, round(cell.y0, 1), None, None)
        self.pending = None
        self.annexes.add(number)
        self.chapter = _Chapter(number, node, is_annex=True)
        self.section, self.section_number, self.leaf, self.file = None, 0, None, None
        self.in_file_list = False
        self._add(node)
        return True

    def _try_file(self, line: Line, key: str) -> bool:
        found = g.match_file_heading(key)
        if not found:
            return False
        _, name = found
        if not (name.endswith("ファイル") or 3 <= len(name) <= 30) or g.is_count_or_unit(name):
            return False  # 「（ 2 ） 件」 (委託事項の件数) is a count, not a 特定個人情報ファイル
        self._commit_pending()
        text = line.cells[0].text
        self._set_file(clean(re.sub(r"^\s*[(（]\s*[0-9０-９]{1,2}\s*[)）]\s*", "", text)) or name)
        self.section, self.section_number, self.leaf = None, 0, None
        return True

    def _try_section(self, page: PageLayout, li: int, line: Line) -> bool:
        cell = line.cells[0]
        heading_cells = 1
        far = False
        found = g.match_section(cell.text)
        if not found and len(line.cells) > 1 and _NUMBER_ONLY_RE.fullmatch(cell.key):
            # the number and the title in separate cells: 「2.」 | 「特定個人情報の入手…」; a title far from its
            # number (in the value column) must then read as the expected title
            nxt = line.cells[1]
            far = nxt.x0 - cell.x1 >= cell.size * 6
            if not far or len(line.cells) == 2:
                found = g.match_section(f"{cell.text} {nxt.text}")
                if found:
                    heading_cells = 2
                    cell = Cell(f"{cell.text} {nxt.text}", cell.x0, min(cell.y0, nxt.y0), nxt.x1,
                                max(cell.y1, nxt.y1), cell.size)
        if not found:
            return False
        number, rest = found
        if self.chapter is None:
            return False
        titles = g.SECTION_TITLES.get(self.form, {}).get(self.chapter.number, {})
        expected = titles.get(number)
        rest_key = norm(rest)
        score = g.title_score(rest_key, expected) if expected else 0.0
        restart = number == 1 and (self.pending is not None or self._in_file_chapter())
        sequential = number == self.section_number + 1 or restart
        if titles and expected is None:
            return False
        if far and (expected is None or score < 0.75):
            return False
        if expected is not None:
            ok = score >= 0.75 or (sequential and score >= 0.45) or (
                number == self.section_number + 2 and score >= 0.7
            )
        else:
            ok = sequential and len(rest_key) <= 50 and not rest_key.endswith("。")
        if not ok:
            return False
        if number <= self.section_number and not restart:
            return False
        if self.pending is not None:
            if number == 1:
                self._commit_pending()
            else:
                self.pending = None
        title, used = self._continue_title(page, li, cell, g.strip_number_prefix(cell.text), "section", expected)
        self.consumed.update(used)
        if number == 1 and self._in_file_chapter() and "ファイル名" in norm(title):
            value = self._file_name_value(page, li, line, heading_cells)
            if value:
                self._set_file(value)
        node = Node("section", str(number), title, line.page, round(cell.y0, 1), self._file_for_node(), None)
        self.section, self.section_number, self.leaf = node, number, None
        self.in_file_list = self.chapter.number == "Ⅰ" and not self.chapter.is_annex and "ファイル名" in norm(title)
        self._add(node)
        return True

    def _collect_file_names(self, line: Line) -> None:
        """The 特定個人情報ファイル listed in Ⅰ-3: 「住民基本台帳ファイル」, 「（2）本人確認情報ファイル」, several per
        cell separated by 「、」."""
        for cell in line.cells:
            for part in re.split(r"[、,，]", cell.text):
                name = clean(re.sub(r"^\s*[(（]\s*[0-9０-９]{1,2}\s*[)）]\s*|^\s*[0-9０-９]{1,2}[.．、]\s*", "", part))
                key = norm(name)
                if key.endswith("ファイル") and 4 <= len(key) <= 40 and key not in map(norm, self.named_files):
                    self.named_files.append(name)

    def _file_name_value(self, page: PageLayout, li: int, line: Line, heading_cells: int = 1) -> str | None:
        """The file name in the 「1. 特定個人情報ファイル名」 row: right of the label, or on the next line."""
        candidates: list[Cell] = list(line.cells[heading_cells:])
        if not candidates and li + 1 < len(page.lines):
            nxt = page.lines[li + 1]
            first = nxt.cells[0]
            if nxt.y0 - line.y1 < line.size * 2.5 and (
                not self._is_heading_key(first.text) or g.match_file_heading(first.key)
            ):
                candidates = list(nxt.cells)
                self.consumed.add((nxt.page, li + 1))
        for cell in candidates:
            text = clean(re.sub(r"^\s*[(（]\s*[0-9０-９]{1,2}\s*[)）]\s*", "", cell.text))
            if text and len(norm(text)) <= 40:
                if self.file and norm(self.file) == norm(text):
                    return self.file
                return text
        return None

    def _risk_wrapped_number(self, page: PageLayout, li: int, line: Line) -> tuple[Cell, int] | None:
        """「リスク」 / 「1：目」: a heading cell three characters wide wraps inside 「リスク1：」. The joined cell and the
        index of its last line, when the next lines (same left edge, just below) complete the number."""
        cell = line.cells[0]
        if len(line.cells) != 1 or not _RISK_FRAGMENT_RE.fullmatch(cell.key):
            return None
        text, last, previous = cell.text, li, line
        for k in range(li + 1, min(li + 3, len(page.lines))):
            nxt = page.lines[k]
            first = nxt.cells[0]
            if nxt.y0 - previous.y1 > cell.size * 0.9 or abs(first.x0 - cell.x0) > 2:
                return None
            text, last, previous = text + first.text, k, nxt
            found = g.match_risk(norm(text))
            if found is not None:
                joined = Cell(text, cell.x0, cell.y0, max(cell.x1, first.x1), nxt.y1, cell.size)
                return joined, last
        return None

    def _try_risk(self, page: PageLayout, li: int, line: Line, key: str) -> bool:
        found = g.match_risk(key)
        cell = line.cells[0]
        last = li
        if not found:
            wrapped = self._risk_wrapped_number(page, li, line)
            if wrapped is None:
                return False
            cell, last = wrapped
            found = g.match_risk(cell.key)
            if not found:
                return False
        number, rest = found
        if not 1 <= number <= 20:
            return False
        if rest.startswith(("を除く", "⑨", "①")):
            return False
        self.pending = None
        title = g.strip_number_prefix(cell.text)
        if not norm(title) and len(line.cells) > 1:
            title = line.cells[1].text.lstrip(":：.．、 　")  # 「リスク１」 | 「：目的外の…」
        title, used = self._continue_title(page, last, cell, title, "risk")
        title = title.lstrip(":：.．、 　")  # 「リスク1」 / 「：目的外の…」: the separator wrapped to the next line
        self.consumed.update(used)
        self.consumed.update((line.page, k) for k in range(li + 1, last + 1))
        node = Node("risk", str(number), title, line.page, round(cell.y0, 1), self._file_for_node(), None)
        self.leaf = node
        self._add(node)
        return True

    def _try_judgement(self, pos: int, page: PageLayout, li: int, line: Line, width: float) -> None:
        """「リスクへの対策は十分か」 (or 「当該対策は十分か」), also broken over up to three lines of a narrow
        label cell: read its choice and give it to the current risk, else to the current section."""
        lines = page.lines
        for cell in line.cells:
            if cell.x0 > width * 0.6:
                break
            key = cell.key
            if "対" not in key and "十分" not in key and "策" not in key:
                continue
            joined, label_lines, stop_x = key, 0, cell.x1
            if "対策は十分か" not in key:
                previous = line
                for k in range(li + 1, min(li + 4, len(lines))):
                    first = lines[k].cells[0]
                    if lines[k].y0 - previous.y1 > cell.size * 1.5:
                        break
                    if first.x0 >= cell.x1 - 1:
                        continue  # a line of the value column between two lines of the label
                    if abs(first.x0 - cell.x0) > cell.size * 3:
                        break
                    joined += first.key
                    label_lines, stop_x = k - li, max(stop_x, first.x1)
                    previous = lines[k]
                    if "対策は十分か" in joined:
                        break
                found = joined.find("対策は十分か")
                if found < 0 or found >= len(key):
                    continue
            used: list[tuple[int, int]] = []
            choice = self._inline_choice(key)
            if choice is None:
                choice, used = self._find_choice(pos, li, cell, g.RISK_CHOICES, stop_x, label_lines)
            if choice is None:
                return
            if self.leaf is not None and self.leaf.kind == "risk" and self.leaf.judgement is None:
                self.leaf.judgement = choice
            elif self.section is not None and self.section.judgement is None and (
                self.leaf is None or self.leaf.kind != "risk"
            ):
                self.section.judgement = choice
            self.consumed.update(used)
            self.consumed.update((line.page, li + k) for k in range(1, label_lines + 1))
            return

    def _label_continuation(self, page: PageLayout, li: int, cell: Cell) -> list[int]:
        """Indexes of the lines that continue a label cell wrapped in a narrow column (「①自己」 / 「点検」):
        each starts at the cell's left edge, is no wider than the cell, follows closely and is not a label of
        its own."""
        lines = page.lines
        found: list[int] = []
        previous = lines[li]
        for k in range(li + 1, min(li + 12, len(lines))):
            first = lines[k].cells[0]
            if lines[k].y0 - previous.y1 > cell.size * 1.2:
                break
            if first.x0 >= cell.x1 - 1:
                previous = lines[k]
                continue  # a line of the value column between two lines of the label
            if abs(first.x0 - cell.x0) > 2 or first.x1 > cell.x1 + cell.size:
                break
            if (
                self._is_heading_key(first.text) or first.key.startswith(g.ROW_LABELS)
                or _NUMBER_ONLY_RE.fullmatch(first.key)  # 「２．」 | 「従業者に…」: the next heading
            ):
                break
            found.append(k)
            previous = lines[k]
        return found

    @staticmethod
    def _inline_choice(key: str) -> str | None:
        """The value printed in the label's own cell: 「リスクへの対策は十分か　[ 十分である ]」."""
        found = key.find("対策は十分か")
        if found < 0:
            return None
        rest = _before_choices(key[found + len("対策は十分か"):])
        for value in g.bracket_values(rest):
            chosen = g.choose(value, g.RISK_CHOICES)
            if chosen:
                return chosen
        return None

    def _try_items(self, pos: int, page: PageLayout, li: int, line: Line, width: float) -> None:
        """Judged sub-items of the audit/training part (「①自己点検 [十分に行っている]」), or the section's own
        judged row (「従業者に対する教育・啓発 [十分に行っている]」)."""
        for cell in line.cells:
            if cell.x0 > width * 0.55:
                break
            number = g.circled_number(cell.key)
            if number is None:
                continue
            title = clean(cell.text.lstrip()[1:])
            inline = _BRACKET_TAIL_RE.search(title)  # 「①自己点検　[ 十分に行っている ]」 in one cell
            values = g.bracket_values(norm(inline.group(0))) if inline else []
            choice = g.choose(values[0], g.DONE_CHOICES) if values else None
            used: list[tuple[int, int]] = []
            wrapped: list[int] = []
            if choice is not None and inline is not None:
                title = clean(title[:inline.start()])
            else:
                wrapped = self._label_continuation(page, li, cell)
                stop_x = max([cell.x1, *(page.lines[k].cells[0].x1 for k in wrapped)])
                choice, used = self._find_choice(pos, li, cell, g.DONE_CHOICES, stop_x, len(wrapped))
            if choice is None:
                continue
            title = clean(title + "".join(page.lines[k].cells[0].text for k in wrapped))
            node = Node("item", number, title, line.page, round(cell.y0, 1), self._file_for_node(), choice)
            self.leaf = node
            self._add(node)
            self.consumed.update(used)
            self.consumed.update((line.page, k) for k in wrapped)
            return
        if self.section is None or self.section.judgement is not None:
            return
        if self.leaf is not None and self.leaf.kind == "item":
            return
        label = line.cells[0]
        if label.x0 > width * 0.3 or self._is_heading_key(label.text) or label.key.startswith("具体的"):
            return
        choice, used = self._find_choice(pos, li, label, g.DONE_CHOICES, label.x1)
        if choice is not None:
            self.section.judgement = choice
            self.consumed.update(used)


# --- the whole packet -------------------------------------------------------------------------------------

def _guess_form(pages: list[PageLayout]) -> str | None:
    """The form of a report printed without its cover, judged from its chapter headings (Ⅰ 基本情報 …
    Ⅲ/Ⅳ リスク対策); None when the pages do not read as a report."""
    titles: dict[str, set[str]] = {}
    for page in pages:
        for line in page.lines:
            found = g.match_chapter(line.cells[0].key)
            if found is None or len(found[1]) > 60:
                continue
            title, score = g.best_title(found[1], g.ALL_CHAPTER_TITLES)
            if score >= 0.8:
                titles.setdefault(found[0], set()).add(title)
    first = titles.get("Ⅰ", set())
    risky = {t for numeral in ("Ⅲ", "Ⅳ") for t in titles.get(numeral, set()) if "リスク対策" in t}
    if not first & {"基本情報", "関連情報"} or not risky or len(titles) < 3:
        return None
    if "関連情報" in first or any("しきい値" in t for ts in titles.values() for t in ts):
        return g.BASIC
    if any(t in risky for t in ("特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "その他のリスク対策")):
        return g.FULL
    return g.FOCUSED


def _report_body_start(pages: list[PageLayout], start: int, end: int) -> int:
    """Where a report without a cover begins: its 項目一覧 or its 「Ⅰ 基本情報」 page."""
    for index in range(start, end + 1):
        page = pages[index]
        if _is_toc_page(page):
            return index
        for line in page.lines:
            if line.y0 > page.height * 0.3:
                break
            found = g.match_chapter(line.cells[0].key)
            if found and found[0] == "Ⅰ" and g.best_title(found[1], ("基本情報", "関連情報"))[1] >= 0.8:
                return index
    return start


def _business_title(pages: list[PageLayout], form: str) -> str | None:
    """「住民基本台帳に関する事務 全項目評価書」 from the 「①事務の名称」 row, for a report without a cover."""
    for page in pages:
        for line in page.lines:
            if line.cells[0].key.startswith("①事務の名称") and len(line.cells) > 1:
                return f"{clean(line.cells[1].text)} {form}"
    return None


def _read_pages(
    doc: Any, progress: Progress | None, cancelled: Cancelled | None,
    keep_words: dict[int, PageWords] | None = None, keep_lines: dict[int, WordLines] | None = None,
    words_of: WordsOf | None = None,
) -> list[PageLayout]:
    total = int(doc.page_count)
    pages: list[PageLayout] = []
    step = max(1, total // 100)
    for index in range(total):
        if cancelled is not None and cancelled():
            raise DetectionCancelled()
        words = words_of(index) if words_of is not None else None
        pages.append(page_layout(doc, index, keep_words, keep_lines, words))
        if progress is not None and (index % step == 0 or index == total - 1):
            progress(index + 1, total)
    return pages


def _stamp_of(page: PageLayout) -> int | None:
    found: int | None = None
    centre = page.width / 2
    for line in page.lines:
        if line.y0 < page.height * 0.85:
            continue
        match = _STAMP_RE.match(unicodedata.normalize("NFKC", line.text).strip())
        if match and abs((line.x0 + line.x1) / 2 - centre) <= page.width * 0.15:
            found = int(match.group(1))
    return found


def _page_labels(doc: Any, pages: list[PageLayout]) -> list[str]:
    count = len(pages)
    try:
        ranges = read_label_ranges(doc)
    except Exception:
        ranges = []
    if ranges:
        return labels_from_ranges(ranges, count)
    stamped = printed_stamps(doc, [_stamp_of(page) for page in pages])
    if stamped is not None:
        return stamped
    return [str(i + 1) for i in range(count)]


def _segment(pages: list[PageLayout]) -> list[tuple[int, int, str | None]]:
    """Cut the packet into (start, end, form) documents."""
    count = len(pages)
    forms: dict[int, str] = {}
    starts: set[int] = {0} if count else set()
    previous_number: tuple[str, float, float] | None = None
    last_mark = ""
    for index, page in enumerate(pages):
        form = _cover_form(page)
        number = _sheet_number(page)
        mark = _attachment_mark(page)
        if form is not None:
            forms[index] = form
            starts.add(index)
        elif number is not None and not _same_stamp(number, previous_number):
            starts.add(index)
        elif mark and mark != last_mark:
            starts.add(index)  # 「資料２」 printed on an attachment bound after a report
        previous_number = number
        last_mark = mark or last_mark
    ordered = sorted(starts)
    # A report ends where its footer count says it does, when that comes before the next document.
    for position, start in enumerate(ordered):
        if start in forms:
            limit = (ordered[position + 1] - 1) if position + 1 < len(ordered) else count - 1
            end = _report_end_by_footer(pages, start, limit)
            if end is not None:
                starts.add(end + 1)
    ordered = sorted(starts)
    result: list[tuple[int, int, str | None]] = []
    for position, start in enumerate(ordered):
        end = (ordered[position + 1] - 1) if position + 1 < len(ordered) else count - 1
        result.append((start, end, forms.get(start)))
    return result


def _parse_report(
    pages: list[PageLayout], start: int, end: int, form: str, name: str,
) -> tuple[list[Node], list[str]]:
    """The nodes of one report and the 特定個人情報ファイル its Ⅰ-3 names."""
    try:
        parser = _ReportParser(pages[start:end + 1], form)
        return parser.run(), parser.named_files
    except Exception:  # a bug must not cost the user the whole outline
        log.exception("structure walk failed on pages %d-%d of %s", start, end, name)
        return [], []


def _plain_document(pages: list[PageLayout], start: int, end: int, name: str) -> Document:
    title = ""
    for index in range(start, end + 1):
        title = _first_heading(pages[index])
        if title:
            break
    return Document(title or name, None, start, end, [])


def _documents(pages: list[PageLayout], name: str, cancelled: Cancelled | None) -> list[Document]:
    documents: list[Document] = []
    for start, end, form in _segment(pages):
        if cancelled is not None and cancelled():
            raise DetectionCancelled()
        if form is not None:
            nodes, files = _parse_report(pages, start, end, form, name)
            documents.append(Document(
                _report_title(pages[start], form), form, start, end, nodes, files, edition=_edition(pages[start]),
            ))
            continue
        document = _plain_document(pages, start, end, name)
        guessed = _guess_form(pages[start:end + 1]) if end > start else None
        nodes, files = _parse_report(pages, start, end, guessed, name) if guessed is not None else ([], [])
        if guessed is None or sum(1 for n in nodes if n.kind == "chapter") < 3:
            documents.append(document)
            continue
        # a report printed without its cover: from its 項目一覧 / Ⅰ page to its last counted page
        first = _report_body_start(pages, start, end)
        if first > start and not pages[first - 1].lines:
            first -= 1  # a page without any text right before the body: the report's scanned cover
        if first > start:
            documents.append(_plain_document(pages, start, first - 1, name))
        last = _report_end_by_footer(pages, first, end) or end
        title = _business_title(pages[first:last + 1], guessed) or _first_heading(pages[first]) or name
        documents.append(
            Document(title, guessed, first, last, [n for n in nodes if first <= n.page <= last], files),
        )
        if last < end:
            documents.append(_plain_document(pages, last + 1, end, name))
    return documents


def detect_outline(
    packet: Packet, progress: Progress | None = None, cancelled: Cancelled | None = None,
    keep_words: dict[int, PageWords] | None = None, keep_lines: dict[int, WordLines] | None = None,
    words_of: WordsOf | None = None,
) -> Outline:
    """The structure of ``packet``. Never raises on a readable PDF, report or not (except when cancelled).

    ``progress(done, total)`` is called as pages are read; when ``cancelled()`` returns True the detection
    stops with :class:`DetectionCancelled`. ``keep_words``, when given, receives every page's words
    (:func:`reviewer.structure.layout.page_words`) so that a later reader need not extract them again;
    ``keep_lines`` the pages' words on lines where they can be shared (:class:`~reviewer.structure.layout.WordLines`).
    ``words_of(page)``, when given, supplies each page's words, in page order, instead of extracting them here (a
    first open extracts them in a second process, which indexes them for search meanwhile).
    """
    doc = packet.doc
    pages = _read_pages(doc, progress, cancelled, keep_words, keep_lines, words_of)
    labels = _page_labels(doc, pages)
    bookmarks = packet.toc()
    try:
        documents = _documents(pages, packet.name, cancelled)
    except DetectionCancelled:
        raise
    except Exception:
        log.exception("structure detection failed on %s", packet.name)
        documents = [_plain_document(pages, 0, len(pages) - 1, packet.name)] if pages else []
    for document in documents:
        check_document(document)
    found = any(d.form in FORMS for d in documents)
    return Outline(
        sha256=packet.sha256,
        pages=len(pages),
        page_labels=labels,
        documents=documents,
        bookmarks=bookmarks,
        found_report=found,
        message="" if found else NO_REPORT_MESSAGE,
        detector_version=DETECTOR_VERSION,
        made=_made(packet),
    )


def _made(packet: Packet) -> str:
    """When the packet's PDF says it was made (its CreationDate, else its ModDate), ISO UTC; "" when it does not."""
    try:
        info = packet.doc.metadata or {}
    except Exception:  # noqa: BLE001 - a damaged Info dictionary says nothing
        return ""
    return pdf_date_to_iso(info.get("creationDate")) or pdf_date_to_iso(info.get("modDate")) or ""


def detect_outline_cached(
    packet: Packet, profile: str | os.PathLike[str] | None = None,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
    keep_words: dict[int, PageWords] | None = None, keep_lines: dict[int, WordLines] | None = None,
    words_of: WordsOf | None = None,
) -> Outline:
    """:func:`detect_outline`, cached as JSON per file (SHA-256) and detector version (``keep_words`` and
    ``keep_lines`` are filled, and ``words_of`` called, only when the pages are read, not from the cache)."""
    path = cache_path(packet.sha256, profile)
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outline = Outline.from_json(data)
            if outline.sha256 == packet.sha256 and outline.detector_version == DETECTOR_VERSION:
                return outline
        except Exception:
            log.warning("ignoring unreadable outline cache %s", path)
    outline = detect_outline(packet, progress=progress, cancelled=cancelled, keep_words=keep_words,
                             keep_lines=keep_lines, words_of=words_of)
    try:
        atomic_write_text(path, json.dumps(outline.to_json(), ensure_ascii=False))
    except OSError:
        log.warning("could not write outline cache %s", path, exc_info=True)
    return outline
