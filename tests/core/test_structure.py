"""Structure detection: adversarial hand-built packets, the sample generator's truth, non-reports, the cache,
progress/cancel, and every PDF of the shared corpus.

The adversarial packet is built here with PyMuPDF directly (independent of reviewer.samples) and imitates what
real reports printed from Excel do to a text layer: the label column is drawn before the content column,
headings are fake-bold (drawn twice 0.3pt apart), digits are full- or half-width, Ⅲ is printed as III or ＩＶ,
headings and labels are broken over lines, the judgement is split into 「[」「十分である」「]」 in its own cell,
「＜選択肢＞」 lists every choice next to it, and a risk's judgement row falls on the next page.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.document import Packet
from reviewer.errors import PdfOpenError
from reviewer.paths import bundled_font
from reviewer.structure import grammar
from reviewer.structure.cache import DETECTOR_VERSION, cache_path
from reviewer.structure.detect import (
    NO_REPORT_MESSAGE,
    DetectionCancelled,
    detect_outline,
    detect_outline_cached,
)
from reviewer.structure.layout import norm
from reviewer.structure.model import Document, Node, Outline
from reviewer.structure.render import outline_as_text

W, H = 595.28, 841.89
LABEL_X, VALUE_X, CHOICE_X = 43.0, 200.0, 330.0
BOTTOM = 770.0


@dataclass
class _Page:
    label: list[tuple[float, float, str, float]] = field(default_factory=list)
    content: list[tuple[float, float, str, float]] = field(default_factory=list)
    footer: list[tuple[float, float, str, float]] = field(default_factory=list)


class SheetPrinter:
    """Prints rows like an Excel sheet and records the truth of what it printed."""

    def __init__(self) -> None:
        self.font: Any = pymupdf.Font(fontfile=str(bundled_font()))
        self.ascender = float(self.font.ascender)
        self.pages: list[_Page] = []
        self.y = 0.0
        self.documents: list[Document] = []
        self.current: Document | None = None
        self.file: str | None = None
        self.footer_name: str | None = None

    # -- low level ----------------------------------------------------------------------------------
    @property
    def page(self) -> int:
        return len(self.pages) - 1

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = 48.0

    def put(self, layer: str, x: float, top: float, text: str, size: float = 8.0, bold: bool = False) -> None:
        items = getattr(self.pages[-1], layer)
        baseline = top + self.ascender * size
        items.append((x, baseline, text, size))
        if bold:  # fake bold: the same text again, a little to the right (and down)
            items.append((x + 0.3, baseline + 0.2, text, size))

    def ensure(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.new_page()

    # -- documents -------------------------------------------------------------------------------------
    def begin(self, title: str, form: str | None) -> None:
        self.end()
        self.current = Document(title, form, self.page + 1, self.page + 1, [])
        self.file = None
        self.new_page()

    def end(self) -> None:
        if self.current is not None:
            self.current.end_page = self.page
            self.documents.append(self.current)
            self.current = None

    def node(self, kind: str, number: str, title: str, top: float, file: str | None = None,
             judgement: str | None = None) -> Node:
        node = Node(kind, number, title, self.page, round(top, 1), file, judgement)
        assert self.current is not None
        self.current.nodes.append(node)
        return node

    # -- rows --------------------------------------------------------------------------------------------
    def heading(self, parts: list[str], size: float = 10.5, x: float = LABEL_X) -> float:
        """A shaded heading row, fake bold, possibly broken over lines; returns its top."""
        self.ensure(len(parts) * (size + 2) + 6)
        top = self.y
        for part in parts:
            self.put("label", x, self.y, part, size, bold=True)
            self.y += size + 2
        self.y += 6
        return top

    def row(self, label: list[str], content: list[str], size: float = 8.0) -> float:
        lines = max(len(label), len(content), 1)
        self.ensure(lines * (size + 2.5) + 5)
        top = self.y
        for i, part in enumerate(label):
            self.put("label", LABEL_X, top + i * (size + 2.5), part, size)
        for i, part in enumerate(content):
            self.put("content", VALUE_X, top + i * (size + 2.5), part, size)
        self.y = top + lines * (size + 2.5) + 5
        return top

    def judged(self, label: list[str], value: list[str], choices: tuple[str, ...], size: float = 8.0) -> float:
        """A judgement row: label cell, the value cell (vertically centred), then the choice list."""
        lines = max(len(label), len(value), 4)
        self.ensure(lines * (size + 2.5) + 5)
        top = self.y
        label_top = top + (lines - len(label)) * (size + 2.5) / 2
        for i, part in enumerate(label):
            self.put("label", LABEL_X, label_top + i * (size + 2.5), part, size)
        value_top = top + (lines - len(value)) * (size + 2.5) / 2
        for i, part in enumerate(value):
            self.put("content", VALUE_X, value_top + i * (size + 2.5), part, size)
        self.put("content", CHOICE_X, top, "＜選択肢＞", size)
        for i, choice in enumerate(choices):
            self.put("content", CHOICE_X, top + (i + 1) * (size + 2.5), f"{i + 1}) {choice}", size)
        self.y = top + lines * (size + 2.5) + 5
        return top

    # -- output -----------------------------------------------------------------------------------------
    def save(self, path: Path, stamps: bool = True, content_first: bool = False) -> None:
        doc: Any = pymupdf.open()
        try:
            for index, page_items in enumerate(self.pages):
                page = doc.new_page(width=W, height=H)
                page.draw_rect(pymupdf.Rect(40, 44, W - 40, BOTTOM + 10), color=(0, 0, 0), width=0.5)
                if stamps and index > 0:
                    text = f"- {index} -"
                    width = self.font.text_length(text, fontsize=10)
                    page_items.footer.append(((W - width) / 2, 826.0, text, 10.0))
                layers = [page_items.label, page_items.content, page_items.footer]
                if content_first:
                    layers = [page_items.content, page_items.footer, page_items.label]
                for layer in layers:
                    if not layer:
                        continue
                    writer = pymupdf.TextWriter(page.rect)
                    for x, baseline, text, size in layer:
                        writer.append((x, baseline), text, font=self.font, fontsize=size)
                    writer.write_text(page)
            doc.save(str(path), garbage=3, deflate=True)
        finally:
            doc.close()


RISK = ("特に力を入れている", "十分である", "課題が残されている")
DONE = ("特に力を入れて行っている", "十分に行っている", "十分に行っていない")
MEASURE = [
    "届出書の受付時には、個人番号カード、運転免許証等の顔写真付き本人確認書類により本人確認を",
    "行っている。入力内容は入力者以外の職員が届出書と照合して確認する二重チェックを実施している。",
]


def _footer(p: SheetPrinter, name: str, first: int, total: int) -> None:
    """Running footers 「… k / n …」 on a report's pages."""
    for k in range(total):
        page = p.pages[first + k]
        baseline = 800.0 + p.ascender * 8
        page.footer.append((195.0, baseline, f"{name}　{k + 1} / {total}　区民部住民記録課", 8.0))


