"""The main window: layout and actions. The open packet lives in :class:`ui.session.PacketSession`.

The page view is in the centre, 目次/サムネイル/検索 on the left (``ui.window_panels``), comments on the right
(``ui.annotate``). Start-up order matters for speed: the window and the page view exist first and the packet is
opened at once (one open of the PDF); the panels, the annotation tools, the background work and the store follow
the first paint in small slices (``ui.startup``). Message boxes (``ui.notify``) are imported where one is shown.

Signals (kept for scripts and tests; they follow the session's changes):
    first_page_painted(): the first page image of the current packet is on screen.
    document_opened(object): a packet was opened (its Path).
    outline_ready(object): the structure of the current packet is known and shown.
    index_ready(str): the search index of the packet (sha256) is built.
    store_ready(object): the encrypted store is open.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from reviewer.errors import ReviewerError
from ui.app_settings import AppSettings
from ui.reading_status import ReadingStatus
from ui.session import CLOSED, INDEX, OUTLINE, PACKET, STORE, PacketSession, SessionChange
from ui.window_actions import build_actions, icon

if TYPE_CHECKING:
    from ui.annotate import AnnotationController
    from ui.panels.outline import OutlinePanel
    from ui.panels.search import SearchPanel
    from ui.panels.thumbnails import ThumbnailsPanel

log = logging.getLogger("ui.main_window")
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1400, 900  # the first start's window, where the screen has room
# The side panels' least widths (px at the normal text size): with both, a 1366-px-wide laptop screen still shows an
# A4 page whole at the readable zoom beside them.
LEAST_TREE_WIDTH, LEAST_COMMENTS_WIDTH = 290, 240
DOCK_SEPARATOR = 6  # px: Qt's separator beside a side panel (read without QStyle's enums, which cost at start-up)

__all__ = ["MainWindow", "icon"]


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

    # Made by ui.window_actions.build_actions (the rest of the act_* and menus too).
    act_back: QAction
    act_forward: QAction
    act_full_screen: QAction
    view_menu: QMenu
    recent_menu: QMenu
    act_help: QAction
    compare: Any = None  # ui.compare_actions.CompareActions, made with the annotation controller

    def __init__(self, settings: AppSettings | None = None, profile: str | None = None,
                 ask_member_name: bool = True, open_store: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.page_view import PageView
        from ui.startup import AfterFirstPaint
        from ui.window_panels import WindowPanels

        self.settings = settings or AppSettings(profile)
        self.profile = profile
        self.ask_member_name = ask_member_name
        self.want_store = open_store
        self.batch_mode = False  # True: no dialogs (start-up measurements); errors go to stderr
        self.session = PacketSession(profile, self)
        self.setWindowTitle(self.tr("PIA Reviewer — 特定個人情報保護評価書 点検"))
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)

        self.page_view = PageView(self)
        self.central = QStackedWidget(self)
        self.central.addWidget(self.page_view)
        self.setCentralWidget(self.central)
        self.welcome: Any = None  # ui.welcome.WelcomePage, made when first shown
        self.annotations: AnnotationController | None = None  # created after the first paint (ensure_annotations)

        build_actions(self)
        self._build_docks()
        self.panels = WindowPanels(self.session, self.left_tabs, self.page_view)
        self.panels.on_structure_shown = self.outline_ready.emit
        self.panels.on_correction = self.correct_structure
        self.panels.on_comment_found = lambda annotation_id: self.ensure_annotations().show_comment(annotation_id)
        self.after_paint = AfterFirstPaint(self)
        self.status = ReadingStatus(self)
        # The status bar's parts, by name (scripts and tests read them).
        self.location_label, self.page_label = self.status.location_label, self.status.page_label
        self.zoom_label = self.status.zoom_label

        self.session.changed.connect(self._on_session_changed)
        self.page_view.first_page_painted.connect(self.after_paint.on_first_paint)
        self.page_view.history_changed.connect(self._update_history_actions)
        self.page_view.external_link_requested.connect(self.confirm_external_link)
        self.page_view.document_error.connect(self._on_document_error)
        self._update_history_actions()

    # ------------------------------------------------------------------------------------------ session state
    # Read-only views of the session (one owner of the open packet's state).
    @property
    def current_path(self) -> Path | None:
        return self.session.path

    @property
    def password(self) -> str | None:
        return self.session.password

    @property
    def outline(self) -> Any:
        return self.session.outline

    @property
    def page_labels(self) -> list[str]:
        return self.session.page_labels

    @property
    def page_count(self) -> int:
        return self.session.page_count

    @property
    def sha256(self) -> str:
        return self.session.sha256

    @property
    def store(self) -> Any:
        return self.session.store

    @property
    def index_state(self) -> str:
        """"none" | "building" | "ready" | "failed" for the current packet's search index."""
        return self.session.index_state

    @property
    def outline_panel(self) -> OutlinePanel | None:
        return self.panels.outline

    @property
    def thumbnails_panel(self) -> ThumbnailsPanel | None:
        return self.panels.thumbnails

    @property
    def search_panel(self) -> SearchPanel | None:
        return self.panels.search

    def ensure_annotations(self) -> AnnotationController:
        """The annotation controller (tools, comments panel, progress, undo, import/export), created on first use:
        after the first paint, so its imports do not delay the first page. It binds to the session."""
        if self.annotations is None:
            from ui.annotate import AnnotationController

            self.panels.build_outline()
            self.annotations = AnnotationController(self)
            from ui.compare_actions import CompareActions

            self.compare = CompareActions(self)  # the second meeting: 前の版と比較 and carried comments
        return self.annotations

    def correct_structure(self, request: Any) -> bool:
        """A hand correction of the structure from the tree (undoable; stored with the comments)."""
        if self.store is None or self.outline is None:
            from ui import notify

            notify.error(self, self.tr("構造の修正"), self.tr("コメントの保存先が開いていないため、修正を保存できません。"))
            return False
        from ui.corrections import run_correction

        return run_correction(self, self.store, self.outline, request, self.ensure_annotations().undo)

    def build_panels(self) -> None:
        """Create the left panels at once (they are otherwise created after the first paint)."""
        self.panels.build_all()

    def _on_session_changed(self, change: SessionChange) -> None:
        session = self.session
        if PACKET in change:
            self.setWindowTitle(self.tr("{name} — PIA Reviewer").format(name=session.file_name))
        if CLOSED in change and session.path is None:
            self.setWindowTitle(self.tr("PIA Reviewer — 特定個人情報保護評価書 点検"))
        if OUTLINE in change:
            self.panels.build_outline()  # fills the tree; outline_ready follows when it is complete
        if INDEX in change and session.index_state == "ready":
            self.index_ready.emit(session.sha256)
        if STORE in change and session.store is not None:
            self._store_member_name()
            self.store_ready.emit(session.store)

    # ------------------------------------------------------------------------------------------ building
    def _build_docks(self) -> None:
        features = QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        self.left_dock = QDockWidget(self.tr("資料"), self)
        self.left_dock.setObjectName("left_dock")
        self.left_dock.setFeatures(features)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_dock.setWidget(self.left_tabs)
        self.left_dock.setMinimumWidth(LEAST_TREE_WIDTH)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.left_dock)
        self.view_menu.addAction(self.left_dock.toggleViewAction())

        self.comments_dock = QDockWidget(self.tr("コメント"), self)
        self.comments_dock.setObjectName("comments_dock")
        self.comments_dock.setFeatures(features)
        placeholder = QLabel(self.tr("コメントはここに表示されます。"))
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setWordWrap(True)
        self.comments_dock.setWidget(placeholder)
        self.comments_dock.setMinimumWidth(LEAST_COMMENTS_WIDTH)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.comments_dock)
        self.view_menu.addAction(self.comments_dock.toggleViewAction())
        self.fit_docks_to_text_size()

    def fit_docks_to_text_size(self) -> None:
        """The side panels as wide as the text size needs (larger text, wider panels: the tree's names and the
        comments stay readable; the tree first), but narrower, down to their least width for that text size, as far
        as a whole page needs to show at the readable zoom beside them: scrolling sideways along every line is worse
        for reading than a name cut short. The page always keeps 40 % of the window."""
        from ui.theme import TEXT_SIZES

        scale = min(TEXT_SIZES.get(self.settings.text_size, 1.0), 1.4)
        left, right = 380 * scale, 300 * min(scale, 1.15)
        if self.isVisible() or self.testAttribute(Qt.WidgetAttribute.WA_Resized):  # the window has its real width
            least_left, least_right = LEAST_TREE_WIDTH * scale, LEAST_COMMENTS_WIDTH * min(scale, 1.15)
            room = self.width() - 2 * DOCK_SEPARATOR - self.page_view.width_for_readable_page()
            if room < left + right:  # as much narrower as the page needs, both panels alike
                keep = max(0.0, room - least_left - least_right) / ((left - least_left) + (right - least_right))
                left, right = least_left + (left - least_left) * keep, least_right + (right - least_right) * keep
            squeeze = min(1.0, (self.width() * 0.6 - 2 * DOCK_SEPARATOR) / (left + right))
            left, right = left * squeeze, right * squeeze
        self.resizeDocks([self.left_dock, self.comments_dock], [int(left), int(right)], Qt.Orientation.Horizontal)

    # ------------------------------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        from ui import file_dialogs

        path = file_dialogs.open_file(self, self.tr("PDFを開く"), str(self._open_folder()),
                                      self.tr("PDF ファイル (*.pdf);;すべてのファイル (*)"))
        if path:
            self.open_file(Path(path))

    def _open_folder(self) -> Path:
        """Where 開く… starts: the open packet's folder, else the last opened file's (the sample's aside), else the
        member's Documents (or home) — never the folder the app happened to be started from."""
        from reviewer.paths import documents_dir, is_shipped

        if self.current_path is not None:
            return self.current_path.parent
        for recent in self.settings.recent_files():
            folder = Path(recent).parent
            if folder.is_dir() and not is_shipped(folder):  # not the practice sample's
                return folder
        return documents_dir()

    def open_file(self, path: Path | str, password: str | None = None) -> bool:
        """Open ``path`` (asking for a password when needed) — the one way a packet is opened, whatever the route.
        Returns False if it was not opened (the member has been told why; the previous packet stays)."""
        from ui.unlock import Cancelled, password_for

        path = Path(path).expanduser()
        try:
            path = path.resolve()
        except OSError:
            pass
        from ui import first_page

        try:
            if password is not None or first_page.geometry_for(path, None) is None:  # else the helper opened it
                password = password_for(self, path, password, ask=not self.batch_mode)
            self.save_reading_position()
            self.session.open(path, password)
        except Cancelled:
            return False
        except ReviewerError as exc:
            self._show_error(self.tr("ファイルを開けません"), exc)
            return False
        except Exception:  # noqa: BLE001 - a file damaged in a way no check foresaw: the packet open stays
            log.exception("opening %s failed", path.name)
            from reviewer.errors import PdfOpenError

            self._show_error(self.tr("ファイルを開けません"), PdfOpenError.not_a_pdf(path.name))
            return False
        session = self.session
        self.central.setCurrentWidget(self.page_view)
        self.page_view.open_document(path, password, session.page_sizes, session.rotations)
        self.status.restore_position(path)
        self.page_view.opening_settled()
        self.settings.add_recent_file(path)
        self.settings.set_last_file(path)
        self.settings.sync()
        self.status.update_position()
        self.after_paint.packet_opened()
        self._say_if_sample(path)
        self.document_opened.emit(path)
        return True

    def _show_error(self, title: str, exc: ReviewerError) -> None:
        log.info("open failed: %s", exc.message_en)
        if self.batch_mode:
            print(f"{title}: {exc.message_ja}", file=sys.stderr, flush=True)
            return
        from ui import notify

        notify.error(self, title, notify.error_text(exc))

    def _on_document_error(self, message: str) -> None:
        if self.batch_mode:
            print(message, file=sys.stderr, flush=True)
            return
        from ui import notify

        notify.error(self, self.tr("ファイルを開けません"), message)

    def close_document(self) -> None:
        if self.current_path is None:
            return
        self.save_reading_position()
        self.page_view.close_document()
        self.session.close()
        self.show_welcome()

    def show_welcome(self) -> None:
        """The welcome page in place of the page view (no packet open): open a packet, try the sample, or a
        recent file."""
        if self.welcome is None:
            from ui.welcome import WelcomePage

            self.welcome = WelcomePage()
            self.welcome.open_requested.connect(self.open_dialog)
            self.welcome.sample_requested.connect(self.open_sample)
            self.welcome.recent_requested.connect(self.open_recent)
            self.welcome.help_requested.connect(self.act_help.trigger)
            self.central.addWidget(self.welcome)
        self.welcome.set_recent_files([p for p in self.settings.recent_files() if Path(p).is_file()])
        self.central.setCurrentWidget(self.welcome)
        if self.batch_mode:  # start-up measurements: nothing to paint, say so and end
            print("welcome_page_shown", flush=True)
            QTimer.singleShot(0, self.close)

    def open_sample(self) -> None:
        """Open the practice sample (generated in the worker process when the build does not ship it)."""
        from reviewer.paths import resource

        shipped = resource("sample", "sample-packet.pdf")
        if shipped.is_file():
            self.open_file(shipped)
            return
        from ui.ops import Op

        self.statusBar().showMessage(self.tr("サンプル資料を準備中…"))
        Op(self, _sample_path).success(lambda p: self.open_file(Path(p))).run_in_process()

    def _say_if_sample(self, path: Path) -> None:
        """The practice sample says so in the title and the status bar, however it was opened."""
        from reviewer.paths import resource

        try:
            sample = path.samefile(resource("sample", "sample-packet.pdf")) or path.name == "sample-packet.pdf"
        except OSError:
            sample = path.name == "sample-packet.pdf"
        if sample:
            self.setWindowTitle(self.tr("練習用サンプル（実在の資料ではありません） — PIA Reviewer"))
            self.statusBar().showMessage(self.tr("練習用のサンプル資料です。実在の市区町村の評価書ではありません。"),
                                         15000)

    def _store_member_name(self) -> None:
        store = self.session.store
        try:
            if self.settings.member_name and not store.get_setting("member_name", ""):
                store.set_setting("member_name", self.settings.member_name)
            position = store.reading_position(self.sha256) if self.sha256 else None
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
            return
        # A packet moved to another folder: its position is known by content only.
        if (position is not None and self.current_path is not None
                and self.settings.reading_position(self.current_path) is None
                and 0 <= position.page < self.page_count and self.page_view.current_page() == 0):
            if position.zoom:
                self.page_view.set_zoom(position.zoom)
            self.page_view.go_to(position.page, None, record_history=False)

    # The status bar and reading position (ui.reading_status), by their old names.
    def location_text(self, page: int, y: float) -> str:
        return self.status.location_text(page, y)

    def page_status_text(self, page: int) -> str:
        return self.status.page_status_text(page)

    def save_reading_position(self) -> None:
        self.status.save_reading_position()

    def _update_position(self) -> None:
        self.status.update_position()

    def _update_history_actions(self) -> None:
        self.act_back.setEnabled(self.page_view.can_go_back())
        self.act_forward.setEnabled(self.page_view.can_go_forward())

    # ------------------------------------------------------------------------------------------ navigation
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
        self.panels.build_all()
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
        else:
            self.showFullScreen()
        self.act_full_screen.setChecked(self.isFullScreen())

    def confirm_external_link(self, url: str) -> None:
        """Ask before handing a web or mail link to another application; never open files or programs."""
        from reviewer.safety import external_link_allowed

        if not external_link_allowed(url):
            log.warning("refused a link that is not http(s)/mailto")
            self.statusBar().showMessage(
                self.tr("このリンクはプログラムやファイルを開こうとしています。安全のため開きません。"), 10000)
            return

        def answered(yes: bool) -> None:
            if yes:
                QDesktopServices.openUrl(QUrl(url))

        from ui import notify

        notify.ask(self, self.tr("外部リンク"), self.tr("次のリンクを既定のアプリで開きますか？\n\n{url}").format(
            url=url), answered)

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

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            empty = self.recent_menu.addAction(self.tr("（なし）"))
            empty.setEnabled(False)
            return
        for index, name in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{index % 10} {Path(name).name}")
            action.setToolTip(name)
            action.triggered.connect(lambda _checked=False, p=name: self.open_recent(p))

    def open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            from ui import notify

            notify.error(self, self.tr("ファイルを開けません"),
                         self.tr("ファイルが見つかりません: {path}").format(path=path))
            self.settings.remove_recent_file(path)
            return
        if not self.open_file(Path(path)):
            self.settings.remove_recent_file(path)

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
                QTimer.singleShot(0, self, lambda target=dropped: self.open_file(target))
                return
        event.ignore()

    def restore_layout(self) -> None:
        """The window's size, place and panels as the member left them (before it is shown: no jump); the first
        time, 1400×900 or the screen's free area where that is smaller (a 1366×768 laptop)."""
        saved = self.settings.window_layout()
        if saved is not None and self.restoreGeometry(saved[0]):
            self.restoreState(saved[1])
            return
        free = self.screen().availableGeometry()
        self.resize(min(DEFAULT_WIDTH, free.width()), min(DEFAULT_HEIGHT, free.height()))
        self.fit_docks_to_text_size()  # for this width

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.annotations is not None:
            self.annotations.save_pending_edits()
        self.save_reading_position()
        if self.isVisible():
            self.settings.set_window_layout(self.saveGeometry(), self.saveState())
        self.after_paint.cancel()  # post-paint steps still queued must not run on a closing window
        self.panels.close()
        self.page_view.close_document()
        # The session detaches the store from every view before closing it: nothing reads a closed store.
        self.session.shutdown()
        super().closeEvent(event)


def _sample_path() -> str:
    """The generated sample packet (worker process; plain value out)."""
    from reviewer.samples import default_sample_path

    return str(default_sample_path())
