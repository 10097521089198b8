"""Panels and dialogs on their own: the structure tree (judgements, per-file grouping, follow, progress,
fallbacks), page input parsing, thumbnails, and the op helper (the search panel: test_search_panel.py)."""

from __future__ import annotations

import math
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt

from reviewer.structure.model import Document, Node, Outline

pytestmark = pytest.mark.gui

SHA = "b" * 64
LABELS = ["表紙", "1", "2", "3", "4", "5", "6", "7"]


def outline() -> Outline:
    nodes = [
        Node("chapter", "Ⅱ", "特定個人情報ファイルの概要", 1, 40),
        Node("section", "1", "特定個人情報ファイル名", 1, 80, file="住民基本台帳ファイル"),
        Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 2, 40),
        Node("section", "2", "特定個人情報の入手", 2, 80, file="住民基本台帳ファイル"),
        Node("risk", "1", "目的外の入手が行われるリスク", 2, 120, file="住民基本台帳ファイル", judgement="十分である"),
        Node("risk", "2", "不適切な方法で入手が行われるリスク", 3, 100, file="住民基本台帳ファイル",
             judgement="課題が残されている"),
        Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 4, 40),
        Node("section", "2", "特定個人情報の入手", 4, 80, file="本人確認情報ファイル"),
        Node("risk", "1", "目的外の入手が行われるリスク", 4, 300, file="本人確認情報ファイル",
             judgement="特に力を入れている"),
        Node("chapter", "Ⅳ", "その他のリスク対策", 6, 40),
        Node("item", "①", "自己点検", 6, 90, judgement="十分に行っている"),
    ]
    return Outline(
        sha256=SHA, pages=8, page_labels=LABELS,
        documents=[Document("審議資料", None, 0, 0),
                   Document("住民基本台帳に関する事務 全項目評価書", "全項目評価書", 1, 7, nodes)],
        found_report=True,
    )


@pytest.fixture
def outline_panel(qtbot: Any) -> Any:
    from ui.panels.outline import OutlinePanel

    panel = OutlinePanel()
    panel.resize(420, 600)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_tree_structure_judgements_and_files(outline_panel: Any) -> None:
    from ui.panels.outline import COL_JUDGEMENT, ROLE_JUDGEMENT

    o = outline()
    outline_panel.set_outline(o)
    tree = outline_panel.tree
    assert outline_panel.mode == "structure"
    assert tree.topLevelItemCount() == 2
    report = tree.topLevelItem(1)
    assert report.text(0) == "住民基本台帳に関する事務 全項目評価書" and report.isExpanded()
    chapters = [report.child(i).text(0) for i in range(report.childCount())]
    # The file comes first in view (what tells two Ⅲ apart); the full title is in the tooltip.
    assert chapters == [
        "Ⅱ ファイルの概要（住民基本台帳ファイル）",
        "Ⅲ リスク対策（住民基本台帳ファイル）",
        "Ⅲ リスク対策（本人確認情報ファイル）",
        "Ⅳ その他のリスク対策",
    ]
    assert "Ⅲ（住民基本台帳ファイル） 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in report.child(1).toolTip(0)
    nodes = o.documents[1].nodes
    issue = outline_panel.item_for_node(nodes[5])
    assert issue.text(0) == "リスク2 不適切な方法で入手が行われるリスク"
    assert issue.parent().text(0) == "2. 特定個人情報の入手"
    assert issue.text(COL_JUDGEMENT) == "課題あり"
    assert issue.data(COL_JUDGEMENT, ROLE_JUDGEMENT) == "課題が残されている"
    assert issue.background(COL_JUDGEMENT).color().name() == "#c0392b"
    assert outline_panel.item_for_node(nodes[4]).text(COL_JUDGEMENT) == "十分"
    assert outline_panel.item_for_node(nodes[8]).text(COL_JUDGEMENT) == "特に力"
    assert outline_panel.item_for_node(nodes[10]).text(COL_JUDGEMENT) == "十分"


