"""The search panel against a real index: grouping, snippets, F3/Shift+F3 through every hit, the comment group, the
kana option, search-as-you-type, and the lazy paths (a virtual result list, highlights computed per page when they
come into view or in background slices, equal to the eager ones)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def built_index(small_packet: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """The small packet indexed once: (index path, sha256, count of 委託)."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex

    index_path = tmp_path_factory.mktemp("index") / "index.db"
    with Packet.open(small_packet[0]) as packet, SearchIndex(index_path) as index:
        index.build(packet)
        return index_path, packet.sha256, index.count(packet.sha256, "委託")


@pytest.fixture(scope="module")
def eager_rects(built_index: tuple[Path, str, int], small_packet: tuple[Path, Any]) -> dict[int, list[Any]]:
    """Every 委託 hit's rects computed the eager way (the CLI's), per page."""
    from reviewer.search import SearchIndex

    index_path, sha, _count = built_index
    by_page: dict[int, list[Any]] = {}
    with SearchIndex(index_path) as index:
        for hit in index.search(sha, "委託", eager=True, outline=small_packet[1]):
            by_page.setdefault(hit.page, []).extend(hit.rects)
    return by_page


def _panel(qtbot: Any, built_index: tuple[Path, str, int], outline: Any = None, state: str = "ready") -> Any:
    from ui.panels.search import SearchPanel

    index_path, sha, _count = built_index
    panel: Any = SearchPanel()
    qtbot.addWidget(panel)
    panel.resize(360, 500)
    panel.show()
    panel.index_path = str(index_path)
    panel.set_packet(sha, state)
    panel.set_outline(outline)
    return panel


def _rows(panel: Any) -> list[str]:
    model = panel.model
    return [str(model.index(row, 0).data() or "") for row in range(model.rowCount())]


def test_search_panel_against_a_real_index(qtbot: Any, small_packet: tuple[Path, Any],
                                           built_index: tuple[Path, str, int]) -> None:
    from reviewer.annotations import Annotation
    from ui.panels.search import ROLE_HIT, ROLE_HTML

    path, truth = small_packet
    _index_path, sha, expected = built_index
    panel = _panel(qtbot, built_index, truth, state="building")
    note = Annotation(file_sha256=sha, file_name=path.name, page=3, page_label=truth.page_labels[3],
                      kind="note", rects=[(1.0, 1.0, 2.0, 2.0)], category="質問",
                      text="委託先の監督について確認したい", author="委員A")
    panel.annotation_source = lambda: [note]
    panel.query.setText("委託")
    panel.search_now()
    assert panel.status.text() == "索引を作成中…"  # waits for the index
    with qtbot.waitSignal(panel.hits_changed, timeout=10000) as blocker:
        panel.set_index_state("ready")
    hits, current = blocker.args
    assert len(panel.hits) == expected > 0
    assert current is None and hits and set(hits) <= set(panel.hits.pages())
    assert panel.status.text() == f"{expected} 件見つかりました・コメント 1 件"
    # grouped by report, then by section; every hit has a row; each hit row has the page label and the hit in bold
    model = panel.model
    rows = _rows(panel)
    reports = {d.title for d in truth.documents if d.form}
    assert any(rows[0].startswith(r) for r in reports), rows[:3]
    assert rows[1].endswith("件）")  # a section heading
    assert rows[-2] == "コメント（1 件）"
    hit_rows = [row for row in range(model.rowCount()) if isinstance(model.index(row, 0).data(ROLE_HIT), int)]
    numbers = [model.index(row, 0).data(ROLE_HIT) for row in hit_rows]
    assert sorted(numbers) == list(range(expected))  # every hit is listed once (the list is virtual)
    assert all(model.row_of_hit(n) == row for n, row in zip(numbers, hit_rows, strict=True))
    first_row = model.row_of_hit(0)
    assert first_row == hit_rows[0]
    html = model.index(first_row, 0).data(ROLE_HTML)
    assert "<b>委託</b>" in html and f"資料 {panel.hits[0].page_label}" in html
    last_row = model.row_of_hit(expected - 1)
    assert model.index(last_row, 0).data(ROLE_HIT) == expected - 1
    assert "委託" in model.index(last_row, 0).data(Qt_ToolTip())
    # F3 / Shift+F3 move through the hits; Shift+F3 from the first wraps to the very last
    with qtbot.waitSignal(panel.hit_activated) as activated:
        panel.next_hit()
    assert activated.args[0] == panel.hits[0].page and panel.current == 0
    assert panel.results.currentIndex().row() == first_row
    panel.next_hit()
    assert panel.current == 1
    panel.previous_hit()
    with qtbot.waitSignal(panel.hit_activated) as activated:
        panel.previous_hit()
    assert panel.current == expected - 1
    last = panel.hits[expected - 1]
    assert activated.args[0] == last.page
    x0, y0, x1, y1 = activated.args[1]
    assert x0 == min(r[0] for r in last.rects) and y1 == max(r[3] for r in last.rects) and x1 > x0
    assert panel.results.currentIndex().row() == last_row
    assert panel.status.text() == f"{expected} / {expected} 件"
    # the kana option re-runs the search
    with qtbot.waitSignal(panel.hits_changed, timeout=10000):
        panel.kana.setChecked(True)
    assert len(panel.hits) == expected
    with qtbot.waitSignal(panel.comment_activated) as picked:
        panel.results.activated.emit(model.index(model.rowCount() - 1, 0))
    assert picked.args == [note.id, 3]


