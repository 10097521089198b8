"""Report-like packets in layouts our own generator never uses, each with its own truth.

Independent of ``reviewer.samples`` and of the hand-built packets in ``test_structure.py``. The wording follows
public copies of real 特定個人情報保護評価書 (Sagamihara, Ibaraki, Fukushima, Tochigi, Naka; 平成26年 and 平成30年
様式), the layouts imitate what other printers do to the text layer:

* ``libreoffice``   one text object per cell, other column widths, 「3 特定個人情報の使用」 (no dot), 「リスク1:…」
* ``split_cells``   「リスク１」 | 「：目的外の…」 and 「３．」 | 「特定個人情報の使用」 in separate cells
* ``far_titles``    numbers in the label column, titles of risks and sections in the value column
* ``judgements``    【十分である】, ［十分である］, a bare 十分である next to its label, 「[」/「十分である」/「]」, and
                    label and value in one cell (「リスクへの対策は十分か　[ 十分である ]」, 「①自己点検　[ … ]」)
* ``wrapped``       risk titles wrapped onto 2–3 lines of a narrow heading cell, narrow label column
* ``omitted``       「[ ○ ] 委託しない」, 「[ ○ ] 提供・移転しない」, 「[ ○ ]接続しない（入手）…」 with no risks
* ``shifted``       a binding offset on every other page, landscape 別添3, no stamps, no running footer, and a
                    「資料２」 attachment bound right after the report
* ``bold_chars``    every character drawn twice 0.3 pt apart (fake bold), judgements included
* ``widths``        half-width katakana (ﾘｽｸ) and full-width digits in every number
* ``focused``       a 重点項目評価書 with its own chapters (Ⅲ リスク対策 … Ⅴ 評価実施手続)
* ``image_cover``   the packet's cover sheet and the report's cover are scanned images; two 特定個人情報ファイル
* ``bold_runs``     headings drawn twice 0.5 pt apart, the second copy cut into different runs
* ``narrow_heads``  「リスク１：」 alone on its line, titles wrapped below; chapter titles centred
* ``landscape``     every page A4 landscape, small 6.5 pt text, wide columns
* ``two_reports``   two 全項目評価書 back to back (no 諮問 sheet between, no stamps)
* ``old_form``      平成26年 様式: 特定個人情報保護委員会, 【…における措置】 blocks, 「＜選択肢＞」 after the value

:func:`score` compares a detected outline with the truth: documents, chapters, and per risk found / right page /
right judgement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.paths import bundled_font
from reviewer.structure.layout import norm
from reviewer.structure.model import Document, Node, Outline

A4 = (595.28, 841.89)
RISK = ("特に力を入れている", "十分である", "課題が残されている")
DONE = ("特に力を入れて行っている", "十分に行っている", "十分に行っていない")
FULL_CHAPTERS = {
    "Ⅰ": "基本情報", "Ⅱ": "特定個人情報ファイルの概要",
    "Ⅲ": "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "Ⅳ": "その他のリスク対策",
    "Ⅴ": "開示請求、問合せ", "Ⅵ": "評価実施手続",
}
FOCUSED_CHAPTERS = {
    "Ⅰ": "基本情報", "Ⅱ": "特定個人情報ファイルの概要", "Ⅲ": "リスク対策", "Ⅳ": "開示請求、問合せ",
    "Ⅴ": "評価実施手続",
}
# Ⅲ (全項目) sections and their risks; 4 (委託) has one judgement and no numbered risks.
RISK_SECTIONS: list[tuple[int, str, list[str]]] = [
    (2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", [
        "目的外の入手が行われるリスク", "不適切な方法で入手が行われるリスク",
        "入手した特定個人情報が不正確であるリスク", "入手の際に特定個人情報が漏えい・紛失するリスク",
    ]),
    (3, "特定個人情報の使用", [
        "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",
        "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク",
        "従業者が事務外で使用するリスク", "特定個人情報ファイルが不正に複製されるリスク",
    ]),
    (4, "特定個人情報ファイルの取扱いの委託", []),
    (5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）", [
        "不正な提供・移転が行われるリスク", "不適切な方法で提供・移転が行われるリスク",
        "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク",
    ]),
    (6, "情報提供ネットワークシステムとの接続", [
        "目的外の入手が行われるリスク", "安全が保たれない方法によって入手が行われるリスク",
        "入手する特定個人情報が不正確であるリスク", "入手の際に特定個人情報が漏えい・紛失するリスク",
        "不正な提供が行われるリスク", "不適切な方法で提供されるリスク",
        "誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク",
    ]),
    (7, "特定個人情報の保管・消去", [
        "特定個人情報の漏えい・滅失・毀損リスク", "特定個人情報が古い情報のまま保管され続けるリスク",
        "特定個人情報が消去されずいつまでも存在するリスク",
    ]),
]
MEASURES = [
    "窓口での届出の受付時に、個人番号カード又は運転免許証等の提示を受けて本人確認を行い、",
    "対象者以外の情報を入手しないよう、届出書の記載内容と住民記録を職員二人で照合している。",
    "システムの操作権限は所属長が申請し、情報政策課が付与する。操作ログは5年間保存する。",
]
_HALF_KANA = str.maketrans({"リ": "ﾘ", "ス": "ｽ", "ク": "ｸ"})
_FULL_DIGITS = str.maketrans("0123456789.:", "０１２３４５６７８９．：")


@dataclass
class Style:
    """How a variant prints its report."""

    name: str
    form: str = "全項目評価書"
    lx: float = 43.0  # label column
    vx: float = 200.0  # value column
    cx: float = 340.0  # choice list column
    label_chars: int = 14  # characters per line of a label cell
    size: float = 8.0
    chapter_fmt: str = "{n}　{t}"
    section_fmt: str = "{n}．{t}"
    risk_fmt: str = "リスク{n}：{t}"
    split_heading: bool = False  # number and title in separate cells
    far_titles: bool = False  # (split_heading) the title starts in the value column
    judge: tuple[str, ...] = ("bracket",)  # bracket | lenticular | wide | bare | split | open
    wrap: int = 0  # risk title characters per line (0: one line)
    omit: tuple[int, ...] = ()  # Ⅲ sections printed as not applicable
    shift: float = 0.0  # x offset on odd pages (binding margin)
    landscape_annex3: bool = False
    landscape: bool = False  # every page A4 landscape (rotation 0)
    scanned_report_cover: bool = False  # the report's own cover is an image
    stamps: bool = True
    footer: bool = True
    bold_chars: bool = False
    bold_runs: bool = False  # headings drawn twice, the second copy cut into other runs (Ibaraki-style)
    number_alone: bool = False  # 「リスク１：」 alone on the first line of a narrow heading cell
    centred: bool = False  # chapter titles centred in the heading row, far from their numeral
    reports: int = 1
    attachment: bool = False  # a 「資料２」 attachment (意見一覧) bound after the report
    half_kana: bool = False
    full_digits: bool = False
    image_cover: bool = False
    files: tuple[str, ...] = ("住民基本台帳ファイル",)
    old_form: bool = False
    # Labels wrapped anywhere (issue 15): every label cell wraps at ``label_chars`` characters, risk titles too,
    # the value sits on the label's first, middle or last line, and the text layer comes out shuffled.
    value_at: str = "middle"  # first | middle | last | cycle (first, middle, last in turn)
    wrap_whole: bool = False  # risk headings wrapped with their number: 「リスク」 / 「1：目」 / 「的外の」 …
    shuffle: bool = False  # write each page's text objects in a random order
    choices_below: bool = False  # 「＜選択肢＞ 1) 2) 3)」 under the value in its own column (Excel form)
    # Packets that lack something the form leads one to expect (structure warnings):
    unjudged: int = 0  # the first N risks are printed without their 「リスクへの対策は十分か」 row
    skip_sections: tuple[int, ...] = ()  # Ⅲ sections not printed at all (4: no 委託)
    skip_risks: tuple[tuple[int, int], ...] = ()  # (section, risk) of Ⅲ not printed at all
    no_risk_chapter: bool = False  # the report has no Ⅲ
    listed_only: tuple[str, ...] = ()  # files named in Ⅰ-3 that have no Ⅱ/Ⅲ of their own
    # Known forms bound in one packet: (form, 平成 edition) of each further report after the first
    more_reports: tuple[tuple[str, bool], ...] = ()
    seed: int = 1


@dataclass
class _Item:
    x: float
    top: float
    text: str
    size: float
    bold: bool = False


@dataclass
class _Sheet:
    width: float
    height: float
    items: list[_Item] = field(default_factory=list)
    image_text: list[_Item] | None = None  # a scanned page: these are rasterised, no text layer


class Builder:
    """Prints pages row by row and records the truth of what it printed."""

    def __init__(self, style: Style) -> None:
        self.s = style
        self.font: Any = pymupdf.Font(fontfile=str(bundled_font()))
        self.ascender = float(self.font.ascender)
        self.sheets: list[_Sheet] = []
        self.y = 0.0
        self.documents: list[Document] = []
        self.doc: Document | None = None
        self.file: str | None = None
        self.rng = random.Random(style.seed)
        self.footer_from: int | None = None
        self.turn = -1  # Style.value_at == "cycle": which label's value placement comes next
        self.unjudged_left = style.unjudged

    # -- low level ----------------------------------------------------------------------------------------
    @property
    def page(self) -> int:
        return len(self.sheets) - 1

    @property
    def dx(self) -> float:
        return self.s.shift if self.page % 2 else 0.0

    @property
    def bottom(self) -> float:
        return self.sheets[-1].height - 70.0

    def new_page(self, landscape: bool = False) -> None:
        w, h = A4
        self.sheets.append(_Sheet(h, w) if landscape or self.s.landscape else _Sheet(w, h))
        self.y = 50.0

    def put(self, x: float, top: float, text: str, size: float | None = None, bold: bool = False) -> None:
        if self.s.full_digits:
            text = text.translate(_FULL_DIGITS)
        self.sheets[-1].items.append(_Item(x + self.dx, top, text, size or self.s.size, bold))

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def begin(self, title: str, form: str | None) -> None:
        self.end()
        self.new_page()
        self.doc = Document(title, form, self.page, self.page, [])
        self.file = None

    def end(self) -> None:
        if self.doc is not None:
            self.doc.end_page = self.page
            self.documents.append(self.doc)
            self.doc = None

    def node(self, kind: str, number: str, title: str, top: float, judgement: str | None = None) -> Node:
        assert self.doc is not None
        node = Node(kind, number, title, self.page, round(top, 1), self.file, judgement)
        self.doc.nodes.append(node)
        return node

    def wrap(self, text: str, chars: int) -> list[str]:
        return [text[i:i + chars] for i in range(0, len(text), chars)] or [""]

    def num(self, n: int) -> str:
        return str(n)

    def value_line(self, lines: int) -> int:
        """Which line of a ``lines``-line label its value is printed on (``Style.value_at``)."""
        where = self.s.value_at
        if where == "cycle":
            self.turn += 1
            where = ("first", "middle", "last")[self.turn % 3]
        return {"first": 0, "middle": (lines - 1) // 2, "last": lines - 1}.get(where, 0)

    # -- rows ------------------------------------------------------------------------------------------------
    def heading(self, number: str, title: str, fmt: str, size: float, wrap: int = 0) -> float:
        """A heading row: number and title as one text, or (split_heading) as two cells."""
        if self.s.wrap_whole and wrap and "リスク" in fmt:  # the whole heading cell wraps, number included
            parts = self.wrap(fmt.replace("{n}", number).replace("{t}", title), wrap)
            self.ensure(len(parts) * (size + 2) + 8)
            top = self.y
            for i, part in enumerate(parts):
                self.put(self.s.lx, top + i * (size + 2), part, size, bold=True)
            self.y = top + len(parts) * (size + 2) + 6
            return top
        lines = self.wrap(title, wrap) if wrap else [title]
        if self.s.number_alone and "リスク" in fmt:
            lines = ["", *lines]
        self.ensure(len(lines) * (size + 2) + 8)
        top = self.y
        if self.s.centred and size >= 11:
            self.put(self.s.lx, top, fmt.split("{t}")[0].replace("{n}", number).strip(), size, bold=True)
            width = self.font.text_length(title, fontsize=size)
            self.put(max(self.s.lx + 60, (A4[0] - width) / 2), top, title, size, bold=True)
        elif self.s.split_heading:
            head = fmt.split("{t}")[0].replace("{n}", number).rstrip("：: 　．.")
            self.put(self.s.lx, top, head, size, bold=True)
            gap = self.font.text_length(head, fontsize=size) + size * 1.6
            if self.s.far_titles:
                gap = self.s.vx - self.s.lx
            sep = "：" if "リスク" in fmt else ""
            for i, part in enumerate(lines):
                self.put(self.s.lx + gap, top + i * (size + 2), (sep if i == 0 else "") + part, size, bold=True)
        else:
            first = fmt.replace("{n}", number).replace("{t}", lines[0])
            self.put(self.s.lx, top, first, size, bold=True)
            indent = 0.0 if not lines[0] else self.font.text_length(
                fmt.split("{t}")[0].replace("{n}", number), fontsize=size)
            for i, part in enumerate(lines[1:], 1):
                self.put(self.s.lx + indent, top + i * (size + 2), part, size, bold=True)
        self.y = top + len(lines) * (size + 2) + 6
        return top

    def row(self, label: str, content: list[str]) -> float:
        size = self.s.size
        labels = self.wrap(label, self.s.label_chars) if label else []
        lines = max(len(labels), len(content), 1)
        self.ensure(lines * (size + 2.5) + 5)
        top = self.y
        for i, part in enumerate(labels):
            self.put(self.s.lx, top + i * (size + 2.5), part)
        for i, part in enumerate(content):
            self.put(self.s.vx, top + i * (size + 2.5), part)
        self.y = top + lines * (size + 2.5) + 5
        return top

    def judged(self, label: str, choice: str, choices: tuple[str, ...], how: str) -> None:
        """「リスクへの対策は十分か」 with the chosen value, printed the way ``how`` says."""
        size = self.s.size
        step = size + 2.5
        labels = self.wrap(label, self.s.label_chars)
        rows = max(len(labels), 4)
        self.ensure(rows * step + 5)
        top = self.y
        label_top = top + (rows - len(labels)) * step / 2
        for i, part in enumerate(labels if how != "inline" else []):
            self.put(self.s.lx, label_top + i * step, part)
        mid = top + (rows - 1) * step / 2
        if how == "bracket" and self.s.value_at != "middle":
            mid = label_top + self.value_line(len(labels)) * step
        if how == "bracket":
            self.put(self.s.vx, mid, f"[ {choice} ]", bold=self.s.bold_chars)
        elif how == "lenticular":
            self.put(self.s.vx, mid, f"【{choice}】")
        elif how == "wide":
            self.put(self.s.vx, mid, f"［　{choice}　］")
        elif how == "bare":
            self.put(self.s.vx, label_top, choice)
        elif how == "split":
            for i, part in enumerate(("[", choice, "]")):
                self.put(self.s.vx, mid + (i - 1) * step, part)
        elif how == "inline":  # label and value in one cell: 「リスクへの対策は十分か　[ 十分である ]」
            self.put(self.s.lx, mid, f"{label}　[ {choice} ]")
        elif how == "open":  # real text layers: 「[ 十分である」 then 「]」 on the next line
            self.put(self.s.vx, mid, f"[ {choice}")
            self.put(self.s.vx + 8 * size, mid + step, "]")
        if self.s.choices_below and how == "bracket":
            self.put(self.s.vx, mid + step, "＜選択肢＞")
            for i, option in enumerate(choices):
                self.put(self.s.vx, mid + (i + 2) * step, f"{i + 1}) {option}")
            self.y = max(top + rows * step, mid + (len(choices) + 2) * step) + 5
            return
        self.put(self.s.cx, top, "＜選択肢＞")
        for i, option in enumerate(choices):
            self.put(self.s.cx, top + (i + 1) * step, f"{i + 1}) {option}")
        self.y = top + rows * step + 5

    # -- documents --------------------------------------------------------------------------------------------
    def plain(self, title: str, lines: list[tuple[float, float, str, float]], image: bool = False) -> None:
        self.begin(title, None)
        items = [_Item(x, top, text, size) for x, top, text, size in lines]
        if image:
            self.sheets[-1].image_text = items
        else:
            self.sheets[-1].items.extend(items)

    def basic_report(self, business: str, city: str) -> None:
        """A 基礎項目評価書 (様式2): Ⅰ 関連情報 … Ⅳ リスク対策, whose sections ask 「…リスクへの対策は十分か」."""
        form = "基礎項目評価書"
        title = f"{business} {form}"
        self.begin(title, form)
        self.put(120, 60, f"特定個人情報保護評価書（{form}）", 15, bold=True)
        self.put(60, 110, "評価書番号", 9)
        self.put(250, 110, "評価書名", 9)
        self.put(70, 126, "31", 9)
        self.put(180, 126, title, 9)
        self.put(60, 170, "個人のプライバシー等の権利利益の保護の宣言", 9)
        self.put(60, 186, f"{city}は、{business}における特定個人情報ファイルの取扱いにあたり、", 8)
        self.put(60, 300, "評価実施機関名", 9)
        self.put(180, 300, f"{city}長", 9)
        self.put(400, 700, "[令和6年10月 様式2]", 8)
        self.chapter("Ⅰ", "関連情報")
        self.section(1, "特定個人情報ファイルを取り扱う事務")
        self.row("①事務の名称", [business])
        self.section(2, "特定個人情報ファイル名")
        self.row("", ["後期高齢者医療ファイル"])
        self.section(3, "個人番号の利用")
        self.row("法令上の根拠", ["番号法第9条第1項 別表第59の項"])
        self.chapter("Ⅱ", "しきい値判断項目")
        self.section(1, "対象人数")
        self.row("評価対象の事務の対象人数は何人か", ["[ 1万人以上10万人未満 ]"])
        self.section(2, "取扱者数")
        self.row("特定個人情報ファイル取扱者数は500人以上か", ["[ 500人未満 ]"])
        self.chapter("Ⅲ", "しきい値判断結果")
        self.row("しきい値判断結果", ["[ 基礎項目評価の実施が義務付けられる ]"])
        self.chapter("Ⅳ", "リスク対策")
        self.section(1, "提出する特定個人情報保護評価書の種類")
        self.row("評価書の種類", ["[ 基礎項目評価書 ]"])
        questions = (
            (2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", "目的外の入手が行われるリスク"),
            (3, "特定個人情報の使用", "目的を超えた紐付けが行われるリスク"),
            (4, "特定個人情報ファイルの取扱いの委託", "委託先における不正な使用等のリスク"),
            (5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
             "不正な提供・移転が行われるリスク"),
            (6, "情報提供ネットワークシステムとの接続", "目的外の入手が行われるリスク"),
            (7, "特定個人情報の保管・消去", "特定個人情報の漏えい・滅失・毀損リスク"),
            (8, "人手を介在させる作業", "人為的ミスが発生するリスク"),
        )
        for number, section_title, risk in questions:
            choice = self.rng.choice(RISK)
            self.section(number, section_title, choice)
            self.judged(f"{risk}への対策は十分か", choice, RISK, "bracket")
            self.row("判断の根拠", MEASURES[:1])
        self.section(9, "監査")
        self.row("実施の有無", ["[ ○ ] 自己点検　[ ○ ] 内部監査　[ ] 外部監査"])
        done = self.rng.choice(DONE)
        self.section(10, "従業者に対する教育・啓発", done)
        self.row("従業者に対する教育・啓発", [f"[ {done} ]"])

    def report(self, business: str, city: str) -> None:
        s = self.s
        form = s.form
        title = f"{business} {form}"
        self.begin(title, form)
        first = self.page
        # cover
        self.put(120, 60, f"特定個人情報保護評価書（{form}）", 15, bold=True)
        self.put(60, 110, "評価書番号", 9)
        self.put(250, 110, "評価書名", 9)
        self.put(70, 126, "12", 9)
        self.put(180, 126, title, 9)
        self.put(60, 170, "個人のプライバシー等の権利利益の保護の宣言", 9)
        self.put(60, 186, f"{city}は、{business}における特定個人情報ファイルの取扱いにあたり、特定個人情報ファイル", 8)
        self.put(60, 197, "の取扱いが個人のプライバシー等の権利利益に影響を及ぼしかねないことを認識し、", 8)
        self.put(60, 208, "適切な措置を講じ、もって個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。", 8)
        self.put(60, 260, "特記事項", 9)
        self.put(180, 260, "住民票の写し等の交付事務の一部をコンビニ交付事業者に委託している。", 8)
        self.put(60, 300, "評価実施機関名", 9)
        self.put(180, 300, f"{city}長", 9)
        committee = "特定個人情報保護委員会" if s.old_form else "個人情報保護委員会"
        self.put(60, 330, f"{committee} 承認日 【行政機関等のみ】", 9)
        self.put(60, 360, "公表日", 9)
        self.put(180, 360, "令和7年3月31日", 9)
        self.put(400, 700, "[平成26年4月 様式4]" if s.old_form else "[令和6年10月 様式4]", 8)
        if s.scanned_report_cover:  # the report's cover page is a scan: no text layer
            sheet = self.sheets[-1]
            sheet.image_text, sheet.items = sheet.items, []
        # 項目一覧
        self.new_page()
        self.put(s.lx, 50, "項目一覧", 12, bold=True)
        chapters = FULL_CHAPTERS if form == "全項目評価書" else FOCUSED_CHAPTERS
        toc = [f"{n} {t}" for n, t in chapters.items()]
        if form == "全項目評価書":
            toc[1:1] = ["（別添1） 事務の内容"]
            toc[3:3] = ["（別添2） 特定個人情報ファイル記録項目"]
            toc.append("（別添3） 変更箇所")
        for i, text in enumerate(toc):
            self.put(s.lx + 10, 80 + i * 20, text, 9)
        # Ⅰ
        self.chapter("Ⅰ", chapters["Ⅰ"])
        self.section(1, "特定個人情報ファイルを取り扱う事務")
        self.row("①事務の名称", [business])
        self.row("②事務の内容", MEASURES[:2])
        self.row("③対象人数", ["[ 30万人以上 ]", "＜選択肢＞ 1) 1,000人未満 2) 1,000人以上1万人未満"])
        self.section(2, "特定個人情報ファイルを取り扱う事務において使用するシステム")
        self.row("システム1 ①システムの名称", ["住民記録システム"])
        self.section(3, "特定個人情報ファイル名")
        self.row("", [*self.s.files, *self.s.listed_only])
        if form == "全項目評価書":
            self.annex("別添1", "事務の内容")
            self.row("", ["（備考）届出の受付から住民票の記載までの流れ"])
        # Ⅱ
        self.chapter("Ⅱ", chapters["Ⅱ"])
        for index, name in enumerate(s.files, 1):
            self.file = name
            self.row(f"（{index}）{name}", [])
            self.section(1, "特定個人情報ファイル名")
            self.row("", [name])
            self.section(2, "基本情報")
            self.row("①ファイルの種類", ["[ システム用ファイル ]"])
        self.file = None
        if form == "全項目評価書":
            self.annex("別添2", "特定個人情報ファイル記録項目")
            self.row("", ["個人番号、住民票コード、氏名、生年月日、性別、住所"])
        if not s.no_risk_chapter:
            self.risk_chapter(chapters["Ⅲ"])
        if form == "全項目評価書":
            self.chapter("Ⅳ", chapters["Ⅳ"])
            self.section(1, "監査")
            for mark, name in (("①", "自己点検"), ("②", "監査")):
                choice = self.rng.choice(DONE)
                self.judged_item(mark, name, choice)
            self.section(2, "従業者に対する教育・啓発")
            self.row("従業者に対する教育・啓発", [f"[ {self.rng.choice(DONE)} ]"])
            self.section(3, "その他のリスク対策")
            self.row("", MEASURES[2:])
            self.chapter("Ⅴ", chapters["Ⅴ"])
            self.section(1, "特定個人情報の開示・訂正・利用停止請求")
            self.row("①請求先", [f"{city}市民課"])
            self.section(2, "特定個人情報ファイルの取扱いに関する問合せ")
            self.row("①連絡先", [f"{city}市民課 電話 0123-45-6789"])
            self.chapter("Ⅵ", chapters["Ⅵ"])
            self.section(1, "基礎項目評価")
            self.row("①実施日", ["令和6年12月1日"])
            self.section(2, "国民・住民等からの意見の聴取")
            self.row("①方法", ["市ホームページ及び窓口での閲覧"])
            self.section(3, "第三者点検")
            self.row("①実施日", ["令和7年2月10日"])
            self.section(4, f"{committee}の承認【行政機関等のみ】")
            self.row("①提出日", [""] if not s.old_form else ["（地方公共団体等は記載不要）"])
            self.annex("別添3", "変更箇所", landscape=s.landscape_annex3)
            self.row("変更日", ["項目 / 変更前の記載 / 変更後の記載 / 提出時期"])
            self.row("令和6年4月1日", ["Ⅲ 2. リスク1 / 本人確認を行う。 / 個人番号カード等により本人確認を行う。"])
            self.row("令和6年4月1日", ["Ⅳ 1. ①自己点検 / 年1回 / 年2回 / 事後"])
        else:
            self.section(8, "監査")
            for mark, name in (("①", "自己点検"), ("②", "監査")):
                self.judged_item(mark, name, self.rng.choice(DONE))
            self.section(9, "従業者に対する教育・啓発")
            self.row("従業者に対する教育・啓発", [f"[ {self.rng.choice(DONE)} ]"])
            self.section(10, "その他のリスク対策")
            self.row("", MEASURES[2:])
            self.file = None
            self.chapter("Ⅳ", chapters["Ⅳ"])
            self.section(1, "特定個人情報の開示・訂正・利用停止請求")
            self.row("①請求先", [f"{city}市民課"])
            self.chapter("Ⅴ", chapters["Ⅴ"])
            self.section(1, "基礎項目評価")
            self.row("①実施日", ["令和6年12月1日"])
        if s.footer:
            total = self.page - first + 1
            for k in range(total):
                self.sheets[first + k].items.append(
                    _Item(180.0, 800.0 if not self.sheets[first + k].width > 700 else 555.0,
                          f"{business}　{k + 1} / {total}　市民部市民課", 8.0))

    def chapter(self, number: str, title: str, note: str = "") -> None:
        self.new_page()
        top = self.heading(number, title + note, self.s.chapter_fmt, 11.0)
        self.node("chapter", number, title, top)

    def annex(self, number: str, title: str, landscape: bool = False) -> None:
        self.new_page(landscape)
        top = self.heading(number[-1], title, "（別添{n}）　{t}", 11.0)
        self.node("annex", number, title, top)

    def section(self, number: int, title: str, judgement: str | None = None) -> Node:
        top = self.heading(str(number), title, self.s.section_fmt, 9.0)
        return self.node("section", str(number), title, top, judgement)

    def risk(self, number: int, title: str, judgement: str | None) -> None:
        fmt = self.s.risk_fmt.translate(_HALF_KANA) if self.s.half_kana else self.s.risk_fmt
        top = self.heading(str(number), title, fmt, 8.5, self.s.wrap)
        self.node("risk", str(number), title, top, judgement)

    def judged_item(self, mark: str, name: str, choice: str) -> None:
        if "inline" in self.s.judge:  # label and value in one cell
            top = self.row("", [])
            self.put(self.s.lx, top, f"{mark}{name}　[ {choice} ]")
        elif self.s.value_at != "middle":  # the value on the first, middle or last line of a wrapped label
            labels = self.wrap(f"{mark}{name}", self.s.label_chars)
            at = self.value_line(len(labels))
            top = self.row(f"{mark}{name}", [""] * at + [f"[ {choice} ]"])
            self.put(self.s.cx, top, "＜選択肢＞ 1) 特に力を入れて行っている")
        else:
            top = self.row(f"{mark}{name}", [f"[ {choice} ]", "＜選択肢＞ 1) 特に力を入れて行っている"])
        self.node("item", mark, name, top, choice)

    def risk_chapter(self, title: str) -> None:
        s = self.s
        hows = s.judge
        count = 0
        for index, name in enumerate(s.files, 1):
            note = "　※（７．リスク１⑨を除く。）" if s.old_form else ""
            self.new_page()
            top = self.heading("Ⅲ", title + note, s.chapter_fmt, 11.0)
            self.file = name
            self.node("chapter", "Ⅲ", title, top)  # one Ⅲ node per 特定個人情報ファイル
            if len(s.files) > 1:
                self.row(f"（{index}）{name}", [])
            self.section(1, "特定個人情報ファイル名")
            self.row("", [name])
            for number, section_title, risks in RISK_SECTIONS:
                if number in s.skip_sections:
                    continue
                if number in s.omit:
                    node = self.section(number, section_title)
                    text = {
                        4: "[ ○ ] 委託しない", 5: "[ ○ ] 提供・移転しない",
                        6: "[ ○ ]接続しない（入手）　[ ○ ]接続しない（提供）",
                    }[number]
                    self.row("", [text])
                    node.judgement = None
                    continue
                if number == 4:
                    node = self.section(number, section_title)
                    self.row("", ["[ ] 委託しない", "（ 2 ） 件"])
                    self.row("情報保護管理体制の確認", MEASURES[:1])
                    entrusted = self.rng.choice(RISK)
                    node.judgement = entrusted
                    self.judged("リスクへの対策は十分か", entrusted, RISK, hows[count % len(hows)])
                    count += 1
                    continue
                self.section(number, section_title)
                for rn, risk_title in enumerate(risks, 1):
                    if (number, rn) in s.skip_risks:
                        continue
                    choice = self.rng.choice(RISK) if self.unjudged_left <= 0 else None
                    self.unjudged_left -= 1
                    self.risk(rn, risk_title, choice)
                    if s.old_form:
                        self.row("", ["【番号連携システムにおける措置】"])
                    measures = MEASURES[: 1 + rn % 3]
                    if rn > 1 and rn % 2 == 0:  # a cross reference at the start of a value line
                        measures = [measures[0], f"リスク{rn - 1}に記載の措置に加え、", *measures[1:]]
                    self.row("リスクに対する措置の内容", measures)
                    if number == 7 and rn == 1:
                        self.row("⑨過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
                                 ["[ 発生なし ]"])
                    if choice is not None:
                        self.judged("リスクへの対策は十分か", choice, RISK, hows[count % len(hows)])
                    count += 1
                short = section_title.split("（")[0]
                self.row(f"{short}におけるその他のリスク及びそのリスクに対する措置", ["特になし"])
        if s.form == "全項目評価書":
            self.file = None  # (重点項目評価書: 8 監査 … 10 still belong to the last file's Ⅲ)

    # -- output -------------------------------------------------------------------------------------------------
    def save(self, path: Path) -> list[Document]:
        self.end()
        doc: Any = pymupdf.open()
        try:
            for index, sheet in enumerate(self.sheets):
                page = doc.new_page(width=sheet.width, height=sheet.height)
                if sheet.image_text is not None:
                    self._scanned(page, sheet)
                    continue
                items = list(sheet.items)
                if self.s.shuffle:  # the text layer in any order: only positions tell what belongs together
                    self.rng.shuffle(items)
                if self.s.stamps and index > 0:
                    text = f"- {index} -"
                    width = self.font.text_length(text, fontsize=10)
                    items.append(_Item((sheet.width - width) / 2, sheet.height - 28, text, 10.0))
                writer = pymupdf.TextWriter(page.rect)
                later: list[tuple[float, float, str, float]] = []
                for item in items:
                    self._write(writer, item, later)
                writer.write_text(page)
                for x, baseline, text, size in reversed(later):  # backwards: each run its own text line
                    extra = pymupdf.TextWriter(page.rect)
                    extra.append((x, baseline), text, font=self.font, fontsize=size)
                    extra.write_text(page)
            doc.save(str(path), garbage=3, deflate=True)
        finally:
            doc.close()
        return self.documents

    def _write(self, writer: Any, item: _Item, later: list[tuple[float, float, str, float]] | None = None) -> None:
        baseline = item.top + self.ascender * item.size
        if self.s.bold_runs and item.bold and len(item.text) > 3 and later is not None:
            # the second copy comes later in the content stream, cut into other runs with gaps MuPDF sees
            writer.append((item.x, baseline), item.text, font=self.font, fontsize=item.size)
            cuts = sorted({len(item.text) // 3, (2 * len(item.text)) // 3})
            start = 0
            for cut in [*cuts, len(item.text)]:
                part = item.text[start:cut]
                if part:
                    x = item.x + 0.5 + self.font.text_length(item.text[:start], fontsize=item.size)
                    later.append((x, baseline + 0.3, part, item.size))
                start = cut
            return
        if self.s.bold_chars:  # every character of the page drawn twice
            x = item.x
            for char in item.text:
                writer.append((x, baseline), char, font=self.font, fontsize=item.size)
                writer.append((x + 0.3, baseline), char, font=self.font, fontsize=item.size)
                x += self.font.text_length(char, fontsize=item.size)
            return
        writer.append((item.x, baseline), item.text, font=self.font, fontsize=item.size)

    def _scanned(self, page: Any, sheet: _Sheet) -> None:
        """Render the sheet's text on a scratch page and place it as an image (no text layer)."""
        scratch: Any = pymupdf.open()
        try:
            tmp = scratch.new_page(width=sheet.width, height=sheet.height)
            writer = pymupdf.TextWriter(tmp.rect)
            for item in sheet.image_text or []:
                writer.append((item.x, item.top + self.ascender * item.size), item.text, font=self.font,
                              fontsize=item.size)
            writer.write_text(tmp)
            pix = tmp.get_pixmap(dpi=60, colorspace=pymupdf.csGRAY)
            page.insert_image(page.rect, stream=pix.tobytes("png"))
        finally:
            scratch.close()


