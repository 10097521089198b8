"""Settings for work over every page of a packet (text extraction, structure, rows, the search index)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
