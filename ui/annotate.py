"""The annotation controller: wires the page view's tools, the store, the comments panel, review progress and undo.

Install it on the main window with one line at the end of ``MainWindow.__init__`` (after the docks exist)::

    self.annotations = AnnotationController(self)

It fills ``comments_dock``, adds the tools to ``toolbar``, an 編集 menu (undo/redo) and a コメント menu (tools, import
and export), and follows the window's ``store_ready``, ``document_opened`` and ``outline_ready`` signals (the packet's
sha256 arrives with the outline; the outline panel's tree gets a 確認済み context menu and ``set_progress``).
Without a main window (tests, scripts) pass the pieces: ``AnnotationController(page_view=..., store=...,
dock=..., outline_panel=...)`` and call ``set_document(path, sha256, page_labels)`` and ``set_outline(outline)``.

Tools: 選択 (Esc), ハイライト (H: drag over text), 範囲 (R: drag a rectangle), 付箋 (N: click), and
「選択範囲にコメント」 (C) for text selected in the select tool. After a gesture a small :class:`CommentEditor`
opens (non-modal ``open()``; Ctrl+Enter saves). Every change goes through :class:`ui.undo.UndoService` as a core
command, so Ctrl+Z / Ctrl+Shift+Z undo and redo it with a named entry (「コメントを削除」).

Signals:
    annotations_changed(): the shown annotations were reloaded from the store.
    progress_changed(object): the per-node progress dict given to the outline tree.
    message(str): a short status message (e.g. 「コメントを削除しました（Ctrl+Z で元に戻す）」).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QDialog, QDockWidget, QFrame, QMenu, QScrollArea, QToolBar, QWidget

from reviewer import review
from reviewer.annotations import CONTEXT_CHARS, DEFAULT_CATEGORIES, Annotation, Rect, form_reading_order
from reviewer.structure.model import Location, Outline
from ui.dialogs.comment_editor import CommentEditor
from ui.panels.comments import CommentsPanel, CurrentNode
from ui.session import (
    ANNOTATIONS,
    CLOSED,
    CORRECTIONS,
    MARKS,
    OUTLINE,
    PACKET,
    SETTINGS,
    STORE,
    PacketSession,
    SessionChange,
)
from ui.undo import UndoService

log = logging.getLogger("ui.annotate")

TOOLS: tuple[str, ...] = ("select", "highlight", "area", "note")
NOTE_HALF = 8.0  # a sticky note is stored as a 16 pt square around its point
SETTING_CATEGORIES = "categories"
Progress = dict[str, tuple[int, int, bool]]


_STROKE = "#34495e"
TOOL_ICONS: dict[str, str] = {
    "select": f'<path d="M9 4h6M9 20h6M12 4v16" stroke="{_STROKE}"/>',
    "highlight": f'<rect x="3" y="13" width="18" height="6" rx="1" fill="#f4c542" stroke="none" opacity="0.8"/>'
                 f'<path d="M7 15L11 4h2l4 11M8.6 11h6.8" stroke="{_STROKE}"/>',
    "area": f'<rect x="4" y="5" width="16" height="14" rx="1" stroke="{_STROKE}" stroke-dasharray="3 2"/>'
            f'<rect x="8" y="9" width="8" height="6" fill="#5aa9e6" stroke="none" opacity="0.6"/>',
    "note": f'<path d="M5 4h14v11l-5 5H5z" fill="#f4c542" stroke="{_STROKE}"/><path d="M14 20v-5h5" '
            f'stroke="{_STROKE}"/><path d="M8 8h8M8 11h6" stroke="{_STROKE}"/>',
}


def tool_icon(mode: str) -> QIcon:
    """The toolbar icon of a tool, drawn from a small SVG (24 px grid) at 1x and 2x."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    from ui.theme import for_contrast, is_high_contrast

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" '
           'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">' + TOOL_ICONS[mode] + "</svg>")
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    icon = QIcon()
    for size in (24, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(for_contrast(pixmap) if is_high_contrast() else pixmap)
    return icon


# ------------------------------------------------------------------------------------------------ pure helpers
def context_around(page_text: str, quote: str, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The ``chars`` characters before and after ``quote`` in ``page_text`` (whitespace-insensitive find)."""
    if not quote:
        return "", ""
    index = page_text.find(quote)
    if index >= 0:
        return page_text[max(0, index - chars):index], page_text[index + len(quote): index + len(quote) + chars]
    # Compare without whitespace (the text layer breaks lines where the quote may not).
    squeezed: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(page_text):
        if not ch.isspace():
            squeezed.append(ch)
            positions.append(i)
    target = "".join(quote.split())
    found = "".join(squeezed).find(target)
    if found < 0 or not target:
        return "", ""
    start = positions[found]
    end = positions[found + len(target) - 1] + 1
    return page_text[max(0, start - chars):start], page_text[end:end + chars]


# ------------------------------------------------------------------------------------------------ page text
class _ViewTextSource:
    """Text under an area or near a point, from the page view's text layer (read by its render worker, the one
    owner of the packet's PyMuPDF document). The page under a gesture is on screen, so its text is there."""

    def __init__(self, page_view: Any) -> None:
        self._view = page_view

    def _text(self, page: int) -> Any:
        if self._view is None or not hasattr(self._view, "page_text"):
            return None
        return self._view.page_text(page)

    def page_text(self, page: int) -> str:
        text = self._text(page)
        return str(text.stream()) if text is not None else ""

    def text_in(self, page: int, rect: Rect) -> str:
        text = self._text(page)
        if text is None:
            return ""
        x0, y0, x1, y1 = rect
        lines: list[tuple[str, Rect]] = []
        for line in text.lines:
            chars = [ch for ch in line.chars
                     if x0 <= (ch.bbox[0] + ch.bbox[2]) / 2 <= x1 and y0 <= (ch.bbox[1] + ch.bbox[3]) / 2 <= y1]
            joined = "".join(ch.c for ch in chars).strip()
            if joined:
                lines.append((joined, (min(ch.bbox[0] for ch in chars), min(ch.bbox[1] for ch in chars),
                                       max(ch.bbox[2] for ch in chars), max(ch.bbox[3] for ch in chars))))
        return " ".join(text for text, _box in form_reading_order(lines))

    def line_near(self, page: int, x: float, y: float, reach: float = 24.0) -> str:
        """The text line under (x, y), or the nearest one within ``reach`` points vertically."""
        text = self._text(page)
        if text is None:
            return ""
        best: tuple[float, str] | None = None
        for line in text.lines:
            x0, y0, x1, y1 = line.bbox
            content = line.text.strip()
            if not content:
                continue
            dy = 0.0 if y0 <= y <= y1 else min(abs(y - y0), abs(y - y1))
            dx = 0.0 if x0 <= x <= x1 else min(abs(x - x0), abs(x - x1))
            if dy > reach:
                continue
            score = dy * 4 + dx
            if best is None or score < best[0]:
                best = (score, content)
        return best[1] if best else ""


# ------------------------------------------------------------------------------------------------ controller
@dataclass(slots=True)
class _Pending:
    """A gesture waiting for its comment text."""

    page: int
    kind: str
    rects: list[Rect]
    quote: str
    prefix: str
    suffix: str


class _PanelHost(QWidget):
    """Holds the comments panel in its dock's scroll area at the viewport's height, down to the panel's least height
    at that width: the scroll area would otherwise ask the panel's layout for its height at that width — every
    wrapped label and list at full length — and scroll the whole panel instead of letting its list and edit area
    share the room."""

    def __init__(self, panel: CommentsPanel) -> None:
        super().__init__()
        self.panel = panel
        panel.setParent(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = self.panel.minimumSizeHint()
        return QSize(hint.width(), self.panel.least_height(max(self.width(), hint.width())))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        self.panel.setGeometry(self.rect())
        super().resizeEvent(event)


class _PanelScroll(QScrollArea):
    """The comments dock's scroll area: as wide as the panel needs at least (larger text, English: the dock grows
    rather than cutting the panel's right edge), scrolling the panel as a whole only where the dock is shorter than
    the panel's least height."""

    def __init__(self, panel: CommentsPanel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("commentsPanelScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.host = _PanelHost(panel)
        self.setWidget(self.host)
        panel.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        bar = self.verticalScrollBar().sizeHint().width() if self.verticalScrollBar().isVisible() else 0
        return QSize(self.host.minimumSizeHint().width() + bar + 2 * self.frameWidth(), 80)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.host.panel and event.type() == QEvent.Type.LayoutRequest:
            # The panel's least size changed (text size, language, a longer header): the dock follows.
            self.host.updateGeometry()
            self.updateGeometry()
            self.host.resize(self.viewport().width(), max(self.viewport().height(),
                                                          self.host.minimumSizeHint().height()))
        return super().eventFilter(watched, event)


class AnnotationController(QObject):
    """Creates, shows, edits and deletes comments; keeps review marks and progress; owns the undo stack."""

    annotations_changed = Signal()
    progress_changed = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        main_window: Any = None,
        *,
        session: PacketSession | None = None,
        page_view: Any = None,
        store: Any = None,
        dock: QDockWidget | None = None,
        outline_panel: Any = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or main_window or (page_view if isinstance(page_view, QObject) else None))
        self.main_window = main_window
        # The open packet's one owner; without a window (tests, scripts) the controller keeps its own.
        self.session: PacketSession = session or getattr(main_window, "session", None) or PacketSession(parent=self)
        self.page_view: Any = page_view if page_view is not None else getattr(main_window, "page_view", None)
        self.outline_panel: Any = outline_panel if outline_panel is not None else getattr(
            main_window, "outline_panel", None)
        self.undo = UndoService(None, self)
        self.undo.failed.connect(self._show_error)
        self.undo.replayed.connect(self.refresh)
        self.panel = CommentsPanel()
        self.progress: Progress = {}
        self.active_editor: CommentEditor | None = None
        self._pending: _Pending | None = None
        self._texts = _ViewTextSource(self.page_view)
        self._header: tuple[str, str] | None = None
        self.page_menu: QMenu | None = None  # the page's right-click menu while it is open
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(80)
        self._header_timer.timeout.connect(self._update_current_node)
        self.panel.destroyed.connect(self._header_timer.stop)
        self.session.changed.connect(self._on_session_changed)

        self.panel.replies_source = self._stored_replies
        self.panel.annotation_activated.connect(self.jump_to)
        self.panel.edit_requested.connect(self.edit_annotation)
        self.panel.delete_requested.connect(self.delete_annotation)
        self.panel.review_mark_requested.connect(self.set_review_mark)

        self._build_actions()
        if self.page_view is not None:
            self._connect_page_view()
        dock = dock if dock is not None else getattr(main_window, "comments_dock", None)
        self.dock = dock
        if dock is not None:
            # The panel scrolls as a whole where the dock is shorter than its least height (large text on a
            # laptop's screen, the 変更点 dock below): it neither overlaps its own lines nor grows the window past
            # the screen.
            dock.setWidget(_PanelScroll(self.panel, dock))
            if not dock.windowTitle():
                dock.setWindowTitle(self.tr("コメント"))
        if self.outline_panel is not None:
            self._hook_outline_tree()
        if store is not None:
            self.set_store(store)
        else:
            self.undo.set_store(self.session.store)
            self._on_session_changed(SessionChange(frozenset({STORE, OUTLINE, ANNOTATIONS})))
        if main_window is not None:
            self.install(main_window)

    # -------------------------------------------------------------------------------- setup
    def _build_actions(self) -> None:
        self.tool_group = QActionGroup(self)
        self.tool_group.setExclusive(True)
        specs = (
            ("select", self.tr("選択"), "Esc", self.tr("テキストを選択・コピー（Esc）")),
            ("highlight", self.tr("ハイライト"), "H", self.tr("テキストをなぞってハイライトとコメント（H）")),
            ("area", self.tr("範囲"), "R", self.tr("表や図を矩形で囲んでコメント（R）")),
            ("note", self.tr("付箋"), "N", self.tr("クリックした位置に付箋コメント（N）")),
        )
        self.tool_actions: dict[str, QAction] = {}
        for mode, text, key, tip in specs:
            action = QAction(tool_icon(mode), text, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(tip)
            action.setData(mode)
            action.triggered.connect(lambda _checked=False, m=mode: self.set_tool(m))
            self.tool_group.addAction(action)
            self.tool_actions[mode] = action
        self.tool_actions["select"].setChecked(True)
        self.comment_selection_action = QAction(self.tr("選択範囲にコメント"), self)
        self.comment_selection_action.setShortcut(QKeySequence("C"))
        self.comment_selection_action.setToolTip(self.tr("選択したテキストをハイライトしてコメント（C）"))
        self.comment_selection_action.setEnabled(False)
        self.comment_selection_action.triggered.connect(self.comment_on_selection)
        self.undo_action, self.redo_action = self.undo.create_actions(self)
        self.lock_tool_action = QAction(self.tr("ツールを続けて使う"), self)
        self.lock_tool_action.setCheckable(True)
        self.lock_tool_action.setToolTip(self.tr(
            "オンにすると、ハイライト・範囲・付箋のツールが1回使った後も選んだままになります"))
        # Shows the list (never hides it: a member who asks for the list must not lose it; 表示 > コメント hides it)
        self.show_panel_action = QAction(self.tr("コメント一覧"), self)
        self.show_panel_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.show_panel_action.triggered.connect(self._show_dock)

    def refresh_tool_icons(self) -> None:
        """The tools' icons drawn again for the current contrast."""
        for mode, action in self.tool_actions.items():
            action.setIcon(tool_icon(mode))

    def all_actions(self) -> list[QAction]:
        return [*self.tool_actions.values(), self.comment_selection_action, self.undo_action, self.redo_action]

    def _connect_page_view(self) -> None:
        view = self.page_view
        view.highlight_requested.connect(self._on_highlight_requested)
        view.area_requested.connect(self._on_area_requested)
        view.note_requested.connect(self._on_note_requested)
        view.annotation_clicked.connect(self._on_annotation_clicked)
        view.current_page_changed.connect(self._update_current_node)
        if hasattr(view, "verticalScrollBar"):
            view.verticalScrollBar().valueChanged.connect(self._schedule_header)
        if hasattr(view, "selection_changed"):
            view.selection_changed.connect(self.comment_selection_action.setEnabled)
        if isinstance(view, QWidget):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(self._show_page_menu)
        if self.main_window is None and isinstance(view, QWidget):
            # No window to carry the shortcuts: let the view carry them.
            for action in self.all_actions():
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                view.addAction(action)

    def _schedule_header(self, *_args: object) -> None:
        self._header_timer.start()

    def _show_page_menu(self, position: Any) -> None:
        """A right click on the page: what can be done there — copy or comment the selected text, or take a tool
        (members used to other programs look for these under the right button)."""
        view = self.page_view
        menu = QMenu(view)
        copy = menu.addAction(self.tr("コピー"), view.copy_selection)
        copy.setShortcut(QKeySequence.StandardKey.Copy)  # shown beside it, as the tools show theirs
        copy.setEnabled(bool(view.selected_text()))
        menu.addAction(self.comment_selection_action)
        menu.addSeparator()
        for mode in ("highlight", "area", "note"):
            menu.addAction(self.tool_actions[mode])
        menu.aboutToHide.connect(menu.deleteLater)
        self.page_menu = menu  # the open menu (tests reach it here)
        menu.popup(view.mapToGlobal(position))

    def install(self, main_window: Any) -> None:
        """Add the tools to the window's toolbar, a コメント menu, and undo/redo to the 編集 menu."""
        self.main_window = main_window
        for action in self.all_actions():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            main_window.addAction(action)
        toolbar = getattr(main_window, "toolbar", None)
        if not isinstance(toolbar, QToolBar):
            toolbars = main_window.findChildren(QToolBar) if hasattr(main_window, "findChildren") else []
            toolbar = toolbars[0] if toolbars else None
        if toolbar is not None:
            toolbar.addSeparator()
            for action in self.tool_actions.values():
                toolbar.addAction(action)
        menu_bar = main_window.menuBar()
        edit_menu = self._find_menu(menu_bar, ("編集", "Edit"))
        if edit_menu is None:
            edit_menu = QMenu(self.tr("編集(&E)"), menu_bar)
            top = menu_bar.actions()
            if len(top) > 1:  # after ファイル
                menu_bar.insertMenu(top[1], edit_menu)
            else:
                menu_bar.addMenu(edit_menu)
        existing = edit_menu.actions()
        if existing:
            edit_menu.insertActions(existing[0], [self.undo_action, self.redo_action])
            edit_menu.insertSeparator(existing[0])
        else:
            edit_menu.addActions([self.undo_action, self.redo_action])
        existing_comments = self._find_menu(menu_bar, ("コメント", "Comments"))
        if existing_comments is not None:  # the main window made it at start (it creates us after the first paint)
            self.comment_menu = existing_comments
        else:
            self.comment_menu = QMenu(self.tr("コメント(&C)"), menu_bar)
            before = self._find_menu(menu_bar, ("ツール", "Tools", "ヘルプ", "Help"))
            if before is not None:
                menu_bar.insertMenu(before.menuAction(), self.comment_menu)
            else:
                menu_bar.addMenu(self.comment_menu)
        for action in self.tool_actions.values():
            self.comment_menu.addAction(action)
        self.comment_menu.addAction(self.comment_selection_action)
        self.comment_menu.addSeparator()
        self.comment_menu.addAction(self.lock_tool_action)
        self.comment_menu.addAction(self.show_panel_action)
        from ui.exchange_actions import ExchangeActions

        self.exchange = ExchangeActions(self, main_window)
        self.exchange.install(menu_bar, self.comment_menu)
        self.message.connect(self._show_status)
        bar = self._status_bar()
        if bar is not None:
            bar.messageChanged.connect(self._hint_again)

    @staticmethod
    def _find_menu(menu_bar: Any, titles: tuple[str, ...]) -> QMenu | None:
        for action in menu_bar.actions():
            menu = action.menu()
            if menu is not None and any(action.text().replace("&", "").startswith(t) for t in titles):
                return menu  # type: ignore[no-any-return]
        return None

    def _show_status(self, text: str) -> None:
        bar = self._status_bar()
        if bar is not None:
            bar.showMessage(text, 6000)

    def _show_dock(self) -> None:
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
            self.panel.tree.setFocus()

    # -------------------------------------------------------------------------------- state in
    # What the controller shows is the session's: these read it (one owner of the open packet's state).
    @property
    def store(self) -> Any:
        return self.session.store

    @property
    def sha256(self) -> str:
        return self.session.sha256

    @property
    def path(self) -> Path | None:
        return self.session.path

    @property
    def password(self) -> str | None:
        return self.session.password

    @property
    def file_name(self) -> str:
        return self.session.file_name

    @property
    def page_labels(self) -> list[str]:
        return self.session.page_labels

    @property
    def outline(self) -> Outline | None:
        outline: Outline | None = self.session.outline
        return outline

    @property
    def annotations(self) -> list[Annotation]:
        return self.session.annotations

    @property
    def marks(self) -> dict[str, Any]:
        return self.session.marks

    def set_store(self, store: Any) -> None:
        """Use ``store`` (a ``reviewer.store.Store``) for comments and marks (through the session)."""
        self.session.set_store(store)

    def set_document(self, path: str | Path | None, sha256: str, page_labels: list[str] | None = None,
                     *, name: str | None = None, password: str | None = None) -> None:
        """Show the comments of a packet whose identity is known (scripts and tests without a window)."""
        self.session.adopt(Path(path) if path is not None else None, sha256, list(page_labels or []), password)

    def set_outline(self, outline: Outline | None) -> None:
        """The detected structure (scripts and tests without a window)."""
        self.session.adopt_outline(outline)

    def _on_session_changed(self, change: SessionChange) -> None:
        if STORE in change:
            self.undo.set_store(self.session.store)
            self._apply_categories()
        if PACKET in change or CLOSED in change:
            self.undo.stack.clear()
            if self.active_editor is not None:
                self.active_editor.reject()
            self.panel.set_outline(None)
        if SETTINGS in change:
            self._apply_categories()
        if OUTLINE in change:
            self.panel.set_outline(self.outline)
            self._update_current_node()
        if change.what & {PACKET, CLOSED, OUTLINE, STORE, ANNOTATIONS, MARKS, CORRECTIONS}:
            self._show_state()

    def _apply_categories(self) -> None:
        categories = self.stored_setting(SETTING_CATEGORIES, None)
        if isinstance(categories, list) and categories:
            self.panel.set_categories(str(c) for c in categories)

    def close_document(self) -> None:
        self.session.close()

    def save_pending_edits(self) -> None:
        """Save what the member typed in the comment detail pane and has not saved yet (window closing)."""
        commit = getattr(self.panel, "commit_pending_edit", None)
        if callable(commit):
            commit()

    # -------------------------------------------------------------------------------- settings
    def store_setting(self, key: str, value: Any) -> None:
        """Keep ``value`` as the profile's setting ``key`` (in the store). A remembered choice is a convenience: a
        store that cannot take it is logged, never raised."""
        if self.store is None:
            return
        try:
            self.store.set_setting(key, value)
        except Exception:
            log.warning("cannot store setting %s", key)

    def stored_setting(self, key: str, default: Any) -> Any:
        """The profile's setting ``key`` (in the store), or ``default`` when unset or unreadable."""
        if self.store is None:
            return default
        try:
            value = self.store.get_setting(key)
        except Exception:
            log.warning("cannot read setting %s", key)
            return default
        return default if value is None else value

    def author(self) -> str:
        """The member's name: the store's setting ``member_name``, else the main window's settings."""
        name = self.stored_setting("member_name", "")
        if not name:
            settings = getattr(self.main_window, "settings", None)
            name = getattr(settings, "member_name", "") or ""
        return str(name).strip()

    def categories(self) -> list[str]:
        stored = self.stored_setting(SETTING_CATEGORIES, None)
        if isinstance(stored, list) and stored:
            return [str(c) for c in stored]
        return list(DEFAULT_CATEGORIES)

    def _remember_category(self, category: str) -> None:
        categories = self.categories()
        if category and category not in categories and self.store is not None:
            categories.append(category)
            self.store_setting(SETTING_CATEGORIES, categories)
            self.panel.set_categories(categories)

    def _stored_replies(self, annotation_id: str) -> list[dict[str, str]]:
        """Replies kept in the store's own table (besides those carried in ``extra["replies"]``)."""
        if self.store is None or not hasattr(self.store, "replies"):
            return []
        try:
            return [{"author": r.author, "text": r.text} for r in self.store.replies(annotation_id)]
        except Exception:
            log.warning("cannot read replies")
            return []

    # -------------------------------------------------------------------------------- refresh
    def refresh(self) -> None:
        """Reload comments and marks of the current packet from the store (the session announces it)."""
        self.session.refresh_from_store()

    def _show_state(self) -> None:
        if self.page_view is not None:
            self.page_view.set_annotations(self.annotations)
        self.panel.set_annotations(self.annotations)
        self._update_progress()
        self._refresh_header()
        self.annotations_changed.emit()

    def _update_progress(self) -> None:
        if self.outline is None:
            self.progress = {}
            self.panel.set_progress_text("")
        else:
            self.progress = review.progress_tuples(self.outline, self.marks, self.annotations)
            self._update_progress_text()
        if self.outline_panel is not None and hasattr(self.outline_panel, "set_progress"):
            self.outline_panel.set_progress(self.progress)
        self.progress_changed.emit(self.progress)

    def _update_progress_text(self) -> None:
        """「この評価書 5/59 確認済み（全体 5/101）」 for the report being read, or the packet's total."""
        (reviewed, total), here = review.totals(self.progress, self._header[0] if self._header else None)
        text = self.tr("全体 {reviewed}/{total} 確認済み").format(reviewed=reviewed, total=total) if total else ""
        if here is not None and here[1] and here[1] != total:
            text = self.tr("この評価書 {reviewed}/{total} 確認済み（全体 {all_reviewed}/{all_total}）").format(
                reviewed=here[0], total=here[1], all_reviewed=reviewed, all_total=total)
        self.panel.set_progress_text(text)

    def _update_current_node(self, *_args: object) -> None:
        if self.page_view is None or self.outline is None:
            self._header = None
            self.panel.set_current_node(None)
            return
        page, y = self.page_view.reading_focus()
        self.show_node_at(int(page), float(y))

    def show_node_at(self, page: int, y: float) -> None:
        """Put the risk or Ⅲ/Ⅳ section at (page, y) into the panel header with its mark."""
        self._header = review.review_node(self.outline, page, y)
        self._refresh_header()

    def _refresh_header(self) -> None:
        self._update_progress_text()
        if self._header is None or self.outline is None:
            self.panel.set_current_node(None)
            return
        key, label = self._header
        mark = self.marks.get(key)
        self.panel.set_current_node(CurrentNode(key, label, bool(getattr(mark, "reviewed", False)),
                                                getattr(mark, "view", None), self._other_views(key)))

    def _other_views(self, key: str) -> str:
        """「山田 疑問あり、佐藤 確認済み」: the other members' marks on node ``key`` (from their packages)."""
        words = {"同意": self.tr("同意"), "疑問あり": self.tr("疑問あり")}  # as the view box says them
        parts: list[str] = []
        me = self.author()
        for view in self.session.member_views.get(key, []):
            if view.author == me:  # (this member's own package imported back: their marks are the ones above)
                continue
            said = [words.get(view.view, view.view)] if view.view else []
            if view.reviewed:
                said.append(self.tr("確認済み"))
            if said:
                parts.append(f"{view.author} {'・'.join(said)}")
        return self.tr("、").join(parts)

    # -------------------------------------------------------------------------------- tools
    def set_tool(self, mode: str) -> None:
        if mode not in TOOLS:
            raise ValueError(mode)
        view = self.page_view
        if mode == "highlight" and view is not None and view.tool() == "select" and view.selected_quote():
            # Text already selected: ハイライト highlights it at once (no second drag).
            self.comment_on_selection()
            return
        self.tool_actions[mode].setChecked(True)
        if view is not None:
            if mode == "select" and view.tool() == "select" and hasattr(view, "clear_selection"):
                view.clear_selection()  # Esc in the select tool still clears the selection
            view.set_tool(mode)
        bar = self._status_bar()
        if bar is not None:
            # What to do next with the tool just chosen (from a menu nothing else says it), shown while the tool is
            # armed: a message that went after a few seconds left the member guessing.
            hints = self._tool_hints()
            if mode in hints:
                bar.showMessage(hints[mode])
            elif bar.currentMessage() in hints.values():
                bar.clearMessage()

    def _tool_hints(self) -> dict[str, str]:
        return {
            "highlight": self.tr("ページの文字をなぞると、ハイライトしてコメントを書けます（Esc でやめます）。"),
            "area": self.tr("ページの上をドラッグして範囲を囲むと、コメントを書けます（Esc でやめます）。"),
            "note": self.tr("付箋を貼る位置をページの上でクリックしてください（Esc でやめます）。"),
        }

    def _status_bar(self) -> Any:
        window = self.main_window
        return window.statusBar() if window is not None and hasattr(window, "statusBar") else None

    def _hint_again(self, message: str) -> None:
        """A toolbar button's tip (shown while hovered) cleared the armed tool's instruction: show it again."""
        hint = self._tool_hints().get(self.tool()) if not message else None
        bar = self._status_bar()
        if hint and bar is not None:
            bar.showMessage(hint)

    def _after_gesture(self) -> None:
        """A tool is used once, then the view returns to selecting text (unless the member locked the tool)."""
        if not self.lock_tool_action.isChecked() and self.tool() != "select":
            self.set_tool("select")

    def tool(self) -> str:
        action = self.tool_group.checkedAction()
        return str(action.data()) if action is not None else "select"

    def comment_on_selection(self) -> None:
        """Highlight the text selected with the select tool and ask for a comment."""
        if self.page_view is None:
            return
        selected = self.page_view.selected_quote()
        if not selected:
            self.message.emit(self.tr("テキストが選択されていません。"))
            return
        page, rects, quote, prefix, suffix = selected
        self._on_highlight_requested(page, rects, quote, prefix, suffix)

    def _on_highlight_requested(self, page: int, rects: list[Rect], quote: str, prefix: str,
                                suffix: str) -> None:
        clean = [tuple(float(v) for v in r) for r in rects]
        self._ask(_Pending(page, "highlight", clean, quote, prefix, suffix))  # type: ignore[arg-type]

    def _with_page_text(self, page: int, then: Callable[[], object]) -> None:
        """Run ``then`` once the page's text layer is known (at once when it is; the page under a gesture is
        on screen, so it arrives within moments; after a second the gesture goes on without a quote)."""
        view = self.page_view
        if view is None or view.page_text(page) is not None or not hasattr(view, "text_ready"):
            then()
            return
        done = [False]

        def finish(*_args: object) -> None:
            if done[0]:
                return
            if _args and _args[0] != page:
                return
            done[0] = True
            view.text_ready.disconnect(finish)
            then()

        view.text_ready.connect(finish)
        view.request_text(page)
        QTimer.singleShot(1000, self, finish)

    def _on_area_requested(self, page: int, rect: Rect) -> None:
        x0, y0, x1, y1 = (float(v) for v in rect)
        area: Rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

        def ask() -> None:
            quote = self._texts.text_in(page, area)
            prefix, suffix = context_around(self._texts.page_text(page), quote) if quote else ("", "")
            self._ask(_Pending(page, "area", [area], quote, prefix, suffix))

        self._with_page_text(page, ask)

    def _on_note_requested(self, page: int, x: float, y: float) -> None:
        rect: Rect = (x - NOTE_HALF, y - NOTE_HALF, x + NOTE_HALF, y + NOTE_HALF)

        def ask() -> None:
            quote = self._texts.line_near(page, x, y)
            prefix, suffix = context_around(self._texts.page_text(page), quote) if quote else ("", "")
            self._ask(_Pending(page, "note", [rect], quote, prefix, suffix))

        self._with_page_text(page, ask)

    def _location_text(self, page: int, y: float) -> str:
        label = self.session.page_label(page)
        where = self.tr("資料{label}頁").format(label=label)
        if self.outline is not None:
            location = self.outline.locate(page, y)
            parts = [p for p in (location.document_title, location.item_label(with_file=True)) if p]
            if parts:
                return f"{' '.join(parts)}（{where}）"
        return where

    def _ask(self, pending: _Pending) -> None:
        if not self.sha256:
            self.message.emit(self.tr("PDFが開かれていません。"))
            return
        if self.active_editor is not None:
            self.active_editor.reject()
        self._pending = pending
        parent = self.main_window if isinstance(self.main_window, QWidget) else (
            self.page_view if isinstance(self.page_view, QWidget) else None)
        titles = {"highlight": self.tr("ハイライトにコメント"), "area": self.tr("範囲にコメント"),
                  "note": self.tr("付箋コメント")}
        top = min(r[1] for r in pending.rects)
        last = self.stored_setting("last_category", DEFAULT_CATEGORIES[0])
        editor = CommentEditor(
            parent, categories=self.categories(), category=str(last), quote=pending.quote,
            location=self._location_text(pending.page, top), title=titles[pending.kind],
        )
        editor.finished.connect(lambda result, e=editor: self._on_editor_finished(e, result))
        self.active_editor = editor
        editor.open()

    def _on_editor_finished(self, editor: CommentEditor, result: int) -> None:
        if self.active_editor is editor:
            self.active_editor = None
        pending, self._pending = self._pending, None
        editor.deleteLater()
        self._after_gesture()
        if result != QDialog.DialogCode.Accepted or pending is None:
            return
        category = editor.category()
        self._remember_category(category)
        self.store_setting("last_category", category)
        self.add_annotation(self.make_annotation(pending.page, pending.kind, pending.rects, category,
                                                 editor.text(), pending.quote, pending.prefix, pending.suffix))

    def make_annotation(self, page: int, kind: str, rects: list[Rect], category: str, text: str,
                        quote: str = "", prefix: str = "", suffix: str = "") -> Annotation:
        """A new comment of this member on the current packet, placed on the structure."""
        top = min((r[1] for r in rects), default=0.0)
        location = self.outline.locate(page, top) if self.outline is not None else Location()
        return Annotation(
            file_sha256=self.sha256, file_name=self.file_name, page=page, page_label=self.session.page_label(page),
            kind=kind, rects=[tuple(round(float(v), 3) for v in r) for r in rects],  # type: ignore[misc]
            category=category, text=text, author=self.author(), quote=quote, prefix=prefix, suffix=suffix,
            document_title=location.document_title, item_label=location.item_label(),
            node_key=location.node_key(),
        )

    # -------------------------------------------------------------------------------- changes (undoable)
    def add_annotation(self, annotation: Annotation) -> bool:
        from reviewer.commands import AddAnnotation

        ok = self.undo.push(AddAnnotation(annotation))
        if ok:
            self._after_change(select=annotation.id)
        return ok

    def edit_annotation(self, old: Annotation, new: Annotation) -> bool:
        from reviewer.commands import EditAnnotation

        ok = self.undo.push(EditAnnotation(old, new))
        if ok:
            self._after_change(select=new.id)
        return ok

    def delete_annotation(self, annotation_id: str) -> bool:
        from reviewer.commands import DeleteAnnotation

        annotation = self.session.annotation(annotation_id)
        if annotation is None:
            return False
        ok = self.undo.push(DeleteAnnotation(annotation.id))
        if ok:
            self._after_change(select=None)
            self.message.emit(self.tr("コメントを削除しました（Ctrl+Z で元に戻せます）"))
        return ok

    def set_review_mark(self, node_key: str, reviewed: bool, view: str | None = None) -> bool:
        """Set the 確認済み mark and the member's view of a node (undoable)."""
        from reviewer.commands import SetReviewMark

        if not self.sha256 or not node_key:
            return False
        mark = self.marks.get(node_key)
        was_reviewed = bool(getattr(mark, "reviewed", False))
        if reviewed != was_reviewed:
            title = "確認済みにする" if reviewed else "確認済みを取り消す"
        elif view is not None:
            title = f"判断を「{view}」にする"
        else:
            title = "判断への見解を取り消す"
        ok = self.undo.push(SetReviewMark(self.sha256, node_key, reviewed, view, title=title))
        if ok:
            self._after_change(select=self.panel.selected_id())
        return ok

    def _after_change(self, select: str | None) -> None:
        # The store announces its changes; refresh now too so the views are right even without a subscription.
        self.refresh()
        self.panel.select_annotation(select)
        if self.page_view is not None:
            self.page_view.set_selected_annotation(select)

    # -------------------------------------------------------------------------------- navigation
    def show_comment(self, annotation_id: str) -> None:
        """Show the comment's passage and select it in the comments panel too (a comment found by search)."""
        self._on_annotation_clicked(annotation_id)
        self.jump_to(annotation_id)

    def jump_to(self, annotation_id: str) -> None:
        """Show the comment's passage (from a panel click) and select its overlay."""
        annotation = self.session.annotation(annotation_id)
        if annotation is None or self.page_view is None:
            return
        self.page_view.go_to(annotation.page, annotation.top)
        self.page_view.set_selected_annotation(annotation_id)

    def _on_annotation_clicked(self, annotation_id: str) -> None:
        if self.dock is not None and not self.dock.isVisible():
            self.dock.show()
        self.panel.select_annotation(annotation_id)
        if self.page_view is not None:
            self.page_view.set_selected_annotation(annotation_id)

    # -------------------------------------------------------------------------------- outline tree marks
    def _hook_outline_tree(self) -> None:
        """The tree's one context menu (the panel's) also offers 確認済み and the member's view."""
        if hasattr(self.outline_panel, "menu_extender"):
            self.outline_panel.menu_extender = self.add_review_entries

    def add_review_entries(self, node_key: str, menu: QMenu) -> bool:
        """Add 確認済み and the member's view of a node to ``menu``; False (nothing added) if not reviewable."""
        info = next((i for i in review.walk(self.outline) if i.key == node_key), None) if self.outline else None
        if info is None or not info.reviewable or not self.sha256:
            return False
        mark = self.marks.get(node_key)
        reviewed = bool(getattr(mark, "reviewed", False))
        view = getattr(mark, "view", None)
        done = menu.addAction(self.tr("確認済み"))
        done.setCheckable(True)
        done.setChecked(reviewed)
        done.triggered.connect(lambda checked: self.set_review_mark(node_key, bool(checked), view))
        menu.addSeparator()
        for value, text in ((None, self.tr("見解: 未記入")), ("同意", self.tr("見解: 同意")),
                            ("疑問あり", self.tr("見解: 疑問あり"))):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(view == value)
            action.triggered.connect(lambda _c=False, v=value: self.set_review_mark(node_key, reviewed, v))
        return True

    def outline_menu_for(self, node_key: str) -> QMenu | None:
        """A menu with only the review entries of a node (None if it has none)."""
        menu = QMenu()
        return menu if self.add_review_entries(node_key, menu) else None

    # -------------------------------------------------------------------------------- errors
    def _show_error(self, text: str) -> None:
        from ui import notify

        parent = self.main_window if isinstance(self.main_window, QWidget) else None
        notify.error(parent, self.tr("コメント"), text)
