"""GUI start-up: QApplication, bundled font, translations, theme, main window, first packet.

``run_gui(args)`` is called by ``ui.app`` for anything that is not a headless subcommand. ``args`` may hold one
PDF path and ``--profile DIR``. Without a file it reopens the last packet, or on first start the bundled sample.

Start-up imports only what the first page needs (QApplication, settings, translations, theme, the window and its
page view). Until the first paint a cheap stand-in (``_EarlyErrors``) keeps log records and uncaught exceptions;
right after it come the log file and the crash handlers (which receive what was kept), the single-instance claim
(before the window opens the store) and, when a system font already covers Japanese, the bundled font (in a
thread). When the profile's instance lock is held by a live process, the claim runs before any window is shown, so
a second start hands its file over and exits without flashing a window.

Environment:
    PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT=1: print ``first_paint_seconds=<s since process start>`` and quit after
        the first page is painted (start-up tests and benchmarks); no questions are asked.
    PIA_REVIEWER_EXIT_WHEN_READY=1: once the structure tree is filled and the search index is ready, print
        ``ready_seconds=<s> first_paint_seconds=<s> outline_seconds=<s> index_seconds=<s>`` (each since process
        start) and quit; no questions are asked and the comment store stays closed. When the analysis fails it
        prints ``analysis_failed ...`` and exits with 3.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

EXIT_AFTER_FIRST_PAINT_ENV = "PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT"
EXIT_WHEN_READY_ENV = "PIA_REVIEWER_EXIT_WHEN_READY"
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


class _EarlyErrors(logging.Handler):
    """What stands in for the crash handlers and the log file until the first page is painted.

    Importing ``ui.crash`` (and ``reviewer.logs``, ``logging.handlers``) costs tens of milliseconds that the first
    page should not wait for. Until ``finish()`` installs them, this keeps log records in memory (replayed into the
    log file afterwards; warnings also go to stderr at once) and takes uncaught exceptions: each is printed to stderr
    and handed to the full crash handler — installed on the spot when the error happens in the GUI thread while the
    QApplication exists, otherwise as soon as ``finish()`` runs. ``faulthandler`` writes native crashes to stderr
    meanwhile."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.errors: list[tuple[Any, str]] = []
        self.finished = False
        self.console = False

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.levelno >= logging.WARNING:
            try:
                sys.stderr.write(self.format(record) + "\n")
            except Exception:  # noqa: BLE001 - no stderr (frozen windowed build)
                pass

    def install(self) -> None:
        import faulthandler
        import threading

        root = logging.getLogger()
        root.addHandler(self)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        if not faulthandler.is_enabled() and sys.stderr is not None:
            try:
                faulthandler.enable()
            except (OSError, ValueError, AttributeError, RuntimeError):
                pass
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook

    def _sys_hook(self, exc_type: Any, exc: BaseException, tb: Any) -> None:
        sys.__excepthook__(exc_type, exc, tb)
        self.errors.append(((exc_type, exc, tb), ""))
        self._hand_over_now()

    def _thread_hook(self, args: Any) -> None:
        import threading

        threading.__excepthook__(args)
        if args.exc_type is not SystemExit and args.exc_value is not None:
            name = args.thread.name if args.thread is not None else ""
            self.errors.append(((args.exc_type, args.exc_value, args.exc_traceback), name))

    def _hand_over_now(self) -> None:
        import threading

        qtcore = sys.modules.get("PySide6.QtCore")
        if qtcore is None or qtcore.QCoreApplication.instance() is None:
            return
        if threading.current_thread() is threading.main_thread():
            self.finish()

    def finish(self) -> None:
        """Install logging to the file and the crash handlers; hand over what was collected (idempotent)."""
        if self.finished:
            return
        self.finished = True
        import threading

        root = logging.getLogger()
        root.removeHandler(self)
        if sys.excepthook == self._sys_hook:
            sys.excepthook = sys.__excepthook__
        if threading.excepthook == self._thread_hook:
            threading.excepthook = threading.__excepthook__
        from reviewer.logs import setup_logging

        # A rotating log in the data directory; it never holds comment text, quotes or passwords.
        setup_logging(console=self.console)
        for record in self.records:
            for handler in root.handlers:
                if isinstance(handler, logging.FileHandler) and record.levelno >= handler.level:
                    handler.handle(record)
        self.records.clear()
        from ui.crash import install_crash_handlers

        crash_handler = install_crash_handlers()
        errors, self.errors = self.errors, []
        for info, thread_name in errors:
            crash_handler.handle(info, thread_name)


