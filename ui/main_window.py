"""The main window: page view in the centre, 目次/サムネイル/検索 on the left, comments on the right.

Start-up order matters for speed: the window and the page view are created first and the packet is opened at once;
the annotation tools, the panels, the background work (structure detection and search indexing, in the worker
process) and the store come only after the first page has been painted — in small slices, one per event-loop turn
(``_run_slices``), so that no slice keeps the GUI thread busy for long while the member already scrolls. The
structure tree is filled the same way (``OutlinePanel.set_outline_incremental``); ``outline_ready`` is emitted once
the tree is complete.

Signals:
    first_page_painted(): the first page image of the current packet is on screen.
    document_opened(object): a packet was opened (its Path).
    outline_ready(object): the structure (reviewer.structure.model.Outline) of the current packet is known.
    index_ready(str): the search index of the packet (sha256) is built.
    store_ready(object): the encrypted store (reviewer.store.Store) is open.
"""

from __future__ import annotations

import logging
import math
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from reviewer.errors import PasswordRequired, PdfOpenError, ReviewerError
from reviewer.paths import resource
from ui.dialogs.settings import AppSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewer.structure.model import Outline
    from ui.annotate import AnnotationController
    from ui.ops import Op
    from ui.panels.outline import OutlinePanel
    from ui.panels.search import SearchPanel
    from ui.panels.thumbnails import ThumbnailsPanel

log = logging.getLogger("ui.main_window")

ZOOM_MODES = ("fit_width", "fit_page", "custom")
SLICE_BUDGET = 0.012  # seconds of GUI-thread work per event-loop turn for the work after the first paint


# ----------------------------------------------------------------------------------------------------------------
# Jobs for the worker process (plain functions, no Qt)


def detect_job(path: str, password: str | None, profile: str | None = None, progress: Any = None,
               cancelled: Any = None) -> Outline:
    """Open the packet and detect its structure (cached by the detector); falls back to labels + bookmarks."""
    import inspect

    from reviewer.document import Packet
    from reviewer.structure.model import Outline

    with Packet.open(path, password) as packet:
        try:
            from reviewer.structure.detect import detect_outline_cached
        except ImportError:
            return Outline(
                sha256=packet.sha256, pages=packet.page_count, page_labels=list(packet.page_labels),
                bookmarks=packet.toc(), found_report=False, message="",
            )
        params = inspect.signature(detect_outline_cached).parameters
        hooks = {name: hook for name, hook in (("progress", progress), ("cancelled", cancelled))
                 if name in params and hook is not None}
        outline: Outline = detect_outline_cached(packet, profile, **hooks)
        return outline


