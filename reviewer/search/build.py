"""Building a packet's search index on two cores.

Two ways, each process with its own document and its own connection to the index database (WAL: one writer at a
time, short transactions), the packet marked built only by the calling process once every page is in (pages a
helper claimed but never wrote are indexed there, so a failing helper costs time, never pages):

* :func:`index_while_detecting` — a first open in the app: a helper process extracts every page's words (MuPDF's
  share of the work) for the structure detection running beside it, and both processes write the search text
  made from those same words (character boxes estimated: :func:`reviewer.search.extract.page_text_from_words`); the
  search answers then, and the helper refines the boxes to MuPDF's own afterwards, at a lower priority.
* :func:`index_packet` — an exact build (the CLI's ``search``): a helper indexes pages with per-character
  extraction from the END of the packet while this process runs ``meanwhile`` (a detection) and then indexes from
  the FRONT; the two meet wherever the work is balanced (pages claimed a few at a time from a shared pair of
  bounds).
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.bulk import collector_paused, second_process_context
from reviewer.document import Packet
from reviewer.search.extract import PageText, page_text_from_words
from reviewer.search.index import DAMAGE_ERRORS, ProgressCallback, SearchIndex
from reviewer.structure.layout import PageWords, page_words

if TYPE_CHECKING:
    from reviewer.structure.detect import WordsOf

log = logging.getLogger("reviewer.search")

HELPER_MIN_PAGES = 48  # below this a process start (about 0.3 s) costs more than half the pages
_CLAIM_PAGES = 8  # pages taken per claim: little contention on the bounds, little imbalance at the end
_STOP_WAIT = 2.0  # seconds a helper gets to finish its page after being told to stop
HELPER_NICENESS = 5  # the helper yields to the GUI process (and the detection) when the cores are busy
HELPER_STALL = 20.0  # seconds without an indexed page after which a helper still running is ended


def _told_to_stop(stop: Any, parent_pid: int) -> Callable[[], bool]:
    """A helper process's ``stopped()``: its parent set ``stop``, or the parent is gone."""
    return lambda: bool(stop.value) or os.getppid() != parent_pid


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


def _claims(bounds: Any, from_back: bool, stop: Callable[[], bool], count: int = _CLAIM_PAGES) -> Iterator[int]:
    """Pages claimed ``count`` at a time until none are left or ``stop()`` is true."""
    while not stop():
        pages = _take(bounds, count, from_back)
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

    stopped = _told_to_stop(stop, parent_pid)

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
        built = index.is_built(packet.sha256)
        if not built:
            if helper is None:
                helper = (os.cpu_count() or 1) >= 2 and total >= HELPER_MIN_PAGES
            if not helper:
                if meanwhile is not None:
                    meanwhile()
                return index.build(packet, progress, cancelled, force=True)
            index.forget(packet.sha256)  # before the helper writes its first page
    if built:
        if meanwhile is not None:
            meanwhile()
        if progress:
            progress(total, total)
        return True
    # No connection of this process is open while the helper is forked: SQLite's locks do not survive a fork.
    try:
        return _shared_build(packet, index_path, password, progress, cancelled, meanwhile)
    except DAMAGE_ERRORS:  # the file went bad while both wrote: start it again, alone
        with SearchIndex(index_path) as index:
            return index.build(packet, progress, cancelled, force=True)


def _shared_build(packet: Packet, index_path: str | os.PathLike[str] | None, password: str | None,
                  progress: ProgressCallback | None, cancelled: Callable[[], bool] | None,
                  meanwhile: Callable[[], None] | None) -> bool:
    sha, total = packet.sha256, packet.page_count
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
    index = SearchIndex(index_path)
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
            return _stopped(cancelled)

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
        _stop(process, stop)
        if not finished:  # cancelled or failed: nothing partial is kept
            index.forget(sha)
        index.close()


def _stop(process: Any, stop: Any) -> None:
    """Tell a helper still running to stop, give it :data:`_STOP_WAIT` seconds to finish its page, then end it."""
    if process.is_alive():
        stop.value = 1
        process.join(_STOP_WAIT)
        if process.is_alive():
            process.kill()
            process.join()


