"""The second meeting's comment sheet: the 意見一覧 of the revised packet with 修正後の記載 and 確認結果, and
(optionally) the undeclared changes as rows of their own.

:func:`second_meeting_rows` takes the rows :func:`reviewer.export.sheet.build_sheet` made of the revised packet's
comments (order, 項目 and related groups as on the first sheet) and fills the two columns of the carried ones from
their links; the export use case (:func:`reviewer.export.service.export`) writes them in every sheet format with
:data:`reviewer.export.sheet.SECOND_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reviewer.compare.carry import STATUS_LABELS
from reviewer.compare.diff import DocumentComparison, RowChange
from reviewer.export.sheet import DECLARED_ONLY_CATEGORY, UNDECLARED_CATEGORY, SheetRow
from reviewer.store.store import CarriedLink

KIND_LABELS = {"text": "記載の変更", "added": "追加", "removed": "削除", "judgement": "判断の変更"}


def undeclared_row(title: str, change: RowChange, page_labels: Sequence[str] = ()) -> SheetRow:
    """A row for an undeclared change: before (引用) and after (修正後の記載), no comment id."""
    page = change.new_page if change.new_page is not None else change.old_page
    item = " ".join(p for p in (change.path.item_label(with_file=True), change.item or "") if p)
    if change.kind == "judgement":
        before, after = change.old_judgement or "", change.new_judgement or ""
    else:
        before, after = change.old_text or "", change.new_text or ""
    if page is None:
        label = ""
    elif 0 <= page < len(page_labels) and page_labels[page]:
        label = page_labels[page]
    else:
        label = str(page + 1)
    return SheetRow(no=0, report=title, page_label=label, item=item, quote=before, category=UNDECLARED_CATEGORY,
                    text=f"別添3に記載のない変更（{KIND_LABELS.get(change.kind, change.kind)}）", author="",
                    related="", answer="", id="", page=page or 0, revised=after)


def declared_only_row(title: str, item: str) -> SheetRow:
    """A row for an item of 別添3 whose change the comparison did not find in the revised report (「Ⅴ 2. ②」)."""
    return SheetRow(no=0, report=title, page_label="", item=item, quote="", category=DECLARED_ONLY_CATEGORY,
                    text="別添3に記載があるが、評価書の記載に変更が見つからない", author="", related="", answer="",
                    id="", page=0, revised="")


def second_meeting_rows(rows: Sequence[SheetRow], links: Sequence[CarriedLink],
                        documents: Sequence[DocumentComparison] | None = None,
                        page_labels: Sequence[str] = ()) -> list[SheetRow]:
    """``rows`` (the revised packet's sheet) with 修正後の記載 and 確認結果 of the carried comments, and, when the
    comparison's ``documents`` are given, a row per undeclared change among the comments of its report, by page,
    and after them a row per item of 別添3 whose change was not found (numbered again from 1). ``page_labels``: the
    revised packet's printed page numbers."""
    by_id = {link.new_id: link for link in links}
    filled: list[SheetRow] = []
    for row in rows:
        link = by_id.get(row.id)
        if link is None:
            filled.append(row)
            continue
        revised = link.new_text if link.status == "changed" else f"（{STATUS_LABELS[link.status]}）"
        # 引用 stays what the member commented on at the first meeting; 修正後の記載 shows what replaced it.
        filled.append(replace(row, quote=link.old_quote or row.quote, revised=revised,
                              check=link.check_result or ""))
    if documents is None:
        return filled
    by_title: dict[str, list[SheetRow]] = {}
    for row in filled:
        by_title.setdefault(row.report, []).append(row)
    out: list[SheetRow] = []
    for title in dict.fromkeys([*(r.report for r in filled), *(d.title for d in documents)]):
        rows_here = list(by_title.get(title, []))
        for document in documents:
            if document.title != title:
                continue
            for change in document.changes:
                if change.declared:
                    continue
                row = undeclared_row(title, change, page_labels)
                # Among the comments in the order of the pages (the comments' own order is kept as it is).
                at = next((k for k, other in enumerate(rows_here) if other.page > row.page), len(rows_here))
                rows_here.insert(at, row)
            rows_here.extend(declared_only_row(title, item) for item in document.declared_not_found)
        out.extend(rows_here)
    return [replace(row, no=number) for number, row in enumerate(out, 1)]
