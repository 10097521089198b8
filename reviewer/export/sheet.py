"""The collated comment sheet (意見一覧) as rows: order, placement in the structure, related groups.

Rows are ordered by report, then by position in the report (page, top, left). Comments of different
members whose passages overlap (same page and intersecting boxes, or one quote containing the other) share a
group number, sit together and are marked 「関連n」. Excluded comments are left out; the chair's wording
(``sheet_text``) replaces the member's text on the sheet without changing the original.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from reviewer.annotations import Annotation, Rect
from reviewer.structure.corrections import Correction, apply_corrections
from reviewer.structure.model import Outline

SHEET_NAME = "意見一覧"
COLUMNS: tuple[str, ...] = (
    "No.", "評価書", "資料頁", "項目", "引用", "区分", "意見・質問", "委員", "所管課の回答", "ID", "関連",
)
# The columns come first and in its order (the hidden ID right after the answer), so a reader that
# goes by position finds them; 関連 is our addition at the end.
ID_COLUMN = "ID"
ANSWER_COLUMN = "所管課の回答"
# The second meeting's sheet (a revised packet with comments carried over): the text a carried comment now
# refers to and the member's check of it, right after the department's answer.
REVISED_COLUMN = "修正後の記載"
CHECK_COLUMN = "確認結果"
_AFTER_ANSWER = COLUMNS.index(ANSWER_COLUMN) + 1
SECOND_COLUMNS: tuple[str, ...] = (*COLUMNS[:_AFTER_ANSWER], REVISED_COLUMN, CHECK_COLUMN, *COLUMNS[_AFTER_ANSWER:])
UNDECLARED_CATEGORY = "未申告の変更"  # the 区分 of a row that is an undeclared change, not a comment
# The 区分 of a row for an item of 別添3 whose change is not in the revised report (declared, not made).
DECLARED_ONLY_CATEGORY = "申告のみ（変更なし）"
CHANGE_CATEGORIES = (UNDECLARED_CATEGORY, DECLARED_ONLY_CATEGORY)  # rows of the comparison, not comments


def printed_columns(columns: Sequence[str] = COLUMNS) -> tuple[str, ...]:
    """The columns a printed sheet (Word, PDF) shows: all but the hidden ID, which is for the Excel round trip."""
    return tuple(c for c in columns if c != ID_COLUMN)


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
    judgement: str = ""  # the risk's judgement (as corrected by hand, if it was); not a column of its own yet
    corrected: bool = False  # the 項目 or judgement comes from a correction by hand
    revised: str = ""  # 修正後の記載 (second meeting)
    check: str = ""  # 確認結果: 対応確認済み / 再指摘 / "" (second meeting)

    @property
    def undeclared(self) -> bool:
        """A row that is an undeclared change of the revised packet, not a comment."""
        return self.category == UNDECLARED_CATEGORY

    @property
    def change_row(self) -> bool:
        """A row of the comparison (an undeclared change, or a declared one not found), not a comment."""
        return self.category in CHANGE_CATEGORIES

    def value(self, column: str) -> int | str:
        """The cell of ``column`` (one of :data:`SECOND_COLUMNS`); 資料頁 as a number where it is one, so that a
        spreadsheet sorts it as one."""
        if column == "資料頁":
            label = self.page_label
            return int(label) if label.isascii() and label.isdigit() and len(label) < 10 else label
        return getattr(self, _FIELDS[column])  # type: ignore[no-any-return]

    def values(self, columns: Sequence[str] = COLUMNS) -> tuple[int | str, ...]:
        return tuple(self.value(c) for c in columns)


_FIELDS: dict[str, str] = {
    "No.": "no", "評価書": "report", "項目": "item", "引用": "quote", "区分": "category", "意見・質問": "text",
    "委員": "author", "所管課の回答": "answer", "ID": "id", "関連": "related", REVISED_COLUMN: "revised",
    CHECK_COLUMN: "check",
}


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


def _two_authors(items: Iterable[Annotation]) -> list[Annotation]:
    """Up to two comments of different authors: enough to find, for anyone, someone else."""
    reps: list[Annotation] = []
    for a in items:
        if all(r.author != a.author for r in reps):
            reps.append(a)
            if len(reps) == 2:
                break
    return reps


def _contained_quotes(quotes: Sequence[str]) -> list[set[int]]:
    """For each quote, the indexes of the longest other quotes ending at each of its positions.

    Aho–Corasick over the (distinct) quotes; each quote is scanned once, and at every position only the
    longest proper match is kept. Every containment is reachable by a chain of these (a shorter match at the
    same position is a suffix of the longest one), so this is a transitive reduction of "contains", found in
    time linear in the total length of the quotes.
    """
    goto: list[dict[str, int]] = [{}]
    pattern_at: list[int] = [-1]  # the quote ending exactly at this state, or -1
    for index, quote in enumerate(quotes):
        state = 0
        for ch in quote:
            nxt = goto[state].get(ch)
            if nxt is None:
                nxt = len(goto)
                goto[state][ch] = nxt
                goto.append({})
                pattern_at.append(-1)
            state = nxt
        pattern_at[state] = index
    fail = [0] * len(goto)
    # The longest quote that is a proper suffix of the state's string (-1: none).
    suffix_quote = [-1] * len(goto)
    queue = list(goto[0].values())
    head = 0
    while head < len(queue):
        state = queue[head]
        head += 1
        for ch, nxt in goto[state].items():
            f = fail[state]
            while f and ch not in goto[f]:
                f = fail[f]
            target = goto[f].get(ch, 0)
            fail[nxt] = target if target != nxt else 0
            suffix_quote[nxt] = pattern_at[fail[nxt]] if pattern_at[fail[nxt]] >= 0 else suffix_quote[fail[nxt]]
            queue.append(nxt)
    contained: list[set[int]] = [set() for _ in quotes]
    for index, quote in enumerate(quotes):
        state = 0
        for ch in quote:
            while state and ch not in goto[state]:
                state = fail[state]
            state = goto[state].get(ch, 0)
            found = pattern_at[state]
            if found < 0 or found == index:
                found = suffix_quote[state]
            if found >= 0 and found != index:
                contained[index].add(found)
    return contained


def related_groups(annotations: Sequence[Annotation]) -> dict[str, int]:
    """Group ids (arbitrary, > 0) of comments related to a comment of another member; others are absent.

    Related: same page, different members, and overlapping boxes or quotes (two characters or more) one
    containing the other; a group is a connected set. Comments with identical rects or identical quotes are
    interchangeable, so each such class is handled once through two representatives of different authors.
    Boxes: a sweep down each page over the distinct rects, skipping classes already joined. Quotes:
    containment found by Aho–Corasick (:func:`_contained_quotes`), then every pair of distinct quotes one
    containing the other is related once, skipping the quotes below a two-member quote already joined. The
    work is O(n log n) plus the pairs of distinct rects overlapping vertically and of distinct quotes
    containing one another on a page — both bounded by what a page can hold, not by the number of comments.
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

    def link_to_others(members: Sequence[Annotation], reps: Sequence[Annotation]) -> bool:
        linked_any = False
        for x in members:
            for r in reps:
                if r.author != x.author:
                    link(x, r)
                    linked_any = True
        return linked_any

    by_page: dict[int, list[Annotation]] = defaultdict(list)
    for a in annotations:
        by_page[a.page].append(a)
    for items in by_page.values():
        _link_boxes(items, link_to_others, find)
        _link_quotes(items, link_to_others, find)
    roots: dict[str, int] = {}
    groups: dict[str, int] = {}
    for a in annotations:
        if a.id in linked:
            groups[a.id] = roots.setdefault(find(a.id), len(roots) + 1)
    return groups


