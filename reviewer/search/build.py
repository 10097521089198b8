"""Building a packet's search index on two cores.

Opening a packet for the first time runs two long steps over every page: structure detection, then the search
index (MuPDF's per-character text, about two thirds of the work). On a machine with a second core,
:func:`index_packet` starts a helper process that indexes pages from the END of the packet while this process runs
``meanwhile`` (the structure detection) and then indexes from the FRONT; the two meet wherever the work is
balanced (pages are claimed a few at a time from a shared pair of bounds). Each process has its own document and
its own connection to the index database (WAL: one writer at a time, short transactions). The packet is marked
built only by this process, once every page is in: pages a helper claimed but never wrote (it died) are indexed
here, so a failing helper costs time, never pages.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reviewer.bulk import collector_paused, second_process_context
from reviewer.document import Packet
from reviewer.search.index import DAMAGE_ERRORS, ProgressCallback, SearchIndex

log = logging.getLogger("reviewer.search")

HELPER_MIN_PAGES = 48  # below this a process start (about 0.3 s) costs more than half the pages
_CLAIM_PAGES = 8  # pages taken per claim: little contention on the bounds, little imbalance at the end
_STOP_WAIT = 2.0  # seconds a helper gets to finish its page after being told to stop
HELPER_NICENESS = 5  # the helper yields to the GUI process (and the detection) when the cores are busy
HELPER_STALL = 20.0  # seconds without an indexed page after which a helper still running is ended


def _take(bounds: Any, count: int, from_back: bool) -> range:
    """Claim up to ``count`` unclaimed pages from the front or the back; an empty range when none are left."""
    with bounds.get_lock():
        low, high = bounds[0], bounds[1]
        if from_back:
            start = max(low, high - count)
            bounds[1] = start
            return range(start, high)
        stop = min(high, low + count)
        bounds[0] = stop
        return range(low, stop)


def _claims(bounds: Any, from_back: bool, stop: Callable[[], bool]) -> Iterator[int]:
    """Pages claimed a few at a time until none are left or ``stop()`` is true."""
    while not stop():
        pages = _take(bounds, _CLAIM_PAGES, from_back)
        if not pages:
            return
        yield from pages


def _helper_main(path: str, password: str | None, sha256: str, index_path: str | None, bounds: Any,
                 stop: Any, done: Any, parent_pid: int) -> None:
    """The helper process: index pages from the back until none are left, it is told to stop, or the process that
    started it is gone (killed: nobody would mark the index built)."""
    from reviewer.document import open_pdf

    def count_page() -> None:
        with done.get_lock():
            done.value += 1

    def stopped() -> bool:
        return bool(stop.value) or os.getppid() != parent_pid

    if hasattr(os, "nice"):
        # Three busy processes on two cores during a first open: the window (scrolling the pages) goes first.
        os.nice(HELPER_NICENESS)
    with collector_paused(), Packet(Path(path), open_pdf(path, password), sha256) as packet, \
            SearchIndex(index_path) as index:
        index.index_pages(packet, _claims(bounds, True, stopped), count_page, stopped)


def index_packet(
    packet: Packet,
    index_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    meanwhile: Callable[[], None] | None = None,
    helper: bool | None = None,
) -> bool:
    """Build ``packet``'s search index (skipped when built) and run ``meanwhile()`` first, on two cores.

    ``helper=None``: a helper process indexes from the back when the machine has two cores and the packet
    at least :data:`HELPER_MIN_PAGES` pages. ``progress(done, total)`` counts the indexed pages of both processes
    (from when ``meanwhile`` returns); ``cancelled()`` is polled between pages. Returns True when the index is
    complete, False when cancelled (nothing partial is kept). An exception from ``meanwhile`` stops the helper
    and propagates.
    """
    total = packet.page_count
    with SearchIndex(index_path) as index:
        if index.is_built(packet.sha256):
            if meanwhile is not None:
                meanwhile()
            if progress:
                progress(total, total)
            return True
        if helper is None:
            helper = (os.cpu_count() or 1) >= 2 and total >= HELPER_MIN_PAGES
        if not helper:
            if meanwhile is not None:
                meanwhile()
            return index.build(packet, progress, cancelled, force=True)
        try:
            return _shared_build(index, packet, index_path, password, progress, cancelled, meanwhile)
        except DAMAGE_ERRORS as exc:  # the file went bad while both wrote: start it again, alone
            index._recover(exc)
            return index.build(packet, progress, cancelled, force=True)


def _shared_build(index: SearchIndex, packet: Packet, index_path: str | os.PathLike[str] | None,
                  password: str | None, progress: ProgressCallback | None, cancelled: Callable[[], bool] | None,
                  meanwhile: Callable[[], None] | None) -> bool:
    sha, total = packet.sha256, packet.page_count
    index.forget(sha)  # before the helper writes its first page
    context = second_process_context()
    bounds = context.Array("i", [0, total])
    stop = context.Value("b", 0)
    done = context.Value("i", 0)
    started = time.perf_counter()
    process = context.Process(
        target=_helper_main, name="pia-index-helper", daemon=True,
        args=(os.fspath(packet.path), password, sha,
              os.fspath(index_path) if index_path is not None else None, bounds, stop, done, os.getpid()))
    process.start()
    finished = False
    try:
        if meanwhile is not None:
            meanwhile()
        here = [0]

        def report() -> None:
            if progress:
                progress(min(here[0] + int(done.value), total), total)

        def after_page() -> None:
            here[0] += 1
            report()

        def stopped() -> bool:
            return cancelled is not None and cancelled()

        complete = index.index_pages(packet, _claims(bounds, False, stopped), after_page, stopped)
        # No page is left to claim: the helper ends once its last claim is written (or has died). One that makes no
        # progress for HELPER_STALL seconds (stuck starting up, say) is ended; its pages are indexed here.
        last_done, last_change = int(done.value), time.monotonic()
        while complete and process.is_alive():
            if stopped():
                complete = False
                break
            process.join(0.05)
            report()
            if int(done.value) != last_done:
                last_done, last_change = int(done.value), time.monotonic()
            elif time.monotonic() - last_change > HELPER_STALL:
                log.warning("index helper for %s made no progress for %.0f s; ending it", packet.name, HELPER_STALL)
                process.kill()
                process.join()
        if not complete:
            log.info("indexing %s cancelled", packet.name)
            return False
        missing = sorted(set(range(total)) - index.indexed_pages(sha))
        if missing:  # the helper died with pages claimed: index them here
            log.warning("index helper for %s ended with %d pages unwritten (exit code %s); indexing them here",
                        packet.name, len(missing), process.exitcode)
            if not index.index_pages(packet, missing, None, stopped):
                return False
        index.finish_build(packet)
        finished = True
        if progress:
            progress(total, total)
        log.info("indexed %s on two cores: %d pages in %.2f s (%d by the helper)", packet.name, total,
                 time.perf_counter() - started, int(done.value))
        return True
    finally:
        if process.is_alive():
            stop.value = 1
            process.join(_STOP_WAIT)
            if process.is_alive():
                process.kill()
                process.join()
        if not finished:  # cancelled or failed: nothing partial is kept
            index.forget(sha)


def index_watching_the_helper(packet: Packet, index_path: str | os.PathLike[str], password: str | None = None,
                              timeout: float = 60.0) -> tuple[bool, int]:
    """:func:`index_packet` with its helper, while this process waits (as a detection would) until the helper has
    written pages: (index complete, pages the helper wrote meanwhile; 0 when it wrote none within ``timeout``). The
    self-test's proof that this build can start the helper at all."""
    by_helper: list[int] = []

    def wait_for_helper() -> None:
        deadline = time.monotonic() + timeout
        with SearchIndex(index_path) as index:
            while not by_helper and time.monotonic() < deadline:
                by_helper.extend(index.indexed_pages(packet.sha256))
                time.sleep(0.02)

    complete = index_packet(packet, index_path, password, helper=True, meanwhile=wait_for_helper)
    return complete, len(by_helper)
