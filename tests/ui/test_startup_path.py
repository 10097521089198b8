"""The start-up path before the first frame (issue #16): the GUI thread's geometry read and the benchmark's
precompiled sources."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pymupdf
import pytest

from reviewer.document import Packet
from reviewer.errors import PasswordRequired
from ui.page_view.renderer import read_page_geometry

REPO = Path(__file__).resolve().parents[2]


def _mixed_packet(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_text((72, 72), "A4")
    doc.new_page(width=842, height=595)
    rotated = doc.new_page(width=595, height=842)
    rotated.set_rotation(90)
    doc.save(path)
    doc.close()
    return path


def test_geometry_matches_the_packets_pages_including_a_rotated_one(tmp_path: Path) -> None:
    pdf = _mixed_packet(tmp_path / "mixed.pdf")
    sizes, rotations = read_page_geometry(pdf, None)
    with Packet.open(pdf) as packet:
        expected = [(float(packet.doc[i].rect.width), float(packet.doc[i].rect.height))
                    for i in range(packet.page_count)]
        expected_matrix = tuple(float(v) for v in packet.doc[2].rotation_matrix)
    assert sizes == expected == [(595.0, 842.0), (842.0, 595.0), (842.0, 595.0)]
    assert list(rotations) == [2]
    assert rotations[2] == expected_matrix


def test_geometry_of_an_encrypted_file_needs_its_password(tmp_path: Path) -> None:
    pdf = tmp_path / "locked.pdf"
    doc = pymupdf.open()
    doc.new_page(width=300, height=400)
    doc.save(pdf, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="owner")
    doc.close()
    with pytest.raises(PasswordRequired):
        read_page_geometry(pdf, None)
    assert read_page_geometry(pdf, "pw") == ([(300.0, 400.0)], {})


def test_benchmark_precompiles_the_apps_sources() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import screen_bench
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    assert screen_bench.precompile_sources() == []
    cached = Path(importlib.util.cache_from_source(str(REPO / "ui" / "page_view" / "view.py")))
    assert cached.is_file()
    assert cached.stat().st_mtime >= (REPO / "ui" / "page_view" / "view.py").stat().st_mtime