_LinkFn = Callable[[Sequence[Annotation], Sequence[Annotation]], bool]


def _link_boxes(items: Sequence[Annotation], link_to_others: _LinkFn, find: Callable[[str], str]) -> None:
    """Link comments of one page whose rects overlap (see :func:`_boxes_overlap`)."""
    by_rects: dict[tuple[Rect, ...], list[Annotation]] = defaultdict(list)
    for a in items:
        if a.rects:
            by_rects[tuple(tuple(round(v, 2) for v in r) for r in a.rects)].append(a)  # type: ignore[misc]
    classes = list(by_rects.values())
    reps = [_two_authors(members) for members in classes]
    # A class whose members all have a partner sits in one component (two authors: among themselves;
    # one author: all linked to the same representative); two such classes already joined need no test.
    done = [link_to_others(members, two) for members, two in zip(classes, reps, strict=True)]
    # One entry per rect of each class, swept by top; a rect meets only those starting above its bottom.
    entries = sorted(((r[1], r, k) for k, members in enumerate(classes) for r in members[0].rects),
                     key=lambda e: e[0])
    tops = [e[0] for e in entries]
    for i, (_top, rect, k) in enumerate(entries):
        end = bisect_right(tops, rect[3], lo=i + 1)
        for _t, other, j in entries[i + 1:end]:
            if j == k or (done[k] and done[j] and find(classes[k][0].id) == find(classes[j][0].id)):
                continue
            if _boxes_overlap(rect, other):
                done[k] = link_to_others(classes[k], reps[j]) or done[k]
                done[j] = link_to_others(classes[j], reps[k]) or done[j]


