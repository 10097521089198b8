"""Honest output: what the form leads one to expect but was not read is a warning, and coverage counts what was
read. Each packet is built by the independent variant builder to lack one thing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import structure_variants as sv  # tests/core is on sys.path (rootdir-relative, no __init__.py)

from reviewer.cli import main
from reviewer.document import Packet
from reviewer.structure import check
from reviewer.structure.detect import detect_outline
from reviewer.structure.model import Document, Outline


def _report(style: sv.Style, tmp_path: Path) -> tuple[Document, Document]:
    """(detected, truth) of the packet's report."""
    path = tmp_path / f"{style.name}.pdf"
    truth = sv.build_style(style, path)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    return next(d for d in outline.documents if d.form), next(d for d in truth if d.form)


def _kinds(document: Document) -> list[str]:
    return [w.kind for w in document.warnings]


def test_complete_packet_has_no_warning_and_full_coverage(tmp_path: Path) -> None:
    report, truth = _report(sv.Style("complete", files=("住民基本台帳ファイル", "本人確認情報ファイル")), tmp_path)
    assert report.warnings == []
    risks = sum(1 for n in truth.nodes if n.kind == "risk")
    assert risks == 42
    assert report.coverage["risks"] == report.coverage["risks_with_judgement"] == risks
    assert report.coverage["sections"] == sum(1 for n in truth.nodes if n.kind == "section")
    assert report.coverage["files_named"] == report.coverage["files_with_parts"] == 2
    assert report.coverage["warnings"] == 0


def test_risks_without_judgement_are_warned_at_their_pages(tmp_path: Path) -> None:
    report, truth = _report(sv.Style("unjudged", unjudged=3), tmp_path)
    assert _kinds(report) == [check.RISK_WITHOUT_JUDGEMENT] * 3
    unjudged = [n for n in truth.nodes if n.kind == "risk" and n.judgement is None]
    assert [w.page for w in report.warnings] == [n.page for n in unjudged]
    first = report.warnings[0]
    assert first.message_ja.startswith("Ⅲ（住民基本台帳ファイル） 2. リスク1")
    assert "判断を読み取れませんでした" in first.message_ja and "judgement" in first.message_en
    assert report.coverage["risks"] - report.coverage["risks_with_judgement"] == 3


def test_section_numbering_gap_is_warned(tmp_path: Path) -> None:
    report, truth = _report(sv.Style("gap", skip_sections=(3,)), tmp_path)
    assert _kinds(report) == [check.SECTION_GAP]
    warning = report.warnings[0]
    section5_page = next(n.page for n in truth.nodes if n.kind == "section" and n.number == "4" and n.file)
    assert warning.page == section5_page
    assert "2 から 4" in warning.message_ja and "3." in warning.message_ja
    assert "from 2 to 4" in warning.message_en


def test_risk_chapter_without_entrustment_is_warned(tmp_path: Path) -> None:
    report, truth = _report(sv.Style("no_itaku", skip_sections=(4,)), tmp_path)
    assert sorted(_kinds(report)) == sorted([check.NO_ENTRUSTMENT, check.SECTION_GAP])
    warning = next(w for w in report.warnings if w.kind == check.NO_ENTRUSTMENT)
    chapter3 = next(n for n in truth.nodes if n.kind == "chapter" and n.number == "Ⅲ")
    assert warning.page == chapter3.page
    assert "委託" in warning.message_ja and "entrustment" in warning.message_en


def test_report_without_risk_chapter_is_warned(tmp_path: Path) -> None:
    report, _truth = _report(sv.Style("no_iii", no_risk_chapter=True), tmp_path)
    kinds = _kinds(report)
    assert check.NO_RISK_CHAPTER in kinds
    warning = next(w for w in report.warnings if w.kind == check.NO_RISK_CHAPTER)
    assert warning.page == report.start_page and "Ⅲ" in warning.message_ja
    assert report.coverage["risks"] == 0
    # its one file is named in Ⅰ-3 and has Ⅱ but no Ⅲ of its own
    assert kinds.count(check.FILE_WITHOUT_PART) == 1


