"""Search results: the hits of one query (exact count, section of each hit, geometry and snippets on demand),
their grouping by report and section, and comment hits."""

from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from reviewer.search.extract import SNIPPET_CONTEXT, PageText, Rect, _display
from reviewer.text import find_all, normalize, normalize_query

if TYPE_CHECKING:
    from reviewer.annotations import Annotation
    from reviewer.search.index import SearchIndex
    from reviewer.structure.model import Node, Outline


class _PageLoader:
    """Gives the hits of one page that page's :class:`PageText` when they first need it: from the
    owning :class:`HitList` (which keeps a few recent pages) or read once from the index."""

    __slots__ = ("_fetch", "_keep", "_page", "_text")

    def __init__(self, fetch: Callable[[int], PageText], page: int, keep: bool = True) -> None:
        self._fetch = fetch
        self._page = page
        self._keep = keep
        self._text: PageText | None = None

    def get(self) -> PageText:
        if self._text is not None:
            return self._text
        text = self._fetch(self._page)
        if self._keep:
            self._text = text
        return text


class PageHit:
    """One occurrence on a page. ``start``/``end`` index the page's normalised text.

    ``rects`` (PDF page space, one per line run) and the snippet parts ``before``/``match``/``after``
    (from the original text) are read from the index on first access and cached, so a query with
    thousands of hits returns at once and a list view pays only for the rows it shows. Use them on
    the thread that owns the :class:`SearchIndex`, before closing it.
    """

    __slots__ = (
        "_loader", "_parts", "_rects", "document_index", "document_title", "end", "page", "page_label",
        "section", "start", "top",
    )

    def __init__(
        self, loader: _PageLoader, page: int, start: int, end: int, top: float, page_label: str = "",
        rects: list[Rect] | None = None,
    ) -> None:
        self._loader = loader
        self.page = page
        self.start = start
        self.end = end
        self.top = top  # the top of the line the hit starts on (outline placement, scrolling)
        self.page_label = page_label
        self.section = ""
        self.document_index: int | None = None
        self.document_title = ""
        self._rects: list[Rect] | None = rects
        self._parts: tuple[str, str, str] | None = None

    def load(self) -> None:
        """Compute the rects and the snippet now (see :meth:`SearchIndex.search` ``eager``)."""
        _ = self.rects, self.parts

    @property
    def rects(self) -> list[Rect]:
        if self._rects is None:
            self._rects = self._loader.get().rects(self.start, self.end)
        return self._rects

    @property
    def parts(self) -> tuple[str, str, str]:
        """``(before, match, after)``: about 20 characters either side of the hit as printed."""
        if self._parts is None:
            self._parts = self._loader.get().snippet(self.start, self.end)
        return self._parts

    @property
    def before(self) -> str:
        return self.parts[0]

    @property
    def match(self) -> str:
        return self.parts[1]

    @property
    def after(self) -> str:
        return self.parts[2]

    @property
    def snippet(self) -> str:
        before, match, after = self.parts
        return f"{before}【{match}】{after}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PageHit):
            return NotImplemented
        return (self.page, self.start, self.end) == (other.page, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.page, self.start, self.end))

    def __repr__(self) -> str:
        return f"PageHit(page={self.page}, start={self.start}, end={self.end}, section={self.section!r})"

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "page_label": self.page_label,
            "section": self.section,
            "document": self.document_title,
            "rects": [[round(v, 2) for v in r] for r in self.rects],
            "snippet": self.snippet,
        }


@dataclass(slots=True)
class CommentHit:
    """A comment whose ``field`` (``text``, ``quote`` or ``author``) contains the query."""

    annotation_id: str
    field: str
    occurrences: int
    before: str
    match: str
    after: str
    page: int
    page_label: str
    author: str
    origin: str

    @property
    def snippet(self) -> str:
        return f"{self.before}【{self.match}】{self.after}"


