"""The comparison's work, counted rather than timed: every page's words are extracted once per comparison, the two
files are read in two processes with the same result as one after the other, and a cancel or a failure in the
second process reaches the caller."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.compare.rows import pack_rows, rows_cache_path, unpack_rows
from reviewer.compare.service import compare_versions, load_version, load_versions
from reviewer.samples.revision import generate_revision_pair
from reviewer.structure.cache import DETECTOR_VERSION


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    old, new, _ = generate_revision_pair(tmp_path_factory.mktemp("speed-pair"), "revised")
    return old, new


@pytest.fixture
def word_extractions(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts MuPDF ``get_text("words")`` calls in this process, per file name."""
    counts: Counter[str] = Counter()
    original: Callable[..., Any] = pymupdf.Page.get_text

    def counting(page: Any, option: str = "text", *args: Any, **kwargs: Any) -> Any:
        if option == "words":
            counts[Path(page.parent.name).name] += 1
        return original(page, option, *args, **kwargs)

    monkeypatch.setattr(pymupdf.Page, "get_text", counting)
    yield counts


def _page_count(path: Path) -> int:
    with pymupdf.open(path) as doc:
        return int(doc.page_count)


def test_each_page_is_read_once_for_structure_and_rows(
        pair: tuple[Path, Path], word_extractions: Counter[str]) -> None:
    old, _ = pair
    version = load_version(old, cache=False)
    assert sum(len(r.rows) for r in version.reports) > 100
    # The structure detector reads every page; the rows reuse those words instead of extracting them again.
    assert word_extractions == Counter({old.name: _page_count(old)})


def test_two_processes_give_the_same_comparison_and_split_the_reading(
        pair: tuple[Path, Path], word_extractions: Counter[str]) -> None:
    old, new = pair
    sequential = compare_versions(*load_versions(old, new, cache=False, parallel=False))
    assert word_extractions == Counter({old.name: _page_count(old), new.name: _page_count(new)})
    word_extractions.clear()
    parallel = compare_versions(*load_versions(old, new, cache=False, parallel=True))
    # Only the old file was read in this process: the new one was read by the second process.
    assert word_extractions == Counter({old.name: _page_count(old)})
    assert parallel.to_json() == sequential.to_json()
    assert len(parallel.changes()) >= 5


def test_the_second_process_can_be_spawned(pair: tuple[Path, Path], word_extractions: Counter[str]) -> None:
    """A process with other threads (the GUI's worker) spawns a fresh interpreter instead of forking."""
    old, new = pair
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="busy")
    other.start()
    try:
        loaded_old, loaded_new = load_versions(old, new, cache=False, parallel=True)
    finally:
        release.set()
        other.join()
    assert word_extractions == Counter({old.name: _page_count(old)})
    here = load_version(new, cache=False)
    assert (loaded_new.sha256, loaded_new.pages) == (here.sha256, here.pages)
    assert pack_rows(loaded_new.reports, loaded_new.outline) == pack_rows(here.reports, here.outline)
    assert compare_versions(loaded_old, loaded_new).to_json() == compare_versions(loaded_old, here).to_json()


def test_packed_rows_come_back_equal(pair: tuple[Path, Path]) -> None:
    version = load_version(pair[0], cache=False)
    packed = pack_rows(version.reports, version.outline)
    back = unpack_rows(packed, version.outline)
    assert [r.document for r in back] == [r.document for r in version.reports]
    assert [[(row.path, row.heading, row.pieces) for row in r.rows] for r in back] == [
        [(row.path, row.heading, row.pieces) for row in r.rows] for r in version.reports]


