"""Last-resort error handling: no uncaught exception is ever silent, and none takes the app down quietly.

``install_crash_handlers(log_dir)`` (call once, in the GUI thread, right after the QApplication exists):

* ``sys.excepthook`` — exceptions escaping a slot, a Qt virtual method or the main thread;
* ``threading.excepthook`` — exceptions escaping a worker thread;
* a Qt message handler — Qt's own warnings and errors go to the log (fatal ones are flushed first);
* ``faulthandler`` — a native crash (e.g. inside MuPDF) writes the Python stacks to ``native-crash.log``.

Each exception is written with its traceback to the rotating log (``reviewer.logs``; no comment text, quotes
or passwords), then a short Japanese message box names the log file. Boxes are shown in the GUI thread only
(worker threads hand over through a queued signal); while one box is open, or within ``min_interval``
seconds of the last one, further errors are only logged, so an error in a timer cannot flood the screen;
and an error inside the handler itself is written to stderr instead of recursing.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QtMsgType, Signal, qInstallMessageHandler

from reviewer.logs import current_log_file, format_exception, setup_logging

log = logging.getLogger("ui.crash")
qt_log = logging.getLogger("qt")

TITLE = "PIA Reviewer — エラー"
NATIVE_LOG_NAME = "native-crash.log"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_message(log_file: Path | None) -> str:
    """The text of the message box."""
    where = f"\n\n詳しい情報はログファイルに記録しました:\n{log_file}" if log_file else ""
    return (
        "予期しないエラーが発生しました。\n"
        "入力済みのコメントは保存されています。このまま作業を続けられますが、"
        "問題が続く場合はアプリを再起動してください。" + where
    )


class CrashHandler(QObject):
    """Logs uncaught exceptions and shows them; see the module docstring.

    Signals:
        crashed(str): emitted in the GUI thread after an uncaught exception was logged (its type name).
    """

    crashed = Signal(str)
    _deliver = Signal(str)

    def __init__(self, log_file: Path | None, *, min_interval: float = 3.0) -> None:
        super().__init__()
        self.log_file = log_file
        self.min_interval = min_interval
        self.count = 0
        self.shown = 0
        self._showing = False
        self._in_handler = threading.local()
        self._last_closed = -1e9
        self._previous_sys: Callable[..., Any] | None = None
        self._previous_thread: Callable[..., Any] | None = None
        self._previous_qt: Any = None
        self._installed = False
        self._native_file: IO[str] | None = None
        self._faulthandler_was_enabled = False
        self._deliver.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------------------------------ hooks
    def install(self, *, native: bool = True) -> None:
        if self._installed:
            return
        self._previous_sys = sys.excepthook
        self._previous_thread = threading.excepthook
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        self._previous_qt = qInstallMessageHandler(self._qt_message)
        self._faulthandler_was_enabled = faulthandler.is_enabled()
        if native and self.log_file is not None:
            try:
                self._native_file = open(self.log_file.parent / NATIVE_LOG_NAME, "a", encoding="utf-8")  # noqa: SIM115
                faulthandler.enable(self._native_file, all_threads=True)
            except OSError:
                log.warning("cannot enable the native crash log")
        self._installed = True

    def uninstall(self) -> None:
        """Restore the hooks that were in place before :meth:`install` (tests, shutdown)."""
        if not self._installed:
            return
        if sys.excepthook == self._sys_hook and self._previous_sys is not None:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self._thread_hook and self._previous_thread is not None:
            threading.excepthook = self._previous_thread
        qInstallMessageHandler(self._previous_qt)
        if self._native_file is not None:
            faulthandler.disable()
            self._native_file.close()
            self._native_file = None
            if self._faulthandler_was_enabled and sys.stderr is not None:
                # Give the native-crash output back to whoever had it (e.g. pytest's faulthandler).
                try:
                    faulthandler.enable(sys.stderr, all_threads=True)
                except (OSError, ValueError, AttributeError):
                    log.warning("cannot re-enable the previous faulthandler")
        self._installed = False

    def _sys_hook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            if self._previous_sys is not None:
                self._previous_sys(exc_type, exc, tb)
            return
        self.handle((exc_type, exc, tb), threading.current_thread().name)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "thread"
        self.handle((args.exc_type, args.exc_value, args.exc_traceback), name)

    def _qt_message(self, mode: QtMsgType, context: Any, message: str) -> None:
        if self._previous_qt is not None:
            try:
                self._previous_qt(mode, context, message)
            except Exception:  # another handler's failure must not lose this message
                pass
        level = {
            QtMsgType.QtDebugMsg: logging.DEBUG,
            QtMsgType.QtInfoMsg: logging.INFO,
            QtMsgType.QtWarningMsg: logging.WARNING,
            QtMsgType.QtCriticalMsg: logging.ERROR,
            QtMsgType.QtFatalMsg: logging.CRITICAL,
        }.get(mode, logging.WARNING)
        category = getattr(context, "category", None) or "default"
        qt_log.log(level, "[%s] %s", category, message)
        if mode == QtMsgType.QtFatalMsg:
            _flush_logs()

    # ------------------------------------------------------------------------------------------ handling
    def handle(self, info: ExcInfo, thread_name: str = "") -> None:
        """Log ``info`` and arrange for the message box; safe to call from any thread."""
        if getattr(self._in_handler, "active", False):
            _stderr(f"error while logging an error: {info[0].__name__}")
            return
        name = info[0].__qualname__
        self._in_handler.active = True
        try:
            self.count += 1
            log.error("uncaught %s in thread %s", name, thread_name or "?", exc_info=info)
            _flush_logs()
        except Exception as exc:  # the handler must never raise
            _stderr(f"crash handler failed: {type(exc).__name__}\n{format_exception(*info)}")
        finally:
            self._in_handler.active = False
        try:
            if self._showing:
                log.info("message box suppressed for %s (another one is open)", name)
                if _in_gui_thread():
                    self.crashed.emit(name)
            elif _in_gui_thread() and QThread.currentThread().loopLevel() == 0:
                self._show(name)  # no event loop (start-up, shutdown): show now, or never
            else:
                self._deliver.emit(name)  # queued: shown by the GUI thread's event loop
        except Exception as exc:
            _stderr(f"crash handler failed to report: {type(exc).__name__}")

    def _show(self, type_name: str) -> None:
        self.crashed.emit(type_name)
        if self._showing or time.monotonic() - self._last_closed < self.min_interval:
            log.info("message box suppressed for %s (another one is open or was just closed)", type_name)
            return
        app = QCoreApplication.instance()
        if app is None or not hasattr(app, "activeWindow"):
            _stderr(crash_message(self.log_file))
            return
        from PySide6.QtWidgets import QApplication

        from ui import notify

        self._showing = True
        box = None
        try:
            self.shown += 1
            if QThread.currentThread().loopLevel() == 0:
                _stderr(crash_message(self.log_file))  # no event loop runs (start-up, shutdown) to show the box
            box = notify.error(QApplication.activeWindow(), TITLE, crash_message(self.log_file))
        except Exception as exc:
            log.error("could not show the error message: %s", type(exc).__qualname__)
            _stderr(crash_message(self.log_file))
        if box is None:
            self._box_closed()
        else:
            box.finished.connect(self._box_closed)

    def _box_closed(self, *_args: object) -> None:
        self._showing = False
        self._last_closed = time.monotonic()


def _in_gui_thread() -> bool:
    app = QCoreApplication.instance()
    if app is None:
        return threading.current_thread() is threading.main_thread()
    return QThread.currentThread() is app.thread()


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        try:
            handler.flush()
        except Exception:
            pass


def _stderr(text: str) -> None:
    stream = sys.__stderr__ or sys.stderr
    if stream is None:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except Exception:
        pass


_active: CrashHandler | None = None


def install_crash_handlers(
    log_dir: str | os.PathLike[str] | None = None, *, native: bool = True, min_interval: float = 3.0
) -> CrashHandler:
    """Install the handlers (idempotent: a second call returns the installed one).

    Args:
        log_dir: where the rotating log goes (default ``data_dir()/logs``; ``setup_logging`` is called
            unless logging already writes there).
        native: also write native crash stacks (``faulthandler``) next to the log.
        min_interval: seconds after a box is closed during which further errors are only logged.
    """
    global _active
    if _active is not None:
        return _active
    current = current_log_file()
    if current is None or (log_dir is not None and current.parent != Path(log_dir)):
        current = setup_logging(log_dir)
    handler = CrashHandler(current, min_interval=min_interval)
    handler.install(native=native)
    _active = handler
    log.info("crash handlers installed; log file %s", current.name)
    return handler


def uninstall_crash_handlers() -> None:
    global _active
    if _active is not None:
        _active.uninstall()
        _active = None
