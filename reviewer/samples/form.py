"""The content of one 全項目評価書 (様式4) or 基礎項目評価書 (様式2) as a flow of rows with heading marks.

Each builder decides the wording (with the small differences seen between municipalities and versions),
the judgements and where headings are, then hands its rows to :mod:`reviewer.samples.layout`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from reviewer.samples import phrases as ph
from reviewer.samples.layout import TABLE_WIDTH, Cell, Mark, Row, Style

LABEL_W = 158.0
BRACKET_W = 100.0
CONTENT_W = TABLE_WIDTH - LABEL_W

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass
class ReportStyle:
    """How one report prints its headings and choices."""

    roman_ascii: bool = False  # "III" instead of "Ⅲ"
    risk_fullwidth: bool = True  # 「リスク１：」 vs 「リスク 1:」
    section_fullwidth: bool = False  # 「２．」 vs 「2.」
    bold_headings: bool = False  # headings drawn twice (fake bold)
    narrow_headings: bool = False  # heading text in a narrow merged cell: long headings wrap
    split_choice: float = 0.12  # chance that 「[ 十分である ]」 is printed over three lines
    variant: float = 0.3  # chance of using a local variant of a risk title
    layout: Style = field(default_factory=Style)

    @classmethod
    def random(cls, rng: random.Random, index: int) -> ReportStyle:
        # The first two reports always differ, so that even a two-report packet has both spellings.
        return cls(
            roman_ascii=index % 4 == 1,
            risk_fullwidth=(index == 0) if index < 2 else rng.random() < 0.6,
            section_fullwidth=rng.random() < 0.35,
            bold_headings=(index == 0) if index < 2 else rng.random() < 0.5,
            narrow_headings=index % 2 == 0,
            split_choice=rng.choice((0.05, 0.12, 0.25)),
            variant=0.3,
            layout=Style(label_first=rng.choice((0.7, 0.85, 1.0)), foot_heading=rng.choice((0.3, 0.5))),
        )


@dataclass
class Plan:
    """Knobs that make a report longer or shorter (to reach a page target)."""

    verbosity: int = 2  # sentences per measure paragraph ~ verbosity .. verbosity + 2
    entrusts: int = 2  # 委託事項 per file in Ⅱ 4
    providers: int = 2  # 提供先 per file in Ⅱ 5
    changes: int = 3  # rows in 別添3


class _Builder:
    """Shared row helpers."""

    def __init__(self, rng: random.Random, style: ReportStyle, business: ph.Business) -> None:
        self.rng = rng
        self.style = style
        self.business = business
        self.rows: list[Row] = []

    # --- wording ----------------------------------------------------------------------------------------
    def sentence_pool(self) -> list[str]:
        system = self.business.systems[0]
        return [s.replace("住民記録システム", system) for s in ph.GENERAL]

    def measure(self, extra: int = 0, verbosity: int = 2) -> list[str]:
        pool = self.sentence_pool()
        count = min(len(pool), max(1, self.rng.randint(verbosity, verbosity + 2) + extra))
        chosen = self.rng.sample(pool, count)
        roll = self.rng.random()
        if len(chosen) >= 3 and roll < 0.45:
            return [f"・{sentence}" for sentence in chosen]
        if len(chosen) >= 4 and roll < 0.75:
            half = len(chosen) // 2
            return ["".join(chosen[:half]), "".join(chosen[half:])]
        return ["".join(chosen)]

    def judgement(self, options: tuple[str, ...] = ph.SUFFICIENT) -> str:
        roll = self.rng.random()
        if roll < 0.8:
            return options[1]
        if roll < 0.95:
            return options[0]
        return options[2]

    def roman(self, number: str) -> str:
        return ph.ASCII_ROMAN[number] if self.style.roman_ascii else number

    def section_text(self, number: int, title: str) -> str:
        if self.style.section_fullwidth:
            return f"{str(number).translate(FULL_WIDTH_DIGITS)}．{title}"
        return f"{number}. {title}"

    def risk_text(self, number: int, title: str) -> str:
        if self.style.risk_fullwidth:
            return f"リスク{str(number).translate(FULL_WIDTH_DIGITS)}： {title}"
        return f"リスク {number}: {title}"

    def pick_title(self, variants: tuple[str, ...]) -> str:
        if len(variants) > 1 and self.rng.random() < self.style.variant:
            return self.rng.choice(variants[1:])
        return variants[0]

    # --- rows -------------------------------------------------------------------------------------------
    def band(
        self, text: str, level: str, mark: Mark | None = None, page_break: bool = False,
    ) -> None:
        shade, size = {"chapter": (0.72, 10.5), "section": (0.8, 9.0), "risk": (0.88, 8.5),
                       "sub": (0.94, 8.0)}[level]
        bold = self.style.bold_headings and level in ("chapter", "section", "risk")
        cells: list[Cell]
        if self.style.narrow_headings and level in ("section", "risk"):
            width = 236.0 if level == "risk" else 270.0
            cells = [Cell(width, [text], role="label", shade=shade, size=size, bold=bold, mark=mark),
                     Cell(TABLE_WIDTH - width, [], shade=shade)]
        else:
            cells = [Cell(TABLE_WIDTH, [text], role="label", shade=shade, size=size, bold=bold, mark=mark)]
        self.rows.append(Row(cells, keep_with_next=True, page_break_before=page_break, splittable=False))

    def field(self, label: str, paras: list[str], mark: Mark | None = None, shade: float = 0.95) -> None:
        self.rows.append(Row([
            Cell(LABEL_W, [label], role="label", shade=shade, center=True, mark=mark),
            Cell(CONTENT_W, paras),
        ]))

    def choice(
        self, label: str, value: str, options: tuple[str, ...], mark: Mark | None = None,
        extra: list[str] | None = None,
    ) -> None:
        if self.rng.random() < self.style.split_choice:
            bracket = ["[", value, "]"]
        else:
            bracket = [f"[ {value} ]"]
        listed = " ".join(f"{i}) {option}" for i, option in enumerate(options, 1))
        self.rows.append(Row([
            Cell(LABEL_W, [label], role="label", shade=0.95, center=True, mark=mark),
            Cell(BRACKET_W, bracket + (extra or [])),
            Cell(CONTENT_W - BRACKET_W, ["＜選択肢＞", listed]),
        ], splittable=False))

    def full(self, paras: list[str], shade: float | None = None, size: float = 8.0, gap: float = 0.0) -> None:
        self.rows.append(Row([Cell(TABLE_WIDTH, paras, shade=shade, size=size)], gap_before=gap))

    def table(self, widths: tuple[float, ...], texts: list[str], header: bool = False) -> None:
        shade = 0.88 if header else None
        cells = [Cell(w, [t] if t else [], role="label" if header or i == 0 else "content", shade=shade,
                      size=7.5) for i, (w, t) in enumerate(zip(widths, texts, strict=True))]
        self.rows.append(Row(cells, splittable=not header, keep_with_next=header))

    def chapter(self, number: str, file: str | None = None, page_break: bool = True) -> Mark:
        title = ph.CHAPTERS[number]
        mark = Mark("chapter", number, title, file=file)
        self.band(f"{self.roman(number)} {title}", "chapter", mark, page_break=page_break)
        return mark

    def section(self, number: int, title: str, file: str | None = None, judgement: str | None = None) -> Mark:
        mark = Mark("section", str(number), title, file=file, judgement=judgement)
        self.band(self.section_text(number, title), "section", mark)
        return mark

    def cover(self, form: str, number: int, title: str, date: str, stamp: str) -> None:
        self.rows.append(Row([Cell(TABLE_WIDTH, [stamp], border=False, size=7.5)], splittable=False))
        self.rows.append(Row([Cell(TABLE_WIDTH, [f"特定個人情報保護評価書（{form}）"], size=15.0, hcenter=True,
                                   bold=True, border=False)], splittable=False, gap_before=20))
        self.table((120.0, TABLE_WIDTH - 120.0), ["評価書番号", "評価書名"], header=True)
        self.table((120.0, TABLE_WIDTH - 120.0), [str(number), title])
        self.band("個人のプライバシー等の権利利益の保護の宣言", "sub")
        self.full([
            f"{ph.CITY}は、{self.business.name}における特定個人情報ファイルの取扱いにあたり、特定個人情報ファイルの"
            "取扱いが個人のプライバシー等の権利利益に影響を及ぼしかねないことを認識し、特定個人情報の漏えいその他の"
            "事態を発生させるリスクを軽減させるために適切な措置を講じ、もって個人のプライバシー等の権利利益の保護に"
            "取り組んでいることを宣言する。"])
        self.band("特記事項", "sub")
        self.full([
            "令和７年度より、標準準拠システムへの移行に伴い、システムをガバメントクラウド上に構築している。",
            "システムの運用保守は、ＩＳＭＡＰに登録されたクラウドサービスを利用し、ＡＳＰ事業者へ委託している。"])
        self.table((200.0, TABLE_WIDTH - 200.0), ["評価実施機関名", ph.CITY_HEAD])
        self.table((200.0, TABLE_WIDTH - 200.0), ["個人情報保護委員会　承認日 【行政機関等のみ】", ""])
        self.table((200.0, TABLE_WIDTH - 200.0), ["公表日", date])


class FullReportBuilder(_Builder):
    """A 特定個人情報保護評価書（全項目評価書）."""

    def __init__(
        self, rng: random.Random, style: ReportStyle, business: ph.Business, files: tuple[str, ...],
        number: int, plan: Plan,
    ) -> None:
        super().__init__(rng, style, business)
        self.files = files
        self.number = number
        self.plan = plan
        self.title = f"{business.name} 全項目評価書"
        self.marks: list[Mark] = []

    def m(self, mark: Mark) -> Mark:
        self.marks.append(mark)
        return mark

    def para(self, extra: int = 0) -> list[str]:
        return self.measure(extra, self.plan.verbosity)

    def build(self) -> list[Row]:
        self.cover("全項目評価書", self.number, self.title, "令和７年１０月１日", "[令和6年10月 様式4]")
        self.contents()
        self.chapter1()
        self.annex("別添1")
        self.annex1()
        for index, file in enumerate(self.files, 1):
            self.chapter2(index, file)
        self.annex("別添2")
        self.annex2()
        for index, file in enumerate(self.files, 1):
            self.chapter3(index, file)
        self.chapter4()
        self.chapter5()
        self.chapter6()
        self.annex("別添3")
        self.annex3()
        self.ensure_variety()
        return self.rows

    def chapter(self, number: str, file: str | None = None, page_break: bool = True) -> Mark:
        return self.m(super().chapter(number, file, page_break))

    def section(self, number: int, title: str, file: str | None = None, judgement: str | None = None) -> Mark:
        return self.m(super().section(number, title, file, judgement))

    def annex(self, number: str) -> None:
        title = ph.ANNEXES[number]
        mark = self.m(Mark("annex", number, title))
        self.band(f"（{number}） {title}", "chapter", mark, page_break=True)

    def contents(self) -> None:
        self.band("項目一覧", "section", page_break=True)
        items = ["Ⅰ 基本情報", "（別添1） 事務の内容", "Ⅱ 特定個人情報ファイルの概要",
                 "（別添2） 特定個人情報ファイル記録項目", "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
                 "Ⅳ その他のリスク対策", "Ⅴ 開示請求、問合せ", "Ⅵ 評価実施手続", "（別添3） 変更箇所"]
        for item in items:
            self.rows.append(Row([Cell(TABLE_WIDTH, [item], size=9.0)], gap_before=0.0))

    # --- Ⅰ ----------------------------------------------------------------------------------------------
    def chapter1(self) -> None:
        b = self.business
        self.chapter("Ⅰ")
        self.section(1, "特定個人情報ファイルを取り扱う事務")
        self.field("①事務の名称", [b.name])
        steps = [f"{str(i).translate(FULL_WIDTH_DIGITS)}．{s}" for i, s in enumerate((
            f"{b.name}の対象者に関する情報を{b.systems[0]}に記録し、適正に管理する。",
            "届出・申請の受付、審査、決定及び通知を行う。",
            "番号法別表に基づき、情報提供ネットワークシステムを通じて他の機関と情報連携を行う。",
            "証明書の交付及び統計資料の作成を行う。",
        ), 1)]
        self.field("②事務の内容 ※", [*steps, *self.para()])
        self.choice("③対象人数", b.people, ("1,000人未満（任意実施）", "1,000人以上1万人未満",
                                           "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上"))
        self.section(2, "特定個人情報ファイルを取り扱う事務において使用するシステム")
        for index, system in enumerate(b.systems, 1):
            self.band(f"システム{index}", "sub")
            self.field("①システムの名称", [system])
            cloud = "標準準拠システムとしてガバメントクラウド上に構築している。" if index == 1 else ""
            self.field("②システムの機能", [f"{system}は、{b.name}に係る情報の登録、照会、更新及び帳票出力を"
                                           f"行う。{cloud}", *self.para(-1)])
            self.field("③他のシステムとの接続", [
                "[ ○ ] 情報提供ネットワークシステム　[ ○ ] 庁内連携システム\n"
                "[ ] 住民基本台帳ネットワークシステム　[ ○ ] 既存住民基本台帳システム\n"
                "[ ○ ] 宛名システム等　[ ] 税務システム　[ ] その他"])
        self.section(3, "特定個人情報ファイル名")
        self.full(["\n".join(f"（{i}）{f}" for i, f in enumerate(self.files, 1))])
        self.section(4, "特定個人情報ファイルを取り扱う理由")
        self.field("①事務実施上の必要性", [ph.REASONS[0]])
        self.field("②実現が期待されるメリット", [ph.REASONS[1]])
        self.section(5, "個人番号の利用 ※")
        self.field("法令上の根拠", ["・行政手続における特定の個人を識別するための番号の利用等に関する法律"
                                   "（平成25年法律第27号）第9条第1項 別表の該当項", f"・{b.law}"])
        self.section(6, "情報提供ネットワークシステムによる情報連携 ※")
        self.choice("①実施の有無", "実施する", ("実施する", "実施しない", "未定"))
        self.field("②法令上の根拠", ["番号法第19条第8号及び同号に基づく主務省令第2条の表"])
        self.section(7, "評価実施機関における担当部署")
        self.field("①部署", [b.department])
        self.field("②所属長の役職名", [f"{b.department[b.department.index('部') + 1:]}長"])
        self.section(8, "他の評価実施機関")
        self.full(["なし"])

    def annex1(self) -> None:
        b = self.business
        self.full(["（備考）"], shade=0.95)
        for index, system in enumerate(b.systems, 1):
            self.full([f"{str(index).translate(FULL_WIDTH_DIGITS)}．{system}による処理",
                       *self.para(-1)])

    # --- Ⅱ ----------------------------------------------------------------------------------------------
    def chapter2(self, index: int, file: str) -> None:
        b = self.business
        self.chapter("Ⅱ", file=file)
        self.band(f"（{index}）{file}", "sub")
        self.section(1, "特定個人情報ファイル名", file=file)
        self.full([file])
        self.section(2, "基本情報", file=file)
        self.choice("①ファイルの種類 ※", "システム用ファイル", ("システム用ファイル", "その他の電子ファイル（表計算ファイル等）"))
        self.choice("②対象となる本人の数", "10万人以上100万人未満",
                    ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満",
                     "1,000万人以上"))
        self.field("③対象となる本人の範囲 ※", [f"{ph.CITY}の{b.name}の対象者"])
        self.field("その必要性", self.para(-1))
        self.choice("④記録される項目", "100項目以上", ("10項目未満", "10項目以上50項目未満", "50項目以上100項目未満",
                                                 "100項目以上"))
        self.field("主な記録項目 ※", ["・識別情報 [ ○ ] 個人番号 [ ○ ] 個人番号対応符号 [ ○ ] その他識別情報（内部番号）\n"
                                      "・連絡先等情報 [ ○ ] ４情報（氏名、性別、生年月日、住所） [ ○ ] 連絡先（電話番号等）"])
        self.field("その妥当性", self.para(-1))
        self.field("全ての記録項目", ["別添2を参照。"])
        self.field("⑤保有開始日", ["平成27年10月5日"])
        self.field("⑥事務担当部署", [b.department])
        self.section(3, "特定個人情報の入手・使用", file=file)
        self.field("①入手元 ※", ["[ ○ ] 本人又は本人の代理人\n[ ○ ] 評価実施機関内の他部署（　　　　）\n"
                                  "[ ○ ] 行政機関・独立行政法人等（地方公共団体情報システム機構）\n[ ] その他"])
        self.field("②入手方法", ["[ ○ ] 紙　[ ] 電子記録媒体　[ ] フラッシュメモリ　[ ○ ] 電子メール\n"
                                 "[ ○ ] 専用線　[ ○ ] 庁内連携システム　[ ○ ] 情報提供ネットワークシステム"])
        self.field("③入手の時期・頻度", self.para(-1))
        self.field("④入手に係る妥当性", self.para())
        self.field("⑤本人への明示", ["番号法及び関係法令に入手の根拠が明示されている。"])
        self.field("⑥使用目的 ※", [f"{b.name}における資格管理、審査、決定及び通知のため。"])
        self.field("変更の妥当性", ["－"])
        self.field("⑦使用の主体　使用部署 ※", [b.department])
        self.choice("使用者数", "50人以上100人未満", ("10人未満", "10人以上50人未満", "50人以上100人未満",
                                                "100人以上500人未満", "500人以上1,000人未満", "1,000人以上"))
        self.field("⑧使用方法 ※", self.para())
        self.field("情報の突合 ※", self.para(-1))
        self.field("情報の統計分析 ※", ["個人を特定する統計分析は行わない。"])
        self.field("権利利益に影響を与え得る決定 ※", ["資格の認定、給付の決定等"])
        self.field("⑨使用開始日", ["平成28年1月1日"])
        self.section(4, "特定個人情報ファイルの取扱いの委託", file=file)
        self.choice("委託の有無 ※", "委託する", ("委託する", "委託しない"), extra=[f"（ {self.plan.entrusts} ）件"])
        entrust_items = ("システムの運用保守業務", "届出書のパンチ入力業務", "通知書の印刷・封入封緘業務",
                         "ガバメントクラウド運用管理補助業務", "コールセンター業務", "データ移行業務")
        for j in range(1, self.plan.entrusts + 1):
            item = entrust_items[(j - 1) % len(entrust_items)]
            self.band(f"委託事項{j}　{item}", "sub")
            self.field("①委託内容", [f"{item}を委託する。", *self.para(-1)])
            self.choice("②取扱いを委託する特定個人情報ファイルの範囲", "特定個人情報ファイルの全体",
                        ("特定個人情報ファイルの全体", "特定個人情報ファイルの一部"))
            self.choice("③委託先における取扱者数", "10人以上50人未満", ("10人未満", "10人以上50人未満",
                                                                "50人以上100人未満", "100人以上"))
            self.field("④委託先への特定個人情報ファイルの提供方法",
                       ["[ ○ ] 専用線　[ ] 電子メール　[ ] 電子記録媒体　[ ○ ] その他（ガバメントクラウド上での"
                        "アクセス）"])
            self.field("⑤委託先名の確認方法", ["北浜区ホームページの委託先一覧により確認できる。"])
            self.field("⑥委託先名", ["株式会社北浜情報システムズ" if j % 2 else "ＡＳＰ事業者（株式会社みなとクラウド）"])
            self.choice("⑦再委託の有無 ※", "再委託する" if j % 2 else "再委託しない", ("再委託する", "再委託しない"))
            self.field("⑧再委託の許諾方法", self.para(-1))
            self.field("⑨再委託事項", ["システムの保守及び障害対応の一部"])
        self.section(5, "特定個人情報の提供・移転（委託に伴うものを除く。）", file=file)
        self.field("提供・移転の有無", [f"[ ○ ] 提供を行っている　（ {self.plan.providers} ）件　"
                                       "[ ○ ] 移転を行っている　（ 2 ）件　[ ] 行っていない"])
        recipients = ("地方公共団体情報システム機構", "都道府県知事", "他の市区町村長", "日本年金機構",
                      "国民健康保険組合", "後期高齢者医療広域連合", "税務署長", "厚生労働大臣")
        for j in range(1, self.plan.providers + 1):
            who = recipients[(j - 1) % len(recipients)]
            self.band(f"提供先{j}　{who}", "sub")
            self.field("①法令上の根拠", [f"番号法第19条第8号及び主務省令第2条の表（{who}への提供）"])
            self.field("②提供先における用途", self.para(-1))
            self.field("③提供する情報", ["氏名、性別、生年月日、住所、個人番号及び異動情報"])
            self.choice("④提供する情報の対象となる本人の数", "10万人以上100万人未満",
                        ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満",
                         "1,000万人以上"))
            self.field("⑤提供する情報の対象となる本人の範囲", [f"{ph.CITY}の{b.name}の対象者"])
            self.field("⑥提供方法", ["[ ○ ] 情報提供ネットワークシステム　[ ] 専用線　[ ] 電子メール\n"
                                     "[ ] 電子記録媒体　[ ] 紙　[ ] その他"])
            self.field("⑦時期・頻度", ["情報照会があった都度"])
        self.section(6, "特定個人情報の保管・消去", file=file)
        self.field("①保管場所 ※", [*self.para(), *ph.CLOUD[:3]])
        self.choice("②保管期間　期間", "20年以上", ("1年未満", "1年", "2年", "3年", "4年", "5年", "6年以上10年未満",
                                               "10年以上20年未満", "20年以上", "定められていない"))
        self.field("その妥当性", self.para(-1))
        self.field("③消去方法", [*self.para(-1), ph.CLOUD[0], ph.CLOUD[4]])
        self.section(7, "備考", file=file)
        self.full(["－"])

    def annex2(self) -> None:
        widths = (TABLE_WIDTH / 3,) * 3
        for index, file in enumerate(self.files, 1):
            self.band(f"（{index}）{file}", "sub")
            items = [f"{i}.{name}" for i, name in enumerate(ph.RECORD_ITEMS, 1)]
            for start in range(0, len(items), 3):
                chunk = items[start:start + 3] + [""] * (3 - len(items[start:start + 3]))
                self.table(widths, chunk)

    # --- Ⅲ ----------------------------------------------------------------------------------------------
    def risk_block(self, section: int, number: int, spec: ph.RiskSpec, file: str) -> None:
        variants, rows = spec
        title = self.pick_title(variants)
        judgement = self.judgement()
        self.marks.append(Mark("risk", str(number), title, file=file, judgement=judgement))
        self.band(self.risk_text(number, title), "risk", self.marks[-1])
        for label, choice in rows:
            if choice is not None:
                value, options = choice
                self.choice(label, value, options)
                continue
            paras = self.para()
            if section == 6:
                paras = [*paras[:1], *ph.MIDDLE[: 3 + number % 4]]
            if section == 7 and number == 1 and label == "具体的な対策の内容":
                paras = [*paras, *ph.CLOUD]
                if not any(ph.BROKEN_PHRASE[0] in c for r in self.rows for c0 in r.cells for c in c0.paras):
                    paras.append("\n".join(ph.BROKEN_PHRASE))
            if section == 7 and number == 3 and label == "手順の内容":
                paras = [*paras, ph.CLOUD[0], ph.CLOUD[4]]
            self.field(label, paras)
        self.choice(ph.RISK_TEXT, judgement, ph.SUFFICIENT)

    def chapter3(self, index: int, file: str) -> None:
        self.chapter("Ⅲ", file=file)
        self.full(["※（7．リスク1⑨を除く。）"])
        self.section(1, ph.SECTION_TITLES[1][0], file=file)
        self.full([f"（{index}）{file}"])
        for section in (2, 3, 4, 5, 6, 7):
            title = self.pick_title(ph.SECTION_TITLES[section])
            if section == 4:
                self.entrust(file, title)
                continue
            self.section(section, title, file=file)
            if section == 5:
                self.full(["[ ] 提供・移転しない"])
            if section == 6:
                self.full(["[ ] 接続しない（入手）　　[ ] 接続しない（提供）"])
            for number, spec in enumerate(ph.RISKS[section], 1):
                self.risk_block(section, number, spec, file)
            self.field(ph.OTHER_RISKS[section], self.para(-1))

    def entrust(self, file: str, title: str) -> None:
        judgement = self.judgement()
        self.section(4, title, file=file, judgement=judgement)
        self.full(["[ ] 委託しない"])
        self.full(["\n".join(ph.ENTRUST_RISKS)], shade=0.95)
        for label, choice in ph.ENTRUST_ROWS:
            if choice is not None:
                self.choice(label, choice[0], choice[1])
            else:
                self.field(label, self.para(-1))
        self.choice(ph.RISK_TEXT, judgement, ph.SUFFICIENT)
        self.field(ph.OTHER_RISKS[4], self.para(-1))

    # --- Ⅳ–Ⅵ ---------------------------------------------------------------------------------------------
    def chapter4(self) -> None:
        self.chapter("Ⅳ")
        self.section(1, "監査")
        for number, title, detail in (("①", "自己点検", "具体的なチェック方法"), ("②", "監査", "具体的な内容")):
            judgement = self.judgement(ph.DONE)
            mark = self.m(Mark("item", number, title, judgement=judgement))
            self.choice(f"{number}{title}", judgement, ph.DONE, mark=mark)
            self.field(detail, self.para())
        judgement = self.judgement(ph.DONE)
        self.section(2, "従業者に対する教育・啓発", judgement=judgement)
        self.choice("従業者に対する教育・啓発", judgement, ph.DONE)
        self.field("具体的な方法", self.para())
        self.section(3, "その他のリスク対策")
        self.full([*self.para(), *ph.CLOUD])

    def chapter5(self) -> None:
        b = self.business
        self.chapter("Ⅴ")
        self.section(1, "特定個人情報の開示・訂正・利用停止請求")
        self.field("①請求先", [f"{ph.CITY}総務部総務課情報公開担当　〒100-0000 北浜区中央一丁目1番1号"])
        self.field("②請求方法", ["指定様式による書面の提出により開示・訂正・利用停止請求を受け付ける。"])
        self.field("特記事項", ["－"])
        self.choice("③手数料等", "無料", ("有料", "無料"), extra=["（手数料額、納付方法：写しの交付は1枚10円）"])
        self.choice("④個人情報ファイル簿の公表", "行っている", ("行っている", "行っていない"))
        self.field("個人情報ファイル名", list(self.files))
        self.field("公表場所", [f"{ph.CITY}ホームページ"])
        self.field("⑤法令による特別の手続", ["－"])
        self.field("⑥個人情報ファイル簿への不記載等", ["－"])
        self.section(2, "特定個人情報ファイルの取扱いに関する問合せ")
        self.field("①連絡先", [f"{b.department}　電話 03-0000-0000"])
        self.field("②対応方法", ["問合せの受付時に受付票を作成し、対応について記録を残す。"])

    def chapter6(self) -> None:
        self.chapter("Ⅵ")
        self.section(1, "基礎項目評価")
        self.field("①実施日", ["令和7年6月1日"])
        self.choice("②しきい値判断結果", "基礎項目評価及び全項目評価の実施が義務付けられる",
                    ("基礎項目評価及び全項目評価の実施が義務付けられる", "基礎項目評価及び重点項目評価の実施が義務付けられる",
                     "基礎項目評価の実施が義務付けられる", "特定個人情報保護評価の実施が義務付けられない"))
        self.section(2, "国民・住民等からの意見の聴取")
        self.field("①方法", ["区ホームページ、区報及び区政情報コーナーにより周知し、意見を募集した。"])
        self.field("②実施日・期間", ["令和7年7月1日から令和7年7月30日まで"])
        self.field("③期間を短縮する特段の理由", ["－"])
        self.field("④主な意見の内容", ["意見なし" if self.rng.random() < 0.5 else
                                      "ガバメントクラウドの安全性について質問が１件あった。"])
        self.field("⑤評価書への反映", ["－"])
        self.section(3, "第三者点検")
        self.field("①実施日", ["令和7年11月26日"])
        self.field("②方法", [f"{ph.COUNCIL}に諮問し、点検を受けた。"])
        self.field("③結果", ["適合性及び妥当性の観点から適当と認める。"])
        self.section(4, "個人情報保護委員会の承認 【行政機関等のみ】")
        self.field("①提出日", [""])
        self.field("②個人情報保護委員会による審査", [""])

    def annex3(self) -> None:
        widths = (56.0, 74.0, 135.0, 135.0, 45.0, 70.0)
        self.table(widths, ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"],
                   header=True)
        places = ("Ⅰ 2. システム1 ②", "Ⅱ 6. ①", "Ⅲ 7. リスク1 ⑤", "Ⅲ 7. リスク1 ⑥", "Ⅲ 3. リスク2",
                  "Ⅳ 3.", "Ⅱ 4. 委託事項1 ⑥", "Ⅴ 1. ①")
        for j in range(self.plan.changes):
            old = self.para(-1)[0]
            new = old + "ガバメントクラウドへの移行に伴い、ＩＳＭＡＰに登録されたクラウドサービスを利用する。"
            self.table(widths, [f"令和7年{(j % 9) + 1}月1日", places[j % len(places)], old, new,
                                "事前" if j % 3 else "事後",
                                "重要な変更に当たる" if j % 3 else "重要な変更に当たらない"])

    def ensure_variety(self) -> None:
        """Every report has at least one 特に力を入れている and the first judged risk of Ⅲ 7 sometimes 課題."""
        risks = [m for m in self.marks if m.kind == "risk"]
        if not any(m.judgement == ph.SUFFICIENT[0] for m in risks):
            target = risks[self.rng.randrange(len(risks))]
            self._set_judgement(target, ph.SUFFICIENT[0])
        if self.number % 2 == 1 and not any(m.judgement == ph.SUFFICIENT[2] for m in risks):
            target = risks[self.rng.randrange(len(risks))]
            self._set_judgement(target, ph.SUFFICIENT[2])

    def _set_judgement(self, mark: Mark, value: str) -> None:
        """Change a risk's judgement, both in the truth and in its printed choice row."""
        old = mark.judgement
        mark.judgement = value
        seen = False
        for row in self.rows:
            if any(c.mark is mark for c in row.cells):
                seen = True
                continue
            if seen and row.cells and row.cells[0].paras == [ph.RISK_TEXT]:
                bracket = row.cells[1]
                bracket.paras = [p if p != old and p != f"[ {old} ]" else (value if p == old else f"[ {value} ]")
                                 for p in bracket.paras]
                return


