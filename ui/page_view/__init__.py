"""The centre page view: continuous scrolling of a whole packet, rendered in the background.

``PageView`` is a ``QAbstractScrollArea``. All coordinates given to it or received from it are PDF page space
in points, origin at the top-left of the unrotated page (PyMuPDF's text coordinates); pages are 0-based.

Zoom: 1.0 = 100 % = one point is 4/3 logical pixels (96 dpi, like other viewers); renders are made at
``zoom * 4/3 * devicePixelRatio`` so text stays sharp on high-DPI screens. Steps: 50, 67, 75, 90, 100, 110, 125,
150, 175, 200, 300, 400 %.

Public API::

    view = PageView(parent=None)
    view.open_document(path, password=None, page_sizes=None)   # raises PdfOpenError / PasswordRequired when
                                                               # it must read page sizes and cannot open the file
    view.close_document(); view.page_count() -> int; view.document_path() -> Path | None
    view.current_page() -> int                # the page at the top third of the viewport (last page at the end)
    view.reading_position() -> (page, y)      # y in PDF points at the viewport top
    view.go_to(page, y=None, record_history=True)   # y placed ~1/8 from the viewport top
    view.back(); view.forward(); view.can_go_back(); view.can_go_forward()
    view.zoom() -> float; view.set_zoom(factor, anchor: QPointF | None = None)   # anchor in viewport coords
    view.zoom_in(anchor=None); view.zoom_out(anchor=None); view.fit_width(); view.fit_page()
    view.zoom_mode() -> "fit_width" | "fit_page" | "custom"                       # fit_width is the default
    view.set_tool("select" | "highlight" | "area" | "note"); view.tool() -> str
    view.set_search_hits({page: [rect, ...]}, current=(page, index) | None); view.scroll_to_hit(page, rect)
    view.set_annotations(list[reviewer.annotations.Annotation]); view.set_selected_annotation(id | None)
    view.selected_text() -> str; view.selected_quote() -> (page, rects, quote, prefix, suffix) | None
    view.copy_selection(); view.clear_selection()
    view.page_has_text(page) -> bool | None   # None = not read yet
    view.page_text(page) -> PageText | None   # text lines (reading order) and links, once fetched
    view.map_to_viewport(page, x, y) -> QPointF; view.map_rect_to_viewport(page, rect) -> QRectF
    view.map_from_viewport(pos: QPointF) -> (page, x, y) | None
    view.is_page_rendered(page) -> bool       # sharp image at the current zoom is in the cache
    view.set_cache_limit(bytes)               # default 256 MB of rendered images, LRU
    view.render_stats() -> dict               # cache_bytes, cache_peak_bytes, cache_pages, pages_rendered, ...

Signals::

    first_page_painted()                         current_page_changed(int)        zoom_changed(float)
    history_changed()                            selection_changed(bool)
    highlight_requested(int page, list rects, str quote, str prefix, str suffix)
    area_requested(int page, tuple rect)         note_requested(int page, float x, float y)
    annotation_clicked(str id)                   external_link_requested(str uri)   # nothing is opened
    document_error(str message_ja)               # the render worker could not open the file

Keys: PageUp/PageDown/Space/Shift+Space, Home/End, arrows scroll; Ctrl+± zoom about the mouse; Ctrl+0 fit
width; Ctrl+wheel zooms about the cursor; Alt+←/→ back/forward; Ctrl+C copies the selection; Esc clears it.

Tools: "select" drags a text selection (click on a link follows it; click on an annotation emits
``annotation_clicked``); "highlight" drags over text and emits ``highlight_requested`` (rects per line, quote and
32 characters of context); "area" drags a rectangle (``area_requested``, also on pages without text); "note"
clicks (``note_requested``).

Threading: a ``RenderWorker`` thread opens its own PyMuPDF document (path + password) and is the only code that
touches it; it serves a priority queue that the view replaces on every scroll (visible pages, then their text,
then neighbours), so stale requests are dropped, and rasterises in short strips so the GUI thread never waits
long for the GIL. ``ui.page_view.latency.EventLoopLatencyProbe`` measures GUI stalls.
"""

from ui.page_view.latency import EventLoopLatencyProbe
from ui.page_view.layout import ZOOM_STEPS
from ui.page_view.text import Link, PageText
from ui.page_view.view import TOOLS, PageView

__all__ = ["TOOLS", "ZOOM_STEPS", "EventLoopLatencyProbe", "Link", "PageText", "PageView"]
