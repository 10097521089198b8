"""The open packet: the one owner of its state, and the one change channel the panels bind to.

:class:`PacketSession` holds what is known about the packet on screen — its path and password, page geometry,
sha256, printed page labels, structure (outline), search-index state — and the encrypted store with the packet's
comments and review marks. Every change is announced once, on :attr:`PacketSession.changed`, as a
:class:`SessionChange` naming what changed (and, for store changes, the ids); panels redraw only what they show.

Opening takes one path whatever the route (start-up, ファイル > 開く, recent files, drag and drop, a second
instance): :meth:`PacketSession.open` opens the PDF once on the GUI thread (checks and page geometry), then
:meth:`PacketSession.start_analysis` takes the structure and search index of a packet seen before from the cache
at once (the hash checked in the worker process afterwards), or detects and indexes in ONE worker job that opens and
hashes the PDF once and hands the outline over before it builds the index.

Signals:
    changed(SessionChange): something about the open packet changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from reviewer.errors import ReviewerError

log = logging.getLogger("ui.session")

# What a SessionChange may name.
PACKET = "packet"  # a packet was opened (path, password, geometry known; sha256 and structure not yet)
CLOSED = "closed"  # the packet was closed
OUTLINE = "outline"  # structure and printed page labels known (or detection failed: outline_error)
INDEX = "index"  # the search index state changed (index_state, index_progress)
ANALYSIS = "analysis"  # progress of the background work (analysis_text, analysis_progress)
STORE = "store"  # the store was opened or closed
ANNOTATIONS = "annotations"  # comments of this packet changed (ids given when known)
MARKS = "marks"  # review marks of this packet changed
SETTINGS = "settings"  # store settings (categories, member name) changed
CORRECTIONS = "corrections"  # hand corrections of the structure changed


@dataclass(frozen=True, slots=True)
class SessionChange:
    """What changed: a set of the names above; ``ids`` the annotation ids concerned (empty: all or unknown)."""

    what: frozenset[str]
    ids: tuple[str, ...] = ()

    def __contains__(self, name: object) -> bool:
        return name in self.what


class PacketSession(QObject):
    """The open packet and its store. ``profile`` is the data directory (None: the default one)."""

    changed = Signal(object)
    _store_event = Signal(object)  # store callbacks may come from any thread: queued to the GUI thread

    def __init__(self, profile: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.path: Path | None = None
        self.password: str | None = None
        self.page_sizes: list[tuple[float, float]] = []
        self.rotations: dict[int, Any] = {}
        self.page_count = 0
        self.sha256 = ""
        self.page_labels: list[str] = []
        self.outline: Any = None  # the structure as shown: detected, with the hand corrections laid over it
        self.detected_outline: Any = None  # as the detector read it
        self.outline_error = ""
        self.index_state = "none"  # "none" | "building" | "ready" | "failed"
        self.index_progress: tuple[int, int] = (0, 0)
        self.index_path = ""
        self.analysis_text = ""
        self.analysis_progress: tuple[int, int] | None = None  # None: no background work running
        self.store: Any = None
        self.annotations: list[Any] = []
        self.marks: dict[str, Any] = {}
        self.member_views: dict[str, list[Any]] = {}  # other members' views by node key (imported packages)
        self.generation = 0  # bumped per opened/closed packet: late results of an earlier packet are dropped
        self._ops: list[Any] = []
        self._from_cache = False  # the open packet's outline and index came from the cache (hash being checked)
        self._unsubscribe: Any = None
        self._store_event.connect(self._on_store_event, Qt.ConnectionType.QueuedConnection)

    # ---------------------------------------------------------------------------------------------- queries
    @property
    def file_name(self) -> str:
        return self.path.name if self.path is not None else ""

    def page_label(self, page: int) -> str:
        return self.page_labels[page] if 0 <= page < len(self.page_labels) else str(page + 1)

    def annotation(self, annotation_id: str) -> Any:
        return next((a for a in self.annotations if a.id == annotation_id), None)

    def _emit(self, *what: str, ids: tuple[str, ...] = ()) -> None:
        self.changed.emit(SessionChange(frozenset(what), ids))

    # ---------------------------------------------------------------------------------------------- opening
    def open(self, path: Path | str, password: str | None = None) -> None:
        """Open ``path`` (one open of the PDF: checks and page geometry). Raises ReviewerError (PdfOpenError,
        PasswordRequired) and leaves the current packet open when the new one cannot be opened."""
        from ui.page_view.renderer import read_page_geometry

        path = Path(path)
        sizes, rotations = read_page_geometry(path, password)
        self.close()
        self.generation += 1
        self.path, self.password = path, password
        self.page_sizes, self.rotations = list(sizes), dict(rotations)
        self.page_count = len(sizes)
        self.page_labels = [str(i + 1) for i in range(len(sizes))]
        self._emit(PACKET)

    def adopt(self, path: Path | None, sha256: str, page_labels: list[str], password: str | None = None) -> None:
        """Show a packet whose identity is already known, without opening it (scripts and tests)."""
        self.close()
        self.generation += 1
        self.path, self.password, self.sha256 = path, password, sha256
        self.page_labels = list(page_labels)
        self.page_count = len(page_labels)
        self._reload_from_store()
        self._emit(PACKET, ANNOTATIONS, MARKS)

    def adopt_outline(self, outline: Any) -> None:
        """Use a structure detected elsewhere (scripts and tests)."""
        self.detected_outline = outline
        self.outline = self._corrected(outline)
        if outline is not None and not self.page_labels:
            self.page_labels = list(outline.page_labels)
            self.page_count = len(self.page_labels)
        self._emit(OUTLINE)

    def close(self) -> None:
        if self.path is None:
            return
        for op in self._ops:
            op.cancel()
        self._ops.clear()
        self.generation += 1
        self.path = None
        self.password = None
        self.page_sizes, self.rotations = [], {}
        self.page_count = 0
        self.sha256 = ""
        self.page_labels = []
        self.outline = None
        self.detected_outline = None
        self.outline_error = ""
        self.index_state = "none"
        self.index_progress = (0, 0)
        self.analysis_text = ""
        self.analysis_progress = None
        self._from_cache = False
        self.annotations, self.marks, self.member_views = [], {}, {}
        self._emit(CLOSED)

    def start_analysis(self) -> None:
        """The packet's structure and search index: from the cache at once when the packet was seen before (the
        hash is then checked in the worker process), else detected and indexed there in one job (results arrive
        as changes: the outline first, then the index)."""
        if self.path is None:
            return
        if self.use_cached_analysis() or self._from_cache:
            self._start_confirm()
        else:
            self._start_full_analysis()

    def remembered_sha256(self) -> str | None:
        """The hash remembered for the open file's path, size and mtime (the file is not read), or None."""
        if self.path is None:
            return None
        from reviewer import quick_identity

        return quick_identity.lookup(self.path, self._profile_dir())

    def use_cached_analysis(self) -> bool:
        """Take the outline and the built search index of a packet seen before, on the GUI thread without reading
        the PDF (a few ms). True when taken for the open packet (now or earlier); :meth:`start_analysis` then only
        checks the remembered hash in the background."""
        if self.path is None or self._from_cache:
            return self._from_cache
        if self.sha256 or self.index_state != "none":
            return False
        from reviewer.analysis import cached_analysis

        self.index_path = str(self._profile_dir() / "search-index.db")
        cached = cached_analysis(self.path, self._profile_dir(), self.index_path)
        if cached is None:
            return False
        self._from_cache = True
        self._on_outline(self.generation, cached.outline)
        self.index_state = "ready"
        self.index_progress = (self.page_count, self.page_count)
        self._emit(INDEX)
        self._set_analysis("", None)
        return True

    def _profile_dir(self) -> Path:
        # Resolved here: the worker process keeps the environment it was started with.
        from reviewer.paths import data_dir

        return data_dir(self.profile)

    def _start_confirm(self) -> None:
        """Hash the file in the worker; a hash other than the remembered one drops what the cache gave."""
        from reviewer.analysis import confirm_job
        from ui.ops import Op

        assert self.path is not None
        generation = self.generation
        confirm = (
            Op(self, confirm_job, str(self.path), str(self._profile_dir()), self.password, self.index_path)
            .success(lambda sha: self._on_confirmed(generation, sha))
            .failure(lambda exc: self._on_confirm_failed(generation, exc))
            .run_in_process()
        )
        self._ops.append(confirm)

    def _start_full_analysis(self) -> None:
        """One worker job opens and hashes the packet once, detects (the outline arrives as a partial result),
        then builds the index."""
        from reviewer.analysis import IndexReady, analyze_job
        from ui.ops import Op

        assert self.path is not None
        profile_dir = self._profile_dir()
        self.index_path = str(profile_dir / "search-index.db")
        path, password, generation = str(self.path), self.password, self.generation
        self.index_state = "building"
        self._set_analysis(self.tr("構造を解析中…"), (0, 0))
        detected = [False]  # progress counts detection's pages until the outline arrives, then indexing's

        def on_partial(outcome: Any) -> None:
            if isinstance(outcome, IndexReady):  # the search answers (its boxes are refined later)
                self._on_index_ready(generation, outcome.sha256)
                return
            detected[0] = True
            if isinstance(outcome, BaseException):
                self._on_outline_failed(generation, outcome)
            else:
                self._on_outline(generation, outcome)

        def on_progress(done: int, total: int) -> None:
            if detected[0]:
                self._on_index_progress(generation, done, total)
            else:
                self._on_detect_progress(generation, done, total)

        def on_failure(exc: BaseException) -> None:
            if self.index_state == "ready" and generation == self.generation:
                log.warning("the analysis ended after the index was ready: %s", type(exc).__name__)
                return
            if not detected[0]:
                self._on_outline_failed(generation, exc)
            self._on_index_failed(generation, exc)

        analysis = (
            Op(self, analyze_job, path, password, str(profile_dir), self.index_path)
            .with_progress(on_progress)
            .with_partial(on_partial)
            .success(lambda sha: self._on_index_ready(generation, sha) if self.index_state != "ready" else None)
            .failure(on_failure)
            .run_in_process()
        )
        self._ops.append(analysis)

    def _on_confirmed(self, generation: int, sha256: str) -> None:
        if generation != self.generation or sha256 == self.sha256:
            return
        # Same path, size and mtime, other content: what the cache gave belongs to another file.
        log.info("the remembered hash was wrong: analysing the packet again")
        self._from_cache = False
        self.sha256 = ""
        self.outline = self.detected_outline = None
        self.outline_error = ""
        self.page_labels = [str(i + 1) for i in range(self.page_count)]
        self.index_state = "none"
        self.index_progress = (0, 0)
        self._reload_from_store()
        self._emit(PACKET, OUTLINE, INDEX, ANNOTATIONS, MARKS)
        self._start_full_analysis()

    def _on_confirm_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        # The file cannot be read now (moved, unplugged): keep what the cache gave, the page view says the rest.
        log.warning("could not check the packet's hash: %s", type(exc).__name__)

    def _set_analysis(self, text: str, progress: tuple[int, int] | None) -> None:
        self.analysis_text, self.analysis_progress = text, progress
        self._emit(ANALYSIS)

    def _analysis_after_outline(self) -> None:
        if self.index_state == "building":
            self._set_analysis(self.tr("検索索引を作成中…"), self.index_progress)
        else:
            self._set_analysis("", None)

    def _on_detect_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self.generation and self.outline is None:
            self._set_analysis(self.tr("構造を解析中…"), (done, total))

    def _on_outline(self, generation: int, outline: Any) -> None:
        if generation != self.generation:
            return
        self.detected_outline = outline
        self.sha256 = outline.sha256
        self.outline = self._corrected(outline)
        if len(outline.page_labels) == self.page_count:
            self.page_labels = list(outline.page_labels)
        self._remember_in_store()
        self._reload_from_store()
        self._emit(OUTLINE, ANNOTATIONS, MARKS)
        self._analysis_after_outline()

    def _on_outline_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        from ui.notify import error_text

        if not isinstance(exc, ReviewerError):
            log.error("structure detection failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.outline_error = error_text(exc) if isinstance(exc, ReviewerError) else self.tr(
            "構造を解析できませんでした。")
        self._emit(OUTLINE)
        self._analysis_after_outline()

    def _on_index_progress(self, generation: int, done: int, total: int) -> None:
        if generation != self.generation:
            return
        self.index_state = "building"
        self.index_progress = (done, total)
        self._emit(INDEX)
        if self.outline is not None or self.outline_error:
            self._set_analysis(self.tr("検索索引を作成中…"), (done, total))

    def _on_index_ready(self, generation: int, sha256: str) -> None:
        if generation != self.generation:
            return
        self.index_state = "ready"
        if not self.sha256:
            # The index job hashed the file too; comments can be shown before the structure arrives.
            self.sha256 = sha256
            self._reload_from_store()
            self._emit(INDEX, ANNOTATIONS, MARKS)
        else:
            self._emit(INDEX)
        if self.outline is not None or self.outline_error:
            self._set_analysis("", None)

    def _on_index_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        log.error("indexing failed: %s", type(exc).__name__)
        self.index_state = "failed"
        self._emit(INDEX)
        if self.outline is not None or self.outline_error:
            self._set_analysis("", None)

    # ---------------------------------------------------------------------------------------------- store
    def set_store(self, store: Any) -> None:
        """Use ``store`` for comments and marks (None: no store); follows its committed changes."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.store = store
        if store is not None:
            from shiboken6 import isValid

            owner = self

            def on_change(change: Any) -> None:
                # Called by the store in the writing thread: queued to the GUI thread. A session that is gone
                # must not break the store's write.
                if isValid(owner):
                    owner._store_event.emit(change)

            self._unsubscribe = store.subscribe(on_change)
            self._remember_in_store()
        self._reload_from_store()
        what = [STORE, ANNOTATIONS, MARKS, SETTINGS]
        if self.detected_outline is not None:
            self.outline = self._corrected(self.detected_outline)
            what += [OUTLINE, CORRECTIONS]
        self._emit(*what)

    def _corrected(self, detected: Any) -> Any:
        """The detected structure with the store's hand corrections of this packet laid over it."""
        if detected is None or self.store is None or not getattr(detected, "sha256", ""):
            return detected
        from reviewer.structure.corrections import apply_corrections

        try:
            corrections = self.store.corrections(detected.sha256)
            return apply_corrections(detected, corrections) if corrections else detected
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
            return detected

    def close_store(self) -> None:
        """Detach and close the store (window closing)."""
        store = self.store
        if store is None:
            return
        self.set_store(None)
        try:
            store.close()
        except Exception:
            log.exception("closing the store failed")

    def _remember_in_store(self) -> None:
        if self.store is None or not self.sha256 or self.path is None:
            return
        try:
            self.store.remember_packet(self.sha256, self.path, self.path.name)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)

    def _reload_from_store(self, ids: tuple[str, ...] = ()) -> None:
        """Comments and marks of this packet from the store: the given ids only, or everything."""
        if self.store is None or not self.sha256:
            self.annotations, self.marks, self.member_views = [], {}, {}
            return
        try:
            if ids:
                changed = {ident: self.store.get_annotation(ident) for ident in ids}
                kept = [a for a in self.annotations if a.id not in changed]
                fresh = [a for a in changed.values() if a is not None and a.file_sha256 == self.sha256]
                self.annotations = sorted(kept + fresh, key=lambda a: (a.page, a.top, a.created))
            else:
                self.annotations = list(self.store.annotations(self.sha256))
            self.marks = dict(self.store.review_marks(self.sha256))
            self.member_views = self.store.member_views(self.sha256)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
            self.annotations, self.marks, self.member_views = [], {}, {}

    def _on_store_event(self, change: Any) -> None:
        sha = getattr(change, "file_sha256", None)
        kind = getattr(change, "kind", "annotations")
        if kind == "settings":
            self._emit(SETTINGS)
            return
        if sha is not None and sha != self.sha256:
            return
        ids = tuple(getattr(change, "ids", ()) or ())
        if kind == "annotations":
            self._reload_from_store(ids)
            self._emit(ANNOTATIONS, ids=ids)
        elif kind == CORRECTIONS:
            self.outline = self._corrected(self.detected_outline)
            self._emit(OUTLINE, CORRECTIONS)
        elif kind == "marks":
            self._reload_from_store()
            self._emit(MARKS)
        else:
            self._reload_from_store()
            self._emit(kind, ANNOTATIONS, MARKS)

    def refresh_from_store(self) -> None:
        """Reload everything (after an undo/redo replay that may not announce each change)."""
        self._reload_from_store()
        self._emit(ANNOTATIONS, MARKS)

    # ---------------------------------------------------------------------------------------------- shutdown
    def shutdown(self) -> None:
        """Cancel background work and close the store (the window is closing)."""
        self.generation += 1
        for op in self._ops:
            op.cancel()
        self._ops.clear()
        self.close_store()
