"""The collated comment sheet: rows, xlsx / docx / pdf / csv, and the department's answers coming back."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.annotations import Annotation
from reviewer.atomic import ExportError
from reviewer.exchange import PackageError
from reviewer.exchange.importer import import_files
from reviewer.export.csv import write_csv
from reviewer.export.docx import write_docx
from reviewer.export.pdf import write_pdf
from reviewer.export.sheet import COLUMNS, SHEET_NAME, build_sheet, printed_columns, related_groups
from reviewer.export.xlsx import read_sheet_answers, write_xlsx
from reviewer.structure.model import Document, Node, Outline

SHA = "d" * 64
KEY = "cd" * 32
REPORT_A = "住民基本台帳に関する事務 全項目評価書"
REPORT_B = "税務に関する事務 全項目評価書"


def outline() -> Outline:
    a = Document(REPORT_A, "全項目評価書", 1, 3, [
        Node("chapter", "Ⅲ", "リスク対策", 1, 40.0),
        Node("section", "7", "特定個人情報の保管・消去", 1, 60.0),
        Node("risk", "1", "漏えい・滅失・毀損リスク", 1, 90.0),
        Node("risk", "2", "古い情報のまま保管され続けるリスク", 3, 90.0),
    ])
    b = Document(REPORT_B, "全項目評価書", 4, 6, [
        Node("chapter", "Ⅱ", "特定個人情報ファイルの概要", 4, 40.0),
        Node("section", "3", "入手・使用", 4, 60.0),
    ])
    cover = Document("諮問第1005号", None, 0, 0, [])
    return Outline(SHA, 7, [f"{101 + i}" for i in range(7)], [cover, a, b], found_report=True)


def comment(n: int, page: int, rect: tuple[float, float, float, float], author: str, text: str, **kw: object) -> Annotation:
    fields: dict[str, object] = dict(
        file_sha256=SHA, file_name="packet.pdf", page=page, page_label=str(101 + page), kind="highlight",
        rects=[rect], category="質問", text=text, author=author, id=str(uuid.uuid5(uuid.NAMESPACE_DNS, f"c{n}")),
        created=f"2026-11-01T09:00:{n:02d}.000Z", modified=f"2026-11-01T09:00:{n:02d}.000Z", origin="imported",
    )
    fields.update(kw)
    return Annotation(**fields)  # type: ignore[arg-type]


def sample_comments() -> list[Annotation]:
    return [
        comment(1, 5, (72, 100, 300, 114), "鈴木一郎", "税務の入手経路を明記してください。", category="要修正"),
        comment(2, 1, (320, 105, 500, 119), "佐藤花子", "保管場所の施錠管理は？", kind="area", quote=""),
        comment(3, 1, (72, 108, 300, 122), "佐藤花子", "同じ箇所：バックアップの頻度は？", quote="バックアップを取得"),
        comment(4, 1, (72, 100, 300, 114), "山田太郎", "バックアップの保管先を\n具体的に。", quote="バックアップを取得する"),
        comment(5, 3, (72, 300, 300, 314), "田中健", "除外される意見", excluded=True),
        comment(6, 3, (72, 200, 300, 214), "高橋美咲", "元の文言（委員の原文）", sheet_text="委員長が整えた文言",
                category="意見", answer="対応します"),
        comment(7, 0, (72, 200, 300, 214), "山田太郎", "諮問書の日付が空欄です。", category="確認のみ", kind="note"),
    ]


EXPECTED = [
    # No., 評価書, 資料頁, 項目, 引用, 区分, 意見・質問, 委員, 所管課の回答, 関連 (the hidden ID left out)
    (1, '諮問第1005号', 101, '', '', '確認のみ', '諮問書の日付が空欄です。', '山田太郎', '', ''),
    (2, REPORT_A, 102, 'Ⅲ 7. リスク1', 'バックアップを取得する', '質問', 'バックアップの保管先を\n具体的に。', '山田太郎', '', '関連1'),
    (3, REPORT_A, 102, 'Ⅲ 7. リスク1', 'バックアップを取得', '質問', '同じ箇所：バックアップの頻度は？', '佐藤花子', '', '関連1'),
    (4, REPORT_A, 102, 'Ⅲ 7. リスク1', '', '質問', '保管場所の施錠管理は？', '佐藤花子', '', ''),
    (5, REPORT_A, 104, 'Ⅲ 7. リスク2', '', '意見', '委員長が整えた文言', '高橋美咲', '対応します', ''),
    (6, REPORT_B, 106, 'Ⅱ 3.', '', '要修正', '税務の入手経路を明記してください。', '鈴木一郎', '', ''),
]
ID_INDEX = COLUMNS.index("ID")


def without_id(values: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(v for i, v in enumerate(values) if i != ID_INDEX)


IDS = [str(uuid.uuid5(uuid.NAMESPACE_DNS, f"c{n}")) for n in (7, 4, 3, 2, 6, 1)]


def test_sheet_rows_order_groups_exclusion_and_wording() -> None:
    comments = sample_comments()
    rows = build_sheet(comments, outline())
    assert [without_id(r.values()) for r in rows] == EXPECTED
    assert [r.id for r in rows] == IDS
    assert comments[5].text == "元の文言（委員の原文）"  # the member's original is untouched
    with_excluded = build_sheet(comments, outline(), include_excluded=True)
    assert "除外される意見" in [r.text for r in with_excluded]


def test_sheet_for_one_report() -> None:
    rows = build_sheet(sample_comments(), outline(), report=1)
    assert [r.report for r in rows] == [REPORT_A] * 4 and [r.no for r in rows] == [1, 2, 3, 4]
    rows = build_sheet(sample_comments(), outline(), report=2)
    assert [r.text for r in rows] == ["税務の入手経路を明記してください。"]
    with pytest.raises(ValueError):
        build_sheet(sample_comments(), outline(), report=3)


def test_related_needs_different_members_and_overlap() -> None:
    a = comment(1, 2, (72, 100, 300, 114), "A", "x")
    same_author = comment(2, 2, (72, 100, 300, 114), "A", "y")
    apart = comment(3, 2, (72, 300, 300, 314), "B", "z")
    other_page = comment(4, 3, (72, 100, 300, 114), "B", "w")
    assert related_groups([a, same_author, apart, other_page]) == {}
    quoted = comment(5, 2, (72, 500, 300, 514), "C", "q", quote="本人確認")
    quoting = comment(6, 2, (72, 600, 300, 614), "D", "r", quote="窓口での本人確認は")
    groups = related_groups([a, quoted, quoting])
    assert groups[quoted.id] == groups[quoting.id] and a.id not in groups


def test_xlsx_every_cell_and_print_setup(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "意見一覧.xlsx"
    write_xlsx(build_sheet(sample_comments(), outline()), out, title="意見一覧 — packet.pdf")
    wb = load_workbook(out)
    assert wb.sheetnames == [SHEET_NAME]
    ws = wb[SHEET_NAME]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.max_row == len(EXPECTED) + 1 and ws.max_column == len(COLUMNS)
    for r, expected in enumerate(EXPECTED, start=2):
        values = [c.value for c in ws[r]]
        assert without_id(tuple(v if v is not None else "" for v in values)) == expected
        assert values[ID_INDEX] == IDS[r - 2]
        assert all(c.alignment.wrap_text for c in ws[r])
        assert ws.row_dimensions[r].height >= 18
    assert ws.row_dimensions[3].height > ws.row_dimensions[2].height  # two-line comment
    assert ws.column_dimensions["J"].hidden and not ws.column_dimensions["K"].hidden and not ws.column_dimensions["G"].hidden
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K7"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["A1"].font.b and ws.oddHeader.center.text == "意見一覧 — packet.pdf"


def test_xlsx_round_trip_attaches_answers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from reviewer.store import Store

    comments = sample_comments()
    sheet = tmp_path / "sheet.xlsx"
    write_xlsx(build_sheet(comments, outline()), sheet)
    wb = load_workbook(sheet)
    ws = wb[SHEET_NAME]
    ws["I2"] = "諮問書を修正しました。"
    ws["I4"] = "  週1回取得しています。  "
    wb.save(sheet)
    assert read_sheet_answers(sheet) == {IDS[0]: "諮問書を修正しました。", IDS[2]: "週1回取得しています。",
                                         IDS[4]: "対応します"}
    store = Store.open(tmp_path / "chair", key=KEY)
    try:
        store.upsert_imported([replace(c, answer=None) for c in comments])
        report = import_files(store, SHA, outline(), [sheet], packet_name="packet.pdf")
        assert report.files[0].kind == "sheet" and report.answers_attached == 3 and report.answers_unknown == 0
        answered = {a.id: a.answer for a in store.annotations(SHA) if a.answer}
        assert answered == {IDS[0]: "諮問書を修正しました。", IDS[2]: "週1回取得しています。", IDS[4]: "対応します"}
        rows = build_sheet(store.annotations(SHA), outline())
        assert rows[0].answer == "諮問書を修正しました。"
    finally:
        store.close()


def test_sheet_with_wrong_structure_is_refused_whole(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    good = tmp_path / "good.xlsx"
    write_xlsx(build_sheet(sample_comments(), outline()), good)
    wb = load_workbook(good)
    wb[SHEET_NAME].title = "Sheet1"
    wb.save(tmp_path / "renamed.xlsx")
    wb = load_workbook(good)
    wb[SHEET_NAME].delete_cols(10)
    wb.save(tmp_path / "no_id.xlsx")
    wb = load_workbook(good)
    wb[SHEET_NAME]["J3"] = None
    wb[SHEET_NAME]["I3"] = "IDのない行への回答"
    wb.save(tmp_path / "answer_without_id.xlsx")
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    for name, needle in (("renamed.xlsx", "シート「意見一覧」"), ("no_id.xlsx", "列「ID」"),
                         ("answer_without_id.xlsx", "3行目"), ("other.xlsx", "シート"), ("broken.xlsx", "開けません")):
        with pytest.raises(PackageError) as caught:
            read_sheet_answers(tmp_path / name)
        assert needle in caught.value.message_ja and name in caught.value.message_ja


def test_docx_table_text_and_layout(tmp_path: Path) -> None:
    from docx import Document as open_docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    out = tmp_path / "意見一覧.docx"
    write_docx(build_sheet(sample_comments(), outline()), out, title="第3回小委員会 意見一覧")
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == "第3回小委員会 意見一覧"
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == list(printed_columns())
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(table.rows) == len(EXPECTED) + 1
    for row, expected in zip(table.rows[1:], EXPECTED, strict=True):
        assert [c.text for c in row.cells] == [str(v) for v in expected]


def test_pdf_sheet_text(tmp_path: Path) -> None:
    import pymupdf

    out = tmp_path / "意見一覧.pdf"
    many = sample_comments() + [
        comment(100 + i, 4, (72, 100 + i, 300, 114 + i), f"委員{i % 3}", f"長い意見{i}：" + "説明してください。" * (1 + i % 7))
        for i in range(60)
    ]
    rows = build_sheet(many, outline())
    write_pdf(rows, out, title="意見一覧 — packet.pdf")
    with pymupdf.open(out) as doc:
        assert doc.page_count >= 2
        assert all(page.rect.width > page.rect.height for page in doc)
        text = "".join(page.get_text() for page in doc).replace("\n", "")
        for i, page in enumerate(doc, start=1):
            page_text = page.get_text().replace("\xa0", " ")
            assert "意見・質問" in page_text and "所管課の回答" in page_text  # header on every page
            assert f"{i} / {doc.page_count}" in page_text
    for row in EXPECTED:
        assert str(row[6]).replace("\n", "") in text and str(row[7]) in text
    assert "長い意見59：" in text and "除外される意見" not in text
    assert text.count("説明してください。") == sum(r.text.count("説明してください。") for r in rows)


def test_csv_utf8_with_bom(tmp_path: Path) -> None:
    out = tmp_path / "意見一覧.csv"
    write_csv(build_sheet(sample_comments(), outline()), out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert [without_id(tuple(r)) for r in rows[1:]] == [tuple(str(v) for v in e) for e in EXPECTED]
    assert [r[ID_INDEX] for r in rows[1:]] == IDS


def test_empty_sheet_in_every_format(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_xlsx([], tmp_path / "e.xlsx")
    write_docx([], tmp_path / "e.docx")
    write_pdf([], tmp_path / "e.pdf")
    write_csv([], tmp_path / "e.csv")
    assert load_workbook(tmp_path / "e.xlsx")[SHEET_NAME].max_row == 1
    assert read_sheet_answers(tmp_path / "e.xlsx") == {}
    assert (tmp_path / "e.csv").read_text("utf-8-sig").strip() == ",".join(COLUMNS)
    assert (tmp_path / "e.pdf").stat().st_size > 1000 and (tmp_path / "e.docx").stat().st_size > 1000


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sheet.xlsx"
    out.write_bytes(b"previous version")

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.Workbook.save", boom)
    with pytest.raises(ExportError):
        write_xlsx(build_sheet(sample_comments(), outline()), out)
    assert out.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.xlsx"]


def test_2000_comments_to_xlsx_writes_every_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    many = [
        comment(n, 1 + n % 6, (72, 80 + (n % 60) * 12, 300, 92 + (n % 60) * 12), f"委員{n % 5}",
                "本人確認の方法と記録の保管期間について、具体的に記載してください。" * (1 + n % 3),
                quote="本人確認書類の提示を受ける", id=str(uuid.uuid4()))
        for n in range(2000)
    ]
    out = tmp_path / "bench.xlsx"
    # Timing lives in benchmarks/ (export_2000_xlsx_s); here only the outcome is checked.
    write_xlsx(build_sheet(many, outline()), out)
    assert load_workbook(out, read_only=True)[SHEET_NAME].max_row == 2001


def test_written_files_get_normal_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from reviewer.atomic import atomic_write_text

    out = tmp_path / "new.csv"
    write_csv([], out)
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    existing = tmp_path / "kept.txt"
    existing.write_text("old")
    existing.chmod(0o640)
    atomic_write_text(existing, "新しい内容")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_text("utf-8") == "新しい内容"


def test_pdf_wrapping_keeps_closing_punctuation_off_line_starts() -> None:
    import pymupdf

    from reviewer.export.pdf import FONT_SIZE, NO_LINE_START, _Wrapper
    from reviewer.paths import bundled_font

    wrapper = _Wrapper(pymupdf.Font(fontfile=str(bundled_font())), FONT_SIZE)
    text = "委託先への監査の実施状況を具体的に記載すべきです。" * 3
    for width in range(60, 200, 7):
        lines = wrapper.wrap(text, float(width))
        assert "".join(lines) == text
        assert all(line and line[0] not in NO_LINE_START for line in lines)
    dots = wrapper.wrap("ー" * 200, 60.0)
    assert len(dots) > 10 and "".join(dots) == "ー" * 200