def build_adversarial_packet(path: Path) -> list[Document]:
    """Write the packet to ``path``; return the documents it holds (the truth)."""
    p = SheetPrinter()
    # packet cover
    p.begin("第3回 北浜区情報公開・個人情報保護審議会 審議資料", None)
    p.put("content", 150, 300, "第3回 北浜区情報公開・個人情報保護審議会 審議資料", 16)
    p.put("content", 240, 360, "令和7年11月5日", 10.5)
    # 諮問 sheet
    p.begin("諮問第1005号", None)
    p.put("content", 420, 60, "諮問第1005号", 10.5)
    p.put("content", 420, 76, "令和7年10月1日", 10.5)
    p.put("content", 60, 110, "北浜区情報公開・個人情報保護審議会 会長 様", 10.5)
    p.put("content", 70, 170, "特定個人情報保護評価における第三者点検について（住民基本台帳事務）", 14)

    # ---- report 1: 全項目評価書 ----
    title = "住民基本台帳に関する事務 全項目評価書"
    p.begin(title, "全項目評価書")
    report_first = p.page
    p.put("label", 130, 70, "特定個人情報保護評価書（全項目評価書）", 16, bold=True)
    p.put("label", 60, 130, "評価書番号", 9)
    p.put("label", 250, 130, "評価書名", 9)
    p.put("content", 60, 146, "7", 9)
    p.put("content", 180, 146, title, 9)
    p.put("label", 60, 200, "個人のプライバシー等の権利利益の保護の宣言", 9)
    p.put("content", 60, 216, "北浜区は、住民基本台帳に関する事務における特定個人情報ファイルの取扱いにあたり、", 8)
    p.put("label", 60, 300, "評価実施機関名", 9)
    p.put("content", 250, 300, "北浜区長", 9)
    # 項目一覧 (table of contents: must not produce chapters)
    p.new_page()
    p.put("label", LABEL_X, 50, "項目一覧", 12, bold=True)
    for i, text in enumerate([
        "Ⅰ 基本情報", "（別添1） 事務の内容", "Ⅱ 特定個人情報ファイルの概要", "（別添2） 特定個人情報ファイル記録項目",
        "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "Ⅳ その他のリスク対策", "Ⅴ 開示請求、問合せ",
        "Ⅵ 評価実施手続", "（別添3） 変更箇所",
    ]):
        p.put("label", LABEL_X, 80 + i * 20, text, 9)

    # Ⅰ
    p.new_page()
    top = p.heading(["Ⅰ　基本情報"])
    p.node("chapter", "Ⅰ", "基本情報", top)
    top = p.heading(["1．特定個人情報ファイルを取り扱う事務"], size=9)
    p.node("section", "1", "特定個人情報ファイルを取り扱う事務", top)
    p.row(["①事務の名称"], ["住民基本台帳に関する事務"])
    p.row(["③対象人数"], ["[", "30万人以上", "]"])
    top = p.heading(["2．特定個人情報ファイルを取り扱う事務において使用するシス", "テム"], size=9)
    p.node("section", "2", "特定個人情報ファイルを取り扱う事務において使用するシステム", top)
    p.row(["システム1"], ["住民記録システム"])
    # 別添1
    p.new_page()
    top = p.heading(["（別添１）　事務の内容"])
    p.node("annex", "別添1", "事務の内容", top)
    p.row([], ["届出の受付から住民票の記載までの流れを示す。"])
    # Ⅱ (ASCII II)
    p.new_page()
    top = p.heading(["II　特定個人情報ファイルの概要"])
    p.node("chapter", "Ⅱ", "特定個人情報ファイルの概要", top, file="住民基本台帳ファイル")
    p.row(["（１）住民基本台帳ファイル"], [])
    for number, name in ((1, "特定個人情報ファイル名"), (2, "基本情報"), (3, "特定個人情報の入手・使用")):
        top = p.heading([f"{number}. {name}"], size=9)
        p.node("section", str(number), name, top, file="住民基本台帳ファイル")
        p.row(["①ファイルの種類"], ["[ システム用ファイル ]"])
    # 別添2
    p.new_page()
    top = p.heading(["（別添２）　特定個人情報ファイル記録項目"])
    p.node("annex", "別添2", "特定個人情報ファイル記録項目", top)
    p.row([], ["個人番号、住民票コード、氏名、生年月日、性別、住所"])

    # Ⅲ for file 1, heading broken over two lines
    f1 = "住民基本台帳ファイル"
    p.new_page()
    top = p.heading(["Ⅲ　特定個人情報ファイルの取扱いプロセスにおける", "リスク対策"])
    p.node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", top, file=f1)
    p.row(["※（7．リスク1⑨を除く。）"], [])
    top = p.heading(["1. 特定個人情報ファイル名"], size=9)
    p.node("section", "1", "特定個人情報ファイル名", top, file=f1)
    p.row([f1], [])
    top = p.heading(["２．特定個人情報の入手（情報提供ネットワークシステムを", "通じた入手を除く。）"], size=9)
    p.node("section", "2", "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", top, file=f1)
    top = p.heading(["リスク１：　目的外の入手が行われるリスク"], size=8.5)
    p.node("risk", "1", "目的外の入手が行われるリスク", top, file=f1, judgement="十分である")
    p.row(["対象者以外の情報の入手を", "防止するための措置の内容"], MEASURE)
    p.judged(["リスクへの対策は十分か"], ["[ 十分である ]"], RISK)
    top = p.heading(["リスク 2: 不適切な方法で入手が行われるリスク"], size=8.5)
    p.node("risk", "2", "不適切な方法で入手が行われるリスク", top, file=f1, judgement="特に力を入れている")
    p.row(["リスクに対する措置の内容"], MEASURE)
    p.judged(["リスクへの対策は十分か"], ["[", "特に力を入れている", "]"], RISK)
    top = p.heading(["リスク３：　入手した特定個人情報が", "不正確であるリスク"], size=8.5)
    p.node("risk", "3", "入手した特定個人情報が不正確であるリスク", top, file=f1, judgement="課題が残されている")
    p.row(["入手の際の本人確認の措置の内容"], MEASURE)
    p.judged(["リスクへの対策は", "十分か"], ["[ 課題が残されている ]"], RISK)
    # risk 4 at the foot of the page: its judgement row lands on the next page
    p.y = max(p.y, BOTTOM - 40)
    top = p.heading(["リスク４：　入手の際に特定個人情報が漏えい・紛失するリスク"], size=8.5)
    p.node("risk", "4", "入手の際に特定個人情報が漏えい・紛失するリスク", top, file=f1, judgement="十分である")
    p.row(["リスクに対する措置の内容"], MEASURE)
    p.new_page()
    # print titles: the chapter heading repeated at the top of a continuation page is not a new chapter
    p.heading(["Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策"])
    p.judged(["リスクへの対策は十分か"], ["[ 十分である ]"], RISK)
    p.row(["特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）におけるその他のリスク及び",
           "そのリスクに対する措置"], ["特になし"])
    top = p.heading(["３．特定個人情報の使用"], size=9)
    p.node("section", "3", "特定個人情報の使用", top, file=f1)
    top = p.heading(["リスク１：　目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク"], size=8.5)
    p.node("risk", "1", "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク", top, file=f1,
           judgement="十分である")
    p.row(["宛名システム等における措置の内容"], MEASURE)
    p.judged(["リスクへの対策は十分か"], ["[ 十分である ]"], RISK)
    top = p.heading(["リスク２：　権限のない者（元職員、アクセス権限のない職員等）によって", "不正に使用されるリスク"],
                    size=8.5)
    p.node("risk", "2", "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク", top,
           file=f1, judgement="特に力を入れている")
    p.judged(["ユーザ認証の管理"], ["[ 行っている ]"], ("行っている", "行っていない"))
    p.judged(["リスクへの対策は十分か"], ["[ 特に力を入れている ]"], RISK)
    top = p.heading(["４．特定個人情報ファイルの取扱いの委託"], size=9)
    p.node("section", "4", "特定個人情報ファイルの取扱いの委託", top, file=f1, judgement="課題が残されている")
    p.row([], ["[ ] 委託しない"])
    p.row(["委託先による特定個人情報の不正入手・不正な使用に関するリスク"], [])
    p.judged(["再委託先による特定個人情報", "ファイルの適切な取扱いの確保"], ["[ 十分に行っている ]"], DONE)
    p.judged(["リスクへの対策は十分か"], ["[ 課題が残されている ]"], RISK)
    top = p.heading(["７．特定個人情報の保管・消去"], size=9)
    p.node("section", "7", "特定個人情報の保管・消去", top, file=f1)
    top = p.heading(["リスク１：　特定個人情報の漏えい・滅失・毀損リスク"], size=8.5)
    p.node("risk", "1", "特定個人情報の漏えい・滅失・毀損リスク", top, file=f1, judgement="特に力を入れている")
    p.judged(["⑤物理的対策"], ["[ 十分に行っている ]"], DONE)
    p.judged(["⑨過去３年以内に、評価実施機関において、", "個人情報に関する重大事故が発生したか"], ["[ 発生なし ]"],
             ("発生あり", "発生なし"))
    p.judged(["リスクへの対策は十分か"], ["[ 特に力を入れている ]"], RISK)

    # Ⅲ for file 2 (printed again), file name on the same row as its label
    f2 = "本人確認情報ファイル"
    p.new_page()
    top = p.heading(["Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策"])
    p.node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", top, file=f2)
    top = p.row(["1. 特定個人情報ファイル名"], [f2])
    p.node("section", "1", "特定個人情報ファイル名", top, file=f2)
    top = p.heading(["2. 特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）"], size=9)
    p.node("section", "2", "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", top, file=f2)
    top = p.heading(["リスク1:目的外の入手が行われるリスク"], size=8.5)
    p.node("risk", "1", "目的外の入手が行われるリスク", top, file=f2, judgement="十分である")
    p.judged(["リスクへの対策は十分か"], ["［　十分である　］"], RISK)

    # Ⅳ (full-width Latin numeral)
    p.new_page()
    top = p.heading(["ＩＶ　その他のリスク対策"])
    p.node("chapter", "Ⅳ", "その他のリスク対策", top)
    top = p.heading(["1. 監査"], size=9)
    p.node("section", "1", "監査", top)
    top = p.judged(["①自己点検"], ["[ 十分に行っている ]"], DONE)
    p.node("item", "①", "自己点検", top + (4 - 1) * 10.5 / 2, judgement="十分に行っている")
    p.row(["具体的なチェック方法"], MEASURE)
    top = p.judged(["②監査"], ["[", "特に力を入れて行っている", "]"], DONE)
    p.node("item", "②", "監査", top + (4 - 1) * 10.5 / 2, judgement="特に力を入れて行っている")
    top = p.heading(["2. 従業者に対する教育・啓発"], size=9)
    p.node("section", "2", "従業者に対する教育・啓発", top, judgement="十分に行っていない")
    p.judged(["従業者に対する教育・啓発"], ["[ 十分に行っていない ]"], DONE)
    top = p.heading(["3. その他のリスク対策"], size=9)
    p.node("section", "3", "その他のリスク対策", top)
    p.row([], MEASURE)
    # Ⅴ, Ⅵ
    top = p.heading(["Ⅴ　開示請求、問合せ"])
    p.node("chapter", "Ⅴ", "開示請求、問合せ", top)
    top = p.heading(["1. 特定個人情報の開示・訂正・利用停止請求"], size=9)
    p.node("section", "1", "特定個人情報の開示・訂正・利用停止請求", top)
    p.row(["①請求先"], ["北浜区区民部住民記録課"])
    p.new_page()
    top = p.heading(["Ⅵ　評価実施手続"])
    p.node("chapter", "Ⅵ", "評価実施手続", top)
    for number, name in ((1, "基礎項目評価"), (2, "国民・住民等からの意見の聴取"), (3, "第三者点検")):
        top = p.heading([f"{number}. {name}"], size=9)
        p.node("section", str(number), name, top)
        p.row(["①実施日"], ["令和7年6月1日"])
    # 別添3 with a change table that mentions chapters and risks (must not become headings)
    p.new_page()
    top = p.heading(["（別添３）　変更箇所"])
    p.node("annex", "別添3", "変更箇所", top)
    p.row(["変更日"], ["項目"])
    p.row(["Ⅲ 2. リスク1"], ["対象者以外の情報の入手を防止するための措置の内容を追記"])
    p.row(["令和7年4月1日"], ["Ⅲ 7. リスク1 ⑥ 技術的対策"])
    report_last = p.page
    _footer(p, "住民基本台帳に関する事務", report_first, report_last - report_first + 1)
    # an attached table after the report, without its own cover sheet: the footer count ends the report
    p.begin("参考資料　住民基本台帳事務の処理件数", None)
    p.put("content", 150, 60, "参考資料　住民基本台帳事務の処理件数", 14)
    p.put("content", 60, 100, "年度 転入 転出 転居", 9)

    # ---- report 2: 重点項目評価書 (no footers) ----
    p.begin("諮問第1006号", None)
    p.put("content", 420, 60, "諮問第1006号", 10.5)
    p.put("content", 70, 170, "特定個人情報保護評価における第三者点検について（児童手当事務）", 14)
    title2 = "児童手当に関する事務 重点項目評価書"
    p.begin(title2, "重点項目評価書")
    p.put("label", 130, 70, "特定個人情報保護評価書（重点項目評価書）", 16, bold=True)
    p.put("label", 60, 130, "評価書番号", 9)
    p.put("label", 250, 130, "評価書名", 9)
    p.put("content", 60, 146, "12", 9)
    p.put("content", 180, 146, title2, 9)
    p.new_page()
    top = p.heading(["Ⅰ　基本情報"])
    p.node("chapter", "Ⅰ", "基本情報", top)
    top = p.heading(["1. 特定個人情報ファイルを取り扱う事務"], size=9)
    p.node("section", "1", "特定個人情報ファイルを取り扱う事務", top)
    p.row(["①事務の名称"], ["児童手当に関する事務"])
    top = p.heading(["Ⅱ　特定個人情報ファイルの概要"])
    p.node("chapter", "Ⅱ", "特定個人情報ファイルの概要", top, file="児童手当ファイル")
    top = p.heading(["1. 特定個人情報ファイル名"], size=9)
    p.node("section", "1", "特定個人情報ファイル名", top, file="児童手当ファイル")
    p.row(["児童手当ファイル"], [])
    top = p.heading(["Ⅲ　リスク対策"])
    p.node("chapter", "Ⅲ", "リスク対策", top)
    top = p.heading(["1. 特定個人情報の入手"], size=9)
    p.node("section", "1", "特定個人情報の入手", top)
    top = p.heading(["リスク1：目的外の入手が行われるリスク"], size=8.5)
    p.node("risk", "1", "目的外の入手が行われるリスク", top, judgement="十分である")
    p.judged(["リスクへの対策は十分か"], ["[ 十分である ]"], RISK)
    top = p.heading(["リスク2：不正な提供が行われるリスク"], size=8.5)
    p.node("risk", "2", "不正な提供が行われるリスク", top, judgement="課題が残されている")
    p.judged(["リスクへの対策は十分か"], ["[ 課題が残されている ]"], RISK)
    top = p.heading(["Ⅳ　開示請求、問合せ"])
    p.node("chapter", "Ⅳ", "開示請求、問合せ", top)
    top = p.heading(["Ⅴ　評価実施手続"])
    p.node("chapter", "Ⅴ", "評価実施手続", top)
    p.end()
    p.save(path)
    return p.documents


