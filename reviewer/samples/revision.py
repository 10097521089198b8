"""Revision pairs: the same packet written twice, the second time revised, with the truth of the changes.

The revised report rewrites a measure, adds a paragraph, changes a judgement, deletes a paragraph, adds a form row
(all five declared in a new 別添3 row each), changes a row without declaring it (未申告), and declares one change that was
never made. An
inserted page shifts every later page of the packet. The reflow-only variant prints the same text at another
scale (narrower cells, smaller type) with ＩＤ written ID: line breaks, page breaks and widths move, nothing is
changed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from reviewer.samples import phrases as ph
from reviewer.samples.form import LABEL_W, FullReportBuilder
from reviewer.samples.layout import TABLE_WIDTH, Cell, Mark, Row
from reviewer.samples.packet import generate_packet

Variant = Literal["revised", "reflow"]
# Full-width Latin letters and digits → ASCII (the reflow variant's spelling of ＩＤ, ＡＷＳ, ＩＳＭＡＰ, １回).
HALF_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
                                                  *range(0xFF10, 0xFF1A))}

REVISION_DATE = "令和8年1月15日"
NEW_PARAGRAPH = (
    "令和８年度からは、ログの自動分析ツールを導入し、不正なアクセスの兆候を検知した場合には"
    "システム管理者へ即時に通知する。"
)
REWRITTEN_SENTENCE = (
    "窓口での受付時には、本人確認書類（個人番号カード等）により対象者本人であることを二名の職員で確認し、"
    "確認の記録を三年間保存する。"
)
UNDECLARED_SENTENCE = "保管場所の入退室は、ＩＣカードによる入退室管理システムで記録している。"
ADDED_ROW_LABEL = "③問合せの記録"
ADDED_ROW_TEXT = "問合せの内容と対応の結果は、問合せ管理簿に記録し、課長が月１回確認する。"
PHANTOM_ITEM = "Ⅴ 2. ②"
CORRECTION_TITLE = "修正対照表"
PHANTOM_AFTER = "問合せの受付時に受付票を作成し、対応の記録を五年間保存する。"
INSERTED_SHEET = [
    "資料の差替えについて",
    "第１回の審議を踏まえ、所管課から修正後の評価書が提出されたため、審議資料を差し替える。",
    "修正箇所は各評価書の（別添３）変更箇所に記載している。",
]


@dataclass
class TruthChange:
    """One change the revision made, where the form puts it."""

    kind: str  # "text" | "judgement" | "added" | "removed"
    report: int  # index of the 全項目評価書 in the packet (0-based)
    chapter: str
    file: str | None
    section: str | None
    risk: str | None
    item: str | None  # the form row's label
    declared: bool
    new_fragment: str = ""  # text that only the new version has (normalisation-free, as written)
    old_fragment: str = ""  # text that only the old version has
    old_judgement: str | None = None
    new_judgement: str | None = None


@dataclass
class RevisionTruth:
    variant: str
    old_pages: int
    new_pages: int
    changes: list[TruthChange] = field(default_factory=list)
    declared_not_found: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Place:
    index: int
    chapter: Mark | None
    section: Mark | None
    risk: Mark | None
    label: str


def _places(rows: list[Row]) -> list[_Place]:
    """Every labelled form row with the headings it falls under."""
    chapter: Mark | None = None
    section: Mark | None = None
    risk: Mark | None = None
    found: list[_Place] = []
    for index, row in enumerate(rows):
        mark = next((c.mark for c in row.cells if c.mark is not None), None)
        if mark is not None and mark.kind in ("chapter", "annex"):
            chapter, section, risk = mark, None, None
            continue
        if mark is not None and mark.kind == "section":
            section, risk = mark, None
            continue
        if mark is not None and mark.kind == "risk":
            risk = mark
            continue
        first = row.cells[0] if row.cells else None
        if first is not None and first.role == "label" and first.paras and len(row.cells) >= 2:
            found.append(_Place(index, chapter, section, risk, first.paras[0]))
    return found


def _find(places: list[_Place], chapter: str, section: str, label: str, risk: str | None = None,
          nth: int = 0) -> _Place:
    hits = [p for p in places if p.chapter is not None and p.chapter.number == chapter
            and p.section is not None and p.section.number == section and p.label == label
            and (risk is None or (p.risk is not None and p.risk.number == risk))]
    return hits[nth]


def _item_label(place: _Place) -> str:
    parts = [place.chapter.number if place.chapter else "", f"{place.section.number}." if place.section else ""]
    if place.risk is not None:
        parts.append(f"リスク{place.risk.number}")
    parts.append(place.label)
    return " ".join(p for p in parts if p)


class _Reviser:
    """Rewrites report 0 of the packet and records what it did."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.changes: list[TruthChange] = []
        self.declared_not_found: list[str] = []

    def __call__(self, index: int, builder: FullReportBuilder, rows: list[Row]) -> list[Row]:
        if self.variant == "reflow":
            return [self._rescaled(row) for row in rows]
        if index != 0:
            return rows
        places = _places(rows)
        file = builder.files[0]
        widths = (56.0, 74.0, 135.0, 135.0, 45.0, 70.0)
        annex: list[list[str]] = []

        # 1. A rewritten measure (declared).
        place = _find(places, "Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容", risk="1")
        cell = rows[place.index].cells[1]
        before = cell.paras[0]
        cell.paras = [REWRITTEN_SENTENCE, *cell.paras[1:]]
        self._change("text", place, file, True, REWRITTEN_SENTENCE)
        annex.append([REVISION_DATE, _item_label(place), before[:60], REWRITTEN_SENTENCE, "事前",
                      "第三者点検の指摘による"])

        # 2. An added paragraph (declared).
        place = _find(places, "Ⅲ", "7", "具体的な対策の内容", risk="1", nth=1)
        cell = rows[place.index].cells[1]
        cell.paras = [*cell.paras, NEW_PARAGRAPH]
        self._change("text", place, file, True, NEW_PARAGRAPH)
        annex.append([REVISION_DATE, _item_label(place), "－", NEW_PARAGRAPH, "事前", "第三者点検の指摘による"])

        # 3. A changed judgement (declared): the first risk of Ⅲ 3 goes one step up or down.
        risk = next(m for m in builder.marks if m.kind == "risk" and m.file == file
                    and self._section_of(builder, m) == "3")
        old = risk.judgement or ph.SUFFICIENT[1]
        new = ph.SUFFICIENT[1] if old != ph.SUFFICIENT[1] else ph.SUFFICIENT[0]
        builder._set_judgement(risk, new)
        self.changes.append(TruthChange("judgement", 0, "Ⅲ", file, "3", risk.number, ph.RISK_TEXT, True,
                                        old_judgement=old, new_judgement=new))
        annex.append([REVISION_DATE, f"Ⅲ 3. リスク{risk.number} {ph.RISK_TEXT}", old, new, "事前",
                      "第三者点検の指摘による"])

        # 4. An undeclared change: a sentence added to Ⅱ 6 ①保管場所.
        place = _find(places, "Ⅱ", "6", "①保管場所 ※")
        cell = rows[place.index].cells[1]
        cell.paras = [*cell.paras[:1], UNDECLARED_SENTENCE, *cell.paras[1:]]
        self._change("text", place, file, False, UNDECLARED_SENTENCE)

        # 5. A paragraph deleted (declared): the first measure of Ⅲ 4–6 with more than one paragraph.
        place = next(p for p in places if p.chapter is not None and p.chapter.number == "Ⅲ"
                     and p.chapter.file == file and p.section is not None and p.section.number in "456"
                     and len(rows[p.index].cells) == 2 and len(rows[p.index].cells[1].paras) >= 2)
        cell = rows[place.index].cells[1]
        removed = cell.paras[-1]
        cell.paras = cell.paras[:-1]
        self._change("text", place, file, True, "")
        self.changes[-1].old_fragment = removed
        annex.append([REVISION_DATE, _item_label(place), removed, "（削除）", "事前", "第三者点検の指摘による"])

        # 6. A form row added (declared): Ⅴ 2. ③ after ②対応方法.
        place = _find(places, "Ⅴ", "2", "②対応方法")
        rows.insert(place.index + 1, Row([
            Cell(LABEL_W, [ADDED_ROW_LABEL], role="label", shade=0.95, center=True),
            Cell(TABLE_WIDTH - LABEL_W, [ADDED_ROW_TEXT])]))
        self.changes.append(TruthChange("added", 0, "Ⅴ", None, "2", None, ADDED_ROW_LABEL, True, ADDED_ROW_TEXT))
        annex.append([REVISION_DATE, f"Ⅴ 2. {ADDED_ROW_LABEL}", "－", ADDED_ROW_TEXT, "事前", "記載の追加"])

        # 7. A declared change that was never made.
        annex.append([REVISION_DATE, PHANTOM_ITEM, "－", PHANTOM_AFTER, "事前", "第三者点検の指摘による"])
        self.declared_not_found.append(PHANTOM_ITEM)

        for texts in annex:
            rows.append(self._table_row(widths, texts))
        return rows

    @staticmethod
    def _section_of(builder: FullReportBuilder, risk: Mark) -> str:
        section = ""
        for mark in builder.marks:
            if mark is risk:
                return section
            if mark.kind == "section":
                section = mark.number
        return section

    @staticmethod
    def _table_row(widths: tuple[float, ...], texts: list[str]) -> Row:
        cells = [Cell(w, [t] if t else [], role="label" if i == 0 else "content", size=7.5)
                 for i, (w, t) in enumerate(zip(widths, texts, strict=True))]
        return Row(cells)

    @staticmethod
    def _rescaled(row: Row) -> Row:
        # The same text at another print scale: cells 8% narrower, type 6% smaller (the table is narrower too), and
        # typed by someone who writes ID, AWS, ISMAP in half width where the first version had ＩＤ, ＡＷＳ, ＩＳＭＡＰ.
        return Row([Cell(c.width * 0.92, [p.translate(HALF_WIDTH) for p in c.paras], c.role, c.shade, c.size * 0.94,
                         c.bold, c.center, c.hcenter, c.mark, c.border) for c in row.cells],
                   row.keep_with_next, row.page_break_before, row.splittable, row.gap_before)

    def _change(self, kind: str, place: _Place, file: str, declared: bool, fragment: str) -> None:
        self.changes.append(TruthChange(
            kind, 0, place.chapter.number if place.chapter else "", file,
            place.section.number if place.section else None, place.risk.number if place.risk else None,
            place.label, declared, fragment))