@dataclass(slots=True)
class HitGroup:
    """Consecutive hits in one report (document) and section, as the search panel lists them."""

    document_index: int | None
    document_title: str
    section: str
    hits: list[PageHit]


def group_hits(hits: Iterable[PageHit]) -> list[HitGroup]:
    """Group hits (in page order) by report and section, keeping their order."""
    groups: list[HitGroup] = []
    for hit in hits:
        last = groups[-1] if groups else None
        if last is None or (last.document_index, last.section) != (hit.document_index, hit.section):
            last = HitGroup(hit.document_index, hit.document_title, hit.section, [])
            groups.append(last)
        last.hits.append(hit)
    return groups


# --------------------------------------------------------------------------------------------------
# All hits of a query, geometry per page on demand

Place = tuple[int | None, str, str]  # (document_index, document_title, section label)
_NOWHERE: Place = (None, "", "")
PAGE_TEXT_CACHE = 24  # page texts a HitList keeps (the pages of the rows and highlights shown last)


class _Placer:
    """Section placement of hits, as :meth:`Outline.locate` answers it but in O(log n): per document the
    chapter/section/leaf state after each heading is precomputed, answers are memoised per (page, headings
    above the point), and the distinct places are numbered so that a hit's place is one small integer.
    One placer serves every query on the same outline (:meth:`SearchIndex.find` keeps it)."""

    def __init__(self, outline: Outline | None) -> None:
        from reviewer.structure.model import KIND_DEPTH

        self.outline = outline
        self.places: list[Place] = []
        self._ids: dict[Place, int] = {}
        self._memo: dict[tuple[int, int], int] = {}
        self._doc_of_page: dict[int, int | None] = {}
        self.heading_ys: dict[int, list[float]] = {}
        # per document: non-decreasing prefix maxima of the heading keys, and the state after k headings
        self._keys: list[list[tuple[int, float]]] = []
        self._states: list[list[tuple[Node | None, Node | None, Node | None]]] = []
        if outline is None:
            return
        for document in outline.documents:
            keys: list[tuple[int, float]] = []
            states: list[tuple[Node | None, Node | None, Node | None]] = [(None, None, None)]
            chapter = section = leaf = None
            for node in document.nodes:
                self.heading_ys.setdefault(node.page, []).append(node.y)
                key = (node.page, node.y)
                keys.append(max(keys[-1], key) if keys else key)
                depth = KIND_DEPTH.get(node.kind, 2)
                if depth == 0:
                    chapter, section, leaf = node, None, None
                elif depth == 1:
                    section, leaf = node, None
                else:
                    leaf = node
                states.append((chapter, section, leaf))
            self._keys.append(keys)
            self._states.append(states)
        for ys in self.heading_ys.values():
            ys.sort()

    def _locate(self, page: int, y: float) -> Place:
        from reviewer.structure.model import Location

        outline = self.outline
        if outline is None:
            return _NOWHERE
        if page not in self._doc_of_page:
            self._doc_of_page[page] = outline.document_at(page)
        doc_index = self._doc_of_page[page]
        if doc_index is None:
            return _NOWHERE
        # Outline.locate applies the headings up to the first one after (page, y + 0.5).
        k = bisect.bisect_right(self._keys[doc_index], (page, y + 0.5))
        chapter, section, leaf = self._states[doc_index][k]
        title = outline.documents[doc_index].title
        location = Location(doc_index, title, chapter, section, leaf)
        return (doc_index, title, location.section_label())

    def place(self, page: int, y: float, ys: Sequence[float] = ()) -> int:
        """The place id of point ``y`` on ``page`` (``ys``: the page's heading tops, if any)."""
        # Headings at or above y + 0.5 own the point (see Outline.locate); bucket by how many there are.
        key = (page, bisect.bisect_right(ys, y + 0.5) if ys else 0)
        found = self._memo.get(key)
        if found is None:
            place = self._locate(page, y)
            found = self._ids.get(place)
            if found is None:
                found = self._ids[place] = len(self.places)
                self.places.append(place)
            self._memo[key] = found
        return found


