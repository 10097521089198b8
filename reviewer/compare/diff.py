"""Compare two versions of a packet report by report, node by node (chapter, file, section, risk), row by row.

Inside a node the rows' normalised texts are joined and diffed by character, and every difference is given to the
form row it falls in. Joining first is what makes reflow harmless: a row cut differently by a page break, lines
broken elsewhere, ＩＤ/ID or another print scale give the same joined text.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from reviewer.compare.rows import FormRow, NodePath, ReportRows, norm
from reviewer.structure.model import KIND_DEPTH, Document, Node
from reviewer.text import Normalized, normalize

ChangeKind = str  # "text" | "added" | "removed" | "judgement"
# The declaration table itself is read as declarations, not compared as content.
DECLARATION_ANNEX = "別添3"


@dataclass(slots=True)
class Span:
    """One character-level difference inside a row: ``old`` removed, ``new`` added (either may be empty)."""

    old: str
    new: str


@dataclass(slots=True)
class RowChange:
    """A change at the level of a form row (or a whole risk/row added or removed)."""

    kind: ChangeKind
    path: NodePath
    item: str | None  # the row's label, None for an unlabelled row or a whole node
    old_page: int | None
    new_page: int | None
    old_text: str | None
    new_text: str | None
    spans: list[Span] = field(default_factory=list)
    old_judgement: str | None = None
    new_judgement: str | None = None
    declared: bool = False
    declared_by: str | None = None  # the 別添3 item that declares it
    new_y: float = 0.0
    old_y: float = 0.0
    old_row: FormRow | None = field(default=None, repr=False)
    new_row: FormRow | None = field(default=None, repr=False)

    @property
    def added_text(self) -> str:
        return "".join(s.new for s in self.spans)

    @property
    def removed_text(self) -> str:
        return "".join(s.old for s in self.spans)


@dataclass(slots=True)
class DocumentComparison:
    title: str
    old: Document
    new: Document
    changes: list[RowChange] = field(default_factory=list)
    declared_not_found: list[str] = field(default_factory=list)
    old_rows: ReportRows | None = field(default=None, repr=False)
    new_rows: ReportRows | None = field(default=None, repr=False)


@dataclass(slots=True)
class _Joined:
    """A node's rows joined: the text, and where each row starts in it."""

    rows: list[FormRow]
    text: str
    starts: list[int]
    sources: list[Normalized]  # per row: its printed text and where each normalised character came from

    @classmethod
    def of(cls, rows: list[FormRow]) -> _Joined:
        parts: list[str] = []
        starts: list[int] = []
        sources: list[Normalized] = []
        offset = 0
        for row in rows:
            normalized = normalize(row.text)
            starts.append(offset)
            parts.append(normalized.text)
            sources.append(normalized)
            offset += len(normalized.text)
        return cls(rows, "".join(parts), starts, sources)

    def printed(self, start: int, end: int) -> str:
        """The text as printed behind normalised ``[start, end)`` (ＩＤ stays ＩＤ, not the folded id)."""
        if end <= start:
            return ""
        out: list[str] = []
        index = self.row_at(start)
        while index < len(self.rows) and self.starts[index] < end:
            row_start, row_end = self.row_span(index)
            lo, hi = max(start, row_start) - row_start, min(end, row_end) - row_start
            if hi > lo:
                source = self.rows[index].text
                s0, s1 = self.sources[index].source_span(lo, hi)
                out.append(source[s0:s1])
            index += 1
        return "".join(out)

    def row_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def row_span(self, index: int) -> tuple[int, int]:
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.starts[index], end


def _groups(report: ReportRows) -> dict[tuple[str, ...], list[FormRow]]:
    groups: dict[tuple[str, ...], list[FormRow]] = defaultdict(list)
    for row in report.rows:
        if row.heading or row.path.chapter == DECLARATION_ANNEX:
            continue
        groups[row.path.key()].append(row)
    return groups


def _judged(document: Document) -> dict[tuple[str, ...], Node]:
    out: dict[tuple[str, ...], Node] = {}
    chapter: Node | None = None
    section: Node | None = None
    for node in document.nodes:
        depth = KIND_DEPTH.get(node.kind, 2)
        if depth == 0:
            chapter, section = node, None
            continue
        if depth == 1:
            section = node
        file = node.file or (chapter.file if chapter else None)
        if depth == 1:
            path = NodePath(chapter.number if chapter else "", file, node.number)
        else:
            path = NodePath(chapter.number if chapter else "", file, section.number if section else None,
                            node.kind, node.number)
        if node.judgement:
            out[path.key()] = node
    return out


def _node_path(key: tuple[str, ...]) -> NodePath:
    chapter, file, section, leaf_kind, leaf = key
    return NodePath(chapter, file or None, section or None, leaf_kind or None, leaf or None)