INSTANCE_LOCK_NAME = "instance.lock"  # ui.single_instance.LOCK_NAME (not imported: it pulls in QtNetwork)


def _other_instance_may_run(profile_dir: Path) -> bool:
    """Cheap pre-check without QtNetwork: does a live process hold the profile's single-instance lock?

    The lock is a QLockFile whose first line is the holder's pid. True when in doubt (unreadable lock, or no way to
    check the pid), so the real claim then runs before the window is shown; False only when there is no lock or its
    holder is gone — then the claim runs after the first paint (and still arbitrates a simultaneous start)."""
    lock = profile_dir / INSTANCE_LOCK_NAME
    try:
        first_line = lock.read_bytes().split(b"\n", 1)[0]
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        pid = int(first_line.strip() or b"0")
    except ValueError:
        return True
    if pid <= 0 or pid == os.getpid():
        return pid <= 0
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False  # a stale lock of a crashed instance
    except OSError:
        return True  # exists, owned by someone else
    return True


def _japanese_family_available() -> bool:
    """Whether an installed font family covers Japanese (then the bundled font can wait until after the first
    paint without any risk of tofu)."""
    from PySide6.QtGui import QFontDatabase

    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.Japanese))


def _apply_theme_for_start(app: Any, text_size: str, high_contrast: bool) -> bool:
    """Text size and contrast; the bundled font only when no system font covers Japanese. Returns True when
    loading the bundled font was left for later (``_load_bundled_font_later``)."""
    from ui import theme

    if not _japanese_family_available():
        theme.apply_theme(app, text_size, high_contrast)
        return False
    from PySide6.QtGui import QFont

    base = theme.base_point_size(app)
    font = QFont(app.font())
    font.setPointSizeF(round(base * theme.TEXT_SIZES.get(text_size, 1.0), 1))
    app.setFont(font)
    theme.apply_palette(app, high_contrast)
    return True


def _load_bundled_font_later() -> None:
    """Register the bundled font in a helper thread (QFontDatabase is thread-safe); the system's Japanese font
    is used until then, and every later ``apply_theme`` includes the bundled family as the fallback."""
    import threading

    from ui import theme

    threading.Thread(target=theme.load_bundled_font, name="bundled-font", daemon=True).start()


_start_pause = {"paused": False}


def pause_collector_for_start() -> None:
    """Pause Python's cyclic collector until the first paint.

    Start-up makes some 100,000 objects that live as long as the process (modules, classes, PySide6's enums and
    type wrappers) and hardly any garbage; the collector walked them ~55 times before the first frame (13 ms of
    the GUI thread's CPU)."""
    if gc.isenabled():
        gc.disable()
        _start_pause["paused"] = True


def resume_collector_after_start() -> None:
    """Resume the collector paused by :func:`pause_collector_for_start` (idempotent). What lives at this point
    lives as long as the process, so it is frozen out of later collections: none of them walks it again."""
    if _start_pause["paused"]:
        _start_pause["paused"] = False
        gc.freeze()
        gc.enable()


def run_gui(args: list[str]) -> int:
    """Start the GUI; returns the exit code."""
    pause_collector_for_start()
    try:
        return _run_gui(args)
    finally:
        resume_collector_after_start()