@dataclass(slots=True)
class SectionRows:
    """One section's hits as the panel lists them: runs ``[start, stop)`` of hit numbers, ascending."""

    section: str
    runs: list[tuple[int, int]] = field(default_factory=list)
    count: int = 0
    _offsets: list[int] = field(default_factory=list)

    def add(self, start: int, stop: int) -> None:
        if self.runs and self.runs[-1][1] == start:
            self.runs[-1] = (self.runs[-1][0], stop)
        else:
            self._offsets.append(self.count)
            self.runs.append((start, stop))
        self.count += stop - start

    def hit_at(self, row: int) -> int:
        """The hit number of row ``row`` of this section."""
        k = bisect.bisect_right(self._offsets, row) - 1
        return self.runs[k][0] + row - self._offsets[k]

    def row_of(self, number: int) -> int:
        """The row of hit ``number`` in this section, or -1."""
        k = bisect.bisect_right(self.runs, (number, float("inf"))) - 1
        if k >= 0 and self.runs[k][0] <= number < self.runs[k][1]:
            return self._offsets[k] + number - self.runs[k][0]
        return -1


@dataclass(slots=True)
class ReportRows:
    """One report's (document's) hits, by section, in the panel's order (first appearance)."""

    document_index: int | None
    document_title: str
    sections: list[SectionRows] = field(default_factory=list)
    count: int = 0


