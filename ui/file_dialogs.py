"""The app's file dialogs: Qt's own dialog (the same on every platform, translated by ``qtbase_ja``), modal.

One place for the three questions the app asks about files, so every route (menus, toolbar, welcome page) looks
the same and a test can answer the real dialog (``QApplication.activeModalWidget()``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget


def _dialog(parent: QWidget | None, title: str, folder: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setObjectName("fileDialog")
    return dialog


def open_file(parent: QWidget | None, title: str, folder: str, filters: str) -> str:
    """One existing file, or "" when cancelled."""
    dialog = _dialog(parent, title, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return str(dialog.selectedFiles()[0])


def open_files(parent: QWidget | None, title: str, folder: str, filters: str) -> list[str]:
    """Several existing files (empty when cancelled)."""
    dialog = _dialog(parent, title, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return []
    return [str(path) for path in dialog.selectedFiles()]


def save_file(parent: QWidget | None, title: str, default: str, filters: str) -> str:
    """Where to save (the default name proposed), or "" when cancelled. The dialog asks before overwriting."""
    dialog = _dialog(parent, title, default, filters)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return str(dialog.selectedFiles()[0])
