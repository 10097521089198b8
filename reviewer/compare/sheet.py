"""The second meeting's comment sheet: the 意見一覧 of the revised packet with 修正後の記載 and 確認結果, and
(optionally) the undeclared changes as rows of their own.

Built on :func:`reviewer.export.sheet.build_sheet` (order, 項目, related groups stay as on the first sheet); the two
columns come right after 所管課の回答.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

from reviewer.atomic import atomic_write_text
from reviewer.compare.carry import STATUS_LABELS
from reviewer.compare.diff import RowChange
from reviewer.compare.service import Comparison
from reviewer.export.sheet import ANSWER_COLUMN, COLUMNS, SheetRow, build_sheet
from reviewer.store.store import Store

REVISED_COLUMN = "修正後の記載"
CHECK_COLUMN = "確認結果"
_AFTER_ANSWER = COLUMNS.index(ANSWER_COLUMN) + 1
SECOND_COLUMNS: tuple[str, ...] = (*COLUMNS[:_AFTER_ANSWER], REVISED_COLUMN, CHECK_COLUMN, *COLUMNS[_AFTER_ANSWER:])
UNDECLARED_CATEGORY = "未申告の変更"
KIND_LABELS = {"text": "記載の変更", "added": "追加", "removed": "削除", "judgement": "判断の変更"}


@dataclass(frozen=True, slots=True)
class SecondRow:
    """A row of the second meeting's sheet: a (carried) comment, or an undeclared change."""

    base: SheetRow
    revised: str  # 修正後の記載
    check: str  # 確認結果: 対応確認済み / 再指摘 / ""

    def values(self) -> tuple[int | str, ...]:
        values = self.base.values()
        return (*values[:_AFTER_ANSWER], self.revised, self.check, *values[_AFTER_ANSWER:])


def _undeclared_row(no: int, title: str, change: RowChange) -> SecondRow:
    page = change.new_page if change.new_page is not None else change.old_page
    item = " ".join(p for p in (change.path.item_label(), change.item or "") if p)
    if change.kind == "judgement":
        before, after = change.old_judgement or "", change.new_judgement or ""
    else:
        before, after = change.old_text or "", change.new_text or ""
    text = f"別添3に記載のない変更（{KIND_LABELS.get(change.kind, change.kind)}）"
    base = SheetRow(no=no, report=title, page_label=str(page + 1) if page is not None else "", item=item,
                    quote=before, category=UNDECLARED_CATEGORY, text=text, author="", related="", answer="", id="",
                    page=page or 0)
    return SecondRow(base, after, "")


def build_second_sheet(store: Store, comparison: Comparison, *, undeclared: bool = True,
                       report: int | None = None) -> list[SecondRow]:
    """The sheet of the revised packet: its comments (carried ones with the text they now refer to and the
    member's check) and, with ``undeclared``, a row per undeclared change after the comments of its report."""
    new = comparison.new
    links = {link.new_id: link for link in store.carried_links(new_sha256=new.sha256)}
    base = build_sheet(store.annotations(new.sha256), new.outline, report=report)
    rows: list[SecondRow] = []
    for row in base:
        link = links.get(row.id)
        if link is None:
            rows.append(SecondRow(row, "", ""))
            continue
        revised = link.new_text if link.status == "changed" else f"（{STATUS_LABELS[link.status]}）"
        rows.append(SecondRow(row, revised, link.check_result or ""))
    if not undeclared:
        return rows
    out: list[SecondRow] = []
    by_title: dict[str, list[SecondRow]] = {}
    for second in rows:
        by_title.setdefault(second.base.report, []).append(second)
    titles = list(dict.fromkeys([*(r.base.report for r in rows), *(d.title for d in comparison.documents)]))
    for title in titles:
        out.extend(by_title.get(title, []))
        for document in comparison.documents:
            if document.title == title:
                out.extend(_undeclared_row(0, title, c) for c in document.changes if not c.declared)
    return [SecondRow(replace(r.base, no=n), r.revised, r.check) for n, r in enumerate(out, 1)]


def write_second_csv(rows: list[SecondRow], path: str | os.PathLike[str]) -> None:
    """The sheet as CSV (UTF-8 with BOM, so Excel opens it in Japanese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SECOND_COLUMNS)
    for row in rows:
        writer.writerow(row.values())
    atomic_write_text(Path(path), "\ufeff" + buffer.getvalue())


def write_second_xlsx(rows: list[SecondRow], path: str | os.PathLike[str], title: str = "意見一覧（第2回）") -> None:
    """The sheet as an xlsx workbook (one sheet, header row frozen, text wrapped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(SECOND_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row in rows:
        sheet.append(list(row.values()))
        if row.base.category == UNDECLARED_CATEGORY:
            for cell in sheet[sheet.max_row]:
                cell.fill = PatternFill("solid", fgColor="FFE0E0")
    for column in sheet.columns:
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    target = Path(path)
    temp = target.with_name(f".{target.name}.tmp")
    book.save(temp)
    os.replace(temp, target)