def _packet(style: Style, path: Path) -> list[Document]:
    b = Builder(style)
    cover = [(150.0, 300.0, "第2回 南原市情報公開・個人情報保護審議会 資料", 16.0), (240.0, 360.0, "令和7年6月2日", 10.5)]
    b.plain("第2回 南原市情報公開・個人情報保護審議会 資料", cover, image=style.image_cover)
    b.plain("諮問第1012号", [
        (420.0, 60.0, "諮問第1012号", 10.5), (60.0, 110.0, "南原市情報公開・個人情報保護審議会 会長 様", 10.5),
        (70.0, 170.0, "特定個人情報保護評価における第三者点検について（住民基本台帳事務）", 13.0),
    ])
    b.report("住民基本台帳に関する事務", "南原市")
    if style.reports > 1:
        b.report("個人住民税の賦課に関する事務", "南原市")
    businesses = iter(("国民健康保険に関する事務", "介護保険に関する事務", "後期高齢者医療に関する事務", "児童手当に関する事務"))
    for form, heisei in style.more_reports:
        if form == "基礎項目評価書":
            b.basic_report(next(businesses), "南原市")
            continue
        b.s = replace(style, form=form, old_form=heisei)
        b.report(next(businesses), "南原市")
        b.s = style
    if style.attachment:
        b.plain("住民意見聴取の結果", [
            (480.0, 40.0, "資料２", 10.5), (160.0, 80.0, "住民意見聴取の結果", 14.0),
            (60.0, 120.0, "1. 意見募集期間 令和7年1月6日から2月5日まで", 10.5),
            (60.0, 140.0, "2. 提出された意見 3件", 10.5),
            (60.0, 160.0, "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策について 1件", 10.5),
        ])
        b.new_page()
        b.put(480.0, 40.0, "資料２", 10.5)
        b.put(60.0, 80.0, "リスク1：目的外の入手が行われるリスク についての意見と市の考え方", 10.5)
        b.put(60.0, 100.0, "リスクへの対策は十分か [ 十分である ] との評価は妥当との意見", 10.5)
    return b.save(path)