def build_narrow_packet(path: Path) -> list[Document]:
    """A report from a sheet with a narrow label column: labels wrap over three lines, the numeral and the title
    of headings sit in separate cells, values are top-aligned, and the content column is drawn first."""
    p = SheetPrinter()
    title = "国民健康保険に関する事務　全項目評価書（案）"
    p.begin(title, "全項目評価書")
    p.put("label", 150, 70, "特定個人情報保護評価書", 16, bold=True)
    p.put("label", 160, 92, "（全項目評価書）", 16, bold=True)
    p.put("label", 60, 130, "評価書番号", 9)
    p.put("label", 60, 160, "評価書名", 9)
    p.put("content", 160, 160, title, 9)
    p.new_page()
    p.put("label", LABEL_X, 48, "Ⅰ", 10.5, bold=True)
    p.put("label", 80, 48, "基本情報", 10.5, bold=True)
    p.node("chapter", "Ⅰ", "基本情報", 48)
    p.y = 70
    p.new_page()
    p.put("label", LABEL_X, 48, "Ⅲ", 10.5, bold=True)
    p.put("label", 80, 48, "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 10.5, bold=True)
    p.node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 48, file="国民健康保険ファイル")
    p.put("label", LABEL_X, 70, "１．", 9, bold=True)
    p.put("label", 80, 70, "特定個人情報ファイル名", 9, bold=True)
    p.node("section", "1", "特定個人情報ファイル名", 70, file="国民健康保険ファイル")
    p.put("content", 200, 86, "（１）国民健康保険ファイル", 8)
    p.put("label", LABEL_X, 104, "３．", 9, bold=True)
    p.put("label", 80, 104, "特定個人情報の使用", 9, bold=True)
    p.node("section", "3", "特定個人情報の使用", 104, file="国民健康保険ファイル")
    p.y = 122
    top = p.heading(["リスク２：　権限のない者（元職員、", "アクセス権限のない職員等）によっ", "て不正に使用されるリスク"], size=8.5)
    p.node("risk", "2", "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク", top,
           file="国民健康保険ファイル", judgement="課題が残されている")
    top = p.y
    for i, part in enumerate(["リスクへの", "対策は十分", "か"]):
        p.put("label", LABEL_X, top + 6 + i * 10.5, part, 8)
    p.put("content", 120, top, "[ 課題が残されている ]", 8)  # top-aligned value, left of the usual column
    p.put("content", 330, top, "＜選択肢＞ 1) 特に力を入れている 2) 十分である 3) 課題が残されている", 7)
    p.y = top + 50
    p.new_page()
    p.put("label", LABEL_X, 48, "IV", 10.5, bold=True)
    p.put("label", 80, 48, "その他のリスク対策", 10.5, bold=True)
    p.node("chapter", "Ⅳ", "その他のリスク対策", 48)
    p.put("label", LABEL_X, 70, "1. 監査", 9, bold=True)
    p.node("section", "1", "監査", 70)
    p.put("label", 110, 70, "①自己点検", 8)
    p.node("item", "①", "自己点検", 70, judgement="十分に行っていない")
    p.put("content", 200, 70, "[ 十分に行っていない ]", 8)
    p.put("content", 330, 70, "＜選択肢＞", 8)
    p.put("content", 330, 80.5, "1) 特に力を入れて行っている 2) 十分に行っている 3) 十分に行っていない", 7)
    p.end()
    p.save(path, stamps=False, content_first=True)
    return p.documents


