"""The first page from the start-up helper process (issue 16): the same pixels and geometry as the in-process
path, and every case the helper does not serve (a password, a damaged or non-PDF file, a too complex page, a helper
that dies) ends exactly as without it."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PySide6.QtGui import QImage

from reviewer.errors import PasswordRequired, PdfOpenError
from ui import first_page
from ui.first_page import EarlyPage, RawPage
from ui.page_view.renderer import ImageResult, RenderTask, RenderWorker, read_page_geometry

REPO = Path(__file__).resolve().parents[2]
SCALE = 1.4137  # an uneven fit-width scale, as the window computes one


@pytest.fixture(autouse=True)
def _no_helper_left() -> Iterator[None]:
    first_page.discard()
    yield
    first_page.discard()


def _drawn_packet(path: Path) -> Path:
    """Text, vector shapes, a small image and a rotated page: what a render can get wrong."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 90), "特定個人情報保護評価書 page one", fontname="japan", fontsize=14)
    page.draw_rect(pymupdf.Rect(60, 120, 400, 260), color=(0.1, 0.2, 0.7), fill=(0.9, 0.3, 0.3), width=2)
    page.draw_circle((300, 500), 80, color=(0, 0.5, 0), fill=(0.8, 0.8, 0.1))
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 16, 16), False)
    pix.set_rect(pix.irect, (20, 180, 220))
    page.insert_image(pymupdf.Rect(420, 600, 520, 700), pixmap=pix)
    second = doc.new_page(width=595, height=842)
    second.insert_text((72, 90), "page two", fontsize=20)
    second.set_rotation(90)
    doc.save(path)
    doc.close()
    return path


def _in_process(path: Path, task: RenderTask) -> QImage:
    """The render worker's own image of ``task`` (its strips, its document)."""
    from reviewer.document import open_pdf

    worker = RenderWorker(path, None, 1, lambda _result: None)
    doc = open_pdf(path, None)
    try:
        result = worker._render(doc, task)
    finally:
        doc.close()
    assert result is not None
    return result.image


def _helper_image(raw: RawPage) -> QImage:
    _page, width, height, stride, data = raw
    return QImage(data, width, height, stride, QImage.Format.Format_RGB888).convertToFormat(
        QImage.Format.Format_RGB32)


def _same_pixels(left: QImage, right: QImage) -> bool:
    if left.size() != right.size() or left.format() != right.format():
        return False
    row = left.width() * 4
    return all(bytes(left.constScanLine(y))[:row] == bytes(right.constScanLine(y))[:row]  # type: ignore[call-overload]
               for y in range(left.height()))


