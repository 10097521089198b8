"""Full-text search over a packet: a cached per-page index (SQLite FTS5 trigram via APSW) and queries.

Every page's text is read once (:meth:`Packet.page_lines`, text-layer order, so the wrapped lines of a
table cell stay together), normalised with :mod:`reviewer.text` and stored with, per normalised
character, its source offset and its box on the page. A hit ``[start, end)`` in the normalised text is
therefore found whatever the PDF's width, case or line breaks, and maps back to exact rectangles for
highlighting and to the original text for the snippet.

Queries of three or more normalised characters select candidate pages with an FTS5 ``trigram``
phrase match, then find exact positions with ``str.find``; shorter queries (委託 is two characters)
scan the cached normalised text of every page in Python. The index lives in its own database file
(a cache keyed by the file's SHA-256), ``data_dir(profile)/search-index.db``.

:meth:`SearchIndex.find` returns a :class:`HitList`: every hit's page, offset and section (so the count is
exact), everything else on demand — the highlight rects per page (:meth:`HitList.page_rects`) and a hit's
snippet are computed from that page's stored text when first asked for, so a query with thousands of hits
costs what the screen shows (:func:`prepare_panel` is the search panel's share). :meth:`SearchIndex.search`
gives the same hits as a list of :class:`PageHit` (the CLI's JSON computes all their rects).

Threads: a :class:`SearchIndex` owns one connection; use one per thread (WAL lets a reader search
while another thread builds). :meth:`SearchIndex.build` reads a :class:`Packet`, which belongs to
the calling thread.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
import statistics
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import apsw

from reviewer.document import Packet, TextChar, TextLine
from reviewer.errors import ReviewerError
from reviewer.text import find_all, fold_kana, normalize, normalize_query, source_span

if TYPE_CHECKING:
    from reviewer.annotations import Annotation
    from reviewer.structure.model import Node, Outline

log = logging.getLogger("reviewer.search")

Rect = tuple[float, float, float, float]
ConnectionFactory = Callable[[Path], apsw.Connection]
ProgressCallback = Callable[[int, int], None]

INDEX_FILE = "search-index.db"
# Bump INDEX_VERSION whenever page text extraction or normalisation changes: packets indexed with
# another version are rebuilt. SCHEMA_VERSION is the database layout (PRAGMA user_version).
INDEX_VERSION = 1
SCHEMA_VERSION = 1
SNIPPET_CONTEXT = 20
MIN_FTS_QUERY = 3  # the trigram tokenizer cannot match fewer characters
_CHUNK_PAGES = 32  # pages written per transaction while building

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE packets (
        sha256 TEXT PRIMARY KEY,
        file_name TEXT NOT NULL,
        page_count INTEGER NOT NULL,
        page_labels TEXT NOT NULL,
        built_at TEXT NOT NULL,
        version INTEGER NOT NULL
    );
    CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        page INTEGER NOT NULL,
        source TEXT NOT NULL,
        norm TEXT NOT NULL,
        starts BLOB NOT NULL,
        boxes BLOB NOT NULL,
        line_starts BLOB NOT NULL,
        line_tops BLOB NOT NULL,
        UNIQUE (sha256, page)
    );
    CREATE VIRTUAL TABLE page_fts USING fts5(
        body, content='', contentless_delete=1, tokenize='trigram case_sensitive 1'
    );
    """,
}


# --------------------------------------------------------------------------------------------------
# Page search text


@dataclass(slots=True)
class PageText:
    """One page's searchable text.

    ``source`` is the text layer's lines joined by ``\\n``; ``norm`` its normalisation (kana not
    folded); ``starts[k]`` the source index behind ``norm[k]``; ``boxes`` four floats
    (x0, y0, x1, y1) per normalised character; ``line_starts``/``line_tops`` the normalised offset
    and top of each text line (kept in memory for all pages to place hits in the outline cheaply).
    """

    page: int
    source: str
    norm: str
    starts: array[int]
    boxes: array[float]
    line_starts: array[int]
    line_tops: array[float]

    def box(self, k: int) -> Rect:
        b = self.boxes
        return (b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3])

    def rects(self, start: int, end: int) -> list[Rect]:
        """The boxes of normalised ``[start, end)`` merged per visual line (horizontal or vertical)."""
        return merge_boxes(self.box(k) for k in range(start, end))

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


