"""Where each page sits in the scrolled canvas (plain Python, no Qt).

Pages are stacked vertically, separated by ``GAP`` logical pixels and centred horizontally. Sizes are the
displayed (rotated) page sizes in points; ``zoom`` 1.0 means 100 % = 96 logical px per inch, i.e. one point is
4/3 logical pixels, like other PDF viewers.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

PX_PER_PT = 96.0 / 72.0
GAP = 12  # logical px between pages and around the stack
A4_WIDTH_PT = 595.28  # the form's paper, portrait
ZOOM_STEPS: tuple[float, ...] = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0)
MIN_ZOOM = 0.1
MAX_ZOOM = 8.0


@dataclass(frozen=True, slots=True)
class PageBox:
    """A page's rectangle in canvas pixels (before centring: ``x`` is relative to the canvas width)."""

    x: float
    y: float
    w: float
    h: float


class PageLayout:
    """The vertical stack of pages at a zoom."""

    def __init__(self, sizes: list[tuple[float, float]] | None = None, zoom: float = 1.0) -> None:
        self.sizes: list[tuple[float, float]] = list(sizes or [])
        self.zoom = zoom
        self._tops: list[float] = []
        self.canvas_width = 0.0
        self.canvas_height = 0.0
        self.max_page_width_pt = max((w for w, _ in self.sizes), default=0.0)
        self.max_page_height_pt = max((h for _, h in self.sizes), default=0.0)
        widths = sorted(w for w, _ in self.sizes)
        # Fit-width fits the typical page: one A3 sheet in an A4 packet must not shrink every other page.
        self.typical_page_width_pt = widths[len(widths) // 2] if widths else 0.0
        self.relayout()

    @property
    def scale(self) -> float:
        """Logical pixels per point."""
        return self.zoom * PX_PER_PT

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.relayout()

    def relayout(self) -> None:
        scale = self.scale
        tops: list[float] = []
        y = float(GAP)
        for _, h in self.sizes:
            tops.append(y)
            y += round(h * scale) + GAP
        self._tops = tops
        self.canvas_height = y if self.sizes else 0.0
        self.canvas_width = round(self.max_page_width_pt * scale) + 2 * GAP if self.sizes else 0.0

    def __len__(self) -> int:
        return len(self.sizes)

    def page_top(self, page: int) -> float:
        return self._tops[page]

    def page_height(self, page: int) -> float:
        return float(round(self.sizes[page][1] * self.scale))

    def page_width(self, page: int) -> float:
        return float(round(self.sizes[page][0] * self.scale))

    def page_box(self, page: int, viewport_width: float) -> PageBox:
        """The page's box in canvas pixels with the canvas centred in a viewport of ``viewport_width``."""
        width = self.page_width(page)
        canvas = max(self.canvas_width, viewport_width)
        return PageBox((canvas - width) / 2.0, self._tops[page], width, self.page_height(page))

    def page_at(self, y: float) -> int:
        """The page at canvas ``y``; in a gap, the page below it (clamped to the last page)."""
        if not self.sizes:
            return -1
        index = bisect_right(self._tops, y) - 1
        if index < 0:
            return 0
        if y >= self._tops[index] + self.page_height(index) and index + 1 < len(self.sizes):
            return index + 1
        return index

    def pages_between(self, y0: float, y1: float) -> range:
        """Pages intersecting the canvas band [y0, y1]."""
        if not self.sizes or y1 < y0:
            return range(0)
        first = max(0, bisect_right(self._tops, y0) - 1)
        if self._tops[first] + self.page_height(first) < y0:
            first += 1
        last = max(0, bisect_right(self._tops, y1) - 1)
        return range(first, min(last, len(self.sizes) - 1) + 1)

    def fit_width_zoom(self, viewport_width: float) -> float:
        if not self.sizes or self.typical_page_width_pt <= 0:
            return 1.0
        return clamp_zoom((viewport_width - 2 * GAP) / (self.typical_page_width_pt * PX_PER_PT))

    def fit_page_zoom(self, viewport_width: float, viewport_height: float, page: int) -> float:
        if not self.sizes:
            return 1.0
        w, h = self.sizes[max(0, min(page, len(self.sizes) - 1))]
        zw = (viewport_width - 2 * GAP) / (w * PX_PER_PT)
        zh = (viewport_height - 2 * GAP) / (h * PX_PER_PT)
        return clamp_zoom(min(zw, zh))


def clamp_zoom(zoom: float) -> float:
    return max(MIN_ZOOM, min(MAX_ZOOM, zoom))


def next_zoom_step(zoom: float, direction: int) -> float:
    """The next step of ``ZOOM_STEPS`` above (direction > 0) or below ``zoom``."""
    if direction > 0:
        for step in ZOOM_STEPS:
            if step > zoom + 1e-3:
                return step
        return ZOOM_STEPS[-1]
    for step in reversed(ZOOM_STEPS):
        if step < zoom - 1e-3:
            return step
    return ZOOM_STEPS[0]
