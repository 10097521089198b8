"""The search extraction reads MuPDF's raw blocks directly; its output must equal the former path's, which built a
TextChar per character through Packet.page_lines. That former path is kept here, verbatim, as the oracle."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import pymupdf
import pytest

from reviewer.document import Packet, TextChar, TextLine
from reviewer.paths import bundled_font
from reviewer.samples import generate_packet
from reviewer.search import extract
from reviewer.search.extract import PageText, extract_page
from reviewer.text import normalize

Rect = tuple[float, float, float, float]
FIELDS = ("page", "source", "norm", "starts", "boxes", "line_starts", "line_tops")


# ---- the former extraction (commit ab0d6b3), the oracle -------------------------------------------------------

def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _near(a: Rect, b: Rect, tolerance: float) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def _overprinted(previous: TextChar, ch: TextChar) -> bool:
    if ch.c != previous.c:
        return False
    width = previous.bbox[2] - previous.bbox[0]
    return _near(previous.bbox, ch.bbox, max(0.3 * width, 0.2))


def _distinct_lines(lines: Iterable[TextLine]) -> Iterator[TextLine]:
    seen: dict[str, list[Rect]] = {}
    for line in lines:
        boxes = seen.setdefault(line.text, [])
        tolerance = max(1.0, 0.3 * line.size)
        if any(_near(box, line.bbox, tolerance) for box in boxes):
            continue
        boxes.append(line.bbox)
        yield line


def former_extract_page(packet: Packet, index: int) -> PageText:
    parts: list[str] = []
    char_boxes: list[Rect | None] = []
    line_src: list[int] = []
    line_tops = array("f")
    src_len = 0
    try:
        lines = packet.page_lines(index)
    except Exception:
        lines = []
    for line in _distinct_lines(lines):
        if line_src:
            parts.append("\n")
            char_boxes.append(None)
            src_len += 1
        line_src.append(src_len)
        line_tops.append(line.bbox[1])
        previous: TextChar | None = None
        for ch in line.chars:
            if previous is not None and _overprinted(previous, ch):
                continue
            previous = ch
            parts.append(ch.c)
            char_boxes.extend([ch.bbox] * len(ch.c))
            src_len += len(ch.c)
    source = "".join(parts)
    result = normalize(source)
    starts = result.starts
    n = len(starts)
    boxes = array("f")
    bounds = starts[1:] + [len(source)]
    zero = (0.0, 0.0, 0.0, 0.0)
    for k in range(n):
        s, nxt = starts[k], bounds[k]
        if nxt == s + 1:
            boxes.extend(char_boxes[s] or zero)
            continue
        j = k
        while j < n and starts[j] == s:
            j += 1
        end = starts[j] if j < n else len(source)
        box = char_boxes[s] or zero
        for t in range(s + 1, end):
            other = char_boxes[t]
            if other is not None and not source[t].isspace():
                box = _union(box, other)
        boxes.extend(box)
    line_starts = array("I", (bisect.bisect_left(starts, offset) for offset in line_src))
    return PageText(index, source, result.text, array("I", starts), boxes, line_starts, line_tops)


# ---- the comparison --------------------------------------------------------------------------------------------

def _assert_same_pages(path: Path, pages: Iterable[int]) -> int:
    """Both extractions of ``pages`` field by field; returns how many normalised characters were compared."""
    compared = 0
    with Packet.open(path) as packet:
        for index in pages:
            new, old = extract_page(packet, index), former_extract_page(packet, index)
            for name in FIELDS:
                assert getattr(new, name) == getattr(old, name), f"{path.name} page {index}: {name} differs"
            compared += len(new.norm)
    return compared


def _awkward_pdf(path: Path) -> Path:
    """Lines drawn twice (fake bold), a glyph overprinted, many equal short lines, half-width kana with voicing
    marks, an expansion (㈱), full-width spaces, vertical-ish narrow cells."""
    font = str(bundled_font())
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="ipa", fontfile=font)
    lines = ["ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ の利用", "㈱テスト　委　託　契約", "ＩＳＭＡＰ　ＡＷＳ　Ａｚｕｒｅ", "見出しも委託も太字"]
    for k, text in enumerate(lines):
        page.insert_text((72, 72 + 16 * k), text, fontname="ipa", fontsize=10.5)
    page.insert_text((72.3, 72 + 16 * 3), "見出しも委託も太字", fontname="ipa", fontsize=10.5)  # fake bold
    page.insert_text((72, 200), "ああ", fontname="ipa", fontsize=10.5)
    page.insert_text((72.4, 200), "あ", fontname="ipa", fontsize=10.5)  # one glyph drawn again
    for row in range(40):  # a grid of equal marks: many lines with the same text
        for col in range(6):
            page.insert_text((72 + 70 * col, 240 + 14 * row), "○", fontname="ipa", fontsize=10.5)
    cell = pymupdf.Rect(300, 100, 300 + 8 * 10.5 + 4, 180)
    assert page.insert_textbox(cell, "本市はガバメントクラウドを利用し、委託先を監督する。", fontname="ipa",
                               fontsize=10.5) >= 0
    doc.new_page(width=595, height=842)  # a page without text
    doc.save(path)
    doc.close()
    return path


def test_awkward_page_extracts_as_before(tmp_path: Path) -> None:
    path = _awkward_pdf(tmp_path / "awkward.pdf")
    assert _assert_same_pages(path, range(2)) > 240
    with Packet.open(path) as packet:
        page = extract_page(packet, 0)
    assert page.norm.count("見出しも委託も太字") == 1  # the fake-bold copy is left out
    assert "ガバメントクラウド" in page.norm and "(株)テスト" in page.norm
    assert len(page.boxes) == 4 * len(page.norm)


def test_generated_packet_extracts_as_before(tmp_path: Path) -> None:
    path = tmp_path / "packet.pdf"
    generate_packet(path, reports=1)
    with Packet.open(path) as packet:
        count = packet.page_count
    assert _assert_same_pages(path, range(0, count, max(1, count // 12))) > 5000


@pytest.mark.parametrize("name", ["ja/saka1029__kokuji.pdf", "ja/saka1029__000907834.pdf",
                                  "ja/saka1029__0000196309.pdf"])
def test_corpus_pdf_extracts_as_before(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    if not path.exists():
        pytest.skip(f"{name} not in the corpus")
    assert _assert_same_pages(path, range(0, 40, 3)) > 2000


def test_page_read_once_through_raw_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One MuPDF extraction per page and no per-character objects (page_lines is not used)."""
    path = _awkward_pdf(tmp_path / "awkward.pdf")
    calls: list[int] = []
    with Packet.open(path) as packet:
        raw = packet.page_raw_blocks

        def counted(index: int) -> list[dict[str, object]]:
            calls.append(index)
            return raw(index)

        monkeypatch.setattr(packet, "page_raw_blocks", counted)
        monkeypatch.setattr(packet, "page_lines", lambda index: pytest.fail("page_lines used"))
        for index in range(packet.page_count):
            extract_page(packet, index)
    assert calls == [0, 1]


def test_equal_short_lines_are_not_compared_with_every_earlier_one() -> None:
    """A page of many equal marks (a grid of ○) checks each line against its neighbours only: growth, not time."""
    seen: dict[int, list[Rect]] = {}
    for row in range(400):
        assert not extract._drawn_before(seen, (72.0, 100.0 + 14 * row, 82.0, 110.0 + 14 * row), 3.15)
    assert max(len(boxes) for boxes in seen.values()) <= 2
    assert extract._drawn_before(seen, (72.5, 100.0 + 14 * 200 + 0.4, 82.0, 110.0 + 14 * 200), 3.15)
