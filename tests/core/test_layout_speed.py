"""Structure lines: a page of many equal words is deduplicated by band (not against every earlier word), with the
same outcome as comparing each word with every kept copy; the lines of real and generated pages equal the former
builder's (tests/core/layout_former.py, the oracle)."""

from __future__ import annotations

import random
from pathlib import Path

import layout_former  # tests/core is on sys.path (rootdir-relative, no __init__.py)
import pymupdf
import pytest

from reviewer.samples import generate_packet
from reviewer.structure import layout
from reviewer.structure.layout import _Span, build_lines, page_words


def _kept_by_brute_force(spans: list[_Span]) -> list[_Span]:
    """The first dedupe step as it read before: every kept copy of the same text is compared."""
    seen: dict[str, list[_Span]] = {}
    rest: list[_Span] = []
    for span in spans:
        same = seen.setdefault(span.text, [])
        tol = span.size * 0.35
        if any(abs(o.y0 - span.y0) <= tol and abs(o.x0 - span.x0) <= tol * 2 for o in same):
            continue
        same.append(span)
        rest.append(span)
    return rest


def _grid(rows: int, jitter: bool) -> list[_Span]:
    """Marks 「○」 in a grid, each drawn twice with a small offset (fake bold) when ``jitter``."""
    rnd = random.Random(7)
    spans: list[_Span] = []
    for row in range(rows):
        for col in range(5):
            x, y = 72.0 + 60 * col, 80.0 + 13.0 * row
            spans.append(_Span("○", x, y, x + 10.5, y + 10.5, 10.5))
            if jitter:
                dx, dy = rnd.uniform(-3.5, 3.5), rnd.uniform(-3.7, 3.7)
                spans.append(_Span("○", x + dx, y + dy, x + dx + 10.5, y + dy + 10.5, 10.5))
    return spans


def test_equal_words_deduplicated_as_against_every_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    spans = _grid(60, jitter=True)
    expected = [(s.x0, s.y0) for s in _kept_by_brute_force(list(spans))]
    monkeypatch.setattr(layout, "_overlapping", lambda kept: [])  # only the first step is under test here
    kept = [(s.x0, s.y0) for s in layout._dedupe(list(spans))]
    assert kept == expected
    assert 300 <= len(kept) < len(spans)  # some jittered copies are further than the tolerance: kept, as before


def test_lines_of_a_grid_page() -> None:
    """Every row of the grid is one line of five cells (the running centre groups them as the full sum did)."""
    lines = build_lines(_grid(40, jitter=False), 3)
    assert len(lines) == 40
    assert all(len(line.cells) == 5 and line.page == 3 for line in lines)
    assert [line.index for line in lines] == list(range(40))


def _lines_repr(module: object, words: list[tuple[object, ...]], index: int) -> str:
    spans = module._spans_of(None, words)  # type: ignore[attr-defined]
    return repr(module.build_lines(spans, index))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["ja/saka1029__000907838.pdf", "ja/saka1029__kokuji.pdf",
                                  "ja/saka1029__000907834.pdf"])
def test_corpus_lines_equal_the_former_builder(corpus_dir: Path, name: str) -> None:
    """Real pages (tables, repeated marks, fake bold): every line, cell, box and key as the former builder made."""
    path = corpus_dir / name
    if not path.exists():
        pytest.skip(f"{name} not in the corpus")
    with pymupdf.open(path) as doc:
        for index in range(0, min(doc.page_count, 60), 2):
            words = page_words(doc[index])
            assert _lines_repr(layout, words, index) == _lines_repr(layout_former, words, index), index


def test_generated_packet_lines_equal_the_former_builder(tmp_path: Path) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=1)
    compared = 0
    with pymupdf.open(path) as doc:
        for index in range(doc.page_count):
            words = page_words(doc[index])
            new = _lines_repr(layout, words, index)
            assert new == _lines_repr(layout_former, words, index), index
            compared += new.count("Cell(")
    assert compared > 1000
