"""reviewer.search.build: the search index built on two cores (a helper process indexes from the back while this
process detects the structure, then indexes from the front) is the same index as one built alone; a helper that
dies costs no page; a cancel or a failure keeps nothing."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from reviewer.analysis import IndexReady, analyze_job
from reviewer.document import Packet
from reviewer.search import SearchIndex
from reviewer.search import build as search_build
from reviewer.search.build import index_packet
from reviewer.structure.model import Outline

COLUMNS = "page, source, norm, starts, boxes, line_starts, line_tops"


def _rows(index_path: Path, sha: str) -> list[tuple[Any, ...]]:
    with SearchIndex(index_path) as index:
        return index._rows(f"SELECT {COLUMNS} FROM pages WHERE sha256=? ORDER BY page", (sha,))


def _wait_for_helper_pages(index_path: Path, sha: str, timeout: float = 30.0) -> set[int]:
    """Block (as a long structure detection would) until the helper has written pages; they are returned."""
    deadline = time.monotonic() + timeout
    with SearchIndex(index_path) as index:
        while time.monotonic() < deadline:
            pages = index.indexed_pages(sha)
            if pages:
                return pages
            time.sleep(0.02)
    raise AssertionError("the helper wrote no page")


def test_two_cores_give_the_same_index_as_one(small_packet: tuple[Path, Any], tmp_path: Path) -> None:
    path, truth = small_packet
    alone, shared = tmp_path / "alone.db", tmp_path / "shared.db"
    with Packet.open(path) as packet:
        assert packet.page_count >= search_build.HELPER_MIN_PAGES
        assert index_packet(packet, alone, helper=False)
        helper_pages: set[int] = set()
        progress: list[tuple[int, int]] = []
        assert index_packet(packet, shared, progress=lambda d, t: progress.append((d, t)),
                            meanwhile=lambda: helper_pages.update(_wait_for_helper_pages(shared, packet.sha256)),
                            helper=True)
        sha = packet.sha256
    # The helper indexed from the back while "detection" ran here.
    assert helper_pages and max(helper_pages) == truth.pages - 1
    assert _rows(shared, sha) == _rows(alone, sha)
    assert len(_rows(shared, sha)) == truth.pages
    assert progress[-1] == (truth.pages, truth.pages)
    assert all(0 <= d <= t for d, t in progress)
    with SearchIndex(shared) as index, SearchIndex(alone) as reference:
        assert index.is_built(sha)
        hits = [(h.page, h.start) for h in index.search(sha, "特定個人情報ファイル")]
        assert hits and hits == [(h.page, h.start) for h in reference.search(sha, "特定個人情報ファイル")]


def _helper_dies_after_claiming(path: str, password: str | None, sha256: str, index_path: str | None,
                                bounds: Any, stop: Any, done: Any, parent_pid: int) -> None:
    """A helper that claims two chunks of pages from the back, writes nothing and dies."""
    search_build._take(bounds, 8, True)
    search_build._take(bounds, 8, True)
    os._exit(3)


def _helper_hangs_after_claiming(path: str, password: str | None, sha256: str, index_path: str | None,
                                 bounds: Any, stop: Any, done: Any, parent_pid: int) -> None:
    """A helper that claims a chunk and then hangs (as one stuck in its start-up would)."""
    search_build._take(bounds, 8, True)
    time.sleep(3600)


@pytest.mark.parametrize("helper_main", [_helper_dies_after_claiming, _helper_hangs_after_claiming],
                         ids=["dies", "hangs"])
def test_a_helper_that_dies_or_hangs_costs_no_page(small_packet: tuple[Path, Any], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, helper_main: Any) -> None:
    monkeypatch.setattr(search_build, "second_process_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(search_build, "_helper_main", helper_main)
    monkeypatch.setattr(search_build, "HELPER_STALL", 0.5)  # a hung helper is ended, its pages indexed here
    path, truth = small_packet
    index_path = tmp_path / "index.db"
    with Packet.open(path) as packet:
        assert index_packet(packet, index_path, helper=True)
        sha = packet.sha256
    with SearchIndex(index_path) as index:
        assert index.is_built(sha)
        assert index.indexed_pages(sha) == set(range(truth.pages))


def test_a_cancel_or_a_failure_meanwhile_keeps_nothing(small_packet: tuple[Path, Any], tmp_path: Path) -> None:
    path, _truth = small_packet
    index_path = tmp_path / "index.db"
    with Packet.open(path) as packet:
        sha = packet.sha256
        assert not index_packet(packet, index_path, helper=True, cancelled=lambda: True,
                                meanwhile=lambda: _wait_for_helper_pages(index_path, sha) and None)

        def detector_bug() -> None:
            _wait_for_helper_pages(index_path, sha)
            raise ValueError("detector bug")

        with pytest.raises(ValueError):
            index_packet(packet, index_path, helper=True, meanwhile=detector_bug)
    with SearchIndex(index_path) as index:
        assert not index.is_built(sha)
        assert index.indexed_pages(sha) == set()


def test_first_open_on_two_cores_hands_the_outline_over_before_the_index_is_built(small_packet: tuple[Path, Any],
                                                                     tmp_path: Path) -> None:
    path, truth = small_packet
    index_path = tmp_path / "index.db"
    partials: list[Any] = []
    built_when_outline_arrived: list[bool] = []

    def partial(outcome: Any) -> None:
        with SearchIndex(index_path) as index:
            built_when_outline_arrived.append(index.is_built(outcome.sha256))
        partials.append(outcome)

    sha = analyze_job(str(path), None, str(tmp_path), str(index_path), partial_result=partial, helper=True)
    [outline, ready] = partials
    assert isinstance(outline, Outline) and outline.pages == truth.pages and outline.found_report
    assert isinstance(ready, IndexReady) and ready.sha256 == sha
    assert built_when_outline_arrived == [False, True]
    with SearchIndex(index_path) as index:
        assert index.is_built(sha) and index.indexed_pages(sha) == set(range(truth.pages))


ORPHAN_SCRIPT = """
import multiprocessing, sys, time
from reviewer.document import Packet
from reviewer.search.build import index_packet

