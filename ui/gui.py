"""GUI start-up: QApplication, bundled font, translations, theme, main window, first packet.

``run_gui(args)`` is called by ``ui.app`` for anything that is not a headless subcommand. ``args`` may hold one
PDF path and ``--profile DIR``. Without a file it reopens the last packet, or on first start the bundled sample.

Environment:
    PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT=1: print ``first_paint_seconds=<s since process start>`` and quit after
        the first page is painted (start-up tests and benchmarks); no questions are asked.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

EXIT_AFTER_FIRST_PAINT_ENV = "PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT"
APP_NAME = "PIA Reviewer"

log = logging.getLogger("ui.gui")


def seconds_since_process_start() -> float | None:
    """Wall time since this process started (Linux /proc); None elsewhere."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 overall; fields here start at field 3
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _parse(args: list[str]) -> tuple[Path | None, str | None]:
    path: Path | None = None
    profile: str | None = None
    items = iter(args)
    for arg in items:
        if arg == "--profile":
            profile = next(items, None)
        elif arg.startswith("--profile="):
            profile = arg.split("=", 1)[1]
        elif not arg.startswith("-") and path is None:
            path = Path(arg)
    return path, profile


def run_gui(args: list[str]) -> int:
    """Start the GUI; returns the exit code."""
    started = time.perf_counter()
    if getattr(sys, "frozen", False):  # PyInstaller: the spawned worker re-enters here
        import multiprocessing

        multiprocessing.freeze_support()
    if sys.stdout is None or sys.stderr is None:  # frozen windowed build
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    path, profile = _parse(args)
    if profile:
        os.environ["PIA_REVIEWER_HOME"] = str(Path(profile).resolve())
    exit_after_paint = os.environ.get(EXIT_AFTER_FIRST_PAINT_ENV, "") not in ("", "0")
    from reviewer.logs import setup_logging

    # A rotating log in the data directory; it never holds comment text, quotes or passwords.
    setup_logging(console=exit_after_paint)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "pia-reviewer"])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("pia-reviewer")
    app.setApplicationDisplayName(APP_NAME)

    from ui.crash import install_crash_handlers

    install_crash_handlers()
    from reviewer.paths import data_dir
    from ui.single_instance import bring_to_front, claim

    # A second start on the same profile hands its file to the running window and exits.
    instance = claim(data_dir(), [str(path.resolve())] if path else [])
    if instance is None:
        return 0

    from ui.dialogs.settings import AppSettings
    from ui.i18n import install_translators
    from ui.theme import apply_theme

    settings = AppSettings()
    install_translators(app, settings.language)
    apply_theme(app, settings.text_size, settings.high_contrast)

    from ui.main_window import MainWindow, icon

    app.setWindowIcon(icon("app"))
    window = MainWindow(settings, ask_member_name=not exit_after_paint, open_store=not exit_after_paint)
    window.resize(1400, 900)
    window.batch_mode = exit_after_paint

    if exit_after_paint:
        def report() -> None:
            since_start = seconds_since_process_start()
            in_gui = time.perf_counter() - started
            print(f"first_paint_seconds={since_start if since_start is not None else in_gui:.3f} "
                  f"run_gui_seconds={in_gui:.3f} page={window.page_view.current_page()} "
                  f"pages={window.page_view.page_count()}", flush=True)
            QTimer.singleShot(0, app.quit)

        window.first_page_painted.connect(report)

    def on_second_start(received: list[str]) -> None:
        bring_to_front(window)
        if received:
            window.open_file(Path(received[0]))

    instance.message_received.connect(on_second_start)

    window.show()
    target = path or _last_file(settings)
    if target is not None:
        if not window.open_file(target) and exit_after_paint:
            print("open_failed", flush=True)
            return 2
    else:
        _open_sample(window)

    code = app.exec()
    from ui import ops

    ops.shutdown()
    instance.close()
    return int(code)


def _last_file(settings: object) -> Path | None:
    last = getattr(settings, "last_file", lambda: "")()
    if last and Path(last).is_file():
        return Path(last)
    return None


def _open_sample(window: object) -> None:
    """First start: open the bundled sample (generated in the worker process when it does not exist yet)."""
    from ui.main_window import MainWindow
    from ui.ops import Op

    assert isinstance(window, MainWindow)
    from reviewer.paths import resource

    shipped = resource("sample", "sample-packet.pdf")
    if shipped.is_file():
        window.open_file(shipped)
        return
    from PySide6.QtCore import QCoreApplication

    window.statusBar().showMessage(QCoreApplication.translate("MainWindow", "サンプル資料を準備中…"))
    Op(window, _sample_path).success(lambda p: window.open_file(Path(p))).run_in_process()


def _sample_path() -> str:
    from reviewer.samples import default_sample_path

    return str(default_sample_path())
