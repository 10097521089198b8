"""The page view's plain parts: layout, selection in reading order, fake-bold removal, cache bound, probe."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage

from reviewer.document import TextChar, TextLine
from ui.page_view.latency import EventLoopLatencyProbe
from ui.page_view.layout import GAP, PX_PER_PT, ZOOM_STEPS, PageLayout, next_zoom_step
from ui.page_view.renderer import ImageCache
from ui.page_view.text import (
    PageText,
    drop_overprinted,
    matrix_apply,
    matrix_invert,
    reading_order,
    select_text,
)


def _line(text: str, x: float, y: float, w: float = 10.0, h: float = 10.0) -> TextLine:
    chars = tuple(TextChar(c, (x + i * w, y, x + (i + 1) * w, y + h)) for i, c in enumerate(text))
    return TextLine(text, (x, y, x + len(text) * w, y + h), chars, h)


def test_layout_pages_gaps_and_fit() -> None:
    layout = PageLayout([(600.0, 800.0)] * 3 + [(800.0, 600.0)], zoom=1.0)
    h = round(800 * PX_PER_PT)
    assert layout.page_top(0) == GAP and layout.page_top(1) == GAP + h + GAP
    assert layout.page_at(0) == 0
    assert layout.page_at(GAP + h + 1) == 1  # in the gap below page 0: the next page
    assert layout.page_at(1e9) == 3
    assert list(layout.pages_between(GAP + h - 5, GAP + h + GAP + 5)) == [0, 1]
    assert layout.canvas_width == round(800 * PX_PER_PT) + 2 * GAP
    # fit width uses the typical (median) width, not the one landscape sheet
    assert layout.fit_width_zoom(600 * PX_PER_PT + 2 * GAP) == pytest.approx(1.0)
    assert layout.fit_page_zoom(2000, 800 * PX_PER_PT + 2 * GAP, 0) == pytest.approx(1.0)
    box = layout.page_box(0, 2000)
    assert box.x == pytest.approx((2000 - 600 * PX_PER_PT) / 2, abs=1)


def test_zoom_steps() -> None:
    assert ZOOM_STEPS == (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0)
    assert next_zoom_step(1.0, +1) == 1.1 and next_zoom_step(1.0, -1) == 0.9
    assert next_zoom_step(0.82, +1) == 0.9 and next_zoom_step(0.82, -1) == 0.75
    assert next_zoom_step(4.0, +1) == 4.0 and next_zoom_step(0.5, -1) == 0.5


def _form_page() -> PageText:
    # a label cell on the left and a two-line content cell on the right, as in the 評価書 tables
    lines = [
        _line("事務の名称", 10, 100),
        _line("住民基本台帳に関する事務", 100, 100),
        _line("を行う。", 100, 112),
        _line("対象人数", 10, 140),
    ]
    return PageText(0, reading_order(list(reversed(lines))))


def test_reading_order_rows_then_columns() -> None:
    text = _form_page()
    assert [ln.text for ln in text.lines] == ["事務の名称", "住民基本台帳に関する事務", "を行う。", "対象人数"]
    assert text.stream() == "事務の名称住民基本台帳に関する事務を行う。対象人数"


def test_selection_stays_in_the_content_column_and_orders_lines() -> None:
    text = _form_page()
    # from the middle of 「基本」 on line 1 down to after 「行う」 on line 2
    forward = select_text(text, (125.0, 105.0), (129.0, 117.0))
    backward = select_text(text, (129.0, 117.0), (125.0, 105.0))
    assert forward is not None and backward is not None
    assert forward.text == "基本台帳に関する事務\nを行う" == backward.text
    assert forward.quote == "基本台帳に関する事務を行う"
    assert forward.prefix == "事務の名称住民" and forward.suffix == "。対象人数"
    assert forward.rects == ((120.0, 100.0, 220.0, 110.0), (100.0, 112.0, 130.0, 122.0))
    single = select_text(text, (101.0, 105.0), (119.0, 105.0))
    assert single is not None and single.text == "住民"
    assert select_text(text, (300.0, 300.0), (310.0, 305.0)) is None


def test_drop_overprinted_fake_bold() -> None:
    heading = _line("リスク１：目的外の入手", 40, 157)
    copy = _line("リスク１：目的外の入手", 40.3, 157)
    other = _line("リスク１：目的外の入手", 40, 400)  # same words elsewhere on the page: kept
    assert drop_overprinted([heading, copy, other]) == [heading, other]


def test_rotation_matrix_round_trip() -> None:
    m = (0.0, 1.0, -1.0, 0.0, 780.0, 0.0)  # /Rotate 90 as PyMuPDF gives it
    x, y = matrix_apply(m, 100.0, 200.0)
    assert (x, y) == (580.0, 100.0)
    back = matrix_apply(matrix_invert(m), x, y)
    assert back == pytest.approx((100.0, 200.0))


def test_image_cache_bound_lru_and_pins(qapp) -> None:  # type: ignore[no-untyped-def]
    image = QImage(100, 100, QImage.Format.Format_RGB32)
    size = image.sizeInBytes()
    cache = ImageCache(limit_bytes=size * 3)
    for page in range(3):
        cache.put(page, 1.0, QImage(image))
    cache.get(0)  # page 0 is now the most recently used
    cache.put(3, 1.0, QImage(image))
    assert sorted(cache.pages()) == [0, 2, 3] and cache.bytes == size * 3
    cache.put(4, 1.0, QImage(image), pinned=[2, 3])
    assert sorted(cache.pages()) == [2, 3, 4]
    cache.limit_bytes = size
    cache.trim(pinned=[2, 3, 4])  # what is on screen stays even over the bound
    assert len(cache) == 3
    cache.trim()
    assert cache.pages() == [4] and cache.bytes == size and cache.evictions == 4


def test_latency_probe_sees_a_blocked_event_loop(qtbot) -> None:  # type: ignore[no-untyped-def]
    probe = EventLoopLatencyProbe()
    probe.start()

    def block() -> None:
        end = time.perf_counter() + 0.08
        while time.perf_counter() < end:
            pass

    QTimer.singleShot(20, block)
    qtbot.waitUntil(lambda: probe.max_stall_ms >= 60.0 and probe.ticks > 20, timeout=3000)
    probe.stop()
    assert 60.0 <= probe.max_stall_ms < 1000.0
    assert probe.percentile(50) < probe.max_stall_ms
