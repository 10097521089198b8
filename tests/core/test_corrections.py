"""Corrections by hand of the detected structure: laid over the outline, kept in the encrypted store, undoable,
kept after re-detection, carried in comment packages and used by the comment sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import structure_variants as sv  # tests/core is on sys.path (rootdir-relative, no __init__.py)

from reviewer.annotations import Annotation
from reviewer.document import Packet
from reviewer.exchange import PackageError
from reviewer.exchange.w3c import build_package, parse_package
from reviewer.export.sheet import build_sheet
from reviewer.store import Store
from reviewer.store.schema import MIGRATIONS
from reviewer.structure import check
from reviewer.structure.corrections import (
    HEADING,
    JUDGEMENT,
    UNPLACED,
    Correction,
    PutCorrection,
    RemoveCorrection,
    added_by,
    added_node,
    apply_corrections,
    corrected_actions,
    heading_correction,
    judgement_correction,
    merge_corrections,
    target_of,
)
from reviewer.structure.detect import detect_outline
from reviewer.structure.model import Document, Node, Outline

SHA = "a" * 64


def _detect(path: Path) -> Outline:
    with Packet.open(path) as packet:
        return detect_outline(packet)


@pytest.fixture(scope="module")
def unjudged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outline]:
    """A packet whose first two risks are printed without their judgement."""
    path = tmp_path_factory.mktemp("corrections") / "unjudged.pdf"
    sv.build_style(sv.Style("unjudged", unjudged=2, files=("住民基本台帳ファイル", "本人確認情報ファイル")), path)
    return path, _detect(path)


def _report(outline: Outline) -> tuple[int, Document]:
    return next((i, d) for i, d in enumerate(outline.documents) if d.form)


def _risk(document: Document, number: str, file: str, section: str = "2") -> Node:
    current = ""
    for node in document.nodes:
        if node.kind == "section":
            current = node.number
        if node.kind == "risk" and node.number == number and node.file == file and current == section:
            return node
    raise AssertionError(f"no risk {section}/{number} of {file}")


def test_judgement_correction_fills_the_unread_judgement(unjudged: tuple[Path, Outline]) -> None:
    _path, outline = unjudged
    _index, report = _report(outline)
    risk = _risk(report, "1", "住民基本台帳ファイル")
    assert risk.judgement is None
    assert [w.kind for w in report.warnings] == [check.RISK_WITHOUT_JUDGEMENT] * 2
    key = target_of(outline, risk)
    assert key.endswith("/risk1@住民基本台帳ファイル")
    corrected = apply_corrections(outline, [judgement_correction(outline.sha256, key, "十分である", "山田")])
    _i, fixed = _report(corrected)
    node = _risk(fixed, "1", "住民基本台帳ファイル")
    assert node.judgement == "十分である" and corrected_actions(node) == ["judgement"]
    assert [w.kind for w in fixed.warnings] == [check.RISK_WITHOUT_JUDGEMENT]
    assert fixed.coverage["risks_with_judgement"] == report.coverage["risks_with_judgement"] + 1
    # the detected outline itself is untouched
    assert risk.judgement is None and risk.corrected == ""
    # a correction for another packet is ignored
    other = apply_corrections(outline, [judgement_correction("b" * 64, key, "十分である")])
    assert _risk(_report(other)[1], "1", "住民基本台帳ファイル").judgement is None


def test_heading_correction_changes_title_and_position_and_keeps_order(unjudged: tuple[Path, Outline]) -> None:
    _path, outline = unjudged
    _index, report = _report(outline)
    risk = _risk(report, "2", "本人確認情報ファイル", section="3")
    key = target_of(outline, risk)
    moved = heading_correction(outline.sha256, key, title="権限のない者によって不正に使用されるリスク",
                               page=risk.page, y=risk.y - 30.0)
    corrected = apply_corrections(outline, [moved])
    _i, fixed = _report(corrected)
    node = next(n for n in fixed.nodes if n.corrected)
    assert (node.title, node.page, node.y) == ("権限のない者によって不正に使用されるリスク", risk.page, risk.y - 30.0)
    assert corrected_actions(node) == [HEADING]
    positions = [(n.page, n.y) for n in fixed.nodes]
    assert positions == sorted(positions)
    assert corrected.locate(risk.page, risk.y - 29.0).leaf is node


def test_added_risk_and_section_sit_at_their_place(unjudged: tuple[Path, Outline]) -> None:
    _path, outline = unjudged
    doc_index, report = _report(outline)
    anchor = _risk(report, "4", "本人確認情報ファイル")
    place_y = anchor.y + 5.0  # right under risk 4's heading, still in section 2
    risk = added_node(outline.sha256, kind="risk", number="5", title="入手した情報を誤って廃棄するリスク",
                      page=anchor.page, y=place_y, document=doc_index, judgement="課題が残されている")
    corrected = apply_corrections(outline, [risk])
    _i, fixed = _report(corrected)
    node = next(n for n in fixed.nodes if added_by(n) == risk.id)
    assert (node.kind, node.number, node.file, node.judgement) == (
        "risk", "5", "本人確認情報ファイル", "課題が残されている")
    location = corrected.locate(anchor.page, place_y + 5)
    assert location.leaf is node and location.section is not None and location.section.number == "2"
    assert location.item_label(with_file=True) == "Ⅲ（本人確認情報ファイル） 2. リスク5"
    assert target_of(corrected, node) == f"+{risk.id}"
    assert fixed.coverage["risks"] == report.coverage["risks"] + 1
    section = added_node(outline.sha256, kind="section", number="8", title="監査（追加）", page=anchor.page,
                         y=place_y + 2, document=doc_index)
    both = apply_corrections(outline, [risk, section])
    inside = both.locate(anchor.page, place_y + 3)
    assert inside.section is not None and inside.section.title == "監査（追加）" and inside.leaf is None
    with pytest.raises(ValueError):
        added_node(SHA, kind="chapter", number="Ⅶ", title="x", page=0, y=0.0)


def test_corrections_are_kept_after_redetection_and_unplaced_ones_are_warned(
    unjudged: tuple[Path, Outline],
) -> None:
    path, outline = unjudged
    index, report = _report(outline)
    key = target_of(outline, _risk(report, "1", "住民基本台帳ファイル"))
    corrections = [
        judgement_correction(outline.sha256, key, "特に力を入れている"),
        judgement_correction(outline.sha256, f"{index}:Ⅲ/9/risk1@どこにもないファイル", "十分である"),
    ]
    again = _detect(path)  # a fresh detection: new objects, same identities
    corrected = apply_corrections(again, corrections)
    _i, fixed = _report(corrected)
    assert _risk(fixed, "1", "住民基本台帳ファイル").judgement == "特に力を入れている"
    unplaced = [w for w in fixed.warnings if w.kind == UNPLACED]
    assert len(unplaced) == 1 and "どこにもないファイル" in unplaced[0].message_ja


def test_store_keeps_corrections_replaces_per_node_and_survives_reopen(isolated_profile: Path) -> None:
    assert any("structure_corrections" in migration for migration in MIGRATIONS)
    first = judgement_correction(SHA, "1:Ⅲ/2/risk1@住民基本台帳ファイル", "十分である", "山田")
    second = judgement_correction(SHA, "1:Ⅲ/2/risk1@住民基本台帳ファイル", "課題が残されている", "山田")
    added = added_node(SHA, kind="section", number="4", title="特定個人情報ファイルの取扱いの委託", page=3, y=120.5)
    with Store.open(isolated_profile) as store:
        store.put_correction(first)
        store.put_correction(added)
        store.put_correction(second)  # the same node and action: replaces the first
        assert [c.id for c in store.corrections(SHA)] == [added.id, second.id] or [
            c.id for c in store.corrections(SHA)] == [second.id, added.id]
        assert store.correction_for(SHA, first.target, JUDGEMENT) == second
    with Store.open(isolated_profile) as store:
        assert store.correction(added.id) == added
        assert store.corrections("b" * 64) == []
        assert store.delete_correction(added.id) and not store.delete_correction(added.id)
        assert [c.judgement for c in store.corrections(SHA)] == ["課題が残されている"]
        database = store.path
    raw = database.read_bytes()
    assert len(raw) > 4096 and "課題が残されている".encode() not in raw  # encrypted at rest


def test_correction_commands_undo_and_redo(isolated_profile: Path) -> None:
    key = "1:Ⅲ/2/risk1@住民基本台帳ファイル"
    with Store.open(isolated_profile) as store:
        undo = PutCorrection(judgement_correction(SHA, key, "十分である")).apply(store)
        assert isinstance(undo, RemoveCorrection) and undo.title == "判断を修正"
        assert store.correction_for(SHA, key, JUDGEMENT) is not None
        redo = undo.apply(store)
        assert store.corrections(SHA) == []
        redo.apply(store)
        assert store.correction_for(SHA, key, JUDGEMENT).judgement == "十分である"  # type: ignore[union-attr]
        # correcting again: undo brings back the earlier correction, not nothing
        back = PutCorrection(judgement_correction(SHA, key, "課題が残されている")).apply(store)
        assert isinstance(back, PutCorrection)
        back.apply(store)
        assert store.correction_for(SHA, key, JUDGEMENT).judgement == "十分である"  # type: ignore[union-attr]


def test_corrections_travel_in_a_package_and_merge_newest_wins(isolated_profile: Path) -> None:
    mine = judgement_correction(SHA, "1:Ⅲ/2/risk1@住民基本台帳ファイル", "十分である", "山田")
    added = added_node(SHA, kind="risk", number="5", title="追加のリスク", page=4, y=300.0, document=1,
                       judgement="十分である", author="山田")
    package = build_package([], packet_sha256=SHA, packet_name="packet.pdf", corrections=[mine, added])
    assert len(package["pia:corrections"]) == 2
    parsed = parse_package(json.dumps(package, ensure_ascii=False), expected_sha=SHA)
    assert parsed.annotations == [] and sorted(c.id for c in parsed.corrections) == sorted([mine.id, added.id])
    assert next(c for c in parsed.corrections if c.id == added.id) == added
    with Store.open(isolated_profile) as store:
        assert merge_corrections(store, parsed.corrections) == 2
        assert merge_corrections(store, parsed.corrections) == 0  # the same again: nothing changes
        older = Correction(SHA, mine.target, JUDGEMENT, judgement="課題が残されている", created="2020-01-01T00:00:00.000Z",
                           modified="2020-01-01T00:00:00.000Z")
        assert merge_corrections(store, [older]) == 0
        assert store.correction_for(SHA, mine.target, JUDGEMENT).judgement == "十分である"  # type: ignore[union-attr]
    bad = dict(package, **{"pia:corrections": [{"id": "x", "source": SHA}]})
    with pytest.raises(PackageError) as refused:
        parse_package(json.dumps(bad, ensure_ascii=False), expected_sha=SHA)
    assert "pia:corrections" in refused.value.message_ja  # the why is in the Japanese message (English is short)
    other = dict(package, **{"pia:corrections": [dict(mine.to_json(), source="b" * 64)]})
    with pytest.raises(PackageError) as refused:
        parse_package(json.dumps(other, ensure_ascii=False), expected_sha=SHA)
    assert "別のファイル" in refused.value.message_ja


def test_sheet_item_names_the_file_and_uses_corrections(unjudged: tuple[Path, Outline]) -> None:
    """Issue 13 item 8: comments in Ⅲ（住民基本台帳ファイル） and Ⅲ（本人確認情報ファイル） no longer both read
    「Ⅲ 2. リスク2」; a corrected judgement and an added risk show on the sheet."""
    _path, outline = unjudged
    doc_index, report = _report(outline)
    first = _risk(report, "1", "住民基本台帳ファイル")
    second = _risk(report, "2", "本人確認情報ファイル")

    def comment(node: Node, text: str) -> Annotation:
        return Annotation(outline.sha256, "unjudged.pdf", node.page, str(node.page + 1), "highlight",
                          [(100.0, node.y + 12, 300.0, node.y + 24)], "意見", text, "山田")

    comments = [comment(first, "一つ目"), comment(second, "二つ目")]
    rows = {r.text: r for r in build_sheet(comments, outline)}
    assert rows["一つ目"].item == "Ⅲ（住民基本台帳ファイル） 2. リスク1"
    assert rows["二つ目"].item == "Ⅲ（本人確認情報ファイル） 2. リスク2"
    assert rows["一つ目"].judgement == "" and not rows["一つ目"].corrected
    fix = judgement_correction(outline.sha256, target_of(outline, first), "課題が残されている")
    rows = {r.text: r for r in build_sheet(comments, outline, corrections=[fix])}
    assert rows["一つ目"].judgement == "課題が残されている" and rows["一つ目"].corrected
    assert rows["二つ目"].judgement == second.judgement and not rows["二つ目"].corrected
    extra = added_node(outline.sha256, kind="risk", number="9", title="追加", page=first.page, y=first.y + 6,
                       document=doc_index, judgement="十分である")
    rows = {r.text: r for r in build_sheet(comments, outline, corrections=[extra])}
    assert rows["一つ目"].item == "Ⅲ（住民基本台帳ファイル） 2. リスク9"


def test_an_added_section_does_not_change_the_keys_of_detected_nodes(unjudged: tuple[Path, Outline]) -> None:
    _path, outline = unjudged
    doc_index, report = _report(outline)
    risk = _risk(report, "2", "住民基本台帳ファイル")
    key = target_of(outline, risk)
    section = added_node(outline.sha256, kind="section", number="3", title="追加の節", page=risk.page,
                         y=risk.y - 1, document=doc_index)
    corrected = apply_corrections(outline, [section])
    moved = next(n for n in _report(corrected)[1].nodes if n.kind == "risk" and n.title == risk.title
                 and n.file == risk.file and n.page == risk.page)
    assert corrected.locate(moved.page, moved.y).section is not None
    assert corrected.locate(moved.page, moved.y).section.title == "追加の節"  # type: ignore[union-attr]
    assert target_of(corrected, moved) == key
    fixed = apply_corrections(outline, [section, judgement_correction(outline.sha256, key, "課題が残されている")])
    assert next(n for n in _report(fixed)[1].nodes if n.title == risk.title and n.file == risk.file
                and n.page == risk.page).judgement == "課題が残されている"


@pytest.mark.parametrize("item", [
    {"action": "judgement", "target": "2:Ⅲ/2/risk1", "judgement": "とても良い"},
    {"action": "add", "target": "+x", "kind": "chapter", "number": "Ⅶ", "title": "x", "page": 0, "y": 0.0},
    {"action": "heading", "target": "2:Ⅲ/2/risk1", "title": "長" * 5000},
    {"action": "heading", "target": "2:Ⅲ/2/risk1", "page": -1},
    {"action": "delete", "target": "2:Ⅲ/2/risk1"},
])
def test_a_package_with_a_malformed_correction_is_refused(item: dict[str, object]) -> None:
    base = {"id": "00000000-0000-4000-8000-000000000001", "source": SHA, "author": "x",
            "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z"}
    package = build_package([], packet_sha256=SHA, packet_name="p.pdf")
    package["pia:corrections"] = [{**base, **item}]
    with pytest.raises(PackageError) as refused:
        parse_package(json.dumps(package, ensure_ascii=False), expected_sha=SHA)
    assert "pia:corrections" in refused.value.message_ja or "構造の修正" in refused.value.message_ja


def test_an_added_node_outside_its_named_document_goes_where_its_page_is(unjudged: tuple[Path, Outline]) -> None:
    _path, outline = unjudged
    doc_index, report = _report(outline)
    added = added_node(outline.sha256, kind="section", number="9", title="別の資料の節", page=0, y=500.0,
                       document=doc_index)
    corrected = apply_corrections(outline, [added])
    assert corrected.document_at(0) != doc_index
    holder = corrected.documents[corrected.document_at(0) or 0]
    assert [n.title for n in holder.nodes if n.corrected] == ["別の資料の節"]
    assert not any(n.corrected for n in _report(corrected)[1].nodes)
