"""Settings for work over every page of a packet (text extraction, structure, rows, the search index), and the
second process that shares such work."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_collector_lock = threading.Lock()
_collector_pauses = 0  # readers in progress (threads) that paused the collector
_collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a packet is read (and resumed as it was after).

    Reading a 600-page packet makes hundreds of thousands of short-lived objects (MuPDF's dictionaries, words,
    spans, lines, runs) that hold no cycles and die by reference counting, but that the collector would otherwise
    walk again and again as they pile up: 10-15 % of the reading's CPU (structure, rows and the search
    extraction alike). Process-wide, so nested and concurrent readers share one pause.
    """
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def second_process_context() -> Any:
    """The multiprocessing context for a second process that reads a packet: fork starts at once, but a process
    with other threads (the GUI's worker has a watcher thread) must spawn a clean interpreter."""
    import multiprocessing

    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    return multiprocessing.get_context(method)
