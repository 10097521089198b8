"""The collated comment sheet (意見一覧) as rows: order, placement in the structure, related groups.

Rows are ordered by report, then by position in the report (page, top, left). Comments of different
members whose passages overlap (same page and intersecting boxes, or one quote containing the other) share a
group number, sit together and are marked 「関連n」. Excluded comments are left out; the chair's wording
(``sheet_text``) replaces the member's text on the sheet without changing the original.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from reviewer.annotations import Annotation, Rect
from reviewer.structure.model import Outline

SHEET_NAME = "意見一覧"
COLUMNS: tuple[str, ...] = (
    "No.", "評価書", "資料頁", "項目", "引用", "区分", "意見・質問", "委員", "所管課の回答", "ID", "関連",
)
# The columns come first and in its order (the hidden ID right after the answer), so a reader that
# goes by position finds them; 関連 is our addition at the end.
ID_COLUMN = "ID"
ANSWER_COLUMN = "所管課の回答"
MIN_QUOTE_OVERLAP = 2


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One line of the comment sheet; :meth:`values` follows :data:`COLUMNS`."""

    no: int
    report: str
    page_label: str
    item: str
    quote: str
    category: str
    text: str
    author: str
    related: str
    answer: str
    id: str
    group: int | None = None
    page: int = 0

    def values(self) -> tuple[int | str, ...]:
        return (self.no, self.report, self.page_label, self.item, self.quote, self.category, self.text,
                self.author, self.answer, self.id, self.related)


def place(annotations: Iterable[Annotation], outline: Outline | None) -> list[Annotation]:
    """Copies of ``annotations`` with ``document_title``, ``item_label`` and ``node_key`` from ``outline``."""
    if outline is None:
        return list(annotations)
    placed: list[Annotation] = []
    for a in annotations:
        location = outline.locate(a.page, a.top)
        placed.append(replace(a, document_title=location.document_title, item_label=location.item_label(),
                              node_key=location.node_key()))
    return placed


def report_indexes(outline: Outline) -> list[int]:
    """Indexes of the documents that ``--report N`` counts (the assessment reports, else every document)."""
    reports = [i for i, d in enumerate(outline.documents) if d.is_report]
    return reports or list(range(len(outline.documents)))


def _boxes_overlap(a: Rect, b: Rect) -> bool:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    if dx <= 0.5 or dy <= 0:
        return False
    smaller = min(a[3] - a[1], b[3] - b[1])
    return dy >= 0.3 * smaller


def overlaps(a: Annotation, b: Annotation) -> bool:
    """Whether two comments point at overlapping passages (same page)."""
    if a.page != b.page:
        return False
    if len(a.quote) >= MIN_QUOTE_OVERLAP and len(b.quote) >= MIN_QUOTE_OVERLAP and (
        a.quote in b.quote or b.quote in a.quote
    ):
        return True
    return any(_boxes_overlap(ra, rb) for ra in a.rects for rb in b.rects)


def _two_authors(items: Sequence[Annotation]) -> list[Annotation]:
    """Up to two comments of different authors: enough to find, for anyone, someone else."""
    reps: list[Annotation] = []
    for a in items:
        if all(r.author != a.author for r in reps):
            reps.append(a)
            if len(reps) == 2:
                break
    return reps


def related_groups(annotations: Sequence[Annotation]) -> dict[str, int]:
    """Group ids (arbitrary, > 0) of comments related to a comment of another member; others are absent.

    Boxes are compared with a sweep down each page; quotes are compared per distinct quote (items with
    the same quote are interchangeable), so dense pages stay fast.
    """
    parent: dict[str, str] = {a.id: a.id for a in annotations}
    linked: set[str] = set()

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(a: Annotation, b: Annotation) -> None:
        root_a, root_b = find(a.id), find(b.id)
        if root_a != root_b:
            parent[root_a] = root_b
        linked.update((a.id, b.id))

    by_page: dict[int, list[Annotation]] = defaultdict(list)
    for a in annotations:
        by_page[a.page].append(a)
    for items in by_page.values():
        items.sort(key=lambda a: a.top)
        for i, a in enumerate(items):
            a_bottom = a.bounds()[3]
            for b in items[i + 1:]:
                if b.top > a_bottom:
                    break
                if a.author != b.author and find(a.id) != find(b.id) and any(
                    _boxes_overlap(ra, rb) for ra in a.rects for rb in b.rects
                ):
                    link(a, b)
        by_quote: dict[str, list[Annotation]] = defaultdict(list)
        for a in items:
            if len(a.quote) >= MIN_QUOTE_OVERLAP:
                by_quote[a.quote].append(a)
        quotes = list(by_quote)
        for i, q1 in enumerate(quotes):
            for q2 in quotes[i:]:
                if q1 is not q2 and q1 not in q2 and q2 not in q1:
                    continue
                first, second = by_quote[q1], by_quote[q2]
                for side, other in ((first, second), (second, first)):
                    reps = _two_authors(other)
                    for x in side:
                        partner = next((r for r in reps if r.author != x.author), None)
                        if partner is not None:
                            link(x, partner)
    roots: dict[str, int] = {}
    groups: dict[str, int] = {}
    for a in annotations:
        if a.id in linked:
            groups[a.id] = roots.setdefault(find(a.id), len(roots) + 1)
    return groups


def build_sheet(
    annotations: Iterable[Annotation],
    outline: Outline | None = None,
    *,
    report: int | None = None,
    include_excluded: bool = False,
) -> list[SheetRow]:
    """The rows of the comment sheet for the whole packet, or for report ``report`` (1-based)."""
    items = [a for a in annotations if include_excluded or not a.excluded]
    items = place(items, outline) if outline is not None else items
    doc_of: dict[str, int | None] = {}
    for a in items:
        doc_of[a.id] = outline.document_at(a.page) if outline is not None else None
    if report is not None:
        if outline is None:
            raise ValueError("a report filter needs the outline")
        indexes = report_indexes(outline)
        if not 1 <= report <= len(indexes):
            raise ValueError(f"report {report} out of range 1..{len(indexes)}")
        wanted = indexes[report - 1]
        items = [a for a in items if doc_of[a.id] == wanted]

    def order(a: Annotation) -> tuple[int, int, float, float, str, str]:
        doc = doc_of[a.id]
        return (doc if doc is not None else 1 << 30, a.page, round(a.top, 1), a.bounds()[0], a.created, a.id)

    items.sort(key=order)
    groups = related_groups(items)
    arranged: list[Annotation] = []
    emitted: set[str] = set()
    members: dict[int, list[Annotation]] = defaultdict(list)
    for a in items:
        if a.id in groups:
            members[groups[a.id]].append(a)
    for a in items:
        if a.id in emitted:
            continue
        group = groups.get(a.id)
        batch = members[group] if group is not None else [a]
        for b in batch:
            arranged.append(b)
            emitted.add(b.id)
    numbers: dict[int, int] = {}
    rows: list[SheetRow] = []
    for no, a in enumerate(arranged, start=1):
        group = groups.get(a.id)
        number = numbers.setdefault(group, len(numbers) + 1) if group is not None else None
        rows.append(SheetRow(
            no=no, report=a.document_title, page_label=a.page_label, item=a.item_label, quote=a.quote,
            category=a.category, text=a.sheet_text if a.sheet_text is not None else a.text, author=a.author,
            related=f"関連{number}" if number is not None else "", answer=a.answer or "", id=a.id,
            group=number, page=a.page,
        ))
    return rows
