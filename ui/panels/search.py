"""検索: full-text search over the packet (and the comments), results grouped by report and section.

Search-as-you-type with a short debounce; Enter/F3 next hit, Shift+F3 previous (through every hit, in page order).
Queries run in the "search" worker lane (one thread owning one :class:`reviewer.search.SearchIndex` connection);
right after the packet's index is ready that lane loads the index's page texts (``SearchIndex.warm``) so that the
first query is as fast as the next ones. Until the index is built the panel says 「索引を作成中…」 and searches as
soon as it is ready.

What a query costs is what is on screen: the search thread finds every hit with its section (exact count), the
report/section rows, the highlight rects of the pages around the page on screen and around the first hit (of every
page when there are few hits) and the snippets of the first rows (:func:`reviewer.search.prepare_panel`). The
result list is a virtual list (``QListView`` over :class:`ResultsModel`): a row's snippet is made when the row is
painted. Highlight rects of other pages are computed when they come into view — the main window tells the panel the
page on screen with :meth:`SearchPanel.set_current_page` — or, when nobody does, in short slices on the GUI thread
after the results are shown, so every page ends up highlighted.

Signals:
    hits_changed(object, object): {page: [rects]} of the pages computed so far (every hit of a computed page;
        a hit over two lines has two rects) and the current hit (page, index of its first rect in that page's list)
        or None.
    hit_activated(int, object): page and rect (x0, y0, x1, y1) of the hit to show.
    comment_activated(str, int): a comment hit was picked (annotation id, page).
"""

from __future__ import annotations

import bisect
import html
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui.ops import Op

if TYPE_CHECKING:
    from reviewer.annotations import Annotation
    from reviewer.search import CommentHit, HitList, PageHit, Rect, ReportRows, SectionRows
    from reviewer.structure.model import Outline

ROLE_HTML = Qt.ItemDataRole.UserRole + 10
ROLE_HIT = Qt.ItemDataRole.UserRole + 11  # hit number, ("comment", id, page), or None for a heading row
ROLE_INDENT = Qt.ItemDataRole.UserRole + 12  # pixels the row is indented by (its level in the grouping)
ROLE_PARTS = Qt.ItemDataRole.UserRole + 13  # the row as ((text, bold), ...) runs: what the delegate paints
DEBOUNCE_MS = 250
FILL_SLICE_S = 0.004  # GUI-thread time per slice of the background highlight fill
INDENT = 14
LAYOUT_BATCH = 200  # result rows laid out per event-loop turn

_local = threading.local()


def _tr(text: str) -> str:
    """Translated in the panel's context (the result rows are the panel's strings)."""
    return QCoreApplication.translate("SearchPanel", text)


@dataclass(slots=True)
class SearchResult:
    query: str
    kana: bool
    hits: HitList
    comments: list[CommentHit]
    reports: list[ReportRows] = field(default_factory=list)


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
               annotations: list[Annotation], index_path: str | None = None,
               around_page: int | None = None) -> SearchResult:
    """Runs in the search lane: every page hit (with sections from ``outline``), what the first view of them needs
    (:func:`reviewer.search.prepare_panel` around ``around_page``), and the comment hits."""
    from reviewer.search import HitList, prepare_panel, search_comments

    if sha256:
        index = _thread_index(index_path)
        hits: HitList = index.find(sha256, query, kana=kana, outline=outline)
        reports = prepare_panel(hits, around_page)
    else:
        hits, reports = HitList.empty(), []
    comments = search_comments(annotations, query, kana=kana) if annotations else []
    return SearchResult(query, kana, hits, comments, reports)


def warm_index(sha256: str, index_path: str | None, outline: Outline | None) -> None:
    """Runs in the search lane once the index is ready: load the page texts and section placement now."""
    _thread_index(index_path).warm(sha256, outline=outline)


SNIPPET_BEFORE = 10  # characters of context shown before the hit (the panel is narrow)


def _short_before(before: str) -> str:
    before = before.strip()
    return "…" + before[-SNIPPET_BEFORE:] if len(before) > SNIPPET_BEFORE else before


def _snippet_html(before: str, match: str, after: str) -> str:
    return f"{html.escape(_short_before(before))}<b>{html.escape(match)}</b>{html.escape(after.strip())}"


Runs = tuple[tuple[str, bool], ...]


def _runs(prefix: str, before: str, match: str, after: str) -> Runs:
    """A result row as text runs (the hit in bold)."""
    return ((prefix + "　", False), (_short_before(before), False), (match, True), (after.strip(), False))


