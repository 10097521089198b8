"""The continuous page view widget (see the package docstring for the public API)."""

from __future__ import annotations

import logging
import sys
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip, QWidget

if TYPE_CHECKING:
    from reviewer.annotations import Annotation

from ui.page_view.layout import A4_WIDTH_PT, GAP, PX_PER_PT, PageLayout, clamp_zoom, next_zoom_step
from ui.page_view.renderer import (
    ErrorResult,
    ImageCache,
    ImageResult,
    MetaResult,
    PageFailed,
    RenderTask,
    RenderWorker,
    ResultBridge,
    TextResult,
    ThumbResult,
    read_page_geometry,
)
from ui.page_view.signals import emit
from ui.page_view.text import (
    IDENTITY,
    Link,
    Matrix,
    PageText,
    Rect,
    SelectionResult,
    matrix_apply,
    matrix_invert,
    rect_apply,
    select_text,
    transformed,
)

log = logging.getLogger("ui.page_view")

TOOLS: tuple[str, ...] = ("select", "highlight", "area", "note")
ZOOM_SETTLE_MS = 150
PREFETCH_BEFORE = 2
PREFETCH_AFTER = 3
TEXT_CACHE_PAGES = 400
TEXT_IDLE_MS = 250  # text extraction (one long GIL-holding call) waits until scrolling pauses
GIL_SWITCH_SECONDS = 0.001
SCROLL_SETTLE_MS = 50  # renders start once scrolling pauses this long (a fling renders nothing it flies past)
CLICK_SLOP = 4  # px a press may move and still count as a click
HIT_MARGIN = 24  # px kept beside a search hit brought into view sideways
NOTE_ICON = 18.0  # logical px

BACKGROUND = QColor("#d5d8dc")
PAGE_BORDER = QColor(0, 0, 0, 60)
PAGE_SHADOW = QColor(0, 0, 0, 28)
PLACEHOLDER_TEXT = QColor("#9aa0a6")
BROKEN_PAGE_TEXT = QColor("#5f6368")  # 6:1 on white: a sentence to read, not a placeholder


def broken_page_text() -> str:
    """What a page MuPDF cannot draw shows instead (also the status bar's words for it)."""
    return QCoreApplication.translate("PageView", "このページは壊れているため表示できません（PDFの一部が傷んでいます）。")
SELECTION = QColor(51, 136, 255, 80)
HIT = QColor(255, 210, 0, 110)
HIT_CURRENT = QColor(255, 120, 0, 150)
HIT_CURRENT_EDGE = QColor(230, 90, 0)
RUBBER = QColor(51, 136, 255)

Position = tuple[int, float]


