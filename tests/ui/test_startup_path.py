"""The start-up path before the first frame (issue #16): the GUI thread's geometry read and the benchmark's
precompiled sources."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtGui import QImage

from reviewer.document import Packet
from reviewer.errors import PasswordRequired
from ui.page_view.renderer import ImageResult, RenderTask, RenderWorker, TextResult, read_page_geometry

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


def _serve(worker_pdf: Path, tasks: list[RenderTask], wanted: int) -> list[object]:
    """Start a render worker on ``worker_pdf``, ask for ``tasks`` right away, collect ``wanted`` results."""
    results: list[object] = []
    arrived = threading.Event()

    def deliver(result: object) -> None:
        results.append(result)
        if len(results) >= wanted:
            arrived.set()

    worker = RenderWorker(worker_pdf, None, 1, deliver)
    worker.start()
    worker.set_wanted(tasks)
    try:
        assert arrived.wait(30), results
    finally:
        worker.stop()
    return results


def _ink(image: QImage) -> int:
    """How many sampled pixels are not white."""
    return sum(1 for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)
               if image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF)


def test_first_page_renders_before_the_document_check_and_text_follows(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _mixed_packet(tmp_path / "mixed.pdf")
    results = _serve(pdf, [RenderTask("render", 0, 1.0), RenderTask("text", 0)], 2)
    image, text = results
    assert isinstance(image, ImageResult) and image.page == 0 and _ink(image.image) > 0
    assert isinstance(text, TextResult) and "A4" in "".join(ch.c for line in text.text.lines for ch in line.chars)


def test_a_too_complex_first_page_is_still_set_aside_before_it_renders(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("reliability_input", REPO / "tests" / "core" /
                                                  "test_reliability_input.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    nested_forms_pdf = module.nested_forms_pdf
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(nested_forms_pdf(40, text_page=False))
    started = time.perf_counter()
    (image,) = _serve(bomb, [RenderTask("render", 0, 1.0)], 1)
    assert isinstance(image, ImageResult) and image.page == 0
    assert _ink(image.image) == 0  # drawn empty, as the Packet sets the page aside
    assert time.perf_counter() - started < 20
