"""The sample packet generator: structure, truth, text, page labels and the artefacts real PDFs have."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.samples import default_sample_path, default_sample_truth, generate_packet
from reviewer.samples.layout import BOTTOM
from reviewer.structure.model import Document, Node, Outline

SUFFICIENT = ("特に力を入れている", "十分である", "課題が残されている")
DONE = ("特に力を入れて行っている", "十分に行っている", "十分に行っていない")
RISKS_PER_SECTION = {"2": 4, "3": 4, "5": 3, "6": 7, "7": 3}


def _reports(truth: Outline, form: str = "全項目評価書") -> list[Document]:
    return [d for d in truth.documents if d.form == form]


def _lines(doc: Any, page: int, cache: dict[int, list[tuple[float, str]]]) -> list[tuple[float, str]]:
    if page not in cache:
        found: list[tuple[float, str]] = []
        for block in doc[page].get_text("dict")["blocks"]:
            for line in block.get("lines", ()):
                text = "".join(span["text"] for span in line["spans"])
                found.append((float(line["bbox"][1]), text))
        cache[page] = found
    return cache[page]


def _decode_page_labels(tree: str, count: int) -> list[str]:
    """An independent reader of a flat /PageLabels number tree (PyMuPDF's get_label() returns the raw
    hex string for UTF-16 prefixes)."""
    rules: list[tuple[int, str, str, int]] = []
    for start, body in re.findall(r"(\d+)\s*<<(.*?)>>", tree.replace("\n", " ")):
        prefix = ""
        hexed = re.search(r"/P\s*<([0-9A-Fa-f\s]+)", body)
        literal = re.search(r"/P\s*\(([^)]*)\)", body)
        if hexed:
            data = bytes.fromhex(re.sub(r"\s", "", hexed.group(1)))
            prefix = data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff" else data.decode("latin-1")
        elif literal:
            prefix = literal.group(1)
        style_match = re.search(r"/S\s*/(\w)", body)
        first_match = re.search(r"/St\s+(\d+)", body)
        rules.append((int(start), prefix, style_match.group(1) if style_match else "",
                      int(first_match.group(1)) if first_match else 1))
    labels: list[str] = []
    for page in range(count):
        begin, head, style, first = max((r for r in rules if r[0] <= page), key=lambda r: r[0])
        labels.append(head + (str(first + page - begin) if style == "D" else ""))
    return labels


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _sections(document: Document) -> list[tuple[Node, Node, list[Node]]]:
    """(chapter, section, leaves) in document order."""
    result: list[tuple[Node, Node, list[Node]]] = []
    chapter: Node | None = None
    for node in document.nodes:
        if node.kind in ("chapter", "annex"):
            chapter = node
        elif node.kind == "section":
            assert chapter is not None
            result.append((chapter, node, []))
        else:
            assert result, f"{node} before any section"
            result[-1][2].append(node)
    return result


# --- the default packet -----------------------------------------------------------------------------------

def test_default_packet_size_and_documents(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    assert path.stat().st_size < 3_000_000
    with pymupdf.open(path) as doc:
        assert doc.page_count == truth.pages >= 200
    assert truth.found_report
    kinds = [d.form for d in truth.documents]
    assert kinds[0] is None and truth.documents[0].title.endswith("小委員会 審議資料")
    assert truth.documents[0].start_page == truth.documents[0].end_page == 0
    assert kinds.count("全項目評価書") == 4
    assert kinds.count("基礎項目評価書") == 1
    # Documents tile the packet in order; every 全項目評価書 comes right after its one-page 諮問 sheet.
    assert truth.documents[-1].end_page == truth.pages - 1
    for before, after in zip(truth.documents, truth.documents[1:], strict=False):
        assert after.start_page == before.end_page + 1
        if after.form == "全項目評価書":
            assert before.form is None and re.fullmatch(r"諮問第\d{4}号", before.title)
            assert before.start_page == before.end_page
            assert after.title.endswith(" 全項目評価書")
    names = {d.title.split(" ")[0] for d in _reports(truth)}
    assert len(names) == 4 and "住民基本台帳に関する事務" in names


def test_page_labels_match_stamps(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    assert truth.page_labels[0] == "表紙"
    assert truth.page_labels[1:] == [str(i) for i in range(1, truth.pages)]
    with pymupdf.open(path) as doc:
        # The number tree is written by hand: the prefix must be UTF-16 (PyMuPDF would store UTF-8 bytes).
        raw = doc.xref_get_key(doc.pdf_catalog(), "PageLabels")[1]
        assert "FEFF88687D19" in raw.replace(" ", "").upper()
        assert _decode_page_labels(raw, doc.page_count) == truth.page_labels
        for index in (1, 2, 57, 128, truth.pages - 1):
            bottom = pymupdf.Rect(0, doc[index].rect.height - 30, doc[index].rect.width, doc[index].rect.height)
            assert doc[index].get_text("text", clip=bottom).strip() == f"- {index} -"
        assert "- " not in doc[0].get_text("text", clip=pymupdf.Rect(0, 800, 600, 842))


def test_report_footers(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    report = _reports(truth)[0]
    total = report.end_page - report.start_page + 1
    with pymupdf.open(path) as doc:
        for local in (0, 11, total - 1):
            text = doc[report.start_page + local].get_text()
            assert f"住民基本台帳に関する事務　{local + 1} / {total}　区民部住民記録課" in text


def test_text_is_japanese_and_font_embedded(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    with pymupdf.open(path) as doc:
        text = "".join(doc[i].get_text() for i in range(doc.page_count))
        fonts = doc.get_page_fonts(5)
    assert "特定個人情報保護評価書（全項目評価書）" in text
    assert "個人のプライバシー等の権利利益の保護の宣言" in text
    assert "＜ガバメントクラウドにおける措置＞" in text and "＜中間サーバー・プラットフォームにおける措置＞" in text
    assert text.count("ＩＳＭＡＰ") >= 8 and "ＡＷＳ" in text and "委託" in text
    assert "\ufffd" not in text and "□" not in text
    # The phrase broken over two lines of a cell.
    assert "標準準拠システムはガバメント\nクラウド上に構築し" in text
    # The choice as printed.
    assert "＜選択肢＞" in text and "1) 特に力を入れている 2) 十分である 3) 課題が残されている" in text
    assert any(f[3].endswith("IPAexGothic Regular") and "+" in f[3] for f in fonts)


# --- the truth --------------------------------------------------------------------------------------------

def test_every_full_report_has_the_whole_form(sample_packet: tuple[Path, Outline]) -> None:
    _, truth = sample_packet
    two_files = 0
    for report in _reports(truth):
        files = [n.file for n in report.nodes if n.kind == "chapter" and n.number == "Ⅲ"]
        assert files and all(files)
        two_files += len(files) >= 2
        chapters = [n.number for n in report.nodes if n.kind in ("chapter", "annex")]
        assert chapters == ["Ⅰ", "別添1", *["Ⅱ"] * len(files), "別添2", *["Ⅲ"] * len(files),
                            "Ⅳ", "Ⅴ", "Ⅵ", "別添3"]
        assert [n.title for n in report.nodes if n.kind == "annex"] == [
            "事務の内容", "特定個人情報ファイル記録項目", "変更箇所"]
        sections = _sections(report)
        for chapter, section, leaves in sections:
            assert (section.file is not None) == (chapter.number in ("Ⅱ", "Ⅲ"))
            assert all(leaf.file == section.file for leaf in leaves)
            if chapter.number == "Ⅲ":
                risks = [leaf for leaf in leaves if leaf.kind == "risk"]
                assert len(risks) == RISKS_PER_SECTION.get(section.number, 0), (report.title, section)
                assert [r.number for r in risks] == [str(i) for i in range(1, len(risks) + 1)]
                assert all(r.judgement in SUFFICIENT for r in risks)
                if section.number == "4":
                    assert section.judgement in SUFFICIENT and section.title == "特定個人情報ファイルの取扱いの委託"
        iii = [s.number for c, s, _ in sections if c.number == "Ⅲ"]
        assert iii == ["1", "2", "3", "4", "5", "6", "7"] * len(files)
        iv = [(s, leaves) for c, s, leaves in sections if c.number == "Ⅳ"]
        assert [s.title for s, _ in iv] == ["監査", "従業者に対する教育・啓発", "その他のリスク対策"]
        assert [(i.number, i.title) for i in iv[0][1]] == [("①", "自己点検"), ("②", "監査")]
        assert all(i.kind == "item" and i.judgement in DONE for i in iv[0][1])
        assert iv[1][0].judgement in DONE
        titles = {n.title for n in report.nodes if n.kind == "risk"}
        assert "目的外の入手が行われるリスク" in titles
    assert two_files >= 1


def test_second_file_headed_in_chapters_ii_and_iii(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    report = _reports(truth)[0]
    files = [n.file for n in report.nodes if n.kind == "chapter" and n.number == "Ⅱ"]
    assert files == ["住民基本台帳ファイル", "本人確認情報ファイル"]
    with pymupdf.open(path) as doc:
        text = "".join(doc[i].get_text() for i in range(report.start_page, report.end_page + 1))
    assert "（1）住民基本台帳ファイル" in text and "（2）本人確認情報ファイル" in text


def test_judgements_vary(sample_packet: tuple[Path, Outline]) -> None:
    _, truth = sample_packet
    counts = Counter(n.judgement for d in _reports(truth) for n in d.nodes if n.kind == "risk")
    assert set(counts) == set(SUFFICIENT)
    assert counts["十分である"] > counts["特に力を入れている"] > 0
    assert counts["十分である"] > 2 * counts["課題が残されている"]


def test_basic_report_is_a_different_form(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    (basic,) = _reports(truth, "基礎項目評価書")
    assert basic.title.endswith(" 基礎項目評価書")
    assert [(n.number, n.title) for n in basic.nodes if n.kind == "chapter"] == [
        ("Ⅰ", "関連情報"), ("Ⅱ", "しきい値判断項目"), ("Ⅲ", "しきい値判断結果"), ("Ⅳ", "リスク対策")]
    assert not [n for n in basic.nodes if n.kind == "risk"]
    judged = [n for n in basic.nodes if n.kind == "section" and n.judgement in SUFFICIENT]
    assert len(judged) >= 7
    with pymupdf.open(path) as doc:
        text = "".join(doc[i].get_text() for i in range(basic.start_page, basic.end_page + 1))
    assert "特定個人情報保護評価書（基礎項目評価書）" in text
    assert "リスクへの対策は十分か" in text.replace("\n", "") and "しきい値判断結果" in text


def test_truth_headings_are_where_the_truth_says(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    checked = 0
    with pymupdf.open(path) as doc:
        cache: dict[int, list[tuple[float, str]]] = {}
        for document in truth.documents:
            for node in document.nodes:
                assert document.start_page <= node.page <= document.end_page
                near = "".join(text for top, text in _lines(doc, node.page, cache) if abs(top - node.y) < 0.6)
                assert _squash(node.title)[:4] in _squash(near), (node, near)
                if node.kind == "risk":
                    assert re.search(rf"リスク\s?({node.number}|{chr(0xFF10 + int(node.number))})\s?[:：]",
                                     near), near
                checked += 1
    assert checked > 300


def test_every_judgement_is_printed(sample_packet: tuple[Path, Outline]) -> None:
    """One 「リスクへの対策は十分か」 row per risk and per 委託 section, and the chosen values as printed."""
    path, truth = sample_packet
    with pymupdf.open(path) as doc:
        for report in _reports(truth):
            text = "\n".join(doc[i].get_text() for i in range(report.start_page, report.end_page + 1))
            judged = [n for c, s, leaves in _sections(report) if c.number == "Ⅲ"
                      for n in ([s] if s.number == "4" else leaves)]
            assert text.count("リスクへの対策は十分か") == len(judged)
            printed = Counter(
                m.group(1) for m in re.finditer(r"\[\s*\n?(特に力を入れている|十分である|課題が残されている)\s*\n?\]",
                                                text))
            assert printed == Counter(n.judgement for n in judged)


# --- artefacts --------------------------------------------------------------------------------------------

def test_artefacts_of_real_printouts(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    with pymupdf.open(path) as doc:
        pages = [doc[i].get_text() for i in range(doc.page_count)]
    text = "\n".join(pages)
    assert "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in text
    assert "III 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in text
    assert re.search(r"リスク[１２３]：", text) and re.search(r"リスク [123]:", text)
    assert re.search(r"\n\[\n(十分である|特に力を入れている|課題が残されている)\n\]\n", text), "split choice"
    # Fake bold: a heading line extracted twice in a row.
    assert re.search(r"\n(リスク[^\n]{4,})\n\1\n", text)
    # Label column first: on some page every 「リスクへの対策は十分か」 label precedes every 「＜選択肢＞」.
    label_first = [p for p in pages if "リスクへの対策は十分か" in p
                   and p.rindex("リスクへの対策は十分か") < p.index("＜選択肢＞")]
    assert len(label_first) >= 10
    # ... and some pages in plain row order.
    assert any(p.index("＜選択肢＞") < p.rindex("リスクへの対策は十分か") for p in pages
               if "リスクへの対策は十分か" in p and "＜選択肢＞" in p)
    # Headings broken across lines (narrow heading cells).
    assert re.search(r"リスク.{0,3}２[:：] 権限のない者[^\n]*\n[^\n]*によって不正に使用されるリスク", text) or \
        re.search(r"リスク ?2[:：] 権限のない者[^\n]*\n[^\n]*不正に使用されるリスク", text)
    # Slightly different wording between reports: some risk titles are not the form's own.
    from reviewer.samples.phrases import RISKS

    canonical = {spec[0][0] for specs in RISKS.values() for spec in specs}
    printed = {n.title for d in _reports(truth) for n in d.nodes if n.kind == "risk"}
    assert len(canonical & printed) >= len(canonical) - 3
    assert len(printed - canonical) >= 2


def test_two_report_packet_varies_too(small_packet: tuple[Path, Outline]) -> None:
    path, truth = small_packet
    assert len(_reports(truth)) == 2 and len(_reports(truth, "基礎項目評価書")) == 1
    with pymupdf.open(path) as doc:
        text = "".join(doc[i].get_text() for i in range(doc.page_count))
    assert "\nIII 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in text
    assert "\nⅢ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in text
    assert re.search(r"リスク１：", text) and re.search(r"リスク 1:", text)


def test_a_heading_is_left_at_a_page_foot(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    feet = 0
    with pymupdf.open(path) as doc:
        cache: dict[int, list[tuple[float, str]]] = {}
        for report in _reports(truth):
            for node in report.nodes:
                if node.kind not in ("section", "risk") or node.y < 600:
                    continue
                below = [t for top, t in _lines(doc, node.page, cache) if node.y + 25 < top < BOTTOM]
                if not below:
                    feet += 1
    assert feet >= 2


# --- determinism, sizes, the default sample, the CLI ------------------------------------------------------

def test_same_seed_same_bytes_and_truth(tmp_path: Path) -> None:
    one = generate_packet(tmp_path / "a.pdf", reports=1, pages_per_report=30, seed=5)
    two = generate_packet(tmp_path / "b.pdf", reports=1, pages_per_report=30, seed=5)
    other = generate_packet(tmp_path / "c.pdf", reports=1, pages_per_report=30, seed=6)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert one.to_json() == two.to_json()
    assert one.sha256 != other.sha256
    assert Outline.from_json(json.loads(json.dumps(one.to_json()))) == one


def test_pages_per_report_is_a_target(tmp_path: Path) -> None:
    truth = generate_packet(tmp_path / "p.pdf", reports=2, pages_per_report=80, seed=2)
    sizes = [d.end_page - d.start_page + 1 for d in _reports(truth)]
    assert all(80 <= size <= 84 for size in sizes), sizes


@pytest.mark.slow
def test_large_packet_for_benchmarks(tmp_path: Path) -> None:
    truth = generate_packet(tmp_path / "big.pdf", reports=4, pages_per_report=150, seed=3)
    assert truth.pages >= 600
    with pymupdf.open(tmp_path / "big.pdf") as doc:
        assert doc.page_count == truth.pages
        assert doc[truth.pages - 1].get_label() == str(truth.pages - 1)


def test_default_sample_is_generated_once(isolated_profile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a shipped sample (e.g. a trimmed build) the default is generated once into the profile."""
    monkeypatch.setattr("reviewer.samples.packet._shipped_sample", lambda: isolated_profile / "absent.pdf")
    path = default_sample_path()
    assert path.is_file() and path.parent == isolated_profile / "sample"
    stamp = path.stat().st_mtime_ns
    assert default_sample_path() == path and path.stat().st_mtime_ns == stamp
    truth = default_sample_truth()
    assert truth.pages >= 200 and len(_reports(truth)) == 4
    from reviewer.document import file_sha256

    assert truth.sha256 == file_sha256(path)


def test_cli_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reviewer.cli import main

    out = tmp_path / "s.pdf"
    assert main(["sample", str(out), "--reports", "1", "--pages-per-report", "30", "--seed", "4", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pages"] >= 30 and out.is_file()
    assert summary["documents"] == 5  # packet cover, 諮問 sheet, report, 報告 sheet, 基礎項目評価書


def test_shipped_sample_is_what_the_generator_makes_today(tmp_path: Path) -> None:
    """resources/sample holds the default sample so the first start opens at once; it must not go stale."""
    import json

    from reviewer.paths import resource
    from reviewer.samples import generate_packet

    shipped = resource("sample", "sample-packet.pdf")
    fresh = tmp_path / "fresh.pdf"
    truth = generate_packet(fresh, reports=4, seed=1)
    assert shipped.read_bytes() == fresh.read_bytes(), "regenerate resources/sample (see README)"
    shipped_truth = json.loads(resource("sample", "sample-packet.truth.json").read_text(encoding="utf-8"))
    assert shipped_truth == truth.to_json()
