"""Python's cyclic collector is paused from the start of ``run_gui`` until the first paint (issue 16: less GUI CPU
before the first frame), then resumed with what lives by then frozen out of later collections."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ui import gui

REPO = Path(__file__).resolve().parent.parent.parent

COLLECTOR_PROBE = """
import atexit, gc, sys
import ui.gui
seen = ui.gui.seconds_since_process_start  # called inside the first-paint callback


def at_first_paint():
    print(f"AT_FIRST_PAINT enabled={gc.isenabled()} frozen={gc.get_freeze_count()}", flush=True)
    return seen()


def at_exit():
    print(f"AT_EXIT enabled={gc.isenabled()} frozen={gc.get_freeze_count()}", flush=True)


ui.gui.seconds_since_process_start = at_first_paint
atexit.register(at_exit)
from ui.app import main
sys.exit(main(sys.argv[1:]))
"""


def _probe(args: list[str], profile: Path) -> str:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", PIA_REVIEWER_HOME=str(profile),
                       PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT="1")
    result = subprocess.run([sys.executable, "-c", COLLECTOR_PROBE, *args], cwd=REPO, env=environment,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_collector_is_paused_until_the_first_paint_then_resumed_with_the_start_frozen(
        small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    path, _truth = small_packet
    out = _probe([str(path)], isolated_profile)
    painted = re.search(r"AT_FIRST_PAINT enabled=(\w+) frozen=(\d+)", out)
    ended = re.search(r"AT_EXIT enabled=(\w+) frozen=(\d+)", out)
    assert painted and ended, out
    assert painted[1] == "False" and int(painted[2]) == 0  # paused while the window is built, nothing frozen yet
    # resumed after the paint; the modules, classes and Qt wrappers of the start are out of later collections
    assert ended[1] == "True" and int(ended[2]) > 10_000


def test_pause_and_resume_leave_a_collector_the_caller_paused_alone() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    try:
        gc.disable()  # e.g. a caller inside reviewer.bulk.collector_paused
        gui.pause_collector_for_start()
        gui.resume_collector_after_start()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen_before  # nothing frozen: the pause was not ours
    finally:
        gc.enable()


def test_pause_then_resume_freezes_once() -> None:
    assert gc.isenabled()
    try:
        gui.pause_collector_for_start()
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]  # objects alive at the resume are frozen
        gui.resume_collector_after_start()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        gui.resume_collector_after_start()  # idempotent: a second call neither freezes nor changes anything
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
