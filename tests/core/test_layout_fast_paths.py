"""The line builder's shortcuts give what the full steps give: the overlap pre-check never hides an overlap the
sweep finds, and lines built with the shortcuts off are the same lines (the former builder, tests/core/
layout_former.py, checks the whole result on real pages in test_layout_speed.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pymupdf
import pytest

from reviewer.samples import generate_packet
from reviewer.structure import layout
from reviewer.structure.layout import (
    _BY_CENTRE,
    _may_overlap,
    _overlapping,
    _Span,
    _spans_of,
    build_lines,
    page_words,
)


def _random_page(seed: int) -> list[_Span]:
    """Words on a few lines, some drawn again nearby (fake bold cut differently) or overlapping their neighbour."""
    rnd = random.Random(seed)
    spans: list[_Span] = []
    for row in range(rnd.randint(1, 12)):
        y = 60.0 + 14.0 * row + rnd.uniform(-1.0, 1.0)
        x = 40.0
        for _ in range(rnd.randint(1, 6)):
            size = rnd.choice([6.0, 8.0, 10.5, 14.0, 20.0])
            width = size * rnd.randint(1, 8)
            spans.append(_Span("字" * max(1, int(width // size)), x, y, x + width, y + size, size))
            if rnd.random() < 0.08:  # a copy shifted a little (kept by the first step when its text differs)
                dx, dy = rnd.uniform(-3, 3), rnd.uniform(-3, 3)
                spans.append(_Span("別" + spans[-1].text, x + dx, y + dy, x + dx + width, y + dy + size, size))
            x += width + rnd.choice([-4.0, 0.0, 1.0, 3.0, 12.0, 40.0])
    rnd.shuffle(spans)
    return spans


@pytest.mark.parametrize("seed", range(400))
def test_the_pre_check_never_hides_an_overlap(seed: int) -> None:
    spans = _random_page(seed)
    found = _overlapping(spans)
    if found:
        assert _may_overlap(sorted(spans, key=_BY_CENTRE))


def test_the_pre_check_sees_a_fake_bold_copy_and_clears_a_plain_line() -> None:
    plain = [_Span("本文", 10, 50, 60, 60, 10), _Span("続き", 61, 50, 100, 60, 10), _Span("次行", 10, 70, 60, 80, 10)]
    assert not _may_overlap(sorted(plain, key=_BY_CENTRE)) and _overlapping(plain) == []
    copied = [*plain, _Span("本文続", 10.4, 50.2, 90, 60.2, 10)]
    assert _overlapping(copied) and _may_overlap(sorted(copied, key=_BY_CENTRE))


def _lines_repr(spans: list[_Span], index: int) -> str:
    kept: dict[int, layout.WordLines] = {}
    lines = build_lines([_Span(s.text, s.x0, s.y0, s.x1, s.y1, s.size) for s in spans], index, kept)
    shared = kept.get(index)
    return repr((lines, None if shared is None else ([[(w.text, w.x0, w.y0) for w in g]
                                                      for g in shared.lines], [w.text for w in shared.dropped])))


@pytest.mark.parametrize("seed", range(0, 400, 7))
def test_random_lines_equal_with_the_overlap_sweep_always_run(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    spans = _random_page(seed)
    fast = _lines_repr(spans, 0)
    monkeypatch.setattr(layout, "_may_overlap", lambda by_centre: True)
    assert _lines_repr(spans, 0) == fast


def test_packet_lines_equal_with_the_overlap_sweep_always_run(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=1, pages_per_report=24)
    with pymupdf.open(path) as doc:
        pages = [_spans_of(None, page_words(doc[i])) for i in range(doc.page_count)]
    fast = [_lines_repr(spans, i) for i, spans in enumerate(pages)]
    monkeypatch.setattr(layout, "_may_overlap", lambda by_centre: True)
    assert [_lines_repr(spans, i) for i, spans in enumerate(pages)] == fast
    assert sum(fast_line.count("Line(") for fast_line in fast) > 500
