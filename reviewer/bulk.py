"""Settings for work over every page of a packet (text extraction, structure, rows, the search index), and the
second process that shares such work."""

from __future__ import annotations

import gc
import sys
import threading
import warnings
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


# Threads that may run beside a fork without harm: they hold no lock the forked child uses. The GUI's worker
# process has its parent watcher (it polls the parent's pid and sleeps) and, once it has reported progress, its
# queue's feeder thread (multiprocessing resets that queue's state in a forked child, which never uses it).
PARENT_WATCH_THREAD = "parent-watch"  # the name ui.worker gives its watcher
FORK_SAFE_THREADS = frozenset({PARENT_WATCH_THREAD, "QueueFeederThread"})


def second_process_context() -> Any:
    """The multiprocessing context for a second process that reads a packet: fork starts at once (a spawned
    interpreter costs about 0.2 s of imports before its first page), but a process with other threads than
    :data:`FORK_SAFE_THREADS` (the GUI process itself, a test runner's) must spawn a clean interpreter."""
    import multiprocessing

    others = {thread.name for thread in threading.enumerate() if thread is not threading.current_thread()}
    fork = sys.platform == "linux" and threading.current_thread() is threading.main_thread() \
        and others <= FORK_SAFE_THREADS
    if fork and others:
        # Python 3.12+ warns about any fork beside threads; these ones are known to be harmless.
        warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                                category=DeprecationWarning)
    return multiprocessing.get_context("fork" if fork else "spawn")