def test_click_jumps_to_heading_position(outline_panel: Any, qtbot: Any) -> None:
    o = outline()
    outline_panel.set_outline(o)
    item = outline_panel.item_for_node(o.documents[1].nodes[8])
    outline_panel.tree.scrollToItem(item)
    rect = outline_panel.tree.visualItemRect(item)
    with qtbot.waitSignal(outline_panel.jump_requested) as blocker:
        qtbot.mouseClick(outline_panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [4, 300.0]
    doc_item = outline_panel.tree.topLevelItem(0)
    with qtbot.waitSignal(outline_panel.jump_requested) as blocker:
        outline_panel.tree.itemActivated.emit(doc_item, 0)
    assert blocker.args[0] == 0 and math.isnan(blocker.args[1])


def test_follow_selects_deepest_node_without_jumping(outline_panel: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication, QLineEdit

    o = outline()
    outline_panel.set_outline(o)
    other = QLineEdit(outline_panel)
    other.setFocus()
    focused = QApplication.focusWidget()
    nodes = o.documents[1].nodes
    jumps: list[Any] = []
    outline_panel.jump_requested.connect(lambda *args: jumps.append(args))
    outline_panel.follow(3, 400.0)  # inside risk 2 of the first file
    assert outline_panel.tree.currentItem() is outline_panel.item_for_node(nodes[5])
    outline_panel.follow(4, 200.0)  # second Ⅲ, section 2 before its risk 1 (same key as the first file's)
    assert outline_panel.tree.currentItem() is outline_panel.item_for_node(nodes[7])
    outline_panel.follow(4, 310.0)
    assert outline_panel.tree.currentItem() is outline_panel.item_for_node(nodes[8])
    assert jumps == []
    assert QApplication.focusWidget() is focused


def test_progress_counts_per_node(outline_panel: Any) -> None:
    from ui.panels.outline import COL_PROGRESS, node_keys

    o = outline()
    outline_panel.set_outline(o)
    assert outline_panel.tree.isColumnHidden(COL_PROGRESS)
    keys = node_keys(o)[1]
    nodes = o.documents[1].nodes
    # node keys are exactly what Location.node_key() gives for the heading's own position
    for node, key in zip(nodes, keys, strict=True):
        assert o.locate(node.page, node.y).node_key() == key
    assert keys[5] == "1:Ⅲ/2/risk2@住民基本台帳ファイル"
    outline_panel.set_progress({keys[5]: (1, 1, True), keys[3]: (23, 41, False), keys[0]: (0, 0, True)})
    assert not outline_panel.tree.isColumnHidden(COL_PROGRESS)
    assert outline_panel.item_for_node(nodes[5]).text(COL_PROGRESS) == "● 1/1"
    assert outline_panel.item_for_node(nodes[3]).text(COL_PROGRESS) == "23/41"
    assert outline_panel.item_for_node(nodes[3]).toolTip(COL_PROGRESS) == "41 項目のうち 23 項目を確認済み"
    assert outline_panel.item_for_node(nodes[5]).toolTip(COL_PROGRESS) == "1 項目のうち 1 項目を確認済み・コメントあり"
    assert outline_panel.item_for_node(nodes[4]).text(COL_PROGRESS) == ""
    # Nothing to tick under it (Ⅱ), but comments: no 「0/0」.
    assert outline_panel.item_for_node(nodes[0]).text(COL_PROGRESS) == "● コメントあり"
    outline_panel.set_progress({})
    assert outline_panel.tree.isColumnHidden(COL_PROGRESS)


def test_fallback_to_bookmarks_then_pages(outline_panel: Any, qtbot: Any) -> None:
    bookmarks = Outline(sha256=SHA, pages=5, page_labels=["i", "ii", "1", "2", "3"],
                        bookmarks=[(1, "はじめに", 0), (2, "目的", 1), (1, "本編", 2), (2, "詳細", 4)],
                        message="評価書が見つかりませんでした")
    outline_panel.set_outline(bookmarks)
    assert outline_panel.mode == "bookmarks"
    tree = outline_panel.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == ["はじめに", "本編"]
    assert tree.topLevelItem(1).child(0).text(0) == "詳細"
    assert outline_panel.message.text() == "評価書が見つかりませんでした"
    outline_panel.follow(3, 10.0)
    assert tree.currentItem().text(0) == "本編"
    with qtbot.waitSignal(outline_panel.jump_requested) as blocker:
        tree.itemActivated.emit(tree.topLevelItem(1).child(0), 0)
    assert blocker.args[0] == 4

    plain = Outline(sha256=SHA, pages=3, page_labels=["表紙", "1", "2"])
    outline_panel.set_outline(plain)
    assert outline_panel.mode == "pages"
    assert [tree.topLevelItem(i).text(0) for i in range(3)] == [
        "資料 表紙 ページ", "資料 1 ページ", "資料 2 ページ"]
    outline_panel.follow(2, 0.0)
    assert tree.currentItem() is tree.topLevelItem(2)


@pytest.mark.parametrize(("text", "expected"), [
    ("3", (4, "label")),
    ("３", (4, "label")),
    ("資料3", (4, "label")),
    ("資料３ページ", (4, "label")),
    ("p.3", (4, "label")),
    ("- 3 -", (4, "label")),
    ("表紙", (0, "label")),
    ("#3", (2, "pdf")),
    ("PDF 3", (2, "pdf")),
    ("pdf3", (2, "pdf")),
    ("8", (7, "pdf")),  # no page is labelled 8: the PDF's 8th page
    ("#99", None),
    ("99", None),
    ("", None),
    ("なし", None),
])
def test_resolve_page_input(text: str, expected: tuple[int, str] | None) -> None:
    from ui.dialogs.goto_page import resolve_page_input

    labels = ["表紙", "目次", "i", "1", "3", "4", "5", "6"]
    assert resolve_page_input(text, labels) == expected


def test_resolve_page_input_prefixed_labels() -> None:
    from ui.dialogs.goto_page import resolve_page_input

    labels = ["表紙", "資料1", "資料2", "資料129"]
    assert resolve_page_input("129", labels) == (3, "label")
    assert resolve_page_input("資料129", labels) == (3, "label")


def test_thumbnails_render_lazily_with_the_page_views_worker(qtbot: Any, small_packet: tuple[Path, Any]) -> None:
    """Thumbnails come from the page view's render worker — the one owner of the packet's document — and only for
    the rows shown (issue #13: one PDF opener)."""
    from ui.page_view import PageView
    from ui.panels.thumbnails import ThumbnailsPanel

    path, truth = small_packet
    view = PageView()
    qtbot.addWidget(view)
    view.resize(600, 800)
    view.show()
    with qtbot.waitSignal(view.first_page_painted, timeout=20000):
        view.open_document(path)
    asked: list[list[int]] = []
    original = view.request_thumbnails
    view.request_thumbnails = lambda pages, width: (asked.append(list(pages)), original(pages, width))  # type: ignore[method-assign]
    panel = ThumbnailsPanel()
    qtbot.addWidget(panel)
    panel.resize(300, 500)
    panel.set_source(view)
    panel.set_document(path, None, truth.page_labels)
    panel.request_visible()
    assert asked == []  # nothing rendered while hidden
    panel.show()
    qtbot.waitUntil(lambda: 0 in panel.model.cache, timeout=10000)
    visible = panel.visible_rows()
    assert 0 < len(visible) < truth.pages
    qtbot.waitUntil(lambda: all(row in panel.model.cache for row in visible), timeout=10000)
    assert len(panel.model.cache) <= len(visible) + 4  # only what was shown
    assert asked and set(asked[0]) <= set(visible)
    pixmap = panel.model.cache[0]
    assert pixmap.width() > 50 and pixmap.height() > pixmap.width()
    assert panel.model.data(panel.model.index(1)) == truth.page_labels[1]
    with qtbot.waitSignal(panel.page_requested) as blocker:
        panel.view.activated.emit(panel.model.index(2))
    assert blocker.args == [2]
    panel.close_document()
    assert panel.model.rowCount() == 0
    view.close_document()


def _add(a: int, b: int, progress: Any = None) -> int:
    import time

    for step in range(3):
        if progress is not None:
            progress(step + 1, 3)
    time.sleep(0.2)  # progress is best effort: it is dropped once the result has been delivered
    return a + b


def _fail() -> int:
    from reviewer.errors import ReviewerError

    raise ReviewerError("テスト用のエラーです", "test error")


def test_op_delivers_result_progress_and_errors_on_gui_thread(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox, QWidget

    from ui.ops import Op

    owner = QWidget()
    qtbot.addWidget(owner)
    results: list[Any] = []
    threads: list[Any] = []
    progress: list[tuple[int, int]] = []
    done = threading.Event()

    def success(value: int) -> None:
        threads.append(threading.current_thread())
        results.append(value)
        done.set()

    Op(owner, _add, 2, 3).with_progress(lambda d, t: progress.append((d, t))).success(success).run_in_thread()
    qtbot.waitUntil(done.is_set, timeout=5000)
    assert results == [5] and threads == [threading.main_thread()]
    assert progress and progress[-1] == (3, 3)

    shown: list[str] = []
    # Errors appear in a non-blocking box (open(), not a nested exec loop).
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    Op(owner, _fail).run_in_thread()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["テスト用のエラーです"]


def test_op_skips_deleted_receiver_and_cancel(qtbot: Any) -> None:
    from shiboken6 import delete

    from ui.ops import Op

    gate = threading.Event()
    receiver = QObject()
    got: list[int] = []

    def slow() -> int:
        gate.wait(5)
        return 1

    op = Op(receiver, slow).success(got.append).run_in_thread("test-deleted")
    delete(receiver)
    gate.set()
    qtbot.waitUntil(lambda: not op.is_running(), timeout=5000)
    finished = Op(None, lambda: 2).success(got.append).run_in_thread("test-deleted")
    qtbot.waitUntil(lambda: got == [2], timeout=5000)  # the first result was dropped, the lane keeps working
    assert not finished.is_running()

    gate.clear()
    cancelled = Op(None, slow).success(got.append).run_in_thread("test-cancel")
    cancelled.cancel()
    gate.set()
    Op(None, lambda: 3).success(got.append).run_in_thread("test-cancel")
    qtbot.waitUntil(lambda: got == [2, 3], timeout=5000)


def test_op_runs_in_the_worker_process(qtbot: Any) -> None:
    import os

    from ui.ops import Op

    got: list[Any] = []
    progress: list[tuple[int, int]] = []
    Op(None, _add, 20, 22).with_progress(lambda d, t: progress.append((d, t))).success(got.append) \
        .run_in_process()
    Op(None, os.getpid).success(got.append).run_in_process()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=60000)
    assert got[0] == 42
    assert got[1] != os.getpid()  # really another process
    assert progress and progress[-1] == (3, 3)


def _imported_by(modules: str, prefix: str) -> list[str]:
    """The modules starting with ``prefix`` that importing ``modules`` (comma-separated) loads in a fresh
    interpreter."""
    import subprocess
    import sys

    probe = f"import sys, {modules}\nprint(*sorted(m for m in sys.modules if m.startswith({prefix!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    return out.stdout.split()


def test_the_worker_process_side_imports_no_qt() -> None:
    """The worker is spawned for the first packet's analysis: what it imports before the job must not pull in Qt."""
    assert _imported_by("ui.worker, reviewer.analysis, reviewer.search.build", "PySide6") == []


def test_a_packet_seen_before_fills_its_tree_without_pymupdf() -> None:
    """The window imports PyMuPDF after the first page is on screen; the outline panel and the cache readers that a
    re-open uses right after it must not import it themselves (0.15 s on the interpreter lock)."""
    modules = "ui.panels.outline, ui.panels.search, reviewer.analysis, reviewer.search.index"
    assert _imported_by(modules, "pymupdf") == []
    assert _imported_by(modules + ", reviewer.document", "pymupdf")  # the probe sees an import when there is one


def test_the_window_module_imports_no_dialog_before_the_first_frame() -> None:
    """The start builds the window before its first frame: the settings it reads come without the 設定 dialog's
    widgets, and message boxes are imported where one is shown."""
    loaded = _imported_by("ui.main_window", "ui.")
    assert "ui.app_settings" in loaded  # the probe sees the settings module the window reads
    assert "ui.dialogs.settings" not in loaded and "ui.notify" not in loaded


def test_the_source_run_imports_shibokens_support_compiled() -> None:
    """`make`'s setup (scripts/prepare_venv.py) lays shiboken6's signature support out as files, compiled: a start
    from source imports it from the bytecode cache instead of compiling it from the copy inside shiboken6's library
    (what the built app does too, see tests/cli/test_dist.py)."""
    import subprocess

    probe = (
        "import builtins\n"
        "compiled = []\n"
        "original = builtins.compile\n"
        "def counting(source, filename, *args, **kwargs):\n"
        "    compiled.append(str(filename))\n"
        "    return original(source, filename, *args, **kwargs)\n"
        "builtins.compile = counting\n"
        "import PySide6.QtWidgets, sys\n"
        "builtins.compile = original\n"
        "loader = sys.modules['shibokensupport.signature.loader']\n"
        "print(loader.__file__)\n"
        "print(sorted(name for name in compiled if 'shibokensupport' in name))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    loader_file, compiled = done.stdout.splitlines()
    assert "files.dir" in Path(loader_file).parts, f"run `make` (scripts/prepare_venv.py): {loader_file}"
    assert compiled == "[]"  # the imports came from __pycache__
    assert (Path(loader_file).parent / "__pycache__").is_dir()


def test_every_icon_has_its_pngs_at_the_toolbar_sizes(qtbot: Any) -> None:
    """The window's icons come from PNGs rendered at every toolbar size (scripts/build_icons.py), one per SVG."""
    from PySide6.QtGui import QImage

    from reviewer.paths import resource
    from ui.window_actions import ICON_SIZES, PNG_ICONS, icon

    names = sorted(svg.stem for svg in resource("icons").glob("*.svg"))
    assert "back" in names and "app" in names
    for name in names:
        for size in ICON_SIZES:
            image = QImage(str(PNG_ICONS / f"{name}-{size}.png"))
            assert (image.width(), image.height()) == (size, size), (name, size)
            assert image.pixelColor(size // 2, size // 2).alpha() > 0 or any(
                image.pixelColor(x, size // 2).alpha() > 0 for x in range(size)), (name, size)  # drawn, not blank
        loaded = icon(name)
        large = [(256, 256)] if name == "app" else []  # the window icon also has app.png, for task bars
        assert sorted((s.width(), s.height()) for s in loaded.availableSizes()) == [(s, s) for s in ICON_SIZES] + large


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/maps")
def test_the_first_frame_does_not_load_the_svg_icon_engine(tmp_path: Path) -> None:
    """Qt's SVG icon engine (a plugin and its library, about 20 ms) is not loaded to paint the window."""
    import os
    import subprocess

    probe = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.app_settings import AppSettings\n"
        "from ui.main_window import MainWindow\n"
        "window = MainWindow(AppSettings(), ask_member_name=False, open_store=False)\n"
        "window.resize(1400, 900); window.show(); app.processEvents(); window.grab()\n"
        "from ui.window_actions import icon\n"
        "loaded = lambda: any('svg' in line.lower() for line in open('/proc/self/maps'))\n"
        "before = loaded()\n"
        "from PySide6.QtGui import QIcon\n"
        "from reviewer.paths import resource\n"
        "QIcon(str(resource('icons', 'back.svg'))).pixmap(20, 20)\n"
        "print(before, loaded())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIA_REVIEWER_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["False", "True"]  # not for the window; an SVG icon does load it (the probe works)


def test_the_index_helper_runs_from_the_worker_process(qtbot: Any, small_packet: tuple[Path, Any],
                                                       tmp_path: Path) -> None:
    """A first open indexes on two cores from inside the worker (itself a spawned process with a thread)."""
    from index_probe import index_from_the_worker

    from ui.ops import Op

    got: list[tuple[bool, int, int]] = []
    Op(None, index_from_the_worker, str(small_packet[0]), str(tmp_path / "index.db")).success(got.append) \
        .run_in_process()
    qtbot.waitUntil(lambda: bool(got), timeout=90000)
    complete, by_helper, indexed = got[0]
    assert complete and by_helper > 0 and indexed == small_packet[1].pages


@pytest.mark.skipif(sys.platform != "linux", reason="fork is used on Linux only")
def test_the_worker_forks_its_second_process(qtbot: Any) -> None:
    """The worker's parent watcher is a thread, yet the first open's words helper is forked from the worker, not
    spawned (a spawned interpreter costs 0.2 s of imports before its first page); the GUI process spawns."""
    from index_probe import second_process_start_method

    from reviewer.bulk import second_process_context
    from ui.ops import Op

    got: list[str] = []
    Op(None, second_process_start_method).success(got.append).run_in_process()
    qtbot.waitUntil(lambda: bool(got), timeout=60000)
    assert got == ["fork"]
    assert second_process_context().get_start_method() == "spawn"  # this process runs Qt's threads


def _until_cancelled(cancelled: Any = None) -> str:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if cancelled is not None and cancelled():
            return "stopped"
        time.sleep(0.01)
    return "timeout"


def test_process_op_cancel_stops_the_running_job(qtbot: Any) -> None:
    import os
    import time

    from ui.ops import Op

    got: list[Any] = []
    finished: list[str] = []
    long_job = Op(None, _until_cancelled).success(got.append).finally_(lambda: finished.append("long")) \
        .run_in_process()
    qtbot.waitUntil(long_job.is_running, timeout=30000)
    time.sleep(0.3)  # let it start in the worker
    long_job.cancel()
    started = time.monotonic()
    Op(None, os.getpid).success(got.append).run_in_process()
    qtbot.waitUntil(lambda: len(got) == 1, timeout=20000)
    assert isinstance(got[0], int) and time.monotonic() - started < 10  # not stuck behind a 30 s job
    assert finished == ["long"]  # cancelled ops deliver nothing but still call finally_
    assert long_job.result_now(5) == "stopped"


def _tree_texts(tree: Any) -> list[tuple[str, ...]]:
    """Every row (depth-first) as (title, judgement, expanded)."""
    rows: list[tuple[str, ...]] = []

    def walk(item: Any, depth: int) -> None:
        rows.append((str(depth), item.text(0), item.text(1), str(item.isExpanded())))
        for index in range(item.childCount()):
            walk(item.child(index), depth + 1)

    for index in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(index), 0)
    return rows


def test_incremental_fill_matches_the_full_fill(outline_panel: Any, qtbot: Any) -> None:
    from ui.panels.outline import COL_PROGRESS, node_keys

    o = outline()
    outline_panel.set_outline(o)
    expected = _tree_texts(outline_panel.tree)
    assert len(expected) == 1 + 1 + len(o.documents[1].nodes)

    outline_panel.clear()
    done: list[bool] = []
    # budget 0: one unit (one document) per event-loop turn, so the fill really spans several turns
    outline_panel.set_outline_incremental(o, on_done=lambda: done.append(True), budget=0.0)
    assert outline_panel.filling and outline_panel.mode == "structure"
    assert outline_panel.tree.topLevelItemCount() == 1  # the first document only, so far
    keys = node_keys(o)[1]
    outline_panel.set_progress({keys[4]: (1, 1, False)})  # arrives mid-fill: applied once the tree is complete
    with qtbot.waitSignal(outline_panel.fill_finished, timeout=5000):
        pass
    assert done == [True] and not outline_panel.filling
    assert _tree_texts(outline_panel.tree) == expected
    assert outline_panel.item_for_node(o.documents[1].nodes[5]).text(1) == "課題あり"
    assert outline_panel.item_for_node(o.documents[1].nodes[4]).text(COL_PROGRESS) == "1/1"
    outline_panel.follow(3, 400.0)
    assert outline_panel.tree.currentItem() is outline_panel.item_for_node(o.documents[1].nodes[5])


def test_clear_abandons_an_incremental_fill(outline_panel: Any, qtbot: Any) -> None:
    o = outline()
    finished: list[bool] = []
    outline_panel.fill_finished.connect(lambda: finished.append(True))
    outline_panel.set_outline_incremental(o, budget=0.0)
    outline_panel.clear()
    assert not outline_panel.filling and outline_panel.mode == "empty"
    plain = Outline(sha256=SHA, pages=400, page_labels=[str(i) for i in range(400)])
    with qtbot.waitSignal(outline_panel.fill_finished, timeout=5000):
        outline_panel.set_outline_incremental(plain, budget=0.0)
    assert finished == [True]  # only the page list finished; the abandoned structure fill never did
    tree = outline_panel.tree
    assert tree.topLevelItemCount() == 400 and tree.topLevelItem(399).text(0) == "資料 399 ページ"
