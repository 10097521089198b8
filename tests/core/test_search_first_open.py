"""A first open indexes the search text from the words the structure detector reads (one MuPDF extraction for both,
on two cores), answers at once with estimated character boxes, and is then refined to exactly the index a full
build makes; a helper that dies costs no page, a cancel keeps nothing, an older index file is migrated."""

from __future__ import annotations

import os
import time
from array import array
from pathlib import Path
from typing import Any

import apsw
import pytest

from reviewer.analysis import IndexReady, analyze_job, confirm_job
from reviewer.document import Packet
from reviewer.search import SearchIndex
from reviewer.search import build as search_build
from reviewer.search.build import index_while_detecting, read_words
from reviewer.search.extract import Rect, extract_page, page_text_from_words
from reviewer.search.index import _MIGRATIONS, SCHEMA_VERSION
from reviewer.structure.detect import WordsOf, detect_outline
from reviewer.structure.model import Outline

COLUMNS = "page, source, norm, starts, boxes, line_starts, line_tops, words"
QUERIES = ("委託", "ＩＳＭＡＰ", "リスク", "特定個人情報", "再委託")


def _rows(index_path: Path, sha: str) -> list[tuple[Any, ...]]:
    with SearchIndex(index_path) as index:
        return index._rows(f"SELECT {COLUMNS} FROM pages WHERE sha256=? ORDER BY page", (sha,))


def _counts(index_path: Path, sha: str) -> dict[str, int]:
    with SearchIndex(index_path) as index:
        return {query: index.count(sha, query) for query in QUERIES}


def _wait_refined(index_path: Path, sha: str, timeout: float = 60.0) -> None:
    """The helper refines after the first open has returned: wait (polling the file) until it has."""
    deadline = time.monotonic() + timeout
    with SearchIndex(index_path) as index:
        while index.pages_to_refine(sha):
            assert time.monotonic() < deadline, "the index was not refined"
            time.sleep(0.05)


def _overlap(a: Rect, b: Rect) -> float:
    """The intersection's share of the smaller rect."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return max(0.0, w) * max(0.0, h) / smaller if smaller > 0 else 0.0


@pytest.fixture(scope="module")
def exact_index(small_packet: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The index a full (exact) build makes of the small packet: what every first open must end as."""
    path, _ = small_packet
    index_path = tmp_path_factory.mktemp("exact") / "index.db"
    with Packet.open(path) as packet, SearchIndex(index_path) as index:
        assert index.build(packet)
        return index_path, packet.sha256


def test_the_quick_text_of_a_page_is_the_exact_text_with_boxes_near_the_exact_ones(
        small_packet: tuple[Path, Any]) -> None:
    path, _ = small_packet
    near = far = 0
    with Packet.open(path) as packet:
        for page in range(packet.page_count):
            quick = page_text_from_words(page, read_words(packet, page))
            exact = extract_page(packet, page)
            assert quick.norm == exact.norm, page
            assert not quick.exact and exact.exact
            assert quick.boxes == array("f")  # estimated only when first asked for
            for start in range(0, len(exact.norm) - 4, 7):
                [*quick_rects] = quick.rects(start, start + 4)
                [*exact_rects] = exact.rects(start, start + 4)
                if len(quick_rects) == len(exact_rects) and all(
                        _overlap(q, e) > 0.5 for q, e in zip(quick_rects, exact_rects, strict=True)):
                    near += 1
                else:
                    far += 1
    assert near > 1000
    assert far <= 0.02 * (near + far)


def test_a_vertical_word_is_split_along_its_height() -> None:
    words = [(100.0, 100.0, 110.0, 140.0, "縦書き文", 0, 0, 0)]
    quick = page_text_from_words(0, words)
    assert quick.norm == "縦書き文"
    tops = [quick.box(k)[1] for k in range(4)]
    assert tops == sorted(tops) and tops[0] == pytest.approx(100.0) and tops[3] == pytest.approx(130.0)
    assert all(quick.box(k)[0] == 100.0 and quick.box(k)[2] == 110.0 for k in range(4))


def test_a_line_drawn_twice_is_read_once() -> None:
    line = (72.0, 60.0, 200.0, 71.0, "見出しも委託も太字", 0, 0, 0)
    bold = (72.3, 60.0, 200.3, 71.0, "見出しも委託も太字", 1, 0, 0)
    other = (72.0, 90.0, 200.0, 101.0, "見出しも委託も太字", 2, 0, 0)  # the same words lower down: kept
    quick = page_text_from_words(0, [line, bold, other])
    assert quick.norm == "見出しも委託も太字" * 2
    assert list(quick.line_tops) == [60.0, 90.0]


