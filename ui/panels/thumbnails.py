"""サムネイル: a lazily rendered list of small page images with their labels.

Thumbnails are rendered by the page view's render worker (the one owner of the packet's PyMuPDF document), after
the pages on screen, only for the rows currently visible, newest request first; the list shows a blank page
placeholder until then. Rendering starts only when the tab is shown.

Signals:
    page_requested(int): the user picked a page.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QVBoxLayout, QWidget

log = logging.getLogger("ui.thumbnails")

THUMB_WIDTH = 96
A4_RATIO = 297.0 / 210.0
CACHE_LIMIT = 400


class ThumbnailModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.cache: OrderedDict[int, QPixmap] = OrderedDict()
        self.placeholder = QPixmap()
        self.device_ratio = 1.0

    def reset(self, labels: list[str], device_ratio: float) -> None:
        self.beginResetModel()
        self.labels = list(labels)
        self.cache.clear()
        self.device_ratio = device_ratio
        height = int(THUMB_WIDTH * A4_RATIO)
        placeholder = QPixmap(THUMB_WIDTH, height)
        placeholder.fill(QColor("#ffffff"))
        painter = QPainter(placeholder)
        painter.setPen(QColor("#c8c8c8"))
        painter.drawRect(0, 0, THUMB_WIDTH - 1, height - 1)
        painter.end()
        self.placeholder = placeholder
        self.endResetModel()

    def set_labels(self, labels: list[str]) -> None:
        if len(labels) != len(self.labels):
            return
        self.labels = list(labels)
        if labels:
            self.dataChanged.emit(self.index(0), self.index(len(labels) - 1), [Qt.ItemDataRole.DisplayRole])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.labels)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.labels[row]
        if role == Qt.ItemDataRole.DecorationRole:
            return self.cache.get(row, self.placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("資料 {label} ページ（PDF {page}）").format(label=self.labels[row], page=row + 1)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("資料 {label} ページ").format(label=self.labels[row])
        return None

    def set_image(self, row: int, image: QImage) -> None:
        if not 0 <= row < len(self.labels):
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.device_ratio)
        self.cache[row] = pixmap
        self.cache.move_to_end(row)
        while len(self.cache) > CACHE_LIMIT:
            self.cache.popitem(last=False)
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class ThumbnailsPanel(QWidget):
    """The サムネイル tab."""

    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(6)
        self.view.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * A4_RATIO)))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAccessibleName(self.tr("サムネイル"))
        self.model = ThumbnailModel(self)
        self.view.setModel(self.model)
        layout.addWidget(self.view)
        self.view.clicked.connect(lambda index: self.page_requested.emit(index.row()))
        self.view.activated.connect(lambda index: self.page_requested.emit(index.row()))
        self.view.verticalScrollBar().valueChanged.connect(self._schedule)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self.request_visible)
        self.source: Any = None  # renders for us: request_thumbnails(pages, width) → thumbnail_ready(page, image)
        self._open = False

    def set_source(self, source: Any) -> None:
        """Who renders the thumbnails (the page view): ``request_thumbnails`` and ``thumbnail_ready``."""
        if self.source is not None:
            self.source.thumbnail_ready.disconnect(self.model.set_image)
        self.source = source
        if source is not None:
            source.thumbnail_ready.connect(self.model.set_image)

    def set_document(self, path: Path, password: str | None, labels: list[str]) -> None:
        """Show ``labels`` (one per page) of the packet the source shows; thumbnails render once the tab is
        visible. (``path``/``password`` name the packet; the source's worker already has it open.)"""
        self.close_document()
        self._open = True
        self.model.reset(labels, self.devicePixelRatioF())
        if self.isVisible():
            self._schedule()

    def set_labels(self, labels: list[str]) -> None:
        self.model.set_labels(labels)

    def close_document(self) -> None:
        self._open = False
        self.model.reset([], self.devicePixelRatioF())

    def set_current(self, page: int) -> None:
        """Select ``page`` quietly (follows the reading position)."""
        if 0 <= page < self.model.rowCount():
            index = self.model.index(page)
            if self.view.currentIndex() != index:
                self.view.setCurrentIndex(index)
                if self.isVisible():
                    self.view.scrollTo(index)

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        self._schedule()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._schedule()

    def _schedule(self, *_args: object) -> None:
        self._timer.start()

    def visible_rows(self) -> list[int]:
        count = self.model.rowCount()
        if count == 0:
            return []
        viewport = self.view.viewport().rect()
        rows: list[int] = []
        first = self.view.indexAt(viewport.topLeft() + QPoint(4, 4))
        start = first.row() if first.isValid() else 0
        for row in range(start, count):
            rect = self.view.visualRect(self.model.index(row))
            if rect.top() > viewport.bottom():
                break
            if rect.intersects(viewport):
                rows.append(row)
        return rows

    def request_visible(self) -> None:
        if not self._open or self.source is None or not self.isVisible():
            return
        rows = [row for row in self.visible_rows() if row not in self.model.cache]
        if rows:
            self.source.request_thumbnails(rows, int(THUMB_WIDTH * self.devicePixelRatioF()))
