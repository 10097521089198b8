"""What a member does with the changes: mark one 確認済み, see the department's answer beside it, see it in the page.

A change's 確認済み is a review mark of the revised packet under the key ``change:<stable key>`` (the same table as
the risks' marks, so it travels and is undone the same way).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reviewer.annotations import Annotation, Rect
from reviewer.compare.diff import RowChange
from reviewer.compare.rows import FormRow, char_advances, norm
from reviewer.compare.service import Comparison
from reviewer.store.store import Store

CHANGE_MARK_PREFIX = "change:"


def change_key(change: RowChange) -> str:
    """A key of the change that stays the same when the comparison is run again."""
    basis = "|".join((change.kind, *change.path.key(), change.item or "", change.old_judgement or "",
                      change.new_judgement or "", norm(change.added_text), norm(change.removed_text)))
    return CHANGE_MARK_PREFIX + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def mark_change_reviewed(store: Store, new_sha256: str, change: RowChange, reviewed: bool) -> None:
    """Record (or clear) 確認済み for ``change`` of the revised packet."""
    store.set_review_mark(new_sha256, change_key(change), reviewed, None)


def reviewed_changes(store: Store, new_sha256: str) -> set[str]:
    """The keys of the changes marked 確認済み on the revised packet."""
    return {key for key, mark in store.review_marks(new_sha256).items()
            if key.startswith(CHANGE_MARK_PREFIX) and mark.reviewed}


def answers_for_changes(comparison: Comparison, annotations: list[Annotation]) -> dict[int, list[Annotation]]:
    """The answered comments on the old version that concern each change (same report and node; the same form row
    when the comment's quote is in the old row), by ``id(change)``."""
    out: dict[int, list[Annotation]] = {}
    answered = [a for a in annotations if a.answer and a.file_sha256 == comparison.old.sha256]
    if not answered:
        return out
    for document in comparison.documents:
        rows = document.old_rows.rows if document.old_rows is not None else []
        for change in document.changes:
            related: list[Annotation] = []
            for a in answered:
                if not document.old.start_page <= a.page <= document.old.end_page:
                    continue
                row = _row_at(rows, a.page, a.top)
                if row is None or row.path != change.path:
                    continue
                if change.old_row is not None and a.quote and norm(a.quote) not in norm(change.old_row.text) \
                        and row is not change.old_row:
                    continue
                related.append(a)
            if related:
                out[id(change)] = related
    return out


def _row_at(rows: list[FormRow], page: int, top: float) -> FormRow | None:
    best: FormRow | None = None
    for row in rows:
        for piece in row.pieces:
            if piece.page == page and piece.y0 <= top + 2.0:
                best = row
        if row.page > page:
            break
    return best


@dataclass(frozen=True, slots=True)
class Mark:
    """A box to draw on the revised page: ``added`` text, or the place where text was removed."""

    page: int
    rect: Rect
    added: bool


def change_marks(change: RowChange, old: bool = False) -> list[Mark]:
    """Boxes of the added text of ``change`` on the new pages, or (``old``) of the removed text on the old pages;
    the whole row when there is no such text (``added`` then means a box of new or removed text)."""
    row = change.old_row if old else change.new_row
    if row is None:
        return []
    pieces = [p for p in row.pieces if not p.label]
    texts = [norm(p.text) for p in pieces]
    joined = "".join(texts)
    starts: list[int] = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text)
    marks: list[Mark] = []
    cursor = 0
    for span in change.spans:
        wanted = norm(span.old if old else span.new)
        if not wanted:
            continue
        at = joined.find(wanted, cursor)
        if at < 0:
            at = joined.find(wanted)
        if at < 0:
            continue
        cursor = at + len(wanted)
        for piece, text, start in zip(pieces, texts, starts, strict=True):
            lo, hi = max(at, start), min(at + len(wanted), start + len(text))
            if hi <= lo:
                continue
            advance = char_advances(text)
            total = advance[-1] or 1.0
            width = piece.x1 - piece.x0
            x0 = piece.x0 + width * advance[lo - start] / total
            x1 = piece.x0 + width * advance[hi - start] / total
            marks.append(Mark(piece.page, (x0, piece.y0, x1, piece.y1), True))
    if not marks:
        marks = [Mark(p.page, (p.x0, p.y0, p.x1, p.y1), False) for p in pieces]
    return marks