def correction_table() -> tuple[str, list[Row]]:
    """A 修正対照表 (bound after the reports) that declares the change 別添3 leaves out (Ⅱ 6. ①)."""
    widths = (120.0, 160.0, 160.0, 75.0)
    header = Row([Cell(w, [t], role="label", shade=0.88, size=8.0) for w, t in zip(
        widths, ("修正箇所", "修正前", "修正後", "修正理由"), strict=True)], keep_with_next=True, splittable=False)
    body = Row([Cell(w, [t], role="label" if i == 0 else "content", size=8.0) for i, (w, t) in enumerate(zip(
        widths, ("Ⅱ 6. ①保管場所", "－", UNDECLARED_SENTENCE, "委員の指摘による"), strict=True))])
    return CORRECTION_TITLE, [header, body]


def generate_revision_pair(
    folder: Path, variant: Variant = "revised", reports: int = 2, pages_per_report: int | None = 30,
    seed: int = 1, inserted_page: bool = True, with_correction_table: bool = False,
) -> tuple[Path, Path, RevisionTruth]:
    """Write ``old.pdf`` and ``new-<variant>.pdf`` (and the truth as JSON) into ``folder``.

    ``revised``: the changes listed in the module docstring, plus (``inserted_page``) a sheet inserted before the
    first report. ``reflow``: the same text at another print scale and nothing else.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    old_path = folder / "old.pdf"
    new_path = folder / f"new-{variant}{'-table' if with_correction_table else ''}.pdf"
    old_truth = generate_packet(old_path, reports=reports, pages_per_report=pages_per_report, seed=seed)
    reviser = _Reviser(variant)
    sheet = INSERTED_SHEET if inserted_page and variant == "revised" else None
    new_truth = generate_packet(new_path, reports=reports, pages_per_report=pages_per_report, seed=seed,
                                revise=reviser, inserted_sheet=sheet,
                                bound_table=correction_table() if with_correction_table else None)
    if with_correction_table:  # the table declares what 別添3 left out
        for change in reviser.changes:
            change.declared = True
    truth = RevisionTruth(variant, old_truth.pages, new_truth.pages, reviser.changes, reviser.declared_not_found)
    new_path.with_suffix(".truth.json").write_text(
        json.dumps(truth.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return old_path, new_path, truth