def _near(a: Rect, b: Rect, tolerance: float) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def _overprinted(previous: TextChar, ch: TextChar) -> bool:
    """The same glyph drawn again almost on top of the last one (fake bold)."""
    if ch.c != previous.c:
        return False
    width = previous.bbox[2] - previous.bbox[0]
    return _near(previous.bbox, ch.bbox, max(0.3 * width, 0.2))


def _distinct_lines(lines: Iterable[TextLine]) -> Iterator[TextLine]:
    """The text lines minus repeats drawn over themselves.

    Excel and some PDF printers make bold or shadowed text by drawing a line twice, offset by a
    fraction of a point; counting both would double every hit in a heading.
    """
    seen: dict[str, list[Rect]] = {}
    for line in lines:
        boxes = seen.setdefault(line.text, [])
        tolerance = max(1.0, 0.3 * line.size)
        if any(_near(box, line.bbox, tolerance) for box in boxes):
            continue
        boxes.append(line.bbox)
        yield line


def extract_page(packet: Packet, index: int) -> PageText:
    """Read page ``index`` of ``packet`` into a :class:`PageText`."""
    parts: list[str] = []
    char_boxes: list[Rect | None] = []
    line_src: list[int] = []
    line_tops = array("f")
    src_len = 0
    try:
        lines = packet.page_lines(index)
    except Exception as exc:  # a damaged page (cycle in the page tree, missing object) indexes as empty
        log.warning("page %d of %s unreadable for search: %s", index, packet.name, type(exc).__name__)
        lines = []
    for line in _distinct_lines(lines):
        if line_src:
            parts.append("\n")
            char_boxes.append(None)
            src_len += 1
        line_src.append(src_len)
        line_tops.append(line.bbox[1])
        previous: TextChar | None = None
        for ch in line.chars:
            if previous is not None and _overprinted(previous, ch):
                continue
            previous = ch
            parts.append(ch.c)
            char_boxes.extend([ch.bbox] * len(ch.c))
            src_len += len(ch.c)
    source = "".join(parts)
    result = normalize(source)
    starts = result.starts
    n = len(starts)
    boxes = array("f")
    bounds = starts[1:] + [len(source)]
    zero = (0.0, 0.0, 0.0, 0.0)
    for k in range(n):
        s, nxt = starts[k], bounds[k]
        if nxt == s + 1:  # the common case: one source char, one normalised char
            boxes.extend(char_boxes[s] or zero)
            continue
        # A cluster (combining marks, an expansion like ㈱, or dropped whitespace after it): the
        # union of its visible source characters' boxes.
        j = k
        while j < n and starts[j] == s:
            j += 1
        end = starts[j] if j < n else len(source)
        box = char_boxes[s] or zero
        for t in range(s + 1, end):
            other = char_boxes[t]
            if other is not None and not source[t].isspace():
                box = _union(box, other)
        boxes.extend(box)
    line_starts = array("I", (bisect.bisect_left(starts, offset) for offset in line_src))
    return PageText(index, source, result.text, array("I", starts), boxes, line_starts, line_tops)


def _page_from_row(row: Sequence[object]) -> PageText:
    page, source, norm, starts, boxes, line_starts, line_tops = row
    return PageText(
        _int(page), str(source), str(norm), _unpack("I", _bytes(starts)), _unpack("f", _bytes(boxes)),
        _unpack("I", _bytes(line_starts)), _unpack("f", _bytes(line_tops)),
    )


def _pack(values: array[Any]) -> bytes:
    return values.tobytes()


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an integer column, got {type(value).__name__}")
    return value


def _bytes(value: object) -> bytes:
    if not isinstance(value, bytes):
        raise TypeError(f"expected a blob column, got {type(value).__name__}")
    return value


def _unpack(typecode: str, blob: bytes) -> array[Any]:
    values = array(typecode)
    values.frombytes(blob)
    return values


# --------------------------------------------------------------------------------------------------
# Results


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
class _Cached:
    norms: list[str]
    line_starts: list[array[int]]
    line_tops: list[array[float]]
    folded: list[str] | None = None
    page_labels: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# The index


def default_index_path(profile: str | os.PathLike[str] | None = None) -> Path:
    from reviewer.paths import data_dir

    return data_dir(profile) / INDEX_FILE


def _plain_connection(path: Path) -> apsw.Connection:
    return apsw.Connection(str(path))