def index_watching_the_helper(packet: Packet, index_path: str | os.PathLike[str], password: str | None = None,
                              timeout: float = 60.0) -> tuple[bool, int]:
    """A first open's two-core pipeline (:func:`index_while_detecting` with its words helper), while this process
    takes every page's words as the detection does and then waits until the helper has indexed pages: (index
    complete, pages the helper wrote meanwhile; 0 when it wrote none within ``timeout``). The self-test's proof
    that this build can start the helper at all."""
    by_helper: list[int] = []

    def take_the_words_then_wait(words_of: WordsOf) -> None:
        for page in range(packet.page_count):
            words_of(page)
        deadline = time.monotonic() + timeout
        with SearchIndex(index_path) as index:
            while not by_helper and time.monotonic() < deadline:
                by_helper.extend(index.indexed_pages(packet.sha256))
                time.sleep(0.02)

    complete = index_while_detecting(packet, take_the_words_then_wait, index_path, password, helper=True)
    return complete, len(by_helper)


# ---- a first open: the structure and a quick index from one extraction of the words, on two cores ---------------

_SEND_PAGES = 4  # pages of words per message to the detecting process: little latency, few messages

# Helpers of earlier first opens still refining their index: stopped when the next first open starts.
_refining: list[tuple[Any, Any]] = []


def read_words(packet: Packet, index: int) -> PageWords:
    """Page ``index``'s words as the structure detector reads them; none for a page MuPDF cannot read."""
    try:
        return page_words(packet.doc[index])
    except Exception as exc:  # a damaged page (cycle in the page tree, missing object) has no words
        log.warning("page %d of %s unreadable for its words: %s", index, packet.name, type(exc).__name__)
        return []


def _index_words(index: SearchIndex, packet: Packet, words: dict[int, PageWords], pages: Iterable[int],
                 after_page: Callable[[], None] | None, stopped: Callable[[], bool]) -> bool:
    """Index ``pages`` from their words (the quick pass; a page whose words are not at hand is read) through
    :meth:`SearchIndex.index_pages`; False when ``stopped()`` said so between two pages."""
    def text_of(page: int) -> PageText:
        page_words = words.get(page)
        return page_text_from_words(page, page_words if page_words is not None else read_words(packet, page))

    return index.index_pages(packet, pages, after_page, stopped, text_of)


def _refine(index: SearchIndex, packet: Packet, stopped: Callable[[], bool] | None) -> None:
    try:
        index.refine(packet, stopped)
    except Exception:  # noqa: BLE001 - the index answers already: its estimated boxes only stay estimated
        log.exception("refining the search index of %s failed", packet.name)


def _words_helper_main(path: str, password: str | None, sha256: str, index_path: str | None, receiver: Any,
                       sender: Any, word_bounds: Any, bounds: Any, stop: Any, parent_pid: int) -> None:
    """The helper of a first open: the pages' words, claimed from the front of ``word_bounds`` in page order (the
    detecting process takes pages from the back while it would otherwise wait), sent to the detecting process;
    then pages claimed from the front of ``bounds`` indexed from those words (the quick pass) until the claims
    meet the detecting process's, and ``None`` sent; then, at a lower priority and on its own (the first open is
    over), the index refined to exact boxes (:meth:`SearchIndex.refine`) unless told to stop or its parent is
    gone."""
    from reviewer.document import open_pdf

    # The detecting process's end, which a forked helper holds a copy of: closed, so that a send blocked on a full
    # pipe fails once that process has closed its own (or died) instead of waiting for ever.
    receiver.close()

    stopped = _told_to_stop(stop, parent_pid)

    try:
        with collector_paused(), Packet(Path(path), open_pdf(path, password), sha256) as packet:
            words: dict[int, PageWords] = {}
            outgoing: list[tuple[int, PageWords]] = []
            for page in _claims(word_bounds, False, stopped, count=1):  # one by one, in page order
                words[page] = read_words(packet, page)
                outgoing.append((page, words[page]))
                if len(outgoing) >= _SEND_PAGES:
                    sender.send(outgoing)
                    outgoing = []
            if outgoing:
                sender.send(outgoing)
            with SearchIndex(index_path) as index:
                if not _index_words(index, packet, words, _claims(bounds, False, stopped), None, stopped):
                    return
                sender.send(None)
                sender.close()
                words.clear()  # (tens of MB for a thick packet, kept otherwise while the refining goes on)
                if hasattr(os, "nice"):
                    os.nice(HELPER_NICENESS)  # the member reads the packet meanwhile: the window goes first
                # The detecting process may still write its last pages: refine once it has marked the index built
                # (a failed or cancelled first open tells this helper to stop instead).
                while not index.is_built(sha256):
                    if stopped():
                        return
                    time.sleep(0.02)
                _refine(index, packet, stopped)
    except (BrokenPipeError, EOFError):  # the detecting process closed its end: it stopped (cancelled or failed)
        pass


