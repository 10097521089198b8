"""The annotation controller on a real page view and store: tools driven with the mouse, the comment editor,
undo/redo with named entries, review marks and progress, and panel clicks that jump to the passage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pymupdf
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDockWidget

from reviewer.annotations import CONTEXT_CHARS
from reviewer.document import file_sha256
from reviewer.paths import bundled_font
from reviewer.structure.model import Document, Node, Outline

pytestmark = pytest.mark.gui

LINES_P0 = [
    (60, "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策"),
    (100, "２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）"),
    (140, "リスク１：目的外の入手が行われるリスク"),
    (180, "対象者以外の情報の入手を防止するための措置の内容"),
    (220, "窓口では本人確認書類により本人であることを確認する。"),
    (260, "必要な情報以外を入手することを防止するための措置を講じている。"),
    (400, "リスク２：不適切な方法で入手が行われるリスク"),
    (440, "郵送による届出は返信用封筒により受け付ける。"),
]
LINES_P1 = [
    (80, "３．特定個人情報の使用"),
    (120, "リスク１：目的を超えた紐付けが行われるリスク"),
    (160, "宛名システムとの連携は必要な項目に限定している。"),
]


def make_packet(path: Path) -> Outline:
    """A 3-page packet: two pages of Ⅲ text, and a page without any text layer (a drawn table)."""
    doc = pymupdf.open()
    font = str(bundled_font())
    for lines in (LINES_P0, LINES_P1):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=font)
        for y, text in lines:
            page.insert_text((60, y), text, fontname="ipa", fontsize=11)
    page = doc.new_page(width=595, height=842)
    page.draw_rect(pymupdf.Rect(80, 120, 500, 360), color=(0, 0, 0), width=1)
    page.draw_line(pymupdf.Point(80, 200), pymupdf.Point(500, 200), color=(0, 0, 0))
    doc.save(path)
    doc.close()
    nodes = [
        Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 0, 48),
        Node("section", "2", "特定個人情報の入手", 0, 88),
        Node("risk", "1", "目的外の入手が行われるリスク", 0, 128, judgement="十分である"),
        Node("risk", "2", "不適切な方法で入手が行われるリスク", 0, 388, judgement="課題が残されている"),
        Node("section", "3", "特定個人情報の使用", 1, 68),
        Node("risk", "1", "目的を超えた紐付けが行われるリスク", 1, 108, judgement="十分である"),
        Node("chapter", "Ⅳ", "その他のリスク対策", 2, 20),
        Node("section", "1", "監査", 2, 40),
    ]
    sha = file_sha256(path)
    return Outline(
        sha256=sha, pages=3, page_labels=["1", "2", "3"],
        documents=[Document("テスト事務 全項目評価書", "全項目評価書", 0, 2, nodes)], found_report=True,
    )


@pytest.fixture
def packet(tmp_path: Path) -> tuple[Path, Outline]:
    path = tmp_path / "packet.pdf"
    return path, make_packet(path)


@pytest.fixture
def store(isolated_profile: Path) -> Iterator[Any]:
    from reviewer.store import Store

    s = Store.open(isolated_profile)
    s.set_setting("member_name", "委員A")
    yield s
    s.close()


@pytest.fixture
def rig(qtbot: Any, packet: tuple[Path, Outline], store: Any) -> Iterator[Any]:
    """A page view, a dock and an outline panel wired to a controller, with the packet open."""
    from ui.annotate import AnnotationController
    from ui.page_view import PageView
    from ui.panels.outline import OutlinePanel

    path, outline = packet
    view = PageView()
    view.resize(700, 900)
    dock = QDockWidget()
    outline_panel = OutlinePanel()
    qtbot.addWidget(view)
    qtbot.addWidget(dock)
    qtbot.addWidget(outline_panel)
    controller = AnnotationController(page_view=view, store=store, dock=dock, outline_panel=outline_panel)
    view.show()
    with qtbot.waitSignal(view.first_page_painted, timeout=10_000):
        view.open_document(path)
    outline_panel.set_outline(outline)
    controller.set_document(path, outline.sha256, outline.page_labels)
    controller.set_outline(outline)

    r: Any = SimpleNamespace()
    r.view, r.controller, r.store, r.outline, r.path, r.dock = view, controller, store, outline, path, dock
    r.outline_panel = outline_panel
    yield r
    controller.close_document()
    view.close_document()


def word_box(path: Path, page: int, word: str) -> tuple[float, float, float, float]:
    with pymupdf.open(path) as doc:
        hits = doc[page].search_for(word)
    assert hits, word
    r = hits[0]
    return (r.x0, r.y0, r.x1, r.y1)


def to_viewport(view: Any, page: int, x: float, y: float) -> QPoint:
    point: QPointF = view._page_point_to_viewport(page, x, y)
    return point.toPoint()


def drag(qtbot: Any, view: Any, start: QPoint, end: QPoint) -> None:
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    for pos in (middle, end):
        qtbot.mouseMove(viewport, pos)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def finish_editor(qtbot: Any, controller: Any, category: str, text: str) -> None:
    qtbot.waitUntil(lambda: controller.active_editor is not None, timeout=5000)
    editor = controller.active_editor
    editor.category_combo.setCurrentText(category)
    editor.text_edit.setPlainText(text)
    with qtbot.waitSignal(controller.annotations_changed, timeout=5000):
        qtbot.keyClick(editor.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_highlight_with_the_mouse_records_everything(qtbot: Any, rig: Any) -> None:
    view, controller = rig.view, rig.controller
    controller.tool_actions["highlight"].trigger()
    assert view.tool() == "highlight" and controller.tool() == "highlight"
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=10_000)
    x0, y0, x1, y1 = word_box(rig.path, 0, "本人確認書類")
    mid = (y0 + y1) / 2
    drag(qtbot, view, to_viewport(view, 0, x0 + 1, mid), to_viewport(view, 0, x1 - 1, mid))
    finish_editor(qtbot, controller, "質問", "本人確認書類の種類を教えてください。")

    [a] = rig.store.annotations(rig.outline.sha256)
    assert a.kind == "highlight" and a.category == "質問"
    assert a.text == "本人確認書類の種類を教えてください。"
    assert "本人確認書類" in a.quote
    assert a.prefix.endswith("窓口では") and len(a.prefix) <= CONTEXT_CHARS
    assert a.suffix.startswith("により")
    assert a.author == "委員A" and a.file_name == "packet.pdf" and a.file_sha256 == rig.outline.sha256
    assert a.page == 0 and a.page_label == "1"
    assert a.document_title == "テスト事務 全項目評価書"
    assert a.item_label == "Ⅲ 2. リスク1" and a.node_key == "0:Ⅲ/2/risk1"
    bx0, by0, bx1, by1 = a.bounds()
    assert bx0 <= x0 + 2 and bx1 >= x1 - 2 and by0 <= mid <= by1
    assert a.status == "未処理" and len(a.id) == 36 and a.created and a.modified
    # shown on the page and in the panel, named on the undo stack
    assert controller.panel.visible_ids() == [a.id]
    assert controller.undo_action.text().endswith("コメントを追加")
    assert view._annotations[0][0].id == a.id


def test_area_on_a_page_without_text_and_note_at_a_point(qtbot: Any, rig: Any) -> None:
    view, controller = rig.view, rig.controller
    view.go_to(2, 0.0)
    qtbot.waitUntil(lambda: view.current_page() == 2, timeout=5000)
    controller.set_tool("area")
    drag(qtbot, view, to_viewport(view, 2, 100, 130), to_viewport(view, 2, 480, 340))
    finish_editor(qtbot, controller, "意見", "表の見出しが読みにくい。")
    [area] = rig.store.annotations(rig.outline.sha256)
    assert area.kind == "area" and area.page == 2
    for got, want in zip(area.rects[0], (100, 130, 480, 340), strict=True):
        assert abs(got - want) < 2.0
    assert area.quote == ""  # no text layer on this page
    assert area.item_label == "Ⅳ 1." and area.node_key == "0:Ⅳ/1"

    view.go_to(0, 0.0)
    qtbot.waitUntil(lambda: view.current_page() == 0, timeout=5000)
    controller.set_tool("note")
    x0, y0, x1, y1 = word_box(rig.path, 0, "郵送による届出")
    point = to_viewport(view, 0, x0 + 5, (y0 + y1) / 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    finish_editor(qtbot, controller, "要修正", "返信用封筒の扱いを追記してください。")
    notes = [a for a in rig.store.annotations(rig.outline.sha256) if a.kind == "note"]
    assert len(notes) == 1
    note = notes[0]
    assert note.quote == "郵送による届出は返信用封筒により受け付ける。"
    assert note.item_label == "Ⅲ 2. リスク2"
    nx0, ny0, nx1, ny1 = note.rects[0]
    assert nx0 < x0 + 5 < nx1 and ny0 < (y0 + y1) / 2 < ny1 and nx1 - nx0 == pytest.approx(16.0)
    assert note.category == "要修正"


def test_cancelled_editor_adds_nothing_and_escape_returns_to_select(qtbot: Any, rig: Any) -> None:
    view, controller = rig.view, rig.controller
    controller.set_tool("note")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=to_viewport(view, 0, 300, 300))
    qtbot.waitUntil(lambda: controller.active_editor is not None, timeout=5000)
    controller.active_editor.reject()
    qtbot.waitUntil(lambda: controller.active_editor is None)
    assert rig.store.annotations(rig.outline.sha256) == []
    assert controller.tool_actions["select"].shortcut().toString() == "Esc"
    assert controller.tool_actions["highlight"].shortcut().toString() == "H"
    controller.tool_actions["select"].trigger()
    assert view.tool() == "select"


def test_select_then_comment_button(qtbot: Any, rig: Any) -> None:
    view, controller = rig.view, rig.controller
    qtbot.waitUntil(lambda: view.page_text(1) is not None or view.page_text(0) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=10_000)
    x0, y0, x1, y1 = word_box(rig.path, 0, "必要な情報以外")
    mid = (y0 + y1) / 2
    with qtbot.waitSignal(view.selection_changed, timeout=5000):
        drag(qtbot, view, to_viewport(view, 0, x0 + 1, mid), to_viewport(view, 0, x1 - 1, mid))
    assert controller.comment_selection_action.isEnabled()
    controller.comment_selection_action.trigger()
    finish_editor(qtbot, controller, "確認のみ", "")
    [a] = rig.store.annotations(rig.outline.sha256)
    assert a.kind == "highlight" and "必要な情報以外" in a.quote and a.category == "確認のみ"


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard",  # the menu's popup, offscreen
                           'Mouse event "Mouse(Press|Release)" not accepted')  # the right button goes to the menu
def test_right_click_on_selected_text_copies_or_comments_it(qtbot: Any, rig: Any) -> None:
    """The right button on the page offers what can be done there: コピー and 選択範囲にコメント for the selected
    text (the selection survives the right click), and the comment tools."""
    from PySide6.QtGui import QGuiApplication

    view, controller = rig.view, rig.controller
    qtbot.waitUntil(lambda: view.page_text(0) is not None, timeout=10_000)
    x0, y0, x1, y1 = word_box(rig.path, 0, "必要な情報以外")
    mid = (y0 + y1) / 2
    with qtbot.waitSignal(view.selection_changed, timeout=5000):
        drag(qtbot, view, to_viewport(view, 0, x0 + 1, mid), to_viewport(view, 0, x1 - 1, mid))
    selected = view.selected_text()
    assert "必要な情報以外" in selected

    def right_click() -> Any:
        point = to_viewport(view, 0, (x0 + x1) / 2, mid)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                                                                  view.viewport().mapToGlobal(point)))
        qtbot.waitUntil(lambda: controller.page_menu is not None and controller.page_menu.isVisible(), timeout=5000)
        return controller.page_menu

    menu = right_click()
    names = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert names == ["コピー", "選択範囲にコメント", "ハイライト", "範囲", "付箋"]
    assert all(action.isEnabled() for action in menu.actions() if not action.isSeparator())
    QGuiApplication.clipboard().clear()
    menu.actions()[0].trigger()
    menu.hide()
    assert QGuiApplication.clipboard().text() == selected

    menu = right_click()
    assert view.selected_text() == selected  # the right click kept the selection
    next(a for a in menu.actions() if a.text() == "選択範囲にコメント").trigger()
    menu.hide()
    finish_editor(qtbot, controller, "質問", "右クリックからのコメント")
    [a] = rig.store.annotations(rig.outline.sha256)
    assert a.kind == "highlight" and "必要な情報以外" in a.quote and a.text == "右クリックからのコメント"

    view.clear_selection()
    menu = right_click()
    copy, comment = menu.actions()[0], menu.actions()[1]
    assert not copy.isEnabled() and not comment.isEnabled()  # nothing selected: only the tools
    menu.hide()

def _add(controller: Any, text: str, page: int = 0, y: float = 220.0, category: str = "質問") -> Any:
    a = controller.make_annotation(page, "highlight", [(60.0, y - 10, 300.0, y + 2)], category, text,
                                   quote="本人確認書類")
    assert controller.add_annotation(a)
    return a


def test_edit_delete_undo_redo_with_names(qtbot: Any, rig: Any) -> None:
    controller, store, sha = rig.controller, rig.store, rig.outline.sha256
    a = _add(controller, "元の文")
    panel = controller.panel
    panel.select_annotation(a.id)
    panel.text_edit.setPlainText("直した文")
    assert panel.save_edit()
    assert store.get_annotation(a.id).text == "直した文"
    assert controller.undo_action.text().endswith("コメントを編集")

    # status through the edit area: its own undo entry
    panel.status_edit.setCurrentIndex(panel.status_edit.findData("対応済み"))
    panel.save_edit()
    assert store.get_annotation(a.id).status == "対応済み"
    assert controller.undo_action.text().endswith("対応状況を変更")

    panel.select_annotation(a.id)
    panel.delete_button.click()
    assert store.get_annotation(a.id) is None
    assert panel.visible_ids() == []
    assert controller.undo_action.text().endswith("コメントを削除")

    controller.undo.stack.undo()  # undo the delete
    assert store.get_annotation(a.id).text == "直した文"
    assert panel.visible_ids() == [a.id]
    assert controller.redo_action.text().endswith("コメントを削除")
    controller.undo.stack.undo()  # undo the status change
    assert store.get_annotation(a.id).status == "未処理"
    controller.undo.stack.undo()  # undo the text edit
    assert store.get_annotation(a.id).text == "元の文"
    controller.undo.stack.undo()  # undo the add
    assert store.annotations(sha) == []
    assert controller.redo_action.text().endswith("コメントを追加")
    for _ in range(4):
        controller.undo.stack.redo()
    assert store.annotations(sha) == []
    controller.undo.stack.undo()
    restored = store.get_annotation(a.id)
    assert restored is not None and restored.text == "直した文" and restored.status == "対応済み"


def test_consecutive_text_edits_merge_into_one_step(qtbot: Any, rig: Any) -> None:
    controller, store = rig.controller, rig.store
    a = _add(controller, "一")
    panel = controller.panel
    panel.select_annotation(a.id)
    for text in ("一二", "一二三"):
        panel.text_edit.setPlainText(text)
        panel.save_edit()
    assert controller.undo.stack.count() == 2  # add + one merged edit
    controller.undo.stack.undo()
    assert store.get_annotation(a.id).text == "一"
    controller.undo.stack.redo()
    assert store.get_annotation(a.id).text == "一二三"


def test_review_marks_and_progress(qtbot: Any, rig: Any) -> None:
    controller, store, sha, view = rig.controller, rig.store, rig.outline.sha256, rig.view
    progress = controller.progress
    assert progress["0:"] == (0, 6, False)  # 3 risks + Ⅲ 2, Ⅲ 3, Ⅳ 1
    assert progress["0:Ⅲ"] == (0, 5, False) and progress["0:Ⅲ/2"] == (0, 3, False)
    assert progress["0:Ⅲ/2/risk1"] == (0, 1, False)

    controller.show_node_at(0, 200.0)  # inside リスク1 of Ⅲ 2
    panel = controller.panel
    assert "リスク1" in panel.section_label.text() and "十分である" in panel.section_label.text()
    panel.reviewed_check.setChecked(True)
    assert store.review_marks(sha)["0:Ⅲ/2/risk1"].reviewed
    assert controller.undo_action.text().endswith("確認済みにする")
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("疑問あり"))
    assert store.review_marks(sha)["0:Ⅲ/2/risk1"].view == "疑問あり"
    assert controller.undo_action.text().endswith("判断を「疑問あり」にする")

    controller.show_node_at(1, 75.0)  # the heading of Ⅲ 3 (a section mark)
    panel.reviewed_check.setChecked(True)
    _add(controller, "紐付けの範囲は？", page=1, y=160.0)
    progress = controller.progress
    assert progress["0:"] == (2, 6, True)
    assert progress["0:Ⅲ/2"] == (1, 3, False) and progress["0:Ⅲ/3"] == (1, 2, True)
    assert progress["0:Ⅲ/3/risk1"] == (0, 1, True) and progress["0:Ⅳ"] == (0, 1, False)
    assert panel.progress_label.text() == "全体 2/6 確認済み"  # one report: no separate count
    # the outline tree shows it
    item = rig.outline_panel.item_for_key("0:Ⅲ/2")
    assert item is not None and item.text(2) == "1/3" and "確認済み" in item.toolTip(2)
    assert "2/6" in rig.outline_panel.item_for_key("0:").text(2)

    controller.undo.stack.undo()  # the comment
    controller.undo.stack.undo()  # Ⅲ 3 reviewed
    assert controller.progress["0:"] == (1, 6, False)

    # the outline tree's context menu offers the same marks
    menu = controller.outline_menu_for("0:Ⅲ/2/risk2")
    assert menu is not None
    actions = {a.text(): a for a in menu.actions() if a.text()}
    actions["確認済み"].trigger()
    assert store.review_marks(sha)["0:Ⅲ/2/risk2"].reviewed
    assert controller.progress["0:Ⅲ/2"] == (2, 3, False)
    assert controller.outline_menu_for("0:") is None  # a document has no mark of its own
    del view


def test_panel_click_jumps_and_page_click_selects(qtbot: Any, rig: Any) -> None:
    controller, view = rig.controller, rig.view
    first = _add(controller, "一頁目", page=0, y=220.0)
    second = _add(controller, "二頁目", page=1, y=160.0)
    panel = controller.panel
    rig.dock.resize(320, 700)
    rig.dock.show()
    qtbot.waitExposed(rig.dock)
    item = panel.item_for(second.id)
    assert item is not None
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    assert rect.isValid()
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.current_page() == 1, timeout=5000)
    assert view._selected_annotation == second.id
    page, y = view.reading_position()
    assert page == 1 and y < second.top

    # a click on the overlay of the first comment selects it in the panel
    view.go_to(0, 0.0)
    qtbot.waitUntil(lambda: view.current_page() == 0, timeout=5000)
    controller.set_tool("select")
    x0, y0, x1, y1 = first.bounds()
    with qtbot.waitSignal(view.annotation_clicked, timeout=5000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=to_viewport(view, 0, (x0 + x1) / 2, (y0 + y1) / 2))
    assert panel.selected_id() == first.id
    assert panel.text_edit.toPlainText() == "一頁目"


def test_installs_into_the_main_window(qtbot: Any, packet: tuple[Path, Outline], store: Any) -> None:
    from ui.annotate import AnnotationController
    from ui.main_window import MainWindow

    path, outline = packet
    window = MainWindow(ask_member_name=False, open_store=False)
    qtbot.addWidget(window)
    controller = AnnotationController(window)
    menus: dict[str, Any] = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    titles = list(menus)
    assert titles.index("編集(E)") == 1 and titles.index("コメント(C)") < titles.index("ヘルプ(H)")
    comment_entries = [a.text() for a in menus["コメント(C)"].actions()]
    assert comment_entries[:5] == ["選択", "ハイライト", "範囲", "付箋", "選択範囲にコメント"]
    exchange = [a.text() for a in controller.exchange.menu.actions() if a.text()]
    assert "委員長へ送るコメントを書き出す…" in exchange and "委員のコメントを取り込む…" in exchange and "意見一覧を書き出す（Excel）…" in exchange
    assert window.comments_dock.widget().widget().panel is controller.panel  # in a scroll area
    assert controller.tool_actions["area"] in window.toolbar.actions()
    assert not controller.tool_actions["note"].icon().isNull()
    # the window's session announces the store, the packet and its structure; the controller follows
    window.session.set_store(store)
    window.session.adopt(path, outline.sha256, outline.page_labels)
    window.session.adopt_outline(outline)
    assert controller.sha256 == outline.sha256 and controller.outline is outline
    a = controller.make_annotation(0, "note", [(100.0, 100.0, 116.0, 116.0)], "意見", "窓口の体制は？")
    assert controller.add_annotation(a)
    assert menus["編集(E)"].actions()[0].text() == "元に戻す: コメントを追加"
    assert [x.id for x in store.annotations(outline.sha256)] == [a.id]


def test_passphrase_instead_of_an_unavailable_keyring(qtbot: Any, isolated_profile: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    from ui.dialogs.passphrase import PassphraseDialog, open_store_interactively

    dialog = PassphraseDialog(confirm=True)
    qtbot.addWidget(dialog)
    dialog.passphrase_edit.setText("長いパスフレーズです")
    dialog.confirm_edit.setText("違うパスフレーズです")
    assert dialog.validation_error() == "確認用のパスフレーズが一致しません。"
    dialog.passphrase_edit.setText("短い")
    assert "8文字以上" in dialog.validation_error()

    keyring.set_keyring(fail.Keyring())
    asked: list[tuple[bool, str]] = []

    def answer(*replies: str | None) -> Any:
        queue = list(replies)

        def ask(confirm: bool, message: str) -> str | None:
            asked.append((confirm, message))
            return queue.pop(0)
        return ask

    store = open_store_interactively(None, str(isolated_profile), ask=answer("正しいパスフレーズ"))
    assert store is not None and store.passphrase_mode and asked[0][0] is True
    assert "資格情報ストア" in asked[0][1]
    store.set_setting("member_name", "委員A")
    store.close()
    asked.clear()
    store = open_store_interactively(None, str(isolated_profile), ask=answer("違う", "正しいパスフレーズ"))
    assert store is not None and store.get_setting("member_name") == "委員A"
    assert [c for c, _m in asked] == [False, False] and "正しくありません" in asked[1][1]
    store.close()
    warnings: list[str] = []
    from ui import notify

    monkeypatch.setattr(notify, "error", lambda _p, _t, text, *a, **k: warnings.append(text))
    assert open_store_interactively(None, str(isolated_profile), ask=answer("a", "b", "c")) is None
    assert warnings == ["パスフレーズが3回違ったため、コメントの保存先を開けませんでした。"]
    assert open_store_interactively(None, str(isolated_profile), ask=answer(None)) is None