class SearchIndex:
    """The search cache database. All SQL of the search feature goes through this class.

    Args:
        path: the database file (default ``data_dir()/search-index.db``).
        connection_factory: opens the connection (e.g. the store's encrypted ``open_connection``).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        connection_factory: ConnectionFactory | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Hits read their geometry lazily, possibly from another thread than the one that searched:
        # every use of the connection holds this lock (APSW refuses concurrent use of one connection).
        self._lock = threading.RLock()
        self._cache: dict[str, _Cached] = {}
        self._placers: dict[int, _Placer] = {}
        try:
            self.conn = (connection_factory or _plain_connection)(self.path)
            self.conn.setbusytimeout(5000)
            if self._user_version() == 0:
                # Must precede WAL and the first table; lets prune() give space back to the disk.
                self._rows("PRAGMA auto_vacuum=INCREMENTAL")
            self._rows("PRAGMA journal_mode=WAL")
            self._migrate()
        except apsw.Error as exc:
            raise ReviewerError(
                f"検索索引を開けません: {self.path}", f"cannot open search index {self.path}: {exc}"
            ) from exc

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement under the connection lock and fetch all rows."""
        with self._lock:
            return list(self.conn.execute(sql, params).fetchall())

    @contextmanager
    def _transaction(self) -> Iterator[apsw.Connection]:
        """The connection, locked, inside one transaction."""
        with self._lock, self.conn:
            yield self.conn

    def _user_version(self) -> int:
        return _int(self._rows("PRAGMA user_version")[0][0])

    def _migrate(self) -> None:
        version = self._user_version()
        if version > SCHEMA_VERSION:
            # A cache written by a newer app: it is only a cache, so start again rather than fail.
            log.warning("search index %s has schema %d > %d; recreating", self.path, version, SCHEMA_VERSION)
            with self._transaction() as conn:
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_schema WHERE type='table' AND name IN ('packets','pages','page_fts')"
                ).fetchall():
                    conn.execute(f'DROP TABLE IF EXISTS "{name}"')
                conn.execute("PRAGMA user_version=0")
            version = 0
        with self._transaction() as conn:
            for target in range(version + 1, SCHEMA_VERSION + 1):
                conn.execute(_MIGRATIONS[target])
                conn.execute(f"PRAGMA user_version={target}")

    # --- building ---------------------------------------------------------------------------------

    def is_built(self, sha256: str) -> bool:
        row = self._rows("SELECT version FROM packets WHERE sha256=?", (sha256,))
        return bool(row) and _int(row[0][0]) == INDEX_VERSION

    def build(
        self,
        packet: Packet,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
        force: bool = False,
    ) -> bool:
        """Index every page of ``packet`` unless it is already indexed (by SHA-256 and version).

        ``progress(done, total)`` is called after each page; ``cancelled()`` is polled between pages.
        Returns True when the index is complete, False when cancelled (nothing partial is kept).
        """
        sha = packet.sha256
        total = packet.page_count
        if not force and self.is_built(sha):
            if progress:
                progress(total, total)
            return True
        self.forget(sha)
        started = time.perf_counter()
        batch: list[PageText] = []
        for index in range(total):
            if cancelled is not None and cancelled():
                self.forget(sha)
                log.info("indexing %s cancelled at page %d", packet.name, index)
                return False
            batch.append(extract_page(packet, index))
            if len(batch) >= _CHUNK_PAGES:
                self._write_pages(sha, batch)
                batch = []
            if progress:
                progress(index + 1, total)
        self._write_pages(sha, batch)
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO packets(sha256, file_name, page_count, page_labels, built_at, version)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (sha, packet.name, total, json.dumps(list(packet.page_labels), ensure_ascii=False),
                 datetime.now(UTC).isoformat(timespec="seconds"), INDEX_VERSION),
            )
        log.info("indexed %s: %d pages in %.2f s", packet.name, total, time.perf_counter() - started)
        return True

    def _write_pages(self, sha: str, pages: Sequence[PageText]) -> None:
        if not pages:
            return
        with self._transaction() as conn:
            for p in pages:
                conn.execute(
                    "INSERT INTO pages(sha256, page, source, norm, starts, boxes, line_starts, line_tops)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (sha, p.page, p.source, p.norm, _pack(p.starts), _pack(p.boxes), _pack(p.line_starts),
                     _pack(p.line_tops)),
                )
                rowid = conn.last_insert_rowid()
                conn.execute("INSERT INTO page_fts(rowid, body) VALUES (?, ?)", (rowid, fold_kana(p.norm)))

    def forget(self, sha256: str) -> None:
        """Drop a packet from the index."""
        self._cache.pop(sha256, None)
        with self._transaction() as conn:
            conn.execute("DELETE FROM page_fts WHERE rowid IN (SELECT id FROM pages WHERE sha256=?)", (sha256,))
            conn.execute("DELETE FROM pages WHERE sha256=?", (sha256,))
            conn.execute("DELETE FROM packets WHERE sha256=?", (sha256,))

    def prune(self, keep: int = 10) -> list[str]:
        """Forget all but the ``keep`` most recently built packets (about 40 KB per page each) and give
        the space back; returns the SHA-256s dropped."""
        rows = self._rows("SELECT sha256 FROM packets ORDER BY built_at DESC, rowid DESC")
        dropped = [str(r[0]) for r in rows[keep:]]
        for sha in dropped:
            self.forget(sha)
        if dropped:
            self._rows("PRAGMA incremental_vacuum")
        return dropped

    def packets(self) -> list[dict[str, Any]]:
        """What the cache holds: sha256, file_name, page_count, built_at, version."""
        rows = self._rows("SELECT sha256, file_name, page_count, built_at, version FROM packets ORDER BY built_at")
        keys = ("sha256", "file_name", "page_count", "built_at", "version")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # --- searching --------------------------------------------------------------------------------

    def page_labels(self, sha256: str) -> list[str]:
        return self._cached(sha256).page_labels

    def pages_without_text(self, sha256: str) -> list[int]:
        """Pages with no searchable text (scans, images): the panel can say they were not searched."""
        return [page for page, text in enumerate(self._cached(sha256).norms) if not text]

    def _cached(self, sha: str) -> _Cached:
        cached = self._cache.get(sha)
        if cached is None:
            labels_row = self._rows("SELECT page_labels FROM packets WHERE sha256=?", (sha,))
            if not labels_row:
                raise ReviewerError("この資料はまだ検索用に索引付けされていません。", f"{sha} is not indexed")
            rows = self._rows("SELECT norm, line_starts, line_tops FROM pages WHERE sha256=? ORDER BY page", (sha,))
            cached = _Cached(
                norms=[str(r[0]) for r in rows],
                line_starts=[_unpack("I", _bytes(r[1])) for r in rows],
                line_tops=[_unpack("f", _bytes(r[2])) for r in rows],
                page_labels=list(json.loads(str(labels_row[0][0]))),
            )
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[sha] = cached
        return cached

    def load_page(self, sha256: str, page: int) -> PageText:
        row = self._rows(
            "SELECT page, source, norm, starts, boxes, line_starts, line_tops FROM pages"
            " WHERE sha256=? AND page=?",
            (sha256, page),
        )
        if not row:
            raise KeyError(f"page {page} of {sha256} not indexed")
        return _page_from_row(row[0])

    def _texts(self, sha256: str, kana: bool) -> list[str]:
        """The normalised text of every page (kana-folded when asked), kept in memory."""
        cached = self._cached(sha256)
        if not kana:
            return cached.norms
        if cached.folded is None:
            cached.folded = [fold_kana(t) for t in cached.norms]
        return cached.folded

    def load_pages(self, sha256: str, pages: Sequence[int]) -> list[PageText]:
        """Several pages in one statement, in page order."""
        if not pages:
            return []
        rows = self._rows(
            "SELECT page, source, norm, starts, boxes, line_starts, line_tops FROM pages"
            " WHERE sha256=? AND page IN (SELECT value FROM json_each(?)) ORDER BY page",
            (sha256, json.dumps(list(pages))),
        )
        return [_page_from_row(row) for row in rows]

    def candidate_pages(self, sha256: str, query: str, kana: bool = False) -> list[int]:
        """Pages whose text contains the normalised ``query`` (every page is checked exactly)."""
        q = normalize_query(query, kana)
        return self._candidates(sha256, q, kana) if q else []

    def _candidates(self, sha256: str, q: str, kana: bool) -> list[int]:
        texts = self._texts(sha256, kana)
        if len(q) < MIN_FTS_QUERY:
            return [i for i, text in enumerate(texts) if q in text]
        phrase = '"' + fold_kana(q).replace('"', '""') + '"'
        rows = self._rows(
            "SELECT p.page FROM page_fts JOIN pages AS p ON p.id = page_fts.rowid"
            " WHERE page_fts MATCH ? AND p.sha256 = ? ORDER BY p.page",
            (phrase, sha256),
        )
        # The FTS body is kana-folded: confirm against the exact text (a no-op check when kana=True).
        pages = [_int(r[0]) for r in rows]
        return [page for page in pages if q in texts[page]]

    def warm(self, sha256: str, kana: bool = False, outline: Outline | None = None) -> None:
        """Load what queries on ``sha256`` need (every page's normalised text and line positions, the
        section placement of ``outline``) now, e.g. in the search thread right after the index is ready,
        so that the first query does not pay for it."""
        self._texts(sha256, kana)
        if outline is not None:
            self._placer(outline)

    def _placer(self, outline: Outline | None) -> _Placer:
        """The placer of ``outline``, kept for the next queries (the outline is held, so its id is stable)."""
        key = id(outline)
        placer = self._placers.get(key)
        if placer is None or placer.outline is not outline:
            placer = _Placer(outline)
            if len(self._placers) >= 2:
                self._placers.pop(next(iter(self._placers)))
            self._placers[key] = placer
        return placer

    def find(
        self,
        sha256: str,
        query: str,
        kana: bool = False,
        outline: Outline | None = None,
        limit: int | None = None,
    ) -> HitList:
        """Every occurrence of ``query`` in the packet as a :class:`HitList` (page order, non-overlapping
        like str.count): the exact count and each hit's section at once, rects and snippets on demand.

        Args:
            outline: gives each hit its ``section``, ``document_index`` and ``document_title``.
            limit: keep only the first ``limit`` hits.
        """
        q = normalize_query(query, kana)
        if not q:
            return HitList.empty()
        cached = self._cached(sha256)
        texts = self._texts(sha256, kana)
        pages: list[int] = []
        positions: list[list[int]] = []
        total = 0
        for page in self._candidates(sha256, q, kana):
            found = find_all(texts[page], q)
            if not found:
                continue
            if limit is not None and total + len(found) >= limit:
                found = found[:max(0, limit - total)]
                if found:
                    pages.append(page)
                    positions.append(found)
                break
            pages.append(page)
            positions.append(found)
            total += len(found)
        placer = self._placer(outline)
        run_starts: list[int] = []
        run_places: list[int] = []
        number = 0
        for page, found in zip(pages, positions, strict=True):
            ys = placer.heading_ys.get(page)
            if not ys:  # no heading on the page: one place for all its hits
                place = placer.place(page, 0.0)
                if not run_places or run_places[-1] != place:
                    run_starts.append(number)
                    run_places.append(place)
            else:
                line_starts, line_tops = cached.line_starts[page], cached.line_tops[page]
                for k, pos in enumerate(found):
                    line = bisect.bisect_right(line_starts, pos) - 1
                    place = placer.place(page, float(line_tops[line]) if line >= 0 else 0.0, ys)
                    if not run_places or run_places[-1] != place:
                        run_starts.append(number + k)
                        run_places.append(place)
            number += len(found)
        return HitList(
            self, sha256, len(q), pages, positions, run_starts, run_places, placer.places,
            cached.page_labels, cached.line_starts, cached.line_tops,
        )

    def search(
        self,
        sha256: str,
        query: str,
        kana: bool = False,
        limit: int | None = None,
        outline: Outline | None = None,
        eager: bool = False,
    ) -> list[PageHit]:
        """Every occurrence of ``query`` in the packet, in page order (non-overlapping, like str.count).

        Args:
            limit: stop after this many hits.
            outline: fills each hit's ``section``, ``document_index`` and ``document_title``.
            eager: also read every hit's rects and snippet now (in this thread) instead of on first
                access, so that later use never touches the database.
        """
        found = self.find(sha256, query, kana, outline, limit)
        hits = list(found)
        if eager:
            for hit in hits:
                hit.load()
        return hits

    def count(self, sha256: str, query: str, kana: bool = False) -> int:
        """The number of occurrences, without computing rects or snippets."""
        q = normalize_query(query, kana)
        if not q:
            return 0
        texts = self._texts(sha256, kana)
        return sum(len(find_all(texts[p], q)) for p in self._candidates(sha256, q, kana))


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

    def rect_position(self, number: int) -> tuple[int, int]:
        """(page, index of hit ``number``'s first rect in :meth:`page_rects` of that page)."""
        slot, offset = self._locate(number)
        page = self._pages[slot]
        rects = self._hit_rects(page)
        return page, sum(len(r) for r in rects[:offset])

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


