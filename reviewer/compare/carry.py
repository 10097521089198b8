"""Carry every comment on the earlier version of a packet to the revised one.

A comment is re-anchored by its quote: first the exact quote (its prefix and suffix break ties) in the same
structure node of the new version, then anywhere in the report; failing that, its place in the old node is
followed through the node's character diff to the new text (記載が変更された), and when nothing of it is left the
comment is attached to its section or risk (削除された), never dropped. The old page is only a tie-breaker.
Comments without a quote (areas) and notes (付箋, whose quote only names the line beside them) follow the form row
they sit on: 記載が変更された when anything in that row changed.

Carrying is idempotent (the new comment's id is derived from the old id and the new file) and leaves the old
comment where it is; a link row records where each carried comment came from.
"""

from __future__ import annotations

import bisect
import uuid
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from reviewer.annotations import Annotation, Rect, now_iso
from reviewer.compare.diff import DECLARATION_ANNEX, MIN_EQUAL, cleaned_opcodes
from reviewer.compare.rows import FormRow, NodePath, Piece, ReportRows, char_advances, norm
from reviewer.compare.service import Version, pair_reports
from reviewer.store.models import Reply
from reviewer.store.store import CarriedLink, Store
from reviewer.structure.model import Outline
from reviewer.text import normalize

CARRY_NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-4f0a-9c55-2d7e8a1b9c30")
STATUS_LABELS = {"unchanged": "記載変更なし", "changed": "記載が変更された", "removed": "削除された"}
CONTEXT = 24
# Characters of stored context that must agree before a quote gone from its node is taken as moved elsewhere
# (report texts repeat whole sentences, so the bare quote is not enough).
MOVED_CONTEXT = 6


_normalized = lru_cache(maxsize=65536)(normalize)


Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2)
SENTENCE_ENDS = "。．."


def carried_id(old_id: str, new_sha256: str) -> str:
    """The id of ``old_id`` carried to the packet ``new_sha256``: the same on every run."""
    return str(uuid.uuid5(CARRY_NAMESPACE, f"{old_id}:{new_sha256}"))


@dataclass(slots=True)
class _Index:
    """A report's rows as one normalised text, with the piece behind every offset."""

    report: ReportRows
    text: str
    starts: list[int]  # offset of each piece
    pieces: list[tuple[Piece, FormRow, str]]  # (piece, its row, the piece's normalised text)
    node_text: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)  # path → [start, end)
    page_text: dict[int, tuple[int, int]] = field(default_factory=dict)  # page → [first, last) offsets on it
    row_start: dict[int, int] = field(default_factory=dict)  # id(row) → offset of its first character

    @classmethod
    def of(cls, report: ReportRows) -> _Index:
        parts: list[str] = []
        starts: list[int] = []
        pieces: list[tuple[Piece, FormRow, str]] = []
        node_text: dict[tuple[str, ...], tuple[int, int]] = {}
        page_text: dict[int, tuple[int, int]] = {}
        offset = 0
        row_start: dict[int, int] = {}
        for row in report.rows:
            key = row.path.key()
            row_start[id(row)] = begin = offset
            page, page_begin = -1, offset
            for piece in row.pieces:
                text = piece.key
                if piece.page != page:
                    if page >= 0:
                        first, _ = page_text.get(page, (page_begin, page_begin))
                        page_text[page] = (min(first, page_begin), offset)
                    page, page_begin = piece.page, offset
                starts.append(offset)
                pieces.append((piece, row, text))
                parts.append(text)
                offset += len(text)
            if page >= 0:
                first, _ = page_text.get(page, (page_begin, page_begin))
                page_text[page] = (min(first, page_begin), offset)
            node_begin, _ = node_text.get(key, (begin, begin))
            node_text[key] = (node_begin, offset)
        return cls(report, "".join(parts), starts, pieces, node_text, page_text, row_start)

    def piece_at(self, offset: int) -> int:
        return max(0, min(len(self.pieces) - 1, bisect.bisect_right(self.starts, offset) - 1))

    def find_all(self, needle: str, lo: int = 0, hi: int | None = None) -> list[int]:
        found: list[int] = []
        end = len(self.text) if hi is None else hi
        at = self.text.find(needle, lo, end)
        while at >= 0:
            found.append(at)
            at = self.text.find(needle, at + 1, end)
        return found

    def rects(self, start: int, end: int) -> list[Rect]:
        """One rectangle per piece line covering normalised ``[start, end)`` (x estimated by character widths)."""
        out: list[Rect] = []
        index = self.piece_at(start)
        while index < len(self.pieces) and self.starts[index] < max(end, start + 1):
            piece, _, text = self.pieces[index]
            local0 = max(0, start - self.starts[index])
            local1 = min(len(text), end - self.starts[index])
            if local1 > local0 and text:
                advance = char_advances(text)
                total = advance[-1] or 1.0
                width = piece.x1 - piece.x0
                x0 = piece.x0 + width * advance[local0] / total
                x1 = piece.x0 + width * advance[local1] / total
                out.append((round(x0, 2), round(piece.y0, 2), round(x1, 2), round(piece.y1, 2)))
            index += 1
        return out

    def page_at(self, offset: int) -> int:
        return self.pieces[self.piece_at(offset)][0].page

    def printed(self, start: int, end: int) -> str:
        """The text as printed behind normalised ``[start, end)``."""
        out: list[str] = []
        index = self.piece_at(start)
        while index < len(self.pieces) and self.starts[index] < end:
            piece, _, text = self.pieces[index]
            lo, hi = max(0, start - self.starts[index]), min(len(text), end - self.starts[index])
            if hi > lo:
                s0, s1 = _normalized(piece.text).source_span(lo, hi)
                out.append(piece.text[s0:s1])
            index += 1
        return "".join(out)


