"""Import/export menu actions: file dialogs (patched), background work, Japanese messages, and undo of imports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.document import file_sha256
from reviewer.paths import bundled_font
from reviewer.structure.model import Document, Node, Outline

pytestmark = pytest.mark.gui


def make_packet(path: Path) -> Outline:
    doc = pymupdf.open()
    for lines in ([(100, "リスク１：目的外の入手が行われるリスク"), (160, "本人確認書類により確認する。")],
                  [(100, "リスク２：不適切な方法で入手が行われるリスク"), (160, "郵送は返信用封筒で受け付ける。")]):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        for y, text in lines:
            page.insert_text((60, y), text, fontname="ipa", fontsize=11)
    doc.save(path)
    doc.close()
    nodes = [
        Node("chapter", "Ⅲ", "リスク対策", 0, 40),
        Node("section", "2", "特定個人情報の入手", 0, 60),
        Node("risk", "1", "目的外の入手が行われるリスク", 0, 88),
        Node("risk", "2", "不適切な方法で入手が行われるリスク", 1, 88),
    ]
    return Outline(sha256=file_sha256(path), pages=2, page_labels=["1", "2"],
                   documents=[Document("テスト事務 全項目評価書", "全項目評価書", 0, 1, nodes)], found_report=True)


def authors(report: Any) -> list[str]:
    return sorted({name for file in report.files for name in file.authors})


class Dialogs:
    """Captures message boxes and answers file dialogs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.messages: list[tuple[str, str]] = []
        self.save_path = ""
        self.open_paths: list[str] = []
        from ui import notify

        monkeypatch.setattr(notify, "info", lambda _p, _t, text, *a, **k: self.messages.append(("info", text)))
        monkeypatch.setattr(notify, "error", lambda _p, _t, text, *a, **k: self.messages.append(("warning", text)))
        from ui import file_dialogs

        monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: self.save_path)
        monkeypatch.setattr(file_dialogs, "open_files", lambda *a, **k: list(self.open_paths))
        monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: self.open_paths[0] if self.open_paths else "")


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path, isolated_profile: Path) -> Iterator[Any]:
    from reviewer.store import Store
    from ui.annotate import AnnotationController
    from ui.exchange_actions import ExchangeActions

    path = tmp_path / "packet.pdf"
    outline = make_packet(path)
    store = Store.open(isolated_profile)
    store.set_setting("member_name", "委員A")
    controller = AnnotationController(store=store)
    controller.set_document(path, outline.sha256, outline.page_labels)
    controller.set_outline(outline)
    qtbot.addWidget(controller.panel)
    exchange = ExchangeActions(controller)

    r: Any = SimpleNamespace()
    r.controller, r.exchange, r.store, r.outline, r.path, r.tmp = controller, exchange, store, outline, path, tmp_path
    yield r
    controller.close_document()
    store.close()


def add(rig: Any, page: int, y: float, text: str, **changes: Any) -> Annotation:
    a = rig.controller.make_annotation(page, "highlight", [(60.0, y - 10, 260.0, y + 2)], "質問", text,
                                       quote="本人確認書類")
    for name, value in changes.items():
        setattr(a, name, value)
    assert rig.controller.add_annotation(a)
    return a  # type: ignore[no-any-return]


def run(qtbot: Any, rig: Any, action: Any) -> tuple[str, Any]:
    with qtbot.waitSignal(rig.exchange.finished, timeout=20_000) as blocker:
        action()
    kind, result = blocker.args
    return kind, result