def Qt_ToolTip() -> Any:  # noqa: N802 - a role constant, kept out of the import list above
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole


def test_search_as_you_type_debounces(qtbot: Any, built_index: tuple[Path, str, int]) -> None:
    panel = _panel(qtbot, built_index)
    searches: list[str] = []
    panel.hits_changed.connect(lambda *_a: searches.append(panel.last_query))
    for text in ("I", "IS", "ISM", "ISMA", "ＩＳＭＡＰ"):
        panel.query.setText(text)
    qtbot.waitUntil(lambda: panel.last_query == "ＩＳＭＡＰ", timeout=5000)
    assert searches == ["ＩＳＭＡＰ"]  # one search after typing stopped
    assert panel.hits
    panel.query.setText("")
    qtbot.waitUntil(lambda: not panel.hits, timeout=3000)


def test_highlights_fill_in_the_background_and_equal_the_eager_rects(
    qtbot: Any, small_packet: tuple[Path, Any], built_index: tuple[Path, str, int],
    eager_rects: dict[int, list[Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import reviewer.search.panel_rows as search

    monkeypatch.setattr(search, "PANEL_EAGER_HITS", 0)  # as for a frequent term in a large packet
    panel = _panel(qtbot, built_index, small_packet[1])
    received: list[tuple[Any, Any]] = []
    panel.hits_changed.connect(lambda hits, current: received.append((hits, current)))
    panel.query.setText("委託")
    panel.search_now()
    qtbot.waitUntil(lambda: bool(panel.hits), timeout=10000)
    first, _current = received[0]
    assert 0 < len(first) < len(eager_rects)  # only the pages around the first hit at first
    assert panel.hits.page_of(0) in first
    qtbot.waitUntil(lambda: not panel.is_filling(), timeout=10000)
    final, current = received[-1]
    assert final == eager_rects and current is None  # then every page, exactly as computed eagerly
    # the last hit: its pair points at its own rects in its page's list
    last = len(panel.hits) - 1
    with qtbot.waitSignal(panel.hits_changed) as blocker:
        panel.go_to_hit(last)
    rects, (page, index, count) = blocker.args
    hit = panel.hits[last]
    assert page == hit.page and rects[page][index:index + count] == hit.rects  # every line of it is current
    assert index + len(hit.rects) == len(eager_rects[page])  # the last hit is the last on its page


def test_pages_on_screen_get_their_highlights_on_demand(
    qtbot: Any, small_packet: tuple[Path, Any], built_index: tuple[Path, str, int],
    eager_rects: dict[int, list[Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import reviewer.search.panel_rows as search

    monkeypatch.setattr(search, "PANEL_EAGER_HITS", 0)
    panel = _panel(qtbot, built_index, small_packet[1])
    panel.set_current_page(0)  # the page view reports what it shows: no background fill
    with qtbot.waitSignal(panel.hits_changed, timeout=10000) as blocker:
        panel.query.setText("委託")
        panel.search_now()
    assert not panel.is_filling()
    shown = set(blocker.args[0])
    far = max(eager_rects)
    assert far not in shown
    with qtbot.waitSignal(panel.hits_changed) as blocker:
        panel.set_current_page(far)
    rects = blocker.args[0]
    assert rects[far] == eager_rects[far]
    assert shown < set(rects) < set(eager_rects) or set(rects) == set(eager_rects)
    assert all(rects[p] == eager_rects[p] for p in rects)


def test_result_list_formats_only_the_rows_it_shows(
    qtbot: Any, small_packet: tuple[Path, Any], built_index: tuple[Path, str, int],
) -> None:
    panel = _panel(qtbot, built_index, small_packet[1])
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.hits_changed, timeout=10000):
        panel.query.setText("の")  # hundreds of hits
        panel.search_now()
    from PySide6.QtCore import QPoint

    count = len(panel.hits)
    assert count > 300
    viewport = panel.results.viewport()
    bottom = QPoint(5, viewport.height() - 5)
    # the rows are laid out in batches: wait until the screen is full and painted
    qtbot.waitUntil(lambda: panel.results.indexAt(bottom).isValid() and len(panel.model._runs) > 5, timeout=5000)
    viewport.repaint()
    formatted = len(panel.model._runs)
    assert 5 < formatted < 60  # a screenful of snippets, not one per hit
    # going to the last hit scrolls the list there and formats that row
    panel.go_to_hit(count - 1)
    qtbot.waitUntil(lambda: count - 1 in panel.model._runs, timeout=5000)
    assert len(panel.model._runs) < 120
