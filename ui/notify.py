"""The one way the GUI shows a message: non-blocking, self-deleting, safe after its window is gone.

A static QMessageBox call (warning, critical, …) runs a nested event loop with the box on the C++ stack; a window
deleted inside that loop frees the box under it ("double free or corruption"). Every box here is created on the
heap, shown with ``open()`` (window-modal, returns at once) and deletes itself when closed. Answers to questions
arrive through a callback.

Core errors (:class:`reviewer.errors.ReviewerError`) carry a Japanese and an English message; :func:`error_text`
picks the one of the UI language, so the English UI shows no Japanese sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

log = logging.getLogger("ui.notify")

_open_boxes: list[QMessageBox] = []


def _tr(text: str) -> str:
    return QCoreApplication.translate("notify", text)


def error_text(exc: BaseException) -> str:
    """The user-facing sentence for ``exc`` in the UI language (a short generic one for bugs)."""
    from reviewer.errors import ReviewerError
    from ui.i18n import current_language

    language = current_language()
    if isinstance(exc, ReviewerError):
        return exc.message_en if language == "en" else exc.message_ja
    if isinstance(exc, OSError):
        return _tr("ファイルを読み書きできませんでした: {error}").format(error=exc.strerror or type(exc).__name__)
    return _tr("処理中に予期しないエラーが発生しました（{error}）。").format(error=type(exc).__name__)


def _usable_parent(parent: QWidget | None) -> QWidget | None:
    if parent is None or not isValid(parent):
        return None
    return parent.window()


def _show(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
          buttons: QMessageBox.StandardButton, details: str | None = None) -> QMessageBox | None:
    if QApplication.instance() is None:
        log.warning("no application for a message: %s", title)
        return None
    owner = _usable_parent(parent)
    if parent is not None and owner is None:
        # The window that wanted to speak is gone: a parentless box would pop up out of context.
        log.info("message dropped, its window is gone: %s", title)
        return None
    box = QMessageBox(icon, title, text, buttons, owner)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if details:
        box.setDetailedText(details)
    _open_boxes.append(box)
    box.finished.connect(lambda _result, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
    box.open()
    return box


def error(parent: QWidget | None, title: str, text: str, details: str | None = None) -> QMessageBox | None:
    """A warning the user acknowledges with OK."""
    return _show(QMessageBox.Icon.Warning, parent, title, text, QMessageBox.StandardButton.Ok, details)


def info(parent: QWidget | None, title: str, text: str) -> QMessageBox | None:
    """An information box (OK)."""
    return _show(QMessageBox.Icon.Information, parent, title, text, QMessageBox.StandardButton.Ok)


def ask(parent: QWidget | None, title: str, text: str, on_answer: Callable[[bool], object], *,
        default_yes: bool = False) -> QMessageBox | None:
    """A yes/no question; ``on_answer(True)`` for Yes, ``on_answer(False)`` for No or Esc. Returns the box."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = _show(QMessageBox.Icon.Question, parent, title, text, yes | no)
    if box is None:
        on_answer(False)
        return None
    box.setDefaultButton(yes if default_yes else no)
    box.finished.connect(lambda _result: on_answer(box.standardButton(box.clickedButton()) == yes))
    return box


def open_boxes() -> list[QMessageBox]:
    """The message boxes currently shown (tests answer them)."""
    return [box for box in _open_boxes if isValid(box)]
