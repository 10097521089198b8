"""PageView: opening, navigation, zoom, cache bound, selection/copy, links, tools and overlays."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QApplication

from reviewer.annotations import Annotation, category_color
from reviewer.errors import PasswordRequired
from reviewer.paths import bundled_font
from reviewer.structure.model import Node, Outline
from ui.page_view import PageView

pytestmark = pytest.mark.gui

WORD = "個人番号"
PAGES = 30
NO_TEXT_PAGE = 2
LINK_TARGET_PAGE = 6
URI = "https://example.jp/pia"


def _make_pdf(path: Path, pages: int = PAGES, password: str | None = None) -> Path:
    doc = pymupdf.open()
    font = str(bundled_font())
    for index in range(pages):
        page = doc.new_page(width=595, height=842)
        if index == NO_TEXT_PAGE:
            page.draw_rect(pymupdf.Rect(100, 100, 400, 300), color=(0.2, 0.3, 0.8), fill=(0.85, 0.9, 1.0))
            continue
        page.insert_font(fontname="ipa", fontfile=font)
        page.insert_text((72, 90), f"第{index + 1}頁 特定個人情報保護評価書", fontname="ipa", fontsize=16)
        page.insert_text(
            (72, 140), f"この事務では{WORD}を取り扱う。", fontname="ipa", fontsize=14
        )
        page.insert_text((72, 170), "委託先への提供は行わない。", fontname="ipa", fontsize=14)
        if index == 0:
            page.insert_text((72, 220), "リンク：第7頁へ", fontname="ipa", fontsize=14)
            page.insert_text((72, 260), "外部サイト", fontname="ipa", fontsize=14)
    first = doc[0]
    if pages <= LINK_TARGET_PAGE:
        return _save(doc, path, password)
    first.insert_link({
        "kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(72, 205, 200, 225),
        "page": LINK_TARGET_PAGE, "to": pymupdf.Point(0, 100),
    })
    first.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 245, 150, 265), "uri": URI})
    return _save(doc, path, password)


def _save(doc: pymupdf.Document, path: Path, password: str | None) -> Path:
    if password:
        doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw=password + "!")
    else:
        doc.save(path)
    doc.close()
    return path


@pytest.fixture(scope="module")
def test_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_pdf(tmp_path_factory.mktemp("pv") / "packet.pdf")


def _word_rect(path: Path, page: int, word: str) -> tuple[float, float, float, float]:
    with pymupdf.open(path) as doc:
        hits = doc[page].search_for(word)
    assert hits, f"{word} not on page {page}"
    r = hits[0]
    return (r.x0, r.y0, r.x1, r.y1)


@pytest.fixture
def view(qtbot, test_pdf: Path):  # type: ignore[no-untyped-def]
    widget = PageView()
    qtbot.addWidget(widget)
    widget.resize(700, 800)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.first_page_painted, timeout=10_000):
        widget.open_document(test_pdf)
    yield widget
    widget.close_document()


def _send_mouse(view: PageView, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    global_pos = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def _drag(view: PageView, start: QPointF, end: QPointF) -> None:
    left = Qt.MouseButton.LeftButton
    _send_mouse(view, QEvent.Type.MouseButtonPress, start, left)
    middle = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
    _send_mouse(view, QEvent.Type.MouseMove, middle, left)
    _send_mouse(view, QEvent.Type.MouseMove, end, left)
    _send_mouse(view, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def _click(view: PageView, pos: QPointF) -> None:
    _send_mouse(view, QEvent.Type.MouseButtonPress, pos, Qt.MouseButton.LeftButton)
    _send_mouse(view, QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton)


def _to_view(view: PageView, page: int, x: float, y: float) -> QPointF:
    return view.map_to_viewport(page, x, y)


def _wait_text(qtbot, view: PageView, page: int) -> None:  # type: ignore[no-untyped-def]
    view.go_to(page, record_history=False)
    qtbot.waitUntil(lambda: view.page_has_text(page) is not None, timeout=5000)


def test_open_layout_and_text_flag(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    assert view.page_count() == PAGES
    assert view.current_page() == 0
    assert view.zoom_mode() == "fit_width"
    stats = view.render_stats()
    assert stats["pages_rendered"] >= 1 and stats["cache_bytes"] > 0
    assert 0 < stats["first_paint_seconds"] < 10
    qtbot.waitUntil(lambda: view.page_has_text(0) is True, timeout=5000)
    assert view.page_has_text(PAGES - 1) is None
    _wait_text(qtbot, view, NO_TEXT_PAGE)
    assert view.page_has_text(NO_TEXT_PAGE) is False


def test_go_to_keys_and_current_page(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.current_page_changed, timeout=2000) as blocker:
        view.go_to(12)
    assert blocker.args == [12]
    assert view.current_page() == 12
    page, y = view.reading_position()
    assert page == 12 and y < 20
    view.go_to(20, y=400.0, record_history=False)
    page, y = view.reading_position()
    assert page == 20 and 300 < y < 400
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current_page() == PAGES - 1
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.current_page() == 0
    before = view.verticalScrollBar().value()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    after = view.verticalScrollBar().value()
    assert after > before + view.viewport().height() // 2
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert view.verticalScrollBar().value() == before
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.verticalScrollBar().value() > before


def test_history_back_forward(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    assert not view.can_go_back()
    with qtbot.waitSignal(view.history_changed):
        view.go_to(5)
    view.go_to(15)
    assert view.can_go_back() and not view.can_go_forward()
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.current_page() == 5
    assert view.can_go_forward()
    view.back()
    assert view.current_page() == 0
    assert not view.can_go_back()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.current_page() == 5
    view.forward()
    assert view.current_page() == 15


def test_zoom_steps_fit_modes_and_anchor(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    fit = view.zoom()
    # 700 px wide widget, A4 (595 pt) at 4/3 px per pt: fit width is a bit under 0.85
    assert 0.7 < fit < 0.9
    with qtbot.waitSignal(view.zoom_changed, timeout=1000):
        view.zoom_in()
    assert view.zoom() == pytest.approx(0.9)
    assert view.zoom_mode() == "custom"
    view.zoom_out()
    assert view.zoom() == pytest.approx(0.75)
    view.zoom_out()
    assert view.zoom() == pytest.approx(0.67)
    view.fit_page()
    assert view.zoom_mode() == "fit_page" and view.zoom() < fit
    view.fit_width()
    assert view.zoom() == pytest.approx(fit)

    view.go_to(3, 300.0, record_history=False)
    anchor = QPointF(200, 300)
    before = view.map_from_viewport(anchor)
    assert before is not None
    view.set_zoom(2.0, anchor)
    after = view.map_from_viewport(anchor)
    assert after is not None and after[0] == before[0]
    assert after[1] == pytest.approx(before[1], abs=1.0) and after[2] == pytest.approx(before[2], abs=1.0)

    # Ctrl+- zooms out a step; visible images are scaled until the zoom settles, then re-rendered
    qtbot.waitUntil(lambda: view.is_page_rendered(view.current_page()), timeout=5000)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.75)

    # after the zoom settles, the visible pages are re-rendered at the new scale
    page = view.current_page()
    wanted = view._layout.scale * view.devicePixelRatioF()
    assert view._settle_timer.isActive() and view._target_scale() != pytest.approx(wanted)
    qtbot.waitUntil(lambda: view._settle_timer.isActive() is False, timeout=2000)
    assert view._target_scale() == pytest.approx(wanted)
    qtbot.waitUntil(lambda: view._has_image_at(page, wanted), timeout=5000)
    entry = view._cache.get(page)
    assert entry is not None
    assert entry[1].width() == pytest.approx(595 * 1.75 * 4 / 3 * view.devicePixelRatioF(), abs=2)


def test_cache_stays_under_bound_while_scrolling(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view._cache.get(0) is not None, timeout=5000)
    entry = view._cache.get(0)
    assert entry is not None
    per_page = entry[1].sizeInBytes()
    limit = per_page * 4 + per_page // 2
    view.set_cache_limit(limit)
    for page in range(PAGES):
        view.go_to(page, record_history=False)
        qtbot.waitUntil(lambda p=page: p in view._cache, timeout=5000)
        assert view.render_stats()["cache_bytes"] <= limit
    stats = view.render_stats()
    assert stats["cache_peak_bytes"] <= limit
    assert stats["cache_evictions"] >= PAGES - 5
    assert stats["pages_rendered"] >= PAGES
    assert view.current_page() == PAGES - 1


def test_drag_selects_word_and_copies(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    x0, y0, x1, y1 = _word_rect(test_pdf, 0, WORD)
    mid = (y0 + y1) / 2
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        _drag(view, _to_view(view, 0, x0 + 1, mid), _to_view(view, 0, x1 - 1, mid))
    assert blocker.args == [True]
    assert view.selected_text() == WORD
    quote = view.selected_quote()
    assert quote is not None and quote[0] == 0 and quote[2] == WORD
    assert quote[3].endswith("この事務では") and quote[4].startswith("を取り扱う")
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == WORD
    with qtbot.waitSignal(view.selection_changed) as cleared:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert cleared.args == [False] and view.selected_text() == ""


def test_multi_line_selection_in_reading_order(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    a = _word_rect(test_pdf, 0, "この事務")
    b = _word_rect(test_pdf, 0, "行わない")
    _drag(view, _to_view(view, 0, a[0] + 1, (a[1] + a[3]) / 2), _to_view(view, 0, b[2] - 1, (b[1] + b[3]) / 2))
    assert view.selected_text() == f"この事務では{WORD}を取り扱う。\n委託先への提供は行わない"


def test_internal_link_jumps_and_back(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    link = _word_rect(test_pdf, 0, "リンク")
    pos = _to_view(view, 0, (link[0] + link[2]) / 2, (link[1] + link[3]) / 2)
    _send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton)
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    _click(view, pos)
    assert view.current_page() == LINK_TARGET_PAGE
    page, y = view.reading_position()
    assert page == LINK_TARGET_PAGE and 0 <= y < 100
    assert view.can_go_back()
    view.back()
    assert view.current_page() == 0


def test_external_link_emits_without_opening(qtbot, view: PageView, test_pdf: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    opened: list[object] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    r = _word_rect(test_pdf, 0, "外部サイト")
    with qtbot.waitSignal(view.external_link_requested, timeout=1000) as blocker:
        _click(view, _to_view(view, 0, (r[0] + r[2]) / 2, (r[1] + r[3]) / 2))
    assert blocker.args == [URI]
    assert opened == []
    assert view.current_page() == 0


def _contains(outer: tuple[float, ...], inner: tuple[float, ...], slack: float = 1.5) -> bool:
    return (outer[0] <= inner[0] + slack and outer[1] <= inner[1] + slack
            and outer[2] >= inner[2] - slack and outer[3] >= inner[3] - slack)


def test_highlight_tool_emits_rects_quote_context(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    view.set_tool("highlight")
    assert view.tool() == "highlight"
    word = _word_rect(test_pdf, 0, WORD)
    mid = (word[1] + word[3]) / 2
    with qtbot.waitSignal(view.highlight_requested, timeout=2000) as blocker:
        _drag(view, _to_view(view, 0, word[0] + 1, mid), _to_view(view, 0, word[2] - 1, mid))
    page, rects, quote, prefix, suffix = blocker.args
    assert page == 0 and quote == WORD
    assert len(rects) == 1 and _contains(rects[0], word)
    assert rects[0][2] - rects[0][0] < (word[2] - word[0]) + 10
    assert prefix.endswith("この事務では") and suffix.startswith("を取り扱う。")
    assert view.selected_quote() is None


def test_area_tool_works_on_page_without_text(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    _wait_text(qtbot, view, NO_TEXT_PAGE)
    view.set_tool("area")
    with qtbot.waitSignal(view.area_requested, timeout=2000) as blocker:
        _drag(view, _to_view(view, NO_TEXT_PAGE, 100, 100), _to_view(view, NO_TEXT_PAGE, 400, 300))
    page, rect = blocker.args
    assert page == NO_TEXT_PAGE
    assert rect == pytest.approx((100, 100, 400, 300), abs=2.0)


def test_note_tool_click(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    view.set_tool("note")
    with qtbot.waitSignal(view.note_requested, timeout=2000) as blocker:
        _click(view, _to_view(view, 0, 300, 400))
    page, x, y = blocker.args
    assert page == 0 and x == pytest.approx(300, abs=2.0) and y == pytest.approx(400, abs=2.0)
    with pytest.raises(ValueError):
        view.set_tool("pen")


def _annotation(kind: str, rects: list[tuple[float, float, float, float]], category: str = "質問") -> Annotation:
    return Annotation(
        file_sha256="0" * 64, file_name="packet.pdf", page=0, page_label="1", kind=kind, rects=rects,
        category=category, text="この記載の根拠を確認したい", author="委員A",
    )


def test_annotation_overlays_click_and_look(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=5000)
    word = _word_rect(test_pdf, 0, WORD)
    highlight = _annotation("highlight", [word], "要修正")
    area = _annotation("area", [(300.0, 400.0, 500.0, 500.0)], "意見")
    note = _annotation("note", [(80.0, 600.0, 92.0, 612.0)], "質問")
    view.set_annotations([highlight, area, note])
    view.set_selected_annotation(area.id)
    hits = {0: [_word_rect(test_pdf, 0, "委託先"), _word_rect(test_pdf, 0, "特定個人情報")]}
    view.set_search_hits(hits, current=(0, 1))

    with qtbot.waitSignal(view.annotation_clicked, timeout=1000) as blocker:
        _click(view, _to_view(view, 0, 400, 450))
    assert blocker.args == [area.id]
    with qtbot.waitSignal(view.annotation_clicked, timeout=1000) as blocker:
        _click(view, _to_view(view, 0, (word[0] + word[2]) / 2, (word[1] + word[3]) / 2))
    assert blocker.args == [highlight.id]
    icon = _to_view(view, 0, 80, 600)
    with qtbot.waitSignal(view.annotation_clicked, timeout=1000) as blocker:
        _click(view, QPointF(icon.x() + 6, icon.y() + 6))
    assert blocker.args == [note.id]

    qtbot.waitUntil(lambda: view.is_page_rendered(0), timeout=5000)
    image = view.grab().toImage()
    image.save("/tmp/page_view_overlays.png")

    def colour_at(x: float, y: float) -> QColor:
        p = _to_view(view, 0, x, y)
        dpr = image.devicePixelRatio()
        return image.pixelColor(round(p.x() * dpr), round(p.y() * dpr))

    inside_area = colour_at(480, 480)
    expected = QColor(category_color("意見"))
    assert inside_area != QColor(Qt.GlobalColor.white)
    assert inside_area.blue() > inside_area.red()  # a light blue wash of the 意見 colour
    assert expected.blue() > expected.red()
    hit = hits[0][0]
    hit_colour = colour_at(hit[0] + 1, hit[1] + 1)
    assert hit_colour.red() > 200 and hit_colour.blue() < 200  # yellow/orange search hit
    background = image.pixelColor(2, 2)
    assert background.red() < 240 and abs(background.red() - background.blue()) < 12  # calm grey


def test_password_protected_document(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _make_pdf(tmp_path / "locked.pdf", pages=3, password="himitsu")
    widget = PageView()
    qtbot.addWidget(widget)
    widget.resize(600, 700)
    widget.show()
    with pytest.raises(PasswordRequired):
        widget.open_document(path)
    with qtbot.waitSignal(widget.first_page_painted, timeout=10_000):
        widget.open_document(path, password="himitsu")
    assert widget.page_count() == 3
    widget.close_document()
    assert widget.page_count() == 0


def test_wrong_password_with_page_sizes_reports_error(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _make_pdf(tmp_path / "locked.pdf", pages=2, password="himitsu")
    widget = PageView()
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.document_error, timeout=5000) as blocker:
        widget.open_document(path, password="wrong", page_sizes=[(595.0, 842.0)] * 2)
    assert "パスワード" in blocker.args[0]
    widget.close_document()


def test_generated_small_packet(qtbot, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.find_spec("reviewer.samples")
    if spec is None:
        pytest.skip("reviewer.samples not available yet")
    samples = importlib.import_module("reviewer.samples")
    if not hasattr(samples, "generate_packet"):
        pytest.skip("reviewer.samples.generate_packet not available yet")
    path, truth = request.getfixturevalue("small_packet")
    widget = PageView()
    qtbot.addWidget(widget)
    widget.resize(800, 900)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.first_page_painted, timeout=10_000):
        widget.open_document(Path(path))
    count = widget.page_count()
    assert count > 10
    # drag across a risk heading the generator placed: the selection is exactly that heading's text
    assert isinstance(truth, Outline)
    node, rect = _findable_heading(Path(path), truth)
    widget.go_to(node.page, node.y)
    qtbot.waitUntil(lambda: widget.page_text(node.page) is not None, timeout=5000)
    mid = (rect[1] + rect[3]) / 2
    with qtbot.waitSignal(widget.selection_changed, timeout=2000):
        _drag(widget, widget.map_to_viewport(node.page, rect[0] + 0.5, mid),
              widget.map_to_viewport(node.page, rect[2] - 0.5, mid))
    assert widget.selected_text().replace(" ", "") == node.title.replace(" ", "")
    widget.go_to(count // 2)
    assert widget.current_page() == count // 2
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert widget.current_page() == count - 1
    qtbot.waitUntil(lambda: widget.is_page_rendered(count - 1), timeout=5000)
    widget.grab().save("/tmp/page_view_small_packet.png")
    widget.close_document()




def _findable_heading(path: Path, truth: Outline) -> tuple[Node, tuple[float, float, float, float]]:
    """A risk heading of the generated packet whose title occurs once, on one line, at the node's y."""
    with pymupdf.open(path) as doc:
        for document in truth.documents:
            for node in document.nodes:
                if node.kind != "risk" or len(node.title) < 6:
                    continue
                hits = doc[node.page].search_for(node.title)
                if len(hits) == 1 and abs(hits[0].y0 - node.y) < 30:
                    r = hits[0]
                    return node, (r.x0, r.y0, r.x1, r.y1)
    pytest.skip("no single-line risk heading found in the generated packet")


