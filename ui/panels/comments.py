"""The comments panel (right dock): the member's and imported comments, grouped, filtered and edited in place.

The panel is a view: it shows what it is given (:meth:`CommentsPanel.set_annotations`,
:meth:`CommentsPanel.set_current_node`) and asks for changes through signals; the annotation controller turns those
requests into undoable store commands.

Signals:
    annotation_activated(str): a comment was clicked (jump to its passage).
    edit_requested(object, object): (old, new) ``Annotation`` — save an edit made in the edit area or menu.
    delete_requested(str): delete the comment with this id.
    review_mark_requested(str, bool, object): (node_key, reviewed, view or None) for the current section.

Unsaved edits in the edit area are never dropped silently: choosing another comment (in the list or on the page)
saves them first through ``edit_requested``, and the window calls :meth:`CommentsPanel.commit_pending_edit` before
it closes. Statuses and the default categories are shown in the UI language (:mod:`ui.display_words`); the
values stored and requested stay Japanese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QKeyEvent, QKeySequence, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from reviewer.annotations import DEFAULT_CATEGORIES, STATUSES, Annotation
from reviewer.structure.model import Outline
from ui.dialogs.comment_editor import color_icon
from ui.display_words import category_label, status_label
from ui.theme import secondary_text_color, style_secondary_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
SNIPPET_CHARS = 160
VIEWS: tuple[str, ...] = ("同意", "疑問あり")


def fold(text: str) -> str:
    """Normalise for filtering: NFKC (full/half width), case-insensitive, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class _WheelSafeComboBox(QComboBox):
    """A box the mouse wheel does not change unless it was clicked first: turning the wheel to scroll the panel
    changed a comment's 区分 or 状態 under the pointer, and the change was saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone does not give it the focus

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the scroll area behind it


@dataclass(slots=True)
class CurrentNode:
    """The section or risk the reader is in, for the panel header's 確認済み mark."""

    node_key: str
    label: str
    reviewed: bool = False
    view: str | None = None
    others: str = ""  # other members' 確認済み / views, as imported: 「山田 疑問あり、佐藤 同意」


def group_path(annotation: Annotation, outline: Outline | None) -> list[str]:
    """The report → section → risk groups of a comment (the core's grouping, with the UI's words)."""
    from reviewer.review import group_path as core_group_path

    return core_group_path(annotation, outline, QCoreApplication.translate("CommentsPanel", "（評価書の外）"))


LEAST_WIDTH = 200  # px: the panel's least width (the dock beside the page keeps its own, wider one)