VARIANTS: dict[str, Style] = {
    "libreoffice": Style(
        "libreoffice", lx=30.0, vx=170.0, cx=390.0, label_chars=16, section_fmt="{n} {t}",
        risk_fmt="リスク{n}:{t}", chapter_fmt="{n} {t}",
    ),
    "split_cells": Style("split_cells", split_heading=True, full_digits=True, seed=2),
    "far_titles": Style("far_titles", split_heading=True, far_titles=True, vx=180.0, seed=15),
    "judgements": Style("judgements", judge=("lenticular", "bare", "wide", "split", "inline"), seed=3),
    "wrapped": Style("wrapped", wrap=13, label_chars=8, vx=150.0, cx=330.0, seed=4),
    "omitted": Style("omitted", omit=(4, 5, 6), seed=5),
    "shifted": Style("shifted", shift=42.0, landscape_annex3=True, stamps=False, footer=False, attachment=True,
                     seed=6),
    "bold_chars": Style("bold_chars", bold_chars=True, seed=7),
    "widths": Style("widths", half_kana=True, full_digits=True, risk_fmt="{n}".join(("ﾘｽｸ", " ：{t}")), seed=8),
    "focused": Style("focused", form="重点項目評価書", seed=9),
    "image_cover": Style("image_cover", image_cover=True, scanned_report_cover=True, files=("住民基本台帳ファイル", "本人確認情報ファイル"),
                         seed=10),
    "bold_runs": Style("bold_runs", bold_runs=True, judge=("bracket", "split"), seed=12),
    "narrow_heads": Style("narrow_heads", number_alone=True, wrap=12, centred=True, label_chars=9, vx=160.0,
                          seed=13),
    "landscape": Style("landscape", landscape=True, size=6.5, vx=250.0, cx=600.0, label_chars=24, seed=16),
    "two_reports": Style("two_reports", reports=2, stamps=False, seed=14),
    "old_form": Style("old_form", old_form=True, judge=("open", "bracket"), risk_fmt="リスク{n}: {t}", seed=11),
}


