"""The whole-packet work done after a packet is opened: structure detection and search indexing.

Plain functions for the GUI's worker process (``ui.ops.Op.run_in_process``) and for scripts. PyMuPDF documents are
not shared between threads or processes, so a job opens its own :class:`~reviewer.document.Packet`; the jobs accept
the ``progress(done, total)``, ``cancelled()`` and ``partial_result(value)`` hooks the worker passes in.

* :func:`analyze_job` — a packet opened for the first time: ONE open, ONE hash and ONE extraction of the words for
  both steps; on two cores a helper process extracts the words, hands them to the detection here and indexes them
  for search meanwhile. The outline, then :class:`IndexReady`, are handed over (``partial_result``) as soon as each is
  known; the index's character boxes are made exact afterwards (:meth:`SearchIndex.refine`) by a process of
  lower priority that outlives the job, the search usable throughout.
* :func:`cached_analysis` — a packet seen before: its hash from :mod:`reviewer.quick_identity` (path, size, mtime;
  the file is not read), its outline from the detector's JSON cache and its index state, cheap enough for the GUI
  thread right after the first paint; :func:`confirm_job` then hashes the file in the worker to check the guess.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewer.structure.model import Outline

if TYPE_CHECKING:
    from reviewer.document import Packet
    from reviewer.structure.detect import WordsOf
    from reviewer.structure.layout import PageWords, WordLines

log = logging.getLogger("reviewer.analysis")

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
PartialResult = Callable[[Any], None]
PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class IndexReady:
    """:func:`analyze_job`'s partial result once the search index answers (its character boxes are refined after)."""

    sha256: str


@dataclass(frozen=True, slots=True)
class CachedAnalysis:
    """What a packet seen before already has: its (remembered) hash and outline; its search index is built."""

    sha256: str
    outline: Outline


