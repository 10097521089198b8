"""Helpers for journey tests: drive the real window through its menus, toolbar and dialogs as a member would.

Modal dialogs (file dialogs, the comment editor, 移動, the member's name) are answered by the test while the app
waits in them; message boxes (``ui.notify``) are read and clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMessageBox, QPushButton, QWidget


def menu_action(window: Any, *path: str) -> Any:
    """The action at ``path`` of menu titles (without & and the (X) accelerator part), e.g. ("ファイル", "開く…")."""
    def clean(text: str) -> str:
        return text.replace("&", "").split("(")[0].strip()

    actions = window.menuBar().actions()
    for depth, title in enumerate(path):
        found = next((a for a in actions if clean(a.text()) == clean(title)), None)
        assert found is not None, f"no menu entry {title!r} among {[a.text() for a in actions]}"
        if depth == len(path) - 1:
            return found
        menu = found.menu()
        assert isinstance(menu, QMenu), f"{title!r} is not a menu"
        menu.aboutToShow.emit()  # menus fill themselves when shown (as when the member opens them)
        actions = menu.actions()
    raise AssertionError("empty path")


def when_modal(handler: Callable[[QWidget], object], *, wanted: type | None = None, tries: int = 500) -> None:
    """Call ``handler(dialog)`` with the next modal dialog once it is shown (the app is waiting in its exec())."""
    def poll(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and widget.isVisible() and (wanted is None or isinstance(widget, wanted)):
            handler(widget)
            return
        if left > 0:
            QTimer.singleShot(20, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))


def answer_file_dialog(*paths: Path) -> list[Path]:
    """Answer the next file dialog by typing the file name(s) and pressing its accept button. Returns a list that
    receives the folder the dialog opened in."""
    from PySide6.QtWidgets import QFileDialog

    opened_in: list[Path] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), type(dialog)
        opened_in.append(Path(dialog.directory().absolutePath()).resolve())
        dialog.setDirectory(str(paths[0].parent))
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name_edit is not None
        name_edit.setText(" ".join(f'"{p.name}"' for p in paths) if len(paths) > 1 else paths[0].name)
        dialog.accept()

    when_modal(answer, wanted=QFileDialog)
    return opened_in


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` (Japanese too) as an input method commits it."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def boxes() -> list[QMessageBox]:
    from ui import notify

    return notify.open_boxes()


def take_box(qtbot: Any, contains: str = "", timeout: int = 60_000) -> str:
    """Wait for a message box (containing ``contains``), return its text and press its default/OK button."""
    def found() -> QMessageBox | None:
        return next((b for b in reversed(boxes()) if contains in b.text()), None)

    qtbot.waitUntil(lambda: found() is not None, timeout=timeout)
    box = found()
    assert box is not None
    text = box.text()
    button = box.button(QMessageBox.StandardButton.Ok) or box.defaultButton()
    assert button is not None
    button.click()
    return text


def click(qtbot: Any, widget: QWidget, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())


def tree_click(qtbot: Any, tree: Any, item: Any) -> None:
    """Click a tree row as the mouse does (the row is scrolled into view first)."""
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def button_with_text(root: QWidget, text: str) -> QPushButton:
    for button in root.findChildren(QPushButton):
        if text in button.text().replace("&", ""):
            return button
    raise AssertionError(f"no button {text!r}")


def activate(qtbot: Any, window: QWidget) -> None:
    """Make ``window`` the active window (its shortcuts work only then, as for a member's keyboard)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def new_window(qtbot: Any, *, name: str | None, ask_member_name: bool = True, height: int = 900) -> Any:
    """A window as ``pia-reviewer`` starts it on the test's profile (store opened; the member's name asked when
    ``name`` is None and ``ask_member_name``)."""
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow

    settings = AppSettings()
    if name is not None:
        settings.member_name = name
        settings.sync()
    window = MainWindow(settings, ask_member_name=ask_member_name, open_store=True)
    window.resize(1400, height)
    window.fit_docks_to_text_size()  # as restore_layout does at a first start
    qtbot.addWidget(window)
    window.show()
    return window


def open_through_menu(qtbot: Any, window: Any, path: Path) -> None:
    """ファイル > 開く… and the file dialog; waits until structure, comments and search are ready."""
    answer_file_dialog(path)
    with qtbot.waitSignals([window.outline_ready, window.index_ready], timeout=120_000):
        menu_action(window, "ファイル", "開く…").trigger()
    qtbot.waitUntil(lambda: window.store is not None and window.annotations is not None and window.sha256 != "",
                    timeout=60_000)