WRAP_WIDTHS = tuple(range(3, 21))


def wrapped_style(width: int) -> Style:
    """Every label cell ``width`` characters wide (risk headings wrapped too, number included), values on the first, middle or
    last line of their label in turn, each page's text layer shuffled; at odd widths the choices are listed
    under the value (the town whose 「リスクへの対策は十」 / 「分か」 judgements were not read at all)."""
    size = 8.0
    vx = 43.0 + width * size + 14.0
    return Style(
        f"wrapped_labels_{width}", label_chars=width, wrap=max(width, 3), vx=vx, cx=vx + 150.0,
        value_at="cycle", shuffle=True, choices_below=width % 2 == 1, wrap_whole=True, seed=100 + width,
    )


def build(name: str, path: Path) -> list[Document]:
    """Write variant ``name`` to ``path``; return its truth (the documents it holds)."""
    return _packet(VARIANTS[name], path)


def build_style(style: Style, path: Path) -> list[Document]:
    """Write a packet printed in ``style`` to ``path``; return its truth."""
    return _packet(style, path)


@dataclass
class Score:
    documents_ok: bool
    chapters_ok: bool
    risks: int
    found: int
    right_page: int
    right_judgement: int
    sections: int
    sections_found: int
    titles: int
    items: int
    items_right: int
    problems: list[str]

    @property
    def ratio(self) -> float:
        return self.right_judgement / self.risks if self.risks else 1.0

    def line(self) -> str:
        return (
            f"docs={'ok' if self.documents_ok else 'BAD'} chapters={'ok' if self.chapters_ok else 'BAD'} "
            f"risks found {self.found}/{self.risks} right page {self.right_page}/{self.risks} "
            f"right page+judgement {self.right_judgement}/{self.risks} titles {self.titles}/{self.risks} "
            f"sections {self.sections_found}/{self.sections} items {self.items_right}/{self.items}"
        )