def _link_quotes(items: Sequence[Annotation], link_to_others: _LinkFn, find: Callable[[str], str]) -> None:
    """Link comments of one page whose quotes contain one another (at least :data:`MIN_QUOTE_OVERLAP`)."""
    by_quote: dict[str, list[Annotation]] = defaultdict(list)
    for a in items:
        if len(a.quote) >= MIN_QUOTE_OVERLAP:
            by_quote[a.quote].append(a)
    if not by_quote:
        return
    quotes = sorted(by_quote, key=len)
    own = [_two_authors(by_quote[q]) for q in quotes]
    contained = _contained_quotes(quotes)
    # Every pair of quotes one containing the other: the quotes reachable from each one through the reduced
    # containment edges. Two quotes each marked only by the same member are not related; any other pair joins
    # both quotes' comments. Pairs link representatives; each quote's comments join once at the end.
    partner: list[Annotation | None] = [None] * len(quotes)
    # A quote whose representatives are all linked (two authors, or a partner found) sits in one component:
    # a pair of such quotes already joined needs nothing more.
    done = [len(reps) == 2 for reps in own]
    for i in range(len(quotes)):
        if done[i]:
            link_to_others(own[i], own[i])

    def relate(i: int, j: int) -> None:
        if len(own[i]) == 1 and len(own[j]) == 1 and own[i][0].author == own[j][0].author:
            return
        if done[i] and done[j] and find(own[i][0].id) == find(own[j][0].id):
            return
        for x in own[i]:
            other = next((r for r in own[j] if r.author != x.author), None)
            if other is not None:
                link_to_others([x], [other])
                partner[i] = partner[i] or other
                done[i] = True
        for y in own[j]:
            other = next((r for r in own[i] if r.author != y.author), None)
            if other is not None:
                link_to_others([y], [other])
                partner[j] = partner[j] or other
                done[j] = True

    for i in range(len(quotes)):
        seen: set[int] = set()
        stack = list(contained[i])
        while stack:
            j = stack.pop()
            if j not in seen:
                seen.add(j)
                relate(i, j)
                # Below a quote of two members already joined to this one, every quote is related to that
                # quote (its own walk links them), hence already joined to this one too.
                if not (len(own[j]) == 2 and done[i] and find(own[i][0].id) == find(own[j][0].id)):
                    stack.extend(contained[j])
    for i, quote in enumerate(quotes):
        link_to_others(by_quote[quote], own[i])  # the same quote by two members
        found = partner[i]
        if found is not None:
            link_to_others(by_quote[quote], [found])


def build_sheet(
    annotations: Iterable[Annotation],
    outline: Outline | None = None,
    *,
    report: int | None = None,
    include_excluded: bool = False,
    corrections: Sequence[Correction] = (),
) -> list[SheetRow]:
    """The rows of the comment sheet for the whole packet, or for report ``report`` (1-based).

    ``outline`` is the detected structure; ``corrections`` (by hand) are laid over it first. The 項目 names the
    特定個人情報ファイル where Ⅱ/Ⅲ repeat per file (「Ⅲ（住民基本台帳ファイル） 2. リスク2」)."""
    items = [a for a in annotations if include_excluded or not a.excluded]
    if outline is not None and corrections:
        outline = apply_corrections(outline, corrections)
    items = place(items, outline) if outline is not None else items
    where: dict[str, tuple[str, str, bool]] = {}
    if outline is not None:
        # only a report with several 特定個人情報ファイル needs the file named to tell its Ⅲ apart
        several = [len({n.file for n in d.nodes if n.file}) > 1 for d in outline.documents]
        for a in items:
            location = outline.locate(a.page, a.top)
            nodes = [n for n in (location.chapter, location.section, location.leaf) if n is not None]
            judged = next((n for n in reversed(nodes) if n.judgement), None)
            with_file = location.document_index is not None and several[location.document_index]
            where[a.id] = (
                location.item_label(with_file=with_file),
                (judged.judgement or "") if judged is not None else "",
                any(n.corrected for n in nodes),
            )
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
        item, judgement, corrected = where.get(a.id, (a.item_label, "", False))
        rows.append(SheetRow(
            no=no, report=a.document_title, page_label=a.page_label, item=item, quote=a.quote,
            category=a.category, text=a.sheet_text if a.sheet_text is not None else a.text, author=a.author,
            related=f"関連{number}" if number is not None else "", answer=a.answer or "", id=a.id,
            group=number, page=a.page, judgement=judgement, corrected=corrected,
        ))
    return rows
