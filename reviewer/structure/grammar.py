"""Wording of the 特定個人情報保護評価書 forms that the detector recognises, and tolerant matching helpers.

Everything here works on *keys*: NFKC text with white space removed (see :func:`reviewer.structure.layout.norm`),
so that 「Ⅲ」 and 「III」, 「リスク１：」 and 「リスク 1:」, full- and half-width digits compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

FULL = "全項目評価書"
FOCUSED = "重点項目評価書"
BASIC = "基礎項目評価書"

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ")
_ASCII_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ"}
_DIGIT_ROMAN = {str(i + 1): numeral for i, numeral in enumerate(ROMAN)}

CHAPTER_TITLES: dict[str, dict[str, str]] = {
    FULL: {
        "Ⅰ": "基本情報", "Ⅱ": "特定個人情報ファイルの概要",
        "Ⅲ": "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "Ⅳ": "その他のリスク対策",
        "Ⅴ": "開示請求、問合せ", "Ⅵ": "評価実施手続",
    },
    FOCUSED: {
        "Ⅰ": "基本情報", "Ⅱ": "特定個人情報ファイルの概要", "Ⅲ": "リスク対策",
        "Ⅳ": "開示請求、問合せ", "Ⅴ": "評価実施手続",
    },
    BASIC: {
        "Ⅰ": "関連情報", "Ⅱ": "しきい値判断項目", "Ⅲ": "しきい値判断結果", "Ⅳ": "リスク対策",
    },
}
ALL_CHAPTER_TITLES = sorted({t for titles in CHAPTER_TITLES.values() for t in titles.values()})

# Chapters whose contents repeat per 特定個人情報ファイル (their nodes carry ``file``).
FILE_CHAPTERS: dict[str, tuple[str, ...]] = {FULL: ("Ⅱ", "Ⅲ"), FOCUSED: ("Ⅱ", "Ⅲ"), BASIC: ()}
# Chapters holding 「リスクN」 headings and 「リスクへの対策は十分か」 judgements.
RISK_CHAPTERS: dict[str, tuple[str, ...]] = {FULL: ("Ⅲ",), FOCUSED: ("Ⅲ",), BASIC: ("Ⅳ",)}

ANNEX_TITLES = {"別添1": "事務の内容", "別添2": "特定個人情報ファイル記録項目", "別添3": "変更箇所"}

SECTION_TITLES: dict[str, dict[str, dict[int, str]]] = {
    FULL: {
        "Ⅰ": {
            1: "特定個人情報ファイルを取り扱う事務", 2: "特定個人情報ファイルを取り扱う事務において使用するシステム",
            3: "特定個人情報ファイル名", 4: "特定個人情報ファイルを取り扱う理由", 5: "個人番号の利用",
            6: "情報提供ネットワークシステムによる情報連携", 7: "評価実施機関における担当部署",
            8: "他の評価実施機関",
        },
        "Ⅱ": {
            1: "特定個人情報ファイル名", 2: "基本情報", 3: "特定個人情報の入手・使用",
            4: "特定個人情報ファイルの取扱いの委託", 5: "特定個人情報の提供・移転（委託に伴うものを除く。）",
            6: "特定個人情報の保管・消去", 7: "備考",
        },
        "Ⅲ": {
            1: "特定個人情報ファイル名", 2: "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
            3: "特定個人情報の使用", 4: "特定個人情報ファイルの取扱いの委託",
            5: "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
            6: "情報提供ネットワークシステムとの接続", 7: "特定個人情報の保管・消去",
        },
        "Ⅳ": {1: "監査", 2: "従業者に対する教育・啓発", 3: "その他のリスク対策"},
        "Ⅴ": {1: "特定個人情報の開示・訂正・利用停止請求", 2: "特定個人情報ファイルの取扱いに関する問合せ"},
        "Ⅵ": {
            1: "基礎項目評価", 2: "国民・住民等からの意見の聴取", 3: "第三者点検",
            4: "個人情報保護委員会の承認【行政機関等のみ】",
        },
    },
}

JUDGEMENT_LABEL = "リスクへの対策は十分か"
RISK_CHOICES = ("特に力を入れている", "十分である", "課題が残されている")
DONE_CHOICES = ("特に力を入れて行っている", "十分に行っている", "十分に行っていない")

# Row labels that are never the continuation of a heading.
ROW_LABELS = (
    "リスクに対する措置の内容", "リスクへの対策は十分か", "その他の措置の内容", "具体的な", "選択肢",
    "対象者以外の情報", "必要な情報以外", "入手の際の本人確認", "宛名システム等", "ユーザ認証",
    "特定個人情報の使用の記録", "特定個人情報の提供・移転の記録", "消去手順", "ルールの内容",
)

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_CHAPTER_RE = re.compile(r"^(?:第)?(VI|IV|V|III|II|I)(?:[.．、・:：]|(?=[^\x00-\x7f]))(.*)$")
_CHAPTER_DIGIT_RE = re.compile(r"^(?:第)?([1-6])(?:[.．、:：]|章)?(?=[^\x00-\x7f\d])(.*)$")
_ANNEX_RE = re.compile(r"^[(（〔\[]?別添([1-3])[)）〕\]]?(?:[.．:：、])?(.*)$")
_SECTION_RE = re.compile(r"^\s*(\d{1,2})\s*([.．、]\s*|\s+|(?=[^\x00-\x7f\d]))(.*)$")
_RISK_RE = re.compile(r"^[【\[〔(<＜]?リスク(\d{1,2})[】\]〕)>＞]?(?:[:：.．、]|(?=[^\x00-\x7f\d])|$)(.*)$")
_FILE_RE = re.compile(r"^\((\d{1,2})\)(.+)$")
_BRACKET_RE = re.compile(r"[\[【〔]([^\[\]【】〔〕]{1,30})[\]】〕]")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]+")
_NOT_SECTION_START = re.compile(r"^(?:\)|万|年|月|日|件|名|人|回|か月|ヶ月|%|号|条|項|時|分|割|次|台|部|者|以上|以下|未満)")


def title_score(key: str, expected: str) -> float:
    """How well ``key`` matches an expected title, also when the parenthetical part was left out
    (「特定個人情報の入手」 for 「特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）」)."""
    target = _key(expected)
    score = similarity(key, target)
    core = re.sub(r"\(.*$", "", target)
    if core and core != target:
        score = max(score, similarity(key, core))
    return score


@lru_cache(maxsize=1 << 14)
def similarity(a: str, b: str) -> float:
    """The share of matching characters (difflib's ratio); cached, since every report of a packet compares the
    same headings with the same titles."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_title(key: str, titles: list[str] | tuple[str, ...]) -> tuple[str, float]:
    best, score = "", 0.0
    for title in titles:
        s = similarity(key, _key(title))
        if s > score:
            best, score = title, s
    return best, score


def _key(text: str) -> str:
    from reviewer.structure.layout import norm

    return norm(text)


def match_chapter(key: str) -> tuple[str, str] | None:
    """``("Ⅲ", rest)`` when ``key`` starts with a chapter numeral (Ⅲ, III, 第3章 …)."""
    match = _CHAPTER_RE.match(key)
    if match:
        return _ASCII_ROMAN[match.group(1)], match.group(2)
    return None


def match_chapter_digit(key: str) -> tuple[str, str] | None:
    """``("Ⅲ", rest)`` for a chapter printed with an Arabic numeral (「３ 特定個人情報ファイルの…」)."""
    match = _CHAPTER_DIGIT_RE.match(key)
    if match:
        return _DIGIT_ROMAN[match.group(1)], match.group(2)
    return None


def match_annex(key: str) -> tuple[str, str] | None:
    match = _ANNEX_RE.match(key)
    if match:
        return f"別添{match.group(1)}", match.group(2)
    return None


def match_section(text: str) -> tuple[int, str] | None:
    """``(2, title)`` for 「2. 特定個人情報の入手」, 「２ 特定…」; not for 「1) 特に…」, 「⑧…」 or 「30万人以上」."""
    if text.lstrip()[:1] in CIRCLED:
        return None
    match = _SECTION_RE.match(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    title = match.group(3).strip()
    dotted = match.group(2).strip() in (".", "．", "、")
    if not title or (not dotted and _NOT_SECTION_START.match(title)) or title.startswith(")"):
        return None
    first = title[0]
    if first.isascii():
        return None
    return int(match.group(1)), title


def match_risk(key: str) -> tuple[int, str] | None:
    match = _RISK_RE.match(key)
    if match:
        return int(match.group(1)), match.group(2)
    return None


def match_file_heading(key: str) -> tuple[int, str] | None:
    match = _FILE_RE.match(key)
    if match and len(match.group(2)) <= 40:
        return int(match.group(1)), match.group(2)
    return None


def is_count_or_unit(text: str) -> bool:
    """「件」, 「人以上」, 「万人」: what follows a number in a value cell, never a heading's title."""
    return len(text) <= 4 and bool(_NOT_SECTION_START.match(text)) and not text.endswith("ファイル")


def circled_number(key: str) -> str | None:
    if key and key[0] in CIRCLED:
        return key[0]
    return None


def bracket_values(key: str) -> list[str]:
    return [value for value in _BRACKET_RE.findall(key)]


def choose(value: str, choices: tuple[str, ...]) -> str | None:
    """The choice ``value`` names: exact first, then the longest choice it contains, then a close match."""
    if not value:
        return None
    if value in choices:
        return value
    for choice in sorted(choices, key=len, reverse=True):
        if choice in value:
            return choice
    best, score = best_title(value, choices)
    return best if score >= 0.8 else None


def strip_number_prefix(text: str) -> str:
    """Display title without its leading number: 「２．特定個人情報の使用」 -> 「特定個人情報の使用」.

    Half-width katakana (「ﾘｽｸ1」) is widened first; a title printed in its own cell after the number keeps no
    leading separator (「：目的外の…」)."""
    text = _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return re.sub(
        r"^\s*(?:[(（]?別添\s*[0-9０-９][)）]?|第?[ⅠⅡⅢⅣⅤⅥ]+|第?[IVＩＶ]{1,3}(?=[^A-Za-zＡ-Ｚａ-ｚ])|"
        r"[【\[［〔(（<＜]?\s*リスク\s*[0-9０-９]{1,2}\s*[】\]］〕)）>＞]?|[(（]\s*[0-9０-９]{1,2}\s*[)）]|[0-9０-９]{1,2})\s*(?:章)?\s*[.．、:：]?\s*",
        "",
        text,
        count=1,
    ).strip().lstrip(":：.．、 　").strip()
