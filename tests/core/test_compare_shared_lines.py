"""The rows start from the structure detector's lines of a page's words (one line building per page) and come out
exactly as when they place the words themselves; where the two could differ (a fake-bold copy across the footer
limit, a footer word before a content word in the order of centres) the rows place the words themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.bulk import collector_paused
from reviewer.compare import rows
from reviewer.compare.rows import FOOTER_FROM, _page_lines, _shared_lines, pack_rows, read_rows
from reviewer.document import Packet
from reviewer.samples import generate_packet
from reviewer.samples.revision import generate_revision_pair
from reviewer.structure import layout
from reviewer.structure.detect import detect_outline
from reviewer.structure.layout import WordLines, build_lines, page_words


def _word_lines(words: list[tuple[Any, ...]], index: int = 0) -> WordLines | None:
    kept: dict[int, WordLines] = {}
    build_lines(layout._spans_of(None, words), index, kept)
    return kept.get(index)


def _word(x0: float, y0: float, x1: float, y1: float, text: str) -> tuple[Any, ...]:
    return (x0, y0, x1, y1, text, 0, 0, 0)


def _same_on_every_page(path: Path, limits: tuple[float, ...], step: int = 1) -> tuple[int, int]:
    """Asserts the rows' lines from shared lines equal their own on every ``step``-th page of ``path``;
    (pages × limits, shared)."""
    pages = shared = 0
    with pymupdf.open(path) as doc:
        for index in range(0, doc.page_count, step):
            page = doc[index]
            words = page_words(page)
            kept = _word_lines(words, index)
            for share in limits:
                limit = float(page.rect.height) * share
                own = _page_lines(None, limit, words)
                pages += 1
                if kept is None:
                    continue
                from_shared = _shared_lines(kept, limit)
                if from_shared is not None:
                    shared += 1
                    assert repr(from_shared) == repr(own), (path.name, index, share)
                assert repr(_page_lines(None, limit, words, kept)) == repr(own), (path.name, index, share)
    return pages, shared


def test_generated_pages_share_the_lines_with_the_same_outcome(tmp_path: Path) -> None:
    old, new, _ = generate_revision_pair(tmp_path, "revised", reports=1, pages_per_report=30)
    pages, shared = _same_on_every_page(new, (FOOTER_FROM, 0.5, 0.1))
    # (The last limits cut through the form: lines straddle them.)
    assert pages > 90 and shared >= pages * 0.8


@pytest.mark.parametrize("name", ["ja/saka1029__000907838.pdf", "ja/saka1029__kokuji.pdf",
                                  "ja/saka1029__000907834.pdf"])
def test_corpus_pages_share_the_lines_with_the_same_outcome(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    if not path.exists():
        pytest.skip(f"{name} not in the corpus")
    # Every third page: the whole corpus at four limits was compared when the sharing was written (none differed);
    # this keeps a varied sample in the suite's time.
    pages, shared = _same_on_every_page(path, (FOOTER_FROM, 0.5), step=3)
    assert shared >= pages * 0.5


def test_a_copy_across_the_footer_limit_is_placed_by_the_rows() -> None:
    # 「A」 below the limit (a footer) and drawn again 1.5 pt higher, above it: the detector drops the second as a
    # fake-bold copy; the rows leave the footer out first and keep it.
    words = [_word(10, 100.5, 20, 110.5, "A"), _word(10, 99.0, 20, 109.0, "A"), _word(10, 50, 60, 60, "本文")]
    kept = _word_lines(words)
    assert kept is not None and [w.text for w in kept.dropped] == ["A"]
    assert _shared_lines(kept, 100.0) is None
    lines = _page_lines(None, 100.0, words, kept)
    assert [[w[2] for run in line.runs for w in run.words] for line in lines] == [["本文"], ["A"]]


def test_a_footer_word_centred_above_a_content_word_is_placed_by_the_rows() -> None:
    # A tall content word (top above the limit) is centred below a small footer word: in the order of centres the
    # footer word comes first and would move the line's running centre.
    words = [_word(10, 95, 40, 125, "内容"), _word(60, 101, 70, 104, "1"), _word(10, 50, 60, 60, "本文")]
    kept = _word_lines(words)
    assert kept is not None
    assert _shared_lines(kept, 100.0) is None
    assert [[w[2] for run in line.runs for w in run.words]
            for line in _page_lines(None, 100.0, words, kept)] == [["本文"], ["内容"]]


def test_a_page_with_overlapping_copies_shares_nothing() -> None:
    # 「特定個人情報ファイルの」 drawn again cut elsewhere (「特定個人情報ファイルの取扱」): the detector's lines are then
    # not the words the rows place, so it keeps no lines for the page.
    words = [_word(10, 50, 120, 60, "特定個人情報ファイルの"), _word(10.2, 50.1, 140, 60.1, "特定個人情報ファイルの取扱")]
    assert _word_lines(words) is None


def test_rows_of_a_packet_equal_with_and_without_shared_lines(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=2, pages_per_report=30)
    used: list[int] = []
    original = rows._shared_lines

    def counting(shared: WordLines, limit: float) -> Any:
        result = original(shared, limit)
        used.append(result is not None)
        return result

    monkeypatch.setattr(rows, "_shared_lines", counting)
    with Packet.open(path) as packet:
        words: dict[int, Any] = {}
        lines: dict[int, WordLines] = {}
        outline = detect_outline(packet, keep_words=words, keep_lines=lines)
        with_lines = pack_rows(read_rows(packet.doc, outline, words=words, lines=lines), outline)
        alone = pack_rows(read_rows(packet.doc, outline), outline)
    assert sum(used) > 50
    assert sum(len(report[1]) for report in alone) > 100
    assert with_lines == alone


def test_the_collector_is_paused_while_a_packet_is_read_and_resumed_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from reviewer.compare import service

    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=1, pages_per_report=12)
    seen: list[bool] = []
    original = rows.read_rows

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "read_rows", recording)
    assert gc.isenabled()
    version = service.load_version(path, cache=False)
    assert sum(len(r.rows) for r in version.reports) > 20
    assert seen and not any(seen)  # paused while the rows were read
    assert gc.isenabled()  # and running again after
    gc.disable()
    try:
        service.load_version(path, cache=False)
        assert not gc.isenabled()  # a collector paused by the caller stays paused
    finally:
        gc.enable()
    with collector_paused():
        with collector_paused():  # nested (another reader at the same time)
            pass
        assert not gc.isenabled()  # the outer reader is still reading
    assert gc.isenabled()
