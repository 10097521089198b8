"""The second meeting through the real window (issue 14): the revised packet compared with the earlier one through
ファイル > 前の版と比較… and its file dialog, the 変更点 dock, a click moving the page view, 確認済み with undo, and the
comments of the earlier version carried over with their status; and the offer to compare made when a revised packet
is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from journeys import (
    answer_file_dialog,
    boxes,
    menu_action,
    open_through_menu,
    take_box,
    tree_click,
    when_modal,
)
from journeys import new_window as journeys_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from reviewer.annotations import Annotation
from reviewer.compare.review import change_key, change_marks, reviewed_changes
from reviewer.compare.rows import norm, rows_cache_path
from reviewer.compare.service import load_version
from reviewer.samples.revision import REWRITTEN_SENTENCE, RevisionTruth, generate_revision_pair
from reviewer.structure.cache import DETECTOR_VERSION

pytestmark = [pytest.mark.gui, pytest.mark.slow]

CHANGED_ROW = ("Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容", "1")  # rewritten by the revision


@pytest.fixture(scope="module")
def revision(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, RevisionTruth]:
    return generate_revision_pair(tmp_path_factory.mktemp("revision"), "revised")


def new_window(qtbot: Any) -> Any:
    return journeys_window(qtbot, name="山田太郎", ask_member_name=False, height=1000)


def comment_on_row(version: Any, chapter: str, section: str, label: str, risk: str | None, text: str,
                   answer: str | None = None) -> Annotation:
    """A highlight on a form row of the first report of ``version`` (quote from the row's own text)."""
    row = next(r for r in version.reports[0].rows if r.path.chapter == chapter and r.path.section == section
               and r.label == label and (risk is None or r.path.leaf == risk))
    piece = next(p for p in row.pieces if not p.label and len(p.text) >= 12)
    return Annotation(
        file_sha256=version.sha256, file_name=version.path.name, page=piece.page,
        page_label=version.outline.page_labels[piece.page], kind="highlight",
        rects=[(piece.x0, piece.y0, piece.x1, piece.y1)], category="要修正", text=text, author="山田太郎",
        quote=piece.text[:12], answer=answer)


def unchanged_row_comment(version: Any, changed_items: set[str | None]) -> Annotation:
    """A comment on a row the revision left alone (Ⅱ 2., away from every change)."""
    row = next(r for r in version.reports[0].rows if r.path.chapter == "Ⅱ" and r.label not in changed_items
               and any(not p.label and len(p.text) >= 16 for p in r.pieces) and r.path.section == "2")
    return comment_on_row(version, "Ⅱ", "2", row.label, None, "この記載の根拠を示してください")


def test_compare_through_the_menu_shows_changes_and_carries_comments(
        qtbot: Any, isolated_profile: Path, revision: tuple[Path, Path, RevisionTruth], tmp_path: Path) -> None:
    from ui.compare_actions import ROLE_NEW_ID
    from ui.panels.changes import COL_DECLARED, COL_WHAT, ROLE_CHANGE, UNDECLARED

    old_path, new_path, truth = revision
    # The profile holds the member's comments on the earlier version (made at the first meeting).
    old = load_version(old_path, isolated_profile)
    changed_comment = comment_on_row(old, *CHANGED_ROW, "本人確認の方法を具体的に記載してください")
    unchanged_comment = unchanged_row_comment(old, {c.item for c in truth.changes})

    window = new_window(qtbot)
    open_through_menu(qtbot, window, new_path)
    for comment in (changed_comment, unchanged_comment):
        window.store.add_annotation(comment)
    compare = window.compare
    assert compare is not None and compare.comparison is None

    # ファイル > 前の版と比較… answered through the real file dialog.
    answer_file_dialog(old_path)
    with qtbot.waitSignal(compare.compared, timeout=180_000) as shown:
        menu_action(window, "ファイル", "前の版と比較…").trigger()
    comparison = shown.args[0]
    assert comparison.new.sha256 == window.sha256 and comparison.old.path == old_path
    dock = compare.dock
    assert dock is not None and dock.isVisible() and dock.windowTitle() == "変更点"

    # The undeclared change comes first, marked 未申告.
    panel = compare.panel
    undeclared_truth = [c for c in truth.changes if not c.declared]
    assert undeclared_truth
    first = panel._items[0]
    first_change = first.data(COL_WHAT, ROLE_CHANGE)
    assert first.text(COL_DECLARED) == UNDECLARED and not first_change.declared
    assert first_change.item in {c.item for c in undeclared_truth}
    assert f"{UNDECLARED} {len(undeclared_truth)}件" in panel.tree.topLevelItem(0).text(COL_WHAT)
    assert [i.text(COL_DECLARED) for i in panel._items].count(UNDECLARED) == len(undeclared_truth)

    # A click on the change moves the main page view to its page, its added text marked there.
    page_view = window.page_view
    page_view.go_to(0, None)
    qtbot.waitUntil(lambda: page_view.current_page() == 0, timeout=5000)
    tree_click(qtbot, panel.tree, first)
    marks = [m for m in change_marks(first_change) if m.added]
    target = marks[0].page if marks else first_change.new_page
    assert target is not None and target > 0
    qtbot.waitUntil(lambda: page_view.current_page() == target, timeout=10_000)
    assert target in page_view._hits
    # ... and in the dock's page: the new page with the change, its text described as 未申告.
    assert compare.view.page_label.pixmap() is not None and not compare.view.page_label.pixmap().isNull()
    assert UNDECLARED in compare.view.strip.text()

    # 次の変更 / 前の変更: the buttons, and N / Shift+N in the list (N is also the window's 付箋 tool).
    with qtbot.waitSignal(panel.change_activated) as stepped:
        panel.next_button.click()
    assert stepped.args[0] is panel.changes()[1]
    with qtbot.waitSignal(panel.change_activated) as back:
        panel.previous_button.click()
    assert back.args[0] is first_change
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # shortcuts only act in the active window
    panel.tree.setFocus()
    tool = page_view.tool()
    for key, modifier, expected in ((Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier, 1),
                                    (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier, 2),
                                    (Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier, 1),
                                    (Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier, 0)):
        with qtbot.waitSignal(panel.change_activated, timeout=5000) as keyed:
            qtbot.keyClick(panel.tree, key, modifier)
        assert keyed.args[0] is panel.changes()[expected]
    assert page_view.tool() == tool  # the key stepped through the changes, it did not pick the 付箋 tool

    # 確認済み on a change is recorded in the store, and 元に戻す takes it back (the tick follows).
    first.setCheckState(COL_WHAT, Qt.CheckState.Checked)
    assert reviewed_changes(window.store, window.sha256) == {change_key(first_change)}
    undo = window.annotations.undo_action
    assert undo.text() == "元に戻す: 変更を確認済みにする"
    undo.trigger()
    assert reviewed_changes(window.store, window.sha256) == set()
    qtbot.waitUntil(lambda: first.checkState(COL_WHAT) == Qt.CheckState.Unchecked, timeout=5000)

    # The comments of the earlier version are in the comments panel of the new one, with their status.
    links = {link.old_id: link for link in window.store.carried_links(new_sha256=window.sha256)}
    assert set(links) == {changed_comment.id, unchanged_comment.id}
    assert links[changed_comment.id].status == "changed" and links[unchanged_comment.id].status == "unchanged"
    comments = window.annotations.panel
    qtbot.waitUntil(lambda: all(comments.item_for(link.new_id) is not None for link in links.values()),
                    timeout=10_000)
    changed_new = links[changed_comment.id].new_id
    assert "前の版から（記載が変更された）" in comments.item_for(changed_new).text(0)
    assert "前の版から（記載変更なし）" in comments.item_for(links[unchanged_comment.id].new_id).text(0)
    carried = compare.carried_items()
    assert carried[changed_new] == ("記載が変更された", "")
    assert carried[links[unchanged_comment.id].new_id] == ("記載変更なし", "")

    # The carried comment whose text changed: its card, then 再指摘 recorded (undoable).
    bar = compare.tabs.tabBar()
    assert bar.tabText(1) == "引き継いだコメント"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    tree = compare.carried_tree
    qtbot.waitUntil(tree.isVisible, timeout=5000)
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).data(0, ROLE_NEW_ID) == changed_new)
    tree_click(qtbot, tree, item)
    card = compare.card
    assert card.comment_id == changed_new and "記載が変更された" in card.status.text()
    assert norm(REWRITTEN_SENTENCE)[:8] in norm(card.body.text().replace("<", " <"))
    qtbot.mouseClick(card.again_button, Qt.MouseButton.LeftButton)
    assert window.store.carried_links(new_sha256=window.sha256)
    assert {link.new_id: link.check_result for link in window.store.carried_links(
        new_sha256=window.sha256)}[changed_new] == "再指摘"
    qtbot.waitUntil(lambda: compare.carried_items()[changed_new] == ("記載が変更された", "再指摘"), timeout=5000)
    # The original comments stay on the earlier version.
    assert {a.id for a in window.store.annotations(old.sha256)} == {changed_comment.id, unchanged_comment.id}

    # The second meeting's 意見一覧 through the menu: 修正後の記載 and 確認結果 of the carried comments, and the
    # undeclared change as a row of its own.
    sheet = tmp_path / "第2回-意見一覧.xlsx"
    when_modal(lambda dialog: dialog.accept(), wanted=QInputDialog)  # asked only when there are several reports
    answer_file_dialog(sheet)
    menu_action(window, "コメント", "取り込み・書き出し", "意見一覧を書き出す（Excel）…").trigger()
    said = take_box(qtbot, "意見一覧")
    assert str(sheet) in said and f"未申告の変更 {len(undeclared_truth)} 件を行として加えました" in said
    rows = list(openpyxl.load_workbook(sheet)["意見一覧"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[header.index("所管課の回答") + 1:header.index("所管課の回答") + 3] == ["修正後の記載", "確認結果"]
    by_text = {row[header.index("意見・質問")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    again = by_text["本人確認の方法を具体的に記載してください"]
    assert again["確認結果"] == "再指摘" and norm(REWRITTEN_SENTENCE)[:8] in norm(str(again["修正後の記載"]))
    assert by_text["この記載の根拠を示してください"]["修正後の記載"] == "（記載変更なし）"
    assert [row[header.index("区分")] for row in rows[1:]].count("未申告の変更") == len(undeclared_truth)

    # Comparing again carries nothing twice.
    answer_file_dialog(old_path)
    with qtbot.waitSignal(compare.compared, timeout=180_000):
        menu_action(window, "ファイル", "前の版と比較…").trigger()
    assert len(window.store.annotations(window.sha256)) == 2

    # Another day: the packet opened again, a click on the carried comment in the comments panel shows its card
    # with the check recorded, without comparing again.
    open_through_menu(qtbot, window, old_path)
    open_through_menu(qtbot, window, new_path)
    assert compare.comparison is None and not compare.dock.isVisible()
    qtbot.waitUntil(lambda: comments.item_for(changed_new) is not None, timeout=10_000)
    tree_click(qtbot, comments.tree, comments.item_for(changed_new))
    qtbot.waitUntil(lambda: compare.dock.isVisible() and compare.card.comment_id == changed_new, timeout=5000)
    assert compare.card.again_button.isChecked() and not compare.card.confirm_button.isChecked()
    assert compare.tabs.currentIndex() == 1
    assert compare.carried_items()[changed_new] == ("記載が変更された", "再指摘")


def test_opening_a_revised_packet_offers_to_compare_once(
        qtbot: Any, isolated_profile: Path, revision: tuple[Path, Path, RevisionTruth]) -> None:
    from ui.compare_actions import OFFERED_SETTING

    old_path, new_path, _truth = revision
    window = new_window(qtbot)
    # The first meeting: the earlier packet opened in the app, a comment made on it.
    open_through_menu(qtbot, window, old_path)
    old = load_version(old_path, isolated_profile)
    comment = comment_on_row(old, *CHANGED_ROW, "本人確認の方法を具体的に記載してください")
    window.store.add_annotation(comment)
    compare = window.compare
    assert compare is not None

    # The second meeting: the revised packet is opened; the app asks, without blocking, to compare.
    with qtbot.waitSignal(compare.offered, timeout=120_000) as offered:
        open_through_menu(qtbot, window, new_path)
    assert Path(offered.args[0].path) == old_path
    # Before any comparison, the open itself cached the revised packet's rows: the comparison starts from them.
    rows_cache = rows_cache_path(window.sha256, DETECTOR_VERSION, isolated_profile)
    qtbot.waitUntil(rows_cache.is_file, timeout=120_000)
    with qtbot.waitSignal(compare.compared, timeout=180_000) as shown:
        text = take_box(qtbot, "前の版と比較して")  # its default button is はい
    assert old_path.name in text
    assert shown.args[0].old.sha256 == old.sha256
    assert compare.dock is not None and compare.dock.isVisible()
    (link,) = window.store.carried_links(new_sha256=window.sha256)
    assert link.old_id == comment.id and link.status == "changed"
    assert window.store.get_setting(OFFERED_SETTING + window.sha256, "") == old.sha256

    # Opened again, the packet is not offered a second time.
    offered_again: list[Any] = []
    compare.offered.connect(offered_again.append)
    open_through_menu(qtbot, window, old_path)
    open_through_menu(qtbot, window, new_path)
    assert offered_again == []
    assert compare.comparison is None and not compare.dock.isVisible()

    # ファイル > 前の版と比較… proposes that earlier version: the member only confirms the file dialog.
    proposed: list[list[str]] = []

    def confirm(dialog: Any) -> None:
        proposed.append(dialog.selectedFiles())
        dialog.accept()

    when_modal(confirm, wanted=QFileDialog)
    with qtbot.waitSignal(compare.compared, timeout=180_000) as again:
        menu_action(window, "ファイル", "前の版と比較…").trigger()
    assert proposed == [[str(old_path)]] and again.args[0].old.sha256 == old.sha256


def test_the_first_version_opened_after_the_revised_one_is_not_offered_the_revised_one(
        qtbot: Any, isolated_profile: Path, revision: tuple[Path, Path, RevisionTruth]) -> None:
    """A member who joins at the second meeting opens the revised packet, then the first version: no offer to
    compare the first version with the revised one as its 前の版 (the PDFs' dates say which came first); opening
    the revised packet again offers the first version."""
    old_path, new_path, _truth = revision
    window = new_window(qtbot)
    open_through_menu(qtbot, window, new_path)
    compare = window.compare
    assert compare is not None
    offers: list[Any] = []
    compare.offered.connect(offers.append)
    open_through_menu(qtbot, window, old_path)
    assert offers == []
    assert compare._earlier_path() is None  # ファイル > 前の版と比較… proposes no file either

    with qtbot.waitSignal(compare.offered, timeout=120_000) as offered:
        open_through_menu(qtbot, window, new_path)
    assert Path(offered.args[0].path) == old_path
    qtbot.waitUntil(lambda: any("前の版と比較して" in box.text() for box in boxes()), timeout=10_000)
    asked = next(box for box in boxes() if "前の版と比較して" in box.text())
    asked.button(QMessageBox.StandardButton.No).click()  # not now: nothing is compared
    assert compare.comparison is None

def test_the_compare_job_reports_progress_to_the_end(
        isolated_profile: Path, revision: tuple[Path, Path, RevisionTruth]) -> None:
    """The op's job (run in the worker process by the window) reports one bar over both versions."""
    from ui.compare_actions import compare_job

    old_path, new_path, _truth = revision
    reported: list[tuple[int, int]] = []
    comparison = compare_job(str(old_path), str(new_path), str(isolated_profile), None, None,
                             progress=lambda done, total: reported.append((done, total)))
    assert comparison.changes() and comparison.new.path == new_path
    assert reported and {total for _, total in reported} == {4000}
    assert reported[-1] == (4000, 4000)
    assert max(done for done, _ in reported[: len(reported) // 2]) < 4000


def test_cancel_stops_the_comparison_and_carries_nothing(
        qtbot: Any, isolated_profile: Path, revision: tuple[Path, Path, RevisionTruth]) -> None:
    old_path, new_path, _truth = revision
    old = load_version(old_path, isolated_profile, cache=False)
    window = new_window(qtbot)
    open_through_menu(qtbot, window, new_path)
    window.store.add_annotation(comment_on_row(old, *CHANGED_ROW, "本人確認の方法を具体的に記載してください"))
    compare = window.compare
    answer_file_dialog(old_path)
    menu_action(window, "ファイル", "前の版と比較…").trigger()
    qtbot.waitUntil(lambda: compare._op is not None and compare.progress_box.isVisible(), timeout=10_000)
    assert compare.progress_label.text() == "前の版と比較中…"
    qtbot.mouseClick(compare.cancel_button, Qt.MouseButton.LeftButton)
    assert not compare.progress_box.isVisible()
    # The op's outcome has come back to the GUI thread (and was dropped).
    qtbot.waitUntil(lambda: not compare._op.is_running() and compare._op._delivered, timeout=60_000)
    assert compare.comparison is None
    assert window.store.carried_links(new_sha256=window.sha256) == []


def test_a_file_that_is_no_pdf_is_refused_as_the_earlier_version(
        qtbot: Any, isolated_profile: Path, tmp_path: Path, revision: tuple[Path, Path, RevisionTruth]) -> None:
    _old_path, new_path, _truth = revision
    broken = tmp_path / "前回の資料.pdf"
    broken.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a PDF" * 20)
    window = new_window(qtbot)
    open_through_menu(qtbot, window, new_path)
    compare = window.compare
    answer_file_dialog(broken)
    with qtbot.waitSignal(compare.failed, timeout=10_000) as failed:
        menu_action(window, "ファイル", "前の版と比較…").trigger()
    assert failed.args[0] and take_box(qtbot, failed.args[0][:10]) == failed.args[0]
    assert compare._op is None and compare.comparison is None
    assert window.sha256 and window.current_path == new_path  # the open packet is untouched
