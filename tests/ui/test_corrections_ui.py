"""Corrections by hand in the GUI: the tree shows 「？」 and the report's warning, the context menu asks for a
correction, the dialog sets a judgement, undo takes it back, and the correction travels in a comment package to
another profile, where the tree and the comment sheet show it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu

from reviewer.annotations import Annotation
from reviewer.document import file_sha256
from reviewer.exchange.importer import import_files
from reviewer.exchange.w3c import export_package
from reviewer.export.sheet import build_sheet
from reviewer.paths import bundled_font
from reviewer.store import Store
from reviewer.structure.check import check_document
from reviewer.structure.corrections import import_package_corrections
from reviewer.structure.model import Document, Node, Outline

pytestmark = pytest.mark.gui

FILES = ("住民基本台帳ファイル", "本人確認情報ファイル")


def make_packet(path: Path) -> Outline:
    """Two pages, one Ⅲ per 特定個人情報ファイル; the first file's risk 1 has no judgement that could be read."""
    doc = pymupdf.open()
    for name in FILES:
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        page.insert_text((60, 60), f"Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策（{name}）", fontname="ipa",
                         fontsize=11)
        page.insert_text((60, 100), "リスク１：目的外の入手が行われるリスク", fontname="ipa", fontsize=11)
        page.insert_text((60, 160), "本人確認書類により確認する。", fontname="ipa", fontsize=11)
    doc.save(path)
    doc.close()
    nodes: list[Node] = []
    for index, name in enumerate(FILES):
        nodes += [
            Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", index, 48, file=name),
            Node("section", "2", "特定個人情報の入手", index, 70, file=name),
            Node("risk", "1", "目的外の入手が行われるリスク", index, 88, file=name,
                 judgement=None if index == 0 else "十分である"),
            Node("section", "3", "特定個人情報の使用", index, 400, file=name),
            Node("section", "4", "特定個人情報ファイルの取扱いの委託", index, 600, file=name, judgement="十分である"),
            Node("section", "5", "特定個人情報の提供・移転", index, 650, file=name),
            Node("section", "6", "情報提供ネットワークシステムとの接続", index, 700, file=name),
            Node("section", "7", "特定個人情報の保管・消去", index, 750, file=name),
        ]
    report = check_document(Document("テスト事務 全項目評価書", "全項目評価書", 0, 1, nodes))
    assert [w.kind for w in report.warnings] == ["risk_without_judgement"]
    return Outline(sha256=file_sha256(path), pages=2, page_labels=["1", "2"], documents=[report], found_report=True)


