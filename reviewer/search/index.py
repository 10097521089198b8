"""The search index: a per-page cache in its own SQLite database (via APSW) and the queries on it.

A query scans the normalised text of every page of the packet, held in memory once read (``str.find``: about a
millisecond for 600 pages, as fast as the FTS5 trigram index the first schema had, which doubled the cost of
writing a page and so of a first open's wait for search). The index lives in its own database file
(a cache keyed by the file's SHA-256), ``data_dir(profile)/search-index.db``, created 0600 in a 0700
folder. A damaged file (not a database, truncated, corrupt pages) is moved aside to
``search-index.db.damaged`` and the index starts empty: it is only a cache, rebuilt from the PDFs.

Threads: a :class:`SearchIndex` owns one connection; use one per thread (WAL lets a reader search
while another thread builds). :meth:`SearchIndex.build` reads a :class:`Packet`, which belongs to
the calling thread.
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
import os
import statistics
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import apsw

from reviewer.bulk import collector_paused
from reviewer.errors import ReviewerError
from reviewer.search.extract import PageText, estimated_boxes, extract_page
from reviewer.search.hits import HitList, PageHit, _Placer
from reviewer.search.panel_rows import prepare_panel
from reviewer.text import find_all, fold_kana, normalize_query

if TYPE_CHECKING:  # PyMuPDF (reviewer.document) is imported only where a PDF is read
    from reviewer.document import Packet
    from reviewer.structure.model import Outline

log = logging.getLogger("reviewer.search")

ConnectionFactory = Callable[[Path], apsw.Connection]
ProgressCallback = Callable[[int, int], None]

INDEX_FILE = "search-index.db"
DAMAGED_SUFFIX = ".damaged"
# What SQLite says of a file that is not (or no longer) a sound database: not a database at all, a
# malformed page, a truncated file.
DAMAGE_ERRORS: tuple[type[apsw.Error], ...] = (apsw.CorruptError, apsw.NotADBError)
P = ParamSpec("P")
T = TypeVar("T")
# Bump INDEX_VERSION whenever page text extraction or normalisation changes: packets indexed with
# another version are rebuilt. SCHEMA_VERSION is the database layout (PRAGMA user_version).
INDEX_VERSION = 1
SCHEMA_VERSION = 3
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
    # A first open indexes from MuPDF's words (``words``: the word boxes, no character boxes yet) and replaces
    # each page with its exact extraction afterwards; ``text_revision`` counts the replacements that changed a
    # page's text, so that a reader holding the old texts in memory reads them again.
    2: """
    ALTER TABLE pages ADD COLUMN words BLOB;
    ALTER TABLE packets ADD COLUMN text_revision INTEGER NOT NULL DEFAULT 0;
    """,
    # Queries scan the pages' texts in memory: the trigram index only cost time to write.
    3: """
    DROP TABLE IF EXISTS page_fts;
    """,
}
_PAGE_COLUMNS = "page, source, norm, starts, boxes, line_starts, line_tops, words"


def _page_from_row(row: Sequence[object]) -> PageText:
    page, source, norm, starts, boxes, line_starts, line_tops, words = row
    return PageText(
        _int(page), str(source), str(norm), _unpack("I", _bytes(starts)), _unpack("f", _bytes(boxes)),
        _unpack("I", _bytes(line_starts)), _unpack("f", _bytes(line_tops)),
        None if words is None else _unpack("f", _bytes(words)),
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


@dataclass(slots=True)
class _Cached:
    revision: int
    norms: list[str]
    line_starts: list[array[int]]
    line_tops: list[array[float]]
    folded: list[str] | None = None
    page_labels: list[str] = field(default_factory=list)

    def texts(self, kana: bool) -> list[str]:
        """The normalised text of every page (kana-folded when asked)."""
        if not kana:
            return self.norms
        if self.folded is None:
            self.folded = [fold_kana(t) for t in self.norms]
        return self.folded


# --------------------------------------------------------------------------------------------------
# The index


def default_index_path(profile: str | os.PathLike[str] | None = None) -> Path:
    from reviewer.paths import data_dir

    return data_dir(profile) / INDEX_FILE


def _plain_connection(path: Path) -> apsw.Connection:
    return apsw.Connection(str(path))


def _private_folder(folder: Path) -> None:
    """Create ``folder`` 0700; tighten it to 0700 when it is ours (it holds the packets' text)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        try:
            info = folder.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                os.chmod(folder, 0o700)
        except OSError:  # a foreign or read-only folder: opening the index says what is wrong
            pass


def _private_file(path: Path) -> None:
    """Create the index file 0600 before SQLite does (its WAL and SHM files inherit the mode)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def _recovering(method: Callable[Concatenate[SearchIndex, P], T]) -> Callable[Concatenate[SearchIndex, P], T]:
    """Run ``method``; if the index file turns out damaged, set it aside, start empty and run it once more."""

    def run(self: SearchIndex, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except DAMAGE_ERRORS as exc:
            self._recover(exc)
            return method(self, *args, **kwargs)

    functools.update_wrapper(run, method)
    return run


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
        _private_folder(self.path.parent)
        # Hits read their geometry lazily, possibly from another thread than the one that searched:
        # every use of the connection holds this lock (APSW refuses concurrent use of one connection).
        self._lock = threading.RLock()
        self._cache: dict[str, _Cached] = {}
        self._placers: dict[int, _Placer] = {}
        self._factory = connection_factory or _plain_connection
        self._inode: int | None = None
        try:
            try:
                self._open()
            except DAMAGE_ERRORS as exc:
                self._set_aside(exc)
                self._open()
        except (apsw.Error, OSError) as exc:
            raise ReviewerError(
                f"検索索引を開けません: {self.path}",
                f"The search index cannot be opened: {self.path} ({type(exc).__name__}).",
            ) from exc

    def _open(self) -> None:
        _private_file(self.path)
        self.conn = self._factory(self.path)
        try:
            self._inode = self.path.stat().st_ino
            self.conn.setbusytimeout(5000)
            if self._user_version() == 0:
                # Must precede WAL and the first table; lets prune() give space back to the disk.
                self._rows("PRAGMA auto_vacuum=INCREMENTAL")
            self._rows("PRAGMA journal_mode=WAL")
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    def _set_aside(self, exc: BaseException) -> None:
        """Move a damaged index file to ``<name>.damaged`` (replacing an older one) and drop its WAL."""
        log.warning("search index %s is damaged (%s); moving it aside and starting again",
                    self.path, type(exc).__name__)
        aside = self.path.with_name(self.path.name + DAMAGED_SUFFIX)
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            pass
        except OSError:
            self.path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _recover(self, exc: BaseException) -> None:
        """After damage was found in use: set the file aside (unless another connection already did) and
        start an empty index; what was cached is rebuilt from the PDFs."""
        with self._lock:
            try:
                self.conn.close()
            except apsw.Error:
                pass
            self._cache.clear()
            try:
                current: int | None = self.path.stat().st_ino
            except OSError:
                current = None
            if current is not None and current == self._inode:
                self._set_aside(exc)
            else:
                log.info("search index %s was already replaced; reopening", self.path)
            self._open()

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
        """Bring the file to :data:`SCHEMA_VERSION`: in one write transaction taken at once (``BEGIN IMMEDIATE``)
        with the version read inside it, so that two connections opening an older file together (the window and
        its worker, the first start after an update) migrate it once."""
        if self._user_version() == SCHEMA_VERSION:
            return  # the usual open: no write lock taken
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = _int(conn.execute("PRAGMA user_version").fetchall()[0][0])
                if version > SCHEMA_VERSION:
                    # A cache written by a newer app: it is only a cache, so start again rather than fail.
                    log.warning("search index %s has schema %d > %d; recreating", self.path, version,
                                SCHEMA_VERSION)
                    for (name,) in conn.execute(
                        "SELECT name FROM sqlite_schema WHERE type='table' AND name IN ('packets','pages','page_fts')"
                    ).fetchall():
                        conn.execute(f'DROP TABLE IF EXISTS "{name}"')
                    version = 0
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    conn.execute(_MIGRATIONS[target])
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # --- building ---------------------------------------------------------------------------------

    @_recovering
    def is_built(self, sha256: str) -> bool:
        row = self._rows("SELECT version FROM packets WHERE sha256=?", (sha256,))
        return bool(row) and _int(row[0][0]) == INDEX_VERSION

    @_recovering
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
        (:func:`reviewer.search.build.index_packet` does the same on two cores.)
        """
        sha = packet.sha256
        total = packet.page_count
        if not force and self.is_built(sha):
            if progress:
                progress(total, total)
            return True
        self.forget(sha)
        started = time.perf_counter()
        done = [0]

        def after_page() -> None:
            done[0] += 1
            if progress:
                progress(done[0], total)

        if not self.index_pages(packet, range(total), after_page, cancelled):
            self.forget(sha)
            log.info("indexing %s cancelled at page %d", packet.name, done[0])
            return False
        self.finish_build(packet)
        log.info("indexed %s: %d pages in %.2f s", packet.name, total, time.perf_counter() - started)
        return True

    def index_pages(self, packet: Packet, pages: Iterable[int], after_page: Callable[[], None] | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    text_of: Callable[[int], PageText] | None = None) -> bool:
        """Extract ``pages`` (:func:`extract_page`, or ``text_of(page)``) and write them, ``_CHUNK_PAGES`` per
        transaction; False when ``cancelled()`` said so between two pages (the pages not yet written are dropped, and
        the caller forgets the packet). The packet is not marked built: :meth:`finish_build` does that once every
        page is in."""
        batch: list[PageText] = []
        with collector_paused():
            for index in pages:
                if cancelled is not None and cancelled():
                    return False
                batch.append(extract_page(packet, index) if text_of is None else text_of(index))
                if len(batch) >= _CHUNK_PAGES:
                    self.write_pages(packet.sha256, batch)
                    batch = []
                if after_page is not None:
                    after_page()
            self.write_pages(packet.sha256, batch)
        return True

    def indexed_pages(self, sha256: str) -> set[int]:
        """The pages of ``sha256`` written so far (complete or not)."""
        return {_int(row[0]) for row in self._rows("SELECT page FROM pages WHERE sha256=?", (sha256,))}

    def finish_build(self, packet: Packet) -> None:
        """Mark ``packet`` built: every one of its pages is written."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO packets(sha256, file_name, page_count, page_labels, built_at, version)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (packet.sha256, packet.name, packet.page_count,
                 json.dumps(list(packet.page_labels), ensure_ascii=False),
                 datetime.now(UTC).isoformat(timespec="seconds"), INDEX_VERSION),
            )

    def write_pages(self, sha: str, pages: Sequence[PageText]) -> None:
        """Add ``pages`` of the packet ``sha`` (not marked built: see :meth:`finish_build`), in one transaction."""
        if not pages:
            return
        with self._transaction() as conn:
            for p in pages:
                conn.execute(
                    "INSERT INTO pages(sha256, page, source, norm, starts, boxes, line_starts, line_tops, words)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sha, p.page, p.source, p.norm, _pack(p.starts), _pack(p.boxes), _pack(p.line_starts),
                     _pack(p.line_tops), None if p.words is None else _pack(p.words)),
                )

    # --- the exact pass after a quick first build ------------------------------------------------------

    @_recovering
    def pages_to_refine(self, sha256: str) -> list[int]:
        """The pages of ``sha256`` indexed from words (estimated character boxes), in page order."""
        rows = self._rows("SELECT page FROM pages WHERE sha256=? AND words IS NOT NULL ORDER BY page", (sha256,))
        return [_int(row[0]) for row in rows]

    def refine(self, packet: Packet, cancelled: Callable[[], bool] | None = None) -> bool:
        """Replace every page of ``packet`` indexed from words with its exact extraction (MuPDF's characters and
        their boxes), ``_CHUNK_PAGES`` per transaction; the index stays usable throughout. False when
        ``cancelled()`` said so between two pages (what was written stays: the rest is refined next time)."""
        sha = packet.sha256
        batch: list[PageText] = []
        with collector_paused():
            for page in self.pages_to_refine(sha):
                if cancelled is not None and cancelled():
                    return False
                text: PageText | None = extract_page(packet, page)
                if page in packet.skipped_pages:  # not read (too complex, or the time budget spent)
                    text = self._words_kept(sha, page)
                if text is not None:
                    batch.append(text)
                if len(batch) >= _CHUNK_PAGES:
                    self._replace_pages(sha, batch)
                    batch = []
            self._replace_pages(sha, batch)
        return True

    def _words_kept(self, sha: str, page: int) -> PageText | None:
        """A page the exact pass cannot read, as the quick pass wrote it, its estimated boxes kept as its boxes (so
        that it is not counted as still to refine); None when the page is no longer in the index."""
        try:
            quick = self.load_page(sha, page)
        except KeyError:  # forgotten meanwhile (the packet was indexed again)
            return None
        boxes = estimated_boxes(quick.source, quick.starts, quick.words) if quick.words else array("f")
        return PageText(page, quick.source, quick.norm, quick.starts, boxes, quick.line_starts, quick.line_tops)

    def _replace_pages(self, sha: str, pages: Sequence[PageText]) -> None:
        if not pages:
            return
        changed = 0
        with self._transaction() as conn:
            for p in pages:
                row = conn.execute("SELECT id, norm FROM pages WHERE sha256=? AND page=?", (sha, p.page)).fetchone()
                if row is None:  # forgotten meanwhile (the packet was indexed again): nothing to refine
                    continue
                rowid, norm = row
                conn.execute(
                    "UPDATE pages SET source=?, norm=?, starts=?, boxes=?, line_starts=?, line_tops=?, words=NULL"
                    " WHERE id=?",
                    (p.source, p.norm, _pack(p.starts), _pack(p.boxes), _pack(p.line_starts), _pack(p.line_tops),
                     rowid),
                )
                if norm != p.norm:
                    changed += 1
            if changed:
                conn.execute("UPDATE packets SET text_revision = text_revision + 1 WHERE sha256=?", (sha,))

    @_recovering
    def forget(self, sha256: str) -> None:
        """Drop a packet from the index."""
        self._cache.pop(sha256, None)
        with self._transaction() as conn:
            conn.execute("DELETE FROM pages WHERE sha256=?", (sha256,))
            conn.execute("DELETE FROM packets WHERE sha256=?", (sha256,))

    @_recovering
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

    @_recovering
    def packets(self) -> list[dict[str, Any]]:
        """What the cache holds: sha256, file_name, page_count, built_at, version."""
        rows = self._rows("SELECT sha256, file_name, page_count, built_at, version FROM packets ORDER BY built_at")
        keys = ("sha256", "file_name", "page_count", "built_at", "version")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # --- searching --------------------------------------------------------------------------------

    @_recovering
    def page_labels(self, sha256: str) -> list[str]:
        return self._cached(sha256).page_labels

    @_recovering
    def pages_without_text(self, sha256: str) -> list[int]:
        """Pages with no searchable text (scans, images): the panel can say they were not searched."""
        return [page for page, text in enumerate(self._cached(sha256).norms) if not text]

    def _cached(self, sha: str) -> _Cached:
        cached = self._cache.get(sha)
        state = self._rows("SELECT page_labels, text_revision FROM packets WHERE sha256=?", (sha,))
        if not state:
            self._cache.pop(sha, None)
            raise ReviewerError("この資料はまだ検索用に索引付けされていません。",
                                "This packet has not been indexed for search yet.")
        revision = _int(state[0][1])
        if cached is None or cached.revision != revision:  # new, or pages refined since (their text changed)
            rows = self._rows("SELECT norm, line_starts, line_tops FROM pages WHERE sha256=? ORDER BY page", (sha,))
            cached = _Cached(
                revision=revision,
                norms=[str(r[0]) for r in rows],
                line_starts=[_unpack("I", _bytes(r[1])) for r in rows],
                line_tops=[_unpack("f", _bytes(r[2])) for r in rows],
                page_labels=list(json.loads(str(state[0][0]))),
            )
            self._cache.pop(sha, None)
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[sha] = cached
        return cached

    @_recovering
    def load_page(self, sha256: str, page: int) -> PageText:
        row = self._rows(
            f"SELECT {_PAGE_COLUMNS} FROM pages WHERE sha256=? AND page=?",
            (sha256, page),
        )
        if not row:
            raise KeyError(f"page {page} of {sha256} not indexed")
        return _page_from_row(row[0])

    def _texts(self, sha256: str, kana: bool) -> list[str]:
        """The normalised text of every page (kana-folded when asked), kept in memory."""
        return self._cached(sha256).texts(kana)

    @_recovering
    def load_pages(self, sha256: str, pages: Sequence[int]) -> list[PageText]:
        """Several pages in one statement, in page order."""
        if not pages:
            return []
        rows = self._rows(
            f"SELECT {_PAGE_COLUMNS} FROM pages WHERE sha256=? AND page IN (SELECT value FROM json_each(?)) ORDER BY page",
            (sha256, json.dumps(list(pages))),
        )
        return [_page_from_row(row) for row in rows]

    @_recovering
    def candidate_pages(self, sha256: str, query: str, kana: bool = False) -> list[int]:
        """Pages whose text contains the normalised ``query`` (every page is checked exactly)."""
        q = normalize_query(query, kana)
        return [i for i, text in enumerate(self._texts(sha256, kana)) if q in text] if q else []

    @_recovering
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

    @_recovering
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
        cached = self._cached(sha256)  # once: a refine committing meanwhile must not mix two versions of the text
        texts = cached.texts(kana)
        pages: list[int] = []
        positions: list[list[int]] = []
        total = 0
        for page, text in enumerate(texts):
            found = find_all(text, q)
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

    @_recovering
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

    @_recovering
    def count(self, sha256: str, query: str, kana: bool = False) -> int:
        """The number of occurrences, without computing rects or snippets."""
        q = normalize_query(query, kana)
        if not q:
            return 0
        texts = self._texts(sha256, kana)
        return sum(len(find_all(text, q)) for text in texts)


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
    from reviewer.document import Packet
    from reviewer.search.build import index_packet

    index_path = default_index_path(profile)
    found = [outline]

    def detect() -> None:
        if found[0] is None:
            found[0] = _detect_outline(packet, profile)

    with Packet.open(path, password=password) as packet:
        index_packet(packet, index_path, password, meanwhile=detect)  # on two cores: detection alongside
        with SearchIndex(index_path) as index:
            hits = [hit.to_json() for hit in index.search(packet.sha256, query, kana=kana, outline=found[0])]
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