def _run_gui(args: list[str]) -> int:
    started = time.perf_counter()
    if getattr(sys, "frozen", False) and not getattr(sys, "pia_multiprocessing_served", False):
        # PyInstaller: the spawned worker re-enters here (unless the entry served it already, without importing
        # multiprocessing here: scripts/frozen_multiprocessing.py)
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
    exit_when_ready = not exit_after_paint and os.environ.get(EXIT_WHEN_READY_ENV, "") not in ("", "0")
    batch = exit_after_paint or exit_when_ready
    early = _EarlyErrors()
    early.console = batch
    early.install()
    from reviewer.paths import data_dir
    from ui import first_page

    profile_dir = data_dir()
    other_may_run = _other_instance_may_run(profile_dir)
    first_target = path or first_page.last_file_before_qt(profile_dir / "settings.ini")
    if first_target is not None and not other_may_run:
        # The first page is opened and drawn in a helper process on the other core while Qt loads here.
        first_page.start(first_target)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "pia-reviewer"])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("pia-reviewer")
    app.setApplicationDisplayName(APP_NAME)

    handover_args = [str(path.resolve())] if path else []
    instance: Any = None
    if other_may_run:
        # Another window is (probably) open on this profile: hand the file over before showing anything.
        from ui.single_instance import claim

        instance = claim(profile_dir, handover_args)
        if instance is None:
            early.finish()
            return 0

    from ui.app_settings import AppSettings
    from ui.i18n import install_translators

    settings = AppSettings()
    target = path or _last_file(settings)
    if path is None and target is not None:
        first_page.start(target)  # the last packet, when settings.ini needed QSettings to read it
    install_translators(app, settings.language)
    font_later = _apply_theme_for_start(app, settings.text_size, settings.high_contrast)

    from ui.main_window import MainWindow, icon

    app.setWindowIcon(icon("app"))
    window = MainWindow(settings, ask_member_name=not batch, open_store=not batch)
    window.restore_layout()
    window.batch_mode = batch
    window.after_paint.analysis_in_batch = exit_when_ready
    state: dict[str, Any] = {"instance": instance, "done": False}

    def on_second_start(received: list[str]) -> None:
        from ui.single_instance import bring_to_front

        bring_to_front(window)
        if received:
            window.open_file(Path(received[0]))

    def deferred_start() -> None:
        """After the first paint (or when there is nothing to paint): crash handlers and the log file, the
        single-instance claim (before the store opens, which the window does later still), the bundled font."""
        if state["done"]:
            return
        state["done"] = True
        resume_collector_after_start()
        first_page.discard()  # a helper no open took (the file failed, or another was opened first)
        early.finish()
        if state["instance"] is None:
            from ui.single_instance import claim

            claimed = claim(profile_dir, handover_args)
            if claimed is None:  # another instance started at the same moment and won: it has our file now
                window.hide()
                app.exit(0)
                return
            state["instance"] = claimed
        state["instance"].message_received.connect(on_second_start)
        if font_later:
            _load_bundled_font_later()

    if exit_after_paint:
        def report() -> None:
            since_start = seconds_since_process_start()
            in_gui = time.perf_counter() - started
            print(f"first_paint_seconds={since_start if since_start is not None else in_gui:.3f} "
                  f"run_gui_seconds={in_gui:.3f} page={window.page_view.current_page()} "
                  f"pages={window.page_view.page_count()}", flush=True)
            QTimer.singleShot(0, app.quit)

        window.first_page_painted.connect(report)
    elif exit_when_ready:
        _report_when_ready(app, window, started)
    # Queued before the window's own after-paint work: the claim precedes the store.
    window.first_page_painted.connect(lambda: QTimer.singleShot(0, deferred_start))

    window.show()
    if target is not None:
        if not window.open_file(target) and batch:
            print("open_failed", flush=True)
            early.finish()
            return 2
    else:
        window.show_welcome()  # first start: the member chooses (a packet, or the sample said to be a sample)
    if window.current_path is None:
        QTimer.singleShot(0, deferred_start)  # nothing to paint yet
    else:
        QTimer.singleShot(3000, deferred_start)  # the first page never painted (a broken page): do not wait forever

    code = app.exec()
    early.finish()
    from ui import ops

    ops.shutdown()
    if state["instance"] is not None:
        state["instance"].close()
    return int(code)


def _report_when_ready(app: Any, window: Any, started: float) -> None:
    """The ready hook (``PIA_REVIEWER_EXIT_WHEN_READY``): one line with the moments the first page, the filled
    structure tree and the search index were there, then quit."""
    from PySide6.QtCore import QTimer

    from ui.session import INDEX, OUTLINE

    marks: dict[str, float] = {}

    def now() -> float:
        since_start = seconds_since_process_start()
        return since_start if since_start is not None else time.perf_counter() - started

    def mark(name: str) -> None:
        if name in marks or "ready" in marks:
            return
        marks[name] = now()
        if "first_paint" in marks and "outline" in marks and "index" in marks:
            marks["ready"] = max(marks.values())
            print(" ".join(f"{key}_seconds={marks[key]:.3f}" for key in ("ready", "first_paint", "outline", "index")),
                  flush=True)
            QTimer.singleShot(0, app.quit)

    def on_change(change: Any) -> None:
        session = window.session
        failed = (OUTLINE in change and session.outline_error) or (INDEX in change and session.index_state == "failed")
        if failed and "ready" not in marks:
            marks["ready"] = now()
            print(f"analysis_failed outline_error={session.outline_error!r} index_state={session.index_state}",
                  flush=True)
            QTimer.singleShot(0, lambda: app.exit(3))

    window.first_page_painted.connect(lambda: mark("first_paint"))
    window.outline_ready.connect(lambda _outline: mark("outline"))
    window.index_ready.connect(lambda _sha256: mark("index"))
    window.session.changed.connect(on_change)


def _last_file(settings: object) -> Path | None:
    last = getattr(settings, "last_file", lambda: "")()
    if last and Path(last).is_file():
        return Path(last)
    return None


