"""The app's file dialogs: Qt's own dialog (the same on every platform, translated by ``qtbase_ja``), modal.

One place for the three questions the app asks about files, so every route (menus, toolbar, welcome page) looks
the same and a test can answer the real dialog (``QApplication.activeModalWidget()``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QHeaderView, QSplitter, QTreeView, QWidget

# Qt's own dialog opens small (about 550 × 350): sizes cut to 「473...KiB」 and types to 「PD...ント」.
DIALOG_WIDTH, DIALOG_HEIGHT = 900, 560
SIDEBAR_WIDTH = 190


def _dialog(parent: QWidget | None, title: str, folder: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setObjectName("fileDialog")
    _roomy(dialog, parent)
    return dialog


def _roomy(dialog: QFileDialog, parent: QWidget | None) -> None:
    """A size where names, sizes, types and dates read in full (within the parent's screen), the detail view."""
    screen = (parent.screen() if parent is not None else dialog.screen()).availableGeometry()
    scale = max(1.0, dialog.fontMetrics().height() / 16)  # the large-text setting makes everything larger
    dialog.resize(min(int(DIALOG_WIDTH * scale), screen.width() - 40),
                  min(int(DIALOG_HEIGHT * scale), screen.height() - 80))
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    tree = dialog.findChild(QTreeView, "treeView")
    if tree is not None:
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    splitter = dialog.findChild(QSplitter, "splitter")
    if splitter is not None and splitter.count() == 2:
        splitter.setSizes([int(SIDEBAR_WIDTH * scale), dialog.width()])


def open_file(parent: QWidget | None, title: str, folder: str, filters: str) -> str:
    """One existing file, or "" when cancelled."""
    chosen = _ask(_dialog(parent, title, folder, filters), QFileDialog.FileMode.ExistingFile,
                  QFileDialog.AcceptMode.AcceptOpen)
    return chosen[0] if chosen else ""


def open_files(parent: QWidget | None, title: str, folder: str, filters: str) -> list[str]:
    """Several existing files (empty when cancelled)."""
    return _ask(_dialog(parent, title, folder, filters), QFileDialog.FileMode.ExistingFiles,
                QFileDialog.AcceptMode.AcceptOpen)


def save_file(parent: QWidget | None, title: str, default: str, filters: str) -> str:
    """Where to save (the default name proposed), or "" when cancelled. The dialog asks before overwriting."""
    chosen = _ask(_dialog(parent, title, default, filters), QFileDialog.FileMode.AnyFile,
                  QFileDialog.AcceptMode.AcceptSave)
    return chosen[0] if chosen else ""


def _ask(dialog: QFileDialog, mode: QFileDialog.FileMode, accept: QFileDialog.AcceptMode) -> list[str]:
    """Run ``dialog`` modally; the chosen paths, empty when cancelled."""
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return []
    return [str(path) for path in dialog.selectedFiles()]