@pytest.mark.parametrize("helper", [True, False], ids=["two-cores", "one-core"])
def test_a_first_open_answers_from_the_words_then_ends_as_the_exact_index(
        small_packet: tuple[Path, Any], exact_index: tuple[Path, str], tmp_path: Path, helper: bool) -> None:
    path, truth = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    outlines: list[Outline] = []
    at_ready: dict[str, Any] = {}

    with Packet.open(path) as packet:
        assert packet.page_count >= search_build.HELPER_MIN_PAGES
        expected = detect_outline(packet)

        def detect(words_of: WordsOf) -> None:
            outlines.append(detect_outline(packet, words_of=words_of))

        def ready() -> None:
            with SearchIndex(index_path) as index:
                at_ready["built"] = index.is_built(sha)
                at_ready["quick"] = len(index.pages_to_refine(sha))
            at_ready["counts"] = _counts(index_path, sha)

        assert index_while_detecting(packet, detect, index_path, helper=helper, on_ready=ready)
    [outline] = outlines
    assert outline.to_json() == expected.to_json()  # the words from the helper give the same structure
    assert at_ready["built"] and at_ready["quick"] == truth.pages  # it answered from the words
    assert at_ready["counts"] == _counts(reference, sha)  # and found what the exact index finds
    _wait_refined(index_path, sha)
    assert _rows(index_path, sha) == _rows(reference, sha)


def test_the_first_open_job_says_when_search_answers_before_it_ends(small_packet: tuple[Path, Any],
                                                                    exact_index: tuple[Path, str],
                                                                    tmp_path: Path) -> None:
    path, truth = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    partials: list[Any] = []
    assert analyze_job(str(path), None, str(tmp_path), str(index_path), partial_result=partials.append,
                       helper=True) == sha
    assert [type(p) for p in partials] == [Outline, IndexReady]
    assert partials[1].sha256 == sha and partials[0].pages == truth.pages
    _wait_refined(index_path, sha)
    assert _rows(index_path, sha) == _rows(reference, sha)


def test_a_password_protected_packet_is_read_by_the_helper_with_its_password(
        small_packet: tuple[Path, Any], exact_index: tuple[Path, str], tmp_path: Path) -> None:
    """The words helper opens the file itself: with the member's password, or the first open would stall."""
    import pymupdf

    path, truth = small_packet
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(path) as doc:
        doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="委員会2026", owner_pw="owner-pw")
    index_path = tmp_path / "index.db"
    partials: list[Any] = []
    sha = analyze_job(str(locked), "委員会2026", str(tmp_path), str(index_path), partial_result=partials.append,
                      helper=True)
    assert [type(p) for p in partials] == [Outline, IndexReady] and partials[0].found_report
    _wait_refined(index_path, sha)  # refined by the helper, which had to open the file with the password
    reference, reference_sha = exact_index
    assert _counts(index_path, sha) == _counts(reference, reference_sha)


def _dying_helper(path: str, password: str | None, sha256: str, index_path: str | None, receiver: Any,
                  sender: Any, *rest: Any) -> None:
    """A words helper that sends two pages and dies (as a crash in MuPDF would)."""
    receiver.close()
    with Packet.open(path, password) as packet:
        sender.send([(0, read_words(packet, 0)), (1, read_words(packet, 1))])
    os._exit(3)


def _stuck_helper(path: str, password: str | None, sha256: str, index_path: str | None, receiver: Any,
                  sender: Any, word_bounds: Any, *rest: Any) -> None:
    """A words helper that claims pages, sends nothing and hangs (as MuPDF looping on a broken page would)."""
    receiver.close()
    with word_bounds.get_lock():
        word_bounds[0] = 5
    time.sleep(600)