def test_the_helpers_pages_are_the_in_process_pixels_and_geometry(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    expected_geometry = read_page_geometry(pdf, None)  # no helper started: in-process
    early = EarlyPage.spawn(pdf)
    assert early is not None
    try:
        assert early.geometry() == expected_geometry
        assert early.request(SCALE, [0, 1])
        first, second = early.read_page(), early.read_page()
    finally:
        early.close()
    assert first is not None and second is not None and (first[0], second[0]) == (0, 1)
    for raw in (first, second):
        expected = _in_process(pdf, RenderTask("render", raw[0], SCALE))
        image = _helper_image(raw)
        assert image.width() > 500 and _same_pixels(image, expected), raw[0]
    # not a white page: the comparison compared drawn pixels
    assert any(image.pixel(x, 150) & 0xFFFFFF != 0xFFFFFF for x in range(0, image.width(), 7))


FORKED_HELPER = """
import sys, threading
from pathlib import Path
import ui.first_page
from ui.first_page import EarlyPage, _single_threaded_without_qt

ui.first_page.SHARED_BYTES = int(sys.argv[4])
assert _single_threaded_without_qt()
early = EarlyPage.spawn(Path(sys.argv[1]))
geometry = early.geometry()
early.request(float(sys.argv[3]), [0])
page, width, height, stride, data = early.read_page()
early.close()
Path(sys.argv[2]).write_bytes(data)
shared = isinstance(data, memoryview)
print(f"FORKED {geometry[0][:2]} {page} {width} {height} {stride} {'PySide6.QtCore' in sys.modules} {shared}",
      flush=True)
"""


@pytest.mark.parametrize("shared_bytes", [64 << 20, 1000])
def test_the_forked_helper_of_a_fresh_start_draws_the_same_pixels(qapp, tmp_path: Path, shared_bytes: int) -> None:  # type: ignore[no-untyped-def]
    # At the start of run_gui (one thread, no Qt) the helper is a fork of the GUI process, not a new interpreter;
    # its page comes through memory the two share, or by the pipe when it does not fit there.
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    raw_file = tmp_path / "page.rgb"
    done = subprocess.run([sys.executable, "-c", FORKED_HELPER, str(pdf), str(raw_file), str(SCALE),
                           str(shared_bytes)], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    fields = done.stdout.split("FORKED ", 1)[1].split()
    assert " ".join(fields[:4]) == "[(595.0, 842.0), (842.0, 595.0)]"
    page, width, height, stride = (int(v) for v in fields[4:8])
    assert page == 0 and fields[8] == "False"  # Qt never loaded in the process that forked
    assert fields[9] == str(stride * height <= shared_bytes)  # through the shared memory where the page fits
    image = _helper_image((page, width, height, stride, bytearray(raw_file.read_bytes())))
    assert _same_pixels(image, _in_process(pdf, RenderTask("render", 0, SCALE)))


def test_the_render_worker_shows_the_helpers_page_before_it_opens_the_file(qapp, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer import document

    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    first_page.start(pdf)
    assert read_page_geometry(pdf, None) == ([(595.0, 842.0), (842.0, 595.0)], {1: (0.0, 1.0, -1.0, 0.0, 842.0, 0.0)})
    early = first_page.take_for(pdf, None)
    assert early is not None and first_page.take_for(pdf, None) is None  # taken once
    opened_at: list[int] = []
    real_open = document.open_pdf

    def counting_open(*args: Any) -> Any:
        opened_at.append(len(results))
        return real_open(*args)

    monkeypatch.setattr(document, "open_pdf", counting_open)
    results: list[object] = []
    arrived = threading.Event()

    def deliver(result: object) -> None:
        results.append(result)
        if isinstance(result, ImageResult) and result.page == 1:
            arrived.set()

    worker = RenderWorker(pdf, None, 1, deliver, early=early)
    worker.start()
    worker.set_wanted([RenderTask("render", 0, SCALE), RenderTask("render", 1, SCALE)])
    worker.release_early()
    try:
        assert arrived.wait(30), results
        worker.first_image_shown()
    finally:
        worker.stop()
    images = [r for r in results if isinstance(r, ImageResult)]
    assert [r.page for r in images] == [0, 1]  # each once: the helper's pages are not rendered again
    assert opened_at in ([], [2])  # the worker opened its own document only after both pages were delivered
    assert early.closed
    for result in images:
        assert _same_pixels(result.image, _in_process(pdf, RenderTask("render", result.page, SCALE)))


def test_a_helper_that_dies_leaves_the_page_to_the_worker(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    first_page.start(pdf)
    assert read_page_geometry(pdf, None)[0][0] == (595.0, 842.0)
    early = first_page.take_for(pdf, None)
    assert early is not None
    os.kill(early.pid, signal.SIGKILL)
    _worker_renders_the_page_itself(pdf, early)


def test_a_helper_killed_before_its_geometry_leaves_the_open_to_this_process(tmp_path: Path) -> None:
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    expected = read_page_geometry(pdf, None)
    first_page.start(pdf)
    early = first_page._started
    assert early is not None
    os.kill(early.pid, signal.SIGKILL)
    assert read_page_geometry(pdf, None) == expected
    assert early.failed and first_page.take_for(pdf, None) is None


def _locked(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page(width=300, height=400)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="owner")
    doc.close()
    return path


def test_an_encrypted_file_is_left_to_the_password_path(tmp_path: Path) -> None:
    pdf = _locked(tmp_path / "locked.pdf")
    first_page.start(pdf)
    with pytest.raises(PasswordRequired):
        read_page_geometry(pdf, None)
    assert first_page._started is None  # the helper said it cannot serve, and is gone
    assert read_page_geometry(pdf, "pw") == ([(300.0, 400.0)], {})


@pytest.mark.parametrize("content", [b"%PDF-1.4 garbage", b"\x89PNG\r\n\x1a\n not a pdf", b""])
def test_damaged_and_non_pdf_files_give_the_in_process_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    with pytest.raises(PdfOpenError) as without:
        read_page_geometry(bad, None)
    first_page.start(bad)
    with pytest.raises(PdfOpenError) as with_helper:
        read_page_geometry(bad, None)
    assert with_helper.value.message_ja == without.value.message_ja
    assert first_page._started is None


def test_a_too_complex_first_page_is_left_to_the_worker(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("reliability_input", REPO / "tests" / "core" /
                                                  "test_reliability_input.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(module.nested_forms_pdf(40, text_page=False))
    early = EarlyPage.spawn(bomb)
    assert early is not None
    try:
        assert early.geometry() is not None
        assert early.request(1.0, [0])
        assert early.read_page() is None and not early.failed  # "not rendered here": the worker sets it aside
    finally:
        early.close()


def test_the_built_apps_flag_runs_the_helper(tmp_path: Path) -> None:
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    done = subprocess.run([sys.executable, "-m", "ui.app", "--first-page-helper", str(pdf)], cwd=REPO,
                          input=b'{"scale": 1.0, "pages": [0]}\n', capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    geometry, rest = done.stdout.split(b"\n", 1)
    assert json.loads(geometry)["sizes"] == [[595.0, 842.0], [842.0, 595.0]]
    header, pixels = rest.split(b"\n", 1)
    fields = json.loads(header)
    assert (fields["page"], fields["width"], fields["height"]) == (0, 595, 842)
    assert len(pixels) == fields["stride"] * fields["height"]


FIRST_IMAGE_PROBE = """
import json, sys
from ui.page_view.renderer import RenderWorker

shown = RenderWorker.first_image_shown


def probe(self):
    import PySide6.QtGui, PySide6.QtWidgets
    # PySide6 makes its classes (and their enums) when first used; one Qt-made object handed to Python makes all
    print("AT_FIRST_IMAGE " + json.dumps({"pymupdf": "pymupdf" in sys.modules, "early": self._early is not None}),
          "ALL_WIDGET_CLASSES " + json.dumps("QWizard" in vars(PySide6.QtWidgets)),
          "GRADIENTS " + json.dumps("QGradient" in vars(PySide6.QtGui)), flush=True)
    shown(self)


RenderWorker.first_image_shown = probe
from ui.app import main
sys.exit(main(sys.argv[1:]))
"""


def _run_app(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", PIA_REVIEWER_HOME=str(profile),
                       PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT="1")
    return subprocess.run([sys.executable, "-c", FIRST_IMAGE_PROBE, *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_app_paints_the_helpers_page_before_importing_pymupdf(small_packet: tuple[Path, Any],
                                                                   isolated_profile: Path) -> None:
    path, truth = small_packet
    result = _run_app([str(path)], isolated_profile)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"first_paint_seconds=[\d.]+ run_gui_seconds=[\d.]+ page=0 pages={truth.pages}",
                     result.stdout), result.stdout + result.stderr
    seen = _first_image_probe(result.stdout)
    assert seen["AT_FIRST_IMAGE"] == {"pymupdf": False, "early": True}
    # The first frame makes neither every QtWidgets class (the page view's own viewport) nor QGradient's 169
    # presets (its fills): ~20 ms of PySide6's enum building before the page shows.
    assert seen["ALL_WIDGET_CLASSES"] is False and seen["GRADIENTS"] is False
    # Re-opening the last file without an argument takes a helper too.
    again = _run_app([], isolated_profile)
    assert again.returncode == 0, again.stderr
    assert _first_image_probe(again.stdout) == seen


def _first_image_probe(stdout: str) -> dict[str, Any]:
    line = "AT_FIRST_IMAGE " + stdout.split("AT_FIRST_IMAGE ", 1)[1].splitlines()[0]
    fields = re.findall(r"([A-Z_]+) (\{[^}]*\}|true|false)", line)
    return {name: json.loads(value) for name, value in fields}


def test_the_app_reports_an_encrypted_file_as_without_the_helper(tmp_path: Path, isolated_profile: Path) -> None:
    result = _run_app([str(_locked(tmp_path / "locked.pdf"))], isolated_profile)
    assert result.returncode == 2 and "open_failed" in result.stdout, result.stdout + result.stderr
    assert "パスワード" in result.stderr


@pytest.mark.parametrize("name", ["plain.pdf", "評価書 2024.pdf", "with,comma;and semicolon.pdf", "back\\slash.pdf",
                                  'quote".pdf', "@at.pdf", "user@host.pdf"])
def test_the_last_file_read_without_qt_is_what_qsettings_reads_or_none(qapp, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    pdf = tmp_path / name
    pdf.write_bytes(b"%PDF-1.4\n")
    ini = tmp_path / "settings.ini"
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    settings.setValue("ui/language", "ja")
    settings.setValue("files/last", str(pdf))
    settings.setValue("files/recent", [str(pdf)])
    settings.sync()
    early = first_page.last_file_before_qt(ini)
    assert early is None or early == Path(str(settings.value("files/last")))
    if "\\" not in name and '"' not in name and not name.startswith("@"):
        assert early == pdf  # the usual names are read before Qt
    pdf.unlink()
    assert first_page.last_file_before_qt(ini) is None  # a file gone is for QSettings' path to report


def _silent_helper(path: Path) -> EarlyPage:
    """A "helper" that never answers (a stalled process): what a helper slower than ``WAIT_S`` looks like."""
    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdin=requests_read,
                            stdout=answers_write)
    os.close(requests_read)
    os.close(answers_write)
    early = EarlyPage(path.resolve(), proc.pid, requests_write, answers_read)
    proc.returncode = 0  # reaped by EarlyPage.close(); keep Popen from waiting on it again
    return early


def test_a_helper_slower_than_its_limit_leaves_the_open_to_this_process(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    expected = read_page_geometry(pdf, None)
    monkeypatch.setattr(first_page, "WAIT_S", 0.3)
    early = _silent_helper(pdf)
    monkeypatch.setattr(first_page, "_started", early)
    assert read_page_geometry(pdf, None) == expected  # after 0.3 s, read here
    assert early.failed and early.closed and first_page._started is None
    with pytest.raises(ChildProcessError):
        os.waitpid(early.pid, os.WNOHANG)  # the stalled helper was ended and reaped


def test_a_page_slower_than_its_limit_is_rendered_by_the_worker(qapp, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _drawn_packet(tmp_path / "drawn.pdf")
    monkeypatch.setattr(first_page, "WAIT_S", 0.3)
    early = _silent_helper(pdf)
    _worker_renders_the_page_itself(pdf, early)


def _worker_renders_the_page_itself(pdf: Path, early: Any) -> None:
    """The render worker, given a helper that failed, delivers page 1 drawn by itself (the in-process pixels)."""
    results: list[object] = []
    arrived = threading.Event()

    def deliver(result: object) -> None:
        results.append(result)
        arrived.set()

    worker = RenderWorker(pdf, None, 1, deliver, early=early)
    worker.start()
    worker.set_wanted([RenderTask("render", 0, SCALE)])
    worker.release_early()
    try:
        assert arrived.wait(30), results
    finally:
        worker.stop()
    assert early.failed
    (image,) = results
    assert isinstance(image, ImageResult) and image.page == 0
    assert _same_pixels(image.image, _in_process(pdf, RenderTask("render", 0, SCALE)))
