"""Journeys through the real window: a member's day, the chair's day, and a second packet in the same run.

Everything goes through the menus, the toolbar and the dialogs the member sees (dialogs are answered while the app
waits in them); nothing of the app is monkeypatched away. Issue #13.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from journeys import (
    activate,
    answer_file_dialog,
    boxes,
    button_with_text,
    menu_action,
    new_window,
    open_through_menu,
    take_box,
    tree_click,
    type_text,
    when_modal,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def first_report(outline: Any) -> int:
    return next(i for i, d in enumerate(outline.documents) if d.is_report)


def risk_item(window: Any, chapter: str, section: str, risk: str) -> Any:
    """The tree row of a risk of the first report (by the structure's own numbering)."""
    panel = window.outline_panel
    outline = window.outline
    for node in outline.documents[first_report(outline)].nodes:
        if node.kind == "risk" and node.number == risk:
            location = outline.locate(node.page, node.y + 1)
            if location.chapter is not None and location.chapter.number == chapter and \
                    location.section is not None and location.section.number == section:
                item = panel.item_for_node(node)
                assert item is not None
                return item, location.node_key()
    raise AssertionError(f"no risk {chapter} {section} {risk}")


def drag_over(qtbot: Any, view: Any, page: int, rect: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = rect
    mid = (y0 + y1) / 2
    start = view.map_to_viewport(page, x0 + 1, mid).toPoint()
    end = view.map_to_viewport(page, x1 - 1, mid).toPoint()
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + (end - start) * step / 5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def word_on_page(path: Path, page: int, words: tuple[str, ...]) -> tuple[str, tuple[float, float, float, float]]:
    import pymupdf

    with pymupdf.open(path) as doc:
        for word in words:
            hits = doc[page].search_for(word)
            if hits:
                return word, tuple(hits[0])  # type: ignore[return-value]
    raise AssertionError(f"none of {words} on page {page}")


def write_comment(qtbot: Any, window: Any, text: str, category: str = "質問") -> None:
    """Answer the comment editor the way a member does: pick 区分, type, press the save button."""
    controller = window.annotations
    qtbot.waitUntil(lambda: controller.active_editor is not None, timeout=10_000)
    editor = controller.active_editor
    index = editor.category_combo.findData(category)
    assert index >= 0, "the category is one of the fixed choices"
    editor.category_combo.setCurrentIndex(index)
    type_text(editor.text_edit, text)
    with qtbot.waitSignal(controller.annotations_changed, timeout=10_000):
        qtbot.keyClick(editor.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_members_day(qtbot: Any, isolated_profile: Path, tmp_path: Path, sample_packet: tuple[Path, Any],
                       small_packet: tuple[Path, Any]) -> None:
    from ui.dialogs.member_name import MemberNameDialog

    packet, _truth = sample_packet
    window = new_window(qtbot, name=None)
    # First start: the welcome page, not a silently opened sample.
    window.show_welcome()
    assert window.central.currentWidget() is window.welcome
    # The member opens the packet from the welcome page; the app then asks the member's name once.
    answer_file_dialog(packet)

    def name_dialog(dialog: Any) -> None:
        type_text(dialog.name, "山田委員")
        dialog.accept()

    when_modal(name_dialog, wanted=MemberNameDialog, tries=3000)
    with qtbot.waitSignals([window.outline_ready, window.index_ready], timeout=120_000):
        button_with_text(window.welcome, "開く").click()
    qtbot.waitUntil(lambda: window.settings.member_name == "山田委員", timeout=60_000)
    qtbot.waitUntil(lambda: window.store is not None and window.annotations is not None, timeout=60_000)
    controller = window.annotations

    # Tree jump to a risk: the comments panel names that risk at once, and 確認済み marks that risk (bug 3).
    item, key = risk_item(window, "Ⅲ", "2", "2")
    tree_click(qtbot, window.outline_panel.tree, item)
    qtbot.waitUntil(lambda: controller._header is not None and controller._header[0] == key, timeout=5000)
    panel = controller.panel
    assert "リスク2" in panel.section_label.text()
    with qtbot.waitSignal(window.session.changed, timeout=5000):
        panel.reviewed_check.click()
    assert window.store.review_marks(window.sha256)[key].reviewed

    # Highlight a passage with the ハイライト tool from the toolbar, and comment on it.
    view = window.page_view
    page = view.current_page()
    qtbot.waitUntil(lambda: view.page_text(page) is not None, timeout=10_000)
    word, box = word_on_page(packet, page, ("リスク", "特定個人情報", "措置"))
    window.toolbar.widgetForAction(controller.tool_actions["highlight"]).click()
    drag_over(qtbot, view, page, box)
    write_comment(qtbot, window, "委託先の監督方法を具体的に記載してください。")
    [comment] = window.store.annotations(window.sha256)
    assert comment.author == "山田委員" and comment.quote and word[0] in comment.quote
    assert comment.category == "質問"
    assert controller.tool() == "select", "the tool returns to selection after one use"

    # 移動 (Ctrl+G) by the packet's printed page number.
    labels = window.page_labels
    target = next(i for i, label in enumerate(labels) if label == "45")

    def goto(dialog: Any) -> None:
        dialog.edit.setText("45")
        dialog.accept()

    when_modal(goto, wanted=QDialog)
    activate(qtbot, window)
    qtbot.keyClick(view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.current_page() == target, timeout=5000)
    qtbot.waitUntil(lambda: window.page_label.text().startswith("資料 45 ページ"), timeout=5000)

    # Send to the chair: the toolbar button, the save dialog, and a result that says where the file is.
    package = tmp_path / "yamada-comments.json"
    answer_file_dialog(package)
    window.exchange_toolbar.widgetForAction(window.act_send_to_chair).click()
    said = take_box(qtbot, str(package))
    assert "委員長" in said
    data = json.loads(package.read_text("utf-8"))
    items = data.get("items") or data.get("first", {}).get("items") or []
    assert [body["value"] for item in items for body in item["body"] if body["purpose"] == "commenting"] == [
        "委託先の監督方法を具体的に記載してください。"]

    # Close and reopen: the comment and the reading position are there.
    window.close()
    again = new_window(qtbot, name="山田委員")
    answer_file_dialog(packet)
    with qtbot.waitSignal(again.outline_ready, timeout=120_000):
        menu_action(again, "ファイル", "開く…").trigger()
    qtbot.waitUntil(lambda: again.annotations is not None and len(again.session.annotations) == 1, timeout=60_000)
    assert again.page_view.current_page() == target
    qtbot.waitUntil(lambda: again.annotations.panel.visible_ids() == [comment.id], timeout=10_000)

    # A second packet in the same run is fully loaded (bug 2): printed pages, 移動, position saved.
    second, _ = small_packet
    open_through_menu(qtbot, again, second)
    assert again.page_count > 0 and again.session.path == second
    assert again.go_to_label("3")
    qtbot.waitUntil(lambda: "資料" in again.page_label.text() or "PDF" in again.page_label.text(), timeout=5000)
    again.save_reading_position()
    assert again.settings.reading_position(second) is not None


def _member_package(tmp_path: Path, packet: Path, outline: Any, author: str, texts: list[str],
                    doubt: str = "") -> Path:
    """The package a member sends (their 疑問あり on the node ``doubt`` with it, when given)."""
    from reviewer.annotations import Annotation
    from reviewer.exchange.w3c import export_package
    from reviewer.store.models import MemberView

    annotations = []
    for index, text in enumerate(texts):
        node = next(n for n in outline.documents[first_report(outline)].nodes if n.kind == "risk")
        annotations.append(Annotation(
            file_sha256=outline.sha256, file_name=packet.name, page=node.page, page_label=str(node.page + 1),
            kind="area", rects=[(80.0, node.y + 10 * index, 300.0, node.y + 10 * index + 8)], category="意見",
            text=text, author=author))
    out = tmp_path / f"{author}.json"
    views = [MemberView(outline.sha256, doubt, author, False, "疑問あり", "2026-11-30T09:00:00.000Z")] if doubt else []
    export_package(annotations, out, packet_sha256=outline.sha256, packet_name=packet.name, views=views)
    return out


def test_the_chairs_day(qtbot: Any, isolated_profile: Path, tmp_path: Path, small_packet: tuple[Path, Any]) -> None:
    import openpyxl

    packet, _truth = small_packet
    window = new_window(qtbot, name="委員長")
    open_through_menu(qtbot, window, packet)
    outline = window.outline
    item, doubt = risk_item(window, "Ⅲ", "2", "2")
    first = _member_package(tmp_path, packet, outline, "佐藤委員", ["意見A", "意見B"], doubt=doubt)
    second = _member_package(tmp_path, packet, outline, "鈴木委員", ["意見C"])

    # 委員のコメントを取り込む (one click), both files in one dialog: it opens beside the packet the first time.
    opened_in = answer_file_dialog(first, second)
    window.exchange_toolbar.widgetForAction(window.act_import_members).click()
    said = take_box(qtbot, "追加")
    assert "追加 3 件" in said and "佐藤委員" in said and "鈴木委員" in said
    assert "判断への見解 1 件" in said
    qtbot.waitUntil(lambda: len(window.session.annotations) == 3, timeout=10_000)
    # 佐藤委員 found that risk 疑問あり without a comment on it: the chair sees it at the risk.
    tree_click(qtbot, window.outline_panel.tree, item)
    header = window.annotations.panel.others_label
    qtbot.waitUntil(lambda: header.isVisible() and "佐藤委員 疑問あり" in header.text(), timeout=5000)
    # Importing the same files again adds nothing; the dialog opens where they were taken from last time.
    opened_again_in = answer_file_dialog(first, second)
    menu_action(window, "コメント", "取り込み・書き出し", "委員のコメントを取り込む…").trigger()
    assert "変更なし 3 件" in take_box(qtbot, "変更なし")
    assert opened_in + opened_again_in == [packet.parent.resolve(), tmp_path.resolve()]
    assert len(window.store.annotations(window.sha256)) == 3

    # 意見一覧 (Excel) through the ファイル menu, beside the two exchanges.
    sheet = tmp_path / "意見一覧.xlsx"

    def all_reports(dialog: Any) -> None:
        assert dialog.comboBoxItems()[0] == "すべての評価書"
        dialog.setTextValue("すべての評価書")
        dialog.accept()

    when_modal(all_reports, wanted=QInputDialog)
    answer_file_dialog(sheet)
    menu_action(window, "ファイル", "意見一覧を書き出す（Excel）…").trigger()
    assert str(sheet) in take_box(qtbot, "意見一覧")
    workbook = openpyxl.load_workbook(sheet)
    rows = list(workbook.active.iter_rows(values_only=True))
    texts = {cell for row in rows for cell in row if isinstance(cell, str)}
    assert {"意見A", "意見B", "意見C"} <= texts

    # The department answers in the sheet; the chair imports the answered sheet.
    header = next(i for i, row in enumerate(rows) if row and "所管課の回答" in [str(c) for c in row if c])
    answer_col = [str(c) for c in rows[header]].index("所管課の回答")
    sheet_ws = workbook.active
    for row in sheet_ws.iter_rows(min_row=header + 2):
        if row[answer_col - 1].value or any(c.value == "意見A" for c in row):
            row[answer_col].value = "ご指摘を踏まえ修正します。"
    answered = tmp_path / "回答済み.xlsx"
    workbook.save(answered)
    answer_file_dialog(answered)
    menu_action(window, "コメント", "取り込み・書き出し", "所管課の回答を取り込む…").trigger()
    assert "回答" in take_box(qtbot, "回答")
    answers = [a.answer for a in window.store.annotations(window.sha256) if a.answer]
    assert "ご指摘を踏まえ修正します。" in answers


def test_zoom_shortcuts_and_settings_keep_progress(qtbot: Any, isolated_profile: Path,
                                                    small_packet: tuple[Path, Any]) -> None:
    """Ctrl+- and Ctrl++ zoom (bug 5); OK in the settings keeps the tree's 確認 progress (bug 6)."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    view = window.page_view
    activate(qtbot, window)
    before = view.zoom()
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() < before
    smaller = view.zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() > smaller

    controller = window.annotations
    item, key = risk_item(window, "Ⅲ", "2", "1")
    controller.set_review_mark(key, True)
    tree = window.outline_panel.tree
    qtbot.waitUntil(lambda: item.text(2).endswith("1/1"), timeout=5000)

    def settings(dialog: Any) -> None:
        dialog.text_size.setCurrentIndex(dialog.text_size.findData("large"))
        dialog.accept()

    left_before = window.left_dock.width()
    # The member opened the risk's section and closed another report: the redrawn tree keeps both.
    item.parent().setExpanded(True)
    reports = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
               if tree.topLevelItem(i).isExpanded() and tree.topLevelItem(i) is not item.parent().parent()]
    reports[-1].setExpanded(False)
    opened_before = window.outline_panel.expanded_keys()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font_before = app.font()
    when_modal(settings, wanted=QDialog)
    try:
        menu_action(window, "ツール", "設定…").trigger()
        qtbot.waitUntil(lambda: not window.outline_panel.filling, timeout=10_000)
        qtbot.waitUntil(lambda: window.outline_panel.expanded_keys() == opened_before, timeout=5000)
        item, _key = risk_item(window, "Ⅲ", "2", "1")
        qtbot.waitUntil(lambda: item.text(2).endswith("1/1"), timeout=5000)
        assert not tree.isColumnHidden(2)
        # 大きい: the side panels widen with the text (the tree's names stay readable), the page keeps 40 %.
        qtbot.waitUntil(lambda: window.left_dock.width() >= left_before * 1.1, timeout=5000)
        assert window.page_view.width() >= window.width() * 0.4
        # The comments panel widened with its text: its right edge (削除, the filters) is not cut off.
        panel = window.annotations.panel
        qtbot.waitUntil(lambda: panel.width() >= panel.minimumSizeHint().width(), timeout=5000)
    finally:
        app.setFont(font_before)  # the application's font is shared by the tests that follow


def test_a_non_pdf_is_refused_and_not_remembered(qtbot: Any, isolated_profile: Path, tmp_path: Path) -> None:
    """Picking an .xlsx in the open dialog: a clear message, no page, not in 最近使ったファイル (bug 10)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "意見一覧"
    xlsx = tmp_path / "意見一覧.xlsx"
    book.save(xlsx)
    window = new_window(qtbot, name="委員")
    answer_file_dialog(xlsx)
    menu_action(window, "ファイル", "開く…").trigger()
    assert "PDFとして開けません" in take_box(qtbot, "PDF")
    assert window.current_path is None and window.page_view.page_count() == 0
    assert str(xlsx) not in window.settings.recent_files()
    assert QApplication.activeModalWidget() is None


def test_help_opens_with_f1(qtbot: Any, isolated_profile: Path) -> None:
    window = new_window(qtbot, name="委員")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    from ui.dialogs.help import HelpDialog

    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(HelpDialog)), timeout=5000)
    dialog = next(w for w in window.findChildren(HelpDialog) if w.isVisible())
    assert "委員長" in dialog.page_text()
    dialog.close()


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # a popup menu, offscreen
def test_a_judgement_corrected_by_hand_travels_to_the_chair(qtbot: Any, tmp_path: Path,
                                                            small_packet: tuple[Path, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Right-click a risk → 判断を修正… → the tree shows it (marked as a correction); Ctrl+Z takes it back; sent to
    the chair with the comments, the chair's window shows it too (issue #15)."""
    from PySide6.QtWidgets import QDialogButtonBox, QMenu

    from ui.dialogs.correction import CorrectionDialog
    from ui.panels.outline import COL_JUDGEMENT, CORRECTED_MARK

    packet, _truth = small_packet
    member_profile = tmp_path / "member"
    monkeypatch.setenv("PIA_REVIEWER_HOME", str(member_profile))
    window = new_window(qtbot, name="田中委員")
    open_through_menu(qtbot, window, packet)
    item, key = risk_item(window, "Ⅲ", "2", "1")
    detected = item.text(COL_JUDGEMENT)
    wanted = "課題が残されている" if "課題" not in detected else "十分である"
    tree = window.outline_panel.tree
    tree.scrollToItem(item)
    tree.customContextMenuRequested.emit(tree.visualItemRect(item).center())
    menu = tree.findChild(QMenu)
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    assert "確認済み" in texts and "判断を修正…" in texts, texts

    def choose(dialog: Any) -> None:
        dialog.judgement.setCurrentIndex(dialog.judgement.findData(wanted))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(choose, wanted=CorrectionDialog)
    next(a for a in menu.actions() if a.text() == "判断を修正…").trigger()

    def shown_judgement() -> str:
        shown, _key = risk_item(window, "Ⅲ", "2", "1")
        return str(shown.text(COL_JUDGEMENT)) + "|" + str(shown.text(0))

    qtbot.waitUntil(lambda: CORRECTED_MARK in shown_judgement(), timeout=10_000)
    assert ("課題" in shown_judgement()) == (wanted == "課題が残されている")
    activate(qtbot, window)
    qtbot.keyClick(window.page_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: CORRECTED_MARK not in shown_judgement(), timeout=10_000)
    qtbot.keyClick(window.page_view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: CORRECTED_MARK in shown_judgement(), timeout=10_000)

    # A comment, then 委員長へ送る: the package carries the correction.
    comment = window.annotations.make_annotation(item_page(window, key), "area", [(80.0, 100.0, 300.0, 120.0)],
                                                 "意見", "判断の根拠を示してください。")
    window.annotations.add_annotation(comment)
    # The member doubts that risk's judgement in the panel's 判断への見解: the view goes with the comments.
    tree_click(qtbot, window.outline_panel.tree, risk_item(window, "Ⅲ", "2", "1")[0])
    panel = window.annotations.panel
    qtbot.waitUntil(panel.view_combo.isEnabled, timeout=5000)
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("疑問あり"))
    qtbot.waitUntil(lambda: getattr(window.session.marks.get(key), "view", None) == "疑問あり", timeout=5000)
    package = tmp_path / "tanaka.json"
    answer_file_dialog(package)
    window.exchange_toolbar.widgetForAction(window.act_send_to_chair).click()
    assert "確認済み・判断への見解 1 件も入れました" in take_box(qtbot, str(package))
    sent = json.loads(package.read_text("utf-8"))
    assert "pia:corrections" in sent and sent["pia:views"][0]["view"] == "疑問あり"
    window.close()

    chair_profile = tmp_path / "chair"
    monkeypatch.setenv("PIA_REVIEWER_HOME", str(chair_profile))
    chair = new_window(qtbot, name="委員長")
    open_through_menu(qtbot, chair, packet)
    answer_file_dialog(package)
    chair.exchange_toolbar.widgetForAction(chair.act_import_members).click()
    assert "判断への見解 1 件" in take_box(qtbot, "追加")
    qtbot.waitUntil(lambda: CORRECTED_MARK in risk_item(chair, "Ⅲ", "2", "1")[0].text(0), timeout=10_000)
    tree_click(qtbot, chair.outline_panel.tree, risk_item(chair, "Ⅲ", "2", "1")[0])
    others = chair.annotations.panel.others_label
    qtbot.waitUntil(lambda: "田中委員 疑問あり" in others.text(), timeout=5000)
    assert ("課題" in risk_item(chair, "Ⅲ", "2", "1")[0].text(COL_JUDGEMENT)) == (wanted == "課題が残されている")


def item_page(window: Any, key: str) -> int:
    outline = window.outline
    for node in outline.documents[first_report(outline)].nodes:
        if node.kind == "risk" and outline.locate(node.page, node.y + 1).node_key() == key:
            return int(node.page)
    raise AssertionError(key)


def test_shortcuts_selection_highlight_and_unsaved_edit_on_quit(qtbot: Any, isolated_profile: Path,
                                                               small_packet: tuple[Path, Any]) -> None:
    """Friction items of issue #13: single-key tool shortcuts work wherever the focus is in the window (not only on
    the page); ハイライト after selecting text highlights it at once; an edit typed in the comment pane is saved when
    the window closes (Ctrl+Q) — never lost without a word."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    controller = window.annotations
    activate(qtbot, window)
    window.outline_panel.tree.setFocus()
    qtbot.keyClick(window.outline_panel.tree, Qt.Key.Key_R)
    assert controller.tool() == "area", "R chooses the area tool with the focus in the tree"
    qtbot.keyClick(window.outline_panel.tree, Qt.Key.Key_Escape)
    assert controller.tool() == "select"

    # Select text with the select tool, then choose ハイライト: the selection is highlighted at once.
    view = window.page_view
    page = view.current_page()
    qtbot.waitUntil(lambda: view.page_text(page) is not None, timeout=10_000)
    _word, box = word_on_page(small_packet[0], page, ("リスク", "特定個人情報", "評価書", "事務"))
    drag_over(qtbot, view, page, box)
    assert view.selected_quote(), "the select tool selected text"
    controller.tool_actions["highlight"].trigger()
    write_comment(qtbot, window, "選択した語句への質問です。")
    [made] = window.store.annotations(window.sha256)
    assert made.kind == "highlight" and made.quote

    # Type into the comment pane and quit without pressing 変更を保存: the edit is kept.
    panel = controller.panel
    panel.select_annotation(made.id)
    type_text(panel.text_edit, "（追記）")
    store_path = isolated_profile
    assert store_path.exists()
    window.close()
    from reviewer.store import Store

    reopened = Store.open(None)
    try:
        assert "（追記）" in reopened.get_annotation(made.id).text
    finally:
        reopened.close()


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_a_first_open_searches_as_soon_as_it_is_ready_and_highlights_the_word(
        qtbot: Any, isolated_profile: Path, tmp_path: Path, sample_packet: tuple[Path, Any]) -> None:
    """Issue 16: on a first open the search answers as soon as the app says it is ready (the index is made from the
    words the structure detection read; its character boxes are made exact afterwards, in the background). Typed
    half-width, ISMAP finds every ＩＳＭＡＰ the exact index finds, and F3 shows the first on its word."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex

    packet, _truth = sample_packet
    with Packet.open(packet) as opened, SearchIndex(tmp_path / "exact.db") as exact:
        assert exact.build(opened)
        expected = [(hit.page, list(hit.rects)) for hit in exact.search(opened.sha256, "ISMAP")]
    assert expected

    window = new_window(qtbot, name="山田委員")
    open_through_menu(qtbot, window, packet)  # returns once the structure tree and the search are ready
    activate(qtbot, window)
    qtbot.keyClick(window.page_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.search_panel
    qtbot.waitUntil(lambda: panel is not None and panel.query.hasFocus(), timeout=5000)
    # Enter at once after typing: the search runs and shows its first hit (no second Enter needed).
    with qtbot.waitSignals([panel.hits_changed, panel.hit_activated], timeout=20_000):
        type_text(panel.query, "ISMAP")
        qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert [(hit.page, len(hit.rects)) for hit in panel.hits] == [(page, len(rects)) for page, rects in expected]
    assert panel.current == 0 and panel.status.text() == f"1 / {len(expected)} 件"
    qtbot.waitUntil(lambda: window.page_view.current_page() == expected[0][0], timeout=5000)

    with qtbot.waitSignal(panel.hit_activated, timeout=5000):
        qtbot.keyClick(window.page_view, Qt.Key.Key_F3)
    assert panel.current == 1
    page, rects = expected[1]
    qtbot.waitUntil(lambda: window.page_view.current_page() == page, timeout=5000)
    qtbot.waitUntil(lambda: bool(window.page_view._hits.get(page)), timeout=5000)
    shown = window.page_view._hits[page]
    assert all(max(_overlap(tuple(box), tuple(rect)) for box in shown) > 0.5 for rect in rects), (shown, rects)


def test_a_comment_found_by_search_is_selected_and_a_closed_packet_leaves_no_analysis_message(
        qtbot: Any, isolated_profile: Path, small_packet: tuple[Path, Any]) -> None:
    """Ctrl+F finds words in the comments too: Enter, or a click on such a hit, shows the comment's passage and
    selects it in the comments panel (its editor open). ファイル > 閉じる leaves the 目次 tab saying how to see contents, not that
    the structure is being analysed."""
    from reviewer.annotations import Annotation
    from ui.panels.search import ROLE_HIT

    packet, _truth = small_packet
    window = new_window(qtbot, name="山田委員")
    open_through_menu(qtbot, window, packet)
    comment = Annotation(file_sha256=window.sha256, file_name=packet.name, page=2, page_label="3", kind="note",
                         rects=[(100.0, 300.0, 118.0, 318.0)], category="質問", text="本人確認の方法を教えてください",
                         author="山田委員")
    window.store.add_annotation(comment)
    qtbot.waitUntil(lambda: window.annotations.panel.item_for(comment.id) is not None, timeout=10_000)
    activate(qtbot, window)
    qtbot.keyClick(window.page_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.search_panel
    with qtbot.waitSignal(panel.hits_changed, timeout=20_000):
        type_text(panel.query, "本人確認の方法を教え")
        qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    model = panel.results.model()
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    found = [index for index in rows if isinstance(index.data(ROLE_HIT), tuple)]
    assert len(found) == 1 and found[0].data(ROLE_HIT)[1] == comment.id
    # Only a comment says it: Enter went there (the comment selected, its page shown), as it goes to a text hit.
    qtbot.waitUntil(lambda: window.annotations.panel.selected_id() == comment.id, timeout=5000)
    qtbot.waitUntil(lambda: window.page_view.current_page() == comment.page, timeout=5000)
    assert panel.results.currentIndex() == found[0]
    window.page_view.go_to(0, None)
    panel.results.scrollTo(found[0])
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.results.visualRect(found[0]).center())
    qtbot.waitUntil(lambda: window.annotations.panel.selected_id() == comment.id, timeout=5000)
    qtbot.waitUntil(lambda: window.page_view.current_page() == comment.page, timeout=5000)

    menu_action(window, "ファイル", "閉じる").trigger()
    qtbot.waitUntil(lambda: window.current_path is None, timeout=5000)
    message = window.outline_panel.message
    assert not message.isHidden() and "解析中" not in message.text() and "PDFを開くと" in message.text()
    assert window.zoom_label.text() == "" and window.page_label.text() == ""  # nothing open, no zoom to show


def test_fit_width_that_keeps_text_readable_says_so(qtbot: Any, isolated_profile: Path,
                                                   small_packet: tuple[Path, Any]) -> None:
    """ページの幅に合わせる in a narrow window keeps the text readable rather than fitting: the zoom in the status
    bar says so (with why, in its tooltip), and says nothing once the page does fit."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    view, label = window.page_view, window.zoom_label
    window.resize(900, 800)
    qtbot.waitUntil(lambda: view.width() < 400, timeout=5000)
    view.fit_width()
    qtbot.waitUntil(lambda: "読める大きさ" in label.text(), timeout=5000)
    assert view.fit_width_held_for_reading() and "横にスクロール" in label.toolTip()
    window.left_dock.hide()
    window.comments_dock.hide()
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: view.width() > 1200, timeout=5000)
    view.fit_width()
    qtbot.waitUntil(lambda: "読める大きさ" not in label.text(), timeout=5000)
    assert not view.fit_width_held_for_reading() and label.toolTip() == ""


@pytest.mark.parametrize("width", [1400, 1366])  # the first start's window; a laptop's screen
def test_the_first_starts_window_shows_a_whole_page_at_the_readable_zoom(qtbot: Any, isolated_profile: Path,
                                                                         small_packet: tuple[Path, Any],
                                                                         width: int) -> None:
    """At the first start's 1400×900, and on a 1366-px-wide laptop screen, both side panels give up some width so
    that the page, at the zoom that keeps its text readable, fits whole: no line needs scrolling sideways. A
    narrower window keeps the panels at their least width and the page's 40 %."""
    from ui.dialogs.settings import AppSettings
    from ui.main_window import LEAST_COMMENTS_WIDTH, LEAST_TREE_WIDTH, MainWindow

    window = MainWindow(AppSettings(), ask_member_name=False, open_store=True)
    qtbot.addWidget(window)
    window.resize(width, 740)  # as restore_layout sizes the first start's window on a screen that has room
    window.fit_docks_to_text_size()
    window.show()
    open_through_menu(qtbot, window, small_packet[0])
    view = window.page_view
    assert view.zoom() >= view.minimum_fit_zoom - 1e-6  # the page's width fits at a readable zoom
    assert not view.fit_width_held_for_reading() and "読める大きさ" not in window.zoom_label.text()
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0, timeout=5000)
    assert window.left_dock.width() >= LEAST_TREE_WIDTH and window.comments_dock.width() >= LEAST_COMMENTS_WIDTH

    narrow = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(narrow)
    narrow.resize(1000, 800)
    narrow.fit_docks_to_text_size()
    narrow.show()
    qtbot.waitUntil(lambda: narrow.page_view.width() >= 1000 * 0.4 - 1, timeout=5000)


def test_at_the_largest_text_a_laptops_screen_shows_the_whole_window_and_a_readable_page(
        qtbot: Any, isolated_profile: Path, small_packet: tuple[Path, Any]) -> None:
    """特大 on a 1366×768 laptop: the window's least height fits the screen (the comment's edit area scrolls instead),
    the comments panel's header is not cut, and the page opens at the readable zoom rather than 147 %, which cut it
    in half beside the panels."""
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow
    from ui.theme import apply_theme, minimum_zoom_for_readable_text

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font_before = app.font()
    settings = AppSettings()
    settings.text_size = "xlarge"
    apply_theme(app, "xlarge")
    try:
        window = MainWindow(settings, ask_member_name=False, open_store=True)
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.fit_docks_to_text_size()
        window.show()
        open_through_menu(qtbot, window, small_packet[0])
        assert window.minimumSizeHint().height() <= 768 - 70  # a title bar and a task bar left on the screen
        panel = window.annotations.panel
        assert panel.view_combo.width() >= panel.view_combo.minimumSizeHint().width()  # 未記入 not cut
        assert window.comments_dock.width() >= panel.minimumSizeHint().width()
        assert window.page_view.zoom() == pytest.approx(minimum_zoom_for_readable_text("normal"))
        assert window.page_view.width() >= window.width() * 0.4
        # The 変更点 dock below the page (the second meeting) does not push the window past the screen either: the
        # comments panel scrolls as a whole instead of overlapping its own lines.
        height = window.height()
        window.compare.ensure_dock().show()
        qtbot.waitUntil(lambda: window.compare.dock.height() > 0, timeout=5000)
        assert window.minimumSizeHint().height() <= 768 - 70
        assert window.height() == height
        assert window.compare.dock.height() <= height * 0.32
        scroll = window.comments_dock.widget()
        assert scroll.widget().panel is panel and panel.height() >= panel.minimumSizeHint().height()
        # At a risk with a long name the header's wrapped lines all show (they were cut through the middle).
        item, _key = risk_item(window, "Ⅲ", "2", "2")
        tree_click(qtbot, window.outline_panel.tree, item)
        header = panel.header_frame
        qtbot.waitUntil(lambda: "リスク2" in panel.section_label.text(), timeout=5000)
        qtbot.waitUntil(lambda: header.height() >= header.heightForWidth(header.width()), timeout=5000)
        assert panel.width() >= panel.minimumSizeHint().width()
    finally:
        app.setFont(font_before)


def test_the_comment_list_command_shows_the_list_and_never_hides_it(qtbot: Any, isolated_profile: Path,
                                                                      small_packet: tuple[Path, Any]) -> None:
    """コメント > コメント一覧 (Ctrl+Shift+M) pressed while the list shows keeps it (it hid it before: a member asking
    for the list lost it); after 表示 > コメント hid the panel, it brings it back with the list focused."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    dock, show_list = window.comments_dock, menu_action(window, "コメント", "コメント一覧")
    assert show_list.shortcut().toString() == "Ctrl+Shift+M"
    show_list.trigger()
    show_list.trigger()
    assert dock.isVisible()
    menu_action(window, "表示", "コメント").trigger()
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=5000)
    activate(qtbot, window)
    show_list.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.annotations.panel.tree, timeout=5000)


def test_the_open_dialog_starts_in_the_members_folders(qtbot: Any, isolated_profile: Path, tmp_path: Path,
                                                       small_packet: tuple[Path, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """ファイル > 開く… on a first start opens in the member's Documents (it opened in the folder the app was started
    from); after a packet was opened and closed, in that packet's folder."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    window = new_window(qtbot, name="委員")
    opened_in = answer_file_dialog(small_packet[0])
    with qtbot.waitSignal(window.outline_ready, timeout=120_000):
        menu_action(window, "ファイル", "開く…").trigger()
    menu_action(window, "ファイル", "閉じる").trigger()
    qtbot.waitUntil(lambda: window.current_path is None, timeout=5000)
    opened_again_in = answer_file_dialog(small_packet[0])
    with qtbot.waitSignal(window.outline_ready, timeout=120_000):
        menu_action(window, "ファイル", "開く…").trigger()
    assert opened_in + opened_again_in == [(home / "Documents").resolve(), small_packet[0].parent.resolve()]


def test_comments_inside_an_opened_pdf_are_offered_once_and_listed(qtbot: Any, isolated_profile: Path,
                                                                     tmp_path: Path,
                                                                     small_packet: tuple[Path, Any]) -> None:
    """A PDF that someone annotated in another reader: opening it asks (once) whether to list its comments, which were
    only drawn on the page; yes imports them as from that member."""
    import pymupdf

    annotated = tmp_path / "佐藤委員の注釈.pdf"
    doc = pymupdf.open(small_packet[0])
    page = doc[3]
    note = page.add_text_annot((100, 120), "委託先の監督方法を記載してください。")
    note.set_info(title="佐藤委員")
    note.update()
    words = page.get_text("words")
    marked = page.add_highlight_annot(pymupdf.Rect(words[0][:4]))
    marked.set_info(title="佐藤委員", content="この記載の根拠は？")
    marked.update()
    doc.save(annotated)
    doc.close()

    window = new_window(qtbot, name="委員長")
    open_through_menu(qtbot, window, small_packet[0])
    open_through_menu(qtbot, window, annotated)  # the same reports: the offer to compare comes too
    exchange = window.annotations.exchange
    qtbot.waitUntil(lambda: bool(boxes()) and exchange._asked_in == window.session.generation and not exchange._ops,
                    timeout=10_000)  # both offers made up their minds
    assert len([box for box in boxes() if box.isVisible()]) == 1  # one question at a time
    first = boxes()[0]
    assert "前の版と比較" in first.text()  # the offer to compare first; the PDF's comments wait for its answer
    first.button(first.StandardButton.No).click()
    asked = take_box(qtbot, "注釈として付けられたコメント")
    assert "2 件" in asked and len([box for box in boxes() if box.isVisible()]) <= 1
    said = take_box(qtbot, "追加")
    assert "追加 2 件" in said and "佐藤委員" in said
    qtbot.waitUntil(lambda: len(window.session.annotations) == 2, timeout=10_000)
    assert {a.text for a in window.session.annotations} == {"委託先の監督方法を記載してください。", "この記載の根拠は？"}

    open_through_menu(qtbot, window, small_packet[0])  # another packet, then this one again: not asked twice
    open_through_menu(qtbot, window, annotated)
    qtbot.waitUntil(lambda: exchange._asked_in == window.session.generation, timeout=10_000)  # looked, and
    assert not exchange._ops  # decided without reading the PDF again: it was asked about before
    assert len(window.session.annotations) == 2
    assert not [box for box in boxes() if "注釈として付けられたコメント" in box.text()]


def test_a_packet_opens_with_its_first_pages_top_edge_in_view(qtbot: Any, isolated_profile: Path,
                                                               small_packet: tuple[Path, Any]) -> None:
    """The first packet opened shows page 1 from its top edge, with the grey gap and border above it, as every
    later open and 移動 > 先頭ページ do (it used to start a gap's height into the page)."""
    from ui.page_view.layout import GAP

    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    view = window.page_view
    assert view.verticalScrollBar().value() == round(view._layout.page_top(0) - GAP) == 0
    assert view.reading_position() == (0, 0.0)
    view.go_to(3)
    view.go_to(0)
    assert view.verticalScrollBar().value() == 0


def test_the_page_number_the_place_and_the_tree_name_the_same_page(qtbot: Any, isolated_profile: Path,
                                                                   small_packet: tuple[Path, Any]) -> None:
    """At 50 % several pages are on screen: the status bar's page number, its place and the 目次 selection all
    follow the page where the reader's eye is (they disagreed where a page break lay in the top third)."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    view = window.page_view
    view.set_zoom(0.5)
    bar = view.verticalScrollBar()
    value = next((v for v in range(0, bar.maximum(), 7)
                  if (bar.setValue(v), view.reading_focus()[0] != view.current_page())[1]), None)
    assert value is not None, "no place where the focus and the top third are on different pages"
    window.status.update_position()
    page, y = view.reading_focus()
    assert f"PDF {page + 1} /" in window.page_label.text()
    assert window.location_label.text() == window.status.location_text(page, y)
    location = window.session.outline.locate(page, y)
    innermost = location.leaf or location.section or location.chapter
    outline_panel = window.panels.outline
    selected = outline_panel.tree.currentItem()
    expected = (outline_panel.item_for_node(innermost) if innermost is not None
                else outline_panel.item_for_key(f"{location.document_index}:"))
    assert selected is expected is not None


def test_the_window_opens_as_the_member_left_it(qtbot: Any, isolated_profile: Path) -> None:
    """Size, place and panels are kept from one start to the next (restored before the window shows); the first
    start fits the screen's free area."""
    from ui.app_settings import AppSettings
    from ui.main_window import DEFAULT_HEIGHT, DEFAULT_WIDTH, MainWindow

    first = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(first)
    first.restore_layout()
    free = first.screen().availableGeometry()
    assert (first.width(), first.height()) == (min(DEFAULT_WIDTH, free.width()), min(DEFAULT_HEIGHT, free.height()))
    first.show()
    first.resize(720, 640)  # within the test screen (800×800)
    qtbot.waitUntil(lambda: first.width() == 720, timeout=5000)
    first.left_dock.toggleViewAction().trigger()  # 表示 > 資料: the member closes the left panel
    assert not first.left_dock.isVisible()
    menu_action(first, "ファイル", "終了").trigger()
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=5000)

    again = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(again)
    again.restore_layout()
    again.show()
    qtbot.waitUntil(again.isVisible, timeout=5000)
    assert (again.width(), again.height()) == (720, 640)
    assert not again.left_dock.isVisible() and again.comments_dock.isVisible()