def index_job(path: str, password: str | None, index_path: str | None = None, progress: Any = None,
              cancelled: Any = None) -> str:
    """Build the packet's search index (skipped when already built); returns its sha256."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex

    with Packet.open(path, password) as packet, SearchIndex(index_path) as index:
        index.build(packet, progress=progress, cancelled=cancelled)
        return packet.sha256


def probe_pdf(path: Path, password: str | None) -> int:
    """Open ``path`` briefly to check it: returns the page count; raises PdfOpenError / PasswordRequired."""
    import pymupdf

    if not path.is_file():
        raise PdfOpenError(f"ファイルが見つかりません: {path}", f"file not found: {path}")
    if path.stat().st_size == 0:
        raise PdfOpenError(f"ファイルが空です（0バイト）: {path.name}", f"empty file: {path}")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise PdfOpenError(
            f"PDFとして開けません（壊れているか、PDFではありません）: {path.name}", f"cannot open {path}: {exc}"
        ) from exc
    try:
        if doc.needs_pass and (not password or not doc.authenticate(password)):
            raise PasswordRequired(str(path), wrong_password=bool(password))
        if doc.page_count == 0:
            raise PdfOpenError(f"ページがありません（壊れたPDFの可能性があります）: {path.name}",
                               f"no pages in {path}")
        return int(doc.page_count)
    finally:
        doc.close()


def icon(name: str) -> QIcon:
    return QIcon(str(resource("icons", f"{name}.svg")))


# ----------------------------------------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """The PIA Reviewer main window.

    Args:
        settings: persistent application settings.
        profile: the data directory (None: ``$PIA_REVIEWER_HOME`` or the platform's).
        ask_member_name: ask the member's name after the first page is painted when none is stored.
        open_store: open the encrypted store after the first paint.
    """

    first_page_painted = Signal()
    document_opened = Signal(object)
    outline_ready = Signal(object)
    index_ready = Signal(str)
    store_ready = Signal(object)

    def __init__(self, settings: AppSettings | None = None, profile: str | None = None,
                 ask_member_name: bool = True, open_store: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.page_view import PageView

        self.settings = settings or AppSettings(profile)
        self.profile = profile
        self.ask_member_name = ask_member_name
        self.want_store = open_store
        self.batch_mode = False  # True: no dialogs (start-up measurements); errors go to stderr
        self.setWindowTitle(self.tr("PIA Reviewer — 特定個人情報保護評価書 点検"))
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)

        self.page_view = PageView(self)
        self.setCentralWidget(self.page_view)

        self.current_path: Path | None = None
        self.password: str | None = None
        self.page_count = 0
        self.sha256 = ""
        self.outline: Outline | None = None
        self.page_labels: list[str] = []
        self.store: Any = None
        self._painted = False
        self._panels_filled = False
        self._ops: list[Op[Any]] = []
        self._pending_position: tuple[int, float] | None = None
        self._store_tried = False
        self._index_state = "none"
        self._generation = 0  # bumped per opened/closed packet: stale slices of the previous packet stop
        self._outline_shown = False  # the tree of self.outline is complete and outline_ready was emitted
        self._index_path = ""
        self._index_sha256 = ""
        self.annotations: AnnotationController | None = None  # created after the first paint (ensure_annotations)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._build_docks()

        self.page_view.first_page_painted.connect(self._on_first_paint)
        self.page_view.current_page_changed.connect(lambda _page: self._schedule_position_update())
        self.page_view.verticalScrollBar().valueChanged.connect(lambda _value: self._schedule_position_update())
        self.page_view.zoom_changed.connect(self._on_zoom_changed)
        self.page_view.history_changed.connect(self._update_history_actions)
        self.page_view.external_link_requested.connect(self.confirm_external_link)
        self.page_view.document_error.connect(self._on_document_error)

        self._text_notice_page = -1
        self._text_notice_timer = QTimer(self)
        self._text_notice_timer.setSingleShot(True)
        self._text_notice_timer.setInterval(400)
        self._text_notice_timer.timeout.connect(self._update_text_notice)
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(60)
        self._position_timer.timeout.connect(self._update_position)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(1000)
        self._save_timer.timeout.connect(self.save_reading_position)
        self._update_history_actions()

    def ensure_annotations(self) -> AnnotationController:
        """The annotation controller (tools, the comments panel, review progress, undo, import/export), created on
        first use — after the first paint, so its imports do not delay the first page. It catches up with the
        packet, structure and store that are already known, then follows our signals."""
        if self.annotations is not None:
            return self.annotations
        from ui.annotate import AnnotationController

        controller = AnnotationController(self)
        self.annotations = controller
        if self.current_path is not None:
            controller._on_window_document_opened(self.current_path)
            if self.outline is not None and self._outline_shown:
                controller._on_window_outline(self.outline)
        return controller

    # ------------------------------------------------------------------------------------------ building
    def _action(self, text: str, slot: Any,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | list[QKeySequence] | None = None,
                icon_name: str | None = None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_open = self._action(self.tr("開く…"), self.open_dialog, QKeySequence.StandardKey.Open, "open",
                                     self.tr("PDFを開く (Ctrl+O)"))
        self.act_close = self._action(self.tr("閉じる"), self.close_document, QKeySequence.StandardKey.Close)
        self.act_quit = self._action(self.tr("終了"), self.close, QKeySequence.StandardKey.Quit)
        self.act_back = self._action(self.tr("戻る"), self.page_view.back,
                                     QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Left), "back",
                                     self.tr("前の位置に戻る (Alt+←)"))
        self.act_forward = self._action(self.tr("進む"), self.page_view.forward,
                                        QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Right), "forward",
                                        self.tr("次の位置に進む (Alt+→)"))
        self.act_zoom_in = self._action(
            self.tr("拡大"), partial(self.page_view.zoom_in, None),
            [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+="), QKeySequence("Ctrl++")],
            "zoom-in", self.tr("拡大 (Ctrl++)"))
        self.act_zoom_out = self._action(self.tr("縮小"), partial(self.page_view.zoom_out, None),
                                         [QKeySequence(QKeySequence.StandardKey.ZoomOut), QKeySequence("Ctrl+-")],
                                         "zoom-out", self.tr("縮小 (Ctrl+-)"))
        self.act_fit_width = self._action(self.tr("幅に合わせる"), self.page_view.fit_width, "Ctrl+0",
                                          "fit-width", self.tr("ページの幅に合わせる (Ctrl+0)"))
        self.act_fit_page = self._action(self.tr("ページ全体を表示"), self.page_view.fit_page, None,
                                         "fit-page", self.tr("ページ全体を表示"))
        self.act_goto = self._action(self.tr("ページへ移動…"), self.go_to_page_dialog, "Ctrl+G", "goto",
                                     self.tr("資料のページ番号で移動 (Ctrl+G)"))
        self.act_find = self._action(self.tr("検索"), self.focus_search, QKeySequence.StandardKey.Find, "search",
                                     self.tr("資料内を検索 (Ctrl+F)"))
        self.act_next_hit = self._action(self.tr("次の検索結果"), self._next_hit, "F3")
        self.act_prev_hit = self._action(self.tr("前の検索結果"), self._previous_hit, "Shift+F3")
        self.act_full_screen = self._action(self.tr("全画面表示"), self.toggle_full_screen, "F11")
        self.act_full_screen.setCheckable(True)
        self.act_settings = self._action(self.tr("設定…"), self.settings_dialog, QKeySequence.StandardKey.Preferences,
                                         "settings", self.tr("表示言語・文字の大きさ・コントラスト"))
        self.act_member = self._action(self.tr("委員のお名前…"), lambda: self.ask_member(force=True))
        self.act_about = self._action(self.tr("PIA Reviewer について"), self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("ファイル(&F)"))
        self.file_menu.addAction(self.act_open)
        self.recent_menu = QMenu(self.tr("最近使ったファイル"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(self.act_close)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        # 編集 and コメント are filled by the annotation controller (created after the first paint); the menus exist
        # from the start so the menu bar does not change under the member's eyes.
        self.edit_menu = bar.addMenu(QCoreApplication.translate("AnnotationController", "編集(&E)"))
        self.view_menu = bar.addMenu(self.tr("表示(&V)"))
        for action in (self.act_zoom_in, self.act_zoom_out, self.act_fit_width, self.act_fit_page):
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_full_screen)
        self.view_menu.addSeparator()
        self.go_menu = bar.addMenu(self.tr("移動(&G)"))
        for action in (self.act_goto, self.act_back, self.act_forward, self.act_find, self.act_next_hit,
                       self.act_prev_hit):
            self.go_menu.addAction(action)
        self.comment_menu = bar.addMenu(QCoreApplication.translate("AnnotationController", "コメント(&C)"))
        for menu in (self.edit_menu, self.comment_menu):
            menu.aboutToShow.connect(self.ensure_annotations)
        self.tools_menu = bar.addMenu(self.tr("ツール(&T)"))
        self.tools_menu.addAction(self.act_settings)
        self.tools_menu.addAction(self.act_member)
        self.help_menu = bar.addMenu(self.tr("ヘルプ(&H)"))
        self.help_menu.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar(self.tr("ツールバー"), self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(20, 20))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for action in (self.act_open, None, self.act_back, self.act_forward, None, self.act_zoom_out,
                       self.act_zoom_in, self.act_fit_width, self.act_fit_page, None, self.act_goto,
                       self.act_find, None, self.act_settings):
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
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

    def _build_docks(self) -> None:
        self.left_dock = QDockWidget(self.tr("資料"), self)
        self.left_dock.setObjectName("left_dock")
        self.left_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                   | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_dock.setWidget(self.left_tabs)
        self.left_dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.left_dock)
        self.view_menu.addAction(self.left_dock.toggleViewAction())

        self.comments_dock = QDockWidget(self.tr("コメント"), self)
        self.comments_dock.setObjectName("comments_dock")
        self.comments_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        placeholder = QLabel(self.tr("コメントはここに表示されます。"))
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setWordWrap(True)
        self.comments_dock.setWidget(placeholder)
        self.comments_dock.setMinimumWidth(240)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.comments_dock)
        self.view_menu.addAction(self.comments_dock.toggleViewAction())
        from ui.theme import TEXT_SIZES

        scale = min(TEXT_SIZES.get(self.settings.text_size, 1.0), 1.4)
        self.resizeDocks([self.left_dock, self.comments_dock], [int(380 * scale), int(260 * scale)],
                         Qt.Orientation.Horizontal)

        self.outline_panel: OutlinePanel | None = None
        self.thumbnails_panel: ThumbnailsPanel | None = None
        self.search_panel: SearchPanel | None = None

    def build_panels(self) -> None:
        """Create the left panels (after the first paint, one per slice; idempotent; at once when called)."""
        self._build_outline_panel()
        self._build_thumbnails_panel()
        self._build_search_panel()

    def _build_outline_panel(self) -> None:
        if self.outline_panel is not None:
            return
        from ui.panels.outline import OutlinePanel

        self.outline_panel = OutlinePanel()
        self.left_tabs.insertTab(0, self.outline_panel, self.tr("目次"))
        self.left_tabs.setCurrentIndex(0)
        self.outline_panel.jump_requested.connect(self._jump_to_node)

    def _build_thumbnails_panel(self) -> None:
        if self.thumbnails_panel is not None:
            return
        self._build_outline_panel()
        from ui.panels.thumbnails import ThumbnailsPanel

        self.thumbnails_panel = ThumbnailsPanel()
        self.left_tabs.insertTab(1, self.thumbnails_panel, self.tr("サムネイル"))
        self.thumbnails_panel.page_requested.connect(lambda page: self.page_view.go_to(page, None))
        if self.current_path is not None:
            self.thumbnails_panel.set_document(self.current_path, self.password, self.page_labels)

    def _build_search_panel(self) -> None:
        if self.search_panel is not None:
            return
        self._build_thumbnails_panel()
        from ui.panels.search import SearchPanel

        self.search_panel = SearchPanel()
        self.left_tabs.insertTab(2, self.search_panel, self.tr("検索"))
        self.search_panel.hits_changed.connect(self.page_view.set_search_hits)
        # Highlights are computed for the pages coming into view rather than for every hit up front.
        self.page_view.current_page_changed.connect(self.search_panel.set_current_page)
        if self.page_view.current_page() >= 0:
            self.search_panel.set_current_page(self.page_view.current_page())
        self.search_panel.hit_activated.connect(self._show_hit)
        self.search_panel.comment_activated.connect(lambda _id, page: self.page_view.go_to(page, None))
        self.search_panel.annotation_source = self._annotations_for_search
        if self._index_path:
            self.search_panel.index_path = self._index_path
        if self.current_path is not None:
            if self._outline_shown and self.outline is not None:
                self.search_panel.set_outline(self.outline)
                self.search_panel.set_packet(self.outline.sha256, "building")
            else:
                self.search_panel.set_packet("", "building")
            if self._index_state == "ready":
                self.search_panel.sha256 = self._index_sha256
                self.search_panel.set_index_state("ready")
            elif self._index_state == "failed":
                self.search_panel.set_index_state("failed")

    # ------------------------------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        start = str(self.current_path.parent) if self.current_path else ""
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("PDFを開く"), start,
                                                    self.tr("PDF ファイル (*.pdf);;すべてのファイル (*)"))
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path | str, password: str | None = None) -> bool:
        """Open ``path`` (asking for a password when needed). Returns False if it was not opened."""
        path = Path(path).expanduser()
        try:
            path = path.resolve()
        except OSError:
            pass
        try:
            password = self._unlock(path, password)
        except PdfOpenError as exc:
            self._show_error(self.tr("ファイルを開けません"), exc)
            return False
        if password is _CANCELLED:
            return False
        try:
            self.page_count = probe_pdf(path, password)
        except PdfOpenError as exc:
            self._show_error(self.tr("ファイルを開けません"), exc)
            return False
        self.close_document()
        self._generation += 1
        self.current_path = path
        self.password = password
        self._painted = False
        self.page_labels = [str(i + 1) for i in range(self.page_count)]
        try:
            self.page_view.open_document(path, password)
        except ReviewerError as exc:
            self.current_path = None
            self._show_error(self.tr("ファイルを開けません"), exc)
            return False
        self.setWindowTitle(self.tr("{name} — PIA Reviewer").format(name=path.name))
        self._restore_position(path)
        self.settings.add_recent_file(path)
        self.settings.set_last_file(path)
        self.settings.sync()
        self._update_position()
        self.document_opened.emit(path)
        return True

    def _unlock(self, path: Path, password: str | None) -> Any:
        """The password to use: None for unprotected files; asks up to three times; _CANCELLED if cancelled."""
        try:
            probe_pdf(path, password)
            return password
        except PasswordRequired:
            if self.batch_mode:
                raise
        from reviewer.document import file_sha256

        sha = file_sha256(path)
        keyring_ok = True
        try:
            from reviewer.secrets import KeyringUnavailable, recalled_pdf_password

            try:
                remembered = recalled_pdf_password(sha)
            except KeyringUnavailable:
                keyring_ok, remembered = False, None
        except ImportError:
            keyring_ok, remembered = False, None
        if remembered:
            try:
                probe_pdf(path, remembered)
                return remembered
            except PasswordRequired:
                pass
        from ui.dialogs.password import MAX_TRIES, PasswordDialog

        for attempt in range(1, MAX_TRIES + 1):
            dialog = PasswordDialog(path.name, attempt, keyring_ok, self)
            if dialog.exec() != PasswordDialog.DialogCode.Accepted:
                return _CANCELLED
            candidate, remember = dialog.values()
            try:
                probe_pdf(path, candidate)
            except PasswordRequired:
                continue
            if remember:
                try:
                    from reviewer.secrets import remember_pdf_password

                    remember_pdf_password(sha, candidate)
                except ReviewerError as exc:
                    log.warning("could not remember password: %s", exc.message_en)
            return candidate
        QMessageBox.warning(self, self.tr("ファイルを開けません"),
                            self.tr("パスワードが{tries}回続けて正しくなかったため、「{name}」を開けませんでした。"
                                    "正しいパスワードを資料の配布元に確認してください。").format(
                                tries=MAX_TRIES, name=path.name))
        return _CANCELLED

    def _show_error(self, title: str, exc: ReviewerError) -> None:
        log.info("open failed: %s", exc.message_en)
        if self.batch_mode:
            print(f"{title}: {exc.message_ja}", file=sys.stderr, flush=True)
            return
        QMessageBox.warning(self, title, exc.message_ja)

    def _on_document_error(self, message: str) -> None:
        if self.batch_mode:
            print(message, file=sys.stderr, flush=True)
            return
        QMessageBox.warning(self, self.tr("ファイルを開けません"), message)

    def close_document(self) -> None:
        if self.current_path is None:
            return
        self.save_reading_position()
        for op in self._ops:
            op.cancel()
        self._ops.clear()
        self.page_view.close_document()
        if self.thumbnails_panel is not None:
            self.thumbnails_panel.close_document()
        if self.outline_panel is not None:
            self.outline_panel.clear()
        if self.search_panel is not None:
            self.search_panel.set_packet("", "none")
        self._generation += 1
        self.current_path = None
        self.password = None
        self.sha256 = ""
        self.outline = None
        self._outline_shown = False
        self.page_count = 0
        self._index_state = "none"
        self._index_sha256 = ""
        self._hide_progress()
        self.location_label.setText("")
        self.page_label.setText("")
        self.setWindowTitle(self.tr("PIA Reviewer — 特定個人情報保護評価書 点検"))

    def _restore_position(self, path: Path) -> None:
        saved = self.settings.reading_position(path)
        self._pending_position = None
        if saved is None:
            return
        page, y, zoom, mode = saved
        if mode == "fit_page":
            self.page_view.fit_page()
        elif mode == "custom" and zoom > 0:
            self.page_view.set_zoom(zoom)
        if 0 <= page < self.page_count:
            self.page_view.go_to(page, y, record_history=False)
            self._pending_position = (page, y)

    # ------------------------------------------------------------------------------------------ after paint
    def _on_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        self.first_page_painted.emit()
        QTimer.singleShot(0, self, self._after_first_paint)

    def _run_slices(self, steps: list[Callable[[], object]], budget: float = SLICE_BUDGET) -> None:
        """Run ``steps`` in order, as many per event-loop turn as fit in ``budget`` seconds (at least one), the
        rest in later turns, so the page view keeps scrolling smoothly. Steps of a packet that has been closed
        meanwhile are dropped."""
        import time

        generation = self._generation
        queue = list(steps)

        def turn() -> None:
            started = time.perf_counter()
            while queue:
                if generation != self._generation:
                    return
                queue.pop(0)()
                if queue and time.perf_counter() - started >= budget:
                    QTimer.singleShot(0, self, turn)
                    return

        turn()

    def _after_first_paint(self) -> None:
        if self.current_path is None or self.batch_mode:
            return
        steps: list[Callable[[], object]] = [
            # First the worker process, which takes longest to get going. Its modules are imported here, one per
            # turn: a launcher thread importing them would hold the GIL against this thread for tens of ms.
            *self._import_steps(("concurrent.futures", "ui.ops", "multiprocessing.context",
                                 "concurrent.futures.process", "multiprocessing.queues", "multiprocessing.sharedctypes",
                                 "multiprocessing.popen_spawn_posix" if sys.platform != "win32" else "multiprocessing")),
            self._start_background,
            self._build_outline_panel,
            self._fill_panels,
            *self._annotation_steps(),
            self._build_thumbnails_panel,
            *self._import_steps(("reviewer.search", "ui.panels.search")),
            self._build_search_panel,
            self._schedule_after_panels,
        ]
        self._run_slices(steps)

    @staticmethod
    def _import_steps(modules: tuple[str, ...]) -> list[Callable[[], object]]:
        import importlib

        def load(name: str) -> None:
            try:
                importlib.import_module(name)
            except ImportError:  # optional on this platform; the step that needs it reports properly
                log.debug("pre-import of %s failed", name)

        return [partial(load, name) for name in modules if name not in sys.modules]

    def _annotation_steps(self) -> list[Callable[[], object]]:
        """Import the annotation modules one per step (each costs a few ms), then create the controller."""
        if self.annotations is not None:
            return []
        modules = ("PySide6.QtSvg", "ui.undo", "reviewer.annotations", "ui.dialogs.comment_editor",
                   "ui.panels.comments", "ui.exchange_actions", "ui.annotate")
        return [*self._import_steps(modules), self.ensure_annotations]

    def _schedule_after_panels(self) -> None:
        QTimer.singleShot(50, self, self._store_then_member_name)

    def _store_then_member_name(self) -> None:
        """Open the store (its passphrase dialog, if any, is modal), and only then ask the member's name, so that
        two dialogs never stack on a first start without a keyring."""
        if self.want_store and not self._store_tried:
            self._open_store()
        if self.ask_member_name and not self.settings.member_name:
            self.ask_member()

    def _fill_panels(self) -> None:
        if self.current_path is None:
            return
        if self.outline_panel is not None and not self._outline_shown and not self.outline_panel.filling:
            self.outline_panel.clear()
        if self.thumbnails_panel is not None:
            self.thumbnails_panel.set_document(self.current_path, self.password, self.page_labels)
        if self.search_panel is not None:
            self.search_panel.set_packet("", "building")

    def _start_background(self) -> None:
        if self.current_path is None:
            return
        from reviewer.paths import data_dir
        from ui.ops import Op

        path, password = str(self.current_path), self.password
        # Resolve the profile here: the worker process keeps the environment it was started with.
        profile_dir = data_dir(self.profile)
        self._index_path = str(profile_dir / "search-index.db")
        if self.search_panel is not None:
            self.search_panel.index_path = self._index_path
        self._show_progress(self.tr("構造を解析中…"), 0, 0)
        self._index_state = "building"
        # run_in_process returns at once: a launcher thread starts the worker process (spawn) and submits.
        detect = (
            Op(self, detect_job, path, password, str(profile_dir))
            .with_progress(lambda done, total: self._show_progress(self.tr("構造を解析中…"), done, total))
            .success(self._on_outline)
            .failure(self._on_outline_failed)
            .run_in_process()
        )
        index = (
            Op(self, index_job, path, password, self._index_path)
            .with_progress(self._on_index_progress)
            .success(self._on_index_ready)
            .failure(self._on_index_failed)
            .run_in_process()
        )
        self._ops.extend([detect, index])

    def _on_outline(self, outline: Outline) -> None:
        """The structure is known: the status bar follows at once; the tree is filled in slices, then the other
        panels, then ``outline_ready``."""
        if self.current_path is None:
            return
        self.outline = outline
        self.sha256 = outline.sha256
        self._outline_shown = False
        if len(outline.page_labels) == self.page_count:
            self.page_labels = list(outline.page_labels)
        self._update_position()
        generation = self._generation

        def after_tree() -> None:
            if generation != self._generation or self.outline is not outline:
                return
            self._run_slices([
                self._build_thumbnails_panel,
                self._labels_to_thumbnails,
                self._build_search_panel,
                lambda: self._outline_to_search(outline),
                lambda: self._outline_to_annotations(outline),
                lambda: self._outline_done(outline),
            ], budget=0.0)  # one step per turn: the annotation controller follows outline_ready at once

        def fill_tree() -> None:
            self._build_outline_panel()
            assert self.outline_panel is not None
            # the rest in a later turn: the last unit of the tree has used this turn's budget
            self.outline_panel.set_outline_incremental(
                outline, on_done=lambda: QTimer.singleShot(0, self, after_tree))

        self._run_slices([fill_tree])

    def _labels_to_thumbnails(self) -> None:
        if self.thumbnails_panel is not None:
            self.thumbnails_panel.set_labels(self.page_labels)

    def _outline_to_search(self, outline: Outline) -> None:
        if self.search_panel is None:
            return
        self.search_panel.set_outline(outline)
        if self._index_state != "ready":
            self.search_panel.set_packet(outline.sha256, "building")

    def _outline_to_annotations(self, outline: Outline) -> None:
        """Give the annotation controller the packet's sha256 in a turn of its own (it loads the comments); on
        ``outline_ready`` it then only takes the structure."""
        controller = self.annotations
        if controller is None or self.current_path is None or controller.sha256 == outline.sha256:
            return
        controller.set_document(self.current_path, outline.sha256, list(self.page_labels), password=self.password)

    def _outline_done(self, outline: Outline) -> None:
        if self.outline is not outline:
            return
        if self._index_state == "building":
            self._show_progress(self.tr("検索索引を作成中…"), 0, 0)
        else:
            self._hide_progress()
        self._remember_in_store()
        self._update_position()
        self._outline_shown = True
        self.outline_ready.emit(outline)

    def _on_outline_failed(self, exc: BaseException) -> None:
        message = exc.message_ja if isinstance(exc, ReviewerError) else self.tr("構造を解析できませんでした。")
        if not isinstance(exc, ReviewerError):
            log.error("structure detection failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._build_outline_panel()
        if self.outline_panel is not None:
            self.outline_panel.set_page_list(self.page_labels)
            self.outline_panel.message.setText(message)
        self._hide_progress()

    def _on_index_progress(self, done: int, total: int) -> None:
        self._index_state = "building"
        if self.outline is not None:
            self._show_progress(self.tr("検索索引を作成中…"), done, total)
        if self.search_panel is not None:
            self.search_panel.set_index_state("building", (done, total))

    def _on_index_ready(self, sha256: str) -> None:
        self._index_state = "ready"
        self._index_sha256 = sha256
        self.sha256 = self.sha256 or sha256
        if self.search_panel is not None:
            self.search_panel.sha256 = sha256
            self.search_panel.set_index_state("ready")
            if not self.search_panel.query.text().strip():
                self.search_panel.status.setText(self.tr("検索できます。"))
        if self.outline is not None:
            self._hide_progress()
        self.index_ready.emit(sha256)

    def _on_index_failed(self, exc: BaseException) -> None:
        self._index_state = "failed"
        log.error("indexing failed: %s", exc)
        if self.search_panel is not None:
            self.search_panel.set_index_state("failed")
        if self.outline is not None:
            self._hide_progress()

    def _show_progress(self, text: str, done: int, total: int) -> None:
        self.progress_label.setText(text)
        self.progress_label.setVisible(True)
        self.progress_bar.setVisible(True)
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
        else:
            self.progress_bar.setRange(0, 0)

    def _hide_progress(self) -> None:
        self.progress_label.setVisible(False)
        self.progress_bar.setVisible(False)

    @property
    def index_state(self) -> str:
        """"none" | "building" | "ready" | "failed" for the current packet's search index."""
        return self._index_state

    # ------------------------------------------------------------------------------------------ store
    def _open_store(self) -> None:
        self._store_tried = True
        from reviewer.store import DatabaseDamaged

        try:
            self.store = self._open_store_asking()
        except DatabaseDamaged as exc:
            self.store = self._offer_backup(exc)
        except ReviewerError as exc:
            log.warning("store unavailable: %s", exc.message_en)
            self.statusBar().showMessage(exc.message_ja, 8000)
            return
        except Exception:
            log.exception("store failed to open")
            return
        if self.store is None:
            self.statusBar().showMessage(self.tr("コメントの保存先が開けないため、コメントは保存できません。"), 8000)
            return
        try:
            if self.settings.member_name and not self.store.get_setting("member_name", ""):
                self.store.set_setting("member_name", self.settings.member_name)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
        self._remember_in_store()
        self.store_ready.emit(self.store)

    def _open_store_asking(self) -> Any:
        """The store, asking for a passphrase when there is no keyring (never a plaintext fallback)."""
        if self.batch_mode:
            from reviewer.store import Store

            return Store.open(self.profile)
        from ui.dialogs.passphrase import open_store_interactively

        return open_store_interactively(self, self.profile)

    def _offer_backup(self, damaged: Any) -> Any:
        """The database failed its check at start: offer the newest good backup (the damaged file is kept)."""
        from reviewer.store import restore_backup

        log.error("store damaged: %s", damaged.message_en)
        if not damaged.backups or self.batch_mode:
            QMessageBox.critical(self, self.tr("コメントの保存先"), damaged.message_ja)
            return None
        newest = damaged.backups[0]
        answer = QMessageBox.question(
            self, self.tr("コメントの保存先"),
            damaged.message_ja + "\n\n" + self.tr("最新のバックアップ（{name}）から復元しますか？"
                                                  "（破損したファイルは残します）").format(name=newest.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        for backup in damaged.backups:
            try:
                moved = restore_backup(self.profile, backup)
                log.warning("restored %s; damaged database kept as %s", backup.name, moved.name)
                return self._open_store_asking()
            except ReviewerError as exc:
                log.warning("backup %s unusable: %s", backup.name, exc.message_en)
        QMessageBox.critical(self, self.tr("コメントの保存先"), self.tr("使えるバックアップがありませんでした。"))
        return None

    def _remember_in_store(self) -> None:
        if self.store is None or not self.sha256 or self.current_path is None:
            return
        try:
            position = self.store.reading_position(self.sha256)
            self.store.remember_packet(self.sha256, self.current_path, self.current_path.name)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
            return
        # A packet moved to another folder: its position is known by content only.
        if (position is not None and self.settings.reading_position(self.current_path) is None
                and 0 <= position.page < self.page_count and self.page_view.current_page() == 0):
            if position.zoom:
                self.page_view.set_zoom(position.zoom)
            self.page_view.go_to(position.page, None, record_history=False)

    def _annotations_for_search(self) -> list[Any]:
        if self.store is None or not self.sha256:
            return []
        return list(self.store.annotations(self.sha256))

    # ------------------------------------------------------------------------------------------ position
    def _schedule_position_update(self) -> None:
        if not self._position_timer.isActive():
            self._position_timer.start()
        self._save_timer.start()

    def location_text(self, page: int, y: float) -> str:
        """「住民基本台帳に関する事務 全項目評価書 › Ⅲ 7. リスク1」 for the position, or ""."""
        if self.outline is None:
            return ""
        location = self.outline.locate(page, y)
        if location.document_index is None:
            return ""
        label = location.item_label()
        innermost = location.leaf or location.section or location.chapter
        if label and innermost is not None and innermost.file:
            label += f"〔{innermost.file}〕"
        return f"{location.document_title} › {label}" if label else location.document_title

    def page_status_text(self, page: int) -> str:
        total = self.page_count
        if total <= 0:
            return ""
        if self.outline is not None and 0 <= page < len(self.page_labels):
            label = self.page_labels[page]
            if not any(ch.isdigit() for ch in label):  # 「表紙」 etc.
                return self.tr("{label}（PDF {page} / {total}）").format(label=label, page=page + 1, total=total)
            return self.tr("資料 {label} ページ（PDF {page} / {total}）").format(
                label=label, page=page + 1, total=total)
        return self.tr("PDF {page} / {total} ページ").format(page=page + 1, total=total)

    def _update_position(self) -> None:
        if self.current_path is None or self.page_count <= 0:
            return
        page, y = self.page_view.reading_position()
        self.page_label.setText(self.page_status_text(self.page_view.current_page()))
        # The reader's eye: where go_to() places a heading, 1/8 of the viewport below its top (in points).
        points_per_pixel = 1.0 / max(self.page_view.zoom() * 4.0 / 3.0, 0.01)
        probe_y = y + self.page_view.viewport().height() / 8.0 * points_per_pixel + 2.0
        self.location_label.setText(self.location_text(page, probe_y))
        if self.outline_panel is not None:
            self.outline_panel.follow(page, probe_y)
        if self.thumbnails_panel is not None:
            self.thumbnails_panel.set_current(self.page_view.current_page())
        self._update_text_notice()

    def _update_text_notice(self) -> None:
        """Say so when the page on screen has no text layer (a scanned page): search and text highlights do not
        work there, area comments do. The page's text is read shortly after scrolling stops, hence the retry."""
        page = self.page_view.current_page()
        if page < 0:
            return
        has_text = self.page_view.page_has_text(page)
        if has_text is None:
            if not self._text_notice_timer.isActive():
                self._text_notice_timer.start()
            return
        if not has_text:
            self.page_label.setText(self.page_status_text(page) + self.tr("　文字情報なし"))
            if page != self._text_notice_page:
                self._text_notice_page = page
                self.statusBar().showMessage(self.tr(
                    "このページには文字情報（テキスト層）がありません（スキャン画像など）。"
                    "このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。"), 10000)

    def _on_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self._save_timer.start()

    def save_reading_position(self) -> None:
        if self.current_path is None or self.page_count <= 0:
            return
        page, y = self.page_view.reading_position()
        mode = self.page_view.zoom_mode()
        zoom = self.page_view.zoom()
        self.settings.set_reading_position(self.current_path, page, max(0.0, y), zoom, mode)
        self.settings.sync()
        if self.store is not None and self.sha256:
            try:
                self.store.set_reading_position(self.sha256, page, zoom if mode == "custom" else None)
            except ReviewerError as exc:
                log.warning("store: %s", exc.message_en)

    def _update_history_actions(self) -> None:
        self.act_back.setEnabled(self.page_view.can_go_back())
        self.act_forward.setEnabled(self.page_view.can_go_forward())

    # ------------------------------------------------------------------------------------------ navigation
    def _jump_to_node(self, page: int, y: float) -> None:
        self.page_view.go_to(page, None if math.isnan(y) else y)

    def _show_hit(self, page: int, rect: Any) -> None:
        self.page_view.scroll_to_hit(page, tuple(rect))

    def go_to_page_dialog(self) -> None:
        if self.current_path is None:
            return
        from ui.dialogs.goto_page import GoToPageDialog

        dialog = GoToPageDialog(self.page_labels, self.page_view.current_page(), self)
        if dialog.exec() == GoToPageDialog.DialogCode.Accepted and dialog.result_index is not None:
            self.go_to_page(dialog.result_index)

    def go_to_page(self, index: int) -> None:
        if 0 <= index < self.page_count:
            self.page_view.go_to(index, None)

    def go_to_label(self, text: str) -> bool:
        """Jump to the page the user means by ``text`` (label first, see resolve_page_input)."""
        from ui.dialogs.goto_page import resolve_page_input

        found = resolve_page_input(text, self.page_labels)
        if found is None:
            return False
        self.go_to_page(found[0])
        return True

    def focus_search(self) -> None:
        self.build_panels()
        assert self.search_panel is not None
        self.left_dock.show()
        self.left_tabs.setCurrentWidget(self.search_panel)
        self.search_panel.focus_query()

    def _next_hit(self) -> None:
        if self.search_panel is not None:
            self.search_panel.next_hit()

    def _previous_hit(self) -> None:
        if self.search_panel is not None:
            self.search_panel.previous_hit()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
            self.act_full_screen.setChecked(False)
        else:
            self.showFullScreen()
            self.act_full_screen.setChecked(True)

    def confirm_external_link(self, url: str) -> bool:
        """Ask before handing a web or mail link to another application; never open files or programs."""
        from reviewer.safety import external_link_allowed

        if not external_link_allowed(url):
            log.warning("refused a link that is not http(s)/mailto")
            self.statusBar().showMessage(
                self.tr("このリンクはプログラムやファイルを開こうとしています。安全のため開きません。"), 10000)
            return False
        answer = QMessageBox.question(
            self, self.tr("外部リンク"),
            self.tr("次のリンクを既定のアプリで開きますか？\n\n{url}").format(url=url),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return bool(QDesktopServices.openUrl(QUrl(url)))

    # ------------------------------------------------------------------------------------------ dialogs
    def ask_member(self, force: bool = False) -> None:
        if not force and self.settings.member_name:
            return
        from ui.dialogs.member_name import MemberNameDialog

        dialog = MemberNameDialog(self.settings.member_name, self)
        if dialog.exec() == MemberNameDialog.DialogCode.Accepted and dialog.value():
            self.settings.member_name = dialog.value()
            self.settings.sync()
            if self.store is not None:
                try:
                    self.store.set_setting("member_name", dialog.value())
                except ReviewerError as exc:
                    log.warning("store: %s", exc.message_en)

    def settings_dialog(self) -> None:
        from PySide6.QtWidgets import QApplication

        from ui.dialogs.settings import SettingsDialog
        from ui.theme import apply_theme

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        language_changed = dialog.save()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.settings.text_size, self.settings.high_contrast)
        if self.outline is not None and self.outline_panel is not None:
            self.outline_panel.set_outline(self.outline)  # badge colours follow the contrast setting
        if language_changed:
            QMessageBox.information(self, self.tr("設定"),
                                    self.tr("表示言語は次回の起動時に切り替わります。"))

    def about(self) -> None:
        from reviewer import __version__

        QMessageBox.about(self, self.tr("PIA Reviewer について"), self.tr(
            "PIA Reviewer {version}\n特定個人情報保護評価書（全項目評価書）の第三者点検を支援するアプリです。").format(
            version=__version__))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            empty = self.recent_menu.addAction(self.tr("（なし）"))
            empty.setEnabled(False)
            return
        for index, name in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{index % 10} {Path(name).name}")
            action.setToolTip(name)
            action.triggered.connect(lambda _checked=False, p=name: self._open_recent(p))

    def _open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            QMessageBox.warning(self, self.tr("ファイルを開けません"),
                                self.tr("ファイルが見つかりません: {path}").format(path=path))
            self.settings.remove_recent_file(path)
            return
        self.open_file(Path(path))

    # ------------------------------------------------------------------------------------------ Qt events
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(url.isLocalFile() and url.toLocalFile().lower().endswith(".pdf") for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".pdf"):
                event.acceptProposedAction()
                dropped = Path(url.toLocalFile())
                QTimer.singleShot(0, lambda target=dropped: self.open_file(target))
                return
        event.ignore()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_reading_position()
        self._generation += 1  # post-paint steps still queued must not run on a closing window
        for op in self._ops:
            op.cancel()
        if self.thumbnails_panel is not None:
            self.thumbnails_panel.close_document()
        self.page_view.close_document()
        if self.store is not None:
            if self.annotations is not None:
                # Detach first: the controller must not read a closed store (an error box on a window being
                # deleted would crash Qt).
                self.annotations.set_store(None)
            try:
                self.store.close()
            except Exception:
                log.exception("closing the store failed")
            self.store = None
        super().closeEvent(event)


_CANCELLED: Any = object()