@dataclass(slots=True)
class Carried:
    """The outcome for one comment: where it went and how its text fared."""

    new: Annotation
    old: Annotation
    status: str  # "unchanged" | "changed" | "removed"
    new_text: str
    created: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"id": self.new.id, "from": self.old.id, "status": self.status, "old_page": self.old.page,
                "new_page": self.new.page, "quote": self.old.quote}


class _Carrier:
    def __init__(self, old: Version, new: Version) -> None:
        self.old, self.new = old, new
        self.pairs = {id(a): b for a, b in pair_reports(old.reports, new.reports)}
        self.indexes: dict[int, _Index] = {}
        self.diffs: dict[tuple[int, int, tuple[str, ...]], list[Opcode]] = {}

    def index(self, report: ReportRows) -> _Index:
        found = self.indexes.get(id(report))
        if found is None:
            found = self.indexes[id(report)] = _Index.of(report)
        return found

    def old_report(self, page: int) -> ReportRows | None:
        for report in self.old.reports:
            if report.document.start_page <= page <= report.document.end_page:
                return report
        return None

    def carry(self, a: Annotation) -> tuple[Annotation, str, str]:
        """The comment placed on the new version, its status and the new text it now refers to."""
        report = self.old_report(a.page)
        counterpart = self.pairs.get(id(report)) if report is not None else None
        if report is None or counterpart is None:
            # Not inside a report of both versions: same page offset from the end of the packet's front matter.
            return self._moved(a, min(a.page, self.new.pages - 1), a.rects, a.quote), "unchanged", a.quote
        old_index, new_index = self.index(report), self.index(counterpart)
        # A 付箋 quotes the line it was stuck beside (often the row's label) only to say where it is: it concerns the
        # whole form row, which it follows like a comment without a quote.
        quote = norm(a.quote) if a.kind != "note" else ""
        at = self._locate_old(old_index, a, quote)
        path = old_index.pieces[old_index.piece_at(at)][1].path if at is not None else self._path_at(report, a)
        if quote and at is not None:
            prefix, suffix = norm(a.prefix), norm(a.suffix)
            # 1. Follow the quote through its node's diff: the same text there (maybe on another page), or changed.
            mapped = self._follow(old_index, new_index, path, at, at + len(quote))
            if mapped is not None and mapped[1] > mapped[0]:
                status = "unchanged" if new_index.text[mapped[0]:mapped[1]] == quote else "changed"
                text = new_index.printed(mapped[0], mapped[1])
                return self._placed(a, new_index, mapped[0], mapped[1], text), status, text
            # 2. Gone from its node: moved elsewhere if the text is found with its context (or its node is gone),
            # else deleted.
            hit = self._exact(new_index, quote, prefix, suffix, path, a.page)
            if hit is not None and self._inserted(old_index, new_index, hit, hit + len(quote)) and (
                    new_index.node_text.get(path.key()) is None
                    or _context_score(new_index.text, hit, len(quote), prefix, suffix) >= MOVED_CONTEXT):
                return self._placed(a, new_index, hit, hit + len(quote), a.quote), "unchanged", a.quote
            return self._removed(a, new_index, path), "removed", ""
        # No usable quote: follow the row under the comment.
        row = self._row_under(report, a)
        if row is None:
            return self._removed(a, new_index, path), "removed", ""
        start = old_index.row_start.get(id(row), -1)
        length = sum(len(p.key) for p in row.pieces)
        mapped = self._follow(old_index, new_index, row.path, start, start + length) if start >= 0 else None
        if mapped is None or mapped[1] <= mapped[0]:
            return self._removed(a, new_index, row.path), "removed", ""
        piece = new_index.pieces[new_index.piece_at(mapped[0])][0]
        dy = piece.y0 - row.y
        rects = [(r[0], r[1] + dy, r[2], r[3] + dy) for r in a.rects]
        changed = new_index.text[mapped[0]:mapped[1]] != old_index.text[start:start + length]
        text = new_index.printed(mapped[0], mapped[1])
        return self._moved(a, piece.page, rects, a.quote), "changed" if changed else "unchanged", text

    # --- finding ------------------------------------------------------------------------------------------
    @staticmethod
    def _locate_old(index: _Index, a: Annotation, quote: str) -> int | None:
        if not quote:
            return None
        span = index.page_text.get(a.page)
        # A row cut by a page break can put the quote's start on the page before: search a little before the page.
        hits = index.find_all(quote, max(0, span[0] - len(quote)), span[1] + len(quote)) if span else []
        hits = hits or index.find_all(quote)
        if not hits:
            return None
        top = a.top
        prefix, suffix = norm(a.prefix), norm(a.suffix)
        # On the old file the comment's page and position are exact: the same sentence elsewhere (report texts
        # repeat whole sentences) must not win by its context.
        on_page = [at for at in hits if index.page_at(at) == a.page]

        def score(at: int) -> tuple[float, int]:
            piece = index.pieces[index.piece_at(at)][0]
            context = _context_score(index.text, at, len(quote), prefix, suffix)
            return (abs(piece.page - a.page) * 1000 + abs(piece.y0 - top), -context)

        return min(on_page or hits, key=score)

    @staticmethod
    def _path_at(report: ReportRows, a: Annotation) -> NodePath:
        row = _Carrier._row_under(report, a)
        return row.path if row is not None else NodePath()

    @staticmethod
    def _row_under(report: ReportRows, a: Annotation) -> FormRow | None:
        top = a.top
        best: FormRow | None = None
        for row in report.rows:
            for piece in row.pieces:
                if piece.page == a.page and piece.y0 <= top + 2.0:
                    best = row
            if row.page > a.page:
                break
        return best

    def _exact(self, index: _Index, quote: str, prefix: str, suffix: str, path: NodePath,
               old_page: int) -> int | None:
        span = index.node_text.get(path.key())
        hits = (index.find_all(quote, *span) if span is not None else []) or index.find_all(quote)
        if not hits:
            return None
        shift = self._page_shift(index)

        def score(at: int) -> tuple[int, int]:
            return (-_context_score(index.text, at, len(quote), prefix, suffix),
                    abs(index.page_at(at) - (old_page + shift)))

        return min(hits, key=score)

    def _page_shift(self, index: _Index) -> int:
        for old_report, new_report in pair_reports(self.old.reports, self.new.reports):
            if new_report is index.report:
                return new_report.document.start_page - old_report.document.start_page
        return 0

    def _follow(self, old: _Index, new: _Index, path: NodePath, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` of the old report text followed through the node's diff into the new text."""
        old_span = old.node_text.get(path.key())
        new_span = new.node_text.get(path.key())
        if old_span is None or new_span is None:
            return None
        old_text, new_text = old.text[old_span[0]:old_span[1]], new.text[new_span[0]:new_span[1]]
        if old_text == new_text:  # the node did not change: the same offsets
            return new_span[0] + start - old_span[0], new_span[0] + end - old_span[0]
        local0, local1 = start - old_span[0], end - old_span[0]
        mapped0: int | None = None
        mapped1: int | None = None
        end_changed = False
        for tag, i1, i2, j1, j2 in self._diff(old, new, path.key(), old_text, new_text):
            if i2 <= local0 or i1 >= local1:
                continue
            if tag == "equal":
                lo = j1 + max(0, local0 - i1)
                hi = j1 + min(i2, local1) - i1
            else:
                lo, hi = j1, j2
            mapped0 = lo if mapped0 is None else min(mapped0, lo)
            if mapped1 is None or hi >= mapped1:
                mapped1, end_changed = hi, tag != "equal"
        if mapped0 is None or mapped1 is None:
            return None
        if end_changed:
            # The quote ends in rewritten text, whose last characters the diff may have matched with the end of
            # another sentence (「…保存す」+「る。」 as in 「…している。」): the new text runs to its sentence's end.
            stop = next((k + 1 for k in range(mapped1, min(mapped1 + MIN_EQUAL, len(new_text)))
                         if new_text[k] in SENTENCE_ENDS), None)
            if stop is not None and (mapped1 == 0 or new_text[mapped1 - 1] not in SENTENCE_ENDS):
                mapped1 = stop
        return new_span[0] + mapped0, new_span[0] + mapped1

    def _inserted(self, old: _Index, new: _Index, start: int, end: int) -> bool:
        """Whether new ``[start, end)`` is text the revision put there (where moved text arrives), not text that
        was there before (the same sentence printed elsewhere too)."""
        path = new.pieces[new.piece_at(start)][1].path
        new_span = new.node_text.get(path.key())
        old_span = old.node_text.get(path.key())
        if new_span is None:
            return False
        if old_span is None:
            return True
        old_text, new_text = old.text[old_span[0]:old_span[1]], new.text[new_span[0]:new_span[1]]
        if old_text == new_text:
            return False
        local0, local1 = start - new_span[0], end - new_span[0]
        return any(tag != "equal" and j1 <= local0 and local1 <= j2
                   for tag, _, _, j1, j2 in self._diff(old, new, path.key(), old_text, new_text))

    def _diff(self, old: _Index, new: _Index, node: tuple[str, ...], old_text: str, new_text: str) -> list[Opcode]:
        """The node's diff as the comparison reads it (:func:`cleaned_opcodes`: a rewritten sentence is one
        replacement)."""
        key = (id(old), id(new), node)
        ops = self.diffs.get(key)
        if ops is None:
            ops = self.diffs[key] = cleaned_opcodes(old_text, new_text)
        return ops

    # --- placing ------------------------------------------------------------------------------------------
    def _location(self, page: int, y: float) -> dict[str, str]:
        outline: Outline = self.new.outline
        location = outline.locate(page, y)
        labels = outline.page_labels
        return {"document_title": location.document_title, "item_label": location.item_label(),
                "node_key": location.node_key(), "page_label": labels[page] if page < len(labels) else str(page + 1)}

    def _base(self, a: Annotation, page: int, rects: list[Rect], quote: str, prefix: str = "",
              suffix: str = "") -> Annotation:
        top = min((r[1] for r in rects), default=0.0)
        extra = dict(a.extra)
        extra["carried_from"] = a.id
        where = self._location(page, top)
        return replace(a, id=carried_id(a.id, self.new.sha256), file_sha256=self.new.sha256,
                       file_name=self.new.path.name, page=page, rects=rects, quote=quote, prefix=prefix,
                       suffix=suffix, extra=extra, document_title=where["document_title"],
                       item_label=where["item_label"], node_key=where["node_key"], page_label=where["page_label"])

    def _placed(self, a: Annotation, index: _Index, start: int, end: int, quote: str) -> Annotation:
        rects = (index.rects(start, end) if a.kind == "highlight" else []) or self._shifted(a, index, start)
        page = index.page_at(start)
        prefix = index.text[max(0, start - CONTEXT):start]
        suffix = index.text[end:end + CONTEXT]
        return self._base(a, page, rects, quote, prefix, suffix)

    @staticmethod
    def _shifted(a: Annotation, index: _Index, start: int) -> list[Rect]:
        piece = index.pieces[index.piece_at(start)][0]
        dy = piece.y0 - a.top
        return [(r[0], r[1] + dy, r[2], r[3] + dy) for r in a.rects] or [(piece.x0, piece.y0, piece.x0 + 12,
                                                                          piece.y0 + 12)]

    def _moved(self, a: Annotation, page: int, rects: list[Rect], quote: str) -> Annotation:
        return self._base(a, page, list(rects), quote, a.prefix, a.suffix)

    def _removed(self, a: Annotation, index: _Index, path: NodePath) -> Annotation:
        """Attached to the nearest node that still exists: the risk, else the section, else the chapter."""
        document = index.report.document
        for candidate in (path, NodePath(path.chapter, path.file, path.section), NodePath(path.chapter, path.file),
                          NodePath(path.chapter)):
            node = _node_for(document.nodes, candidate)
            if node is not None:
                page, y = node.page, node.y
                break
        else:
            page, y = document.start_page, 40.0
        rect = (40.0, y, 52.0, y + 12.0)
        return replace(self._base(a, page, [rect], a.quote, a.prefix, a.suffix), kind="note")


def _node_for(nodes: list[Any], path: NodePath) -> Any:
    chapter: Any = None
    section: Any = None
    for node in nodes:
        if node.kind in ("chapter", "annex"):
            chapter, section = node, None
        elif node.kind == "section":
            section = node
        file = node.file or (chapter.file if chapter is not None else None)
        here = NodePath(
            chapter.number if chapter is not None else "",
            file,
            section.number if section is not None and node.kind != "chapter" and node.kind != "annex" else None,
            node.kind if node.kind in ("risk", "item") else None,
            node.number if node.kind in ("risk", "item") else None,
        )
        if here.key() == path.key() or (path.file is None and here.key()[0] == path.key()[0]
                                        and here.key()[2:] == path.key()[2:]):
            return node
    return None


def _context_score(text: str, at: int, length: int, prefix: str, suffix: str) -> int:
    """How many characters of the stored context agree with the text around ``at``."""
    score = 0
    before = text[max(0, at - len(prefix)):at]
    for x, y in zip(reversed(before), reversed(prefix), strict=False):
        if x != y:
            break
        score += 1
    after = text[at + length:at + length + len(suffix)]
    for x, y in zip(after, suffix, strict=False):
        if x != y:
            break
        score += 1
    return score


def carry_comments(store: Store, old: Version, new: Version) -> list[Carried]:
    """Carry the store's comments on ``old`` to ``new`` (idempotent); the carried and already carried ones.

    A comment carried before is not placed again; what reached its original since (the department's answer,
    replies) is brought over (:meth:`Store.refresh_carried`)."""
    existing = {link.old_id: link for link in store.carried_links(new_sha256=new.sha256)}
    carrier = _Carrier(old, new)
    results: list[Carried] = []
    batch: list[tuple[Annotation, list[Reply], CarriedLink]] = []
    refresh: list[tuple[str, str | None, list[Reply]]] = []
    for a in store.annotations(old.sha256):
        link = existing.get(a.id)
        if link is not None:
            current = store.get_annotation(link.new_id)
            if current is not None:
                refresh.append((current.id, a.answer, _carried_replies(store, a.id, current.id, new.sha256)))
                results.append(Carried(current, a, link.status, link.new_text, created=False))
                continue
        placed, status, text = carrier.carry(a)
        placed.extra["carry_status"] = status
        placed.extra["old_quote"] = a.quote
        now = now_iso()
        batch.append((placed, _carried_replies(store, a.id, placed.id, new.sha256),
                      CarriedLink(placed.id, a.id, old.sha256, new.sha256, status, a.quote, text, None, now, now)))
        results.append(Carried(placed, a, status, text))
    if batch:
        store.add_carried(batch)
    if refresh and store.refresh_carried(refresh):
        results = [replace(c, new=store.get_annotation(c.new.id) or c.new) if not c.created else c for c in results]
    return results


def _carried_replies(store: Store, old_id: str, new_id: str, new_sha256: str) -> list[Reply]:
    """The replies of comment ``old_id`` as replies of its carried comment ``new_id`` (ids derived, so the same on
    every run)."""
    return [replace(r, id=carried_id(r.id, new_sha256), annotation_id=new_id) for r in store.replies(old_id)]


def set_carried_check(store: Store, new_id: str, result: str | None) -> None:
    """The member's check of a carried comment: 対応確認済み, 再指摘 or None."""
    store.set_carried_check(new_id, result)


__all__ = ["DECLARATION_ANNEX", "STATUS_LABELS", "Carried", "carried_id", "carry_comments", "set_carried_check"]