# --------------------------------------------------------------------------------------------------
# Headless entry points


def _detect_outline(packet: Packet, profile: str | os.PathLike[str] | None) -> Outline | None:
    try:
        from reviewer.structure.detect import detect_outline_cached
    except ImportError:
        return None
    try:
        outline: Outline = detect_outline_cached(packet, profile=profile)
    except ReviewerError as exc:
        log.warning("no outline for %s: %s", packet.name, exc.message_en)
        return None
    return outline


def search_file(
    path: Path,
    query: str,
    password: str | None = None,
    profile: str | os.PathLike[str] | None = None,
    kana: bool = False,
    outline: Outline | None = None,
) -> dict[str, Any]:
    """Search a PDF, indexing it first if needed: the ``pia-reviewer search --json`` result.

    ``{"query": ..., "hits": [{"page", "page_label", "section", "document", "rects", "snippet"}],
    "count": n}``
    """
    with Packet.open(path, password=password) as packet:
        with SearchIndex(default_index_path(profile)) as index:
            index.build(packet)
            if outline is None:
                outline = _detect_outline(packet, profile)
            hits = [hit.to_json() for hit in index.search(packet.sha256, query, kana=kana, outline=outline)]
    return {"query": query, "hits": hits, "count": len(hits)}


def benchmark_queries(
    index: SearchIndex, sha256: str, queries: Sequence[str], repeats: int = 5, kana: bool = False,
    outline: Outline | None = None,
) -> dict[str, dict[str, float]]:
    """Time queries on an indexed packet.

    Returns ``{query: {"panel_median_ms", "median_ms", "full_median_ms", "count"}}``: ``panel_median_ms`` is what
    the search panel's search thread does (:meth:`SearchIndex.find` + :func:`prepare_panel`: every hit with its
    section and the exact count, the rects of the pages around the first hit, the first rows' snippets);
    ``median_ms`` is :meth:`SearchIndex.search` (every hit as a :class:`PageHit`, geometry lazy);
    ``full_median_ms`` also computes every hit's rects and snippet (as the CLI's JSON does). The first call
    for a packet loads its normalised text into memory (:meth:`SearchIndex.warm`); warm up first to time the
    steady state.
    """
    results: dict[str, dict[str, float]] = {}
    for query in queries:
        panel: list[float] = []
        lazy: list[float] = []
        full: list[float] = []
        count = 0
        for _ in range(max(1, repeats)):
            started = time.perf_counter()
            prepare_panel(index.find(sha256, query, kana=kana, outline=outline))
            panel.append((time.perf_counter() - started) * 1000.0)
            started = time.perf_counter()
            hits = index.search(sha256, query, kana=kana, outline=outline)
            lazy.append((time.perf_counter() - started) * 1000.0)
            started = time.perf_counter()
            hits = index.search(sha256, query, kana=kana, outline=outline)
            for hit in hits:
                hit.load()
            full.append((time.perf_counter() - started) * 1000.0)
            count = len(hits)
        results[query] = {
            "panel_median_ms": statistics.median(panel),
            "median_ms": statistics.median(lazy),
            "full_median_ms": statistics.median(full),
            "count": float(count),
        }
    return results


