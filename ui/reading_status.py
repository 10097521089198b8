"""Where the member is: the status bar (report › item, 資料 N ページ, zoom, background work) and the reading position
saved per packet (restored on the next open).

Everything is read from the session (structure, printed page labels) and the page view (``reading_focus``, the
one "where am I"); nothing here keeps its own copy of the packet's state.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar

from reviewer.errors import ReviewerError
from ui.session import ANALYSIS, CLOSED, OUTLINE, SessionChange

log = logging.getLogger("ui.reading_status")


class ReadingStatus(QObject):
    """The status bar of ``window`` (a MainWindow) and its reading position."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.view = window.page_view
        status = window.statusBar()
        self.location_label = QLabel("")
        self.location_label.setObjectName("location")
        self.page_label = QLabel("")
        self.page_label.setObjectName("page")
        self.zoom_label = QLabel("")
        self.zoom_label.setObjectName("zoom")
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setVisible(False)
        self.progress_label = QLabel("")
        self.progress_label.setVisible(False)
        status.addWidget(self.location_label, 1)
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress_bar)
        status.addPermanentWidget(self.page_label)
        status.addPermanentWidget(self.zoom_label)
        self._text_notice_page = -1
        self._text_notice_timer = self._timer(400, self.update_text_notice)
        self._position_timer = self._timer(60, self.update_position)
        self._save_timer = self._timer(1000, self.save_reading_position)
        self.view.current_page_changed.connect(lambda _page: self.schedule_update())
        self.view.verticalScrollBar().valueChanged.connect(lambda _value: self.schedule_update())
        self.view.zoom_changed.connect(self._on_zoom_changed)
        self.view.page_broken.connect(lambda _page: self.update_text_notice())
        self.session.changed.connect(self._on_session_changed)

    def _timer(self, interval: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _on_session_changed(self, change: SessionChange) -> None:
        session = self.session
        if CLOSED in change and session.path is None:
            self.location_label.setText("")
            self.page_label.setText("")
            self.zoom_label.setText("")
            self.zoom_label.setToolTip("")
        if ANALYSIS in change:
            busy = session.analysis_progress is not None
            self.progress_label.setVisible(busy)
            self.progress_bar.setVisible(busy)
            if busy:
                done, total = session.analysis_progress
                self.progress_label.setText(session.analysis_text)
                self.progress_bar.setRange(0, max(total, 0))
                self.progress_bar.setValue(done if total > 0 else 0)
        if OUTLINE in change:
            self.update_position()

    # ------------------------------------------------------------------------------------------ texts
    def location_text(self, page: int, y: float) -> str:
        """「住民基本台帳に関する事務 全項目評価書 › Ⅲ 7. リスク1」 for the position, or ""."""
        outline = self.session.outline
        if outline is None:
            return ""
        location = outline.locate(page, y)
        if location.document_index is None:
            return ""
        label = location.item_label()
        innermost = location.leaf or location.section or location.chapter
        if label and innermost is not None and innermost.file and innermost.file not in label:
            label += f"〔{innermost.file}〕"
        return f"{location.document_title} › {label}" if label else location.document_title

    def page_status_text(self, page: int) -> str:
        session = self.session
        total = session.page_count
        if total <= 0:
            return ""
        if session.outline is not None and 0 <= page < len(session.page_labels):
            label = session.page_labels[page]
            if not any(ch.isdigit() for ch in label):  # 「表紙」 etc.
                return QCoreApplication.translate("MainWindow", "{label}（PDF {page} / {total}）").format(label=label, page=page + 1,
                                                                              total=total)
            return QCoreApplication.translate("MainWindow", "資料 {label} ページ（PDF {page} / {total}）").format(
                label=label, page=page + 1, total=total)
        return QCoreApplication.translate("MainWindow", "PDF {page} / {total} ページ").format(page=page + 1, total=total)

    # ------------------------------------------------------------------------------------------ position
    def schedule_update(self) -> None:
        if not self._position_timer.isActive():
            self._position_timer.start()
        self._save_timer.start()

    def update_position(self) -> None:
        if self.session.path is None or self.session.page_count <= 0:
            return
        # The page number, the place and the tree's selection all name the page where the reader's eye is.
        page, y = self.view.reading_focus()
        self.page_label.setText(self.page_status_text(page))
        self.location_label.setText(self.location_text(page, y))
        self.window.panels.follow(page, y)
        self.update_text_notice()

    def update_text_notice(self) -> None:
        """Say so when the page on screen has no text layer (a scanned page): search and text highlights do not
        work there, area comments do. The page's text is read shortly after scrolling stops, hence the retry."""
        page = self.view.reading_focus()[0] if self.view.page_count() > 0 else -1
        if page < 0:
            return
        if self.view.page_is_broken(page):  # damaged, not scanned: the page itself says so; no text notice
            from ui.page_view.view import broken_page_text

            self.page_label.setText(self.page_status_text(page) + QCoreApplication.translate("MainWindow", "　表示できません"))
            if page != self._text_notice_page:
                self._text_notice_page = page
                self.window.statusBar().showMessage(broken_page_text(), 10000)
            return
        has_text = self.view.page_has_text(page)
        if has_text is None:
            if not self._text_notice_timer.isActive():
                self._text_notice_timer.start()
            return
        if not has_text:
            self.page_label.setText(self.page_status_text(page) + QCoreApplication.translate("MainWindow", "　文字情報なし"))
            if page != self._text_notice_page:
                self._text_notice_page = page
                self.window.statusBar().showMessage(QCoreApplication.translate(
                    "MainWindow", "このページには文字情報（テキスト層）がありません（スキャン画像など）。"
                    "このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。"), 10000)

    def _on_zoom_changed(self, zoom: float) -> None:
        text = f"{round(zoom * 100)}%"
        tip = ""
        if self.view.fit_width_held_for_reading():
            # "Fit width" that does not fit says why, or the member thinks the button is broken.
            text += " " + self.tr("（読める大きさ）")
            tip = self.tr("ページの幅に合わせると文字が小さくなりすぎるため、読める大きさで表示しています。"
                          "右側は横にスクロールすると見えます（パネルを閉じると広くなります）。")
        self.zoom_label.setText(text)
        self.zoom_label.setToolTip(tip)
        self._save_timer.start()

    def save_reading_position(self) -> None:
        session, view = self.session, self.view
        if session.path is None or session.page_count <= 0 or view.page_count() <= 0:
            return
        page, y = view.reading_position()
        mode = view.zoom_mode()
        zoom = view.zoom()
        settings = self.window.settings
        settings.set_reading_position(session.path, page, max(0.0, y), zoom, mode)
        settings.sync()
        if session.store is not None and session.sha256:
            try:
                session.store.set_reading_position(session.sha256, page, zoom if mode == "custom" else None)
            except ReviewerError as exc:
                log.warning("store: %s", exc.message_en)

    def restore_position(self, path: Path) -> None:
        saved = self.window.settings.reading_position(path)
        if saved is None:
            return
        page, y, zoom, mode = saved
        if mode == "fit_page":
            self.view.fit_page()
        elif mode == "custom" and zoom > 0:
            self.view.set_zoom(zoom)
        if 0 <= page < self.session.page_count:
            self.view.go_to(page, y, record_history=False)
