"""reviewer.analysis: one open and one hash of a packet for detection AND indexing, the outline handed over before
the index is built, and a packet seen before ready from the caches without reading the PDF (no Qt)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from reviewer import analysis, quick_identity
from reviewer.analysis import IndexReady, analyze_job, cached_analysis, confirm_job, read_cached_outline
from reviewer.document import file_sha256
from reviewer.search import SearchIndex
from reviewer.structure.cache import cache_path
from reviewer.structure.model import Outline


def _analysed(path: Path, profile: Path) -> tuple[str, list[Any], list[tuple[int, int]]]:
    partials: list[Any] = []
    progress: list[tuple[int, int]] = []
    sha = analyze_job(str(path), None, str(profile), str(profile / "search-index.db"),
                      progress=lambda done, total: progress.append((done, total)), partial_result=partials.append)
    return sha, partials, progress


def test_first_open_detects_then_indexes_on_one_open_and_one_hash(
        small_packet: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.document as document

    path, truth = small_packet
    opens: list[str] = []
    hashes: list[str] = []
    real_open, real_hash = document.open_pdf, document.file_sha256
    events: list[str] = []
    index_path = tmp_path / "search-index.db"
    real_write = SearchIndex.write_pages

    def counted_open(p: Any, pw: str | None = None) -> Any:
        opens.append(str(p))
        return real_open(p, pw)

    def counted_hash(p: Any) -> str:
        hashes.append(str(p))
        return real_hash(p)

    def noted_write(self: SearchIndex, *args: Any, **kwargs: Any) -> None:
        if events[-1:] != ["index"]:
            events.append("index")
        real_write(self, *args, **kwargs)

    monkeypatch.setattr(document, "open_pdf", counted_open)
    monkeypatch.setattr(document, "file_sha256", counted_hash)
    monkeypatch.setattr(SearchIndex, "write_pages", noted_write)

    def partial(outcome: Any) -> None:
        events.append("ready" if isinstance(outcome, IndexReady) else "outline")
        partials.append(outcome)

    partials: list[Any] = []
    progress: list[tuple[int, int]] = []
    # Alone (the two-core build opens the PDF once more in its helper process: tests/core/test_search_build.py).
    sha = analyze_job(str(path), None, str(tmp_path), str(index_path),
                      progress=lambda done, total: progress.append((done, total)), partial_result=partial,
                      helper=False)

    assert sha == real_hash(path)
    assert len(opens) == 1 and len(hashes) == 1
    # The outline is delivered before indexing starts, the index's readiness once its pages are written.
    assert events == ["outline", "index", "ready"]
    outline, ready = partials
    assert ready == IndexReady(sha)
    assert isinstance(outline, Outline) and outline.sha256 == sha and outline.pages == truth.pages
    assert outline.found_report
    # Progress counts detection's pages, then indexing's: two runs up to the page count.
    finished = [i for i, (done, total) in enumerate(progress) if done == total == truth.pages]
    assert len(finished) >= 2
    with SearchIndex(index_path) as index:
        assert index.is_built(sha)
    assert cache_path(sha, tmp_path).is_file()
    assert quick_identity.lookup(path, tmp_path) == sha  # remembered for the next open


def test_a_detector_failure_still_builds_the_index(small_packet: tuple[Path, Any], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.structure.detect as detect

    def broken(*_args: Any, **_kwargs: Any) -> Outline:
        raise ValueError("detector bug")

    monkeypatch.setattr(detect, "detect_outline_cached", broken)
    path, _truth = small_packet
    sha, partials, _progress = _analysed(path, tmp_path)
    failure, ready = partials
    assert ready == IndexReady(sha)
    assert isinstance(failure, RuntimeError) and "ValueError: detector bug" in str(failure)
    with SearchIndex(tmp_path / "search-index.db") as index:
        assert index.is_built(sha)


def test_a_packet_seen_before_is_ready_from_the_caches_without_reading_it(
        small_packet: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pymupdf

    import reviewer.document as document

    source, _truth = small_packet
    path = tmp_path / "packet.pdf"
    shutil.copyfile(source, path)
    profile = tmp_path / "profile"
    index_path = profile / "search-index.db"
    assert cached_analysis(path, profile, index_path) is None  # never seen
    sha, [outline, _ready], _progress = _analysed(path, profile)

    def no_reading(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the PDF was read")

    monkeypatch.setattr(pymupdf, "open", no_reading)
    monkeypatch.setattr(document, "file_sha256", no_reading)
    cached = cached_analysis(path, profile, index_path)
    assert cached is not None and cached.sha256 == sha
    assert cached.outline.to_json() == outline.to_json()
    # Any of the three missing: the work is done again.
    assert cached_analysis(path, profile, profile / "other-index.db") is None
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert cached_analysis(path, profile, index_path) is None


def test_a_packet_seen_before_is_ready_without_importing_pymupdf(small_packet: tuple[Path, Any],
                                                                tmp_path: Path) -> None:
    """The window imports PyMuPDF only after the first page is on screen; a re-open's outline and index state must
    not wait for that import (0.1-0.2 s)."""
    import subprocess
    import sys

    path, _truth = small_packet
    profile = tmp_path / "profile"
    sha, _partials, _progress = _analysed(path, profile)
    probe = ("import sys\nfrom reviewer.analysis import cached_analysis\n"
             f"cached = cached_analysis({str(path)!r}, {str(profile)!r}, {str(profile / 'search-index.db')!r})\n"
             "print(cached.sha256 if cached else None, len(cached.outline.documents) if cached else 0,"
             " 'pymupdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    found, documents, pymupdf_imported = out.stdout.split()
    assert found == sha and int(documents) > 0
    assert pymupdf_imported == "False"


def test_an_outline_cache_of_another_detector_version_is_not_taken(small_packet: tuple[Path, Any],
                                                                   tmp_path: Path) -> None:
    path, _truth = small_packet
    sha, _partials, _progress = _analysed(path, tmp_path)
    assert read_cached_outline(sha, tmp_path) is not None
    cache = cache_path(sha, tmp_path)
    cache.write_text(cache.read_text(encoding="utf-8").replace('"detector_version": ', '"detector_version": 9'),
                     encoding="utf-8")
    assert read_cached_outline(sha, tmp_path) is None
    cache.write_text("{not json", encoding="utf-8")
    assert read_cached_outline(sha, tmp_path) is None
    assert cached_analysis(path, tmp_path, tmp_path / "search-index.db") is None


def test_confirm_finds_a_file_rewritten_with_its_old_size_and_time(tmp_path: Path) -> None:
    path = tmp_path / "packet.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"a" * 1000)
    first = confirm_job(str(path), str(tmp_path))
    assert first == file_sha256(path) and quick_identity.lookup(path, tmp_path) == first
    stamp = path.stat()
    path.write_bytes(b"%PDF-1.7\n" + b"b" * 1000)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert quick_identity.lookup(path, tmp_path) == first  # the shortcut cannot tell
    second = confirm_job(str(path), str(tmp_path))
    assert second == file_sha256(path) != first
    assert quick_identity.lookup(path, tmp_path) == second


def test_settle_drops_the_record_of_a_file_changed_while_hashed(tmp_path: Path) -> None:
    path = tmp_path / "packet.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"a" * 1000)
    before = quick_identity.FileKey.of(path)
    sha = file_sha256(path)
    assert quick_identity.settle(path, sha, before, tmp_path)
    assert quick_identity.lookup(path, tmp_path) == sha
    path.write_bytes(b"%PDF-1.7\n" + b"a" * 1001)  # changed after hashing began
    assert not quick_identity.settle(path, sha, before, tmp_path)
    assert quick_identity.lookup(path, tmp_path) is None
    assert not analysis.read_cached_outline(sha, tmp_path)


@pytest.mark.parametrize("helper", [False, True], ids=["alone", "beside-the-helper"])
def test_a_first_open_caches_the_rows_a_later_comparison_reads_instead_of_the_pdf(
        small_packet: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: bool) -> None:
    from reviewer.compare import rows as rows_module
    from reviewer.compare.service import load_version
    from reviewer.structure import layout
    from reviewer.structure.cache import DETECTOR_VERSION

    path, _truth = small_packet
    sha = analyze_job(str(path), None, str(tmp_path), str(tmp_path / "search-index.db"), helper=helper)
    assert rows_module.rows_cache_path(sha, DETECTOR_VERSION, tmp_path).is_file()
    cold = load_version(path, cache=False)

    def no_extraction(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the comparison read the PDF's words again")

    monkeypatch.setattr(layout, "page_words", no_extraction)
    monkeypatch.setattr(rows_module, "read_rows", no_extraction)
    cached = load_version(path, tmp_path)
    for piece in (piece for report in cold.reports for row in report.rows for piece in row.pieces):
        piece.key  # noqa: B018 - computed when first asked for; the cache holds them computed
    assert cached.reports and rows_module.pack_rows(cached.reports, cached.outline) == rows_module.pack_rows(
        cold.reports, cold.outline)