def test_file_named_in_i3_without_its_own_parts_is_warned(tmp_path: Path) -> None:
    report, _truth = _report(sv.Style("listed", listed_only=("個人番号カード交付ファイル",)), tmp_path)
    assert report.files == ["住民基本台帳ファイル", "個人番号カード交付ファイル"]
    assert _kinds(report) == [check.FILE_WITHOUT_PART]
    warning = report.warnings[0]
    section3 = next(n for n in report.nodes if n.kind == "section" and n.number == "3" and n.title.endswith("ファイル名"))
    assert warning.page == section3.page
    assert "個人番号カード交付ファイル" in warning.message_ja and "Ⅱ・Ⅲ" in warning.message_ja
    assert report.coverage["files_named"] == 2 and report.coverage["files_with_parts"] == 1


def test_warnings_survive_the_outline_json_round_trip(tmp_path: Path) -> None:
    report, _truth = _report(sv.Style("unjudged_rt", unjudged=1), tmp_path)
    outline = Outline("0" * 64, 20, [str(i) for i in range(1, 21)], [report], found_report=True)
    data = outline.to_json()
    assert data["documents"][0]["warnings"][0]["kind"] == check.RISK_WITHOUT_JUDGEMENT
    assert set(data["documents"][0]["warnings"][0]) == {"kind", "page", "message", "message_ja", "message_en"}
    again = Outline.from_json(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again.documents[0].warnings == report.warnings
    assert again.documents[0].coverage == report.coverage


def test_outline_json_command_reports_warnings_and_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "cli.pdf"
    sv.build_style(sv.Style("cli", unjudged=2), path)
    assert main(["outline", str(path), "--json", "--profile", str(tmp_path / "profile")]) == 0
    data = json.loads(capsys.readouterr().out)
    report = next(d for d in data["documents"] if d["form"])
    assert [w["kind"] for w in report["warnings"]] == [check.RISK_WITHOUT_JUDGEMENT] * 2
    assert all(w["message"] and w["message_en"] and isinstance(w["page"], int) for w in report["warnings"])
    assert report["coverage"]["risks"] == report["coverage"]["risks_with_judgement"] + 2
    plain = data["documents"][0]
    assert plain["form"] is None and plain["warnings"] == [] and plain["coverage"]["risks"] == 0


def test_text_outline_shows_unread_judgement_and_its_warning(tmp_path: Path) -> None:
    from reviewer.structure.render import outline_as_text

    report, _truth = _report(sv.Style("text", unjudged=1), tmp_path)
    text = outline_as_text(Outline("0" * 64, 30, [str(i) for i in range(1, 31)], [report], found_report=True))
    assert "  ！ Ⅲ（住民基本台帳ファイル） 2. リスク1 の「リスクへの対策は十分か」の判断を読み取れませんでした" in text
    assert "リスク1 目的外の入手が行われるリスク 〔住民基本台帳ファイル〕 ［？］" in text
    assert text.count("［？］") == 1


def test_risk_numbering_gap_is_warned(tmp_path: Path) -> None:
    report, truth = _report(sv.Style("risk_gap", skip_risks=((3, 2),)), tmp_path)
    assert _kinds(report) == [check.RISK_GAP]
    warning = report.warnings[0]
    risk3 = next(n for n in truth.nodes if n.kind == "risk" and n.number == "3" and "複製" not in n.title
                 and "事務外" in n.title)
    assert warning.page == risk3.page
    assert warning.message_ja.startswith("Ⅲ（住民基本台帳ファイル） 3. のリスク番号が飛んでいます（リスク2 を")
    assert "risk numbers jump to 3" in warning.message_en


def test_risk_chapter_cut_short_is_warned(tmp_path: Path) -> None:
    """Ⅲ of the full report ends with 7. 特定個人情報の保管・消去: ending at 6. is a section not read."""
    report, _truth = _report(sv.Style("cut_short", skip_sections=(7,)), tmp_path)
    assert _kinds(report) == [check.SECTION_GAP]
    assert "6. で終わっています（7. を読み取れませんでした）" in report.warnings[0].message_ja
