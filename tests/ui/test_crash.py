"""Uncaught exceptions (slots, worker threads) are logged with their traceback and shown as a short Japanese
message naming the log file; Qt's own messages are logged; the handler never recurses or floods the screen."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer, Signal, qWarning
from PySide6.QtWidgets import QMessageBox

from reviewer import logs
from ui import crash, notify

pytestmark = pytest.mark.gui

SECRET = "委員の未公開コメント本文"


class Boxes:
    """A stand-in for ui.notify.error that records what would have been shown, and where."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.side_effect: Any = None

    def __call__(self, parent: object, title: str, text: str, *args: object, **kwargs: object) -> Any:
        self.shown.append((title, text, threading.current_thread().name))
        if self.side_effect is not None:
            self.side_effect()
        return None  # no box stays open


@pytest.fixture()
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:

    recorder = Boxes()
    monkeypatch.setattr(notify, "error", recorder)
    return recorder


@pytest.fixture()
def handler(qapp: Any, tmp_path: Path) -> Iterator[crash.CrashHandler]:
    previous_sys, previous_thread = sys.excepthook, threading.excepthook
    installed = crash.install_crash_handlers(tmp_path / "logs", native=False, min_interval=0)
    try:
        yield installed
    finally:
        crash.uninstall_crash_handlers()
        logs.shutdown_logging()
    assert sys.excepthook is previous_sys and threading.excepthook is previous_thread


def log_text(tmp_path: Path) -> str:
    for h in __import__("logging").getLogger().handlers:
        h.flush()
    return (tmp_path / "logs" / logs.LOG_FILE_NAME).read_text("utf-8")


def failing_slot() -> None:
    raise ZeroDivisionError(SECRET)


def test_exception_in_a_slot_is_logged_and_shown(qtbot: Any, handler: crash.CrashHandler, boxes: Boxes,
                                                 tmp_path: Path) -> None:
    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    emitter.fired.connect(failing_slot)
    QTimer.singleShot(0, emitter.fired.emit)
    qtbot.waitUntil(lambda: len(boxes.shown) == 1, timeout=5000)
    title, text, thread = boxes.shown[0]
    assert thread == "MainThread"
    assert "エラー" in title
    assert "予期しないエラー" in text and "ログファイル" in text
    assert str(tmp_path / "logs" / logs.LOG_FILE_NAME) in text
    content = log_text(tmp_path)
    assert "uncaught ZeroDivisionError" in content
    assert "in failing_slot" in content and "Traceback" in content
    assert SECRET not in content  # the message of an arbitrary exception may hold text: not logged
    assert handler.count == 1 and handler.shown == 1


def test_exception_in_a_worker_thread_is_shown_in_the_gui_thread(qtbot: Any, handler: crash.CrashHandler,
                                                                boxes: Boxes, tmp_path: Path) -> None:
    def work() -> None:
        raise RuntimeError("worker failed")

    worker = threading.Thread(target=work, name="pdf-worker")
    with qtbot.waitSignal(handler.crashed, timeout=5000) as signal:
        worker.start()
        worker.join()
    assert signal.args == ["RuntimeError"]
    qtbot.waitUntil(lambda: len(boxes.shown) == 1, timeout=5000)
    assert boxes.shown[0][2] == "MainThread"  # the box is never created in the worker
    content = log_text(tmp_path)
    assert "uncaught RuntimeError in thread pdf-worker" in content
    assert "in work" in content


def test_an_error_while_the_box_is_open_is_logged_not_shown_again(qtbot: Any, handler: crash.CrashHandler,
                                                                 boxes: Boxes, tmp_path: Path) -> None:
    def second_error() -> None:  # e.g. a timer firing inside the box's event loop
        try:
            raise ValueError("again")
        except ValueError:
            handler.handle(sys.exc_info())  # type: ignore[arg-type]

    boxes.side_effect = second_error
    QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: handler.count == 2, timeout=5000)
    assert len(boxes.shown) == 1
    assert "message box suppressed for ValueError" in log_text(tmp_path)


def test_a_failing_message_box_does_not_recurse(qtbot: Any, handler: crash.CrashHandler, boxes: Boxes,
                                                tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    def explode() -> None:
        raise MemoryError("cannot draw")

    boxes.side_effect = explode
    QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: handler.count == 1 and len(boxes.shown) == 1, timeout=5000)
    qtbot.wait(50)  # let any (wrong) recursive delivery happen before checking
    assert handler.count == 1 and len(boxes.shown) == 1
    assert "could not show the error message: MemoryError" in log_text(tmp_path)
    assert "予期しないエラー" in capfd.readouterr().err  # the member still gets the message on stderr


def test_a_burst_of_errors_shows_one_box(qtbot: Any, handler: crash.CrashHandler, boxes: Boxes,
                                         tmp_path: Path) -> None:
    handler.min_interval = 60.0
    for _ in range(5):
        QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: handler.count == 5, timeout=5000)
    assert len(boxes.shown) == 1
    assert log_text(tmp_path).count("uncaught ZeroDivisionError") == 5


def test_error_before_the_event_loop_is_shown_at_once(handler: crash.CrashHandler, boxes: Boxes,
                                                       tmp_path: Path) -> None:
    # e.g. during start-up, before app.exec(): a queued box would never appear, so it is shown directly
    try:
        raise LookupError("start-up failed")
    except LookupError:
        sys.excepthook(*sys.exc_info())
    assert len(boxes.shown) == 1 and handler.count == 1
    assert "uncaught LookupError" in log_text(tmp_path)


