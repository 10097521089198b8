"""検索: full-text search over the packet (and the comments), results grouped by report and section.

Search-as-you-type with a short debounce; Enter/F3 next hit, Shift+F3 previous. Queries run in the "search"
worker lane (one thread owning one :class:`reviewer.search.SearchIndex` connection). Until the packet's index is
built the panel says 「索引を作成中…」 and searches as soon as it is ready.

Signals:
    hits_changed(object, object): all hits {page: [rects]} and the current hit (page, index in that page) or None.
    hit_activated(int, object): page and rect (x0, y0, x1, y1) of the hit to show.
    comment_activated(str, int): a comment hit was picked (annotation id, page).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.ops import Op

if TYPE_CHECKING:
    from reviewer.annotations import Annotation
    from reviewer.search import CommentHit, PageHit
    from reviewer.structure.model import Outline

ROLE_HTML = Qt.ItemDataRole.UserRole + 10
ROLE_HIT = Qt.ItemDataRole.UserRole + 11  # index into the flat hit list, or ("comment", id, page)
DEBOUNCE_MS = 250
MAX_HITS = 5000
MAX_ROWS = 1000

_local = threading.local()


@dataclass(slots=True)
class SearchResult:
    query: str
    kana: bool
    hits: list[PageHit]
    comments: list[CommentHit]


def _thread_index(index_path: str | None) -> Any:
    """The search lane's own SearchIndex for ``index_path`` (one connection per thread and file)."""
    from reviewer.search import SearchIndex, default_index_path

    path = str(index_path or default_index_path())
    indexes: dict[str, Any] = getattr(_local, "indexes", None) or {}
    _local.indexes = indexes
    index = indexes.get(path)
    if index is None:
        index = SearchIndex(path)
        indexes[path] = index
    return index


def run_search(sha256: str, query: str, kana: bool, outline: Outline | None,
               annotations: list[Annotation], index_path: str | None = None) -> SearchResult:
    """Runs in the search lane: page hits (with sections from ``outline``) and comment hits."""
    from reviewer.search import search_comments

    index = _thread_index(index_path)
    hits = index.search(sha256, query, kana=kana, limit=MAX_HITS, outline=outline) if sha256 else []
    comments = search_comments(annotations, query, kana=kana) if annotations else []
    return SearchResult(query, kana, hits, comments)


SNIPPET_BEFORE = 10  # characters of context shown before the hit (the panel is narrow)


def _snippet_html(before: str, match: str, after: str) -> str:
    before = before.strip()
    if len(before) > SNIPPET_BEFORE:
        before = "…" + before[-SNIPPET_BEFORE:]
    return f"{html.escape(before)}<b>{html.escape(match)}</b>{html.escape(after.strip())}"