def index_while_detecting(
    packet: Packet,
    detect: Callable[[WordsOf], None],
    index_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    helper: bool | None = None,
    on_ready: Callable[[], None] | None = None,
) -> bool:
    """A first open: run ``detect(words_of)`` (the structure detection, which takes each page's words from
    ``words_of(page)`` in page order) and build ``packet``'s search index from the same words (the quick pass:
    character boxes estimated), call ``on_ready()``, and leave the index to be refined to exact boxes
    (:meth:`SearchIndex.refine`) by the helper, or by a process started for it (:func:`refine_in_background`), which
    goes on after this function returns (at a lower priority; the next first open stops it, and a re-open refines
    what is left).

    ``helper=None``: on two cores, for a packet of at least :data:`HELPER_MIN_PAGES` pages, a helper process
    extracts the words (MuPDF's share of the work) in page order and sends them to the detection, which builds the
    lines and the structure here and reads pages itself from the back while it would wait; then both index pages
    from the words, the helper from the front and this process from the back. A helper that dies or stalls costs
    time, never pages: what it did not send is read here, what it did not write is indexed here. ``progress(done, total)`` counts the indexed pages once ``detect`` returns. Returns True
    when the index is complete (and marked built), False when ``cancelled()`` (nothing partial is kept). A built
    index is kept: then ``detect`` reads its own words.
    """
    total, sha = packet.page_count, packet.sha256
    _stop_refining()
    with SearchIndex(index_path) as index:
        built = index.is_built(sha)
        if not built:
            index.forget(sha)
    if helper is None:
        helper = (os.cpu_count() or 1) >= 2 and total >= HELPER_MIN_PAGES
    finished = helper_refines = False
    try:
        if built:
            with collector_paused():
                detect(lambda page: read_words(packet, page))
            if progress:
                progress(total, total)
            finished = True
        elif helper:
            # No connection of this process is open while the helper is forked: SQLite's locks do not survive it.
            finished, helper_refines = _detect_beside_the_helper(packet, detect, index_path, password, progress,
                                                                 cancelled)
        else:
            finished = _detect_then_index(packet, detect, index_path, progress, cancelled)
    finally:
        if not finished:  # cancelled or failed: nothing partial is kept
            with SearchIndex(index_path) as index:
                index.forget(sha)
    if not finished:
        return False
    if on_ready is not None:
        on_ready()
    if not helper_refines:  # (one core, or a helper that ended early): in a process of its own all the same,
        refine_left_pages(packet.path, password, sha, index_path)  # so that the worker is free for the next job
    return True


def refine_left_pages(path: str | os.PathLike[str], password: str | None, sha256: str,
                      index_path: str | os.PathLike[str] | None) -> None:
    """:func:`refine_in_background` when pages of ``sha256`` are still indexed from words (else nothing)."""
    with SearchIndex(index_path) as index:
        if not index.pages_to_refine(sha256):
            return
    refine_in_background(path, password, sha256, index_path)