# --- helpers -------------------------------------------------------------------------------------------------

def _key(node: Node) -> tuple[str, str, str, int, str | None, str | None]:
    return (node.kind, node.number, node.title, node.page, node.file, node.judgement)


def _doc_key(document: Document) -> tuple[str, str | None, int, int]:
    return (document.title, document.form, document.start_page, document.end_page)


Place = tuple[str | None, str | None, str | None, str, str, int]


def _placed(document: Document) -> dict[Place, Node]:
    """Every node keyed by its place in the form: (chapter, section, file, kind, number, repeat).

    (number, page) is no key: two sections' risks with one number can share a page (Ⅲ 5 リスク2 at the top,
    Ⅲ 6 リスク2 at the foot), and a scorer keyed that way compares one risk with the other."""
    placed: dict[Place, Node] = {}
    chapter: str | None = None
    section: str | None = None
    for node in document.nodes:
        if node.kind in ("chapter", "annex"):
            chapter, section = node.number, None
        elif node.kind == "section":
            section = node.number
        repeat = 0
        while (chapter, section, node.file, node.kind, node.number, repeat) in placed:
            repeat += 1
        placed[(chapter, section, node.file, node.kind, node.number, repeat)] = node
    return placed


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Document], Outline]:
    path = tmp_path_factory.mktemp("adversarial") / "adversarial-packet.pdf"
    truth = build_adversarial_packet(path)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    return path, truth, outline