class RichTextDelegate(QStyledItemDelegate):
    """Paints an item's ROLE_HTML (snippet with the hit in bold) when present."""

    def _document(self, option: QStyleOptionViewItem, text: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(1)
        doc.setHtml(text)
        return doc

    def paint(self, painter: Any, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        text = index.data(ROLE_HTML)
        if not text:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, str(text))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        rect = opt.rect
        painter.save()
        painter.translate(rect.left() + 2, rect.top() + max(0, (rect.height() - doc.size().height()) / 2))
        painter.setClipRect(QRectF(0, 0, rect.width() - 2, rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        text = index.data(ROLE_HTML)
        size = super().sizeHint(option, index)
        if not text:
            return size
        doc = self._document(option, str(text))
        return QSize(int(doc.idealWidth()) + 4, max(size.height(), int(doc.size().height())))


class SearchPanel(QWidget):
    """The 検索 tab."""

    hits_changed = Signal(object, object)
    hit_activated = Signal(int, object)
    comment_activated = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("検索する語（Ctrl+F）"))
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName(self.tr("検索語"))
        layout.addWidget(self.query)
        options = QHBoxLayout()
        self.kana = QCheckBox(self.tr("ひらがな・カタカナを区別しない"))
        options.addWidget(self.kana)
        options.addStretch(1)
        layout.addLayout(options)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setUniformRowHeights(False)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setAccessibleName(self.tr("検索結果"))
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._on_return)
        self.kana.toggled.connect(lambda _on: self.search_now())
        self.results.itemClicked.connect(self._on_item)
        self.results.itemActivated.connect(self._on_item)
        # F3 / Shift+F3 are the main window's actions (a second shortcut here would make them ambiguous).

        self.sha256 = ""
        self.index_path: str | None = None  # None: the default search-index.db
        self.outline: Outline | None = None
        self.index_state = "none"  # "none" | "building" | "ready" | "failed"
        self.annotation_source: Callable[[], list[Annotation]] | None = None
        self.hits: list[PageHit] = []
        self.comment_hits: list[CommentHit] = []
        self.current = -1
        self._items: list[QTreeWidgetItem | None] = []
        self._op: Op[SearchResult] | None = None
        self._generation = 0
        self.last_query = ""

    # -- context
    def set_packet(self, sha256: str, index_state: str = "building") -> None:
        self.sha256 = sha256
        self.index_state = index_state
        self.clear_results()
        self._update_state_message()

    def set_outline(self, outline: Outline | None) -> None:
        self.outline = outline

    def set_index_state(self, state: str, progress: tuple[int, int] | None = None) -> None:
        previous = self.index_state
        self.index_state = state
        self._update_state_message(progress)
        if state == "ready" and previous != "ready" and self.query.text().strip():
            self.search_now()

    def _update_state_message(self, progress: tuple[int, int] | None = None) -> None:
        if self.index_state == "building":
            if progress:
                self.status.setText(self.tr("索引を作成中…（{done}/{total} ページ）").format(
                    done=progress[0], total=progress[1]))
            else:
                self.status.setText(self.tr("索引を作成中…"))
        elif self.index_state == "failed":
            self.status.setText(self.tr("検索索引を作成できませんでした。"))

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    # -- searching
    def clear_results(self) -> None:
        self.results.clear()
        self.hits = []
        self.comment_hits = []
        self._items = []
        self.current = -1
        self.status.setText("")
        self.hits_changed.emit({}, None)

    def search_now(self) -> None:
        self._timer.stop()
        text = self.query.text().strip()
        self._generation += 1
        if self._op is not None:
            self._op.cancel()
            self._op = None
        if not text:
            self.last_query = ""
            self.clear_results()
            return
        if self.index_state in ("building", "none") or not self.sha256:
            self._update_state_message()
            if self.index_state == "none":
                self.status.setText(self.tr("索引を作成中…"))
            return
        annotations: list[Annotation] = []
        if self.annotation_source is not None:
            try:
                annotations = list(self.annotation_source())
            except Exception:  # the store may be unavailable; page search still works
                annotations = []
        generation = self._generation
        self.status.setText(self.tr("検索中…"))
        self._op = (
            Op(self, run_search, self.sha256, text, self.kana.isChecked(), self.outline, annotations,
               self.index_path)
            .success(lambda result: self._show(result, generation))
            .run_in_thread("search")
        )

    def _show(self, result: SearchResult, generation: int) -> None:
        if generation != self._generation:
            return
        self._op = None
        self.last_query = result.query
        self.results.clear()
        self.hits = result.hits
        self.comment_hits = result.comments
        self._items = [None] * len(self.hits)
        self.current = -1
        groups: dict[tuple[int | None, str], QTreeWidgetItem] = {}
        sections: dict[tuple[int | None, str, str], QTreeWidgetItem] = {}
        counts: dict[int, int] = {}
        self.results.setUpdatesEnabled(False)
        try:
            for number, hit in enumerate(self.hits[:MAX_ROWS]):
                doc_key = (hit.document_index, hit.document_title)
                group = groups.get(doc_key)
                if group is None:
                    group = QTreeWidgetItem(self.results)
                    group.setData(0, ROLE_HIT, None)
                    groups[doc_key] = group
                    group.setExpanded(True)
                section_key = (hit.document_index, hit.document_title, hit.section)
                parent = sections.get(section_key)
                if parent is None:
                    parent = QTreeWidgetItem(group)
                    parent.setText(0, hit.section or self.tr("（項目外）"))
                    sections[section_key] = parent
                    parent.setExpanded(True)
                item = QTreeWidgetItem(parent)
                label = self.tr("資料 {label}").format(label=hit.page_label)
                item.setData(0, ROLE_HTML, f"<span>{html.escape(label)}</span>　"
                             + _snippet_html(hit.before, hit.match, hit.after))
                item.setToolTip(0, f"{label}: {hit.snippet}")
                item.setData(0, ROLE_HIT, number)
                self._items[number] = item
                counts[id(group)] = counts.get(id(group), 0) + 1
                counts[id(parent)] = counts.get(id(parent), 0) + 1
            for (_index, title), group in groups.items():
                group.setText(0, self.tr("{title}（{count} 件）").format(
                    title=title or self.tr("（資料外）"), count=counts.get(id(group), 0)))
            for (_i, _t, section), parent in sections.items():
                parent.setText(0, self.tr("{section}（{count} 件）").format(
                    section=section or self.tr("（項目外）"), count=counts.get(id(parent), 0)))
            if self.comment_hits:
                group = QTreeWidgetItem(self.results)
                group.setText(0, self.tr("コメント（{count} 件）").format(count=len(self.comment_hits)))
                group.setExpanded(True)
                for comment in self.comment_hits[:MAX_ROWS]:
                    item = QTreeWidgetItem(group)
                    prefix = self.tr("資料 {label}・{author}").format(
                        label=comment.page_label, author=comment.author)
                    item.setData(0, ROLE_HTML, f"<span>{html.escape(prefix)}</span>　"
                                 + _snippet_html(comment.before, comment.match, comment.after))
                    item.setData(0, ROLE_HIT, ("comment", comment.annotation_id, comment.page))
        finally:
            self.results.setUpdatesEnabled(True)
        shown = self.tr("（先頭 {rows} 件を表示）").format(rows=MAX_ROWS) if len(self.hits) > MAX_ROWS else ""
        if self.hits or self.comment_hits:
            self.status.setText(self.tr("{count} 件見つかりました").format(count=len(self.hits))
                                + (self.tr("・コメント {count} 件").format(count=len(self.comment_hits))
                                   if self.comment_hits else "") + shown)
        else:
            self.status.setText(self.tr("見つかりませんでした"))
        self._emit_hits()

    @staticmethod
    def _hit_rect(hit: PageHit) -> tuple[float, float, float, float]:
        rects = hit.rects or [(0.0, 0.0, 0.0, 0.0)]
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))

    def _current_pair(self) -> tuple[int, int] | None:
        """(page, index of the current hit's first rect in that page's list)."""
        if not 0 <= self.current < len(self.hits):
            return None
        page = self.hits[self.current].page
        index = sum(max(1, len(hit.rects)) for hit in self.hits[:self.current] if hit.page == page)
        return page, index

    def _emit_hits(self) -> None:
        self.hits_changed.emit(self._all_rects(), self._current_pair())

    def _all_rects(self) -> dict[int, list[tuple[float, float, float, float]]]:
        """Every rect of every hit (a hit over two lines has two rects), per page."""
        by_page: dict[int, list[tuple[float, float, float, float]]] = {}
        for hit in self.hits:
            by_page.setdefault(hit.page, []).extend(hit.rects or [self._hit_rect(hit)])
        return by_page

    # -- navigation
    def _on_return(self) -> None:
        if self._timer.isActive() or self.query.text().strip() != self.last_query:
            self.search_now()
            return
        self.next_hit()

    def next_hit(self) -> None:
        self.go_to_hit(self.current + 1 if self.hits else -1)

    def previous_hit(self) -> None:
        self.go_to_hit(self.current - 1 if self.current > 0 else len(self.hits) - 1)

    def go_to_hit(self, number: int) -> None:
        if not self.hits or number < 0:
            return
        number %= len(self.hits)
        self.current = number
        hit = self.hits[number]
        item = self._items[number] if number < len(self._items) else None
        if item is not None:
            self.results.setCurrentItem(item)
            self.results.scrollToItem(item)
        self._emit_hits()
        self.hit_activated.emit(hit.page, self._hit_rect(hit))
        self.status.setText(self.tr("{current} / {count} 件").format(current=number + 1, count=len(self.hits)))

    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, ROLE_HIT)
        if isinstance(data, int):
            self.go_to_hit(data)
        elif isinstance(data, tuple) and data and data[0] == "comment":
            self.comment_activated.emit(str(data[1]), int(data[2]))
