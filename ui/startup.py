"""The steps after a packet's first paint, in small slices so the member can already scroll.

For the first packet of the run: a packet seen before takes its outline and search index from the cache first
(``PacketSession.use_cached_analysis``: the remembered hash, then the modules that read the caches, one per turn),
then the worker process's modules, the background analysis (``PacketSession.start_analysis``: the hash check of a
cached packet, or detection and indexing), the panels, the annotation controller, then the store (its passphrase
dialog, if any) and only then the member's name. For every later packet only the analysis is left to start:
everything else is there and follows the session.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QTimer

log = logging.getLogger("ui.startup")

SLICE_BUDGET = 0.012  # seconds of GUI-thread work per event-loop turn after the first paint
WORKER_MODULES = ("concurrent.futures", "ui.ops", "multiprocessing.context", "concurrent.futures.process",
                  "multiprocessing.queues", "multiprocessing.sharedctypes",
                  "multiprocessing.popen_spawn_posix" if sys.platform != "win32" else "multiprocessing")
TREE_WAIT_MS = 1000  # a cached packet's tree is filled before the other steps start, but they wait no longer
CACHE_MODULES = ("reviewer.structure.cache", "reviewer.search.index")  # reading the caches: no PyMuPDF needed
ANNOTATION_MODULES = ("PySide6.QtSvg", "ui.undo", "reviewer.annotations", "ui.dialogs.comment_editor",
                      "ui.panels.comments", "ui.exchange_actions", "ui.annotate")


def import_steps(modules: tuple[str, ...]) -> list[Callable[[], object]]:
    """One step per module not yet imported (each costs a few ms)."""
    def load(name: str) -> None:
        try:
            importlib.import_module(name)
        except ImportError:  # optional on this platform; the step that needs it reports properly
            log.debug("pre-import of %s failed", name)

    return [partial(load, name) for name in modules if name not in sys.modules]


class AfterFirstPaint:
    """Runs the post-paint steps of ``window`` (a :class:`ui.main_window.MainWindow`)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.generation = 0  # bumped per packet and on close: queued steps of an earlier one are dropped
        self.painted = False  # the current packet's first page is on screen
        self.started_once = False  # the first packet's steps (panels, controller, store) have run
        self.store_tried = False
        self.analysis_in_batch = False  # batch mode (no dialogs) still analyses the packet (the ready hook)

    def packet_opened(self) -> None:
        self.generation += 1
        self.painted = False

    def cancel(self) -> None:
        self.generation += 1

    def on_first_paint(self) -> None:
        if self.painted:
            return
        self.painted = True
        self.window.first_page_painted.emit()
        QTimer.singleShot(0, self.window, self._run)

    def run_slices(self, steps: list[Callable[[], object]], budget: float = SLICE_BUDGET) -> None:
        """Run ``steps`` in order, as many per event-loop turn as fit in ``budget`` seconds (at least one), the
        rest in later turns. Steps of a packet that has been closed meanwhile are dropped."""
        generation = self.generation
        queue = list(steps)

        def turn() -> None:
            started = time.perf_counter()
            while queue:
                if generation != self.generation:
                    return
                queue.pop(0)()
                if queue and time.perf_counter() - started >= budget:
                    QTimer.singleShot(0, self.window, turn)
                    return

        turn()

    def _run(self) -> None:
        window = self.window
        if window.current_path is None or (window.batch_mode and not self.analysis_in_batch):
            return
        if self.started_once:
            self.run_slices([window.session.start_analysis])
            return
        self.started_once = True
        panels = window.panels
        rest: list[Callable[[], object]] = [
            # The worker process, which takes longest to get going. Its modules are imported here, one per turn: a
            # launcher thread importing them would hold the GIL against this thread for tens of ms.
            *import_steps(WORKER_MODULES),
            window.session.start_analysis,
            panels.build_outline,
            *import_steps(ANNOTATION_MODULES),
            window.ensure_annotations,
            panels.build_thumbnails,
            *import_steps(("reviewer.search", "ui.panels.search")),
            panels.build_search,
            lambda: QTimer.singleShot(50, window, self._store_then_member_name),
        ]
        self.run_slices([*self.cache_steps(), lambda: self._tree_first_then(rest)])

    def _tree_first_then(self, rest: list[Callable[[], object]]) -> None:
        """Run ``rest``; for a packet taken from the cache, only once its tree is filled (its fill alone, in its own
        slices, so that the packet is ready moments after the first paint) or after ``TREE_WAIT_MS`` at most."""
        window = self.window
        if window.session.index_state != "ready":
            self.run_slices(rest)
            return
        generation = self.generation
        started = [False]

        def go(*_args: object) -> None:
            if started[0]:
                return
            started[0] = True
            window.outline_ready.disconnect(go)
            if generation == self.generation:
                self.run_slices(rest)

        window.outline_ready.connect(go)
        QTimer.singleShot(TREE_WAIT_MS, window, go)
        window.panels.build_outline()

    def cache_steps(self) -> list[Callable[[], object]]:
        """Steps that show a packet seen before as ready at once: the remembered hash (a stat and a small file),
        and only when there is one, the modules reading the caches (one per turn) and the caches themselves."""
        session = self.window.session
        known: list[bool] = []

        def look_up() -> None:
            known.append(session.remembered_sha256() is not None)

        def load(name: str) -> None:
            if known and known[0]:
                importlib.import_module(name)

        modules = [partial(load, name) for name in CACHE_MODULES if name not in sys.modules]
        return [look_up, *modules, lambda: known and known[0] and session.use_cached_analysis()]

    def _store_then_member_name(self) -> None:
        """Open the store (its passphrase dialog, if any, is modal), and only then ask the member's name, so that
        two dialogs never stack on a first start without a keyring."""
        window = self.window
        if window.want_store and not self.store_tried:
            self.store_tried = True
            from ui.store_open import open_store

            open_store(window, window.profile, self._store_opened, interactive=not window.batch_mode,
                       status=lambda text: window.statusBar().showMessage(text, 8000))
            return
        self._member_name()

    def _store_opened(self, store: Any) -> None:
        if store is not None:
            self.window.session.set_store(store)
        self._member_name()

    def _member_name(self) -> None:
        window = self.window
        if window.ask_member_name and not window.settings.member_name:
            window.ask_member()