class BasicReportBuilder(_Builder):
    """A 特定個人情報保護評価書（基礎項目評価書） (様式2). It also asks 「リスクへの対策は十分か」."""

    def __init__(self, rng: random.Random, style: ReportStyle, business: ph.Business, number: int) -> None:
        super().__init__(rng, style, business)
        self.number = number
        self.title = f"{business.name} 基礎項目評価書"
        self.marks: list[Mark] = []

    def build(self) -> list[Row]:
        b = self.business
        self.cover("基礎項目評価書", self.number, self.title, "令和７年１０月１日", "[令和6年10月 様式2]")
        chapters = (("Ⅰ", "関連情報"), ("Ⅱ", "しきい値判断項目"), ("Ⅲ", "しきい値判断結果"), ("Ⅳ", "リスク対策"))
        marks = self.marks

        def chapter(i: int) -> None:
            number, title = chapters[i]
            marks.append(Mark("chapter", number, title))
            self.band(f"{self.roman(number)} {title}", "chapter", marks[-1], page_break=True)

        def section(n: int, title: str, judgement: str | None = None) -> None:
            marks.append(Mark("section", str(n), title, judgement=judgement))
            self.band(self.section_text(n, title), "section", marks[-1])

        chapter(0)
        section(1, "特定個人情報ファイルを取り扱う事務")
        self.field("①事務の名称", [b.name])
        self.field("②事務の概要", self.measure(0, 2))
        self.field("③システムの名称", ["\n".join(b.systems)])
        section(2, "特定個人情報ファイル名")
        self.full([b.files[0]])
        section(3, "個人番号の利用")
        self.field("法令上の根拠", [b.law])
        section(4, "情報提供ネットワークシステムによる情報連携")
        self.choice("①実施の有無", "実施する", ("実施する", "実施しない", "未定"))
        section(5, "評価実施機関における担当部署")
        self.field("①部署", [b.department])
        chapter(1)
        section(1, "対象人数")
        self.choice("評価対象の事務の対象人数は何人か", "1万人以上10万人未満",
                    ("1,000人未満（任意実施）", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満",
                     "30万人以上"))
        section(2, "取扱者数")
        self.choice("特定個人情報ファイル取扱者数は500人以上か", "500人未満", ("500人以上", "500人未満"))
        section(3, "重大事故")
        self.choice("過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか", "発生なし",
                    ("発生あり", "発生なし"))
        chapter(2)
        self.choice("しきい値判断結果", "基礎項目評価の実施が義務付けられる",
                    ("基礎項目評価の実施が義務付けられる", "特定個人情報保護評価の実施が義務付けられない"))
        chapter(3)
        section(1, "提出する特定個人情報保護評価書の種類")
        self.choice("評価書の種類", "基礎項目評価書", ("基礎項目評価書", "基礎項目評価書及び重点項目評価書",
                                                   "基礎項目評価書及び全項目評価書"))
        questions = (
            (2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
             "目的外の入手が行われるリスクへの対策は十分か"),
            (3, "特定個人情報の使用", "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か"),
            (4, "特定個人情報ファイルの取扱いの委託", "委託先における不正な使用等のリスクへの対策は十分か"),
            (5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
             "不正な提供・移転が行われるリスクへの対策は十分か"),
            (6, "情報提供ネットワークシステムとの接続", "目的外の入手が行われるリスクへの対策は十分か"),
            (7, "特定個人情報の保管・消去", "特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か"),
            (8, "人手を介在させる作業", "人為的ミスが発生するリスクへの対策は十分か"),
        )
        for n, title, question in questions:
            judgement = self.judgement()
            section(n, title, judgement)
            self.choice(question, judgement, ph.SUFFICIENT)
            self.field("判断の根拠", self.measure(-1, 2))
        judgement = self.judgement(ph.DONE)
        section(9, "監査", None)
        self.field("実施の有無", ["[ ○ ] 自己点検　[ ○ ] 内部監査　[ ] 外部監査"])
        section(10, "従業者に対する教育・啓発", judgement)
        self.choice("従業者に対する教育・啓発", judgement, ph.DONE)
        judgement = self.judgement()
        section(11, "最も優先度が高いと考えられる対策", judgement)
        self.choice("最も優先度が高いと考えられる対策", "7) 特定個人情報の漏えい・滅失・毀損リスクへの対策",
                    ("目的外の入手が行われるリスクへの対策", "特定個人情報の漏えい・滅失・毀損リスクへの対策"))
        self.choice("当該対策は十分か【再掲】", judgement, ph.SUFFICIENT)
        self.field("判断の根拠", self.measure(0, 2))
        return self.rows
