"""Start-up as a user sees it (issue #16): the screen probe of ``benchmarks/`` finds the page's marker and nothing
else, and the real app's first page stays where it first appeared (position and zoom, 2 s later)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

from screen_probe import Box, marker_box, marker_visible  # noqa: E402

WIDTH, HEIGHT = 640, 400
STRIDE = WIDTH * 4


def _screen(fill: bytes, block: tuple[int, int, int, int] | None = None, pixel: bytes = b"\xff\x00\xff\x00") -> bytes:
    """A BGRX screen of one colour with an optional block (left, top, right, bottom inclusive) of ``pixel``."""
    data = bytearray(fill * (WIDTH * HEIGHT))
    if block is not None:
        left, top, right, bottom = block
        for row in range(top, bottom + 1):
            start = row * STRIDE + left * 4
            data[start:start + (right - left + 1) * 4] = pixel * (right - left + 1)
    return bytes(data)


@pytest.mark.parametrize("fill", [b"\xff\xff\xff\x00", b"\xff\xff\xff\xff", b"\x00\x00\x00\x00",
                                  b"\xf4\xf5\xf6\x00", b"\x00\xff\xff\xff", b"\xff\xff\x00\xff"])
def test_no_marker_on_screens_without_one(fill: bytes) -> None:
    # White with either padding byte, black, GTK grey, yellow, cyan: none may read as magenta across pixels.
    screen = _screen(fill)
    assert not marker_visible(screen, STRIDE)
    assert marker_box(screen, STRIDE) is None


def test_a_screen_of_magenta_is_seen_whole() -> None:
    assert marker_box(_screen(b"\xff\x00\xff\x00"), STRIDE) == Box(0, 0, WIDTH - 1, HEIGHT - 1)


@pytest.mark.parametrize("padding", [b"\x00", b"\xff"])
def test_marker_block_found_with_its_box(padding: bytes) -> None:
    screen = _screen(b"\xff\xff\xff\x00", (100, 40, 499, 129), b"\xff\x00\xff" + padding)
    assert marker_visible(screen, STRIDE)
    assert marker_box(screen, STRIDE) == Box(100, 40, 499, 129)


def test_a_few_stray_pixels_are_not_the_page() -> None:
    screen = _screen(b"\xff\xff\xff\x00", (10, 16, 12, 16))  # three pixels, on a polled row
    assert not marker_visible(screen, STRIDE)


def test_a_near_magenta_is_not_the_marker() -> None:
    screen = _screen(b"\xff\xff\xff\x00", (100, 40, 499, 129), b"\xfe\x00\xff\x00")
    assert not marker_visible(screen, STRIDE)


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (scripts/system-deps.sh bench)")
    from common import xvfb_display

    with xvfb_display() as display:
        if display is None:
            pytest.skip("Xvfb did not start")
        yield display


@pytest.mark.slow
def test_first_page_stays_still_after_the_first_frame(xvfb: str, small_packet: tuple[Path, object]) -> None:
    """The real app (``python -m ui.app``, fresh profile): the page's marker where it first appeared on the screen
    is where it is 2 s later — no panel or zoom change moves or rescales the page after the first frame."""
    from screen_bench import Program, fresh_env, marked_copy, screen_first_paint_once
    from screen_probe import Screen

    path, _truth = small_packet
    with tempfile.TemporaryDirectory(prefix="pia-screen-") as folder, Screen(xvfb) as screen:
        marked = marked_copy(path, Path(folder) / "marked.pdf")
        app = Program("source", (sys.executable, "-m", "ui.app"), REPO)
        env = fresh_env(Path(folder) / "home", xvfb, None)
        env.pop("PYTHONPATH", None)
        outcome = screen_first_paint_once(app, marked, screen, env, timeout=120.0, settle_s=2.0)
    first, later = outcome["first_box"], outcome["later_box"]
    assert first is not None and first.width > 100, first  # the page really was on the screen
    assert later is not None, "the page left the screen within 2 s"
    assert later == first, f"the page moved or was rescaled after the first frame: {first} → {later}"


@pytest.mark.slow
def test_a_reopened_packet_stays_still_while_its_cached_panels_arrive(xvfb: str,
                                                                   small_packet: tuple[Path, object]) -> None:
    """A re-open (the same profile, caches filled by a first open): the tree and search come from the cache right
    after the first paint, and the page still does not move or rescale."""
    from ready_driver import parse_ready_line
    from screen_bench import Program, fresh_env, marked_copy, screen_first_paint_once
    from screen_probe import Screen

    path, _truth = small_packet
    with tempfile.TemporaryDirectory(prefix="pia-screen-") as folder, Screen(xvfb) as screen:
        marked = marked_copy(path, Path(folder) / "marked.pdf")
        env = fresh_env(Path(folder) / "home", xvfb, None)
        env.pop("PYTHONPATH", None)
        first_open = subprocess.run([sys.executable, "-m", "ui.app", str(marked)], cwd=REPO,
                                    env=dict(env, PIA_REVIEWER_EXIT_WHEN_READY="1"), capture_output=True, text=True,
                                    timeout=180, check=False)
        moments = [parse_ready_line(line) for line in first_open.stdout.splitlines()]
        assert any(moments), first_open.stdout + first_open.stderr[-2000:]  # the caches are filled
        app = Program("source", (sys.executable, "-m", "ui.app"), REPO)
        outcome = screen_first_paint_once(app, marked, screen, env, timeout=120.0, settle_s=2.0)
    first, later = outcome["first_box"], outcome["later_box"]
    assert first is not None and first.width > 100, first
    assert later == first, f"the page moved or was rescaled after the first frame: {first} → {later}"


@pytest.mark.slow
def test_probe_sees_a_real_window(xvfb: str, tmp_path: Path) -> None:
    """A PySide6 window filled with magenta, in a subprocess: the probe sees it through the X server."""
    from screen_probe import Screen

    code = ("from PySide6.QtWidgets import QApplication, QWidget\nfrom PySide6.QtCore import QTimer\n"
            "app = QApplication([])\nw = QWidget()\nw.setStyleSheet('background: #ff00ff')\nw.resize(300, 200)\n"
            "w.show()\nQTimer.singleShot(20000, app.quit)\napp.exec()\n")
    env = dict(os.environ, DISPLAY=xvfb, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        with Screen(xvfb) as screen:
            seen = None
            for _ in range(3000):
                pixels, stride = screen.grab()
                if marker_visible(pixels, stride):
                    seen = marker_box(pixels, stride)
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
    finally:
        proc.kill()
        proc.wait()
    assert seen is not None and seen.width >= 290 and seen.height >= 190, seen