@pytest.fixture
def panel(qtbot: Any) -> Any:
    from ui.panels.outline import OutlinePanel

    widget = OutlinePanel()
    widget.resize(480, 400)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _accept_dialog_with(qtbot: Any, judgement: str, seen: list[str]) -> None:
    """When the correction dialog is up: pick ``judgement`` and press OK."""
    from ui.dialogs.correction import CorrectionDialog

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CorrectionDialog)
        seen.append(dialog.where.text())
        dialog.judgement.setCurrentIndex(dialog.judgement.findData(judgement))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None and ok.isEnabled()
        ok.click()

    QTimer.singleShot(0, act)


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # the context menu's popup, offscreen
def test_set_judgement_undo_export_and_import_into_another_profile(panel: Any, qtbot: Any, tmp_path: Path) -> None:
    from ui.corrections import corrected_outline, run_correction
    from ui.panels.outline import COL_JUDGEMENT, COL_TITLE, CORRECTED_MARK, UNREAD_JUDGEMENT
    from ui.undo import UndoService

    pdf = tmp_path / "packet.pdf"
    detected = make_packet(pdf)
    store = Store.open(tmp_path / "chair")
    other = Store.open(tmp_path / "member")
    try:
        store.set_setting("member_name", "委員長")
        undo = UndoService(store)

        # the tree says what was not read
        panel.set_outline(corrected_outline(store, detected))
        report_item = panel.tree.topLevelItem(0)
        assert "判断を読み取れなかったリスク 1 件" in report_item.text(COL_TITLE)
        assert panel.message.isVisible() and "Ⅲ（住民基本台帳ファイル） 2. リスク1" in panel.message.text()
        unread = detected.documents[0].nodes[2]
        risk_item = panel.item_for_node(panel.outline.documents[0].nodes[2])
        assert risk_item.text(COL_JUDGEMENT) == UNREAD_JUDGEMENT
        assert "読み取れませんでした" in risk_item.toolTip(COL_JUDGEMENT)
        assert panel.item_for_node(panel.outline.documents[0].nodes[10]).text(COL_JUDGEMENT) == "十分"

        # right-click → 「判断を修正…」 → the panel asks; the dialog sets the judgement through the undo stack
        results: list[bool] = []
        seen: list[str] = []
        panel.correction_requested.connect(
            lambda request: results.append(run_correction(panel, store, panel.outline, request, undo)))
        panel.tree.expandAll()
        rect = panel.tree.visualItemRect(risk_item)
        assert panel.tree.itemAt(rect.center()) is risk_item
        panel.tree.customContextMenuRequested.emit(rect.center())
        menu = panel.tree.findChild(QMenu)
        assert menu is not None
        texts = [a.text() for a in menu.actions()]
        assert texts == ["判断を修正…", "見出しを修正…", "ここにリスク/節を追加…"]
        _accept_dialog_with(qtbot, "課題が残されている", seen)
        with qtbot.waitSignal(panel.correction_requested, timeout=5000):
            menu.actions()[0].trigger()
        assert results == [True]
        assert seen and "Ⅲ（住民基本台帳ファイル） 2. リスク1 目的外の入手が行われるリスク" in seen[0]
        stored = store.corrections(detected.sha256)
        assert [(c.action, c.judgement, c.author) for c in stored] == [("judgement", "課題が残されている", "委員長")]
        assert undo.undo_text() == "判断を修正"

        panel.set_outline(corrected_outline(store, detected))
        risk_item = panel.item_for_node(panel.outline.documents[0].nodes[2])
        assert risk_item.text(COL_JUDGEMENT) == "課題あり"
        assert risk_item.text(COL_TITLE).endswith(CORRECTED_MARK) and "判断を手で修正しました" in risk_item.toolTip(COL_TITLE)
        assert "判断を読み取れなかった" not in panel.tree.topLevelItem(0).text(COL_TITLE)
        assert not panel.message.isVisible()

        # undo takes it back, redo puts it again
        undo.stack.undo()
        assert store.corrections(detected.sha256) == []
        panel.set_outline(corrected_outline(store, detected))
        assert panel.item_for_node(panel.outline.documents[0].nodes[2]).text(COL_JUDGEMENT) == UNREAD_JUDGEMENT
        undo.stack.redo()
        assert [c.judgement for c in store.corrections(detected.sha256)] == ["課題が残されている"]
        assert unread.judgement is None  # the detected outline itself is never changed

        # a comment on that risk, exported with the corrections, imported into another profile
        comment = Annotation(detected.sha256, pdf.name, 0, "1", "highlight", [(60.0, 150.0, 300.0, 165.0)], "意見",
                             "本人確認の手順を具体的に", "委員長")
        store.add_annotation(comment)
        package = tmp_path / "comments.json"
        export_package(store.annotations(detected.sha256), package, packet_sha256=detected.sha256,
                       packet_name=pdf.name, sign=False, corrections=store.corrections(detected.sha256))
        report = import_files(other, detected.sha256, detected, [package], packet_name=pdf.name)
        assert report.added == 1 and report.corrections == 1  # the import stores them with the comments
        assert import_package_corrections(other, package, detected.sha256) == 0

        panel.set_outline(corrected_outline(other, detected))
        there = panel.item_for_node(panel.outline.documents[0].nodes[2])
        assert there.text(COL_JUDGEMENT) == "課題あり" and there.text(COL_TITLE).endswith(CORRECTED_MARK)
        rows = build_sheet(other.annotations(detected.sha256), detected,
                           corrections=other.corrections(detected.sha256))
        assert [(r.item, r.judgement, r.corrected) for r in rows] == [
            ("Ⅲ（住民基本台帳ファイル） 2. リスク1", "課題が残されている", True)]
    finally:
        store.close()
        other.close()


