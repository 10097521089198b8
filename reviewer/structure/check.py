"""What the form leads one to expect but was not read: warnings and coverage of a detected (or corrected) report.

An empty judgement column looks like "no judgement"; a missing section looks like a short report. The detector
meets layouts it has never seen, so every report says what it could not read instead of showing a tidy, wrong
picture. :func:`check_document` fills ``Document.warnings`` and ``Document.coverage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.structure import grammar as g
from reviewer.structure.layout import norm
from reviewer.structure.model import Document, Node, StructureWarning

RISK_WITHOUT_JUDGEMENT = "risk_without_judgement"
SECTION_GAP = "section_gap"
RISK_GAP = "risk_gap"
NO_ENTRUSTMENT = "no_entrustment"
NO_RISK_CHAPTER = "no_risk_chapter"
FILE_WITHOUT_PART = "file_without_part"
WARNING_KINDS = (RISK_WITHOUT_JUDGEMENT, SECTION_GAP, RISK_GAP, NO_ENTRUSTMENT, NO_RISK_CHAPTER, FILE_WITHOUT_PART)

# Forms whose risk chapter has a 委託 section and whose Ⅱ/Ⅲ repeat per 特定個人情報ファイル.
_PER_FILE_FORMS = (g.FULL, g.FOCUSED)


@dataclass(slots=True)
class _Part:
    """One chapter's nodes for one 特定個人情報ファイル (Ⅲ repeats per file)."""

    chapter: Node
    file: str | None
    nodes: list[Node] = field(default_factory=list)


def _parts(nodes: list[Node]) -> list[_Part]:
    parts: list[_Part] = []
    for node in nodes:
        if node.kind in ("chapter", "annex"):
            parts.append(_Part(node, node.file))
            continue
        if not parts:
            continue
        part = parts[-1]
        if node.kind == "section" and node.file != part.file and part.nodes:
            parts.append(_Part(part.chapter, node.file))  # Ⅱ: 「（2）本人確認情報ファイル」 restarts at 1.
            part = parts[-1]
        elif part.file is None and not part.nodes:
            part.file = node.file
        part.nodes.append(node)
    return parts


def _where(part: _Part, section: Node | None, leaf: Node | None = None) -> str:
    """「Ⅲ（住民基本台帳ファイル） 2. リスク1」, as the comment sheet's 項目 names it."""
    chapter = part.chapter.label() + (f"（{part.file}）" if part.file else "")
    return " ".join([chapter, *(n.label() for n in (section, leaf) if n is not None)])


def _gap_warnings(part: _Part, last_expected: int = 0) -> list[StructureWarning]:
    """Gaps in the section numbers of one part (2, 3, 5), a missing last section when the form says which is
    last (``last_expected``), and gaps in the risk numbers of each section (リスク1, リスク3)."""
    warnings: list[StructureWarning] = []
    previous = 0
    section: Node | None = None
    previous_risk = 0
    for node in part.nodes:
        if node.kind == "risk" and node.number.isdigit():
            number = int(node.number)
            if number > previous_risk + 1:
                missing = "、".join(f"リスク{n}" for n in range(previous_risk + 1, number))
                where = _where(part, section)
                warnings.append(StructureWarning(
                    RISK_GAP, node.page,
                    f"{where} のリスク番号が飛んでいます（{missing} を読み取れませんでした）",
                    f"{where}: risk numbers jump to {number} ({missing} not read)",
                ))
            previous_risk = number
            continue
        if node.kind != "section" or not node.number.isdigit():
            continue
        section, previous_risk = node, 0
        number = int(node.number)
        if number > previous + 1 and previous > 0:
            missing = "、".join(str(n) for n in range(previous + 1, number))
            where = _where(part, None)
            warnings.append(StructureWarning(
                SECTION_GAP, node.page,
                f"{where} の節番号が {previous} から {number} に飛んでいます（{missing}. を読み取れませんでした）",
                f"{where}: section numbers jump from {previous} to {number} (section {missing} not read)",
            ))
        previous = number
    if previous and previous < last_expected:
        missing = "、".join(str(n) for n in range(previous + 1, last_expected + 1))
        where = _where(part, None)
        last = part.nodes[-1] if part.nodes else part.chapter
        warnings.append(StructureWarning(
            SECTION_GAP, last.page,
            f"{where} が {previous}. で終わっています（{missing}. を読み取れませんでした）",
            f"{where} ends at section {previous} (section {missing} not read)",
        ))
    return warnings