# --- the adversarial packet ----------------------------------------------------------------------------------

def test_adversarial_documents_are_found_exactly(adversarial: tuple[Path, list[Document], Outline]) -> None:
    _, truth, outline = adversarial
    assert [_doc_key(d) for d in outline.documents] == [_doc_key(d) for d in truth]
    assert outline.found_report is True
    assert outline.message == ""
    assert outline.detector_version == DETECTOR_VERSION


def test_adversarial_nodes_titles_files_and_judgements(adversarial: tuple[Path, list[Document], Outline]) -> None:
    _, truth, outline = adversarial
    for found, expected in zip(outline.documents, truth, strict=True):
        assert [_key(n) for n in found.nodes] == [_key(n) for n in expected.nodes], expected.title
        for got, want in zip(found.nodes, expected.nodes, strict=True):
            assert abs(got.y - want.y) <= 2.0, (want, got)


def test_adversarial_traps_do_not_become_headings(adversarial: tuple[Path, list[Document], Outline]) -> None:
    _, _, outline = adversarial
    report = outline.documents[2]
    # 項目一覧 (page 3) lists every chapter; 別添3's change table mentions 「Ⅲ 2. リスク1」
    assert not any(n.page == 3 for n in report.nodes)
    assert [n.number for n in report.nodes if n.kind == "chapter"] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ"]
    assert not any(n.kind in ("risk", "section") and n.page == report.end_page for n in report.nodes)
    # ⑤物理的対策 [十分に行っている] inside Ⅲ 7 is not a judged Ⅳ item, nor a section 「5.」
    assert not any(n.kind == "item" and n.page < 12 for n in report.nodes)


def test_adversarial_page_labels_fall_back_to_printed_stamps(
    adversarial: tuple[Path, list[Document], Outline],
) -> None:
    _, _, outline = adversarial
    assert outline.page_labels[1:] == [str(i) for i in range(1, outline.pages)]
    assert outline.page_labels[0] not in outline.page_labels[1:]


def test_locate_uses_detected_structure(adversarial: tuple[Path, list[Document], Outline]) -> None:
    _, truth, outline = adversarial
    risk = next(n for n in truth[2].nodes if n.kind == "risk" and n.number == "3")
    location = outline.locate(risk.page, risk.y + 30)
    assert location.item_label() == "Ⅲ 2. リスク3"
    assert location.leaf is not None and location.leaf.judgement == "課題が残されている"