def compare_reports(old: ReportRows, new: ReportRows) -> DocumentComparison:
    """The changes from ``old`` to ``new`` (the same report in two versions)."""
    result = DocumentComparison(new.document.title, old.document, new.document, old_rows=old, new_rows=new)
    old_groups, new_groups = _groups(old), _groups(new)
    order = list(new_groups) + [k for k in old_groups if k not in new_groups]
    judged_old, judged_new = _judged(old.document), _judged(new.document)
    for key in order:
        before, after = old_groups.get(key), new_groups.get(key)
        path = _node_path(key)
        if before is None and after is not None:
            result.changes.append(RowChange("added", path, None, None, after[0].page, None,
                                            "\n".join(r.text for r in after), new_y=after[0].y, new_row=after[0]))
            continue
        if after is None and before is not None:
            result.changes.append(RowChange("removed", path, None, before[0].page, None,
                                            "\n".join(r.text for r in before), None, old_y=before[0].y,
                                            old_row=before[0]))
            continue
        assert before is not None and after is not None
        if _squeezed(before) == _squeezed(after):
            continue  # the same characters, however the lines and pages broke: no need to normalise
        result.changes.extend(_diff_group(path, _Joined.of(before), _Joined.of(after)))
    for key, node in judged_new.items():
        was = judged_old.get(key)
        if was is None or was.judgement == node.judgement:
            continue
        path = _node_path(key)
        row = _judgement_row(new_groups.get(key, []), node.judgement or "")
        old_row = _judgement_row(old_groups.get(key, []), was.judgement or "")
        # The choice row now differs only by the judgement: report it once, as a judgement change.
        result.changes = [c for c in result.changes if not (
            c.kind == "text" and c.path == path and c.new_row is row and row is not None)]
        result.changes.append(RowChange(
            "judgement", path, row.label if row else None, old_row.page if old_row else was.page,
            row.page if row else node.page, None, None, old_judgement=was.judgement, new_judgement=node.judgement,
            new_y=row.y if row else node.y, old_y=old_row.y if old_row else was.y, old_row=old_row, new_row=row))
    return result


def _squeezed(rows: list[FormRow]) -> str:
    return "".join("".join(row.text for row in rows).split())


def _judgement_row(rows: list[FormRow], judgement: str) -> FormRow | None:
    key = norm(judgement)
    found = [r for r in rows if key and key in norm(r.content)]
    return found[-1] if found else None


# An equal run this short between two differences is a coincidence (「個人」 in two unrelated sentences): it is
# folded into the difference, so that a rewritten sentence reads as one removal and one addition.
MIN_EQUAL = 4


def cleaned_opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """``difflib`` opcodes from ``a`` to ``b`` with coincidental short equal runs folded into the differences."""
    raw = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out: list[tuple[str, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and out and out[-1][0] != "equal"
        if tag == "equal" and between and i2 - i1 < MIN_EQUAL:
            tag = "replace"
        if out and tag != "equal" and out[-1][0] != "equal":
            _, p1, _, q1, _ = out[-1]
            out[-1] = ("replace", p1, i2, q1, j2)
            continue
        out.append((tag, i1, i2, j1, j2))
    return _slid_to_sentences(out, a, b)


def _slid_to_sentences(ops: list[tuple[str, int, int, int, int]], a: str,
                       b: str) -> list[tuple[str, int, int, int, int]]:
    """Move a pure insertion or deletion that could equally sit a few characters later so that it starts after a
    「。」: 「している。保管場所の…記録」 inserted before 「している。」 reads as the sentence 「保管場所の…記録している。」."""
    out = list(ops)
    for k in range(1, len(out) - 1):
        tag, i1, i2, j1, j2 = out[k]
        before, after = out[k - 1], out[k + 1]
        if before[0] != "equal" or after[0] != "equal" or tag not in ("insert", "delete"):
            continue
        text, start, end = (b, j1, j2) if tag == "insert" else (a, i1, i2)
        limit = after[2] - after[1]
        shift = 0
        for step in range(1, limit + 1):
            if text[start + step - 1] != text[end + step - 1]:
                break
            if text[start + step - 1] in "。．.":
                shift = step
        if shift == 0 or (start > 0 and text[start - 1] in "。．."):
            continue
        out[k - 1] = (before[0], before[1], before[2] + shift, before[3], before[4] + shift)
        out[k] = (tag, i1 + shift, i2 + shift, j1 + shift, j2 + shift)
        out[k + 1] = (after[0], after[1] + shift, after[2], after[3] + shift, after[4])
    return out


def _diff_group(path: NodePath, old: _Joined, new: _Joined) -> list[RowChange]:
    if old.text == new.text:
        return []
    by_row: dict[tuple[int, int], list[Span]] = {}
    for tag, i1, i2, j1, j2 in cleaned_opcodes(old.text, new.text):
        if tag == "equal":
            continue
        # Attribute to the new row where something was added, else to the old row where it was removed.
        new_index = new.row_at(j1 if j2 > j1 else max(0, j1 - 1))
        old_index = old.row_at(i1 if i2 > i1 else max(0, i1 - 1))
        by_row.setdefault((new_index, old_index), []).append(Span(old.printed(i1, i2), new.printed(j1, j2)))
    merged: dict[int, tuple[int, list[Span]]] = {}
    for (new_index, old_index), spans in by_row.items():
        if new_index in merged:
            merged[new_index][1].extend(spans)
        else:
            merged[new_index] = (old_index, spans)
    changes: list[RowChange] = []
    for new_index, (old_index, spans) in sorted(merged.items()):
        new_row, old_row = new.rows[new_index], old.rows[old_index]
        start, end = new.row_span(new_index)
        added = sum(len(norm(s.new)) for s in spans)
        removed = sum(len(norm(s.old)) for s in spans)
        o_start, o_end = old.row_span(old_index)
        if removed == 0 and added >= end - start > 0:
            kind = "added"
        elif added == 0 and removed >= o_end - o_start > 0:
            kind = "removed"
        else:
            kind = "text"
        label = new_row.label if kind != "removed" else old_row.label
        changes.append(RowChange(
            kind, path, label or None, old_row.page if kind != "added" else None,
            new_row.page if kind != "removed" else None,
            old_row.content if kind != "added" else None, new_row.content if kind != "removed" else None,
            spans, new_y=new_row.y, old_y=old_row.y, old_row=old_row, new_row=new_row))
    return changes
