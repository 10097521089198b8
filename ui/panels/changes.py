"""変更点: the changes of a revised packet, grouped report → section → risk, undeclared (未申告) first.

Self-contained widgets fed with the core's :class:`reviewer.compare.service.Comparison`; the window wires them to its
page view and store:

* :class:`ChangesPanel` — the tree with counts, 「未申告」 marked, a 確認済み check box per change (the callback
  records it in the core), the department's answer beside the change it concerns, 「次の変更」「前の変更」
  (N / Shift+N, F8 / Shift+F8). ``change_activated(object)`` carries the :class:`RowChange` to show.
* :class:`ChangeView` — one change shown in its new page: the added text highlighted, the removed text struck through
  in a side strip.
* :class:`CarriedCommentCard` — a comment carried from the earlier version: its status, old quote and new text with the
  difference, and 対応確認済み / 再指摘.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pymupdf
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.annotations import Annotation
from reviewer.compare.diff import RowChange, cleaned_opcodes
from reviewer.compare.review import Mark, change_key, change_marks
from reviewer.compare.service import Comparison
from ui.display_words import category_label

ROLE_CHANGE = Qt.ItemDataRole.UserRole + 11
COL_WHAT, COL_DECLARED, COL_PAGE, COL_ANSWER = 0, 1, 2, 3
UNDECLARED = "未申告"
UNDECLARED_COLORS = ("#8b0000", "#ffd6d6")
ADDED_COLOR = QColor(80, 200, 120, 110)
REMOVED_COLOR = QColor(230, 80, 80, 70)
REMOVED_HTML = "color:#a40000;text-decoration:line-through"
ADDED_HTML = "background:#c9f2d0"
# Translated where shown (_tr); marked here for lupdate.
STATUS_TEXT: dict[str, str] = {
    "unchanged": str(QT_TRANSLATE_NOOP("changes", "記載変更なし")),
    "changed": str(QT_TRANSLATE_NOOP("changes", "記載が変更された")),
    "removed": str(QT_TRANSLATE_NOOP("changes", "削除された")),
}
KIND_TEXT: dict[str, str] = {
    "text": str(QT_TRANSLATE_NOOP("changes", "記載の変更")),
    "added": str(QT_TRANSLATE_NOOP("changes", "行の追加")),
    "removed": str(QT_TRANSLATE_NOOP("changes", "行の削除")),
    "judgement": str(QT_TRANSLATE_NOOP("changes", "判断の変更")),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("changes", text)


def diff_html(old: str, new: str) -> str:
    """``old`` → ``new`` as HTML: removed characters struck through in red, added ones on green."""
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in cleaned_opcodes(old, new):
        if tag == "equal":
            parts.append(html.escape(old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(f'<span style="{REMOVED_HTML}">{html.escape(old[i1:i2])}</span>')
        if j2 > j1:
            parts.append(f'<span style="{ADDED_HTML}">{html.escape(new[j1:j2])}</span>')
    return "".join(parts).replace("\n", "<br>")


def change_summary(change: RowChange) -> str:
    """One line for the tree: the row and what happened to it."""
    item = change.item or change.path.item_label() or _tr("（行）")
    if change.kind == "judgement":
        return f"{item}：{change.old_judgement} → {change.new_judgement}"
    if change.kind == "text":
        added, removed = change.added_text, change.removed_text
        detail = f"＋{added[:24]}" if added else ""
        detail += f" −{removed[:24]}" if removed else ""
        return f"{item}：{detail.strip()}"
    return f"{item}：{_tr(KIND_TEXT.get(change.kind, change.kind))}"


class ChangesPanel(QWidget):
    """The 変更点 tree. ``on_reviewed(change, reviewed)`` is called when a change's 確認済み box is toggled."""

    change_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None,
                 on_reviewed: Callable[[RowChange, bool], None] | None = None) -> None:
        super().__init__(parent)
        self._on_reviewed = on_reviewed
        self._items: list[QTreeWidgetItem] = []  # change items in display order
        self._new_labels: list[str] = []
        self._old_labels: list[str] = []
        self._filling = False
        self._totals = (0, 0)  # changes, undeclared ones
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([_tr("変更（☑ 確認済み）"), _tr("申告"), _tr("頁"), _tr("所管課の回答")])
        header_item = self.tree.headerItem()
        header_item.setToolTip(COL_WHAT, _tr("変更を確かめたら、その行のチェックを付けます（確認済み）。"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
        for column in (COL_DECLARED, COL_PAGE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ANSWER, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.itemChanged.connect(self._changed)
        self.previous_button = QPushButton(_tr("前の変更"), self)
        self.next_button = QPushButton(_tr("次の変更"), self)
        self.previous_button.clicked.connect(self.previous_change)
        self.next_button.clicked.connect(self.next_change)
        # F8 / Shift+F8 anywhere in the panel. N / Shift+N only in the list of changes (see eventFilter): N is also
        # the window's 付箋 tool, and two shortcuts on one key fire neither.
        self.next_action = QAction(_tr("次の変更"), self)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_F8))
        self.previous_action = QAction(_tr("前の変更"), self)
        self.previous_action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F8))
        for action, slot in ((self.next_action, self.next_change), (self.previous_action, self.previous_change)):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self.next_button.setToolTip(_tr("次の変更（N または F8）"))
        self.previous_button.setToolTip(_tr("前の変更（Shift+N または Shift+F8）"))
        # An item view takes plain letters for its keyboard search, and the window's shortcuts see N first: in the
        # tree, N and F8 are claimed (ShortcutOverride) and handled here.
        self.tree.installEventFilter(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.tree and kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) \
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_N, Qt.Key.Key_F8):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            step = {Qt.KeyboardModifier.NoModifier: self.next_change,
                    Qt.KeyboardModifier.ShiftModifier: self.previous_change}.get(modifiers)
            if step is not None:
                if kind == QEvent.Type.ShortcutOverride:
                    event.accept()  # the key press comes to the tree, not to a shortcut
                else:
                    step()
                return True
        return super().eventFilter(watched, event)

    # --- content ------------------------------------------------------------------------------------------
    def set_comparison(self, comparison: Comparison, reviewed: set[str] | None = None,
                       answers: dict[int, list[Annotation]] | None = None) -> None:
        """Show ``comparison``; ``reviewed`` holds :func:`change_key` of changes already 確認済み; ``answers`` the
        answered comments by ``id(change)`` (:func:`reviewer.compare.review.answers_for_changes`)."""
        reviewed = reviewed or set()
        answers = answers or {}
        self._new_labels = comparison.new.outline.page_labels
        self._old_labels = comparison.old.outline.page_labels
        self._filling = True
        self.tree.clear()
        self._items = []
        total = undeclared = 0
        for document in comparison.documents:
            if not document.changes and not document.declared_not_found:
                continue
            doc_item = QTreeWidgetItem([document.title, "", "", ""])
            font = QFont(doc_item.font(COL_WHAT))
            font.setBold(True)
            doc_item.setFont(COL_WHAT, font)
            self.tree.addTopLevelItem(doc_item)
            groups: dict[tuple[str, ...], list[RowChange]] = {}
            for change in document.changes:
                path = change.path
                groups.setdefault((path.chapter, path.file or "", path.section or ""), []).append(change)
            # Groups holding an undeclared change first, then in the order of the form.
            ordered = sorted(groups.items(), key=lambda kv: (all(c.declared for c in kv[1]),
                                                               min(c.new_page or c.old_page or 0 for c in kv[1])))
            doc_undeclared = 0
            for (chapter, file, section), changes in ordered:
                label = " ".join(p for p in (chapter, f"{section}." if section else "") if p)
                if file:
                    label += f"〔{file}〕"
                section_item = QTreeWidgetItem([label, "", "", ""])
                doc_item.addChild(section_item)
                risks: dict[str, list[RowChange]] = {}
                for change in changes:
                    risk = f"リスク{change.path.leaf}" if change.path.leaf_kind == "risk" else (change.path.leaf or "")
                    risks.setdefault(risk, []).append(change)
                for risk, members in risks.items():
                    parent = section_item
                    if risk:
                        parent = QTreeWidgetItem([risk, "", "", ""])
                        section_item.addChild(parent)
                    for change in sorted(members, key=lambda c: c.declared):
                        parent.addChild(self._change_item(change, change_key(change) in reviewed,
                                                          answers.get(id(change), [])))
                    if risk:
                        self._count(parent, members)
                self._count(section_item, changes)
                doc_undeclared += sum(1 for c in changes if not c.declared)
            for item in document.declared_not_found:
                missing = QTreeWidgetItem([f"{item}：{_tr('別添3に記載があるが変更が見つからない')}", _tr("変更なし"),
                                           "", ""])
                missing.setForeground(COL_DECLARED, QBrush(QColor("#7a4b00")))
                doc_item.addChild(missing)
            self._count(doc_item, document.changes)
            total += len(document.changes)
            undeclared += doc_undeclared
        self.tree.expandAll()
        self._filling = False
        self._items = self._change_items()
        self._totals = (total, undeclared)
        self._update_summary()

    def _update_summary(self) -> None:
        """「変更 6 件（うち未申告 1 件）・確認済み 2 件」: how far the member is through the changes."""
        total, undeclared = self._totals
        reviewed = sum(1 for item in self._items if item.checkState(COL_WHAT) == Qt.CheckState.Checked)
        self.summary.setText(_tr("変更 {total} 件（うち未申告 {undeclared} 件）").format(
            total=total, undeclared=undeclared) + _tr("・確認済み {reviewed} 件").format(reviewed=reviewed))

    def set_reviewed(self, reviewed: set[str]) -> None:
        """Tick exactly the changes whose :func:`change_key` is in ``reviewed`` (after an undo, for instance)."""
        self._filling = True
        try:
            for item in self._items:
                change = item.data(COL_WHAT, ROLE_CHANGE)
                state = Qt.CheckState.Checked if change_key(change) in reviewed else Qt.CheckState.Unchecked
                if item.checkState(COL_WHAT) != state:
                    item.setCheckState(COL_WHAT, state)
        finally:
            self._filling = False
        self._update_summary()

    def _count(self, item: QTreeWidgetItem, changes: list[RowChange]) -> None:
        undeclared = sum(1 for c in changes if not c.declared)
        count = (_tr("（{count}件、未申告 {undeclared}件）") if undeclared else _tr("（{count}件）")).format(
            count=len(changes), undeclared=undeclared)
        item.setText(COL_WHAT, item.text(COL_WHAT) + count)
        if undeclared:
            item.setForeground(COL_WHAT, QBrush(QColor(UNDECLARED_COLORS[0])))

    def _change_item(self, change: RowChange, reviewed: bool, answers: list[Annotation]) -> QTreeWidgetItem:
        on_new = change.new_page is not None
        page = change.new_page if on_new else change.old_page
        labels = self._new_labels if on_new else self._old_labels
        # The packet's printed page number (資料の頁), as members cite it; the PDF page in the tooltip.
        printed = labels[page] if page is not None and page < len(labels) else (str(page + 1) if page is not None
                                                                                 else "")
        answer = "\n".join(a.answer or "" for a in answers)
        item = QTreeWidgetItem([change_summary(change), _tr("申告済") if change.declared else _tr("未申告"),
                                printed, answer.replace("\n", " ")])
        if page is not None:
            item.setToolTip(COL_PAGE, _tr("PDF {page} ページ").format(page=page + 1) + ("" if on_new else _tr("（前の版）")))
        item.setData(COL_WHAT, ROLE_CHANGE, change)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(COL_WHAT, Qt.CheckState.Checked if reviewed else Qt.CheckState.Unchecked)
        tip = [f"{change.path.item_label()} {change.item or ''}".strip()]
        if change.old_text or change.new_text:
            tip.append(diff_html(change.old_text or "", change.new_text or ""))
        if change.declared_by:
            tip.append(_tr("別添3：") + html.escape(change.declared_by))
        for a in answers:
            tip.append(_tr("所管課の回答：") + html.escape(a.answer or "") + f"（{html.escape(a.text[:40])}）")
        item.setToolTip(COL_WHAT, "<br>".join(tip))
        if answer:
            item.setToolTip(COL_ANSWER, html.escape(answer))
        if not change.declared:
            item.setForeground(COL_DECLARED, QBrush(QColor(UNDECLARED_COLORS[0])))
            item.setBackground(COL_DECLARED, QBrush(QColor(UNDECLARED_COLORS[1])))
            font = QFont(item.font(COL_DECLARED))
            font.setBold(True)
            item.setFont(COL_DECLARED, font)
        return item

    def _change_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            if item.data(COL_WHAT, ROLE_CHANGE) is not None:
                out.append(item)
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    walk(child)

        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                walk(top)
        return out

    # --- navigation ---------------------------------------------------------------------------------------
    def changes(self) -> list[RowChange]:
        """The changes in display order."""
        return [item.data(COL_WHAT, ROLE_CHANGE) for item in self._items]

    def current_change(self) -> RowChange | None:
        item = self.tree.currentItem()
        change = item.data(COL_WHAT, ROLE_CHANGE) if item is not None else None
        return change if isinstance(change, RowChange) else None

    def next_change(self) -> None:
        self._step(1)

    def previous_change(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self._items:
            return
        current = self.tree.currentItem()
        index = self._items.index(current) if current in self._items else (-1 if delta > 0 else 0)
        item = self._items[(index + delta) % len(self._items)]
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        self._activated(item)

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        change = item.data(COL_WHAT, ROLE_CHANGE)
        if isinstance(change, RowChange):
            if self.tree.currentItem() is not item:  # a click on the check box does not select the row itself
                self.tree.setCurrentItem(item)
            self.change_activated.emit(change)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != COL_WHAT:
            return
        change = item.data(COL_WHAT, ROLE_CHANGE)
        self._update_summary()
        if isinstance(change, RowChange) and self._on_reviewed is not None:
            self._on_reviewed(change, item.checkState(COL_WHAT) == Qt.CheckState.Checked)


def render_change(pdf: Path, change: RowChange, zoom: float = 1.5, old: bool = False) -> QPixmap:
    """The new page of ``change`` with its added text highlighted (or its row outlined when nothing was added);
    with ``old``, the old page of the same row with the removed text boxed in red."""
    marks = change_marks(change, old=old)
    fallback = change.old_page if old else change.new_page
    page_index = marks[0].page if marks else (fallback if fallback is not None else 0)
    with pymupdf.open(pdf) as doc:
        pix = doc[page_index].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888).copy()
    pixmap = QPixmap.fromImage(image)
    painter = QPainter(pixmap)
    for mark in marks:
        if mark.page != page_index:
            continue
        x0, y0, x1, y1 = (v * zoom for v in mark.rect)
        rect = QRectF(x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2)
        if mark.added and old:
            painter.fillRect(rect, REMOVED_COLOR)
            painter.setPen(QPen(QColor("#c00000"), 1.5))
            middle = rect.center().y()
            painter.drawLine(QPointF(rect.left(), middle), QPointF(rect.right(), middle))
        elif mark.added:
            painter.fillRect(rect, ADDED_COLOR)
        else:
            painter.setPen(QPen(QColor("#d08000"), 2))
            painter.drawRect(rect)
    painter.end()
    return pixmap


