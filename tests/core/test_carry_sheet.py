"""The second meeting's comment sheet: 修正後の記載 and 確認結果 for carried comments, undeclared changes as rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reviewer.annotations import Annotation
from reviewer.compare.carry import carry_comments, set_carried_check
from reviewer.compare.rows import norm
from reviewer.compare.service import Comparison, Version, compare_versions, load_version
from reviewer.export.service import ExportOptions, export
from reviewer.export.sheet import (
    CHECK_COLUMN,
    DECLARED_ONLY_CATEGORY,
    REVISED_COLUMN,
    SECOND_COLUMNS,
    SHEET_NAME,
    UNDECLARED_CATEGORY,
)
from reviewer.export.xlsx import read_sheet_answers
from reviewer.samples.revision import (
    PHANTOM_ITEM,
    REWRITTEN_SENTENCE,
    UNDECLARED_SENTENCE,
    generate_revision_pair,
)
from reviewer.store import Store


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Version, Version, Comparison]:
    old_path, new_path, _ = generate_revision_pair(tmp_path_factory.mktemp("sheet"), "revised")
    profile = tmp_path_factory.mktemp("rows")
    old, new = load_version(old_path, profile), load_version(new_path, profile)
    return old, new, compare_versions(old, new)


@pytest.fixture
def store(isolated_profile: Path) -> Iterator[Store]:
    s = Store.open(isolated_profile)
    yield s
    s.close()


def _comment(old: Version, chapter: str, section: str, label: str, risk: str | None, text: str) -> Annotation:
    row = next(r for r in old.reports[0].rows if r.path.chapter == chapter and r.path.section == section
               and r.label == label and (risk is None or r.path.leaf == risk))
    piece = next(p for p in row.pieces if not p.label and len(p.text) >= 14)
    return Annotation(file_sha256=old.sha256, file_name=old.path.name, page=piece.page, page_label=str(piece.page),
                      kind="highlight", rects=[(piece.x0, piece.y0, piece.x1, piece.y1)], category="要修正",
                      text=text, author="山田太郎", quote=piece.text[:14],
                      answer="ご指摘を踏まえ、以下のとおり修正します")


def _table(path: Path) -> list[dict[str, object]]:
    book = load_workbook(path)
    sheet = book[SHEET_NAME]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_second_sheet_columns_rows_and_files(store: Store, compared: tuple[Version, Version, Comparison],
                                             tmp_path: Path) -> None:
    """The export of a revised packet with carried comments (the use case the GUI and the CLI call) writes the
    second meeting's sheet in every format; with the comparison, its undeclared changes are rows of their own."""
    old, new, comparison = compared
    changed = _comment(old, "Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容", "1", "本人確認の方法は？")
    same = _comment(old, "Ⅲ", "5", "リスクに対する措置の内容", "2", "研修の頻度は？")
    for a in (changed, same):
        store.add_annotation(a)
    carried = {c.old.id: c for c in carry_comments(store, old, new)}
    set_carried_check(store, carried[changed.id].new.id, "再指摘")
    assert SECOND_COLUMNS.index(REVISED_COLUMN) == SECOND_COLUMNS.index("所管課の回答") + 1

    options = ExportOptions(packet_path=new.path, changes=comparison.documents)
    result = export(store, new.sha256, new.outline, "xlsx", tmp_path / "sheet.xlsx", options=options)
    assert result.second_meeting and result.undeclared == 1 and result.rows == 4
    values = _table(tmp_path / "sheet.xlsx")
    assert tuple(values[0]) == SECOND_COLUMNS
    by_text = {v["意見・質問"]: v for v in values}
    assert norm(REWRITTEN_SENTENCE)[:10] in norm(str(by_text["本人確認の方法は？"][REVISED_COLUMN]))
    assert by_text["本人確認の方法は？"][CHECK_COLUMN] == "再指摘"
    assert by_text["本人確認の方法は？"]["所管課の回答"] == "ご指摘を踏まえ、以下のとおり修正します"
    assert by_text["研修の頻度は？"][REVISED_COLUMN] == "（記載変更なし）"
    assert by_text["研修の頻度は？"][CHECK_COLUMN] is None
    assert isinstance(by_text["研修の頻度は？"]["資料頁"], int)  # a number, so that the sheet sorts by page
    undeclared = [v for v in values if v["区分"] == UNDECLARED_CATEGORY]
    assert len(undeclared) == 1
    assert norm(UNDECLARED_SENTENCE) in norm(str(undeclared[0][REVISED_COLUMN]))
    assert str(undeclared[0]["項目"]).startswith("Ⅱ（")  # which file's Ⅱ: the report has two
    assert " 6. " in str(undeclared[0]["項目"])
    change = next(c for c in comparison.changes() if not c.declared)
    assert str(undeclared[0]["資料頁"]) == new.outline.page_labels[change.new_page or 0]  # as printed
    assert [v["No."] for v in values] == list(range(1, len(values) + 1))
    pages = [int(str(v["資料頁"])) for v in values if v["資料頁"] not in (None, "")]
    assert len(pages) == 3 and pages == sorted(pages)  # the undeclared change's row among the comments by page
    # The item of 別添3 whose change is not in the report: a row of its own after them, for the department to answer.
    (declared_only,) = [v for v in values if v["区分"] == DECLARED_ONLY_CATEGORY]
    assert values[-1] is declared_only and declared_only["項目"] == PHANTOM_ITEM
    assert "変更が見つからない" in str(declared_only["意見・質問"])

    # The department answers the sheet, the undeclared change's row too: the answers of the comments come back.
    book = load_workbook(tmp_path / "sheet.xlsx")
    sheet = book[SHEET_NAME]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        row[header.index("所管課の回答")].value = "回答です"
    book.save(tmp_path / "answered.xlsx")
    answers = read_sheet_answers(tmp_path / "answered.xlsx")
    assert set(answers) == {carried[changed.id].new.id, carried[same.id].new.id}
    # The import says what it left in the sheet: the answer on the undeclared change's row.
    from reviewer.exchange.importer import PacketInfo
    from reviewer.exchange.service import plan_import

    plan = plan_import(store, PacketInfo(new.sha256, new.path.name, new.outline), [tmp_path / "answered.xlsx"])
    (sheet_file,) = plan.files
    assert sheet_file.answers == 2 and sheet_file.skipped == 2
    assert any("変更の行（未申告の変更など）への回答2件" in line for line in plan.summary_lines())

    # Without the comparison: the two columns, no rows of undeclared changes, and a word on how to add them.
    plain = export(store, new.sha256, new.outline, "csv", tmp_path / "sheet.csv", options=ExportOptions())
    assert plain.second_meeting and plain.undeclared == 0 and plain.rows == 2
    assert "前の版と比較" in plain.next_ja
    with (tmp_path / "sheet.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == SECOND_COLUMNS and len(table) == 3

    for kind in ("docx", "pdf"):
        out = tmp_path / f"sheet.{kind}"
        written = export(store, new.sha256, new.outline, kind, out, options=options)
        assert written.rows == 4 and out.stat().st_size > 1000
    import pymupdf

    with pymupdf.open(tmp_path / "sheet.pdf") as pdf:
        text = "".join(page.get_text() for page in pdf).replace("\n", "")
    assert REVISED_COLUMN in text and CHECK_COLUMN in text and UNDECLARED_CATEGORY in text

    # The old packet (no carried comments) keeps the first meeting's sheet.
    first = export(store, old.sha256, old.outline, "csv", tmp_path / "old.csv", options=ExportOptions())
    assert not first.second_meeting
    with (tmp_path / "old.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert REVISED_COLUMN not in next(csv.reader(handle))


def test_a_comment_on_rewritten_text_keeps_its_quote_and_shows_the_whole_new_sentence(
        store: Store, compared: tuple[Version, Version, Comparison], tmp_path: Path) -> None:
    """The member quoted a sentence and half the next; the revision rewrote both. The sheet's 引用 is still what
    the member commented on, and 修正後の記載 runs to the end of the new sentence (the 「る。」 both versions end
    with once made it stop at 「…保存す」)."""
    old, new, comparison = compared
    row = next(r for r in old.reports[0].rows if r.path.chapter == "Ⅲ" and r.path.section == "2"
               and r.label == "対象者以外の情報の入手を防止するための措置の内容" and r.path.leaf == "1")
    pieces = [p for p in row.pieces if not p.label]
    text = "".join(p.text for p in pieces)
    quote = text[:text.index("参照可能") + len("参照可能")]
    comment = Annotation(file_sha256=old.sha256, file_name=old.path.name, page=pieces[0].page,
                         page_label=str(pieces[0].page), kind="highlight",
                         rects=[(p.x0, p.y0, p.x1, p.y1) for p in pieces], category="質問",
                         text="本人確認の記録は？", author="山田太郎", quote=quote)
    store.add_annotation(comment)
    (carried,) = [c for c in carry_comments(store, old, new) if c.old.id == comment.id]
    assert carried.status == "changed"
    (link,) = [link for link in store.carried_links(new_sha256=new.sha256) if link.new_id == carried.new.id]
    assert norm(link.new_text) == norm(REWRITTEN_SENTENCE)

    options = ExportOptions(packet_path=new.path, changes=comparison.documents)
    export(store, new.sha256, new.outline, "xlsx", tmp_path / "sheet.xlsx", options=options)
    row_out = {v["意見・質問"]: v for v in _table(tmp_path / "sheet.xlsx")}["本人確認の記録は？"]
    assert norm(str(row_out["引用"])) == norm(quote)
    assert norm(str(row_out[REVISED_COLUMN])) == norm(REWRITTEN_SENTENCE)
