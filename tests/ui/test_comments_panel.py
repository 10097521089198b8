"""The comments panel as a view: grouping by report → section → risk or by page, counts, filters, the edit
area (member and chair fields), imported comments with authors, answers and replies, and its requests."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from reviewer.annotations import Annotation
from reviewer.structure.model import Document, Node, Outline

pytestmark = pytest.mark.gui

SHA = "a" * 64


def outline() -> Outline:
    nodes_a = [
        Node("chapter", "Ⅲ", "リスク対策", 1, 40, file="住民基本台帳ファイル"),
        Node("section", "2", "特定個人情報の入手", 1, 80, file="住民基本台帳ファイル"),
        Node("risk", "1", "目的外の入手が行われるリスク", 1, 120, judgement="十分である"),
        Node("risk", "2", "不適切な方法で入手が行われるリスク", 2, 100),
        Node("section", "7", "特定個人情報の保管・消去", 3, 60),
    ]
    nodes_b = [
        Node("chapter", "Ⅲ", "リスク対策", 5, 40),
        Node("section", "3", "特定個人情報の使用", 5, 80),
        Node("risk", "1", "目的を超えた紐付けが行われるリスク", 5, 120),
    ]
    return Outline(
        sha256=SHA, pages=7, page_labels=["表紙", "1", "2", "3", "4", "5", "6"],
        documents=[
            Document("表紙", None, 0, 0),
            Document("住民基本台帳に関する事務 全項目評価書", "全項目評価書", 1, 4, nodes_a),
            Document("地方税に関する事務 全項目評価書", "全項目評価書", 5, 6, nodes_b),
        ],
    )


def ann(page: int, y: float, text: str, **changes: Any) -> Annotation:
    o = outline()
    loc = o.locate(page, y)
    values: dict[str, Any] = {
        "file_sha256": SHA, "file_name": "p.pdf", "page": page, "page_label": o.page_labels[page],
        "kind": "highlight", "rects": [(50.0, y, 200.0, y + 12)], "category": "質問", "text": text,
        "author": "委員A", "document_title": loc.document_title, "item_label": loc.item_label(),
        "node_key": loc.node_key(), "quote": "引用",
    }
    values.update(changes)
    return Annotation(**values)


@pytest.fixture
def panel(qtbot: Any) -> Any:
    from ui.panels.comments import CommentsPanel

    p = CommentsPanel()
    p.resize(360, 800)
    qtbot.addWidget(p)
    p.set_outline(outline())
    return p


def sample() -> list[Annotation]:
    return [
        ann(1, 130, "入手の根拠は？"),
        ann(1, 140, "ＩＳＭＡＰの登録状況を記載してください", category="要修正", author="委員B",
            origin="imported", answer="登録済みです。", extra={"replies": [{"author": "委員A", "text": "了解"}]}),
        ann(2, 110, "郵送の扱い", category="意見", status="対応済み"),
        ann(3, 70, "消去の記録", category="意見", author="委員B", origin="imported"),
        ann(5, 130, "紐付けの範囲", category="確認のみ", excluded=True, sheet_text="紐付けの範囲について"),
    ]


def test_groups_by_report_section_risk_with_counts(panel: Any) -> None:
    items = sample()
    panel.set_annotations(items)
    counts = panel.group_counts()
    report_a = "住民基本台帳に関する事務 全項目評価書"
    section = f"{report_a}/Ⅲ（住民基本台帳ファイル） 2. 特定個人情報の入手"
    assert counts[report_a] == 4
    assert counts[section] == 3
    assert counts[f"{section}/リスク1 目的外の入手が行われるリスク"] == 2
    assert counts[f"{section}/リスク2 不適切な方法で入手が行われるリスク"] == 1
    assert counts[f"{report_a}/Ⅲ（住民基本台帳ファイル） 7. 特定個人情報の保管・消去"] == 1
    assert counts["地方税に関する事務 全項目評価書"] == 1
    assert panel.visible_ids() == [a.id for a in items]
    top = panel.tree.topLevelItem(0)
    assert top.text(0) == f"{report_a}（4）"
    assert panel.summary_label.text() == "コメント 5 件"

    panel.set_group_mode("page")
    assert panel.group_counts() == {
        "資料1頁（PDF 2）": 2, "資料2頁（PDF 3）": 1, "資料3頁（PDF 4）": 1, "資料5頁（PDF 6）": 1}


def test_filters_category_status_author_text(panel: Any) -> None:
    items = sample()
    panel.set_annotations(items)
    panel.set_filters(category="意見")
    assert panel.visible_ids() == [items[2].id, items[3].id]
    panel.set_filters(category="意見", status="未処理")
    assert panel.visible_ids() == [items[3].id]
    panel.set_filters(author="委員B")
    assert panel.visible_ids() == [items[1].id, items[3].id]
    panel.set_filters(text="ismap")  # full-width ＩＳＭＡＰ matches, case-insensitively
    assert panel.visible_ids() == [items[1].id]
    panel.set_filters(text="登録済み")  # the department's answer is searched too
    assert panel.visible_ids() == [items[1].id]
    assert panel.summary_label.text() == "コメント 1 件を表示（全 5 件）"
    panel.set_filters()
    assert len(panel.visible_ids()) == 5
    authors = [panel.author_filter.itemText(i) for i in range(panel.author_filter.count())]
    assert authors == ["すべての委員", "委員A", "委員B"]


def test_imported_comment_shows_author_answer_and_replies(panel: Any) -> None:
    items = sample()
    panel.set_annotations(items)
    item = panel.item_for(items[1].id)
    text = item.text(0)
    assert "委員B" in text and "回答: 登録済みです。" in text and "返信 1 件" in text
    panel.select_annotation(items[1].id)
    assert "委員B・取り込み" in panel.meta_label.text()
    assert panel.answer_label.text() == "所管課の回答: 登録済みです。" and not panel.answer_label.isHidden()
    assert panel.replies_label.text() == "↳ 委員A: 了解"
    excluded = panel.item_for(items[4].id)
    assert "（意見一覧から除外）" in excluded.text(0) and "紐付けの範囲について" in excluded.text(0)
    assert excluded.font(0).italic()


def test_a_note_a_region_and_a_highlight_are_told_apart_in_the_list(panel: Any) -> None:
    """Each row names its tool as the toolbar does (付箋, 範囲, ハイライト): a sticky note and a highlighted passage
    of the same category no longer look alike."""
    items = [ann(1, 130, "付箋の本文", kind="note", quote=""), ann(1, 150, "範囲の本文", kind="area", quote=""),
             ann(1, 170, "ハイライトの本文")]
    panel.set_annotations(items)
    rows = [panel.item_for(a.id).text(0).split("\n")[:2] for a in items]
    # The member and the comment first (what a narrow panel shows of a row), then its tool and page.
    assert rows == [["［質問］委員A：付箋の本文", "付箋  資料1頁"], ["［質問］委員A：範囲の本文", "範囲  資料1頁"],
                    ["［質問］委員A：ハイライトの本文", "ハイライト  資料1頁"]]


def test_edit_area_emits_old_and_new_without_touching_the_original(qtbot: Any, panel: Any) -> None:
    items = sample()
    panel.set_annotations(items)
    target = items[1]
    with qtbot.waitSignal(panel.annotation_activated) as activated:
        item = panel.item_for(target.id)
        panel.tree.scrollToItem(item)
        panel.show()
        qtbot.waitExposed(panel)
        rect = panel.tree.visualItemRect(panel.item_for(target.id))
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [target.id]
    assert panel.text_edit.toPlainText() == target.text
    # the chair rewords it for the sheet and excludes nothing; the member's text stays
    panel.sheet_text_edit.setPlainText("ＩＳＭＡＰ登録の有無を記載されたい。")
    with qtbot.waitSignal(panel.edit_requested) as edited:
        panel.save_button.click()
    old, new = edited.args
    assert old == target
    assert new.text == target.text and new.sheet_text == "ＩＳＭＡＰ登録の有無を記載されたい。"
    assert new.author == "委員B" and new.id == target.id and not new.excluded
    panel.exclude_check.setChecked(True)
    with qtbot.waitSignal(panel.edit_requested) as edited:  # Ctrl+Enter in the sheet wording saves
        qtbot.keyClick(panel.sheet_text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert edited.args[1].excluded
    with qtbot.waitSignal(panel.delete_requested) as deleted:
        panel.delete_button.click()
    assert deleted.args == [target.id]


def test_nothing_to_save_when_unchanged(panel: Any) -> None:
    items = sample()
    panel.set_annotations(items)
    panel.select_annotation(items[0].id)
    assert panel.edited_annotation() is None
    assert panel.save_edit() is False


def test_header_mark_requests(qtbot: Any, panel: Any) -> None:
    from ui.panels.comments import CurrentNode

    assert not panel.reviewed_check.isEnabled()
    # Outside a risk (a chapter's heading, a cover): the header says why 確認済み cannot be ticked here.
    assert panel.section_label.text() == "（確認済みを付ける項目の外）"
    panel.set_current_node(CurrentNode("1:Ⅲ/2/risk1@住民基本台帳ファイル", "Ⅲ 2. リスク1", False, None))
    assert panel.reviewed_check.isEnabled() and panel.section_label.text() == "Ⅲ 2. リスク1"
    with qtbot.waitSignal(panel.review_mark_requested) as marked:
        panel.reviewed_check.setChecked(True)
    assert marked.args == ["1:Ⅲ/2/risk1@住民基本台帳ファイル", True, None]
    with qtbot.waitSignal(panel.review_mark_requested) as marked:
        panel.view_combo.setCurrentIndex(panel.view_combo.findData("同意"))
    assert marked.args == ["1:Ⅲ/2/risk1@住民基本台帳ファイル", True, "同意"]
    # showing another node does not emit
    with qtbot.assertNotEmitted(panel.review_mark_requested):
        panel.set_current_node(CurrentNode("2:Ⅲ/3/risk1", "Ⅲ 3. リスク1", True, "疑問あり"))
    assert panel.reviewed_check.isChecked() and panel.view_combo.currentData() == "疑問あり"


def test_the_quoted_passage_grows_with_the_text_size(qtbot: Any, panel: Any) -> None:
    """特大 chosen while the panel shows: the quoted passage (secondary colour) grows with the rest; it stayed
    small while its colour came from a style sheet."""
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme, contrast_ratio

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font_before = app.font()
    panel.show()
    try:
        apply_theme(app, "xlarge")
        qtbot.waitUntil(lambda: panel.meta_label.font().pointSizeF() == app.font().pointSizeF(), timeout=5000)
        assert panel.quote_label.font().pointSizeF() == app.font().pointSizeF()
        label_palette = panel.quote_label.palette()
        assert contrast_ratio(label_palette.windowText().color(), label_palette.window().color()) >= 4.5
        assert label_palette.windowText().color() != app.palette().windowText().color()  # still secondary
    finally:
        app.setFont(font_before)


def test_the_edit_area_shows_down_to_its_save_button_and_the_list_takes_the_rest(qtbot: Any, panel: Any) -> None:
    """At a usual height the comment's edit area is as tall as it needs (変更を保存 in sight without scrolling) and
    the list takes what is left; in a short panel the list keeps six lines and the edit area scrolls."""
    items = sample()
    panel.set_annotations(items)
    panel.resize(320, 760)
    panel.show()
    qtbot.waitExposed(panel)
    panel.select_annotation(items[1].id)  # an answer and a reply: the tallest edit area
    qtbot.waitUntil(lambda: panel.splitter.sizes()[1] >= panel.edit_area_height() > 0, timeout=5000)
    assert not panel.save_button.visibleRegion().isEmpty()
    assert panel.splitter.sizes()[0] >= 6 * panel.fontMetrics().height()
    panel.resize(320, 420)
    qtbot.waitUntil(lambda: panel.splitter.sizes()[0] <= 6 * panel.fontMetrics().height() + 2, timeout=5000)
    assert panel.splitter.sizes()[0] >= 6 * panel.fontMetrics().height() - 2
    # The fields scroll; 変更を保存 and 削除 stay in sight below them (a member saving on a laptop found them
    # scrolled away).
    for button in (panel.save_button, panel.delete_button):
        assert button.visibleRegion().boundingRect().height() == button.height()


def test_the_quoted_passage_stays_readable_when_the_contrast_changes(qtbot: Any, panel: Any) -> None:
    """Switching high contrast on and off while the panel shows: the quoted passage's muted colour is computed again
    each time (it kept the other mode's grey: 3.7:1 on black, 2.8:1 on white)."""
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme, contrast_ratio

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font_before = app.font()
    panel.show()

    def readable() -> bool:
        colors = panel.quote_label.palette()
        return contrast_ratio(colors.windowText().color(), colors.window().color()) >= 4.5

    try:
        for high_contrast in (True, False, True):
            apply_theme(app, "normal", high_contrast)
            qtbot.waitUntil(readable, timeout=5000)
    finally:
        apply_theme(app, "normal", False)
        app.setFont(font_before)


def test_a_selected_comment_never_widens_the_panel(qtbot: Any, panel: Any) -> None:
    """Whatever the selected comment holds (a long category, an answer, replies), the panel asks for no more width
    than its least one: the dock beside the page keeps its width and the page still fits."""
    from ui.panels.comments import LEAST_WIDTH

    items = sample()
    items[1].category = "とても長い名前の区分（委員会で追加したもの）"
    panel.set_annotations(items)
    panel.show()
    for annotation in items:
        panel.select_annotation(annotation.id)
        qtbot.waitUntil(lambda wanted=annotation.id: panel.selected_id() == wanted, timeout=5000)
        assert panel.minimumSize().width() == LEAST_WIDTH  # not what its longest box would ask for


def test_the_mouse_wheel_over_a_box_scrolls_and_never_changes_a_comment(qtbot: Any, panel: Any) -> None:
    """Turning the wheel over 区分 or 状態 (to scroll the panel) once changed the comment's category or status and
    saved it; now a box changes with the wheel only after it was clicked."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    items = sample()
    panel.set_annotations(items)
    panel.show()
    qtbot.waitExposed(panel)
    panel.select_annotation(items[0].id)
    for box in (panel.category_edit, panel.status_edit, panel.view_combo, panel.author_filter):
        before = box.currentIndex()
        centre = QPointF(box.rect().center())
        wheel = QWheelEvent(centre, QPointF(box.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(box, wheel)
        assert box.currentIndex() == before, box.objectName()