def test_render_as_indented_tree(adversarial: tuple[Path, list[Document], Outline]) -> None:
    _, _, outline = adversarial
    text = outline_as_text(outline)
    assert "[3] 住民基本台帳に関する事務 全項目評価書 〈全項目評価書〉" in text
    assert "      リスク3 入手した特定個人情報が不正確であるリスク 〔住民基本台帳ファイル〕 ［課題が残されている］" in text
    assert "\n  Ⅰ 基本情報" in text
    assert "    1. 監査" in text


def test_narrow_label_column_packet(tmp_path: Path) -> None:
    path = tmp_path / "narrow.pdf"
    truth = build_narrow_packet(path)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert [_doc_key(d) for d in outline.documents] == [_doc_key(d) for d in truth]
    for found, expected in zip(outline.documents, truth, strict=True):
        assert [_key(n) for n in found.nodes] == [_key(n) for n in expected.nodes]
        assert all(abs(a.y - b.y) <= 2.0 for a, b in zip(found.nodes, expected.nodes, strict=True))


# --- the sample generator's truth (held-out packets are scored the same way) ---------------------------------

def _score(path: Path, truth: Outline) -> None:
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert outline.pages == truth.pages
    assert outline.page_labels == truth.page_labels
    # no invented documents, none missing, same forms and page ranges
    assert [(d.form, d.start_page, d.end_page) for d in outline.documents] == [
        (d.form, d.start_page, d.end_page) for d in truth.documents
    ]
    assert [norm(d.title) for d in outline.documents] == [norm(d.title) for d in truth.documents]
    risks = right = 0
    for found, expected in zip(outline.documents, truth.documents, strict=True):
        chapters = [(n.number, n.page) for n in found.nodes if n.kind in ("chapter", "annex")]
        assert chapters == [(n.number, n.page) for n in expected.nodes if n.kind in ("chapter", "annex")]
        # each risk compared with the detected node at the same place in the form (never by number and page)
        got = _placed(found)
        for place, node in _placed(expected).items():
            match = got.get(place)
            if node.kind == "risk":
                risks += 1
                if match is not None and (match.page, match.judgement) == (node.page, node.judgement):
                    right += 1
            # y within a few points for every node found at its place on the same page
            if match is not None and match.page == node.page:
                assert abs(match.y - node.y) <= 3.0, (place, node, match)
    assert risks > 0
    assert right / risks >= 0.98, f"{right}/{risks} risks on the right page with the right judgement"


def test_small_sample_packet_matches_generator_truth(small_packet: tuple[Path, Outline]) -> None:
    path, truth = small_packet
    _score(path, truth)


def test_sample_packet_matches_generator_truth(sample_packet: tuple[Path, Outline]) -> None:
    path, truth = sample_packet
    _score(path, truth)


def test_two_risks_numbered_alike_on_one_page_keep_their_own_judgements(tmp_path: Path) -> None:
    """Held-out packet (seed 11, 3 reports), 地方税 report, page index 178: Ⅲ 5 リスク2 (heading y≈47,
    「[ 課題が残されている ]」 y≈140) and Ⅲ 6 リスク2 (heading y≈606, 「[ 十分である ]」 on the next page). An audit that
    keyed risks by (number, page) compared the first with the second and reported a wrong judgement."""
    from reviewer.samples import generate_packet

    path = tmp_path / "seed11.pdf"
    truth = generate_packet(path, reports=3, seed=11)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert [_doc_key(d) for d in outline.documents] == [_doc_key(d) for d in truth.documents]

    def report(documents: list[Document]) -> dict[Place, Node]:
        return _placed(next(d for d in documents if d.title.startswith("地方税") and d.form == grammar.FULL))

    file = "個人住民税ファイル"
    for placed in (report(truth.documents), report(outline.documents)):
        upper = placed[("Ⅲ", "5", file, "risk", "2", 0)]
        lower = placed[("Ⅲ", "6", file, "risk", "2", 0)]
        assert (upper.page, upper.judgement) == (178, "課題が残されている")
        assert (lower.page, lower.judgement) == (178, "十分である")
        assert upper.y < 60 and lower.y > 600
    # every risk, section and item of the packet: at its place, on its page, with its judgement
    pairs = 0
    for found, expected in zip(outline.documents, truth.documents, strict=True):
        got, want = _placed(found), _placed(expected)
        assert got.keys() == want.keys(), expected.title
        for place, node in want.items():
            match = got[place]
            assert (match.page, match.judgement) == (node.page, node.judgement), (expected.title, place)
            assert abs(match.y - node.y) <= 3.0, (expected.title, place)
        shared = Counter((n.file, n.number, n.page) for n in expected.nodes if n.kind == "risk")
        pairs += sum(1 for count in shared.values() if count > 1)
    assert pairs >= 2  # the packet does hold the case this test is about


def test_small_sample_packet_nodes_exactly(small_packet: tuple[Path, Outline]) -> None:
    path, truth = small_packet
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    for found, expected in zip(outline.documents, truth.documents, strict=True):
        assert [(n.kind, n.number, n.page, n.file, n.judgement) for n in found.nodes] == [
            (n.kind, n.number, n.page, n.file, n.judgement) for n in expected.nodes
        ]
        for got, want in zip(found.nodes, expected.nodes, strict=True):
            assert norm(got.title) == norm(want.title)


# --- not a report ---------------------------------------------------------------------------------------------

def test_non_report_returns_bookmarks_and_message(tmp_path: Path) -> None:
    doc: Any = pymupdf.open()
    font = pymupdf.Font(fontfile=str(bundled_font()))
    for i in range(3):
        page = doc.new_page()
        writer = pymupdf.TextWriter(page.rect)
        writer.append((72, 100), f"第{i + 1}章 会議録", font=font, fontsize=18)
        writer.append((72, 140), "本日の議題は次のとおりである。", font=font, fontsize=10)
        writer.write_text(page)
    doc.set_toc([[1, "第1章 会議録", 1], [2, "議題", 2], [1, "第3章", 3]])
    path = tmp_path / "minutes.pdf"
    doc.save(str(path))
    doc.close()
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert outline.found_report is False
    assert outline.message == NO_REPORT_MESSAGE
    assert outline.bookmarks == [(1, "第1章 会議録", 0), (2, "議題", 1), (1, "第3章", 2)]
    assert [(d.title, d.form, d.start_page, d.end_page, d.nodes) for d in outline.documents] == [
        ("第1章 会議録", None, 0, 2, [])
    ]
    assert "評価書が見つかりませんでした" in outline_as_text(outline)