class HitList(Sequence[PageHit]):
    """Every occurrence of a query (:meth:`SearchIndex.find`): exact count, page order, section of each
    hit, and everything else on demand.

    Finding stores only, per page with hits, the hit offsets, and per run of hits in one section that
    section; a :class:`PageHit` is made when it is first indexed. The highlight rects of a page's hits
    (:meth:`page_rects`) and a hit's snippet are computed from that page's text when first asked for,
    so showing a query with thousands of hits costs only the pages and rows on screen. Use it on one
    thread at a time (page texts are read through the index's locked connection).
    """

    def __init__(
        self, index: SearchIndex | None, sha256: str, query_length: int, pages: list[int],
        positions: list[list[int]], run_starts: list[int], run_places: list[int], places: list[Place],
        labels: Sequence[str] = (), line_starts: Sequence[array[int]] = (),
        line_tops: Sequence[array[float]] = (),
    ) -> None:
        self._index = index
        self.sha256 = sha256
        self.query_length = query_length
        self._pages = pages
        self._positions = positions
        self._first: list[int] = []
        total = 0
        for found in positions:
            self._first.append(total)
            total += len(found)
        self._total = total
        self._page_slot = {page: k for k, page in enumerate(pages)}
        self._run_starts = run_starts
        self._run_places = run_places
        self.places = places
        self._labels = labels
        self._line_starts = line_starts
        self._line_tops = line_tops
        self._hits: dict[int, PageHit] = {}
        self._loaders: dict[int, _PageLoader] = {}
        self._texts: OrderedDict[int, PageText] = OrderedDict()
        self._rects: dict[int, list[list[Rect]]] = {}  # page -> rects of each hit on it
        self._flat: dict[int, list[Rect]] = {}  # page -> page_rects(page)
        self._lock = threading.RLock()

    @classmethod
    def empty(cls) -> HitList:
        return cls(None, "", 0, [], [], [], [], [])

    # --- the sequence ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._total

    @property
    def total(self) -> int:
        """The exact number of hits (``len()``)."""
        return self._total

    def __bool__(self) -> bool:
        return self._total > 0

    def _locate(self, number: int) -> tuple[int, int]:
        """(slot of the page in ``_pages``, offset of the hit in that page's positions)."""
        if not 0 <= number < self._total:
            raise IndexError(number)
        slot = bisect.bisect_right(self._first, number) - 1
        return slot, number - self._first[slot]

    @overload
    def __getitem__(self, number: int) -> PageHit: ...

    @overload
    def __getitem__(self, number: slice) -> list[PageHit]: ...

    def __getitem__(self, number: int | slice) -> PageHit | list[PageHit]:
        if isinstance(number, slice):
            return [self[k] for k in range(*number.indices(self._total))]
        if number < 0:
            number += self._total
        hit = self._hits.get(number)
        if hit is not None:
            return hit
        slot, offset = self._locate(number)
        page = self._pages[slot]
        pos = self._positions[slot][offset]
        top = 0.0
        if page < len(self._line_starts):
            line = bisect.bisect_right(self._line_starts[page], pos) - 1
            top = float(self._line_tops[page][line]) if line >= 0 else 0.0
        label = self._labels[page] if page < len(self._labels) else str(page + 1)
        page_rects = self._rects.get(page)
        hit = PageHit(self._loader(page), page, pos, pos + self.query_length, top, label,
                      rects=page_rects[offset] if page_rects is not None else None)
        hit.document_index, hit.document_title, hit.section = self.place(number)
        self._hits[number] = hit
        return hit

    def __iter__(self) -> Iterator[PageHit]:
        for number in range(self._total):
            yield self[number]

    def page_of(self, number: int) -> int:
        """The page of hit ``number`` (without making the hit)."""
        return self._pages[self._locate(number)[0]]

    def place(self, number: int) -> Place:
        """(document_index, document_title, section) of hit ``number``."""
        if not 0 <= number < self._total:
            raise IndexError(number)
        return self.places[self._run_places[bisect.bisect_right(self._run_starts, number) - 1]]

    def pages(self) -> list[int]:
        """The pages with hits, ascending."""
        return list(self._pages)

    def first_on_or_after(self, page: int) -> int:
        """The number of the first hit on ``page`` or later (``len(self)`` when none)."""
        slot = bisect.bisect_left(self._pages, page)
        return self._first[slot] if slot < len(self._pages) else self._total

    def pages_near(self, page: int, before: int = 2, after: int = 4) -> list[int]:
        """The pages with hits in ``[page - before, page + after]``."""
        lo = bisect.bisect_left(self._pages, page - before)
        hi = bisect.bisect_right(self._pages, page + after)
        return self._pages[lo:hi]

    # --- page texts and geometry ----------------------------------------------------------------

    def _text(self, page: int) -> PageText:
        with self._lock:
            text = self._texts.get(page)
            if text is not None:
                self._texts.move_to_end(page)
                return text
            if self._index is None:
                raise KeyError(f"page {page} has no hits")
            text = self._index.load_page(self.sha256, page)
            self._texts[page] = text
            if len(self._texts) > PAGE_TEXT_CACHE:
                self._texts.popitem(last=False)
            return text

    def _loader(self, page: int) -> _PageLoader:
        loader = self._loaders.get(page)
        if loader is None:
            loader = self._loaders[page] = _PageLoader(self._text, page, keep=False)
        return loader

    def _hit_rects(self, page: int) -> list[list[Rect]]:
        """The rects of each hit on ``page`` (computed once per page; at least one rect per hit)."""
        with self._lock:
            cached = self._rects.get(page)
            if cached is not None:
                return cached
            slot = self._page_slot.get(page)
            if slot is None:
                return []
            text = self._text(page)
            length = self.query_length
            rects: list[list[Rect]] = []
            for pos in self._positions[slot]:
                found = text.rects(pos, pos + length)
                rects.append(found or [(0.0, 0.0, 0.0, 0.0)])
            self._rects[page] = rects
            first = self._first[slot]
            for offset, hit_rects in enumerate(rects):
                hit = self._hits.get(first + offset)
                if hit is not None and hit._rects is None:
                    hit._rects = hit_rects
            return rects

    def page_rects(self, page: int) -> list[Rect]:
        """Every highlight rect on ``page``, hit after hit (a hit broken over two lines has two). The list is
        shared: do not modify it."""
        flat = self._flat.get(page)
        if flat is None:
            flat = [rect for hit_rects in self._hit_rects(page) for rect in hit_rects]
            if page in self._rects:
                self._flat[page] = flat
        return flat

    def has_page_rects(self, page: int) -> bool:
        return page in self._rects

    def computed_rects(self) -> dict[int, list[Rect]]:
        """``{page: rects}`` for the pages whose rects have been computed so far."""
        with self._lock:
            pages = list(self._rects)
        return {page: self.page_rects(page) for page in pages}

    def all_rects(self) -> dict[int, list[Rect]]:
        """``{page: rects}`` for every page with hits (computes what is missing)."""
        return {page: self.page_rects(page) for page in self._pages}

    def rect_span(self, number: int) -> tuple[int, int, int]:
        """(page, index of hit ``number``'s first rect in :meth:`page_rects` of that page, how many rects it has: a
        hit broken across lines has one per line)."""
        slot, offset = self._locate(number)
        rects = self._hit_rects(self._pages[slot])
        return self._pages[slot], sum(len(r) for r in rects[:offset]), len(rects[offset])

    def hit_bounds(self, number: int) -> Rect:
        """The bounding box of hit ``number``'s rects."""
        slot, offset = self._locate(number)
        rects = self._hit_rects(self._pages[slot])[offset]
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))

    def prefetch(self, pages: Iterable[int] = (), rows: int = 0) -> None:
        """Compute now the rects of ``pages`` and the snippets of the first ``rows`` hits (in the
        thread that found them, so that the GUI thread has nothing left to read for the first view)."""
        for page in pages:
            self._hit_rects(page)
        for number in range(min(rows, self._total)):
            _ = self[number].parts

    # --- grouping ---------------------------------------------------------------------------------

    def report_rows(self) -> list[ReportRows]:
        """The hits grouped by report, then section (both in order of first appearance)."""
        reports: dict[tuple[int | None, str], ReportRows] = {}
        sections: dict[Place, SectionRows] = {}
        for k, start in enumerate(self._run_starts):
            stop = self._run_starts[k + 1] if k + 1 < len(self._run_starts) else self._total
            place = self.places[self._run_places[k]]
            doc_index, title, section = place
            report = reports.get((doc_index, title))
            if report is None:
                report = reports[(doc_index, title)] = ReportRows(doc_index, title)
            rows = sections.get(place)
            if rows is None:
                rows = sections[place] = SectionRows(section)
                report.sections.append(rows)
            rows.add(start, stop)
            report.count += stop - start
        return list(reports.values())