def test_resize_in_fit_width_keeps_the_page(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    view.go_to(9, 200.0, record_history=False)
    zoom = view.zoom()
    before = view.reading_position()
    assert before[0] == 9 and 50 < before[1] < 200
    with qtbot.waitSignal(view.zoom_changed, timeout=2000):
        view.resize(900, 800)
    assert view.zoom() > zoom
    assert view.current_page() == 9
    page, y = view.reading_position()
    assert page == 9 and y == pytest.approx(before[1], abs=2.0)


def test_tooltip_shows_annotation_comment(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    area = _annotation("area", [(300.0, 400.0, 500.0, 500.0)], "意見")
    view.set_annotations([area])
    pos = view.map_to_viewport(0, 400, 450).toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "この記載の根拠を確認したい" in QToolTip.text() and "意見" in QToolTip.text()
    QToolTip.hideText()


def test_selection_on_rotated_page(qtbot, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / "ja" / "aurochs__mlit-001059436.pdf"  # both pages /Rotate 90
    if not path.is_file():
        pytest.skip("rotated sample not in corpus")
    word = "事故等調査の流れ"
    box = _word_rect(path, 0, word)
    widget = PageView()
    qtbot.addWidget(widget)
    widget.resize(900, 800)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.first_page_painted, timeout=10_000):
        widget.open_document(path)
    qtbot.waitUntil(lambda: widget.page_text(0) is not None, timeout=5000)
    shown = widget.map_rect_to_viewport(0, box)
    assert shown.width() > shown.height()  # vertical in PDF space, a horizontal line on screen
    mid = shown.center().y()
    with qtbot.waitSignal(widget.selection_changed, timeout=2000):
        _drag(widget, QPointF(shown.left() + 2, mid), QPointF(shown.right() - 2, mid))
    assert widget.selected_text() == word
    quote = widget.selected_quote()
    assert quote is not None and len(quote[1]) == 1
    assert _contains(quote[1][0], box, slack=2.0)
    widget.close_document()


def test_ctrl_wheel_zooms_about_the_cursor(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    view.go_to(4, 300.0, record_history=False)
    anchor = QPointF(450, 500)
    before = view.map_from_viewport(anchor)
    assert before is not None
    zoom = view.zoom()
    event = QWheelEvent(
        anchor, QPointF(view.viewport().mapToGlobal(anchor.toPoint())), QPoint(0, 0), QPoint(0, 240),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom() == pytest.approx(zoom * 1.21, rel=1e-3)
    after = view.map_from_viewport(anchor)
    assert after is not None and after[0] == before[0]
    assert after[1] == pytest.approx(before[1], abs=1.0) and after[2] == pytest.approx(before[2], abs=1.0)
    # without Ctrl the wheel scrolls
    value = view.verticalScrollBar().value()
    plain = QWheelEvent(
        anchor, QPointF(view.viewport().mapToGlobal(anchor.toPoint())), QPoint(0, 0), QPoint(0, -120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(view.viewport(), plain)
    assert view.verticalScrollBar().value() > value


def test_scroll_to_search_hit(qtbot, view: PageView, test_pdf: Path) -> None:  # type: ignore[no-untyped-def]
    hit = _word_rect(test_pdf, 20, "委託先")
    view.set_search_hits({20: [hit], 21: [hit]}, current=(20, 0))
    view.scroll_to_hit(20, hit)
    assert view.current_page() == 20
    assert QRectF(view.viewport().rect()).contains(view.map_rect_to_viewport(20, hit))
    value = view.verticalScrollBar().value()
    view.scroll_to_hit(20, hit)  # already visible: no jump
    assert view.verticalScrollBar().value() == value
    assert not view.can_go_back()


def test_a_search_hit_beyond_the_right_edge_keeps_its_lines_start_in_view(qtbot, view: PageView) -> None:  # type: ignore[no-untyped-def]
    """The page wider than the view (the readable zoom): a hit near the right edge is brought in from the left as
    little as it takes, so the start of its line stays on screen where it can (it used to be centred)."""
    view.set_zoom(3.0)
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0, timeout=5000)
    view.go_to(20)
    view.horizontalScrollBar().setValue(0)
    width = view.viewport().width()
    hit = (470.0, 156.0, 500.0, 172.0)  # a hit near the page's right margin, beyond the view's right edge
    assert view.map_rect_to_viewport(20, hit).right() > width
    view.scroll_to_hit(20, hit)
    target = view.map_rect_to_viewport(20, hit)
    assert QRectF(view.viewport().rect()).contains(target)
    assert target.right() == pytest.approx(width - 24, abs=2)  # just inside the right edge, not centred
