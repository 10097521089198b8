"""``ready_s`` driver, run in its OWN process by ``screen_bench.py``: the real start-up (``ui.gui.run_gui``) on one
packet, until the structure tree and the search are usable.

The app has no "ready" hook yet, so this wraps ``MainWindow.__init__`` (nothing else is changed): it asks no
questions and leaves the comment store closed (no keyring here), and listens to the window's own signals —
``first_page_painted``, ``outline_ready`` (the tree is filled) and ``index_ready`` (search answers). When both of
the last two have fired it prints ONE line and quits:

    ready ready=<s> first_paint=<s> outline=<s> index=<s>      (seconds since process start, /proc)

Usage: PIA_REVIEWER_HOME=PROFILE python benchmarks/ready_driver.py PACKET.pdf
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
REPO = Path(__file__).resolve().parent.parent


def _since_process_start() -> float:
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - STARTED


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO))
    os.environ.pop("PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT", None)
    import ui.main_window as main_window

    marks: dict[str, float] = {}
    original_init = main_window.MainWindow.__init__

    def mark(name: str) -> None:
        if name in marks:
            return
        marks[name] = _since_process_start()
        if "outline" in marks and "index" in marks and "ready" not in marks:
            marks["ready"] = max(marks["outline"], marks["index"])
            print("ready " + " ".join(f"{key}={value:.3f}" for key, value in marks.items()), flush=True)
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            QTimer.singleShot(0, QApplication.quit)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.update(ask_member_name=False, open_store=False)
        original_init(self, *args, **kwargs)
        self.first_page_painted.connect(lambda: mark("first_paint"))
        self.outline_ready.connect(lambda _outline: mark("outline"))
        self.index_ready.connect(lambda _sha256: mark("index"))

    main_window.MainWindow.__init__ = init  # type: ignore[method-assign]
    from ui.gui import run_gui

    code = run_gui([argv[0]])
    if "ready" not in marks:
        print(f"not ready: {sorted(marks)}", file=sys.stderr, flush=True)
        return code or 3
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