class _CommentTextEdit(QPlainTextEdit):
    """The comment's text box: asks for five lines (it grows with the panel), so that the edit area down to
    変更を保存 fits beside a list of comments on a laptop's screen."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        lines = 5 * self.fontMetrics().lineSpacing()
        return QSize(hint.width(), lines + 2 * self.frameWidth() + int(self.document().documentMargin() * 2))


class CommentsPanel(QWidget):
    """Grouped list of comments with filters, a header for the current section and an edit area."""

    annotation_activated = Signal(str)
    edit_requested = Signal(object, object)
    delete_requested = Signal(str)
    review_mark_requested = Signal(str, bool, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self._annotations: list[Annotation] = []
        self._by_id: dict[str, Annotation] = {}
        self._outline: Outline | None = None
        self._current: CurrentNode | None = None
        self._selected_id: str | None = None
        self._updating = False
        self._just_activated = False
        # Optional: more replies of a comment (e.g. the store's reply table), as dicts with author and text.
        self.replies_source: Callable[[str], list[dict[str, str]]] | None = None
        self._categories: list[str] = list(DEFAULT_CATEGORIES)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        # An explicit least width: a selected comment's longer texts and boxes must not widen the panel (it grew
        # by a few pixels, and the page beside it no longer fitted); they are cut or wrapped inside it instead.
        self.setMinimumWidth(LEAST_WIDTH)

        # Header: the current section and its review mark, and the overall progress.
        header = self.header_frame = QFrame()
        header.setObjectName("commentsHeader")
        header.setFrameShape(QFrame.Shape.StyledPanel)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(6, 4, 6, 4)
        self.section_label = QLabel(self.tr("（確認済みを付ける項目の外）"))
        self.section_label.setWordWrap(True)
        bold = self.section_label.font()
        bold.setBold(True)
        self.section_label.setFont(bold)
        header_layout.addWidget(self.section_label)
        # 確認済み above 判断への見解: on one row they made the panel wider than a laptop's screen leaves it at large
        # text, and the view's box was cut.
        self.reviewed_check = QCheckBox(self.tr("確認済み"))
        self.reviewed_check.toggled.connect(self._on_mark_changed)
        header_layout.addWidget(self.reviewed_check)
        marks = QHBoxLayout()
        marks.addWidget(QLabel(self.tr("判断への見解")))
        self.view_combo = _WheelSafeComboBox()
        self.view_combo.addItem(self.tr("未記入"), None)
        self.view_combo.addItem(self.tr("同意"), "同意")
        self.view_combo.addItem(self.tr("疑問あり"), "疑問あり")
        self.view_combo.currentIndexChanged.connect(self._on_mark_changed)
        marks.addWidget(self.view_combo)
        marks.addStretch(1)
        header_layout.addLayout(marks)
        # The chair's copy: what the other members said of this risk (their packages bring it).
        self.others_label = QLabel("")
        self.others_label.setObjectName("commentsOtherViews")
        self.others_label.setWordWrap(True)
        self.others_label.hide()
        header_layout.addWidget(self.others_label)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("commentsProgress")
        header_layout.addWidget(self.progress_label)
        layout.addWidget(header)

        # Grouping and filters, two to a row so that large text never pushes a box out of the dock.
        filters = QGridLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setHorizontalSpacing(4)
        filters.setVerticalSpacing(4)
        self.group_combo = _WheelSafeComboBox()
        self.group_combo.addItem(self.tr("評価書・項目ごと"), "structure")
        self.group_combo.addItem(self.tr("ページ順"), "page")
        self.group_combo.currentIndexChanged.connect(self._rebuild)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("コメントを絞り込み"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._rebuild)
        self.category_filter = _WheelSafeComboBox()
        self.status_filter = _WheelSafeComboBox()
        self.status_filter.addItem(self.tr("すべての状態"), None)
        for status in STATUSES:
            self.status_filter.addItem(status_label(status), status)
        self.author_filter = _WheelSafeComboBox()
        self._fill_filter(self.category_filter, self.tr("すべての区分"), self._categories)
        self._fill_filter(self.author_filter, self.tr("すべての委員"), [])
        for combo in (self.category_filter, self.status_filter, self.author_filter):
            combo.currentIndexChanged.connect(self._rebuild)
        self.search_edit.setMinimumWidth(0)
        for combo in (self.group_combo, self.category_filter, self.status_filter, self.author_filter):
            # Shrink to the dock rather than widen it; the full words stay in the drop-down.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        filters.addWidget(self.search_edit, 0, 0, 1, 2)
        filters.addWidget(self.group_combo, 1, 0)
        filters.addWidget(self.category_filter, 1, 1)
        filters.addWidget(self.status_filter, 2, 0)
        filters.addWidget(self.author_filter, 2, 1)
        filters.setColumnStretch(0, 1)
        filters.setColumnStretch(1, 1)
        layout.addLayout(filters)

        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setObjectName("commentsTree")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(12)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_selected)
        splitter.addWidget(self.tree)
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("commentsSummary")

        # Edit area for the selected comment.
        self.editor = QFrame()
        self.editor.setObjectName("commentEditArea")
        edit_layout = QVBoxLayout(self.editor)
        edit_layout.setContentsMargins(0, 4, 0, 0)
        self.meta_label = QLabel("")
        self.meta_label.setWordWrap(True)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        edit_layout.addWidget(self.meta_label)
        self.quote_label = QLabel("")
        self.quote_label.setWordWrap(True)
        self.quote_label.setObjectName("commentQuote")
        style_secondary_text(self.quote_label)
        edit_layout.addWidget(self.quote_label)
        fields = QHBoxLayout()
        self.category_edit = _WheelSafeComboBox()
        self.category_edit.setObjectName("commentCategoryEdit")
        self.category_edit.setEditable(False)  # a typo must not become a new category
        self.status_edit = _WheelSafeComboBox()
        for status in STATUSES:
            self.status_edit.addItem(status_label(status), status)
        fields.addWidget(self.category_edit, 1)
        fields.addWidget(self.status_edit, 1)
        edit_layout.addLayout(fields)
        self.text_edit = _CommentTextEdit()
        self.text_edit.setPlaceholderText(self.tr("コメント"))
        self.text_edit.setTabChangesFocus(True)
        edit_layout.addWidget(self.text_edit, 1)
        self.answer_label = QLabel("")
        self.answer_label.setWordWrap(True)
        self.answer_label.setObjectName("commentAnswer")
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        edit_layout.addWidget(self.answer_label)
        self.replies_label = QLabel("")
        self.replies_label.setWordWrap(True)
        self.replies_label.setObjectName("commentReplies")
        edit_layout.addWidget(self.replies_label)
        # Chair: the sheet's wording and exclusion, never changing the member's original.
        self.exclude_check = QCheckBox(self.tr("意見一覧から除外"))
        edit_layout.addWidget(self.exclude_check)
        self.sheet_text_edit = QPlainTextEdit()
        self.sheet_text_edit.setPlaceholderText(self.tr("意見一覧に載せる文言（空欄なら原文のまま）"))
        self.sheet_text_edit.setMaximumHeight(70)
        self.sheet_text_edit.setTabChangesFocus(True)
        edit_layout.addWidget(self.sheet_text_edit)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("変更を保存"))
        self.save_button.clicked.connect(self.save_edit)
        self.delete_button = QPushButton(self.tr("削除"))
        self.delete_button.clicked.connect(self._delete_selected)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        # Ctrl+Enter in either text field saves (Enter alone starts a new line).
        self.text_edit.installEventFilter(self)
        self.sheet_text_edit.installEventFilter(self)
        # The edit area scrolls where the panel is short (a laptop's screen at large text) rather than setting the
        # window's least height: the window then still fits the screen, and no line of it is cut.
        editor_scroll = QScrollArea()
        editor_scroll.setObjectName("commentEditScroll")
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setFrameShape(QFrame.Shape.NoFrame)
        editor_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        editor_scroll.setWidget(self.editor)
        # 変更を保存 and 削除 stay in view below the fields, however short the panel and however far they scroll.
        edit_pane = QWidget()
        pane_layout = QVBoxLayout(edit_pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.addWidget(editor_scroll, 1)
        pane_layout.addLayout(buttons)
        self._buttons_row, self._edit_pane_layout = buttons, pane_layout
        splitter.addWidget(edit_pane)
        # The list takes what the edit area (down to 変更を保存) leaves, until the member drags the divider: the area
        # scrolls only where even a short list would not leave it room.
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, False)
        self._divider_moved = False
        splitter.splitterMoved.connect(self._on_divider_moved)
        splitter.installEventFilter(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary_label)
        self._show_editor(None)
        self.set_current_node(None)

    def least_height(self, width: int) -> int:
        """The least height at ``width``: the header's wrapped lines (a long risk name, at large text) all shown, the
        list and the edit area at their least (the edit area scrolls)."""
        header = self.header_frame
        wrapped = header.heightForWidth(width) if header.hasHeightForWidth() and width > 0 else -1
        return self.minimumSizeHint().height() + max(0, wrapped - header.minimumSizeHint().height())

    def edit_area_height(self) -> int:
        """The height the edit area needs at the panel's width (its wrapped labels: the meta line, the quote, the
        answer take more lines in a narrow panel than its size hint assumes)."""
        width = self.splitter.width()
        if self.editor.hasHeightForWidth() and width > 0:
            fields = max(self.editor.heightForWidth(width), self.editor.minimumSizeHint().height())
        else:
            fields = self.editor.sizeHint().height()
        return fields + max(0, self._edit_pane_layout.spacing()) + self._buttons_row.sizeHint().height()

    def _on_divider_moved(self, _pos: int, _index: int) -> None:
        self._divider_moved = True

    def _share_height(self) -> None:
        """The edit area as tall as it needs, the list at least six lines of text, until the divider is dragged."""
        if self._divider_moved:
            return
        total = self.splitter.height() - self.splitter.handleWidth()  # (its sizes are not laid out yet)
        if total <= 0:
            return
        wanted = self.edit_area_height()
        editor = max(0, min(wanted, total - 6 * self.fontMetrics().height()))
        self.splitter.setSizes([total - editor, editor])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            self._share_height()
        elif watched in (self.text_edit, self.sheet_text_edit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save_edit()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # The secondary colour is computed from the palette: follow a switch to or from high contrast (a child
        # widget is told by PaletteChange; the application's own event reaches only windows).
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            style_secondary_text(self.quote_label)
            self._rebuild()
        super().changeEvent(event)

    # ---------------------------------------------------------------- data in
    def set_outline(self, outline: Outline | None) -> None:
        self._outline = outline
        self._rebuild()

    def set_categories(self, categories: Iterable[str]) -> None:
        self._categories = list(dict.fromkeys(categories))
        self._refresh_filter_choices()

    def set_annotations(self, annotations: list[Annotation]) -> None:
        shown_before = self._by_id.get(self._selected_id or "")
        typing = shown_before is not None and self.edited_annotation() is not None
        self._annotations = sorted(annotations, key=lambda a: (a.page, a.top, a.created))
        self._by_id = {a.id: a for a in self._annotations}
        self._refresh_filter_choices()
        self._rebuild()
        if self._selected_id in self._by_id:
            stored = self._by_id[self._selected_id]
            # An unrelated change (another comment, a review mark) must not wipe what the member is typing.
            if not (typing and stored == shown_before):
                self._show_editor(stored)
        else:
            self._selected_id = None
            self._show_editor(None)

    def set_current_node(self, node: CurrentNode | None) -> None:
        """The section/risk the reader is in; its 確認済み mark and view show in the header."""
        self._current = node
        self._updating = True
        try:
            enabled = node is not None and bool(node.node_key)
            self.section_label.setText(node.label if node is not None else self.tr("（確認済みを付ける項目の外）"))
            self.reviewed_check.setEnabled(enabled)
            self.view_combo.setEnabled(enabled)
            others = node.others if node is not None else ""
            self.others_label.setText(self.tr("他の委員：{views}").format(views=others) if others else "")
            self.others_label.setVisible(bool(others))
            self.reviewed_check.setChecked(bool(node and node.reviewed))
            index = self.view_combo.findData(node.view if node is not None else None)
            self.view_combo.setCurrentIndex(max(index, 0))
        finally:
            self._updating = False

    def set_progress_text(self, text: str) -> None:
        self.progress_label.setText(text)

    # ---------------------------------------------------------------- queries (also used by tests)
    def group_mode(self) -> str:
        return str(self.group_combo.currentData())

    def set_group_mode(self, mode: str) -> None:
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(mode), 0))

    def set_filters(self, *, category: str | None = None, status: str | None = None,
                    author: str | None = None, text: str = "") -> None:
        for combo, value in ((self.category_filter, category), (self.status_filter, status),
                             (self.author_filter, author)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.search_edit.setText(text)

    def visible_ids(self) -> list[str]:
        """Ids of the comments shown, in display order."""
        ids: list[str] = []
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, KIND_ROLE) == "comment":
                ids.append(str(item.data(0, ID_ROLE)))
            iterator += 1
        return ids

    def group_counts(self) -> dict[str, int]:
        """Each group's label (without its count) → number of comments shown under it."""
        counts: dict[str, int] = {}
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, KIND_ROLE) == "group":
                counts[str(item.data(0, ID_ROLE))] = int(item.data(0, COUNT_ROLE))
            iterator += 1
        return counts

    def item_for(self, annotation_id: str) -> QTreeWidgetItem | None:
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, KIND_ROLE) == "comment" and item.data(0, ID_ROLE) == annotation_id:
                return item
            iterator += 1
        return None

    def selected_id(self) -> str | None:
        return self._selected_id

    def select_annotation(self, annotation_id: str | None) -> None:
        """Select (without emitting ``annotation_activated``) the comment, e.g. after a click on the page.

        Unsaved edits of the comment selected before are saved first.
        """
        if annotation_id != self._selected_id:
            self.commit_pending_edit()
        self._selected_id = annotation_id
        item = self.item_for(annotation_id) if annotation_id else None
        self.tree.blockSignals(True)
        try:
            self.tree.setCurrentItem(item) if item is not None else self.tree.clearSelection()
        finally:
            self.tree.blockSignals(False)
        if item is not None:
            self.tree.scrollToItem(item)
        self._show_editor(self._by_id.get(annotation_id) if annotation_id else None)

    # ---------------------------------------------------------------- building the tree
    def _fill_filter(self, combo: QComboBox, all_label: str, values: list[str],
                     label: Callable[[str], str] = str) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(all_label, None)
            for value in values:
                combo.addItem(label(value), value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        finally:
            combo.blockSignals(False)

    def _refresh_filter_choices(self) -> None:
        categories = list(dict.fromkeys([*self._categories, *(a.category for a in self._annotations)]))
        authors = sorted({a.author for a in self._annotations if a.author})
        self._fill_filter(self.category_filter, self.tr("すべての区分"), categories, category_label)
        self._fill_filter(self.author_filter, self.tr("すべての委員"), authors)
        current = self.category_edit.currentData()
        self.category_edit.blockSignals(True)
        try:
            self.category_edit.clear()
            for name in categories:
                self.category_edit.addItem(color_icon(name), category_label(name), name)
            self.category_edit.setCurrentIndex(max(self.category_edit.findData(current), 0))
        finally:
            self.category_edit.blockSignals(False)

    def _matches(self, annotation: Annotation) -> bool:
        category = self.category_filter.currentData()
        status = self.status_filter.currentData()
        author = self.author_filter.currentData()
        if category is not None and annotation.category != category:
            return False
        if status is not None and annotation.status != status:
            return False
        if author is not None and annotation.author != author:
            return False
        needle = fold(self.search_edit.text())
        if needle:
            haystack = fold(" ".join(
                part or "" for part in (
                    annotation.text, annotation.quote, annotation.sheet_text, annotation.author,
                    annotation.item_label, annotation.document_title, annotation.answer, annotation.category,
                )
            ))
            if needle not in haystack:
                return False
        return True

    def _comment_text(self, annotation: Annotation) -> str:
        # the tool's name as on the toolbar: a sticky note, a region and a highlighted passage told apart at a glance
        kind = {"highlight": self.tr("ハイライト"), "area": self.tr("範囲"), "note": self.tr("付箋")}.get(annotation.kind, "")
        head = ([kind] if kind else []) + [self.tr("資料{label}頁").format(label=annotation.page_label)]
        if annotation.status != STATUSES[0]:
            head.append(status_label(annotation.status))
        if annotation.excluded:
            head.append(self.tr("（意見一覧から除外）"))
        carried = annotation.extra.get("carry_status") if isinstance(annotation.extra, dict) else None
        if carried:  # carried from the earlier version (issue 14): how its quoted text fared
            head.append({"unchanged": self.tr("前の版から（記載変更なし）"),
                         "changed": self.tr("前の版から（記載が変更された）"),
                         "removed": self.tr("前の版から（削除された）")}.get(str(carried), ""))
        body = (annotation.sheet_text or annotation.text).strip() or self.tr("（本文なし）")
        if len(body) > SNIPPET_CHARS:
            body = body[:SNIPPET_CHARS] + "…"
        # The comment itself first, after its category and member (the chair tells the members apart): in a narrow
        # panel the row's first line is what shows.
        first = self.tr("［{category}］{author}：{text}") if annotation.author else self.tr("［{category}］{text}")
        lines = [first.format(category=category_label(annotation.category), author=annotation.author, text=body),
                 "  ".join(head)]
        if annotation.answer:
            answer = annotation.answer.strip()
            lines.append(self.tr("回答: {answer}").format(
                answer=answer if len(answer) <= SNIPPET_CHARS else answer[:SNIPPET_CHARS] + "…"))
        replies = annotation.extra.get("replies") if isinstance(annotation.extra, dict) else None
        if replies:
            lines.append(self.tr("返信 %n 件", "", len(replies)))
        return "\n".join(lines)

    def _rebuild(self) -> None:
        selected = self._selected_id
        self.tree.blockSignals(True)
        self.tree.setUpdatesEnabled(False)
        try:
            expanded_state = self._expanded_groups()
            self.tree.clear()
            shown = [a for a in self._annotations if self._matches(a)]
            by_page = self.group_mode() == "page"
            groups: dict[tuple[str, ...], QTreeWidgetItem] = {}
            for annotation in shown:
                if by_page:
                    path = [self.tr("資料{label}頁（PDF {page}）").format(
                        label=annotation.page_label, page=annotation.page + 1)]
                else:
                    path = group_path(annotation, self._outline)
                parent: QTreeWidgetItem | None = None
                for depth in range(len(path)):
                    key = tuple(path[: depth + 1])
                    group = groups.get(key)
                    if group is None:
                        group = QTreeWidgetItem()
                        group.setData(0, KIND_ROLE, "group")
                        group.setData(0, ID_ROLE, "/".join(key))
                        group.setData(0, COUNT_ROLE, 0)
                        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                        font = group.font(0)
                        font.setBold(depth == 0)
                        group.setFont(0, font)
                        if parent is None:
                            self.tree.addTopLevelItem(group)
                        else:
                            parent.addChild(group)
                        group.setExpanded(expanded_state.get("/".join(key), True))
                        groups[key] = group
                    group.setData(0, COUNT_ROLE, int(group.data(0, COUNT_ROLE)) + 1)
                    parent = group
                item = QTreeWidgetItem()
                item.setData(0, KIND_ROLE, "comment")
                item.setData(0, ID_ROLE, annotation.id)
                item.setText(0, self._comment_text(annotation))
                item.setIcon(0, color_icon(annotation.category))
                item.setToolTip(0, annotation.text)
                if annotation.excluded:
                    font = QFont(item.font(0))
                    font.setItalic(True)
                    item.setFont(0, font)
                    item.setForeground(0, QBrush(secondary_text_color()))
                if parent is None:
                    self.tree.addTopLevelItem(item)
                else:
                    parent.addChild(item)
            for key, group in groups.items():
                group.setText(0, f"{key[-1]}（{group.data(0, COUNT_ROLE)}）")
            total = len(self._annotations)
            if len(shown) == total:
                self.summary_label.setText(self.tr("コメント %n 件", "", total))
            else:
                self.summary_label.setText(
                    self.tr("コメント {shown} 件を表示（全 {total} 件）").format(shown=len(shown), total=total)
                )
        finally:
            self.tree.setUpdatesEnabled(True)
            self.tree.blockSignals(False)
        if selected:
            chosen = self.item_for(selected)
            if chosen is not None:
                self.tree.blockSignals(True)
                self.tree.setCurrentItem(chosen)
                self.tree.blockSignals(False)

    def _expanded_groups(self) -> dict[str, bool]:
        state: dict[str, bool] = {}
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, KIND_ROLE) == "group":
                state[str(item.data(0, ID_ROLE))] = item.isExpanded()
            iterator += 1
        return state

    # ---------------------------------------------------------------- edit area
    def _show_editor(self, annotation: Annotation | None) -> None:
        self._fill_editor(annotation)
        # An answer or replies make the edit area taller: measured once its layout has taken the new texts.
        QTimer.singleShot(0, self, self._share_height)

    def _fill_editor(self, annotation: Annotation | None) -> None:
        self.editor.setEnabled(annotation is not None)
        if annotation is None:
            self.meta_label.setText(self.tr("コメントを選ぶと、ここで編集できます。"))
            self.quote_label.clear()
            self.text_edit.clear()
            self.answer_label.hide()
            self.replies_label.hide()
            self.sheet_text_edit.clear()
            self.exclude_check.setChecked(False)
            return
        where = " ".join(p for p in (annotation.document_title, annotation.item_label) if p)
        meta = self.tr("資料{label}頁").format(label=annotation.page_label)
        if where:
            meta = f"{where}（{meta}）"
        author = annotation.author or self.tr("（氏名なし）")
        origin = self.tr("取り込み") if annotation.origin == "imported" else self.tr("自分")
        self.meta_label.setText(f"{meta}\n{author}・{origin}・{annotation.modified[:16].replace('T', ' ')}")
        self.quote_label.setText(f"「{annotation.quote}」" if annotation.quote else "")
        if self.category_edit.findData(annotation.category) < 0:  # a category no longer configured stays as is
            self.category_edit.addItem(color_icon(annotation.category), category_label(annotation.category),
                                       annotation.category)
        self.category_edit.setCurrentIndex(self.category_edit.findData(annotation.category))
        self.status_edit.setCurrentIndex(max(self.status_edit.findData(annotation.status), 0))
        self.text_edit.setPlainText(annotation.text)
        if annotation.answer:
            self.answer_label.setText(self.tr("所管課の回答: {answer}").format(answer=annotation.answer))
            self.answer_label.show()
        else:
            self.answer_label.hide()
        replies = list(annotation.extra.get("replies") or []) if isinstance(annotation.extra, dict) else []
        if self.replies_source is not None:
            replies.extend(self.replies_source(annotation.id))
        if replies:
            lines = []
            for reply in replies:
                if isinstance(reply, dict):
                    who = str(reply.get("author") or reply.get("name") or "")
                    text = str(reply.get("text") or reply.get("contents") or reply.get("value") or "")
                else:
                    who, text = "", str(reply)
                lines.append(f"↳ {who}: {text}" if who else f"↳ {text}")
            self.replies_label.setText("\n".join(lines))
            self.replies_label.show()
        else:
            self.replies_label.hide()
        self.exclude_check.setChecked(annotation.excluded)
        self.sheet_text_edit.setPlainText(annotation.sheet_text or "")

    def edited_annotation(self) -> Annotation | None:
        """The selected comment with the edit area's values, or None if nothing changed."""
        old = self._by_id.get(self._selected_id or "")
        if old is None:
            return None
        sheet_text = self.sheet_text_edit.toPlainText().strip() or None
        changes = {
            "category": str(self.category_edit.currentData() or old.category),
            "status": str(self.status_edit.currentData()),
            "text": self.text_edit.toPlainText().strip(),
            "excluded": self.exclude_check.isChecked(),
            "sheet_text": sheet_text,
        }
        if all(getattr(old, name) == value for name, value in changes.items()):
            return None
        return old.edited(**changes)

    def save_edit(self) -> bool:
        """Emit ``edit_requested`` for the edit area's changes; False if nothing changed."""
        new = self.edited_annotation()
        if new is None:
            return False
        old = self._by_id[new.id]
        self.edit_requested.emit(old, new)
        return True

    def has_pending_edit(self) -> bool:
        """Whether the edit area holds changes not yet saved."""
        return self.editor.isEnabled() and self.edited_annotation() is not None

    def commit_pending_edit(self) -> bool:
        """Save the edit area's unsaved changes (the window calls this before it closes).

        Returns True when an edit was saved (``edit_requested`` emitted), False when there was nothing to save.
        """
        if not self.has_pending_edit():
            return False
        return self.save_edit()

    def _switch_to(self, ident: str) -> None:
        """Make ``ident`` the selected comment, saving the previous one's unsaved edits first."""
        if ident != self._selected_id and self.commit_pending_edit():
            # Saving may have rebuilt the tree: point its current item at the new choice again.
            chosen = self.item_for(ident)
            if chosen is not None:
                self.tree.blockSignals(True)
                try:
                    self.tree.setCurrentItem(chosen)
                finally:
                    self.tree.blockSignals(False)
        self._selected_id = ident
        self._show_editor(self._by_id.get(ident))

    # ---------------------------------------------------------------- interaction
    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if self._just_activated:  # the press already made it current and jumped
            self._just_activated = False
            return
        if item.data(0, KIND_ROLE) == "comment":
            ident = str(item.data(0, ID_ROLE))
            self._switch_to(ident)
            self.annotation_activated.emit(ident)

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        # Keyboard navigation: show the comment in the edit area and jump to it.
        if current is not None and current.data(0, KIND_ROLE) == "comment":
            ident = str(current.data(0, ID_ROLE))
            if ident != self._selected_id:
                self._switch_to(ident)
                self._just_activated = True
                self.annotation_activated.emit(ident)

    def _on_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, KIND_ROLE) == "comment":
            self.text_edit.setFocus()
            self.text_edit.selectAll()

    def _delete_selected(self) -> None:
        if self._selected_id and self._selected_id in self._by_id:
            self.delete_requested.emit(self._selected_id)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None or item.data(0, KIND_ROLE) != "comment":
            return
        annotation = self._by_id.get(str(item.data(0, ID_ROLE)))
        if annotation is None:
            return
        menu = QMenu(self)
        edit = menu.addAction(self.tr("編集"))
        edit.triggered.connect(lambda: self._on_item_double_clicked(item, 0))
        done = STATUSES[1] if annotation.status == STATUSES[0] else STATUSES[0]
        toggle = menu.addAction(
            self.tr("対応済みにする") if done == STATUSES[1] else self.tr("未処理に戻す"))
        toggle.triggered.connect(lambda: self.edit_requested.emit(annotation, annotation.edited(status=done)))
        exclude = menu.addAction(
            self.tr("意見一覧に含める") if annotation.excluded else self.tr("意見一覧から除外"))
        exclude.triggered.connect(
            lambda: self.edit_requested.emit(annotation, annotation.edited(excluded=not annotation.excluded)))
        menu.addSeparator()
        delete = menu.addAction(self.tr("削除"))
        delete.triggered.connect(lambda: self.delete_requested.emit(annotation.id))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _on_mark_changed(self, *_args: object) -> None:
        if self._updating or self._current is None or not self._current.node_key:
            return
        reviewed = self.reviewed_check.isChecked()
        view = self.view_combo.currentData()
        self._current.reviewed = reviewed
        self._current.view = view
        self.review_mark_requested.emit(self._current.node_key, reviewed, view)