def test_blank_pdf_has_no_report(tmp_path: Path) -> None:
    doc: Any = pymupdf.open()
    doc.new_page()
    path = tmp_path / "blank.pdf"
    doc.save(str(path))
    doc.close()
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert outline.found_report is False
    assert outline.page_labels == ["1"]
    assert len(outline.documents) == 1 and outline.documents[0].nodes == []


# --- cache, progress, cancel -------------------------------------------------------------------------------

def test_cached_outline_is_written_once_and_reused(
    adversarial: tuple[Path, list[Document], Outline], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _, expected = adversarial
    profile = tmp_path / "profile"
    with Packet.open(path) as packet:
        first = detect_outline_cached(packet, profile=str(profile))
        cached = cache_path(packet.sha256, str(profile))
        assert cached == profile / "cache" / f"outline-{packet.sha256}-v{DETECTOR_VERSION}.json"
        assert cached.is_file()
        assert json.loads(cached.read_text(encoding="utf-8"))["sha256"] == packet.sha256
        assert not list(cached.parent.glob(".outline-*"))  # no temporary file left behind

        def fail(*args: object, **kwargs: object) -> Outline:
            raise AssertionError("detected again instead of reading the cache")

        monkeypatch.setattr("reviewer.structure.detect.detect_outline", fail)
        second = detect_outline_cached(packet, profile=str(profile))
    assert first.to_json() == expected.to_json()
    assert second.to_json() == first.to_json()


def test_corrupt_cache_is_replaced(adversarial: tuple[Path, list[Document], Outline], tmp_path: Path) -> None:
    path, _, expected = adversarial
    with Packet.open(path) as packet:
        cached = cache_path(packet.sha256, str(tmp_path))
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text("{not json", encoding="utf-8")
        outline = detect_outline_cached(packet, profile=str(tmp_path))
    assert outline.to_json() == expected.to_json()
    assert json.loads(cached.read_text(encoding="utf-8"))["documents"][2]["form"] == "全項目評価書"


def test_progress_is_reported_and_cancel_stops(adversarial: tuple[Path, list[Document], Outline]) -> None:
    path, _, _ = adversarial
    calls: list[tuple[int, int]] = []
    with Packet.open(path) as packet:
        detect_outline(packet, progress=lambda done, total: calls.append((done, total)))
        total = packet.page_count
        assert calls[-1] == (total, total)
        assert [c[0] for c in calls] == sorted(c[0] for c in calls)
        seen: list[int] = []

        def cancelled() -> bool:
            seen.append(1)
            return len(seen) > 3

        with pytest.raises(DetectionCancelled):
            detect_outline(packet, cancelled=cancelled)


# --- grammar units ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ⅲ　特定個人情報ファイルの取扱い", ("Ⅲ", "特定個人情報ファイルの取扱い")),
        ("III 特定個人情報", ("Ⅲ", "特定個人情報")),
        ("ＩＶ　その他のリスク対策", ("Ⅳ", "その他のリスク対策")),
        ("VI.評価実施手続", ("Ⅵ", "評価実施手続")),
        ("ID番号", None),
    ],
)
def test_match_chapter(text: str, expected: tuple[str, str] | None) -> None:
    assert grammar.match_chapter(norm(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("リスク１：　目的外の入手", (1, "目的外の入手")),
        ("リスク 2: 不適切な方法", (2, "不適切な方法")),
        ("リスク１２：ｘ", (12, "x")),
        ("リスクへの対策は十分か", None),
    ],
)
def test_match_risk(text: str, expected: tuple[int, str] | None) -> None:
    assert grammar.match_risk(norm(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２．特定個人情報の入手", (2, "特定個人情報の入手")),
        ("8. 人手を介在させる作業", (8, "人手を介在させる作業")),
        ("10 従業者に対する教育・啓発", (10, "従業者に対する教育・啓発")),
        ("30万人以上", None),
        ("1) 特に力を入れている", None),
        ("⑧事故発生時手順の策定・周知", None),
    ],
)
def test_match_section(text: str, expected: tuple[int, str] | None) -> None:
    assert grammar.match_section(text) == expected


def test_choose_judgement() -> None:
    assert grammar.choose("十分である", grammar.RISK_CHOICES) == "十分である"
    assert grammar.choose("十分に行っている", grammar.DONE_CHOICES) == "十分に行っている"
    assert grammar.choose("十分に行っていない", grammar.DONE_CHOICES) == "十分に行っていない"
    assert grammar.choose("特に力を入れて行っている", grammar.DONE_CHOICES) == "特に力を入れて行っている"
    assert grammar.choose("行っている", grammar.DONE_CHOICES) is None
    assert grammar.bracket_values(norm("［　十分である　］＜選択肢＞")) == ["十分である"]


# --- every PDF of the shared corpus ---------------------------------------------------------------------------

@pytest.mark.slow
def test_every_corpus_pdf_runs_without_exception(corpus_dir: Path) -> None:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) > 100
    opened = refused = 0
    for row in rows:
        password = row["password"] or None
        if password and password.startswith("("):
            password = None
        try:
            packet = Packet.open(corpus_dir / row["file"], password=password)
        except PdfOpenError:
            refused += 1
            continue
        with packet:
            outline = detect_outline(packet)
            pages = packet.page_count
        opened += 1
        assert outline.pages == pages
        assert len(outline.page_labels) == outline.pages
        assert outline.found_report is False, row["file"]
        assert outline.message == NO_REPORT_MESSAGE
        assert outline.documents and all(d.nodes == [] for d in outline.documents)
    assert opened > 100 and refused >= 8