# --------------------------------------------------------------------------------------------------
# What the search panel computes in its search thread

PANEL_PREFETCH_ROWS = 40  # result rows whose snippets are made before the list is shown (a screenful)
PANEL_EAGER_HITS = 200  # up to this many hits, all rects are computed at once (cheap, and nothing is left)
NEAR_BEFORE = 2  # pages before and after the page on screen whose highlights are computed with the query
NEAR_AFTER = 4


def prepare_panel(hits: HitList, around_page: int | None = None,
                  rows: int = PANEL_PREFETCH_ROWS) -> list[ReportRows]:
    """The search panel's work after :meth:`SearchIndex.find`, in its search thread: the report and
    section rows of the result list, the highlight rects of the pages near ``around_page`` (the page on
    screen) and near the first hit (where Enter goes) — or of every page when there are at most
    :data:`PANEL_EAGER_HITS` hits — and the snippets of the first ``rows`` rows. Everything else is
    computed when it comes into view."""
    tree = hits.report_rows()
    if not hits:
        return tree
    if len(hits) <= PANEL_EAGER_HITS:
        pages = hits.pages()
    else:
        pages = hits.pages_near(hits.page_of(0), NEAR_BEFORE, NEAR_AFTER)
        if around_page is not None:
            pages += [p for p in hits.pages_near(around_page, NEAR_BEFORE, NEAR_AFTER) if p not in pages]
    hits.prefetch(pages, rows)
    return tree