def test_a_stuck_words_helper_is_ended_and_costs_no_page(small_packet: tuple[Path, Any],
                                                         exact_index: tuple[Path, str], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    monkeypatch.setattr(search_build, "_words_helper_main", _stuck_helper)
    monkeypatch.setattr(search_build, "HELPER_STALL", 1.0)
    outlines: list[Outline] = []
    with Packet.open(path) as packet:
        assert index_while_detecting(packet, lambda words_of: outlines.append(detect_outline(packet, words_of=words_of)),
                                     index_path, helper=True)
        assert outlines[0].to_json() == detect_outline(packet).to_json()  # its pages 0-4 were read here
    assert _counts(index_path, sha) == _counts(reference, sha)


def test_a_cancel_while_the_helper_waits_on_a_full_pipe_ends_it_at_once(small_packet: tuple[Path, Any],
                                                                         tmp_path: Path) -> None:
    """The detection has not taken the words the helper sent (the pipe is full, the helper blocked in send) when
    the member cancels: the helper ends as soon as the pipe is closed here, not after a time-out and a kill."""
    path, _ = small_packet
    cancelled_at: list[float] = []

    def slow_detect(words_of: WordsOf) -> None:
        time.sleep(1.0)  # the helper fills the pipe meanwhile (a page's words are several kB)
        cancelled_at.append(time.monotonic())
        words_of(0)

    with Packet.open(path) as packet:
        assert not index_while_detecting(packet, slow_detect, tmp_path / "index.db", helper=True,
                                         cancelled=lambda: bool(cancelled_at))
    assert time.monotonic() - cancelled_at[0] < 0.8 * search_build._STOP_WAIT


def test_a_words_helper_that_dies_costs_no_page(small_packet: tuple[Path, Any], exact_index: tuple[Path, str],
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, truth = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    monkeypatch.setattr(search_build, "_words_helper_main", _dying_helper)
    outlines: list[Outline] = []
    with Packet.open(path) as packet:
        assert index_while_detecting(packet, lambda words_of: outlines.append(detect_outline(packet, words_of=words_of)),
                                     index_path, helper=True)
        expected = detect_outline(packet)
    assert outlines[0].to_json() == expected.to_json()
    with SearchIndex(index_path) as index:
        assert index.is_built(sha)
    process, _stop = search_build._refining[-1]  # the helper is gone: a process started for it refines
    assert process.name == "pia-refine"
    _wait_refined(index_path, sha)
    assert _rows(index_path, sha) == _rows(reference, sha)


def test_a_cancelled_first_open_keeps_nothing(small_packet: tuple[Path, Any], tmp_path: Path) -> None:
    path, _ = small_packet
    index_path = tmp_path / "index.db"
    pages_read: list[int] = []

    def detect(words_of: WordsOf) -> None:
        for page in range(10):
            pages_read.append(len(words_of(page)))

    with Packet.open(path) as packet:
        assert not index_while_detecting(packet, detect, index_path, helper=True, cancelled=lambda: bool(pages_read))
        sha = packet.sha256
    with SearchIndex(index_path) as index:
        assert not index.is_built(sha) and index.indexed_pages(sha) == set()


def test_refining_a_page_whose_text_changes_updates_the_search(small_packet: tuple[Path, Any],
                                                               exact_index: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    with Packet.open(path) as packet, SearchIndex(index_path) as index:
        pages = [page_text_from_words(p, read_words(packet, p)) for p in range(packet.page_count)]
        page = next(p for p in pages if "委託" in p.norm)
        # A page whose quick text differs from the exact one (a glyph drawn twice is only seen exactly): here its
        # words say 「委託」 where the page says 「委託」 no more.
        words = [(*w[:4], w[4].replace("委託", "季節"), *w[5:]) for w in read_words(packet, page.page)]
        pages[page.page] = page_text_from_words(page.page, words)
        index.write_pages(sha, pages)
        index.finish_build(packet)
        before = index.count(sha, "委託")
        assert before == _counts(reference, sha)["委託"] - page.norm.count("委託")
        assert index.refine(packet)
        # The same connection (its texts kept in memory) sees the refined text.
        assert index.count(sha, "委託") == _counts(reference, sha)["委託"]
        assert index.count(sha, "季節") == 0
        assert index._rows("SELECT text_revision FROM packets WHERE sha256=?", (sha,))[0][0] == 1
    assert _rows(index_path, sha) == _rows(reference, sha)


def test_a_reopen_refines_what_a_closed_app_left(small_packet: tuple[Path, Any], exact_index: tuple[Path, str],
                                                tmp_path: Path) -> None:
    path, _ = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    with Packet.open(path) as packet, SearchIndex(index_path) as index:
        index.write_pages(sha, [page_text_from_words(p, read_words(packet, p)) for p in range(packet.page_count)])
        index.finish_build(packet)
    profile = tmp_path / "profile"
    # The first confirm only records the hash (nothing was remembered): a re-open has it remembered.
    assert confirm_job(str(path), str(profile), None, str(index_path)) == sha
    assert _rows(index_path, sha) != _rows(reference, sha)
    assert confirm_job(str(path), str(profile), None, str(index_path)) == sha
    process, _stop = search_build._refining[-1]  # in a second process, at a lower priority
    process.join(60)
    assert process.exitcode == 0
    assert _rows(index_path, sha) == _rows(reference, sha)


def test_an_index_file_of_the_first_schema_is_migrated(small_packet: tuple[Path, Any],
                                                       exact_index: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = small_packet
    reference, sha = exact_index
    index_path = tmp_path / "index.db"
    old = apsw.Connection(str(index_path))
    old.execute("PRAGMA journal_mode=WAL")
    old.execute(_MIGRATIONS[1])
    old.execute("PRAGMA user_version=1")
    with Packet.open(path) as packet:
        pages = [extract_page(packet, p) for p in range(packet.page_count)]
    with old:
        for p in pages:
            old.execute("INSERT INTO pages(sha256, page, source, norm, starts, boxes, line_starts, line_tops)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (sha, p.page, p.source, p.norm, p.starts.tobytes(), p.boxes.tobytes(),
                         p.line_starts.tobytes(), p.line_tops.tobytes()))
            old.execute("INSERT INTO page_fts(rowid, body) VALUES (last_insert_rowid(), ?)", (p.norm,))
        old.execute("INSERT INTO packets VALUES (?, 'x.pdf', ?, '[]', '2026-01-01', 1)", (sha, len(pages)))
    old.close()
    with SearchIndex(index_path) as index:
        assert index._user_version() == SCHEMA_VERSION == 3
        tables = {row[0] for row in index.conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
        assert "page_fts" not in tables  # the trigram index is gone: queries scan the texts
        assert index.is_built(sha) and index.pages_to_refine(sha) == []
        assert index.count(sha, "ISMAP") == index.count(sha, "ＩＳＭＡＰ") > 0
        hit = index.search(sha, "委託")[0]
        assert hit.rects and hit.rects[0][2] > hit.rects[0][0]
    assert _rows(index_path, sha) == _rows(reference, sha)


@pytest.mark.parametrize("name", ["ja/saka1029__kokuji.pdf", "ja/saka1029__000907834.pdf",
                                  "ja/saka1029__0000196309.pdf"])
def test_a_real_packet_first_opened_ends_as_its_exact_index(corpus_dir: Path, name: str, tmp_path: Path) -> None:
    """On real PDFs (fake bold, unmapped glyphs, tables): the quick index finds nearly every page's text as it is,
    and once refined every page is exactly what a full build writes."""
    path = corpus_dir / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    reference, index_path = tmp_path / "exact.db", tmp_path / "index.db"
    with Packet.open(path) as packet:
        sha = packet.sha256
        with SearchIndex(reference) as index:
            assert index.build(packet)
        quick_norms: list[str] = []

        def detect(words_of: WordsOf) -> None:
            for page in range(packet.page_count):
                quick_norms.append(page_text_from_words(page, words_of(page)).norm)

        assert index_while_detecting(packet, detect, index_path, helper=False)
    exact = _rows(reference, sha)
    same = sum(1 for norm, row in zip(quick_norms, exact, strict=True) if norm == row[COLUMNS.split(", ").index("norm")])
    assert same >= 0.95 * len(exact)
    _wait_refined(index_path, sha)  # (in a second process)
    assert _rows(index_path, sha) == exact


def test_pages_the_exact_pass_cannot_read_keep_their_words_and_are_done(
        small_packet: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page the exact pass skips (too complex, or the packet's reading time spent) keeps the text the words gave,
    its estimated boxes become its boxes, and it no longer counts as to refine (else every re-open would start a
    process to refine it again)."""
    import reviewer.document as document

    path, truth = small_packet
    index_path = tmp_path / "index.db"
    with Packet.open(path) as packet, SearchIndex(index_path) as index:
        quick = [page_text_from_words(p, read_words(packet, p)) for p in range(packet.page_count)]
        index.write_pages(packet.sha256, quick)
        index.finish_build(packet)
        monkeypatch.setattr(document, "PACKET_TEXT_SECONDS", 0.0)  # the first page read spends the budget
        assert index.refine(packet)
        assert len(packet.skipped_pages) == truth.pages - 1
        assert index.pages_to_refine(packet.sha256) == []
        kept = index.load_page(packet.sha256, 5)
        assert kept.exact and kept.norm == quick[5].norm and len(kept.boxes) == 4 * len(kept.norm) > 0
        assert kept.rects(0, 3) == quick[5].rects(0, 3)


def test_an_old_index_file_migrated_by_another_connection_meanwhile_is_not_migrated_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first start after an update: the window and its worker open the old file at the same moment. Here the
    other connection migrates it right after this one has read the old version: this one must not migrate again."""
    import threading

    index_path = tmp_path / "index.db"
    other = apsw.Connection(str(index_path))
    other.setbusytimeout(5000)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute(_MIGRATIONS[1])
    other.execute("PRAGMA user_version=1")
    other.execute("BEGIN IMMEDIATE")  # the other connection is about to migrate
    version_read = threading.Event()
    real_version = SearchIndex._user_version

    def noted_version(self: SearchIndex) -> int:
        version = real_version(self)
        version_read.set()
        return version

    monkeypatch.setattr(SearchIndex, "_user_version", noted_version)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            SearchIndex(index_path).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    opener = threading.Thread(target=open_it)
    opener.start()
    assert version_read.wait(10)  # this connection has read version 1...
    for target in range(2, SCHEMA_VERSION + 1):  # ...and the other one migrates now
        other.execute(_MIGRATIONS[target])
    other.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    other.execute("COMMIT")
    other.close()
    opener.join()
    assert errors == []
    with SearchIndex(index_path) as index:
        assert index._user_version() == SCHEMA_VERSION