def detect_job(path: str, password: str | None, profile: str | None = None, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Outline:
    """Open the packet and detect its structure (cached per file by the detector)."""
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline_cached

    with Packet.open(path, password) as packet:
        return detect_outline_cached(packet, profile, progress=progress, cancelled=cancelled)


def index_job(path: str, password: str | None, index_path: str | None = None, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> str:
    """Build the packet's search index (skipped when already built); returns the packet's sha256."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex

    with Packet.open(path, password) as packet, SearchIndex(index_path) as index:
        index.build(packet, progress=progress, cancelled=cancelled)
        return packet.sha256


def analyze_job(path: str, password: str | None, profile: str | None = None, index_path: str | None = None,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                partial_result: PartialResult | None = None, helper: bool | None = None) -> str:
    """Detect the structure and build the search index on one open of the packet; returns its sha256.

    ``partial_result`` receives the :class:`Outline` as soon as it is known — or, when detection failed, the
    error (a ReviewerError, or a RuntimeError naming the bug: the worker logs its traceback) — and the index is
    built all the same; then :class:`IndexReady` once the index answers (its character boxes are refined by a
    process that goes on after the job has returned). ``progress`` counts the pages of detection
    first, then the indexed pages. The file's hash is remembered for the next open (:mod:`reviewer.quick_identity`).
    Raises ReviewerError when the packet cannot be opened; a cancelled job returns early (detection raises
    DetectionCancelled). On two cores a helper process extracts the words (``helper``: see
    :func:`reviewer.search.build.index_while_detecting`).
    """
    from reviewer import quick_identity
    from reviewer.document import Packet
    from reviewer.errors import ReviewerError
    from reviewer.search.build import index_while_detecting
    from reviewer.structure.detect import DetectionCancelled, detect_outline_cached

    before = quick_identity.FileKey.of(path)
    # The pages' words and lines the detection read, kept for the comparison's rows (cached after the search is ready)
    words: dict[int, PageWords] = {}
    lines: dict[int, WordLines] = {}
    detected: list[Outline] = []
    with Packet.open(path, password) as packet:
        try:
            quick_identity.settle(path, packet.sha256, before, profile, quick_identity.lookup(path, profile))
        except OSError as exc:  # the record is a shortcut: the next open just hashes again
            log.warning("could not remember the identity of %s: %s", packet.name, exc)

        def detect(words_of: WordsOf) -> None:
            outcome: Any
            try:
                outcome = detect_outline_cached(packet, profile, progress=progress, cancelled=cancelled,
                                                words_of=words_of, keep_words=words, keep_lines=lines)
                detected.append(outcome)
            except DetectionCancelled:
                raise
            except ReviewerError as exc:
                outcome = exc
            except Exception as exc:  # noqa: BLE001 - a detector bug must not cost the member the search
                log.exception("structure detection failed on %s", packet.name)
                outcome = RuntimeError(f"{type(exc).__name__}: {exc}")
            if partial_result is not None:
                partial_result(outcome)

        def ready() -> None:
            if partial_result is not None:
                partial_result(IndexReady(packet.sha256))

        if index_while_detecting(packet, detect, index_path, password, progress, cancelled, helper, on_ready=ready) \
                and detected and words:
            cache_rows(packet, detected[0], profile, words, lines, cancelled)
        return packet.sha256


def cache_rows(packet: Packet, outline: Outline, profile: PathLike | None, words: dict[int, PageWords],
               lines: dict[int, WordLines], cancelled: Cancelled | None = None) -> None:
    """Read and cache the rows of the packet's reports from the words the detection read, so that a later
    comparison with another version (the second meeting) starts from the cache instead of the PDF: about a fifth
    of the first open's work, done after the search is ready. A failure only costs that later comparison time."""
    from reviewer.compare.rows import ComparisonCancelled, read_rows_cached

    if not any(document.is_report for document in outline.documents):
        return
    try:
        read_rows_cached(packet.doc, outline, profile, cancelled=cancelled, words=words, lines=lines)
    except ComparisonCancelled:
        pass
    except Exception:  # noqa: BLE001 - a bug here must not fail the open; the comparison reads the rows itself
        log.exception("could not cache the rows of %s", packet.name)


def read_cached_outline(sha256: str, profile: PathLike | None = None) -> Outline | None:
    """The detector's cached outline of the file ``sha256`` (this detector version), or None."""
    from reviewer.structure.cache import DETECTOR_VERSION, cache_path

    path = cache_path(sha256, profile)
    try:
        outline = Outline.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt by the next detection
        log.warning("ignoring unreadable outline cache %s", path)
        return None
    if outline.sha256 != sha256 or outline.detector_version != DETECTOR_VERSION:
        return None
    return outline


def cached_analysis(path: PathLike, profile: PathLike | None = None,
                    index_path: PathLike | None = None) -> CachedAnalysis | None:
    """The outline and a built index of a packet seen before, without reading the PDF; None when anything is
    missing (then :func:`analyze_job` does the work). The hash is the one remembered for the file's path, size and
    mtime: check it with :func:`confirm_job`."""
    from reviewer import quick_identity

    sha256 = quick_identity.lookup(path, profile)
    if sha256 is None:
        return None
    outline = read_cached_outline(sha256, profile)
    if outline is None:
        return None
    from reviewer.errors import ReviewerError
    from reviewer.search import SearchIndex

    try:
        with SearchIndex(index_path) as index:
            built = index.is_built(sha256)
    except ReviewerError as exc:
        log.warning("search index unreadable: %s", exc.message_en)
        return None
    return CachedAnalysis(sha256, outline) if built else None


def confirm_job(path: str, profile: str | None = None, password: str | None = None,
                index_path: str | None = None) -> str:
    """Hash the file for real (the remembered hash is brought up to date); returns the real sha256. With
    ``index_path``, a packet whose hash is confirmed and whose index still has pages from the quick first pass (the
    app was closed before they were refined) gets them refined in the background
    (:func:`reviewer.search.build.refine_in_background`)."""
    from reviewer import quick_identity

    confirmed = quick_identity.confirm(path, profile)
    if index_path is not None and confirmed.remembered == confirmed.sha256:
        _refine_left_pages(path, password, confirmed.sha256, index_path)
    return confirmed.sha256


def _refine_left_pages(path: str, password: str | None, sha256: str, index_path: str) -> None:
    from reviewer.search.build import refine_left_pages

    try:
        refine_left_pages(path, password, sha256, index_path)
    except Exception:  # noqa: BLE001 - the index answers already; its estimated boxes only stay estimated
        log.exception("refining the search index of %s failed", path)