def score(outline: Outline, truth: list[Document]) -> Score:
    """Compare a detected outline with a variant's truth."""
    problems: list[str] = []
    docs_ok = [(d.form, d.start_page, d.end_page) for d in outline.documents] == [
        (d.form, d.start_page, d.end_page) for d in truth
    ]
    if not docs_ok:
        problems.append(f"documents {[(d.form, d.start_page, d.end_page) for d in outline.documents]}")
    chapters_ok = True
    risks = found = right_page = right = sections = sections_found = titles = items = items_right = 0
    reports = [d for d in truth if d.form]
    detected = [d for d in outline.documents if d.form]
    for expected in reports:
        got = next((d for d in detected if d.start_page == expected.start_page), None)
        nodes = got.nodes if got is not None else []
        if got is not None and norm(got.title) != norm(expected.title):
            problems.append(f"title {got.title!r}")
        want_ch = [(n.kind, n.number, n.page) for n in expected.nodes if n.kind in ("chapter", "annex")]
        have_ch = [(n.kind, n.number, n.page) for n in nodes if n.kind in ("chapter", "annex")]
        if want_ch != have_ch:
            chapters_ok = False
            problems.append(f"chapters {have_ch} != {want_ch}")
        have_risks = [n for n in nodes if n.kind == "risk"]
        ctx = _contexts(expected.nodes)
        have_ctx = _contexts(nodes)
        for node, where in zip(expected.nodes, ctx, strict=True):
            if node.kind == "section":
                sections += 1
                if any(h.kind == "section" and h.number == node.number and w == where and h.page == node.page
                       for h, w in zip(nodes, have_ctx, strict=True)):
                    sections_found += 1
                else:
                    problems.append(f"section {where} {node.number} p{node.page} missing")
            if node.kind == "item":
                items += 1
                if any(h.kind == "item" and h.number == node.number and h.page == node.page
                       and h.judgement == node.judgement and norm(h.title) == norm(node.title) for h in nodes):
                    items_right += 1
                else:
                    problems.append(f"item {where} {node.number} p{node.page} missing or misjudged")
            if node.kind != "risk":
                continue
            risks += 1
            same = [h for h, w in zip(nodes, have_ctx, strict=True)
                    if h.kind == "risk" and h.number == node.number and w == where and h.file == node.file]
            if not same:
                problems.append(f"risk {where} {node.number} p{node.page} missing")
                continue
            found += 1
            hit = next((h for h in same if h.page == node.page), None)
            if hit is None:
                problems.append(f"risk {where} {node.number} p{node.page} on p{same[0].page}")
                continue
            right_page += 1
            if norm(hit.title) == norm(node.title):
                titles += 1
            else:
                problems.append(f"risk {where} {node.number} p{node.page} title {hit.title!r}")
            if hit.judgement == node.judgement:
                right += 1
            else:
                problems.append(f"risk {where} {node.number} p{node.page} judged {hit.judgement} != {node.judgement}")
        extra = len(have_risks) - sum(1 for n in expected.nodes if n.kind == "risk")
        if extra > 0:
            problems.append(f"{extra} invented risks")
    return Score(docs_ok, chapters_ok, risks, found, right_page, right, sections, sections_found, titles, items, items_right,
                 problems)


def _contexts(nodes: list[Node]) -> list[tuple[str, str, str | None]]:
    """(chapter, section, file) of each node."""
    out: list[tuple[str, str, str | None]] = []
    chapter = section = ""
    for node in nodes:
        if node.kind in ("chapter", "annex"):
            chapter, section = node.number, ""
        elif node.kind == "section":
            section = node.number
        out.append((chapter, section if node.kind != "section" else "", node.file))
    return out
