"""Reading declarations (別添3, 修正対照表) and matching them to changes, on hand-made table rows."""

from __future__ import annotations

from reviewer.compare.declared import mark_declared, new_declarations, read_table
from reviewer.compare.diff import RowChange, Span
from reviewer.compare.rows import FormRow, NodePath, Piece

SENTENCE = "保管場所の入退室は、ＩＣカードによる入退室管理システムで記録している。"


def _row(page: int, y: float, cells: list[tuple[float, str]], path: NodePath | None = None) -> FormRow:
    return FormRow(path or NodePath("修正対照表"), [Piece(page, x, y, x + 90.0, y + 8.0, text) for x, text in cells])


def _correction_table() -> list[FormRow]:
    return [
        _row(0, 40.0, [(40.0, "修正箇所"), (150.0, "修正前"), (300.0, "修正後"), (450.0, "修正理由")]),
        _row(0, 60.0, [(40.0, "Ⅱ 6. ①保管場所"), (150.0, "－"), (300.0, SENTENCE[:20]), (450.0, "委員の指摘")]),
        # The same row goes on over the page break: no 箇所, the rest of 修正後.
        _row(1, 40.0, [(300.0, SENTENCE[20:])]),
        _row(1, 60.0, [(40.0, "Ⅲ 3. リスク1 リスクへの対策は十分か"), (150.0, "十分である"),
                       (300.0, "特に力を入れている"), (450.0, "委員の指摘")]),
        _row(1, 80.0, [(40.0, "Ⅴ 1. ①請求先"), (150.0, "総務課"), (300.0, "情報公開課"), (450.0, "組織改正")]),
    ]


def test_correction_table_is_read_with_rows_cut_by_a_page_break() -> None:
    declarations = read_table(_correction_table())
    assert [d.item for d in declarations] == ["Ⅱ 6. ①保管場所", "Ⅲ 3. リスク1 リスクへの対策は十分か", "Ⅴ 1. ①請求先"]
    assert declarations[0].after == SENTENCE and declarations[0].before == "－"
    assert declarations[0].reason == "委員の指摘" and declarations[0].page == 0
    assert new_declarations(declarations[:1], declarations) == declarations[1:]


def test_changes_are_declared_by_text_or_by_place_and_the_rest_reported() -> None:
    declarations = read_table(_correction_table())
    text_change = RowChange("text", NodePath("Ⅱ", "住民基本台帳ファイル", "6"), "①保管場所 ※", 8, 9, "old", "new",
                            [Span("", SENTENCE)])
    judgement = RowChange("judgement", NodePath("Ⅲ", "住民基本台帳ファイル", "3", "risk", "1"), "リスクへの対策は十分か",
                          15, 16, None, None, old_judgement="十分である", new_judgement="特に力を入れている")
    undeclared = RowChange("text", NodePath("Ⅳ", None, "3"), None, 30, 31, "a", "b", [Span("", "新しい記載を追加した。")])
    missing = mark_declared([text_change, judgement, undeclared], declarations)
    assert text_change.declared and text_change.declared_by == "Ⅱ 6. ①保管場所"
    assert judgement.declared and judgement.declared_by == "Ⅲ 3. リスク1 リスクへの対策は十分か"
    assert not undeclared.declared and undeclared.declared_by is None
    assert [d.item for d in missing] == ["Ⅴ 1. ①請求先"]
