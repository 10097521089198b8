"""目次: the packet's structure as a tree (documents → chapters → sections → risks).

Falls back to the PDF's bookmarks, then to a flat page list. A click jumps to the heading's exact position; the tree
follows the reading position without stealing focus. Each node has a stable key (``Location.node_key()``), used by
``set_progress`` to show review progress (「23/41」 under 確認).

A large packet has thousands of nodes: ``set_outline_incremental`` fills the tree in slices across event-loop turns
(one report's subtree at a time, built detached and attached in one go), so the GUI thread is never blocked for long;
``set_outline`` fills it at once.

Nothing is presented as read that was not: a risk whose judgement was not read shows 「？」 with a tooltip, a report
whose structure has warnings says so on its row (「判断を読み取れなかったリスク 3 件」), and nodes corrected by hand
(``reviewer.structure.corrections``) are marked 「✎」. Right-click a node to ask for a correction. A plain document
bound in a packet with reports lists the PDF's bookmarks that fall in its pages.

Signals:
    jump_requested(int, float): page and y (PDF points; NaN for the top of the page).
    fill_finished(): an incremental fill is complete (every node has its item).
    correction_requested(object): a :class:`CorrectionRequest` (the node and what to correct) from the context menu;
        ``ui.corrections.run_correction`` handles it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.structure.check import RISK_WITHOUT_JUDGEMENT
from reviewer.structure.corrections import corrected_actions
from reviewer.structure.model import KIND_DEPTH, Document, Location, Node, Outline
from ui.theme import judgement_colors

ROLE_POS = Qt.ItemDataRole.UserRole + 1  # (page, y)
ROLE_KEY = Qt.ItemDataRole.UserRole + 2  # node key
ROLE_JUDGEMENT = Qt.ItemDataRole.UserRole + 3  # the judgement as printed
COL_TITLE, COL_JUDGEMENT, COL_PROGRESS = 0, 1, 2
FILL_BUDGET = 0.008  # seconds of tree building per event-loop turn in set_outline_incremental
FLAT_CHUNK = 150  # bookmarks or pages per unit of work
UNREAD_JUDGEMENT = "？"
CORRECTED_MARK = "✎"
UNREAD_COLORS = ("#7a4b00", "#ffe8b3")  # a 「？」 badge: not read, not "no judgement"


# The form's long chapter titles, as the tree shows them beside a file name.
SHORT_CHAPTER_TITLES: dict[str, str] = {
    "特定個人情報ファイルの概要": "ファイルの概要",
    "特定個人情報ファイルの取扱いプロセスにおけるリスク対策": "リスク対策",
}


@dataclass(frozen=True, slots=True)
class CorrectionRequest:
    """What the context menu asks for: correct ``node``'s judgement or heading, or add a node after it."""

    node: Node
    action: str  # "judgement" | "heading" | "add"


def short_judgement(judgement: str) -> str:
    """The badge text: 「課題あり」 for 課題が残されている, 「特に力」, 「十分」; other wording unchanged."""
    text = judgement.strip()
    if "課題" in text:
        return QCoreApplication.translate("OutlinePanel", "課題あり")
    if "十分に行っていない" in text:
        return QCoreApplication.translate("OutlinePanel", "不十分")
    if text.startswith("特に力"):
        return QCoreApplication.translate("OutlinePanel", "特に力")
    if text in ("十分である", "十分に行っている"):
        return QCoreApplication.translate("OutlinePanel", "十分")
    return text


def node_keys(outline: Outline) -> list[list[str]]:
    """The node key of every node of every document, as ``Location.node_key()`` would give it."""
    keys: list[list[str]] = []
    for doc_index, document in enumerate(outline.documents):
        location = Location(document_index=doc_index, document_title=document.title)
        doc_keys: list[str] = []
        for node in document.nodes:
            location.enter(node)
            doc_keys.append(location.node_key())
        keys.append(doc_keys)
    return keys