def test_report_without_cover_is_still_read(
    adversarial: tuple[Path, list[Document], Outline], tmp_path: Path,
) -> None:
    path, truth, _ = adversarial
    doc: Any = pymupdf.open(str(path))
    doc.delete_page(truth[2].start_page)  # the 全項目評価書's cover
    coverless = tmp_path / "coverless.pdf"
    doc.save(str(coverless))
    doc.close()
    with Packet.open(coverless) as packet:
        outline = detect_outline(packet)
    report = truth[2]
    assert [_doc_key(d) for d in outline.documents[:3]] == [
        _doc_key(truth[0]), _doc_key(truth[1]),
        (report.title, "全項目評価書", report.start_page, report.end_page - 1),
    ]
    found = outline.documents[2]
    expected = [(n.kind, n.number, n.page - 1, n.file, n.judgement) for n in report.nodes]
    assert [(n.kind, n.number, n.page, n.file, n.judgement) for n in found.nodes] == expected


def test_packet_stamp_on_every_page_is_not_a_new_document(tmp_path: Path) -> None:
    """「資料第2号」 printed at the top of every page of an attachment (cover included) is a running header."""
    p = SheetPrinter()
    p.begin("諮問第1010号", None)
    p.put("content", 420, 60, "諮問第1010号", 10.5)
    p.put("content", 70, 170, "特定個人情報保護評価における第三者点検について（諮問）", 14)
    title = "地方税に関する事務 全項目評価書"
    p.begin(title, "全項目評価書")
    p.put("label", 130, 70, "特定個人情報保護評価書（全項目評価書）", 16, bold=True)
    p.put("label", 60, 130, "評価書番号", 9)
    p.put("label", 250, 130, "評価書名", 9)
    p.put("content", 180, 146, title, 9)
    p.new_page()
    top = p.heading(["Ⅰ　基本情報"])
    p.node("chapter", "Ⅰ", "基本情報", top)
    p.new_page()
    top = p.heading(["Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策"])
    p.node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", top)
    top = p.heading(["3. 特定個人情報の使用"], size=9)
    p.node("section", "3", "特定個人情報の使用", top)
    top = p.heading(["リスク1: 従業者が事務外で使用するリスク"], size=8.5)
    p.node("risk", "1", "従業者が事務外で使用するリスク", top, judgement="課題が残されている")
    p.judged(["リスクへの対策は十分か"], ["[ 課題が残されている ]"], RISK)
    p.end()
    for page in p.pages[1:]:
        page.footer.append((480.0, 30.0 + p.ascender * 10, "資料第2号", 10.0))
    path = tmp_path / "stamped.pdf"
    p.save(path, stamps=False)
    with Packet.open(path) as packet:
        outline = detect_outline(packet)
    assert [_doc_key(d) for d in outline.documents] == [_doc_key(d) for d in p.documents]
    assert [_key(n) for n in outline.documents[1].nodes] == [_key(n) for n in p.documents[1].nodes]


def test_layout_rebuilds_lines_by_position() -> None:
    from reviewer.structure.layout import _Span, build_lines

    spans = [
        # content column first in the text layer, then the label column; a fake-bold double; a distributed label
        _Span("[ 十分である ]", 200.0, 100.0, 250.0, 108.0, 8.0),
        _Span("リスクへの対策は十分か", 43.0, 101.0, 131.0, 109.0, 8.0),
        _Span("リスクへの対策は十分か", 43.3, 101.0, 131.3, 109.0, 8.0),
        _Span("評", 43.0, 140.0, 52.0, 149.0, 9.0),
        _Span("価", 75.0, 140.0, 84.0, 149.0, 9.0),
        _Span("書", 107.0, 140.0, 116.0, 149.0, 9.0),
        _Span("名", 139.0, 140.0, 148.0, 149.0, 9.0),
        _Span("○", 300.0, 140.0, 309.0, 149.0, 9.0),
        _Span("目目的的外外", 43.0, 160.0, 91.0, 169.0, 8.0),
    ]
    lines = build_lines(spans, 3)
    assert [[c.text for c in line.cells] for line in lines] == [
        ["リスクへの対策は十分か", "[ 十分である ]"],
        ["評価書名", "○"],
        ["目的外"],
    ]
    assert lines[0].page == 3 and lines[0].cells[0].x0 == 43.0


def test_parser_tolerates_wording_and_notation_variants() -> None:
    from reviewer.structure.detect import _ReportParser
    from reviewer.structure.layout import PageLayout, _Span, build_lines

    rows = [
        (43, 48, "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※（7．リスク1⑨を除く。）", 9),
        (43, 70, "1. 特定個人情報ファイル名", 9), (200, 70, "住民基本台帳ファイル", 8),
        (43, 90, "2. 特定個人情報の入手", 9),  # the parenthetical of the form's wording left out
        (43, 110, "【リスク1】目的外の入手が行われるリスク", 8),
        (43, 130, "リスクへの対策は十分か", 8), (200, 130, "十分である", 8),  # no brackets
        (43, 150, "リスク２ 不適切な方法で入手が行われるリスク", 8),
        (43, 170, "リスクへの対策は十分か", 8), (200, 170, "【特に力を入れている】", 8),
    ]
    spans = [_Span(t, x, y, x + len(t) * s, y + s, s) for (x, y, t, s) in rows]
    page = PageLayout(0, 595, 842, build_lines(spans, 0))
    nodes = _ReportParser([page], "全項目評価書").run()
    f = "住民基本台帳ファイル"
    assert [(n.kind, n.number, n.title, n.y, n.file, n.judgement) for n in nodes] == [
        ("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 48, f, None),
        ("section", "1", "特定個人情報ファイル名", 70, f, None),
        ("section", "2", "特定個人情報の入手", 90, f, None),
        ("risk", "1", "目的外の入手が行われるリスク", 110, f, "十分である"),
        ("risk", "2", "不適切な方法で入手が行われるリスク", 150, f, "特に力を入れている"),
    ]
