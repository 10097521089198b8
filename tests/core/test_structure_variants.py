"""Structure detection on report layouts our generator never makes (tests/core/structure_variants.py), on
extraction artefacts of real copies, and on real non-report PDFs (no invented documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest
import structure_variants as sv  # tests/core is on sys.path (rootdir-relative, no __init__.py)

from reviewer.document import Packet
from reviewer.structure import grammar as g
from reviewer.structure.detect import NO_REPORT_MESSAGE, _ReportParser, detect_outline
from reviewer.structure.layout import PageLayout, _Span, build_lines
from reviewer.structure.model import Outline

MHLW_NOTICE = "ja/saka1029__0000196309.pdf"  # 145 pages of 厚生労働省 notice with tables and numbered headings


def _detect(path: Path) -> Outline:
    with Packet.open(path) as packet:
        return detect_outline(packet)


@pytest.mark.parametrize("name", sorted(sv.VARIANTS))
def test_variant_packet_matches_its_truth(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.pdf"
    truth = sv.build(name, path)
    outline = _detect(path)
    result = sv.score(outline, truth)
    assert result.documents_ok, result.problems
    assert result.chapters_ok, result.problems
    assert result.risks >= 11
    assert (result.found, result.right_page, result.right_judgement, result.titles) == (result.risks,) * 4, (
        result.line(), result.problems,
    )
    assert result.sections_found == result.sections, result.problems
    assert result.items_right == result.items, result.problems
    assert not any("invented" in problem for problem in result.problems)
    assert outline.found_report and outline.message == ""


def test_score_notices_a_wrong_judgement_page_and_document(tmp_path: Path) -> None:
    """The scorer itself can fail: one wrong judgement, one risk moved a page, one document too many."""
    path = tmp_path / "omitted.pdf"
    truth = sv.build("omitted", path)
    outline = _detect(path)
    report = next(d for d in outline.documents if d.form)
    risks = [n for n in report.nodes if n.kind == "risk"]
    risks[0].judgement = "課題が残されている" if risks[0].judgement != "課題が残されている" else "十分である"
    risks[1].page += 1
    outline.documents.append(outline.documents[-1])
    result = sv.score(outline, truth)
    assert not result.documents_ok
    assert result.found == result.risks
    assert result.right_page == result.risks - 1
    assert result.right_judgement == result.risks - 2


def test_omitted_sections_have_no_risks_and_no_judgement(tmp_path: Path) -> None:
    path = tmp_path / "omitted.pdf"
    sv.build("omitted", path)
    report = next(d for d in _detect(path).documents if d.form)
    sections = {(n.number): n for n in report.nodes if n.kind == "section" and n.file and n.page >= 8}
    assert {"4", "5", "6"} <= set(sections)
    assert all(sections[number].judgement is None for number in ("4", "5", "6"))
    in_section: dict[str, int] = {}
    current = ""
    for node in report.nodes:
        if node.kind == "section":
            current = node.number
        elif node.kind == "risk":
            in_section[current] = in_section.get(current, 0) + 1
    assert in_section == {"2": 4, "3": 4, "7": 3}


def test_count_in_value_column_is_not_a_file_heading(tmp_path: Path) -> None:
    """「（ 2 ） 件」 (委託事項の件数) close to the label column must not become the 特定個人情報ファイル."""
    path = tmp_path / "libreoffice.pdf"
    sv.build("libreoffice", path)
    report = next(d for d in _detect(path).documents if d.form)
    files = {n.file for n in report.nodes if n.kind == "risk"}
    assert files == {"住民基本台帳ファイル"}
    assert g.is_count_or_unit("件") and not g.is_count_or_unit("人事給与ファイル")


def test_cross_reference_in_value_column_is_not_a_risk(tmp_path: Path) -> None:
    """「リスク1に記載の措置に加え、」 starting a value line (x close to the label column) is not a heading."""
    path = tmp_path / "libreoffice.pdf"
    truth = sv.build("libreoffice", path)
    report = next(d for d in _detect(path).documents if d.form)
    expected = next(d for d in truth if d.form)
    assert [(n.number, n.page) for n in report.nodes if n.kind == "risk"] == [
        (n.number, n.page) for n in expected.nodes if n.kind == "risk"
    ]
    assert not any(n.title.startswith("に記載") for n in report.nodes)


def test_fake_bold_copy_cut_into_other_runs_is_dropped() -> None:
    """Ibaraki-style doubling: the second copy of a heading is cut into runs at other places than the first."""
    spans = [
        _Span("特定個人情報ファイルの", 43, 50, 153, 60, 10), _Span("取扱いプロセス", 153, 50, 223, 60, 10),
        _Span("特定個人情報ファイルの取扱", 43.5, 50.3, 173.5, 60.3, 10), _Span("いプロセス", 173.5, 50.3, 223.5, 60.3, 10),
        _Span("十分である", 200, 80, 250, 90, 10), _Span("十分である", 260, 80, 310, 90, 10),
    ]
    lines = build_lines(spans, 0)
    assert [[c.text for c in line.cells] for line in lines] == [
        ["特定個人情報ファイルの取扱いプロセス"], ["十分である 十分である"],
    ]


@pytest.mark.parametrize(("text", "title"), [
    ("ﾘｽｸ１ ：目的外の入手が行われるリスク", "目的外の入手が行われるリスク"),
    ("：目的外の入手が行われるリスク", "目的外の入手が行われるリスク"),
    ("リスク1: 入手した特定個人情報が不正確であるリスク", "入手した特定個人情報が不正確であるリスク"),
    ("３．特定個人情報の使用", "特定個人情報の使用"),
])
def test_strip_number_prefix_variants(text: str, title: str) -> None:
    assert g.strip_number_prefix(text) == title


def test_report_followed_by_a_real_notice_adds_no_document(corpus_dir: Path, tmp_path: Path) -> None:
    """A real MHLW notice bound after a report stays one plain document; the report is unchanged."""
    path = tmp_path / "omitted.pdf"
    truth = sv.build("omitted", path)
    doc: Any = pymupdf.open(str(path))
    notice: Any = pymupdf.open(str(corpus_dir / MHLW_NOTICE))
    try:
        doc.insert_pdf(notice, from_page=0, to_page=29)
        combined = tmp_path / "combined.pdf"
        doc.save(str(combined))
        pages = doc.page_count
    finally:
        notice.close()
        doc.close()
    outline = _detect(combined)
    assert [(d.form, d.start_page, d.end_page) for d in outline.documents] == [
        *((d.form, d.start_page, d.end_page) for d in truth), (None, pages - 30, pages - 1),
    ]
    assert outline.documents[-1].nodes == []
    result = sv.score(Outline(
        outline.sha256, outline.pages, outline.page_labels, outline.documents[:-1],
    ), truth)
    assert result.right_judgement == result.risks


def test_real_notice_is_a_plain_document(corpus_dir: Path) -> None:
    outline = _detect(corpus_dir / MHLW_NOTICE)
    assert outline.found_report is False and outline.message == NO_REPORT_MESSAGE
    assert all(d.form is None and d.nodes == [] for d in outline.documents)


def _page(rows: list[tuple[float, float, str]]) -> PageLayout:
    """A page from (x, top, text) words of 8 pt text (8 pt per character)."""
    spans = [_Span(text, x, top, x + 8 * len(text), top + 8, 8) for x, top, text in rows]
    return PageLayout(0, 595.0, 842.0, build_lines(spans, 0))


def test_items_judged_in_their_own_cell_and_blank_values() -> None:
    page = _page([
        (43, 50, "Ⅳ　その他のリスク対策"), (43, 70, "1．監査"),
        (43, 90, "①自己点検　[　]"), (43, 110, "②監査　[　十分に行っている　]"),
        (43, 130, "2．従業者に対する教育・啓発"), (43, 150, "従業者に対する教育・啓発"), (200, 150, "[ 十分に行っていない ]"),
    ])
    nodes = _ReportParser([page], g.FULL).run()
    assert [(n.kind, n.number, n.title, n.judgement) for n in nodes] == [
        ("chapter", "Ⅳ", "その他のリスク対策", None), ("section", "1", "監査", None),
        ("item", "②", "監査", "十分に行っている"), ("section", "2", "従業者に対する教育・啓発", "十分に行っていない"),
    ]


@pytest.mark.parametrize("width", sv.WRAP_WIDTHS)
def test_labels_wrapped_anywhere_keep_every_judgement(width: int, tmp_path: Path) -> None:
    """Every label cell ``width`` characters wide, the value on its first, middle or last line, the text layer
    shuffled: every risk is found on its page with its own judgement, and so are 委託's and Ⅳ's judgements."""
    path = tmp_path / f"wrapped_{width}.pdf"
    truth = sv.build_style(sv.wrapped_style(width), path)
    outline = _detect(path)
    result = sv.score(outline, truth)
    assert result.documents_ok and result.chapters_ok, result.problems
    assert result.risks == 21
    assert (result.found, result.right_page, result.right_judgement, result.titles) == (result.risks,) * 4, (
        result.line(), result.problems,
    )
    assert result.sections_found == result.sections, result.problems
    assert result.items_right == result.items, result.problems
    report = next(d for d in outline.documents if d.form)
    expected = next(d for d in truth if d.form)
    judged_sections = [(n.number, n.file, n.judgement) for n in expected.nodes if n.kind == "section" and n.judgement]
    assert judged_sections and all(
        any(h.kind == "section" and (h.number, h.file, h.judgement) == want for h in report.nodes)
        for want in judged_sections
    ), [(n.number, n.judgement) for n in report.nodes if n.kind == "section"]


def test_judgement_on_the_first_line_of_a_label_wrapped_after_juu(tmp_path: Path) -> None:
    """The packet of issue 15: 「リスクへの対策は十」 / 「分か」 with 「[ 特に力を入れている ]」 on the first line and the
    choices listed below it: every judgement is read."""
    style = sv.Style("issue15", label_chars=9, vx=130.0, cx=330.0, value_at="first", choices_below=True, seed=15)
    path = tmp_path / "issue15.pdf"
    truth = sv.build_style(style, path)
    with pymupdf.open(str(path)) as doc:
        text = "".join(page.get_text() for page in doc)
    assert "リスクへの対策は十\n" in text and "分か" in text
    result = sv.score(_detect(path), truth)
    assert result.right_judgement == result.risks == 21, (result.line(), result.problems)


def test_known_forms_bound_in_one_packet_are_outlined_by_their_own_chapters(tmp_path: Path) -> None:
    """全項目評価書 (令和 and 平成), 重点項目評価書 and 基礎項目評価書 in one packet, then an attachment: each report is
    recognised as its form and edition and outlined by its own chapters; the rest are plain documents."""
    style = sv.Style("forms", attachment=True, more_reports=(
        ("全項目評価書", True), ("重点項目評価書", False), ("基礎項目評価書", False)))
    path = tmp_path / "forms.pdf"
    truth = sv.build_style(style, path)
    outline = _detect(path)
    result = sv.score(outline, truth)
    assert result.documents_ok and result.chapters_ok, result.problems
    assert [d.form for d in outline.documents] == [
        None, None, g.FULL, g.FULL, g.FOCUSED, g.BASIC, None]
    assert [d.edition for d in outline.documents if d.form] == [
        "令和6年10月 様式4", "平成26年4月 様式4", "令和6年10月 様式4", "令和6年10月 様式2"]
    for document in outline.documents:
        if document.form is None:
            assert document.nodes == []
            continue
        chapters = [(n.number, n.title) for n in document.nodes if n.kind == "chapter"]
        own = list(g.CHAPTER_TITLES[document.form].items())
        assert [c for c in chapters if c[0] != "Ⅲ" or document.form != g.FULL] == [
            c for c in own if c[0] != "Ⅲ" or document.form != g.FULL], document.form
        assert document.warnings == [], (document.form, [w.message_ja for w in document.warnings])
    assert result.right_judgement == result.risks == 63 and result.items_right == result.items
    basic = next(d for d in outline.documents if d.form == g.BASIC)
    expected = next(d for d in truth if d.form == g.BASIC)
    judged = [(n.number, n.judgement) for n in expected.nodes if n.kind == "section" and n.judgement]
    assert len(judged) == 8
    assert [(n.number, n.judgement) for n in basic.nodes if n.kind == "section" and n.judgement] == judged
    assert basic.coverage["sections_with_judgement"] == 8 and basic.coverage["risks"] == 0
