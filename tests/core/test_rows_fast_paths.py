"""The rows' shortcuts give what the full steps give: a run is cut at column starts exactly as the word-by-word loop
cuts it, and the page heights carried on the detector's lines are the pages' own."""

from __future__ import annotations

import random
from bisect import bisect_right
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.compare import rows
from reviewer.compare.rows import _Run, _split_runs, pack_rows, read_rows
from reviewer.document import Packet
from reviewer.samples import generate_packet
from reviewer.structure.detect import detect_outline
from reviewer.structure.layout import WordLines


def _split_word_by_word(runs: list[_Run], starts: list[float]) -> list[_Run]:
    """:func:`reviewer.compare.rows._split_runs` without its shortcut (every word of every run looked at)."""
    ordered = sorted(starts)
    out: list[_Run] = []
    for run in runs:
        current = _Run([run.words[0]], run.y0, run.y1)
        previous_start = run.words[0][0]
        for word in run.words[1:]:
            at = bisect_right(ordered, previous_start + 2.0)
            if at < len(ordered) and ordered[at] <= word[0] + 1.0:
                out.append(current)
                current = _Run([word], run.y0, run.y1)
            else:
                current.words.append(word)
            previous_start = word[0]
        out.append(current)
    return out


def _shape(runs: list[_Run]) -> list[tuple[Any, ...]]:
    return [(tuple(run.words), run.y0, run.y1) for run in runs]


@pytest.mark.parametrize("seed", range(300))
def test_runs_are_cut_as_word_by_word(seed: int) -> None:
    rnd = random.Random(seed)
    runs: list[_Run] = []
    for _ in range(rnd.randint(1, 6)):
        x = rnd.uniform(30, 300)
        words: list[tuple[float, float, str]] = []
        for _ in range(rnd.randint(1, 6)):
            width = rnd.uniform(3, 60)
            words.append((x, x + width, "語"))
            x += width + rnd.choice([0.0, 0.5, 2.0, 5.0])
        runs.append(_Run(words, 10.0, 20.0))
    # starts near the words' edges (within the 1-2 pt margins) as well as anywhere
    starts = [rnd.uniform(20, 400) for _ in range(rnd.randint(0, 4))]
    starts += [w[0] + rnd.choice([-2.5, -1.0, 0.0, 1.0, 2.0, 3.0]) for run in runs for w in run.words
               if rnd.random() < 0.3]
    assert _shape(_split_runs(runs, starts)) == _shape(_split_word_by_word(runs, starts))


def test_packet_rows_equal_with_runs_cut_word_by_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=2, pages_per_report=30)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
        fast = pack_rows(read_rows(packet.doc, outline), outline)
        monkeypatch.setattr(rows, "_split_runs", _split_word_by_word)
        plain = pack_rows(read_rows(packet.doc, outline), outline)
    assert sum(len(report[1]) for report in fast) > 100
    assert fast == plain


def test_the_detectors_lines_carry_each_pages_height(tmp_path: Path) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=1, pages_per_report=12)
    with Packet.open(path) as packet:
        lines: dict[int, WordLines] = {}
        detect_outline(packet, keep_words={}, keep_lines=lines)
    assert len(lines) > 10
    with pymupdf.open(path) as doc:
        assert {i: kept.height for i, kept in lines.items()} == {i: float(doc[i].rect.height) for i in lines}
