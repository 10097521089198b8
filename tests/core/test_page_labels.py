"""Page labels: /PageLabels number trees decoded by hand (styles, prefixes in every text-string encoding, /St,
/Kids, damaged trees), the printed-stamp fallback and the 1..n default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.document import Packet
from reviewer.page_labels import (
    decode_text_string,
    format_label,
    parse_pdf_object,
    read_page_labels,
    to_letters,
    to_roman,
)
from reviewer.paths import bundled_font


def _doc(pages: int, labels: str | None = None) -> Any:
    doc: Any = pymupdf.open()
    for _ in range(pages):
        doc.new_page()
    if labels is not None:
        doc.xref_set_key(doc.pdf_catalog(), "PageLabels", labels)
    return doc


def _reopen(doc: Any, tmp_path: Path, name: str = "labels.pdf") -> Any:
    path = tmp_path / name
    doc.save(str(path))
    doc.close()
    return pymupdf.open(str(path))


def _utf16(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def test_styles_prefixes_and_start_numbers(tmp_path: Path) -> None:
    tree = (
        f"<< /Nums [ 0 << /P {_utf16('表紙')} >> 1 << /S /r >> 3 << /S /D /St 5 >> "
        f"5 << /S /A /St 26 >> 7 << /S /a >> 8 << /S /R /St 4 >> 9 << /S /D /P {_utf16('資料')} /St 129 >> ] >>"
    )
    doc = _reopen(_doc(11, tree), tmp_path)
    assert read_page_labels(doc) == [
        "表紙", "i", "ii", "5", "6", "Z", "AA", "a", "IV", "資料129", "資料130",
    ]


def test_prefix_as_pymupdf_writes_it_utf8_without_bom(tmp_path: Path) -> None:
    doc = _doc(3)
    doc.set_page_labels([
        {"startpage": 0, "prefix": "表紙", "style": "", "firstpagenum": 1},
        {"startpage": 1, "prefix": "資料", "style": "D", "firstpagenum": 1},
    ])
    doc = _reopen(doc, tmp_path)
    # PyMuPDF's own get_label() gives '<E8B387E69699>1' here
    assert read_page_labels(doc) == ["表紙", "資料1", "資料2"]


def test_kids_tree_with_indirect_objects(tmp_path: Path) -> None:
    doc = _doc(6)
    leaf1, leaf2, spec = doc.get_new_xref(), doc.get_new_xref(), doc.get_new_xref()
    doc.update_object(spec, "<< /S /R >>")
    doc.update_object(leaf1, f"<< /Limits [0 2] /Nums [0 {spec} 0 R 2 << /S /D >>] >>")
    doc.update_object(leaf2, "<< /Limits [4 4] /Nums [4 << /S /D /P (A-) /St 10 >>] >>")
    doc.xref_set_key(doc.pdf_catalog(), "PageLabels", f"<< /Kids [{leaf1} 0 R {leaf2} 0 R] >>")
    doc = _reopen(doc, tmp_path)
    assert read_page_labels(doc) == ["I", "II", "1", "2", "A-10", "A-11"]


def test_damaged_trees_do_not_crash(tmp_path: Path) -> None:
    # a /Kids loop, a missing object, a non-integer key, a value that is not a dictionary, an odd-length array
    doc = _doc(4)
    node = doc.get_new_xref()
    doc.update_object(node, f"<< /Kids [{node} 0 R 999 0 R] /Nums [0 << /S /D /St 3 >> (x) << /S /r >> 2 7 3] >>")
    doc.xref_set_key(doc.pdf_catalog(), "PageLabels", f"{node} 0 R")
    doc = _reopen(doc, tmp_path)
    assert read_page_labels(doc) == ["3", "4", "5", "6"]


def test_labels_tree_that_is_not_a_tree(tmp_path: Path) -> None:
    doc = _reopen(_doc(2, "[1 2 3]"), tmp_path)
    assert read_page_labels(doc) == ["1", "2"]


def test_printed_stamps_are_used_without_page_labels(tmp_path: Path) -> None:
    doc = _doc(0)
    font = pymupdf.Font(fontfile=str(bundled_font()))
    for index in range(6):
        page = doc.new_page(width=595, height=842)
        writer = pymupdf.TextWriter(page.rect)
        writer.append((72, 100), "本文", font=font, fontsize=10)
        if index > 0:
            text = f"－ {128 + index} －"
            width = font.text_length(text, fontsize=10)
            writer.append(((595 - width) / 2, 820), text, font=font, fontsize=10)
        writer.write_text(page)
    doc = _reopen(doc, tmp_path)
    assert read_page_labels(doc) == ["128", "129", "130", "131", "132", "133"]


def test_inconsistent_stamps_are_ignored(tmp_path: Path) -> None:
    doc = _doc(0)
    for number in (5, 1, 9, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((290, 820), f"- {number} -", fontsize=10)
    doc = _reopen(doc, tmp_path)
    assert read_page_labels(doc) == ["1", "2", "3", "4"]


def test_packet_exposes_labels(tmp_path: Path) -> None:
    doc = _doc(2, "<< /Nums [0 << /S /D /St 7 >>] >>")
    path = tmp_path / "p.pdf"
    doc.save(str(path))
    doc.close()
    with Packet.open(path) as packet:
        assert packet.page_labels == ["7", "8"]


def test_number_formats() -> None:
    assert to_roman(1994) == "mcmxciv"
    assert to_letters(1) == "A" and to_letters(26) == "Z" and to_letters(27) == "AA" and to_letters(53) == "AAA"
    assert format_label("a", "x-", 28) == "x-bb"
    assert format_label("", "表紙", 1) == "表紙"


def test_pdf_object_parser_and_text_strings() -> None:
    parsed = parse_pdf_object(b"<< /Nums [0 12 0 R 3 << /P (a\\(b\\)\\101) /S /D >>] /X true /Y null >>")
    assert isinstance(parsed, dict)
    nums = parsed["Nums"]
    assert nums[0] == 0 and nums[1].num == 12 and nums[2] == 3
    assert nums[3]["P"] == b"a(b)A" and nums[3]["S"] == "/D"
    assert parsed["X"] is True and parsed["Y"] is None
    assert decode_text_string(b"\xfe\xff" + "資料".encode("utf-16-be")) == "資料"
    assert decode_text_string("資料".encode()) == "資料"
    assert decode_text_string(b"\xef\xbb\xbf" + "表紙".encode()) == "表紙"
    assert decode_text_string(b"caf\xe9") == "café"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pdfminer__pagelabels.pdf", ["iii", "iv", "1", "2", "1"]),
        ("pdfium__page_labels.pdf", ["i", "ii", "1", "2", "zzA", "zzB", "7"]),
        ("pdfjs__bad-PageLabels.pdf", ["X3"]),
    ],
)
def test_corpus_page_labels(corpus_dir: Path, name: str, expected: list[str]) -> None:
    with pymupdf.open(str(corpus_dir / "structure" / name)) as doc:
        assert read_page_labels(doc) == expected


def test_corpus_damaged_number_tree(corpus_dir: Path) -> None:
    with pymupdf.open(str(corpus_dir / "structure" / "qpdf__page-labels-num-tree-damaged.pdf")) as doc:
        labels = read_page_labels(doc)
    assert len(labels) == 30
    assert labels[:5] == ["i", "ii", "blank", "X-Q", "X-R"]