class OutlinePanel(QWidget):
    """The structure tree."""

    jump_requested = Signal(int, float)
    fill_finished = Signal()
    correction_requested = Signal(object)  # CorrectionRequest

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel(self.tr("構造を解析中…"))
        self.message.setWordWrap(True)
        self.message.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.message)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("項目"), self.tr("判断"), self.tr("確認")])
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName(self.tr("目次"))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_JUDGEMENT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PROGRESS, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnHidden(COL_PROGRESS, True)
        layout.addWidget(self.tree, 1)
        self.tree.itemClicked.connect(self._on_item_activated)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        # Adds entries (the review marks) to a row's context menu: (node key, menu) -> whether it added any.
        self.menu_extender: Callable[[str, QMenu], bool] | None = None
        self._nodes_by_item: dict[int, Node] = {}
        self.outline: Outline | None = None
        self.mode = "empty"  # "structure" | "bookmarks" | "pages" | "empty"
        self._items_by_key: dict[str, list[QTreeWidgetItem]] = {}
        self._items_by_node: dict[int, QTreeWidgetItem] = {}
        self._positions: list[tuple[int, float, QTreeWidgetItem]] = []  # bookmarks/pages mode
        self._labels: list[str] = []
        self._fill: Generator[None, None, None] | None = None  # the incremental fill in progress
        self._fill_done: Callable[[], object] | None = None
        self._pending_progress: dict[str, tuple[int, int, bool]] | None = None

    @property
    def filling(self) -> bool:
        """True while an incremental fill is in progress."""
        return self._fill is not None

    # -- filling
    def clear(self, message: str | None = None) -> None:
        self._stop_fill()
        self.tree.clear()
        self._items_by_key.clear()
        self._items_by_node.clear()
        self._nodes_by_item.clear()
        self._positions.clear()
        self.outline = None
        self.mode = "empty"
        self.message.setText(message if message is not None else self.tr("構造を解析中…"))
        self.message.setVisible(True)

    def clear_closed(self) -> None:
        """No packet open (it was closed): say where the contents will come from, not that they are coming."""
        self.clear(self.tr("PDFを開くと、ここに目次が表示されます。"))

    def set_outline(self, outline: Outline) -> None:
        """Show ``outline``: its documents if any, else its bookmarks, else a flat page list (all at once)."""
        fill = self._begin(outline)
        self.tree.setUpdatesEnabled(False)
        try:
            for _unit in fill:
                pass
        finally:
            self.tree.setUpdatesEnabled(True)
        self._finish_fill()

    def set_outline_incremental(self, outline: Outline, on_done: Callable[[], object] | None = None,
                                budget: float = FILL_BUDGET) -> None:
        """Like ``set_outline``, but in slices of about ``budget`` seconds, one per event-loop turn; ``on_done`` and
        ``fill_finished`` follow when every item exists. A later ``clear``/``set_outline`` abandons the fill."""
        self._fill = self._begin(outline)
        self._fill_done = on_done
        self._continue_fill(self._fill, budget)

    def _continue_fill(self, fill: Generator[None, None, None], budget: float) -> None:
        if fill is not self._fill:
            return  # abandoned
        started = time.perf_counter()
        for _unit in fill:
            if time.perf_counter() - started >= budget:
                QTimer.singleShot(0, self, lambda: self._continue_fill(fill, budget))
                return
        self._finish_fill()

    def _finish_fill(self) -> None:
        self._fill = None
        done, self._fill_done = self._fill_done, None
        if self._pending_progress is not None:
            progress, self._pending_progress = self._pending_progress, None
            self.set_progress(progress)
        self.fill_finished.emit()
        if done is not None:
            done()

    def _stop_fill(self) -> None:
        if self._fill is not None:
            self._fill.close()
        self._fill = None
        self._fill_done = None
        self._pending_progress = None

    def _begin(self, outline: Outline) -> Generator[None, None, None]:
        """Reset the tree for ``outline``, set the mode and message; return the generator that adds the items."""
        self._stop_fill()
        self.tree.clear()
        self._items_by_key.clear()
        self._items_by_node.clear()
        self._nodes_by_item.clear()
        self._positions.clear()
        self.outline = outline
        self._labels = list(outline.page_labels)
        if outline.documents and (outline.found_report or any(d.nodes for d in outline.documents)):
            self.mode = "structure"
            warnings = [w for d in outline.documents for w in d.warnings]
            if warnings:
                # what was not read is said above the tree, not left to look like "no judgement"
                shown = "\n".join(f"・{w.message_ja}" for w in warnings[:3])
                more = self.tr("\nほか {count} 件").format(count=len(warnings) - 3) if len(warnings) > 3 else ""
                self.message.setText(self.tr("⚠ 読み取れなかった箇所があります（右クリックで修正できます）\n") + shown + more)
                self.message.setVisible(True)
            else:
                self.message.setVisible(False)
            return self._fill_structure(outline)
        if outline.bookmarks:
            self.mode = "bookmarks"
            self.message.setText(outline.message or self.tr("評価書が見つからないため、PDFのしおりを表示しています。"))
            self.message.setVisible(True)
            return self._fill_bookmarks(outline.bookmarks)
        self.mode = "pages"
        self.message.setText(outline.message or self.tr("構造が見つからないため、ページ一覧を表示しています。"))
        self.message.setVisible(True)
        return self._fill_pages(outline.pages)

    def set_page_list(self, labels: list[str]) -> None:
        """A flat page list (used when there is no outline at all)."""
        self._stop_fill()
        self.tree.clear()
        self._items_by_key.clear()
        self._items_by_node.clear()
        self._nodes_by_item.clear()
        self._positions.clear()
        self._labels = list(labels)
        for _unit in self._fill_pages(len(labels)):
            pass
        self.mode = "pages"

    def _label(self, page: int) -> str:
        return self._labels[page] if 0 <= page < len(self._labels) else str(page + 1)

    def _make_item(self, parent: QTreeWidget | QTreeWidgetItem | None, title: str, page: int, y: float | None,
                   key: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem() if parent is None else QTreeWidgetItem(parent)
        item.setText(COL_TITLE, title)
        item.setToolTip(COL_TITLE, self.tr("{title}（資料 {label} ページ）").format(title=title, label=self._label(page)))
        item.setData(COL_TITLE, ROLE_POS, (page, math.nan if y is None else float(y)))
        item.setData(COL_TITLE, ROLE_KEY, key)
        if key:
            self._items_by_key.setdefault(key, []).append(item)
        return item

    def _fill_structure(self, outline: Outline) -> Generator[None, None, None]:
        """One unit per document: its subtree is built detached (no view updates per item), then attached."""
        keys = node_keys(outline)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for doc_index, document in enumerate(outline.documents):
            doc_item = self._make_item(None, document.title or self.tr("（無題の資料）"), document.start_page,
                                       None, f"{doc_index}:")
            if document.form:
                doc_item.setFont(COL_TITLE, bold)
                doc_item.setToolTip(COL_TITLE, f"{document.title} — {document.form}")
                self._show_warnings(doc_item, document)
            parents: dict[int, QTreeWidgetItem] = {}
            chapter_file: dict[int, str | None] = {}
            for node, key in zip(document.nodes, keys[doc_index], strict=True):
                depth = KIND_DEPTH.get(node.kind, 2)
                parent: QTreeWidgetItem = doc_item
                for level in range(depth - 1, -1, -1):
                    if level in parents:
                        parent = parents[level]
                        break
                item = self._make_item(parent, self._node_text(node), node.page, node.y, key)
                if node.file and node.kind in ("chapter", "annex"):  # the shortened title in full
                    full = f"{node.label()}（{node.file}） {node.title}".strip()
                    item.setToolTip(COL_TITLE, self.tr("{title}（資料 {label} ページ）").format(
                        title=full, label=self._label(node.page)))
                self._items_by_node[id(node)] = item
                self._nodes_by_item[id(item)] = node
                self._set_judgement(item, node.judgement, node)
                if node.corrected:
                    self._mark_corrected(item, node)
                if depth == 0:
                    chapter_file[id(item)] = node.file
                elif node.file and 0 in parents and chapter_file.get(id(parents[0])) is None:
                    # Ⅱ/Ⅲ repeat per 特定個人情報ファイル: name the file on the chapter row
                    chapter = parents[0]
                    chapter_file[id(chapter)] = node.file
                    number, _sep, title = chapter.text(COL_TITLE).partition(" ")
                    short = SHORT_CHAPTER_TITLES.get(title, title)
                    chapter.setText(COL_TITLE, f"{number} {short}（{node.file}）")
                    chapter.setToolTip(COL_TITLE, self.tr("{title}（資料 {label} ページ）").format(
                        title=f"{number}（{node.file}） {title}", label=self._label(node.page)))
                parents[depth] = item
                for deeper in [d for d in parents if d > depth]:
                    del parents[deeper]
            if not document.is_report and not document.nodes:
                self._add_document_bookmarks(doc_item, outline, document)
            self.tree.addTopLevelItem(doc_item)
            if document.is_report:
                doc_item.setExpanded(True)
            yield

    def _add_document_bookmarks(self, doc_item: QTreeWidgetItem, outline: Outline, document: Document) -> None:
        """A plain document (not an assessment report) shows the PDF's bookmarks that fall in its pages."""
        stack: list[tuple[int, QTreeWidgetItem]] = []
        for level, title, page in outline.bookmarks:
            if not document.start_page <= page <= document.end_page:
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else doc_item
            stack.append((level, self._make_item(parent, title, page, None)))

    def _node_text(self, node: Node) -> str:
        if node.file and node.kind in ("chapter", "annex"):
            # The file is what tells two Ⅱ/Ⅲ apart: it comes first, the form's long chapter title is shortened
            # (the full title is in the tooltip).
            short = SHORT_CHAPTER_TITLES.get(node.title, node.title)
            return f"{node.label()} {short}（{node.file}）".strip()
        return f"{node.label()} {node.title}".strip()

    def _show_warnings(self, doc_item: QTreeWidgetItem, document: Document) -> None:
        """The report's row says what was not read: 「判断を読み取れなかったリスク 3 件」, other warnings counted."""
        if not document.warnings:
            return
        unread = sum(1 for w in document.warnings if w.kind == RISK_WITHOUT_JUDGEMENT)
        others = len(document.warnings) - unread
        notes: list[str] = []
        if unread:
            notes.append(self.tr("判断を読み取れなかったリスク {count} 件").format(count=unread))
        if others:
            notes.append(self.tr("構造の警告 {count} 件").format(count=others))
        doc_item.setText(COL_TITLE, f"{doc_item.text(COL_TITLE)}　⚠ {'、'.join(notes)}")
        doc_item.setForeground(COL_TITLE, QBrush(QColor(UNREAD_COLORS[0])))
        from ui.i18n import current_language

        english = current_language() == "en"
        details = "\n".join(f"・{w.message_en if english and w.message_en else w.message_ja}"
                            for w in document.warnings)
        doc_item.setToolTip(COL_TITLE, f"{document.title} — {document.form}\n{details}")

    def _mark_corrected(self, item: QTreeWidgetItem, node: Node) -> None:
        item.setText(COL_TITLE, f"{item.text(COL_TITLE)} {CORRECTED_MARK}")
        font = QFont(self.tree.font())
        font.setItalic(True)
        item.setFont(COL_TITLE, font)
        what = {
            "judgement": self.tr("判断を手で修正しました"), "heading": self.tr("見出しを手で修正しました"),
            "added": self.tr("手で追加した項目です"),
        }
        notes = "\n".join(what.get(part, part) for part in corrected_actions(node))
        item.setToolTip(COL_TITLE, f"{item.text(COL_TITLE)}\n{notes}")

    def _set_judgement(self, item: QTreeWidgetItem, judgement: str | None, node: Node | None = None) -> None:
        if not judgement and node is not None and node.kind == "risk":
            item.setText(COL_JUDGEMENT, UNREAD_JUDGEMENT)
            item.setToolTip(COL_JUDGEMENT, self.tr(
                "「リスクへの対策は十分か」の判断を読み取れませんでした（判断がないという意味ではありません）。"
                "右クリックの「判断を修正…」で入力できます。"))
            item.setForeground(COL_JUDGEMENT, QBrush(QColor(UNREAD_COLORS[0])))
            item.setBackground(COL_JUDGEMENT, QBrush(QColor(UNREAD_COLORS[1])))
            return
        if not judgement:
            return
        item.setText(COL_JUDGEMENT, short_judgement(judgement))
        item.setData(COL_JUDGEMENT, ROLE_JUDGEMENT, judgement)
        item.setToolTip(COL_JUDGEMENT, self.tr("リスクへの対策は十分か: {judgement}").format(judgement=judgement))
        colors = judgement_colors(judgement)
        if colors is not None:
            fg, bg = colors
            item.setForeground(COL_JUDGEMENT, QBrush(QColor(fg)))
            item.setBackground(COL_JUDGEMENT, QBrush(QColor(bg)))
            font = QFont(self.tree.font())
            font.setBold(True)
            item.setFont(COL_JUDGEMENT, font)

    def _fill_bookmarks(self, bookmarks: list[tuple[int, str, int]]) -> Generator[None, None, None]:
        stack: list[tuple[int, QTreeWidgetItem]] = []
        for count, (level, title, page) in enumerate(bookmarks, start=1):
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent: QTreeWidget | QTreeWidgetItem = stack[-1][1] if stack else self.tree
            item = self._make_item(parent, title, max(page, 0), None)
            stack.append((level, item))
            self._positions.append((max(page, 0), 0.0, item))
            if count % FLAT_CHUNK == 0:
                self._positions.sort(key=lambda entry: (entry[0], entry[1]))
                yield
        self._positions.sort(key=lambda entry: (entry[0], entry[1]))

    def _fill_pages(self, pages: int) -> Generator[None, None, None]:
        for start in range(0, pages, FLAT_CHUNK):
            items: list[QTreeWidgetItem] = []
            for page in range(start, min(pages, start + FLAT_CHUNK)):
                item = self._make_item(None, self.tr("資料 {label} ページ").format(label=self._label(page)), page,
                                       None)
                items.append(item)
                self._positions.append((page, 0.0, item))
            self.tree.addTopLevelItems(items)
            yield

    # -- interaction
    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        position = item.data(COL_TITLE, ROLE_POS)
        if position is None:
            return
        page, y = position
        self.jump_requested.emit(int(page), float(y))

    def node_for_item(self, item: QTreeWidgetItem) -> Node | None:
        """The structure node shown by ``item`` (None for a document row, a bookmark or a page)."""
        return self._nodes_by_item.get(id(item))

    def correction_actions(self, node: Node) -> list[tuple[str, str]]:
        """(action, menu text) offered for ``node`` by the context menu."""
        actions: list[tuple[str, str]] = []
        if node.kind == "risk":
            actions.append(("judgement", self.tr("判断を修正…")))
        actions.append(("heading", self.tr("見出しを修正…")))
        actions.append(("add", self.tr("ここにリスク/節を追加…")))
        return actions

    def request_correction(self, node: Node, action: str) -> None:
        """Ask for a correction of ``node`` (what the context menu's entries do)."""
        self.correction_requested.emit(CorrectionRequest(node, action))

    def _show_context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        node = self.node_for_item(item) if item is not None else None
        key = str(item.data(COL_TITLE, ROLE_KEY) or "") if item is not None else ""
        menu = QMenu(self.tree)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # One menu for the row: the review marks (added by whoever set menu_extender), then corrections.
        if self.menu_extender is not None and key and self.menu_extender(key, menu) and node is not None:
            menu.addSeparator()
        if node is not None:
            for action, text in self.correction_actions(node):
                entry = menu.addAction(text)
                entry.triggered.connect(lambda _checked=False, a=action, n=node: self.request_correction(n, a))
        if menu.isEmpty():
            menu.deleteLater()
            return
        menu.popup(self.tree.viewport().mapToGlobal(point))

    def expanded_keys(self) -> set[str]:
        """The keys of the rows the member opened: what :meth:`restore_expanded` puts back after the tree is filled
        again (a change of colours or text size redraws it). The current row follows the reading position."""
        return {key for key, items in self._items_by_key.items() for item in items if item.isExpanded()}

    def restore_expanded(self, keys: set[str]) -> None:
        for key, items in self._items_by_key.items():
            for item in items:
                item.setExpanded(key in keys)

    def item_for_key(self, key: str) -> QTreeWidgetItem | None:
        items = self._items_by_key.get(key)
        return items[0] if items else None

    def item_for_node(self, node: Node) -> QTreeWidgetItem | None:
        return self._items_by_node.get(id(node))

    def current_key(self) -> str:
        item = self.tree.currentItem()
        return str(item.data(COL_TITLE, ROLE_KEY) or "") if item is not None else ""

    def follow(self, page: int, y: float) -> None:
        """Select the deepest node containing (page, y) without moving focus or jumping."""
        target: QTreeWidgetItem | None = None
        if self.mode == "structure" and self.outline is not None:
            location = self.outline.locate(page, y)
            innermost = location.leaf or location.section or location.chapter
            if innermost is not None:
                target = self._items_by_node.get(id(innermost))
            if target is None and location.document_index is not None:
                target = self.item_for_key(f"{location.document_index}:")
        elif self._positions:
            for entry_page, entry_y, item in self._positions:
                if (entry_page, entry_y) <= (page, y + 0.5):
                    target = item
                else:
                    break
        if target is None or target is self.tree.currentItem():
            return
        with QSignalBlocker(self.tree):
            self.tree.setCurrentItem(target)
        self.tree.scrollToItem(target, QAbstractItemView.ScrollHint.EnsureVisible)

    def expand_chapter(self, number: str) -> int:
        """Expand every chapter node numbered ``number`` (e.g. "Ⅲ") and its sections; return how many."""
        count = 0
        if self.outline is None:
            return 0
        for document in self.outline.documents:
            for node in document.nodes:
                item = self._items_by_node.get(id(node))
                if item is None or node.kind not in ("chapter", "annex") or node.number != number:
                    continue
                parent = item.parent()
                if parent is not None:
                    parent.setExpanded(True)
                item.setExpanded(True)
                for index in range(item.childCount()):
                    child = item.child(index)
                    if child is not None:
                        child.setExpanded(True)
                count += 1
        return count

    def set_progress(self, progress: dict[str, tuple[int, int, bool]]) -> None:
        """Show review progress per node key: (reviewed, total, has_comments) → 「23/41」 and a mark.
        During an incremental fill it is applied once the tree is complete."""
        if self._fill is not None:
            self._pending_progress = dict(progress)
            return
        self.tree.setColumnHidden(COL_PROGRESS, not progress)
        for key, item in ((k, i) for k, items in self._items_by_key.items() for i in items):
            entry = progress.get(key)
            if entry is None:
                item.setText(COL_PROGRESS, "")
                item.setToolTip(COL_PROGRESS, "")
                continue
            reviewed, total, has_comments = entry
            # A node without reviewable items under it (Ⅱ: no risks to tick) shows only that it has comments. The
            # count alone under the column's name 確認 (the words in the tooltip): the names beside it need the width.
            text = f"{reviewed}/{total}" if total else ""
            if has_comments:
                text = f"● {text}" if text else self.tr("● コメントあり")
            item.setText(COL_PROGRESS, text)
            tips = [self.tr("{total} 項目のうち {reviewed} 項目を確認済み").format(reviewed=reviewed, total=total)
                    ] if total else []
            if has_comments:
                tips.append(self.tr("コメントあり"))
            item.setToolTip(COL_PROGRESS, "・".join(tips))
            if total > 0 and reviewed >= total:
                item.setForeground(COL_PROGRESS, QBrush(QColor("#1e7b34")))
            else:
                item.setData(COL_PROGRESS, Qt.ItemDataRole.ForegroundRole, None)