@pytest.mark.qt_log_ignore("Paint device returned engine == 0")  # the test's own warning
def test_qt_messages_are_logged(qtbot: Any, handler: crash.CrashHandler, tmp_path: Path) -> None:
    qWarning("QPainter::begin: Paint device returned engine == 0")
    assert "WARNING qt" in log_text(tmp_path)
    assert "Paint device returned engine == 0" in log_text(tmp_path)


def test_keyboard_interrupt_goes_to_the_previous_hook(handler: crash.CrashHandler, boxes: Boxes) -> None:
    seen: list[type[BaseException]] = []
    previous = handler._previous_sys
    handler._previous_sys = lambda t, v, tb: seen.append(t)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        handler._previous_sys = previous
    assert seen == [KeyboardInterrupt] and handler.count == 0 and boxes.shown == []


def test_install_is_idempotent_and_message_names_the_log(qapp: Any, tmp_path: Path) -> None:
    first = crash.install_crash_handlers(tmp_path / "logs", native=False)
    try:
        assert crash.install_crash_handlers(tmp_path / "other", native=False) is first
        assert first.log_file == tmp_path / "logs" / logs.LOG_FILE_NAME
        assert str(first.log_file) in crash.crash_message(first.log_file)
    finally:
        crash.uninstall_crash_handlers()
        logs.shutdown_logging()


def test_native_crash_log_is_enabled(tmp_path: Path) -> None:
    import faulthandler
    import subprocess
    import textwrap

    script = textwrap.dedent(f"""
        import faulthandler, os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from ui.crash import install_crash_handlers
        install_crash_handlers({str(tmp_path / "logs")!r})
        print("enabled", faulthandler.is_enabled(), flush=True)
        faulthandler._sigsegv()
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, timeout=60, check=False)
    assert "enabled True" in result.stdout
    assert result.returncode != 0
    native = (tmp_path / "logs" / crash.NATIVE_LOG_NAME).read_text("utf-8")
    assert "Fatal Python error" in native and "Segmentation fault" in native
    assert faulthandler.is_enabled()  # this process's own faulthandler (pytest's) untouched


# ---------------------------------------------------------------------------------------------- the real window


def _actions_pdf(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 60), "launch and uri links", fontsize=11)
    page.insert_link({"kind": pymupdf.LINK_LAUNCH, "from": pymupdf.Rect(72, 80, 200, 100), "file": "calc.exe"})
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 110, 200, 130),
                      "uri": "https://www.ppc.go.jp/"})
    js = doc.get_new_xref()
    doc.update_object(js, "<< /S /JavaScript /JS (app.alert\\(1\\);) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    doc.save(path)
    doc.close()
    return path


@pytest.mark.slow
def test_main_window_offline_with_bad_and_hostile_files(
    qtbot: Any, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch,
    small_packet: tuple[Path, Any],
) -> None:
    """The GUI opens a packet, detects its structure and indexes it with sockets forbidden; bad files give a
    message and the window stays usable; a hostile PDF runs nothing; no uncaught error reaches the handler."""
    import socket
    import webbrowser

    from PySide6.QtGui import QDesktopServices

    from ui.main_window import MainWindow

    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def _refuse(*args: object, **kwargs: object) -> Any:
            attempts.append(name)
            raise OSError(f"forbidden in this test: {name}")

        return _refuse

    monkeypatch.setattr(socket.socket, "__init__", refuse("socket.socket"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    monkeypatch.setattr(webbrowser, "open", refuse("webbrowser.open"))
    monkeypatch.setattr(QDesktopServices, "openUrl", refuse("QDesktopServices.openUrl"))

    handler = crash.install_crash_handlers(tmp_path / "logs", native=False, min_interval=0)
    try:
        window = MainWindow(ask_member_name=False, open_store=True)
        qtbot.addWidget(window)
        window.show()
        not_pdf = tmp_path / "メモ.pdf"
        not_pdf.write_text("PDFではない", encoding="utf-8")
        empty = tmp_path / "空.pdf"
        empty.write_bytes(b"")
        assert window.open_file(not_pdf) is False
        assert window.open_file(empty) is False
        warnings = [text for title, text, _thread in boxes.shown if title == "ファイルを開けません"]
        assert len(warnings) == 2 and "PDFとして開けません" in warnings[0] and "0バイト" in warnings[1]

        hostile = _actions_pdf(tmp_path / "links.pdf")
        with qtbot.waitSignal(window.first_page_painted, timeout=20000):
            assert window.open_file(hostile)

        packet, _truth = small_packet
        with qtbot.waitSignals([window.outline_ready, window.index_ready], timeout=120000):
            assert window.open_file(packet)
        assert window.outline is not None and window.outline.found_report
    finally:
        from ui import ops

        ops.shutdown()
        crash.uninstall_crash_handlers()
        logs.shutdown_logging()
    assert attempts == []
    assert handler.count == 0 and [shown for shown in boxes.shown if shown[0] == crash.TITLE] == []


def test_launch_targets_are_never_handed_to_the_desktop(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    from ui.main_window import MainWindow

    opened: list[str] = []
    def record(url: Any) -> bool:
        opened.append(url.toString())
        return True


    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    window = MainWindow(ask_member_name=False, open_store=False)
    qtbot.addWidget(window)
    window.confirm_external_link("https://www.ppc.go.jp/")
    notify.open_boxes()[-1].button(QMessageBox.StandardButton.Yes).click()
    for target in ("calc.exe", "file:///etc/passwd", "C:\\Windows\\System32\\cmd.exe", "javascript:alert(1)"):
        window.confirm_external_link(target)
        assert not notify.open_boxes(), "a refused link asks nothing"
    assert opened == ["https://www.ppc.go.jp/"]
