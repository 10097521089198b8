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


def test_geometry_read_from_page_objects_equals_loaded_pages_with_inherited_boxes(tmp_path: Path) -> None:
    from reviewer.first_page import _geometry_from_loaded_pages, _geometry_from_page_objects

    doc = pymupdf.open()
    doc.new_page(width=595, height=842)
    cropped = doc.new_page(width=600, height=800)
    cropped.set_cropbox(pymupdf.Rect(50, 60, 350, 460))
    doc.new_page(width=400, height=300)
    pages_root = doc.pdf_catalog()
    pages_xref = int(doc.xref_get_key(pages_root, "Pages")[1].split()[0])
    doc.xref_set_key(pages_xref, "Rotate", "270")  # inherited by every page
    for index in (0, 2):
        doc.xref_set_key(doc.page_xref(index), "Rotate", "null")
    doc.xref_set_key(doc.page_xref(1), "Rotate", "0")  # but not this one
    doc.save(tmp_path / "inherited.pdf")
    doc.close()
    with pymupdf.open(tmp_path / "inherited.pdf") as reopened:
        fast = _geometry_from_page_objects(reopened)
        loaded = _geometry_from_loaded_pages(reopened)
    assert fast == loaded
    assert fast[0] == [(842.0, 595.0), (300.0, 400.0), (300.0, 400.0)]
    assert sorted(fast[1]) == [0, 2]


def test_geometry_equals_loaded_pages_on_every_corpus_file_damaged_ones_included() -> None:
    # The page objects are read through MuPDF's low-level calls, which crash (not raise) on some damaged files
    # unless guarded: every file of the corpus gives what loading each page gave, or the same error.
    from reviewer.document import open_pdf
    from reviewer.first_page import _geometry_from_loaded_pages

    corpus = REPO.parent / "shared" / "corpus"
    files = sorted(corpus.rglob("*.pdf"))
    if not files:
        pytest.skip("corpus not present")

    def outcome(read: object) -> object:
        try:
            return read()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - the error's type is what is compared
            return type(exc).__name__

    def loaded(path: Path) -> object:
        doc = open_pdf(path, None)
        try:
            return _geometry_from_loaded_pages(doc)
        finally:
            doc.close()

    for path in files:
        assert outcome(lambda p=path: read_page_geometry(p, None)) == outcome(lambda p=path: loaded(p)), path
    assert len(files) >= 50


def test_the_document_check_waits_until_the_first_page_is_painted(qapp, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The check of every page holds the GIL; it must not run between the first image's arrival and its paint.
    from reviewer import document

    pdf = _mixed_packet(tmp_path / "mixed.pdf")
    moments: list[tuple[str, float]] = []
    done = threading.Event()
    workers: list[RenderWorker] = []
    shown_at: list[float] = []

    def deliver(result: object) -> None:
        moments.append((type(result).__name__, time.perf_counter()))
        if isinstance(result, ImageResult):
            # The view paints 0.3 s later (a busy GUI thread); only then may the check run.
            def paint_later() -> None:
                time.sleep(0.3)
                shown_at.append(time.perf_counter())
                workers[0].first_image_shown()

            threading.Thread(target=paint_later, daemon=True).start()
        if isinstance(result, TextResult):
            done.set()

    worker = RenderWorker(pdf, None, 1, deliver)
    workers.append(worker)
    checked: list[float] = []
    real_packet = Packet

    def packet_after_check(*args: object) -> object:
        checked.append(time.perf_counter())
        return real_packet(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(document, "Packet", packet_after_check)  # the worker imports it when it opens the file
    worker.start()
    worker.set_wanted([RenderTask("render", 0, 1.0), RenderTask("text", 0)])
    try:
        assert done.wait(30), moments
    finally:
        worker.stop()
    assert [name for name, _ in moments] == ["ImageResult", "TextResult"]
    assert shown_at and checked and checked[0] >= shown_at[0]
