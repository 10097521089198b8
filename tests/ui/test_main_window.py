"""The main window: open a packet, jump via the tree and via page labels, zoom, scroll to the end, status bar,
bad files, passwords, external links, recent files and the reading position."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

pytestmark = pytest.mark.gui

STATUS = re.compile(r"^資料 (\S+) ページ（PDF (\d+) / (\d+)）$|^(\S+)（PDF (\d+) / (\d+)）$")


def status_page(window: Any) -> tuple[str, int, int]:
    """(label, 1-based PDF page, total) from the status bar text."""
    text = window.page_label.text()
    match = STATUS.match(text)
    assert match, text
    groups = [g for g in match.groups() if g is not None]
    return groups[0], int(groups[1]), int(groups[2])


@pytest.fixture
def make_window(qtbot: Any) -> Any:
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow

    created: list[Any] = []

    def make(**kwargs: Any) -> Any:
        settings = AppSettings()
        settings.member_name = "テスト委員"
        window = MainWindow(settings, ask_member_name=False, open_store=kwargs.pop("open_store", False), **kwargs)
        window.resize(1200, 800)
        qtbot.addWidget(window)
        window.show()
        created.append(window)
        return window

    yield make
    for window in created:
        window.close()


@pytest.fixture
def opened(make_window: Any, qtbot: Any, small_packet: tuple[Path, Any]) -> tuple[Any, Any]:
    """A window showing the small packet with its structure detected."""
    path, truth = small_packet
    window = make_window()
    with qtbot.waitSignal(window.outline_ready, timeout=60000):
        assert window.open_file(path)
    return window, truth


def first_report_risk(outline: Any, judgement: str | None = None) -> tuple[int, Any]:
    for doc_index, document in enumerate(outline.documents):
        if document.form != "全項目評価書":
            continue
        for node in document.nodes:
            if node.kind == "risk" and node.page > document.start_page + 5 and (
                    judgement is None or node.judgement == judgement):
                return doc_index, node
    raise AssertionError("no risk in the outline")


def test_open_paints_first_page_and_shows_status(make_window: Any, qtbot: Any,
                                                 small_packet: tuple[Path, Any]) -> None:
    path, truth = small_packet
    window = make_window()
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(path)
    assert window.page_view.page_count() == truth.pages
    # before the structure is known the status shows the PDF page
    assert window.page_label.text() in (f"PDF 1 / {truth.pages} ページ", f"表紙（PDF 1 / {truth.pages}）")
    qtbot.waitUntil(lambda: window.outline is not None, timeout=60000)
    assert window.page_labels == truth.page_labels
    assert window.page_label.text() == f"{truth.page_labels[0]}（PDF 1 / {truth.pages}）"
    assert window.windowTitle().startswith(path.name)
    assert window.settings.recent_files()[0] == str(path.resolve())


def test_tree_jump_lands_on_the_heading_and_status_follows(opened: tuple[Any, Any], qtbot: Any) -> None:
    window, truth = opened
    outline = window.outline
    _doc_index, risk = first_report_risk(outline)
    panel = window.outline_panel
    item = panel.item_for_node(risk)
    assert item is not None
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.page_view.current_page() == risk.page, timeout=5000)
    page, y = window.page_view.reading_position()
    assert page == risk.page and y < risk.y  # the heading is just below the viewport top
    window._update_position()
    label, pdf_page, total = status_page(window)
    assert (label, pdf_page, total) == (truth.page_labels[risk.page], risk.page + 1, truth.pages)
    assert window.location_label.text().endswith(f"リスク{risk.number}〔{risk.file}〕" if risk.file
                                                 else f"リスク{risk.number}")
    # the tree follows the reading position: the risk row is selected, focus untouched
    assert panel.tree.currentItem() is item


def test_go_to_page_label_and_pdf_index(opened: tuple[Any, Any], qtbot: Any) -> None:
    window, truth = opened
    labels = truth.page_labels
    target = next(i for i, label in enumerate(labels) if label == "40")
    assert window.go_to_label("40")
    qtbot.waitUntil(lambda: window.page_view.current_page() == target, timeout=5000)
    window._update_position()
    assert window.page_label.text() == f"資料 40 ページ（PDF {target + 1} / {truth.pages}）"
    assert window.go_to_label("#10")
    qtbot.waitUntil(lambda: window.page_view.current_page() == 9, timeout=5000)
    assert window.go_to_label("資料４５")
    qtbot.waitUntil(lambda: window.page_view.current_page() == labels.index("45"), timeout=5000)
    assert not window.go_to_label("資料9999")
    # history: Alt+← goes back to the previous jump
    window.page_view.back()
    qtbot.waitUntil(lambda: window.page_view.current_page() == 9, timeout=5000)


def test_go_to_dialog_maps_label_to_pdf_page(opened: tuple[Any, Any], qtbot: Any) -> None:
    from ui.dialogs.goto_page import GoToPageDialog

    window, truth = opened
    dialog = GoToPageDialog(window.page_labels, 0, window)
    qtbot.addWidget(dialog)
    dialog.edit.setText("12")
    index = truth.page_labels.index("12")
    assert dialog.result_index == index
    assert dialog.preview.text() == f"資料 12 ページ → PDF {index + 1} / {truth.pages} ページ"
    dialog.edit.setText("存在しない")
    assert dialog.result_index is None


def test_zoom_and_scroll_to_the_end(opened: tuple[Any, Any], qtbot: Any) -> None:
    window, truth = opened
    view = window.page_view
    before = view.zoom()
    window.act_zoom_in.trigger()
    assert view.zoom() > before and view.zoom_mode() == "custom"
    qtbot.waitUntil(lambda: window.zoom_label.text() == f"{round(view.zoom() * 100)}%", timeout=3000)
    window.act_zoom_out.trigger()
    window.act_zoom_out.trigger()
    assert view.zoom() < before
    window.act_fit_width.trigger()
    assert view.zoom_mode() == "fit_width" and view.zoom() == pytest.approx(before, rel=0.02)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: view.current_page() == truth.pages - 1, timeout=5000)
    window._update_position()
    label, pdf_page, total = status_page(window)
    assert (label, pdf_page, total) == (truth.page_labels[-1], truth.pages, truth.pages)


def test_tree_shows_judgements_and_highlights_issues(opened: tuple[Any, Any]) -> None:
    from ui.panels.outline import COL_JUDGEMENT, ROLE_JUDGEMENT

    window, truth = opened
    panel = window.outline_panel
    assert panel.mode == "structure"
    shown: dict[str, int] = {}
    for document in window.outline.documents:
        for node in document.nodes:
            if node.kind == "risk" and node.judgement:
                item = panel.item_for_node(node)
                assert item.data(COL_JUDGEMENT, ROLE_JUDGEMENT) == node.judgement
                shown[node.judgement] = shown.get(node.judgement, 0) + 1
                if node.judgement == "課題が残されている":
                    assert item.text(COL_JUDGEMENT) == "課題あり"
                    assert item.background(COL_JUDGEMENT).color().name() == "#c0392b"
    assert shown.get("十分である", 0) > 0
    truth_issues = sum(1 for d in truth.documents for n in d.nodes
                       if n.kind == "risk" and n.judgement == "課題が残されている")
    assert shown.get("課題が残されている", 0) >= max(0, truth_issues - 1)
    # Ⅲ is grouped per 特定個人情報ファイル: the file name is in the chapter row
    rows = [panel.item_for_node(n).text(0) for d in window.outline.documents for n in d.nodes
            if n.kind == "chapter" and n.number == "Ⅲ"]
    assert any("ファイル）" in row for row in rows), rows


@pytest.mark.slow
def test_search_panel_finds_hits_and_highlights(opened: tuple[Any, Any], qtbot: Any) -> None:
    window, _truth = opened
    if window.index_state != "ready":
        with qtbot.waitSignal(window.index_ready, timeout=60000):
            pass
    received: list[tuple[Any, Any]] = []
    panel = window.search_panel
    panel.hits_changed.connect(lambda hits, current: received.append((hits, current)))
    window.act_find.trigger()
    assert window.left_tabs.currentWidget() is panel
    panel.query.setText("ISMAP")
    qtbot.waitUntil(lambda: bool(panel.hits), timeout=10000)
    count = len(panel.hits)
    assert panel.status.text().startswith(f"{count} 件見つかりました")
    hits, current = received[-1]
    assert sum(len(v) for v in hits.values()) >= count and current is None
    first = panel.hits[0]
    with qtbot.waitSignal(panel.hit_activated, timeout=3000) as blocker:
        window.act_next_hit.trigger()
    assert blocker.args[0] == first.page
    qtbot.waitUntil(lambda: window.page_view.current_page() == first.page, timeout=5000)
    assert received[-1][1] == (first.page, 0, len(first.rects))
    window.act_prev_hit.trigger()  # wraps to the last hit
    assert panel.current == count - 1
    # the keyboard path: Ctrl+F, type, Enter searches and shows the first hit, Enter again / F3 next, Shift+F3
    # previous
    panel.query.clear()
    window.page_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.query.hasFocus, timeout=3000)
    qtbot.keyClicks(panel.query, "ISMAP")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.last_query == "ISMAP" and bool(panel.hits) and panel.current == 0, timeout=10000)
    count = len(panel.hits)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.current == 1 % count
    qtbot.keyClick(panel.query, Qt.Key.Key_F3)
    assert panel.current == 2 % count
    qtbot.keyClick(panel.query, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current == 1 % count


def test_bad_file_shows_message_and_app_stays_usable(make_window: Any, qtbot: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     small_packet: tuple[Path, Any]) -> None:
    from ui import notify

    def last_message() -> tuple[str, str]:
        box = notify.open_boxes()[-1]
        shown = (box.windowTitle(), box.text())
        box.button(QMessageBox.StandardButton.Ok).click()
        return shown

    window = make_window()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    assert not window.open_file(bad)
    title, text = last_message()
    assert title == "ファイルを開けません"
    assert "PDFとして開けません" in text
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert not window.open_file(empty)
    assert "空です" in last_message()[1]
    assert not window.open_file(tmp_path / "missing.pdf")
    assert "見つかりません" in last_message()[1]
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(small_packet[0])


def _encrypted(tmp_path: Path, password: str) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for index in range(3):
        doc.new_page().insert_text((72, 72), f"Secret page {index + 1}")
    out = tmp_path / "secret.pdf"
    doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw="owner-" + password)
    return out


def test_password_prompt_three_tries_then_message(make_window: Any, qtbot: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import password as password_dialog

    path = _encrypted(tmp_path, "himitsu")
    attempts: list[int] = []

    def fake_exec(self: Any) -> int:
        attempts.append(self.error.isVisibleTo(self) and 1 or 0)
        self.password.setText("wrong")
        return int(password_dialog.PasswordDialog.DialogCode.Accepted.value)

    from ui import notify

    monkeypatch.setattr(password_dialog.PasswordDialog, "exec", fake_exec)
    window = make_window()
    assert not window.open_file(path)
    assert attempts == [0, 1, 1]  # the "wrong password" line shows from the second try
    shown = [box.text() for box in notify.open_boxes()]
    assert shown and "3回続けて正しくなかった" in shown[-1]


def test_password_remembered_in_keyring(make_window: Any, qtbot: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.document import file_sha256
    from reviewer.secrets import recalled_pdf_password
    from ui.dialogs import password as password_dialog

    path = _encrypted(tmp_path, "himitsu")
    calls: list[bool] = []

    def fake_exec(self: Any) -> int:
        calls.append(self.remember.isEnabled())
        self.password.setText("himitsu")
        self.remember.setChecked(True)
        return int(password_dialog.PasswordDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(password_dialog.PasswordDialog, "exec", fake_exec)
    window = make_window()
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(path)
    assert calls == [True]
    assert recalled_pdf_password(file_sha256(path)) == "himitsu"
    assert window.password == "himitsu"
    # next time: no question asked
    window.close_document()
    calls.clear()
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(path)
    assert calls == []


def test_keyring_unavailable_disables_remember(qtbot: Any) -> None:
    from ui.dialogs.password import PasswordDialog

    dialog = PasswordDialog("x.pdf", 1, keyring_available=False)
    qtbot.addWidget(dialog)
    assert not dialog.remember.isEnabled()
    assert "キーリング" in dialog.remember.toolTip()
    dialog.remember.setChecked(True)
    assert dialog.values() == ("", False)


def test_external_link_needs_confirmation(opened: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    from ui import notify

    window, _truth = opened
    opened_urls: list[str] = []

    def fake_open(url: QUrl) -> bool:
        opened_urls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    window.page_view.external_link_requested.emit("https://example.org/a")
    notify.open_boxes()[-1].button(QMessageBox.StandardButton.No).click()
    assert opened_urls == []
    window.page_view.external_link_requested.emit("https://example.org/b")
    box = notify.open_boxes()[-1]
    assert "https://example.org/b" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert opened_urls == ["https://example.org/b"]


def test_reading_position_is_restored(make_window: Any, qtbot: Any, small_packet: tuple[Path, Any]) -> None:
    path, truth = small_packet
    window = make_window()
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        window.open_file(path)
    window.page_view.set_zoom(1.5)
    window.page_view.go_to(30, 200.0)
    qtbot.waitUntil(lambda: window.page_view.current_page() == 30, timeout=5000)
    window.save_reading_position()
    window.close_document()
    again = make_window()
    with qtbot.waitSignal(again.first_page_painted, timeout=20000):
        again.open_file(path)
    assert again.page_view.current_page() == 30
    assert again.page_view.zoom() == pytest.approx(1.5, rel=0.01)
    assert again.page_view.zoom_mode() == "custom"


def test_drop_opens_pdf_and_recent_menu_lists_it(make_window: Any, qtbot: Any,
                                                 small_packet: tuple[Path, Any]) -> None:
    path, _truth = small_packet
    window = make_window()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.document_opened, timeout=5000):
        window.dropEvent(event)
    assert window.current_path == path.resolve()
    window.fill_recent_menu()
    names = [a.text() for a in window.recent_menu.actions()]
    assert names and names[0].endswith(path.name)


def test_comments_dock_exists_for_the_comments_panel(make_window: Any) -> None:
    window = make_window()
    assert window.comments_dock.objectName() == "comments_dock"
    assert window.comments_dock.isVisible()
    assert window.dockWidgetArea(window.comments_dock) == Qt.DockWidgetArea.RightDockWidgetArea



def test_member_name_asked_once_after_the_first_page(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                                      small_packet: tuple[Path, Any]) -> None:
    from ui.dialogs import member_name
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow

    asked: list[bool] = []

    def fake_exec(self: Any) -> int:
        asked.append(window.page_view.first_paint_seconds is not None)  # the page was already on screen
        self.name.setText("  山田   花子 ")
        return int(member_name.MemberNameDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(member_name.MemberNameDialog, "exec", fake_exec)
    window = MainWindow(AppSettings(), ask_member_name=True, open_store=False)
    qtbot.addWidget(window)
    window.show()
    window.open_file(small_packet[0])
    assert asked == []
    qtbot.waitUntil(lambda: asked == [True], timeout=20000)
    assert AppSettings().member_name == "山田 花子"
    window.ask_member()  # what the next first paint calls: the name is known, nothing is asked
    assert asked == [True]
    window.close()


def test_annotation_tools_and_panels_come_after_the_first_paint(make_window: Any, qtbot: Any,
                                                                small_packet: tuple[Path, Any]) -> None:
    path, _truth = small_packet
    window = make_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:2] == ["ファイル(&F)", "編集(&E)"] and "コメント(&C)" in titles  # menus in place from the start
    assert window.annotations is None and window.outline_panel is None
    state: dict[str, Any] = {}
    window.first_page_painted.connect(
        lambda: state.update(annotations=window.annotations, search=window.search_panel))
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(path)
    assert state == {"annotations": None, "search": None}  # nothing extra ran before the page was on screen
    qtbot.waitUntil(lambda: window.annotations is not None and window.search_panel is not None, timeout=20000)
    controller = window.annotations
    assert controller.comment_menu is window.comment_menu  # filled in place, not a second コメント menu
    assert [a.text() for a in window.comment_menu.actions()][:4] == ["選択", "ハイライト", "範囲", "付箋"]
    assert window.edit_menu.actions()[0] is controller.undo_action
    assert [window.left_tabs.tabText(i) for i in range(window.left_tabs.count())] == ["目次", "サムネイル", "検索"]
    assert window.comments_dock.widget().widget().panel is controller.panel  # in a scroll area
    with qtbot.waitSignal(window.outline_ready, timeout=60000) as blocker:
        pass
    outline = blocker.args[0]
    assert not window.outline_panel.filling
    risks = [n for d in outline.documents for n in d.nodes if n.kind == "risk"]
    assert risks and all(window.outline_panel.item_for_node(n) is not None for n in risks)
    assert controller.sha256 == outline.sha256 and controller.outline is outline


def test_a_packet_closed_during_the_work_after_paint_leaves_no_stale_panels(
        make_window: Any, qtbot: Any, small_packet: tuple[Path, Any]) -> None:
    path, _truth = small_packet
    window = make_window()
    with qtbot.waitSignal(window.first_page_painted, timeout=20000):
        assert window.open_file(path)
    window.close_document()  # before the slices after the first paint have run: they are dropped
    assert window.current_path is None and window.outline is None and window.search_panel is None
    with qtbot.waitSignal(window.outline_ready, timeout=60000):
        assert window.open_file(path)
    assert window.outline_panel.mode == "structure" and window.thumbnails_panel.model.rowCount() == window.page_count
    assert window.left_tabs.count() == 3 and window.index_state in ("building", "ready")