def test_export_my_package_then_import_as_another_member(qtbot: Any, rig: Any, dialogs: Dialogs) -> None:
    mine = [add(rig, 0, 160, "確認書類は？"), add(rig, 1, 160, "郵送の期限は？")]
    add(rig, 1, 100, "他の委員", author="委員B", origin="imported")
    dialogs.save_path = str(rig.tmp / "mine")  # the suffix is added
    kind, written = run(qtbot, rig, rig.exchange.export_package_action.trigger)
    assert kind == "package" and written.endswith("mine.json")
    data = json.loads(Path(written).read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert [i["id"] for i in items] == [f"urn:uuid:{a.id}" for a in mine]
    assert {i["creator"]["name"] for i in items} == {"委員A"}
    assert items[0]["target"]["source"] == f"urn:sha256:{rig.outline.sha256}"

    # the chair (another profile would do the same) imports 委員C's package: authors kept, undoable
    from reviewer.exchange.w3c import write_package

    theirs = [rig.controller.make_annotation(0, "note", [(300.0, 150.0, 316.0, 166.0)], "意見", "根拠規定を明記")]
    theirs[0].author = "委員C"
    package = rig.tmp / "c.json"
    write_package(theirs, package, packet_sha256=rig.outline.sha256, packet_name="packet.pdf")
    kind, summary = run(qtbot, rig, lambda: rig.exchange.import_files([str(package)]))
    assert kind == "import" and summary.added == 1 and authors(summary) == ["委員C"]
    got = rig.store.get_annotation(theirs[0].id)
    assert got.author == "委員C" and got.origin == "imported" and got.text == "根拠規定を明記"
    assert got.item_label == "Ⅲ 2. リスク1" and got.node_key == "0:Ⅲ/2/risk1"
    assert dialogs.messages[-1][0] == "info" and "委員C" in dialogs.messages[-1][1]
    assert "追加 1 件" in dialogs.messages[-1][1]
    assert theirs[0].id in rig.controller.panel.visible_ids()
    assert rig.controller.undo_action.text().endswith("コメントを取り込み")
    rig.controller.undo.stack.undo()
    assert rig.store.get_annotation(theirs[0].id) is None
    rig.controller.undo.stack.redo()
    assert rig.store.get_annotation(theirs[0].id).author == "委員C"

    # the same package again changes nothing
    kind, summary = run(qtbot, rig, lambda: rig.exchange.import_files([str(package)]))
    assert summary is None  # nothing to apply: no undo entry
    assert "追加 0 件、更新 0 件、変更なし 1 件" in dialogs.messages[-1][1]


def test_tampered_and_foreign_files_are_refused_whole(qtbot: Any, rig: Any, dialogs: Dialogs) -> None:
    from reviewer.exchange.w3c import write_package

    a = rig.controller.make_annotation(0, "note", [(300.0, 150.0, 316.0, 166.0)], "意見", "元の本文")
    a.author = "委員D"
    package = rig.tmp / "d.json"
    write_package([a], package, packet_sha256=rig.outline.sha256, packet_name="packet.pdf")
    data = json.loads(package.read_text(encoding="utf-8"))
    for body in data["first"]["items"][0]["body"]:
        if body.get("purpose") == "commenting":
            body["value"] = "書き換えた本文"
    package.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    other = rig.tmp / "other.json"
    from dataclasses import replace

    write_package([replace(a, file_sha256="0" * 64)], other, packet_sha256="0" * 64, packet_name="別の資料.pdf")
    before = rig.store.snapshot()
    kind, summary = run(qtbot, rig, lambda: rig.exchange.import_files([str(package), str(other)]))
    assert summary is None
    assert rig.store.snapshot() == before
    level, text = dialogs.messages[-1]
    assert level == "warning" and "d.json" in text and "other.json" in text and "何も取り込んでいません" in text


def test_sheet_exports_and_answered_sheet_round_trip(qtbot: Any, rig: Any, dialogs: Dialogs) -> None:
    from openpyxl import load_workbook

    first = add(rig, 0, 160, "確認書類の種類は？")
    add(rig, 1, 160, "除外する意見", excluded=True)
    dialogs.save_path = str(rig.tmp / "sheet.xlsx")
    kind, written = run(qtbot, rig, rig.exchange.sheet_actions["xlsx"].trigger)
    wb = load_workbook(written)
    ws = wb["意見一覧"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 1  # the excluded comment is not on the sheet
    row = dict(zip(header, rows[0], strict=False))
    assert row["意見・質問"] == "確認書類の種類は？" and row["委員"] == "委員A" and row["ID"] == first.id
    assert row["項目"] == "Ⅲ 2. リスク1" and row["資料頁"] == 1  # a number: the sheet sorts by page
    # the department answers; the chair imports the returned sheet
    ws.cell(row=2, column=header.index("所管課の回答") + 1, value="運転免許証等です。")
    answered = rig.tmp / "answered.xlsx"
    wb.save(answered)
    dialogs.open_paths = [str(answered)]
    kind, summary = run(qtbot, rig, rig.exchange.import_answers_action.trigger)
    assert summary.answers_attached == 1
    assert rig.store.get_annotation(first.id).answer == "運転免許証等です。"
    assert rig.store.get_annotation(first.id).text == "確認書類の種類は？"
    assert rig.controller.undo_action.text().endswith("回答を取り込み")
    rig.controller.panel.select_annotation(first.id)
    assert rig.controller.panel.answer_label.text() == "所管課の回答: 運転免許証等です。"

    dialogs.save_path = str(rig.tmp / "sheet.csv")
    kind, written = run(qtbot, rig, rig.exchange.sheet_actions["csv"].trigger)
    raw = Path(written).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[1][table[0].index("所管課の回答")] == "運転免許証等です。"


def test_docx_pdf_and_annotated_pdf_exports(qtbot: Any, rig: Any, dialogs: Dialogs) -> None:
    from docx import Document as DocxDocument

    add(rig, 0, 160, "確認書類の種類は？")
    dialogs.save_path = str(rig.tmp / "sheet.docx")
    _, written = run(qtbot, rig, rig.exchange.sheet_actions["docx"].trigger)
    cells = [c.text for t in DocxDocument(written).tables for r in t.rows for c in r.cells]
    assert "確認書類の種類は？" in cells
    dialogs.save_path = str(rig.tmp / "sheet.pdf")
    _, written = run(qtbot, rig, rig.exchange.sheet_actions["pdf"].trigger)
    with pymupdf.open(written) as doc:
        assert "確認書類の種類は？" in "".join(page.get_text() for page in doc)
    dialogs.save_path = str(rig.tmp / "annotated.pdf")
    _, written = run(qtbot, rig, rig.exchange.export_annotated_action.trigger)
    with pymupdf.open(written) as doc:
        annots = list(doc[0].annots())
        assert [a.info["content"] for a in annots] == ["確認書類の種類は？"]
        assert annots[0].info["title"] == "委員A"
    # the annotated PDF comes back in as comments with their author
    for a in rig.store.annotations(rig.outline.sha256):
        rig.store.delete_annotation(a.id)
    _, summary = run(qtbot, rig, lambda: rig.exchange.import_files([written]))
    assert summary.added == 1 and authors(summary) == ["委員A"]
    [back] = rig.store.annotations(rig.outline.sha256)
    assert back.text == "確認書類の種類は？" and back.page == 0


def test_refuses_to_overwrite_the_packet_and_needs_a_packet(qtbot: Any, rig: Any, dialogs: Dialogs) -> None:
    add(rig, 0, 160, "確認")
    dialogs.save_path = str(rig.path)
    rig.exchange.export_annotated_action.trigger()
    assert dialogs.messages[-1] == ("warning", "元のPDFには上書きできません。別の名前で保存してください。")
    rig.controller.close_document()
    rig.exchange.export_package_action.trigger()
    assert dialogs.messages[-1] == ("warning", "PDFが開かれていません。")


def test_exports_of_the_bundled_sample_are_proposed_in_the_members_folder(rig: Any) -> None:
    """The sample lives inside the app (read-only once installed): its exports go to Documents (or home), while a
    packet's own folder is proposed for real packets."""
    from reviewer.paths import resource

    assert Path(rig.exchange._default_name("-x.json")).parent == rig.path.parent
    rig.controller.session.path = resource("sample", "sample-packet.pdf")
    proposed = Path(rig.exchange._default_name("-x.json"))
    assert proposed.parent in (Path.home() / "Documents", Path.home())
    assert proposed.name == "sample-packet-x.json"