def test_the_rows_cache_gives_back_the_rows_read_from_the_pdf(pair: tuple[Path, Path], tmp_path: Path) -> None:
    """The rows cache (packed lists in JSON, keys included) reads back exactly what the PDF gave; one written for
    other reports (another outline of the same file) is not used."""
    import json

    from reviewer.compare.rows import read_rows_cached
    from reviewer.document import Packet

    def as_tuples(reports: list[Any]) -> list[Any]:
        return [(id(r.document), [(row.path, row.heading, [(p.page, p.x0, p.y0, p.x1, p.y1, p.text, p.label, p.key)
                                                           for p in row.pieces]) for row in r.rows]) for r in reports]

    version = load_version(pair[0], cache=False)
    with Packet.open(pair[0]) as packet:
        written = read_rows_cached(packet.doc, version.outline, tmp_path)
        cache = rows_cache_path(version.sha256, DETECTOR_VERSION, tmp_path)
        first_report = json.loads(cache.read_text("utf-8"))[0]
        index, [path, heading, [piece, *_], *_] = first_report[0], first_report[1][0]  # lists, not objects
        assert isinstance(index, int) and len(path) == 5 and isinstance(heading, bool) and len(piece) == 8
        read_back = read_rows_cached(packet.doc, version.outline, tmp_path)
        assert as_tuples(read_back) == as_tuples(written) == as_tuples(version.reports)
        assert all(p.norm_text for r in read_back for row in r.rows for p in row.pieces if p.text)
        packed = json.loads(cache.read_text("utf-8"))
        cache.write_text(json.dumps(packed[1:]), "utf-8")  # a report short: written for another outline
        assert as_tuples(read_rows_cached(packet.doc, version.outline, tmp_path)) == as_tuples(version.reports)
        assert len(json.loads(cache.read_text("utf-8"))) == len(packed)  # and written again


def test_a_cancel_while_the_other_file_is_read_stops_that_process(
        pair: tuple[Path, Path], sample_packet: tuple[Path, object], tmp_path: Path) -> None:
    from reviewer.compare.rows import ComparisonCancelled
    from reviewer.document import file_sha256

    old, _ = pair
    bigger = sample_packet[0]  # ~250 pages: still being read when the small old file is done
    old_rows = rows_cache_path(file_sha256(old), DETECTOR_VERSION, tmp_path)
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(old_rows.is_file())
        return asked[-1]  # as soon as this process has read (and cached) the old file

    with pytest.raises(ComparisonCancelled):
        load_versions(old, bigger, tmp_path, cancelled=cancelled, parallel=True)
    assert asked.count(True) == 1
    # The old file's rows were cached by this process; the other process was stopped before it wrote its rows.
    assert old_rows.is_file()
    assert not rows_cache_path(file_sha256(bigger), DETECTOR_VERSION, tmp_path).exists()


def test_a_failure_in_the_second_process_is_raised_as_it_is(pair: tuple[Path, Path], tmp_path: Path) -> None:
    not_a_pdf = tmp_path / "minutes.pdf"
    not_a_pdf.write_bytes(b"this is a meeting's minutes, not a PDF\n")
    with pytest.raises(Exception) as alone:
        load_version(not_a_pdf, cache=False)
    with pytest.raises(type(alone.value)) as beside:
        load_versions(pair[0], not_a_pdf, cache=False, parallel=True)
    assert str(beside.value) == str(alone.value)


def test_cached_versions_are_not_read_again(
        pair: tuple[Path, Path], tmp_path: Path, word_extractions: Counter[str]) -> None:
    old, new = pair
    first = compare_versions(*load_versions(old, new, tmp_path))
    word_extractions.clear()
    again = compare_versions(*load_versions(old, new, tmp_path))
    assert word_extractions == Counter()  # structure and rows of both from the profile's cache
    assert again.to_json() == first.to_json()


@pytest.mark.parametrize("parallel", [True, False])
def test_one_progress_bar_over_both_files(pair: tuple[Path, Path], parallel: bool) -> None:
    old, new = pair
    reported: list[tuple[int, int]] = []
    load_versions(old, new, cache=False, parallel=parallel,
                  progress=lambda done, total: reported.append((done, total)))
    assert {total for _, total in reported} == {4000}
    assert reported[-1] == (4000, 4000)
    values = [done for done, _ in reported]
    assert values == sorted(values)  # the bar never goes back
    assert len(set(values)) > 20 and values[len(values) // 2] < 4000
