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
from reviewer.compare.sheet import (
    CHECK_COLUMN,
    REVISED_COLUMN,
    SECOND_COLUMNS,
    UNDECLARED_CATEGORY,
    build_second_sheet,
    write_second_csv,
    write_second_xlsx,
)
from reviewer.samples.revision import REWRITTEN_SENTENCE, UNDECLARED_SENTENCE, generate_revision_pair
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


def test_second_sheet_columns_rows_and_files(store: Store, compared: tuple[Version, Version, Comparison],
                                             tmp_path: Path) -> None:
    old, new, comparison = compared
    changed = _comment(old, "Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容", "1", "本人確認の方法は？")
    same = _comment(old, "Ⅲ", "5", "リスクに対する措置の内容", "2", "研修の頻度は？")
    for a in (changed, same):
        store.add_annotation(a)
    carried = {c.old.id: c for c in carry_comments(store, old, new)}
    set_carried_check(store, carried[changed.id].new.id, "再指摘")

    rows = build_second_sheet(store, comparison)
    assert SECOND_COLUMNS.index(REVISED_COLUMN) == SECOND_COLUMNS.index("所管課の回答") + 1
    values = [dict(zip(SECOND_COLUMNS, r.values(), strict=True)) for r in rows]
    by_text = {v["意見・質問"]: v for v in values}
    assert norm(REWRITTEN_SENTENCE)[:10] in norm(str(by_text["本人確認の方法は？"][REVISED_COLUMN]))
    assert by_text["本人確認の方法は？"][CHECK_COLUMN] == "再指摘"
    assert by_text["本人確認の方法は？"]["所管課の回答"] == "ご指摘を踏まえ、以下のとおり修正します"
    assert by_text["研修の頻度は？"][REVISED_COLUMN] == "（記載変更なし）"
    assert by_text["研修の頻度は？"][CHECK_COLUMN] == ""
    undeclared = [v for v in values if v["区分"] == UNDECLARED_CATEGORY]
    assert len(undeclared) == 1
    assert norm(UNDECLARED_SENTENCE) in norm(str(undeclared[0][REVISED_COLUMN]))
    assert undeclared[0]["項目"].startswith("Ⅱ 6.")
    assert [v["No."] for v in values] == list(range(1, len(values) + 1))
    assert len(build_second_sheet(store, comparison, undeclared=False)) == 2

    csv_path, xlsx_path = tmp_path / "sheet.csv", tmp_path / "sheet.xlsx"
    write_second_csv(rows, csv_path)
    write_second_xlsx(rows, xlsx_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == SECOND_COLUMNS and len(table) == len(rows) + 1
    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert tuple(header) == SECOND_COLUMNS
    assert sheet.max_row == len(rows) + 1
    assert any(c.value == UNDECLARED_CATEGORY for row in sheet.iter_rows(min_row=2) for c in row)