# --------------------------------------------------------------------------------------------------
# Comments


def _field_hits(value: str, q: str, kana: bool) -> tuple[int, tuple[str, str, str]] | None:
    norm = normalize(value, kana)
    positions = find_all(norm.text, q)
    if not positions:
        return None
    s0, s1 = norm.source_span(positions[0], positions[0] + len(q))
    hit = value[s0:s1].rstrip()
    s1 = s0 + len(hit)
    before = value[max(0, s0 - SNIPPET_CONTEXT):s0]
    after = value[s1:s1 + SNIPPET_CONTEXT]
    return len(positions), _display(before, hit, after)


def search_comments(annotations: Sequence[Annotation], query: str, kana: bool = False) -> list[CommentHit]:
    """Comments (own and imported) whose text, quote or author contains ``query``, one hit per field."""
    q = normalize_query(query, kana)
    if not q:
        return []
    hits: list[CommentHit] = []
    for ann in annotations:
        for name in ("text", "quote", "author"):
            value = getattr(ann, name) or ""
            found = _field_hits(value, q, kana)
            if found is None:
                continue
            occurrences, (before, match, after) = found
            hits.append(CommentHit(
                annotation_id=ann.id, field=name, occurrences=occurrences, before=before, match=match,
                after=after, page=ann.page, page_label=ann.page_label, author=ann.author, origin=ann.origin,
            ))
    return hits
