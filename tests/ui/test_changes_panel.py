"""The 変更点 panel, a change shown in its page, and a carried comment's card (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from reviewer.annotations import Annotation
from reviewer.compare.carry import carry_comments
from reviewer.compare.review import (
    answers_for_changes,
    change_key,
    change_marks,
    mark_change_reviewed,
    reviewed_changes,
)
from reviewer.compare.rows import norm
from reviewer.compare.service import Comparison, compare_versions, load_version
from reviewer.samples.revision import REWRITTEN_SENTENCE, UNDECLARED_SENTENCE, generate_revision_pair
from reviewer.store import Store
from ui.panels.changes import (
    COL_ANSWER,
    COL_DECLARED,
    COL_PAGE,
    COL_WHAT,
    UNDECLARED,
    CarriedCommentCard,
    ChangesPanel,
    ChangeView,
)

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("panel")
    old_path, new_path, truth = generate_revision_pair(folder, "revised")
    profile = tmp_path_factory.mktemp("rows")
    old, new = load_version(old_path, profile), load_version(new_path, profile)
    return {"old": old, "new": new, "truth": truth, "comparison": compare_versions(old, new)}


@pytest.fixture
def store(isolated_profile: Path) -> Iterator[Store]:
    s = Store.open(isolated_profile)
    yield s
    s.close()


def _comment_on_row(version: Any, section: str, label: str, chapter: str, answer: str | None = None,
                    risk: str | None = None) -> Annotation:
    row = next(r for r in version.reports[0].rows if r.path.chapter == chapter and r.path.section == section
               and r.label == label and (risk is None or r.path.leaf == risk))
    piece = next(p for p in row.pieces if not p.label and len(p.text) >= 12)
    return Annotation(
        file_sha256=version.sha256, file_name=version.path.name, page=piece.page, page_label=str(piece.page),
        kind="highlight", rects=[(piece.x0, piece.y0, piece.x1, piece.y1)], category="要修正",
        text="具体的な手順を記載してください", author="山田太郎", quote=piece.text[:12], answer=answer)


def test_panel_groups_undeclared_first_and_steps_with_keys(qtbot: QtBot, compared: dict[str, Any]) -> None:
    comparison: Comparison = compared["comparison"]
    panel = ChangesPanel()
    qtbot.addWidget(panel)
    panel.set_comparison(comparison)
    report = comparison.documents[0]
    undeclared = [c for c in report.changes if not c.declared]
    assert panel.summary.text() == f"変更 {len(report.changes)} 件（うち未申告 {len(undeclared)} 件）・確認済み 0 件"
    top = panel.tree.topLevelItem(0)
    assert top is not None and top.text(COL_WHAT).startswith(report.title)
    assert f"{UNDECLARED} {len(undeclared)}件" in top.text(COL_WHAT)
    first_group = top.child(0)
    assert first_group is not None and first_group.text(COL_WHAT).startswith("Ⅱ 6.")  # the undeclared change's
    items = panel._items
    assert [i.text(COL_DECLARED) for i in items].count(UNDECLARED) == len(undeclared)
    assert items[0].text(COL_DECLARED) == UNDECLARED
    # The printed page number (資料の頁) members cite, not the PDF's page index.
    assert items[0].text(COL_PAGE) == comparison.new.outline.page_labels[undeclared[0].new_page or 0] != ""
    panel.show()
    panel.tree.setFocus()
    with qtbot.waitSignal(panel.change_activated) as first:
        qtbot.keyClick(panel.tree, Qt.Key.Key_N)
    assert first.args[0] is undeclared[0]
    with qtbot.waitSignal(panel.change_activated) as second:
        qtbot.keyClick(panel.tree, Qt.Key.Key_F8)
    assert second.args[0] is panel.changes()[1] and second.args[0].declared
    with qtbot.waitSignal(panel.change_activated) as back:
        qtbot.keyClick(panel.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert back.args[0] is undeclared[0]


def test_marking_a_change_reviewed_goes_to_the_store(qtbot: QtBot, compared: dict[str, Any], store: Store) -> None:
    comparison: Comparison = compared["comparison"]
    new_sha = comparison.new.sha256
    panel = ChangesPanel(on_reviewed=lambda change, done: mark_change_reviewed(store, new_sha, change, done))
    qtbot.addWidget(panel)
    panel.set_comparison(comparison)
    item = panel._items[2]
    change = item.data(COL_WHAT, Qt.ItemDataRole.UserRole + 11)
    item.setCheckState(COL_WHAT, Qt.CheckState.Checked)
    assert reviewed_changes(store, new_sha) == {change_key(change)}
    assert panel.summary.text().endswith("・確認済み 1 件")  # how far the member is through the changes
    assert "確認済み" in panel.tree.headerItem().text(COL_WHAT)  # what the ticks mean
    # Shown again (e.g. after reopening), the mark is there.
    panel.set_comparison(comparison, reviewed=reviewed_changes(store, new_sha))
    checked = [i for i in panel._items if i.checkState(COL_WHAT) == Qt.CheckState.Checked]
    assert [i.data(COL_WHAT, Qt.ItemDataRole.UserRole + 11) for i in checked] == [change]
    item = checked[0]
    item.setCheckState(COL_WHAT, Qt.CheckState.Unchecked)
    assert reviewed_changes(store, new_sha) == set()


def test_the_departments_answer_is_shown_beside_its_change(qtbot: QtBot, compared: dict[str, Any]) -> None:
    comparison: Comparison = compared["comparison"]
    answer = "ご指摘を踏まえ、入退室の記録方法を追記します。"
    comment = _comment_on_row(compared["old"], "6", "①保管場所 ※", "Ⅱ", answer=answer)
    answers = answers_for_changes(comparison, [comment])
    panel = ChangesPanel()
    qtbot.addWidget(panel)
    panel.set_comparison(comparison, answers=answers)
    shown = {i.text(COL_ANSWER): i.data(COL_WHAT, Qt.ItemDataRole.UserRole + 11) for i in panel._items}
    assert answer in shown
    assert shown[answer].item == "①保管場所 ※" and not shown[answer].declared
    assert sum(1 for text in shown if text) == 1


def test_change_view_highlights_the_added_text(qtbot: QtBot, compared: dict[str, Any]) -> None:
    comparison: Comparison = compared["comparison"]
    change = next(c for c in comparison.documents[0].changes if not c.declared)
    marks = [m for m in change_marks(change) if m.added]
    assert marks and all(m.page == change.new_page or m.page == change.new_page + 1 for m in marks)
    with pymupdf.open(compared["new"].path) as doc:
        words = "".join(doc[marks[0].page].get_textbox(pymupdf.Rect(*marks[0].rect)).split())
    assert norm(words) and norm(words) in norm(UNDECLARED_SENTENCE) + norm("している。")
    view = ChangeView()
    qtbot.addWidget(view)
    view.show()
    # Before a change is chosen: a line saying what will show, not an empty grey page box.
    assert not view.page_scroll.isVisible() and "変更を選ぶと" in view.strip.text()
    view.show_change(compared["new"].path, change, zoom=1.0)
    assert view.page_scroll.isVisible()
    pixmap = view.page_label.pixmap()
    image = pixmap.toImage()
    x0, y0, x1, y1 = (int(v) for v in marks[-1].rect)
    greenish = sum(1 for x in range(x0, x1, 2) for y in range(y0, y1, 2)
                   if (c := QColor(image.pixel(x, y))).green() > c.red() + 20 and c.green() > c.blue() + 10)
    assert greenish > 10
    assert UNDECLARED in view.strip.text()
    assert "line-through" in view.strip.text() or change.removed_text == ""


def test_carried_comment_card_shows_the_change_and_records_the_check(
        qtbot: QtBot, compared: dict[str, Any], store: Store) -> None:
    old, new = compared["old"], compared["new"]
    comment = _comment_on_row(old, "2", "対象者以外の情報の入手を防止するための措置の内容", "Ⅲ", risk="1")
    store.add_annotation(comment)
    (carried,) = carry_comments(store, old, new)
    assert carried.status == "changed"
    card = CarriedCommentCard(on_check=store.set_carried_check)
    qtbot.addWidget(card)
    card.show_comment(carried.new, carried.status, comment.quote, carried.new_text)
    assert "記載が変更された" in card.status.text()
    assert norm(REWRITTEN_SENTENCE)[:8] in norm(card.body.text().replace("<", " <"))
    qtbot.mouseClick(card.again_button, Qt.MouseButton.LeftButton)
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "再指摘"
    qtbot.mouseClick(card.confirm_button, Qt.MouseButton.LeftButton)
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "対応確認済み"
    assert not card.again_button.isChecked()


def test_change_view_side_by_side_with_the_old_row(qtbot: QtBot, compared: dict[str, Any]) -> None:
    """Beside the new page, the old page of the same row (by structure: the old page number differs) with the
    removed text struck through in red."""
    comparison: Comparison = compared["comparison"]
    change = next(c for c in comparison.documents[0].changes if c.item == "対象者以外の情報の入手を防止するための措置の内容")
    old_marks = [m for m in change_marks(change, old=True) if m.added]
    assert old_marks and old_marks[0].page == change.old_page and change.old_page != change.new_page
    with pymupdf.open(compared["old"].path) as doc:
        struck = "".join(doc[old_marks[0].page].get_textbox(pymupdf.Rect(*old_marks[0].rect)).split())
    assert norm(struck) and norm(struck) in norm(change.removed_text)
    view = ChangeView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    view.show_change(compared["new"].path, change, zoom=1.0)
    assert view.old_scroll.isHidden() and view.old_caption.isHidden()
    view.show_change(compared["new"].path, change, zoom=1.0, old_pdf=compared["old"].path)
    assert not view.old_scroll.isHidden()
    # Each page says which version it is, and shows the changed text, not the page's left margin.
    assert view.old_caption.isVisible() and view.old_caption.text() == "前の版"
    assert view.new_caption.isVisible() and view.new_caption.text() == "新しい版"
    left, top = int(old_marks[0].rect[0]), int(old_marks[0].rect[1])
    bar = view.old_scroll.horizontalScrollBar()
    assert bar.maximum() == 0 or bar.value() <= left < bar.value() + view.old_scroll.viewport().width()
    down = view.old_scroll.verticalScrollBar()  # in a short view too, the change's first line is in sight
    assert down.value() <= top < down.value() + view.old_scroll.viewport().height() * 2 // 3
    image = view.old_label.pixmap().toImage()
    x0, y0, x1, y1 = (int(v) for v in old_marks[0].rect)
    reddish = sum(1 for x in range(x0, x1, 2) for y in range(y0, y1, 2)
                  if (c := QColor(image.pixel(x, y))).red() > c.green() + 20 and c.red() > c.blue() + 20)
    assert reddish > 10