def meanwhile():
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(3600)

with Packet.open(sys.argv[1]) as packet:
    index_packet(packet, sys.argv[2], helper=True, meanwhile=meanwhile)
"""


def test_a_helper_whose_parent_is_killed_stops(small_packet: tuple[Path, Any], tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    path, truth = small_packet
    with subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT, str(path), str(tmp_path / "index.db")],
                          stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]) as parent:
        try:
            assert parent.stdout is not None
            [helper_pid] = [int(pid) for pid in parent.stdout.readline().split()]
        finally:
            parent.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(helper_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(helper_pid, signal.SIGKILL)
        raise AssertionError("the helper kept running after its parent was killed")
    # It stopped early: the packet was not indexed to the end by an orphan.
    with SearchIndex(tmp_path / "index.db") as index:
        assert len(index.indexed_pages(_sha(path))) < truth.pages


def _sha(path: Path) -> str:
    from reviewer.document import file_sha256

    return file_sha256(path)


def test_the_helper_opens_a_password_protected_packet(small_packet: tuple[Path, Any], tmp_path: Path) -> None:
    import pymupdf

    path, truth = small_packet
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(path) as doc:
        doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="委員会2026", owner_pw="owner-pw")
    index_path = tmp_path / "index.db"
    helper_pages: set[int] = set()
    with Packet.open(locked, password="委員会2026") as packet:
        sha = packet.sha256
        assert index_packet(packet, index_path, password="委員会2026", helper=True,
                            meanwhile=lambda: helper_pages.update(_wait_for_helper_pages(index_path, sha)))
    assert helper_pages  # written by the helper, which had to open the file with the password
    with SearchIndex(index_path) as index:
        assert index.indexed_pages(sha) == set(range(truth.pages))
        assert index.search(sha, "特定個人情報ファイル")