class ChangeView(QWidget):
    """A change shown in its page: the new page (added text highlighted) beside a strip with the removed text, and,
    given the old file, the old page of the same form row (found by structure, not by page number) with the
    removed text struck through."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.old_label = QLabel(self)
        self.old_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        old_scroll = QScrollArea(self)
        old_scroll.setWidget(self.old_label)
        old_scroll.setWidgetResizable(True)
        old_scroll.hide()
        self.old_scroll = old_scroll
        self.page_label = QLabel(self)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(self)
        scroll.setWidget(self.page_label)
        scroll.setWidgetResizable(True)
        self.page_scroll = scroll
        self.strip = QLabel(self)
        self.strip.setWordWrap(True)
        self.strip.setTextFormat(Qt.TextFormat.RichText)
        self.strip.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.strip.setMinimumWidth(240)
        self.strip.setText(self.tr("変更を選ぶと、その記載が新しい版（追加は緑）と前の版（削除は取り消し線）で"
                                   "ここに表示されます。"))
        self.page_scroll.hide()  # until a change is chosen: an empty grey box says nothing
        # Each page named above it: which is the earlier version and which the revised one is not obvious.
        self.old_caption = QLabel(self.tr("前の版"), self)
        self.new_caption = QLabel(self.tr("新しい版"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for caption, area in ((self.old_caption, old_scroll), (self.new_caption, scroll)):
            font = QFont(caption.font())
            font.setBold(True)
            caption.setFont(font)
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(caption)
            column.addWidget(area, 1)
            layout.addLayout(column, 3)
        self.old_caption.hide()
        self.new_caption.hide()
        layout.addWidget(self.strip, 2)

    def show_change(self, pdf: Path, change: RowChange, zoom: float = 1.5, old_pdf: Path | None = None) -> None:
        """Show ``change`` in the new file ``pdf`` (and, with ``old_pdf``, its row in the old file beside it)."""
        self.page_label.setPixmap(render_change(pdf, change, zoom))
        self.page_scroll.show()
        self.new_caption.show()
        self._bring_into_view(self.page_scroll, change_marks(change), zoom)
        side_by_side = old_pdf is not None and change.old_row is not None
        self.old_scroll.setVisible(side_by_side)
        self.old_caption.setVisible(side_by_side)
        if side_by_side and old_pdf is not None:
            self.old_label.setPixmap(render_change(old_pdf, change, zoom, old=True))
            self._bring_into_view(self.old_scroll, change_marks(change, old=True), zoom)
        self._describe(change)

    def _bring_into_view(self, scroll: QScrollArea, marks: list[Mark], zoom: float) -> None:
        if marks:
            # The changed text from its left end, not the page's left margin: the label takes the new pixmap's size
            # now (the scroll area would lay it out only later), then again after the next turn of the event loop.
            x, y = int(marks[0].rect[0] * zoom), int(marks[0].rect[1] * zoom)
            label = scroll.widget()
            if label is not None:
                label.resize(label.sizeHint().expandedTo(scroll.viewport().size()))

            def show_mark() -> None:
                # The change's first line a third down the view (in a short dock the change is in sight too), from
                # its left end.
                scroll.verticalScrollBar().setValue(max(0, y - scroll.viewport().height() // 3))
                scroll.horizontalScrollBar().setValue(max(0, x - 40))

            show_mark()
            QTimer.singleShot(0, self, show_mark)

    def _describe(self, change: RowChange) -> None:
        head = f"<b>{html.escape(change.path.item_label(with_file=True))} {html.escape(change.item or '')}</b>"
        state = _tr("申告済") if change.declared else \
            f'<span style="color:{UNDECLARED_COLORS[0]}"><b>{html.escape(_tr("未申告"))}</b></span>'
        if change.kind == "judgement":
            body = (f'<span style="{REMOVED_HTML}">{html.escape(change.old_judgement or "")}</span> → '
                    f'<span style="{ADDED_HTML}">{html.escape(change.new_judgement or "")}</span>')
        else:
            removed = " … ".join(span.old for span in change.spans if span.old)
            body = diff_html(change.old_text or "", change.new_text or "")
            if removed:
                body += (f"<p>{_tr('削除された記載')}：<br>"
                         f'<span style="{REMOVED_HTML}">{html.escape(removed)}</span></p>')
        self.strip.setText(f"{head}<br>{state}<p>{body}</p>")


class CarriedCommentCard(QWidget):
    """A comment carried from the earlier version, with 対応確認済み / 再指摘 (``on_check(new_id, result)``)."""

    def __init__(self, parent: QWidget | None = None,
                 on_check: Callable[[str, str | None], None] | None = None) -> None:
        super().__init__(parent)
        self._on_check = on_check
        self._id = ""
        self.status = QLabel(self)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.confirm_button = QPushButton(_tr("対応確認済み"), self)
        self.again_button = QPushButton(_tr("再指摘"), self)
        for button in (self.confirm_button, self.again_button):
            button.setCheckable(True)
        self.confirm_button.clicked.connect(lambda checked: self._check("対応確認済み" if checked else None))
        self.again_button.clicked.connect(lambda checked: self._check("再指摘" if checked else None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)

    def show_comment(self, comment: Annotation, status: str, old_quote: str, new_text: str,
                     check: str | None = None) -> None:
        self._id = comment.id
        colour = {"unchanged": "#2e7d32", "changed": "#b26a00", "removed": UNDECLARED_COLORS[0]}.get(status, "#000")
        self.status.setText(f'<b style="color:{colour}">{_tr(STATUS_TEXT.get(status, status))}</b>　'
                            f"{html.escape(comment.item_label)}　"
                            + html.escape(_tr("{label}頁").format(label=comment.page_label)))
        parts = [f"<b>{html.escape(category_label(comment.category))}</b>（{html.escape(comment.author)}）："
                 f"{html.escape(comment.text)}"]
        if status == "changed":
            parts.append(f"{_tr('前の記載')}：{html.escape(old_quote)}")
            parts.append(f"{_tr('修正後の記載')}：{html.escape(new_text)}")
            parts.append(f"{_tr('差分')}：{diff_html(old_quote, new_text)}")
        elif status == "removed":
            parts.append(f"{_tr('前の記載（削除された）')}：<span style=\"{REMOVED_HTML}\">{html.escape(old_quote)}</span>")
        else:
            parts.append(f"{_tr('記載')}：{html.escape(old_quote)}")
        if comment.answer:
            parts.append(f"{_tr('所管課の回答')}：{html.escape(comment.answer)}")
        self.body.setText("<p>" + "</p><p>".join(parts) + "</p>")
        self.confirm_button.setChecked(check == "対応確認済み")
        self.again_button.setChecked(check == "再指摘")

    @property
    def comment_id(self) -> str:
        """The id of the carried comment shown ("" before the first)."""
        return self._id

    def set_check(self, result: str | None) -> None:
        """Show ``result`` (対応確認済み, 再指摘 or None) without recording it."""
        self.confirm_button.setChecked(result == "対応確認済み")
        self.again_button.setChecked(result == "再指摘")

    def _check(self, result: str | None) -> None:
        self.set_check(result)
        if self._on_check is not None and self._id:
            self._on_check(self._id, result)