def refine_in_background(path: str | os.PathLike[str], password: str | None, sha256: str,
                         index_path: str | os.PathLike[str] | None) -> Any:
    """Make the character boxes of ``sha256``'s pages still indexed from words exact (a first open without a
    helper, or whose helper was ended before it finished: the app was closed) in a second process at a lower
    priority, as the helper would have: the member reads the packet meanwhile. It stops at its next page when a
    first open starts or this process ends. Returns the process."""
    _stop_refining()
    context = second_process_context()
    stop = context.Value("b", 0)
    process = context.Process(target=_refine_main, name="pia-refine", daemon=True,
                              args=(os.fspath(path), password, sha256,
                                    os.fspath(index_path) if index_path is not None else None, stop, os.getpid()))
    process.start()
    _refining.append((process, stop))
    return process


def _refine_main(path: str, password: str | None, sha256: str, index_path: str | None, stop: Any,
                 parent_pid: int) -> None:
    from reviewer.document import open_pdf

    if hasattr(os, "nice"):
        os.nice(HELPER_NICENESS)

    stopped = _told_to_stop(stop, parent_pid)

    with collector_paused(), Packet(Path(path), open_pdf(path, password), sha256) as packet, \
            SearchIndex(index_path) as index:
        _refine(index, packet, stopped)


def wait_for_refining(timeout: float | None = None) -> None:
    """Wait until the processes refining character boxes in the background have ended (scripts and benchmarks
    that time other work afterwards)."""
    for process, _stop in list(_refining):
        process.join(timeout)


def _stop_refining() -> None:
    """Stop the helpers of earlier first opens still refining (they stop at their next page) and reap the ended."""
    for _process, stop in _refining:
        stop.value = 1
    _refining[:] = [(process, stop) for process, stop in _refining if process.is_alive()]


def _detect_then_index(packet: Packet, detect: Callable[[WordsOf], None],
                       index_path: str | os.PathLike[str] | None, progress: ProgressCallback | None,
                       cancelled: Callable[[], bool] | None) -> bool:
    total = packet.page_count
    words: dict[int, PageWords] = {}

    def words_of(page: int) -> PageWords:
        words[page] = read_words(packet, page)
        return words[page]

    done = [0]

    def after_page() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total)

    with collector_paused(), SearchIndex(index_path) as index:
        detect(words_of)
        if not _index_words(index, packet, words, range(total), after_page, lambda: _stopped(cancelled)):
            return False
        index.finish_build(packet)
    return True


def _stopped(cancelled: Callable[[], bool] | None) -> bool:
    return cancelled is not None and cancelled()


class _FromTheHelper:
    """This side of the pipe from the words helper: the pages' words as they arrive, and whether it has ended.

    ``progress()`` reads the helper's claims (its front of the words' and of the index's bounds): a helper whose
    claims have not moved for :data:`HELPER_STALL` seconds is stuck (a silent pipe alone is not: it sends nothing
    while it indexes)."""

    def __init__(self, receiver: Any, process: Any, name: str, progress: Callable[[], tuple[int, int]]) -> None:
        self.receiver, self.process, self.name, self.progress = receiver, process, name, progress
        self.words: dict[int, PageWords] = {}
        self.done = False  # it sent every page and indexed its claims
        self.gone = False  # it ended (or was ended) without saying so
        self._last = time.monotonic()
        self._claims = progress()

    @property
    def ended(self) -> bool:
        return self.done or self.gone

    def take(self, wait: float) -> None:
        """Take one message if one comes within ``wait`` seconds; end a helper silent for :data:`HELPER_STALL`."""
        if self.ended:
            return
        try:
            if not self.receiver.poll(wait):
                claims = self.progress()
                if claims != self._claims:
                    self._claims, self._last = claims, time.monotonic()
                elif time.monotonic() - self._last > HELPER_STALL:
                    log.warning("words helper for %s stuck for %.0f s; ending it", self.name, HELPER_STALL)
                    self.process.kill()
                    self.process.join()  # (a transaction it was writing is then in, or not: no page half-written)
                    self.gone = True
                return
            message = self.receiver.recv()
        except (EOFError, OSError):  # the pipe ended without the last message: the helper died
            log.warning("words helper for %s ended early (exit code %s)", self.name, self.process.exitcode)
            self.gone = True
            return
        self._last = time.monotonic()
        if message is None:
            self.done = True
        else:
            self.words.update(message)