def check_document(document: Document) -> Document:
    """Fill ``document.warnings`` and ``document.coverage``; return the document."""
    parts = _parts(document.nodes)
    warnings: list[StructureWarning] = []
    risks = [n for n in document.nodes if n.kind == "risk"]
    items = [n for n in document.nodes if n.kind == "item"]
    coverage = {
        "chapters": sum(1 for n in document.nodes if n.kind in ("chapter", "annex")),
        "sections": sum(1 for n in document.nodes if n.kind == "section"),
        "sections_with_judgement": sum(1 for n in document.nodes if n.kind == "section" and n.judgement),
        "risks": len(risks),
        "risks_with_judgement": sum(1 for n in risks if n.judgement),
        "items": len(items),
        "items_with_judgement": sum(1 for n in items if n.judgement),
        "files_named": len(document.files),
        "files_with_parts": 0,
        "warnings": 0,
    }
    if not document.is_report:
        document.warnings, document.coverage = [], coverage
        return document
    form = document.form or g.FULL
    for part in parts:
        section: Node | None = None
        for node in part.nodes:
            if node.kind == "section":
                section = node
            elif node.kind == "risk" and not node.judgement:
                where = _where(part, section, node)
                warnings.append(StructureWarning(
                    RISK_WITHOUT_JUDGEMENT, node.page,
                    f"{where} の「リスクへの対策は十分か」の判断を読み取れませんでした",
                    f"{where}: the judgement (are the measures sufficient) was not read",
                ))
        if not part.chapter.kind == "annex":
            # the form fixes the last section of the full report's Ⅲ (7. 保管・消去); other chapters are often cut short
            titles = g.SECTION_TITLES.get(form, {}).get(part.chapter.number, {}) if part.chapter.number == "Ⅲ" else {}
            warnings.extend(_gap_warnings(part, max(titles, default=0)))
    risk_chapters = g.RISK_CHAPTERS.get(form, ("Ⅲ",))
    risk_parts = [p for p in parts if p.chapter.kind == "chapter" and p.chapter.number in risk_chapters]
    if not risk_parts:
        numeral = risk_chapters[0]
        warnings.append(StructureWarning(
            NO_RISK_CHAPTER, document.start_page,
            f"この評価書に {numeral}（リスク対策）が見つかりませんでした",
            f"no chapter {numeral} (risk measures) was found in this report",
        ))
    if form in _PER_FILE_FORMS:
        for part in risk_parts:
            if not any(n.kind == "section" and "取扱いの委託" in norm(n.title) for n in part.nodes):
                where = _where(part, None)
                warnings.append(StructureWarning(
                    NO_ENTRUSTMENT, part.chapter.page,
                    f"{where} に「特定個人情報ファイルの取扱いの委託」の節が見つかりませんでした",
                    f"{where}: no section on entrustment (特定個人情報ファイルの取扱いの委託) was found",
                ))
        warnings.extend(_file_warnings(document, parts, coverage))
    warnings.sort(key=lambda w: w.page)
    document.warnings, document.coverage = warnings, coverage
    coverage["warnings"] = len(warnings)
    return document


def _file_warnings(document: Document, parts: list[_Part], coverage: dict[str, int]) -> list[StructureWarning]:
    """A file named in Ⅰ-3 needs its own Ⅱ and Ⅲ."""
    seen: dict[str, set[str]] = {"Ⅱ": set(), "Ⅲ": set()}
    for part in parts:
        if part.chapter.kind == "chapter" and part.chapter.number in seen:
            seen[part.chapter.number].update(norm(n.file) for n in [part.chapter, *part.nodes] if n.file)
    listing = next(
        (n for n in document.nodes if n.kind == "section" and "ファイル名" in n.title), None,
    )
    page = listing.page if listing is not None else document.start_page
    warnings: list[StructureWarning] = []
    complete = 0
    for name in document.files:
        missing = [numeral for numeral, files in seen.items() if norm(name) not in files]
        if not missing:
            complete += 1
            continue
        chapters = "・".join(missing)
        warnings.append(StructureWarning(
            FILE_WITHOUT_PART, page,
            f"Ⅰ 3. に挙げられた「{name}」の {chapters} が見つかりませんでした",
            f"「{name}」, named in Ⅰ 3., has no chapter {'/'.join(missing)} of its own",
        ))
    coverage["files_with_parts"] = complete
    return warnings