def _fill(painter: QPainter, rect: QRectF, color: QColor) -> None:
    """``painter.fillRect(rect, color)`` for the first frame's fills: fillRect's overloads make PySide6 build
    QGradient's enums (169 presets, ~4 ms) the first time it is called with a colour."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRect(rect)
    painter.restore()


class PageView(QAbstractScrollArea):
    """Continuous vertical page view with background rendering, selection, links, overlays and tools.

    Signals:
        first_page_painted(): the first rendered page image was painted after ``open_document``.
        current_page_changed(int): the page at the top third of the viewport changed.
        zoom_changed(float): the zoom factor changed (1.0 = 100 %).
        history_changed(): back/forward availability may have changed.
        selection_changed(bool): the text selection changed; True when there is one.
        highlight_requested(int, list, str, str, str): page, rects per line, quote, prefix, suffix.
        area_requested(int, tuple): page, rect.
        note_requested(int, float, float): page, x, y.
        annotation_clicked(str): the id of an annotation overlay that was clicked.
        external_link_requested(str): a URI or launch link was clicked (nothing is opened).
        document_error(str): the render worker could not open the document (Japanese message).
        page_broken(int): MuPDF could not draw that page (damaged); the page says so.
        text_ready(int): the text layer of a page arrived from the render worker.
        thumbnail_ready(int, QImage): a thumbnail asked with ``request_thumbnails`` (the same worker renders it).
    """

    first_page_painted = Signal()
    current_page_changed = Signal(int)
    zoom_changed = Signal(float)
    history_changed = Signal()
    selection_changed = Signal(bool)
    highlight_requested = Signal(int, list, str, str, str)
    area_requested = Signal(int, tuple)
    note_requested = Signal(int, float, float)
    annotation_clicked = Signal(str)
    external_link_requested = Signal(str)
    document_error = Signal(str)
    page_broken = Signal(int)  # a page MuPDF cannot draw (it says so on the page)
    text_ready = Signal(int)
    thumbnail_ready = Signal(int, QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here is known to PySide6; the one Qt makes is not, and the first viewport() then makes
        # PySide6 create every QtWidgets class and its enums (~80 enums, 15-20 ms before the first frame).
        self.setViewport(QWidget())
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

        self._layout = PageLayout()
        self._rotations: dict[int, Matrix] = {}
        self._path: Path | None = None
        self._password: str | None = None
        self._generation = 0
        self._worker: RenderWorker | None = None
        # If the widget is deleted without close_document(), stop the thread (no reference to self here).
        self._worker_box: list[RenderWorker | None] = [None]
        box = self._worker_box
        self.destroyed.connect(lambda *_: box[0].stop(0.0) if box[0] is not None else None)
        self._bridge = ResultBridge(self)
        self._bridge.delivered.connect(self._on_result)
        self._cache = ImageCache()
        self._texts: OrderedDict[int, PageText] = OrderedDict()
        self._has_text: dict[int, bool] = {}
        self._broken_pages: set[int] = set()  # pages MuPDF cannot draw: said so on the page, not asked for again
        self._display_texts: dict[int, tuple[PageText, PageText]] = {}
        self._urgent_text: list[int] = []

        self._zoom_mode = "fit_width"
        self._render_scale = 0.0  # logical px per pt that renders are requested at (settles after zooming)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(ZOOM_SETTLE_MS)
        self._settle_timer.timeout.connect(self._settle_zoom)
        self._request_timer = QTimer(self)
        self._request_timer.setSingleShot(True)
        self._request_timer.setInterval(0)
        self._request_timer.timeout.connect(self._update_requests)
        self._scroll_idle = QTimer(self)
        self._scroll_idle.setSingleShot(True)
        self._scroll_idle.setInterval(TEXT_IDLE_MS)
        self._scroll_idle.timeout.connect(self._update_requests)
        self._scroll_settle = QTimer(self)
        self._scroll_settle.setSingleShot(True)
        self._scroll_settle.setInterval(SCROLL_SETTLE_MS)
        self._scroll_settle.timeout.connect(self._update_requests)
        # The render thread holds the GIL in short bursts; a short switch interval lets the GUI thread take
        # it back quickly whenever the worker runs Python between PyMuPDF calls.
        if sys.getswitchinterval() > GIL_SWITCH_SECONDS:
            sys.setswitchinterval(GIL_SWITCH_SECONDS)

        self._first_paint_pending = False
        self._current_page = -1
        self._back: list[Position] = []
        self._forward: list[Position] = []

        self._tool = "select"
        self._hits: dict[int, list[Rect]] = {}
        self._current_hit: tuple[int, int, int] | None = None  # (page, first rect, rects) of the current hit
        self._annotations: dict[int, list[Annotation]] = {}
        self._selected_annotation: str | None = None
        self._selection: SelectionResult | None = None
        self._press_pos: QPointF | None = None
        self._press_page: tuple[int, float, float] | None = None
        self._drag_end: tuple[float, float] | None = None
        self._dragging = False

        self._opened_at = 0.0
        self.first_paint_seconds: float | None = None
        self._go_to_target: tuple[int, float, int] | None = None
        self.minimum_fit_zoom = 0.0

    # -- document ------------------------------------------------------------------------------------------
    def open_document(
        self,
        path: Path,
        password: str | None = None,
        page_sizes: list[tuple[float, float]] | None = None,
        rotations: dict[int, Matrix] | None = None,
    ) -> None:
        """Show ``path``. Raises ``PdfOpenError``/``PasswordRequired`` when page sizes must be read and the
        file cannot be opened; with ``page_sizes`` given, failures come later as ``document_error``. With both
        ``page_sizes`` and ``rotations`` given (read by the caller's one open) the worker reads no geometry."""
        self.close_document()
        self._opened_at = time.perf_counter()
        path = Path(path)
        sizes_given = page_sizes is not None and rotations is None
        if page_sizes is None:
            page_sizes, rotations = read_page_geometry(path, password)
        rotations = dict(rotations or {})
        self._path = path
        self._password = password
        self._generation += 1
        self._rotations = rotations
        self._layout = PageLayout(list(page_sizes), self._layout.zoom)
        if self._zoom_mode == "fit_width":
            self._layout.set_zoom(self._fit_width_zoom(self._fit_width_basis()))
        elif self._zoom_mode == "fit_page":
            self._layout.set_zoom(self._layout.fit_page_zoom(*self._viewport_size(), 0))
        self._render_scale = self._layout.scale
        self._first_paint_pending = True
        self.first_paint_seconds = None
        from ui import first_page

        early = first_page.take_for(path, password)  # the start-up helper that opened this file, if any
        self._worker = RenderWorker(
            path, password, self._generation, partial(emit, self._bridge.delivered), send_rotations=sizes_given,
            early=early,
        )
        self._worker_box[0] = self._worker
        self._worker.start()
        if early is not None:  # asked once the opening (a restored reading position too) is done
            QTimer.singleShot(0, self, self._worker.release_early)
        self._update_scrollbars()
        self.verticalScrollBar().setValue(0)
        # A page wider than the view (large text) shows its left edge: the form's label column, where reading starts.
        self.horizontalScrollBar().setValue(0)
        self._update_current_page()
        self._update_requests()
        self.viewport().update()
        emit(self.zoom_changed, self._layout.zoom)

    def opening_settled(self) -> None:
        """The opener has placed the view (a restored reading position): the pages on screen are asked for now,
        from the start-up helper when it drew this file."""
        self._update_requests()
        if self._worker is not None:
            self._worker.release_early()

    def close_document(self) -> None:
        """Stop rendering and forget the document (the view shows an empty grey area)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
            self._worker_box[0] = None
        self._generation += 1
        self._path = None
        self._layout = PageLayout([], self._layout.zoom)
        self._rotations = {}
        self._cache.clear()
        self._texts.clear()
        self._display_texts.clear()
        self._has_text.clear()
        self._broken_pages.clear()
        self._urgent_text.clear()
        self._hits.clear()
        self._current_hit = None
        self._annotations.clear()
        self._selected_annotation = None
        had_history = bool(self._back or self._forward)
        self._back.clear()
        self._forward.clear()
        self._clear_selection()
        self._first_paint_pending = False
        self._current_page = -1
        self._go_to_target = None
        self._update_scrollbars()
        self.viewport().update()
        if had_history:
            emit(self.history_changed)

    def page_count(self) -> int:
        return len(self._layout)

    def document_path(self) -> Path | None:
        return self._path

    def page_is_broken(self, page: int) -> bool:
        """Whether MuPDF could not draw ``page`` (damaged): the page says so instead of a picture."""
        return page in self._broken_pages

    def page_has_text(self, page: int) -> bool | None:
        """Whether the page has a text layer; None until its text has been read."""
        return self._has_text.get(page)

    def page_text(self, page: int) -> PageText | None:
        """The page's text layer and links if already fetched (reading order)."""
        return self._texts.get(page)

    # -- position ------------------------------------------------------------------------------------------
    def current_page(self) -> int:
        return self._current_page

    def reading_position(self) -> Position:
        """(page, y in PDF points) at the top of the viewport."""
        if not len(self._layout):
            return (0, 0.0)
        top = float(self.verticalScrollBar().value())
        # The gap above a page belongs to that page: go_to(page) leaves the view there.
        page = self._layout.page_at(top + GAP)
        page_top = self._layout.page_top(page)
        display_y = max(0.0, (top - page_top) / self._layout.scale)
        width = self._layout.sizes[page][0]
        _, y = matrix_apply(self._inverse(page), width / 2.0, display_y)
        return (page, max(0.0, y))

    def reading_focus(self) -> Position:
        """(page, y in PDF points) where the reader's eye is: the place ``go_to`` puts its target, 1/8 of the
        viewport below the top. Right after ``go_to`` (until the view moves) it is that target itself, even where
        the view could not scroll far enough (the last page). Every "where am I" (status bar, tree, the comments
        panel's current risk) asks this one function."""
        if not len(self._layout):
            return (0, 0.0)
        target = self._go_to_target
        if target is not None and target[2] == self.verticalScrollBar().value():
            return (target[0], target[1])
        eye = float(self.verticalScrollBar().value()) + self.viewport().height() / 8.0
        page = self._layout.page_at(eye)
        page_top = self._layout.page_top(page)
        display_y = max(0.0, (eye - page_top) / self._layout.scale)
        width = self._layout.sizes[page][0]
        _, y = matrix_apply(self._inverse(page), width / 2.0, display_y)
        return (page, max(0.0, y) + 2.0)

    def go_to(self, page: int, y: float | None = None, record_history: bool = True) -> None:
        """Scroll to ``page`` (its top, or PDF ``y`` placed ~1/8 from the viewport top)."""
        if not len(self._layout):
            return
        page = max(0, min(page, len(self._layout) - 1))
        if record_history:
            self._back.append(self.reading_position())
            if len(self._back) > 200:
                del self._back[0]
            self._forward.clear()
            emit(self.history_changed)
        self._scroll_to(page, y)
        if y is not None:
            self._go_to_target = (page, float(y) + 1.0, self.verticalScrollBar().value())

    def back(self) -> None:
        if not self._back:
            return
        self._forward.append(self.reading_position())
        page, y = self._back.pop()
        self._scroll_to(page, y, exact=True)
        emit(self.history_changed)

    def forward(self) -> None:
        if not self._forward:
            return
        self._back.append(self.reading_position())
        page, y = self._forward.pop()
        self._scroll_to(page, y, exact=True)
        emit(self.history_changed)

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def _scroll_to(self, page: int, y: float | None, exact: bool = False) -> None:
        page = max(0, min(page, len(self._layout) - 1))
        top = self._layout.page_top(page)
        if y is None:
            value = top - GAP
        else:
            _, display_y = matrix_apply(self._rotation(page), self._layout.sizes[page][0] / 2.0, y)
            if exact and display_y <= 0.0:
                value = top - GAP  # a page's very top (a packet opened at its start) shows the gap above it too
            else:
                offset = 0.0 if exact else self.viewport().height() / 8.0
                value = top + display_y * self._layout.scale - offset
        self.verticalScrollBar().setValue(round(value))
        self._update_current_page()

    def scroll_to_hit(self, page: int, rect: Rect) -> None:
        """Make a search hit visible (scrolls only when it is not fully visible)."""
        if not 0 <= page < len(self._layout):
            return
        target = self._page_rect_to_viewport(page, rect)
        area = QRectF(self.viewport().rect()).adjusted(0, 8, 0, -8)
        if not area.contains(target):
            self._scroll_to(page, rect[1] - 4.0)
            target = self._page_rect_to_viewport(page, rect)
        hbar = self.horizontalScrollBar()
        width = self.viewport().width()
        if target.left() < 0 or target.right() > width:
            # As far left as still shows the whole hit: the start of its line stays in view where it can.
            left, right = hbar.value() + target.left(), hbar.value() + target.right()
            value = max(0.0, right + HIT_MARGIN - width)
            hbar.setValue(round(value if left - HIT_MARGIN >= value else left - HIT_MARGIN))
        self.viewport().update()

    # -- zoom ----------------------------------------------------------------------------------------------
    def zoom(self) -> float:
        """The zoom factor: 1.0 = 100 % = one PDF point is 4/3 logical pixels (96 dpi, like other viewers)."""
        return self._layout.zoom

    def zoom_mode(self) -> str:
        return self._zoom_mode

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``factor`` keeping the document point under ``anchor`` (viewport coords) still: by default the
        place :meth:`go_to` went to while the view has not moved since, else the viewport's centre."""
        target = self._target_in_view() if anchor is None else None
        if target is not None:
            anchor = QPointF(self.viewport().width() / 2.0, target[1])
        self._zoom_mode = "custom"
        self._apply_zoom(clamp_zoom(factor), anchor)

    def zoom_in(self, anchor: QPointF | None = None) -> None:
        self.set_zoom(next_zoom_step(self.zoom(), +1), anchor)

    def zoom_out(self, anchor: QPointF | None = None) -> None:
        self.set_zoom(next_zoom_step(self.zoom(), -1), anchor)

    def fit_width(self) -> None:
        self._zoom_mode = "fit_width"
        target = self._target_in_view()
        # The place gone to stays where it is on the screen (else the view's top-left corner does).
        anchor = QPointF(0.0, target[1]) if target is not None else QPointF(0, 0)
        self._apply_zoom(self._fit_width_zoom(self._fit_width_basis()), anchor)

    def fit_page(self) -> None:
        self._zoom_mode = "fit_page"
        target = self._target_in_view()
        # The page of the place gone to (a risk chosen in the tree), which the view's top may not be on yet.
        page = target[0] if target is not None else max(0, self._current_page)
        self._apply_zoom(self._layout.fit_page_zoom(*self._viewport_size(), page), None, page_top=page)

    def _target_in_view(self) -> tuple[int, float] | None:
        """The page and viewport y of the place :meth:`go_to` went to, while the view has not moved since."""
        target = self._go_to_target
        if target is None or target[2] != self.verticalScrollBar().value() or not len(self._layout):
            return None
        _, display_y = matrix_apply(self._rotation(target[0]), self._layout.sizes[target[0]][0] / 2.0, target[1])
        return target[0], self._layout.page_top(target[0]) + display_y * self._layout.scale - target[2]

    def _viewport_size(self) -> tuple[float, float]:
        return float(self.viewport().width()), float(self.viewport().height())

    def set_minimum_fit_zoom(self, zoom: float) -> None:
        """The smallest zoom "fit width" may choose (the body text stays readable in a narrow window)."""
        self.minimum_fit_zoom = max(0.0, zoom)
        if self._zoom_mode == "fit_width" and len(self._layout):
            self.fit_width()

    def width_for_readable_page(self) -> float:
        """The view's width (frame and scroll bar included) that shows a whole page width at the readable zoom
        (``minimum_fit_zoom``): the open packet's usual page, else A4 portrait — the form's paper."""
        page_pt = self._layout.typical_page_width_pt if len(self._layout) else A4_WIDTH_PT
        bar = self.verticalScrollBar().sizeHint().width()
        return page_pt * PX_PER_PT * self.minimum_fit_zoom + 2 * GAP + bar + 2 * self.frameWidth()

    def fit_width_held_for_reading(self) -> bool:
        """Whether "fit width" shows the page larger than the view's width: the width would make its text smaller
        than readable (``minimum_fit_zoom``), so part of the page needs scrolling sideways."""
        return (self._zoom_mode == "fit_width" and len(self._layout) > 0
                and self._layout.fit_width_zoom(self._fit_width_basis()) < self.minimum_fit_zoom - 1e-6)

    def _fit_width_zoom(self, viewport_width: float) -> float:
        return max(self._layout.fit_width_zoom(viewport_width), self.minimum_fit_zoom)

    def _fit_width_basis(self) -> float:
        width = float(self.viewport().width())
        bar = self.verticalScrollBar()
        if not bar.isVisible() and self.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            width -= bar.sizeHint().width()  # it will appear once pages are laid out
        return width

    def _apply_zoom(self, zoom: float, anchor: QPointF | None, page_top: int | None = None) -> None:
        if not len(self._layout):
            changed = abs(zoom - self._layout.zoom) > 1e-6
            self._layout.set_zoom(zoom)
            if changed:
                emit(self.zoom_changed, zoom)
            return
        if abs(zoom - self._layout.zoom) < 1e-6:
            return
        vp_w, vp_h = self._viewport_size()
        if anchor is None:
            anchor = QPointF(vp_w / 2.0, vp_h / 2.0)
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        target = self._go_to_target if self._target_in_view() is not None else None
        canvas_x = anchor.x() + hbar.value()
        canvas_y = anchor.y() + vbar.value()
        page = self._layout.page_at(canvas_y)
        old_scale = self._layout.scale
        box = self._layout.page_box(page, vp_w)
        pt_x = (canvas_x - box.x) / old_scale
        pt_y = (canvas_y - box.y) / old_scale
        self._layout.set_zoom(zoom)
        self._update_scrollbars()
        if page_top is not None:
            vbar.setValue(round(self._layout.page_top(page_top) - GAP))
        else:
            new_box = self._layout.page_box(page, vp_w)
            scale = self._layout.scale
            vbar.setValue(round(new_box.y + pt_y * scale - anchor.y()))
            hbar.setValue(round(new_box.x + pt_x * scale - anchor.x()))
        self._go_to_target = None
        if target is not None:
            # The place the member went to (a risk chosen in the tree) stays where they are while it is in view:
            # a zoom alone does not make the risk that now starts the view the current one.
            self._go_to_target = (target[0], target[1], vbar.value())
            moved = self._target_in_view()
            if moved is None or not 0.0 <= moved[1] < vp_h:
                self._go_to_target = None
        if not self._any_visible_image():
            self._render_scale = scale = self._layout.scale
        else:
            self._settle_timer.start()
        self._update_current_page()
        self.viewport().update()
        self._schedule_requests()
        emit(self.zoom_changed, zoom)

    def _settle_zoom(self) -> None:
        self._render_scale = self._layout.scale
        self._update_requests()

    def _any_visible_image(self) -> bool:
        return any(page in self._cache for page in self._visible_pages())

    # -- tools, overlays, selection --------------------------------------------------------------------------
    def set_tool(self, mode: str) -> None:
        if mode not in TOOLS:
            raise ValueError(f"unknown tool {mode!r}; expected one of {TOOLS}")
        self._tool = mode
        self._dragging = False
        self._press_pos = None
        self.viewport().unsetCursor()
        self.viewport().update()

    def tool(self) -> str:
        return self._tool

    def set_search_hits(
        self, hits: dict[int, list[Rect]], current: tuple[int, int] | tuple[int, int, int] | None = None
    ) -> None:
        """Highlight ``hits`` ({page: rects}); ``current`` is (page, index of its first rect[, number of rects]):
        a hit broken across lines is current on every line."""
        self._hits = {page: list(rects) for page, rects in hits.items()}
        self._current_hit = (current[0], current[1], current[2] if len(current) > 2 else 1) \
            if current is not None else None
        self.viewport().update()

    def set_annotations(self, annotations: Iterable[Annotation]) -> None:
        by_page: dict[int, list[Annotation]] = {}
        for annotation in annotations:
            by_page.setdefault(annotation.page, []).append(annotation)
        self._annotations = by_page
        self.viewport().update()

    def set_selected_annotation(self, annotation_id: str | None) -> None:
        self._selected_annotation = annotation_id
        self.viewport().update()

    def selected_text(self) -> str:
        return self._selection.text if self._selection else ""

    def selected_quote(self) -> tuple[int, list[Rect], str, str, str] | None:
        """(page, rects per line, quote, prefix, suffix) of the text selection, or None."""
        sel = self._selection
        if sel is None:
            return None
        return (sel.page, list(sel.rects), sel.quote, sel.prefix, sel.suffix)

    def copy_selection(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def clear_selection(self) -> None:
        if self._clear_selection():
            emit(self.selection_changed, False)

    def _clear_selection(self) -> bool:
        had = self._selection is not None
        self._selection = None
        if had:
            self.viewport().update()
        return had

    # -- cache / stats ---------------------------------------------------------------------------------------
    def set_cache_limit(self, limit_bytes: int) -> None:
        self._cache.limit_bytes = limit_bytes
        self._cache.trim(self._visible_pages())

    def render_stats(self) -> dict[str, float]:
        worker = self._worker
        return {
            "cache_bytes": float(self._cache.bytes),
            "cache_limit": float(self._cache.limit_bytes),
            "cache_peak_bytes": float(self._cache.peak_bytes),
            "cache_pages": float(len(self._cache)),
            "cache_evictions": float(self._cache.evictions),
            "text_pages": float(len(self._texts)),
            "pages_rendered": float(worker.pages_rendered if worker else 0),
            "render_seconds": worker.render_seconds if worker else 0.0,
            "longest_worker_call_ms": (worker.longest_call * 1000.0) if worker else 0.0,
            "first_paint_seconds": self.first_paint_seconds if self.first_paint_seconds is not None else -1.0,
        }

    # -- public geometry ---------------------------------------------------------------------------------------
    def map_to_viewport(self, page: int, x: float, y: float) -> QPointF:
        """Viewport coordinates of the PDF point (x, y) on ``page``."""
        return self._page_point_to_viewport(page, x, y)

    def map_rect_to_viewport(self, page: int, rect: Rect) -> QRectF:
        """Viewport rectangle covering the PDF ``rect`` on ``page``."""
        return self._page_rect_to_viewport(page, rect)

    def map_from_viewport(self, pos: QPointF) -> tuple[int, float, float] | None:
        """(page, x, y) in PDF points under the viewport position ``pos``; None outside pages."""
        return self._viewport_to_page(pos)

    def is_page_rendered(self, page: int) -> bool:
        """Whether ``page`` has a sharp image at the current zoom (not a placeholder or a scaled image)."""
        return self._has_image_at(page, self._target_scale())

    # -- geometry helpers ------------------------------------------------------------------------------------
    def _rotation(self, page: int) -> Matrix:
        return self._rotations.get(page, IDENTITY)

    def _inverse(self, page: int) -> Matrix:
        m = self._rotations.get(page)
        return matrix_invert(m) if m else IDENTITY

    def _page_origin(self, page: int) -> QPointF:
        box = self._layout.page_box(page, self.viewport().width())
        return QPointF(box.x - self.horizontalScrollBar().value(), box.y - self.verticalScrollBar().value())

    def _page_viewport_rect(self, page: int) -> QRectF:
        box = self._layout.page_box(page, self.viewport().width())
        return QRectF(
            box.x - self.horizontalScrollBar().value(), box.y - self.verticalScrollBar().value(), box.w, box.h
        )

    def _page_rect_to_viewport(self, page: int, rect: Rect) -> QRectF:
        x0, y0, x1, y1 = rect_apply(self._rotation(page), rect)
        origin = self._page_origin(page)
        s = self._layout.scale
        return QRectF(origin.x() + x0 * s, origin.y() + y0 * s, (x1 - x0) * s, (y1 - y0) * s)

    def _page_point_to_viewport(self, page: int, x: float, y: float) -> QPointF:
        dx, dy = matrix_apply(self._rotation(page), x, y)
        origin = self._page_origin(page)
        s = self._layout.scale
        return QPointF(origin.x() + dx * s, origin.y() + dy * s)

    def _viewport_to_page(self, pos: QPointF, page: int | None = None) -> tuple[int, float, float] | None:
        """(page, x, y) in unrotated PDF points under ``pos``; with ``page``, relative to that page."""
        if not len(self._layout):
            return None
        if page is None:
            page = self._layout.page_at(pos.y() + self.verticalScrollBar().value())
            rect = self._page_viewport_rect(page)
            if not rect.contains(pos):
                return None
        origin = self._page_origin(page)
        s = self._layout.scale
        x, y = matrix_apply(self._inverse(page), (pos.x() - origin.x()) / s, (pos.y() - origin.y()) / s)
        return page, x, y

    def _clamp_to_page(self, page: int, x: float, y: float) -> tuple[float, float]:
        w, h = self._layout.sizes[page]
        corners = [matrix_apply(self._inverse(page), cx, cy) for cx, cy in ((0, 0), (w, h))]
        xs = sorted(c[0] for c in corners)
        ys = sorted(c[1] for c in corners)
        return min(max(x, xs[0]), xs[1]), min(max(y, ys[0]), ys[1])

    def _visible_pages(self) -> range:
        top = float(self.verticalScrollBar().value())
        return self._layout.pages_between(top, top + self.viewport().height())

    # -- scrolling -------------------------------------------------------------------------------------------
    def _update_scrollbars(self) -> None:
        vp_w, vp_h = self._viewport_size()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setRange(0, max(0, round(self._layout.canvas_height - vp_h)))
        vbar.setPageStep(max(1, round(vp_h)))
        vbar.setSingleStep(40)
        hbar.setRange(0, max(0, round(self._layout.canvas_width - vp_w)))
        hbar.setPageStep(max(1, round(vp_w)))
        hbar.setSingleStep(40)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt override)
        self._scroll_idle.start()
        if not self._first_paint_pending:  # placing a just opened packet (its reading position) is no fling
            self._scroll_settle.start()
        self.viewport().update()
        self._update_current_page()
        self._schedule_requests()

    def _update_current_page(self) -> None:
        if not len(self._layout):
            return
        vbar = self.verticalScrollBar()
        if vbar.maximum() > 0 and vbar.value() >= vbar.maximum():
            page = len(self._layout) - 1
        else:
            page = self._layout.page_at(vbar.value() + self.viewport().height() / 3.0)
        if page != self._current_page:
            self._current_page = page
            emit(self.current_page_changed, page)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if len(self._layout):
            position = self.reading_position()
            if self._zoom_mode == "fit_width":
                zoom = self._fit_width_zoom(float(self.viewport().width()))
            elif self._zoom_mode == "fit_page":
                zoom = self._layout.fit_page_zoom(*self._viewport_size(), max(0, self._current_page))
            else:
                zoom = self._layout.zoom
            if abs(zoom - self._layout.zoom) > 1e-6:
                self._layout.set_zoom(zoom)
                if not self._any_visible_image():
                    self._render_scale = self._layout.scale
                else:
                    self._settle_timer.start()
                emit(self.zoom_changed, zoom)
            self._update_scrollbars()
            self._scroll_to(position[0], position[1], exact=True)
        else:
            self._update_scrollbars()
        self._schedule_requests()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._schedule_requests()

    # -- rendering requests and results ------------------------------------------------------------------
    def _schedule_requests(self) -> None:
        if self._worker is not None and not self._request_timer.isActive():
            self._request_timer.start()

    def _target_scale(self) -> float:
        return self._render_scale * self.devicePixelRatioF()

    def _update_requests(self) -> None:
        worker = self._worker
        if worker is None or not len(self._layout):
            return
        visible = self._visible_pages()
        if not len(visible):
            return
        if self._scroll_settle.isActive() and not self._urgent_text:
            worker.set_wanted([])  # still scrolling: drop stale work, render when the view rests
            return
        scale = self._target_scale()
        centre = self.verticalScrollBar().value() + self.viewport().height() / 2.0
        ordered = sorted(
            visible, key=lambda p: abs(self._layout.page_top(p) + self._layout.page_height(p) / 2.0 - centre)
        )
        tasks: list[RenderTask] = []
        for page in self._urgent_text:
            if page not in self._texts:
                tasks.append(RenderTask("text", page))
        for page in ordered:
            if not self._has_image_at(page, scale) and page not in self._broken_pages:
                tasks.append(RenderTask("render", page, scale))
        if not self._scroll_idle.isActive():
            for page in ordered:
                if page not in self._texts:
                    tasks.append(RenderTask("text", page))
        first, last = visible[0], visible[-1]
        neighbours = [last + k for k in range(1, PREFETCH_AFTER + 1)] + [first - k for k in range(1, PREFETCH_BEFORE + 1)]
        for page in neighbours:
            if 0 <= page < len(self._layout) and not self._has_image_at(page, scale) and page not in self._broken_pages:
                tasks.append(RenderTask("render", page, scale))
        worker.set_wanted(tasks)

    def _has_image_at(self, page: int, scale: float) -> bool:
        entry = self._cache.get(page)
        return entry is not None and abs(entry[0] - scale) < 1e-3

    def _on_result(self, result: object) -> None:
        if isinstance(result, ImageResult):
            if result.generation != self._generation:
                return
            result.image.setDevicePixelRatio(self.devicePixelRatioF())
            visible = self._visible_pages()
            self._cache.put(result.page, result.scale, result.image, pinned=visible)
            if result.page in visible:
                self.viewport().update(self._page_viewport_rect(result.page).toAlignedRect().adjusted(-4, -4, 4, 4))
        elif isinstance(result, TextResult):
            if result.generation != self._generation:
                return
            page_text = result.text
            self._texts[page_text.page] = page_text
            self._texts.move_to_end(page_text.page)
            while len(self._texts) > TEXT_CACHE_PAGES:
                self._texts.popitem(last=False)
            self._has_text[page_text.page] = page_text.has_text
            emit(self.text_ready, page_text.page)
            if page_text.page in self._urgent_text:
                self._urgent_text.remove(page_text.page)
            if self._dragging and self._press_page and self._press_page[0] == page_text.page:
                self._update_drag_selection()
        elif isinstance(result, ThumbResult):
            if result.generation == self._generation:
                emit(self.thumbnail_ready, result.page, result.image)
        elif isinstance(result, MetaResult):
            if result.generation == self._generation and result.rotations:
                self._rotations = dict(result.rotations)
                self.viewport().update()
        elif isinstance(result, PageFailed):
            if result.generation == self._generation:
                self._broken_pages.add(result.page)
                self.viewport().update(self._page_viewport_rect(result.page).toAlignedRect().adjusted(-4, -4, 4, 4))
                emit(self.page_broken, result.page)
        elif isinstance(result, ErrorResult):
            if result.generation == self._generation:
                log.warning("page view: %s", result.message)
                emit(self.document_error, result.message)

    def request_thumbnails(self, pages: list[int], width_px: int) -> None:
        """Render thumbnails of ``pages`` (first = most urgent) with the view's own worker — the one owner of the
        packet's document — after the pages on screen."""
        if self._worker is not None:
            self._worker.set_thumbnails(pages, width_px)

    def request_text(self, page: int) -> None:
        """Fetch the page's text layer soon (``text_ready(page)`` follows)."""
        self._want_text_now(page)

    def _want_text_now(self, page: int) -> None:
        if page not in self._texts and page not in self._urgent_text:
            self._urgent_text.append(page)
            self._update_requests()

    # -- painting --------------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        painted_image = False
        try:
            _fill(painter, QRectF(event.rect()), BACKGROUND)
            if not len(self._layout):
                return
            zooming = self._settle_timer.isActive()
            clip = QRectF(event.rect())
            for page in self._visible_pages():
                rect = self._page_viewport_rect(page)
                frame = rect.adjusted(-1, -1, 1, 1)
                if not frame.adjusted(-3, -3, 3, 3).intersects(clip):
                    continue
                # a soft shadow on the right and bottom edges, a hairline border; never blend whole pages
                _fill(painter, QRectF(frame.right(), frame.top() + 3, 3, frame.height()), PAGE_SHADOW)
                _fill(painter, QRectF(frame.left() + 3, frame.bottom(), frame.width() - 3, 3), PAGE_SHADOW)
                painter.setPen(PAGE_BORDER)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(frame.adjusted(0, 0, -1, -1))
                entry = self._cache.get(page)
                if entry is None:
                    painter.fillRect(rect, Qt.GlobalColor.white)
                    label = rect.intersected(QRectF(self.viewport().rect()))
                    if page in self._broken_pages:
                        painter.setPen(BROKEN_PAGE_TEXT)
                        painter.drawText(label.adjusted(24, 0, -24, 0),
                                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, broken_page_text())
                    else:
                        painter.setPen(PLACEHOLDER_TEXT)
                        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, "…")
                else:
                    image = entry[1]
                    exact = abs(image.width() - rect.width() * image.devicePixelRatio()) < 1.5
                    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not zooming and not exact)
                    painter.drawImage(rect, image, QRectF(image.rect()))
                    painted_image = True
                self._paint_overlays(painter, page)
            self._paint_rubber_band(painter)
        finally:
            painter.end()
        if painted_image and self._first_paint_pending:
            self._first_paint_pending = False
            if self._worker is not None:
                # Once this frame has gone to the screen (the flush follows this handler): the worker then takes
                # the GIL (PyMuPDF's import, the document check) and would hold the flush back.
                QTimer.singleShot(0, self, self._worker.first_image_shown)
            self.first_paint_seconds = time.perf_counter() - self._opened_at
            QTimer.singleShot(0, self, lambda: emit(self.first_page_painted))

    def _paint_overlays(self, painter: QPainter, page: int) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        hits = self._hits.get(page)
        if hits:
            painter.setPen(Qt.PenStyle.NoPen)
            current = self._current_hit
            first, last = (current[1], current[1] + current[2]) if current is not None and current[0] == page \
                else (-1, -1)
            for index, rect in enumerate(hits):
                area = self._page_rect_to_viewport(page, rect)
                if first <= index < last:
                    painter.fillRect(area, HIT_CURRENT)
                    painter.setPen(QPen(HIT_CURRENT_EDGE, 1.5))
                    painter.drawRect(area.adjusted(-1, -1, 1, 1))
                    painter.setPen(Qt.PenStyle.NoPen)
                else:
                    painter.fillRect(area, HIT)
        for annotation in self._annotations.get(page, ()):
            self._paint_annotation(painter, page, annotation)
        sel = self._selection
        if sel is not None and sel.page == page:
            for rect in sel.rects:
                painter.fillRect(self._page_rect_to_viewport(page, rect), SELECTION)

    def _paint_annotation(self, painter: QPainter, page: int, annotation: Annotation) -> None:
        # Imported here, not before the first frame: reviewer.annotations pulls in uuid and datetime.
        from reviewer.annotations import category_color

        colour = QColor(category_color(annotation.category))
        selected = annotation.id == self._selected_annotation
        if annotation.kind == "note":
            icon = self._note_icon_rect(page, annotation)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(colour.darker(150), 2.0 if selected else 1.0))
            painter.setBrush(QBrush(colour))
            painter.drawRoundedRect(icon, 3, 3)
            painter.setPen(QPen(QColor(255, 255, 255, 220), 1.2))
            for k in (0.32, 0.5, 0.68):
                y = icon.top() + icon.height() * k
                painter.drawLine(QPointF(icon.left() + 4, y), QPointF(icon.right() - 4, y))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            return
        fill = QColor(colour)
        if annotation.kind == "area":
            fill.setAlpha(70 if selected else 35)
            for rect in annotation.rects:
                area = self._page_rect_to_viewport(page, rect)
                painter.fillRect(area, fill)
                painter.setPen(QPen(colour.darker(120 if not selected else 150), 3.0 if selected else 2.0))
                painter.drawRect(area)
        else:
            fill.setAlpha(140 if selected else 90)
            for rect in annotation.rects:
                painter.fillRect(self._page_rect_to_viewport(page, rect), fill)
            if selected:
                painter.setPen(QPen(colour.darker(160), 1.5))
                for rect in annotation.rects:
                    painter.drawRect(self._page_rect_to_viewport(page, rect).adjusted(-1, -1, 1, 1))
        painter.setPen(Qt.PenStyle.NoPen)

    def _note_icon_rect(self, page: int, annotation: Annotation) -> QRectF:
        x0, y0, _, _ = annotation.rects[0] if annotation.rects else (0.0, 0.0, 0.0, 0.0)
        corner = self._page_point_to_viewport(page, x0, y0)
        return QRectF(corner.x(), corner.y(), NOTE_ICON, NOTE_ICON)

    def _paint_rubber_band(self, painter: QPainter) -> None:
        if not (self._dragging and self._tool == "area" and self._press_page and self._drag_end):
            return
        page, x0, y0 = self._press_page
        x1, y1 = self._drag_end
        rect = self._page_rect_to_viewport(page, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        fill = QColor(RUBBER)
        fill.setAlpha(30)
        painter.fillRect(rect, fill)
        painter.setPen(QPen(RUBBER, 1.0, Qt.PenStyle.DashLine))
        painter.drawRect(rect)

    # -- hit testing -----------------------------------------------------------------------------------------
    def _annotation_at(self, pos: QPointF) -> Annotation | None:
        hit = self._viewport_to_page(pos)
        if hit is None:
            return None
        page, x, y = hit
        tolerance = 2.0 / self._layout.scale
        for annotation in reversed(self._annotations.get(page, [])):
            if annotation.kind == "note":
                if self._note_icon_rect(page, annotation).contains(pos):
                    return annotation
                continue
            for rect in annotation.rects:
                if rect[0] - tolerance <= x <= rect[2] + tolerance and rect[1] - tolerance <= y <= rect[3] + tolerance:
                    return annotation
        return None

    def _link_at(self, pos: QPointF) -> Link | None:
        hit = self._viewport_to_page(pos)
        if hit is None:
            return None
        page, x, y = hit
        text = self._texts.get(page)
        if text is None:
            return None
        for link in text.links:
            r = link.rect
            if r[0] <= x <= r[2] and r[1] <= y <= r[3]:
                return link
        return None

    def _over_text(self, pos: QPointF) -> bool:
        hit = self._viewport_to_page(pos)
        if hit is None:
            return False
        page, x, y = hit
        text = self._texts.get(page)
        if text is None:
            return False
        return any(ln.bbox[0] <= x <= ln.bbox[2] and ln.bbox[1] <= y <= ln.bbox[3] for ln in text.lines)

    def _follow_link(self, link: Link) -> None:
        if link.kind == "goto":
            self.go_to(link.page, link.y, record_history=True)
        elif link.kind in ("uri", "launch"):
            if link.target:
                emit(self.external_link_requested, link.target)
        elif link.kind == "named":
            name = link.target.lower()
            current = max(0, self._current_page)
            targets = {
                "nextpage": current + 1, "prevpage": current - 1,
                "firstpage": 0, "lastpage": len(self._layout) - 1,
            }
            if name in targets:
                self.go_to(targets[name], None, record_history=True)

    # -- mouse -----------------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or not len(self._layout):
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        self._press_pos = QPointF(pos)
        self._press_page = self._viewport_to_page(pos)
        self._drag_end = None
        self._dragging = False
        if self._press_page is not None and self._tool in ("select", "highlight"):
            self._want_text_now(self._press_page[0])
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._press_pos is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if not self._dragging and (pos - self._press_pos).manhattanLength() >= CLICK_SLOP:
                self._dragging = self._press_page is not None
                if self._dragging and self._tool in ("select", "highlight"):
                    self._clear_selection()
            if self._dragging and self._press_page is not None:
                page = self._press_page[0]
                hit = self._viewport_to_page(pos, page)
                if hit is not None:
                    self._drag_end = self._clamp_to_page(page, hit[1], hit[2])
                    if self._tool in ("select", "highlight"):
                        self._update_drag_selection()
                    else:
                        self.viewport().update()
            event.accept()
            return
        self._update_cursor(pos)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            super().mouseReleaseEvent(event)
            return
        pos = event.position()
        pressed = self._press_page
        dragging = self._dragging
        self._press_pos = None
        self._dragging = False
        if dragging and pressed is not None:
            hit = self._viewport_to_page(pos, pressed[0])
            if hit is not None:
                self._drag_end = self._clamp_to_page(pressed[0], hit[1], hit[2])
            self._finish_drag(pressed)
        else:
            self._click(pos, pressed)
        self._press_page = None
        self._drag_end = None
        self.viewport().update()
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.mousePressEvent(event)

    def _update_drag_selection(self) -> None:
        if self._press_page is None or self._drag_end is None:
            return
        page, x0, y0 = self._press_page
        text = self._texts.get(page)
        if text is None:
            return
        rotation = self._rotations.get(page)
        if rotation is None:
            self._selection = select_text(text, (x0, y0), self._drag_end)
        else:
            # Select in the displayed frame (where the text reads left to right), report in PDF space.
            shown = self._display_texts.get(page)
            if shown is None or shown[0] is not text:
                shown = (text, transformed(text, rotation))
                if len(self._display_texts) > 8:
                    self._display_texts.clear()
                self._display_texts[page] = shown
            sel = select_text(shown[1], matrix_apply(rotation, x0, y0), matrix_apply(rotation, *self._drag_end))
            if sel is not None:
                inverse = matrix_invert(rotation)
                sel = replace(sel, rects=tuple(rect_apply(inverse, r) for r in sel.rects))
            self._selection = sel
        self.viewport().update()

    def _finish_drag(self, pressed: tuple[int, float, float]) -> None:
        page, x0, y0 = pressed
        if self._drag_end is None:
            return
        x1, y1 = self._drag_end
        if self._tool in ("select", "highlight"):
            self._update_drag_selection()
            sel = self._selection
            if self._tool == "highlight":
                if sel is not None:
                    self._clear_selection()
                    emit(self.highlight_requested, sel.page, list(sel.rects), sel.quote, sel.prefix, sel.suffix)
            else:
                emit(self.selection_changed, sel is not None)
        elif self._tool == "area":
            rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            if rect[2] - rect[0] >= 2.0 and rect[3] - rect[1] >= 2.0:
                emit(self.area_requested, page, rect)
        elif self._tool == "note":
            emit(self.note_requested, page, x1, y1)

    def _click(self, pos: QPointF, pressed: tuple[int, float, float] | None) -> None:
        annotation = self._annotation_at(pos)
        if annotation is not None and self._tool != "note":
            emit(self.annotation_clicked, annotation.id)
            return
        if self._tool == "note":
            if pressed is not None:
                emit(self.note_requested, pressed[0], pressed[1], pressed[2])
            return
        if self._tool == "select":
            link = self._link_at(pos)
            if link is not None:
                self._follow_link(link)
                return
        self.clear_selection()

    def _update_cursor(self, pos: QPointF) -> None:
        viewport = self.viewport()
        if self._viewport_to_page(pos) is None:
            viewport.setCursor(Qt.CursorShape.ArrowCursor)
            return
        if self._annotation_at(pos) is not None and self._tool != "note":
            viewport.setCursor(Qt.CursorShape.PointingHandCursor)
        elif self._tool == "select" and self._link_at(pos) is not None:
            viewport.setCursor(Qt.CursorShape.PointingHandCursor)
        elif self._tool in ("area", "note"):
            viewport.setCursor(Qt.CursorShape.CrossCursor)
        elif self._over_text(pos):
            viewport.setCursor(Qt.CursorShape.IBeamCursor)
        else:
            viewport.setCursor(Qt.CursorShape.ArrowCursor)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            pos = QPointF(event.pos())  # type: ignore[attr-defined]
            annotation = self._annotation_at(pos)
            tip = ""
            if annotation is not None:
                tip = f"[{annotation.category}] {annotation.text}".strip()
                if annotation.author:
                    tip += f"\n— {annotation.author}"
            elif self._tool == "select":
                link = self._link_at(pos)
                if link is not None and link.kind in ("uri", "launch"):
                    tip = link.target
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- keyboard and wheel ----------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self.zoom() * (1.1 ** steps), event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def _cursor_anchor(self) -> QPointF | None:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        if self.viewport().rect().contains(pos):
            return QPointF(pos)
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        step = max(1, round(self.viewport().height() * 0.9))
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in(self._cursor_anchor())
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out(self._cursor_anchor())
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_width()
        elif alt and key == Qt.Key.Key_Left:
            self.back()
        elif alt and key == Qt.Key.Key_Right:
            self.forward()
        elif key == Qt.Key.Key_PageDown or (key == Qt.Key.Key_Space and not shift):
            vbar.setValue(vbar.value() + step)
        elif key == Qt.Key.Key_PageUp or (key == Qt.Key.Key_Space and shift):
            vbar.setValue(vbar.value() - step)
        elif key == Qt.Key.Key_Home:
            vbar.setValue(vbar.minimum())
        elif key == Qt.Key.Key_End:
            vbar.setValue(vbar.maximum())
        elif key == Qt.Key.Key_Down:
            vbar.setValue(vbar.value() + vbar.singleStep())
        elif key == Qt.Key.Key_Up:
            vbar.setValue(vbar.value() - vbar.singleStep())
        elif key == Qt.Key.Key_Right:
            hbar.setValue(hbar.value() + hbar.singleStep())
        elif key == Qt.Key.Key_Left:
            hbar.setValue(hbar.value() - hbar.singleStep())
        elif key == Qt.Key.Key_Escape:
            self.clear_selection()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(800, 900)