class _NoHits(Sequence["PageHit"]):
    """The hits before the first search. (reviewer.search is imported by the search thread when it first runs, never
    by the GUI thread while the window is being built.)"""

    total = 0

    def __len__(self) -> int:
        return 0

    def __getitem__(self, number: Any) -> Any:
        raise IndexError(number)

    def pages(self) -> list[int]:
        return []

    def computed_rects(self) -> dict[int, list[Rect]]:
        return {}

    def all_rects(self) -> dict[int, list[Rect]]:
        return {}


def _no_hits() -> HitList:
    return cast("HitList", _NoHits())


class ResultsModel(QAbstractListModel):
    """The result list as one flat, virtual list: per report a heading row, per section a heading row followed by
    its hit rows, then the comment group. Rows are found by bisection over the headings and a hit row's snippet is
    formatted only when the view asks for it (the rows on screen)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: HitList = _no_hits()
        self.comments: list[CommentHit] = []
        self._starts: list[int] = []  # first row of each segment
        self._segments: list[tuple[str, Any]] = []  # ("report", ReportRows) | ("section", SectionRows) | ...
        self._section_row: dict[tuple[int | None, str, str], tuple[SectionRows, int]] = {}
        self._rows = 0
        self._html: dict[int, str] = {}
        self._runs: dict[int, Runs] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_results(self, hits: HitList, reports: list[ReportRows], comments: list[CommentHit]) -> None:
        self.beginResetModel()
        self.hits, self.comments = hits, comments
        self._starts, self._segments, self._section_row, self._html, self._runs = [], [], {}, {}, {}
        rows = 0

        def add(kind: str, ref: Any, size: int = 1) -> None:
            nonlocal rows
            self._starts.append(rows)
            self._segments.append((kind, ref))
            rows += size

        for report in reports:
            add("report", report)
            for section in report.sections:
                add("section", section)
                self._section_row[(report.document_index, report.document_title, section.section)] = (section, rows)
                add("hits", section, section.count)
        if comments:
            add("comments", None)
            add("comment", None, len(comments))
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.set_results(_no_hits(), [], [])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def _segment(self, row: int) -> tuple[str, Any, int]:
        k = bisect.bisect_right(self._starts, row) - 1
        kind, ref = self._segments[k]
        return kind, ref, row - self._starts[k]

    def row_of_hit(self, number: int) -> int:
        """The row showing hit ``number`` (-1 when there is none)."""
        if not 0 <= number < len(self.hits):
            return -1
        found = self._section_row.get(self.hits.place(number))
        if found is None:
            return -1
        section, first = found
        offset = section.row_of(number)
        return first + offset if offset >= 0 else -1

    def row_of_comment(self, offset: int) -> int:
        return self._rows - len(self.comments) + offset

    def _hit_html(self, number: int) -> str:
        cached = self._html.get(number)
        if cached is None:
            hit = self.hits[number]
            label = _tr("資料 {label}").format(label=hit.page_label)
            cached = self._html[number] = (f"<span>{html.escape(label)}</span>　"
                                           + _snippet_html(hit.before, hit.match, hit.after))
        return cached

    def _hit_runs(self, number: int) -> Runs:
        cached = self._runs.get(number)
        if cached is None:
            hit = self.hits[number]
            cached = self._runs[number] = _runs(_tr("資料 {label}").format(label=hit.page_label), hit.before,
                                                hit.match, hit.after)
        return cached

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._rows:
            return None
        kind, ref, offset = self._segment(index.row())
        if kind == "hits":
            number = ref.hit_at(offset)
            if role == ROLE_HIT:
                return number
            if role == ROLE_PARTS:
                return self._hit_runs(number)
            if role == ROLE_HTML:
                return self._hit_html(number)
            if role == Qt.ItemDataRole.ToolTipRole:
                hit = self.hits[number]
                return f"{_tr('資料 {label}').format(label=hit.page_label)}: {hit.snippet}"
            if role == ROLE_INDENT:
                return 2 * INDENT
            return None
        if kind == "comment":
            comment = self.comments[offset]
            if role == ROLE_HIT:
                return ("comment", comment.annotation_id, comment.page)
            if role in (ROLE_HTML, ROLE_PARTS):
                prefix = _tr("資料 {label}・{author}").format(label=comment.page_label, author=comment.author)
                if role == ROLE_PARTS:
                    return _runs(prefix, comment.before, comment.match, comment.after)
                return f"<span>{html.escape(prefix)}</span>　" + _snippet_html(comment.before, comment.match,
                                                                               comment.after)
            if role == Qt.ItemDataRole.ToolTipRole:
                return comment.snippet
            if role == ROLE_INDENT:
                return INDENT
            return None
        # heading rows
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "report":
                return _tr("{title}（{count} 件）").format(title=ref.document_title or _tr("（資料外）"),
                                                             count=ref.count)
            if kind == "section":
                return _tr("{section}（{count} 件）").format(section=ref.section or _tr("（項目外）"),
                                                               count=ref.count)
            return _tr("コメント（{count} 件）").format(count=len(self.comments))
        if role == Qt.ItemDataRole.FontRole and kind in ("report", "comments"):
            return self._bold
        if role == ROLE_INDENT:
            return INDENT if kind == "section" else 0
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        kind, _ref, _offset = self._segment(index.row())
        if kind in ("hits", "comment"):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled


class RichTextDelegate(QStyledItemDelegate):
    """Paints a row's ROLE_PARTS (label and snippet, the hit in bold) as plain text runs, indented by ROLE_INDENT;
    heading rows are painted as usual. (No QTextDocument per row: painting a screenful stays about a millisecond.)"""

    def paint(self, painter: Any, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        indent = int(index.data(ROLE_INDENT) or 0)
        runs = index.data(ROLE_PARTS)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.rect = opt.rect.adjusted(indent, 0, 0, 0)
        if runs:
            opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not runs:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(opt.palette.color(role))
        bold = QFont(opt.font)
        bold.setBold(True)
        x = float(rect.left() + 2)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        for text, strong in runs:
            if not text:
                continue
            font = bold if strong else opt.font
            painter.setFont(font)
            painter.drawText(QRectF(x, rect.top(), max(0.0, rect.right() - x), rect.height()), flags, text)
            x += QFontMetrics(font).horizontalAdvance(text)
            if x > rect.right():
                break
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # Every row is one line (the list uses uniform item sizes).
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), QFontMetrics(option.font).height() + 4))


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
        self.model = ResultsModel(self)
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setUniformItemSizes(True)  # the view never asks for the rows off screen
        # Lay tens of thousands of rows out in batches across event-loop turns, not in one long stall.
        self.results.setLayoutMode(QListView.LayoutMode.Batched)
        self.results.setBatchSize(LAYOUT_BATCH)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setAccessibleName(self.tr("検索結果"))
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self._fill_timer = QTimer(self)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_step)
        self._fill_pages: list[int] = []
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._on_return)
        self.kana.toggled.connect(lambda _on: self.search_now())
        self.results.clicked.connect(self._on_index)
        self.results.activated.connect(self._on_index)
        # F3 / Shift+F3 are the main window's actions (a second shortcut here would make them ambiguous).

        self.sha256 = ""
        self.index_path: str | None = None  # None: the default search-index.db
        self.outline: Outline | None = None
        self.index_state = "none"  # "none" | "building" | "ready" | "failed"
        self.annotation_source: Callable[[], list[Annotation]] | None = None
        self.hits: HitList = _no_hits()
        self.comment_hits: list[CommentHit] = []
        self.current = -1
        self.view_page: int | None = None  # the page on screen, once the page view reports it
        self._op: Op[SearchResult] | None = None
        self._generation = 0
        self._first_hit_of = -1  # the search (generation) whose first hit is shown when it ends: Enter started it
        self.last_query = ""

    # -- context
    def set_packet(self, sha256: str, index_state: str = "building") -> None:
        self.sha256 = sha256
        self.index_state = index_state
        self.view_page = None
        self.clear_results()
        self._update_state_message()
        if index_state == "ready":
            self._warm()

    def set_outline(self, outline: Outline | None) -> None:
        self.outline = outline
        if self.index_state == "ready":
            self._warm()

    def set_index_state(self, state: str, progress: tuple[int, int] | None = None) -> None:
        previous = self.index_state
        self.index_state = state
        self._update_state_message(progress)
        if state == "ready" and previous != "ready":
            if self.query.text().strip():
                self.search_now()
            else:
                self._warm()

    def _warm(self) -> None:
        """Load the index's page texts in the search lane now, so that the first query is fast."""
        if self.sha256:
            Op(self, warm_index, self.sha256, self.index_path, self.outline).failure(
                lambda _exc: None).run_in_thread("search")

    def set_current_page(self, page: int) -> None:
        """The page view shows ``page`` (connect ``PageView.current_page_changed`` here): the highlights of the
        pages around it are computed now if they were not yet."""
        self.view_page = page
        self._fill_timer.stop()  # told what is on screen: no need to compute every page in the background
        self._fill_pages = []
        if not self.hits:
            return
        missing = [p for p in self.hits.pages_near(page, 2, 4) if not self.hits.has_page_rects(p)]
        if missing:
            for p in missing:
                self.hits.page_rects(p)
            self._emit_hits()

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
        self._fill_timer.stop()
        self._fill_pages = []
        self.model.clear()
        self.hits = _no_hits()
        self.comment_hits = []
        self.current = -1
        self.status.setText("")
        self.hits_changed.emit({}, None)

    def search_now(self, go_to_first: bool = False) -> None:
        """Search for the query now; ``go_to_first`` (Enter): show the first hit once it is found."""
        self._timer.stop()
        text = self.query.text().strip()
        self._generation += 1
        if go_to_first:
            # Marked before the search starts: its result can arrive before this call returns (a loaded machine),
            # and it went nowhere when it came before the mark.
            self._first_hit_of = self._generation
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
               self.index_path, self.view_page)
            .success(lambda result: self._show(result, generation))
            .run_in_thread("search")
        )

    def _show(self, result: SearchResult, generation: int) -> None:
        if generation != self._generation:
            return
        self._op = None
        self.last_query = result.query
        self._fill_timer.stop()
        self.hits = result.hits
        self.comment_hits = result.comments
        self.current = -1
        self.model.set_results(result.hits, result.reports, result.comments)
        if self.hits or self.comment_hits:
            self.status.setText(self.tr("{count} 件見つかりました").format(count=len(self.hits))
                                + (self.tr("・コメント {count} 件").format(count=len(self.comment_hits))
                                   if self.comment_hits else ""))
        else:
            self.status.setText(self.tr("見つかりませんでした"))
        if self.view_page is not None:
            self.set_current_page(self.view_page)  # computes what the search thread did not (none, usually)
        else:
            # Nobody tells us which pages are on screen: compute the other pages' highlights in slices.
            self._fill_pages = [p for p in self.hits.pages() if not self.hits.has_page_rects(p)]
            if self._fill_pages:
                self._fill_timer.start()
        self._emit_hits()
        if generation == self._first_hit_of:
            if self.hits:
                self.go_to_hit(0)
            elif self.comment_hits:
                self._go_to_comment(0)  # only comments say it: Enter goes to the first of them

    def _fill_step(self) -> None:
        """One slice (about FILL_SLICE_S) of the background highlight fill; emits once when it is complete."""
        deadline = time.perf_counter() + FILL_SLICE_S
        while self._fill_pages and time.perf_counter() < deadline:
            self.hits.page_rects(self._fill_pages.pop())
        if not self._fill_pages:
            self._fill_timer.stop()
            self._emit_hits()

    def is_filling(self) -> bool:
        """Whether highlight rects are still being computed in the background."""
        return self._fill_timer.isActive()

    def _current_pair(self) -> tuple[int, int, int] | None:
        """(page, index of the current hit's first rect in that page's list, its number of rects)."""
        if not 0 <= self.current < len(self.hits):
            return None
        return self.hits.rect_span(self.current)

    def _emit_hits(self) -> None:
        pair = self._current_pair()
        self.hits_changed.emit(self.hits.computed_rects(), pair)

    # -- navigation
    def _on_return(self) -> None:
        if self._timer.isActive() or self.query.text().strip() != self.last_query:
            self.search_now(go_to_first=True)  # Enter means "go there": the first hit, once found
            return
        if not self.hits and self.comment_hits:
            self._go_to_comment(0)
            return
        self.next_hit()

    def _go_to_comment(self, offset: int) -> None:
        """Select the comment hit ``offset`` in the list and show that comment, as a click on its row does."""
        index = self.model.index(self.model.row_of_comment(offset), 0)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)
        self._on_index(index)

    def next_hit(self) -> None:
        self.go_to_hit(self.current + 1 if self.hits else -1)

    def previous_hit(self) -> None:
        self.go_to_hit(self.current - 1 if self.current > 0 else len(self.hits) - 1)

    def go_to_hit(self, number: int) -> None:
        if not self.hits or number < 0:
            return
        number %= len(self.hits)
        self.current = number
        page = self.hits.page_of(number)
        row = self.model.row_of_hit(number)
        if row >= 0:
            index = self.model.index(row, 0)
            self.results.setCurrentIndex(index)
            self.results.scrollTo(index)
        self._emit_hits()  # computes the hit's page if needed
        self.hit_activated.emit(page, self.hits.hit_bounds(number))
        self.status.setText(self.tr("{current} / {count} 件").format(current=number + 1, count=len(self.hits)))

    def _on_index(self, index: QModelIndex) -> None:
        data = index.data(ROLE_HIT)
        if isinstance(data, int):
            self.go_to_hit(data)
        elif isinstance(data, tuple) and data and data[0] == "comment":
            self.comment_activated.emit(str(data[1]), int(data[2]))