@pytest.mark.parametrize("wider", [False, True], ids=["page-fits", "page-wider-than-the-view"])
def test_a_risk_chosen_in_the_tree_stays_current_when_the_page_is_zoomed(
        qtbot: Any, isolated_profile: Path, small_packet: tuple[Path, Any], wider: bool) -> None:
    """The member clicks a risk in 目次, then 表示 > ページ全体を表示 and 幅に合わせる: the risk they chose stays the
    one 確認済み marks (the zoom once made the risk at the top of the view, the one before, current)."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    outline, controller, view = window.outline, window.annotations, window.page_view
    report = outline.documents[first_report(outline)]
    import pymupdf

    with pymupdf.open(small_packet[0]) as pdf:
        heights = [page.rect.height for page in pdf]
    chosen = None
    for node in report.nodes:
        if node.kind != "risk":
            continue
        height = heights[node.page]
        location = outline.locate(node.page, node.y + 1)
        # Low on its page: the view's top then shows the risk before it, and, with the page wider than the view, the
        # view's current page (the one 表示 > ページ全体を表示 shows) is the next one.
        placed = node.y > (0.8 if wider else 0.35) * height
        if placed and location.chapter is not None and location.chapter.number == "Ⅲ":
            chosen = node, location.node_key()
            break
    assert chosen is not None
    node, key = chosen
    if wider:  # a horizontal scroll bar, as at 特大 or after Ctrl++
        view.set_zoom(view.zoom() * 1.4)
        assert view.horizontalScrollBar().maximum() > 0
    item = window.outline_panel.item_for_node(node)
    tree_click(qtbot, window.outline_panel.tree, item)
    qtbot.waitUntil(lambda: controller._header is not None and controller._header[0] == key, timeout=5000)
    for menu, entry in (("表示", "ページ全体を表示"), ("表示", "幅に合わせる"), ("表示", "拡大")):
        with qtbot.waitSignal(view.zoom_changed, timeout=5000, raising=False):
            menu_action(window, menu, entry).trigger()
        controller._update_current_node()
        assert controller._header is not None and controller._header[0] == key, entry
        assert window.outline_panel.tree.currentItem() is item, entry
    # Scrolling on moves on: the view's own position decides again.
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + view.viewport().height() * 3)
    controller._update_current_node()
    assert controller._header is None or controller._header[0] != key


def test_the_comment_dialog_names_the_file_of_a_chapter_that_repeats_per_file(
        qtbot: Any, isolated_profile: Path, small_packet: tuple[Path, Any]) -> None:
    """A report with two Ⅲ (one per 特定個人情報ファイル): the comment dialog's heading says which one, as the sheet's
    項目 does (「Ⅲ（住民基本台帳ファイル） 2. リスク1」)."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    outline = window.outline
    files = set()
    for node in outline.documents[first_report(outline)].nodes:
        location = outline.locate(node.page, node.y + 1)
        if node.kind == "risk" and location.chapter is not None and location.chapter.number == "Ⅲ":
            name = node.file or location.chapter.file
            files.add(name)
            text = window.annotations._location_text(node.page, node.y + 1)
            assert f"Ⅲ（{name}） " in text and f"リスク{node.number}" in text, text
    assert len(files) >= 2


def test_a_tool_chosen_from_the_menu_says_what_to_do_next(qtbot: Any, isolated_profile: Path,
                                                         small_packet: tuple[Path, Any]) -> None:
    """コメント > 付箋 (or 範囲, ハイライト): the status bar says where to click or drag; nothing said it before."""
    window = new_window(qtbot, name="委員")
    open_through_menu(qtbot, window, small_packet[0])
    for entry, words in (("付箋", "クリック"), ("範囲", "ドラッグ"), ("ハイライト", "なぞる")):
        menu_action(window, "コメント", entry).trigger()
        assert window.page_view.tool() == {"付箋": "note", "範囲": "area", "ハイライト": "highlight"}[entry]
        assert words in window.statusBar().currentMessage(), entry
    # A toolbar button's tip shown while hovered, then gone: the armed tool's instruction comes back.
    window.statusBar().showMessage("ボタンの説明")
    window.statusBar().clearMessage()
    assert "なぞる" in window.statusBar().currentMessage()
    # Back to selecting text: the instruction goes (it stays as long as the tool is armed).
    menu_action(window, "コメント", "選択").trigger()
    assert window.page_view.tool() == "select" and window.statusBar().currentMessage() == ""