def _detect_beside_the_helper(packet: Packet, detect: Callable[[WordsOf], None],
                              index_path: str | os.PathLike[str] | None, password: str | None,
                              progress: ProgressCallback | None,
                              cancelled: Callable[[], bool] | None) -> tuple[bool, bool]:
    """(index complete, the helper goes on refining it)."""
    sha, total = packet.sha256, packet.page_count
    context = second_process_context()
    receiver, sender = context.Pipe(duplex=False)
    word_bounds = context.Array("i", [0, total])  # pages whose words are not claimed yet
    bounds = context.Array("i", [0, total])  # pages not claimed for the index yet
    stop = context.Value("b", 0)
    started = time.perf_counter()
    process = context.Process(
        target=_words_helper_main, name="pia-words-helper", daemon=True,
        args=(os.fspath(packet.path), password, sha, os.fspath(index_path) if index_path is not None else None,
              receiver, sender, word_bounds, bounds, stop, os.getpid()))
    process.start()
    sender.close()  # the helper's end: its exit then reads as the end of the pipe here
    helper = _FromTheHelper(receiver, process, packet.name, lambda: (word_bounds[0], bounds[0]))

    def stopped() -> bool:
        return _stopped(cancelled)

    def read_one_here(wanted: int | None) -> None:
        """Instead of only waiting for the helper, read a page here: ``wanted`` when the helper has not claimed it
        yet (it is starting), else the last unclaimed page (the detection needs less time per page than MuPDF)."""
        with word_bounds.get_lock():
            low, high = word_bounds[0], word_bounds[1]
            mine = low if low == wanted else high - 1 if high > low else None
            if mine == low:
                word_bounds[0] = low + 1
            elif mine is not None:
                word_bounds[1] = mine
        if mine is None:
            helper.take(0.05)
        else:
            helper.words[mine] = read_words(packet, mine)
            helper.take(0.0)

    def words_of(page: int) -> PageWords:
        while page not in helper.words and not helper.ended and not stopped():
            read_one_here(page)
        found = helper.words.get(page)
        if found is None:  # the helper is gone (or the job cancelled: the detection stops at its next page)
            found = helper.words[page] = [] if stopped() else read_words(packet, page)
        return found

    finished = False
    try:
        with collector_paused(), SearchIndex(index_path) as index:
            detect(words_of)
            while not (helper.ended or len(helper.words) == total):  # the outline came from its cache
                if stopped():
                    return False, False
                read_one_here(None)
            indexed = [0]

            def after_page() -> None:
                indexed[0] += 1
                if progress:
                    progress(indexed[0], total)

            # From the back: this process has every page's words, the helper only those it read (the front).
            if not _index_words(index, packet, helper.words, _claims(bounds, True, stopped), after_page, stopped):
                return False, False
            while not helper.ended:  # its last claim is being written
                if stopped():
                    return False, False
                helper.take(0.05)
            missing = sorted(set(range(total)) - index.indexed_pages(sha))
            if missing:
                log.warning("words helper for %s left %d pages unindexed; indexing them here", packet.name,
                            len(missing))
                if not _index_words(index, packet, helper.words, missing, None, stopped):
                    return False, False
            index.finish_build(packet)
        finished = True
        if progress:
            progress(total, total)
        log.info("structure and quick index of %s on two cores: %d pages in %.2f s", packet.name, total,
                 time.perf_counter() - started)
        return True, helper.done
    finally:
        receiver.close()
        if finished and helper.done:  # the helper goes on refining the index on its own
            _refining.append((process, stop))
        else:
            _stop(process, stop)
