"""The revised report's own account of its changes: the 別添3 変更箇所 table (or a bound 修正対照表).

Each table row becomes a :class:`Declaration`; rows already in the earlier version's table are history, not
this revision. A detected change is *declared* when a declaration points at its place (項目) or quotes its new
text (変更後の記載); declarations that match nothing are reported as declared but not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.compare.diff import DECLARATION_ANNEX, RowChange
from reviewer.compare.rows import FormRow, NodePath, Piece, ReportRows, norm, split_at

# Column headings of the 別添3 table and of a 修正対照表, normalised.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("変更日", "修正日"),
    "item": ("項目", "修正箇所", "箇所", "頁"),
    "before": ("変更前の記載", "変更前", "修正前"),
    "after": ("変更後の記載", "変更後", "修正後"),
    "timing": ("提出時期",),
    "reason": ("提出時期に係る説明", "説明", "理由", "修正理由"),
}
_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ"}
_PLACE = re.compile(r"^(?P<chapter>[ⅠⅡⅢⅣⅤⅥ]|IV|VI?|I{1,3})\s*(?:(?P<section>\d+)[.．]?)?\s*"
                    r"(?:リスク\s*(?P<risk>\d+))?\s*(?P<rest>.*)$")
_DATE = re.compile(r"(令和|平成|R|H)?\s*[0-9０-９元]+\s*年|[0-9]{4}[/.-][0-9]{1,2}")
_NOTHING = {"", "-", "－", "―", "なし"}


@dataclass(slots=True)
class Declaration:
    """One row of 別添3 (or of a 修正対照表)."""

    date: str
    item: str
    before: str
    after: str
    timing: str = ""
    reason: str = ""
    page: int = 0

    def key(self) -> str:
        return norm(self.date + self.item + self.before + self.after)


_SPELLINGS: dict[str, tuple[str, ...]] = {name: tuple(norm(s) for s in spellings) for name, spellings in COLUMNS.items()}


def _column_of(heading: str) -> str | None:
    if len(heading) > 24:  # a cell of the table's body, not a column heading
        return None
    key = norm(heading)
    for name, spellings in _SPELLINGS.items():
        if key in spellings:
            return name
    for name, spellings in _SPELLINGS.items():
        if any(s in key for s in spellings):
            return name
    return None


def read_declarations(report: ReportRows) -> list[Declaration]:
    """The rows of the report's 別添3 変更箇所 table, in order."""
    rows = [r for r in report.rows if r.path.chapter == DECLARATION_ANNEX and not r.heading]
    return read_table(rows)


def read_table(rows: list[FormRow]) -> list[Declaration]:
    """Declarations from table rows whose header names the columns (変更前/変更後 or 修正前/修正後).

    A declaration starts at each date in the date column (or, without one, at each 項目), so rows cut by a page
    break or printed without a gap between them are read right.
    """
    columns: list[tuple[float, str]] | None = None
    found: list[Declaration] = []
    values: dict[str, list[str]] = {}
    page = 0

    def flush() -> None:
        joined = {name: "".join(texts) for name, texts in values.items()}
        if joined.get("item") or joined.get("after"):
            found.append(Declaration(joined.get("date", ""), joined.get("item", ""), joined.get("before", ""),
                                     joined.get("after", ""), joined.get("timing", ""), joined.get("reason", ""),
                                     page))
        values.clear()

    for row in rows:
        header = _header(row)
        if header is not None:
            flush()
            columns = header
            continue
        if columns is None:
            continue
        # A short cell (「事前」) printed close to the long one before it is read as one piece: cut at the columns.
        pieces = split_at(sorted(row.pieces, key=lambda p: (p.page, p.y0, p.x0)), [x for x, _ in columns])
        has_date = any(name == "date" for _, name in columns)
        for piece in pieces:
            name = _column_at(columns, piece)
            opens = _DATE.search(piece.text) is not None if has_date else name == "item"
            if name == ("date" if has_date else "item") and opens and values.get("after"):
                flush()
            if not values:
                page = piece.page
            values.setdefault(name, []).append(piece.text)
    flush()
    return found


def _is_header(row: FormRow) -> bool:
    return _header(row) is not None


def _header(row: FormRow) -> list[tuple[float, str]] | None:
    columns: list[tuple[float, str]] = []
    for piece in row.pieces:
        name = _column_of(piece.text)
        if name is not None and all(name != n for _, n in columns):
            columns.append((piece.x0, name))
    names = {n for _, n in columns}
    if {"before", "after"} <= names:
        return sorted(columns)
    return None


def _column_at(columns: list[tuple[float, str]], piece: Piece) -> str:
    name = columns[0][1]
    for x, column in columns:
        if x <= piece.x0 + 3.0:
            name = column
    return name


@dataclass(frozen=True, slots=True)
class _Place:
    chapter: str
    section: str | None
    risk: str | None
    rest: str


def _place(item: str) -> _Place | None:
    match = _PLACE.match(item.strip().replace("　", " "))
    if match is None:
        return None
    chapter = match["chapter"]
    return _Place(_ROMAN.get(chapter, chapter), match["section"], match["risk"], norm(match["rest"] or ""))


def _points_at(declaration: Declaration, change: RowChange) -> bool:
    place = _place(declaration.item)
    if place is None:
        return False
    path: NodePath = change.path
    if place.chapter != path.chapter or (place.section and place.section != path.section):
        return False
    if place.risk and not (path.leaf_kind == "risk" and place.risk == path.leaf):
        return False
    if not place.rest:
        return True
    label = norm(change.item or "")
    return bool(label) and (label.startswith(place.rest) or place.rest.startswith(label[:2]) and place.rest in label)


def _quotes(declaration: Declaration, change: RowChange) -> bool:
    after = norm(declaration.after)
    if after in _NOTHING:
        return False
    if change.kind == "judgement":
        return norm(change.new_judgement or "") in after and norm(change.old_judgement or "x") in norm(
            declaration.before + declaration.item + declaration.after)
    added = [norm(s.new) for s in change.spans if len(norm(s.new)) >= 4]
    if added and all(a in after for a in added):
        return True
    return len(after) >= 8 and after in norm(change.new_text or "")


def mark_declared(changes: list[RowChange], declarations: list[Declaration]) -> list[Declaration]:
    """Mark each change declared or not; returns the declarations that match no change."""
    used: set[int] = set()
    for change in changes:
        for index, declaration in enumerate(declarations):
            if _quotes(declaration, change) or _points_at(declaration, change):
                change.declared = True
                change.declared_by = declaration.item
                used.add(index)
                break
    return [d for i, d in enumerate(declarations) if i not in used]


def new_declarations(old: list[Declaration], new: list[Declaration]) -> list[Declaration]:
    """The declarations of this revision: those not already in the earlier version's table."""
    seen = {d.key() for d in old}
    return [d for d in new if d.key() not in seen]