def test_dialog_adds_a_risk_and_corrects_a_heading(panel: Any, qtbot: Any, tmp_path: Path) -> None:
    from ui.corrections import corrected_outline, run_correction
    from ui.dialogs.correction import CorrectionDialog
    from ui.panels.outline import COL_TITLE, CORRECTED_MARK
    from ui.undo import UndoService

    detected = make_packet(tmp_path / "packet.pdf")
    store = Store.open(tmp_path / "profile")
    try:
        undo = UndoService(store)
        panel.set_outline(corrected_outline(store, detected))
        section = panel.outline.documents[0].nodes[9]  # Ⅲ（本人確認情報ファイル） 2.

        def add() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, CorrectionDialog) and dialog.action == "add"
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert ok is not None and not ok.isEnabled()  # no number and title yet
            dialog.add_number.setText("2")
            dialog.add_title.setText("不適切な方法で入手が行われるリスク")
            dialog.add_y.setValue(200.0)
            dialog.add_judgement.setCurrentIndex(dialog.add_judgement.findData("十分である"))
            ok.click()

        QTimer.singleShot(0, add)
        assert run_correction(panel, store, panel.outline, section, undo, action="add")
        corrected = corrected_outline(store, detected)
        added = [n for n in corrected.documents[0].nodes if n.corrected]
        assert [(n.kind, n.number, n.file, n.page, n.y, n.judgement) for n in added] == [
            ("risk", "2", "本人確認情報ファイル", 1, 200.0, "十分である")]

        # correcting the added risk's heading changes the addition itself (one correction, not two)
        panel.set_outline(corrected)
        added_node = next(n for n in panel.outline.documents[0].nodes if n.corrected)

        def retitle() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, CorrectionDialog) and dialog.action == "heading"
            dialog.title.setText("不適切な方法で入手が行われるリスク（郵送）")
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert ok is not None
            ok.click()

        QTimer.singleShot(0, retitle)
        assert run_correction(panel, store, panel.outline, added_node, undo, action="heading")
        assert [c.title for c in store.corrections(detected.sha256)] == ["不適切な方法で入手が行われるリスク（郵送）"]
        panel.set_outline(corrected_outline(store, detected))
        item = panel.item_for_node(next(n for n in panel.outline.documents[0].nodes if n.corrected))
        assert item.text(COL_TITLE) == f"リスク2 不適切な方法で入手が行われるリスク（郵送） {CORRECTED_MARK}"
        undo.stack.undo()
        assert [c.title for c in store.corrections(detected.sha256)] == ["不適切な方法で入手が行われるリスク"]

        # a cancelled dialog stores nothing
        def cancel() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, CorrectionDialog)
            dialog.reject()

        QTimer.singleShot(0, cancel)
        assert not run_correction(panel, store, panel.outline, section, undo, action="heading")
        assert len(store.corrections(detected.sha256)) == 1
    finally:
        store.close()


def test_plain_document_beside_a_report_lists_its_bookmarks(panel: Any, tmp_path: Path) -> None:
    from ui.panels.outline import COL_TITLE

    report = make_packet(tmp_path / "packet.pdf").documents[0]
    shifted = [Node(n.kind, n.number, n.title, n.page + 2, n.y, n.file, n.judgement) for n in report.nodes]
    outline = Outline(
        sha256="c" * 64, pages=4, page_labels=["1", "2", "3", "4"],
        documents=[Document("審議資料", None, 0, 1), Document(report.title, report.form, 2, 3, shifted)],
        bookmarks=[(1, "表紙", 0), (1, "諮問書", 1), (2, "別紙", 1), (1, "評価書", 2)], found_report=True,
    )
    panel.set_outline(outline)
    plain = panel.tree.topLevelItem(0)
    assert [plain.child(i).text(COL_TITLE) for i in range(plain.childCount())] == ["表紙", "諮問書"]
    assert plain.child(1).child(0).text(COL_TITLE) == "別紙"
    report_item = panel.tree.topLevelItem(1)
    assert all(report_item.child(i).text(COL_TITLE) != "評価書" for i in range(report_item.childCount()))
    jumps: list[tuple[int, float]] = []
    panel.jump_requested.connect(lambda page, y: jumps.append((page, y)))
    panel.tree.itemClicked.emit(plain.child(1).child(0), 0)
    assert jumps and jumps[0][0] == 1
