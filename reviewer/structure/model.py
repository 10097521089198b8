"""The outline contract shared by the detector, the sample generator's truth, the UI and the exporters.

Pages are 0-based indexes; ``y`` is the heading's top in PDF points (origin top-left).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

NodeKind = Literal["chapter", "annex", "section", "risk", "item"]
NODE_KINDS: tuple[str, ...] = ("chapter", "annex", "section", "risk", "item")
FORMS: tuple[str, ...] = ("全項目評価書", "重点項目評価書", "基礎項目評価書")

# Depth of each kind in the tree: chapter/annex > section > risk/item.
KIND_DEPTH: dict[str, int] = {"chapter": 0, "annex": 0, "section": 1, "risk": 2, "item": 2}


@dataclass(slots=True)
class Node:
    kind: str
    number: str
    title: str
    page: int
    y: float
    file: str | None = None
    judgement: str | None = None
    # What a member corrected by hand (reviewer.structure.corrections): "judgement", "heading" and/or
    # "added:<correction id>", comma-separated; "" for a node exactly as detected.
    corrected: str = ""

    def label(self) -> str:
        """How people say it: 「リスク1」, 「7.」, 「Ⅲ」."""
        if self.kind == "risk":
            return f"リスク{self.number}"
        if self.kind == "section":
            return f"{self.number}."
        return self.number


@dataclass(frozen=True, slots=True)
class StructureWarning:
    """Something the form leads one to expect that was not read (a risk without its judgement, a gap in the
    section numbers …): shown to the member instead of a tidy, wrong picture."""

    kind: str
    page: int
    message_ja: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "page": self.page, "message": self.message_ja,
            "message_ja": self.message_ja, "message_en": self.message_en,
        }


@dataclass(slots=True)
class Document:
    title: str
    form: str | None  # one of FORMS for an assessment report, None for other documents
    start_page: int
    end_page: int
    nodes: list[Node] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # 特定個人情報ファイル named in Ⅰ-3 (reports only)
    warnings: list[StructureWarning] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)  # what was read, counted (see structure.check)
    edition: str = ""  # the form's version printed on the cover, e.g. 「令和6年10月 様式4」, 「平成26年4月 様式4」

    @property
    def is_report(self) -> bool:
        return self.form is not None


@dataclass(slots=True)
class Location:
    """Where a position falls in the structure (any part may be missing)."""

    document_index: int | None = None
    document_title: str = ""
    chapter: Node | None = None
    section: Node | None = None
    leaf: Node | None = None  # the risk or item

    def enter(self, node: Node) -> None:
        """Move past the heading ``node`` in reading order: a chapter starts afresh, a section keeps its chapter,
        a risk or item keeps both. (Every walk over a document's headings steps through them with this.)"""
        depth = KIND_DEPTH.get(node.kind, 2)
        if depth == 0:
            self.chapter, self.section, self.leaf = node, None, None
        elif depth == 1:
            self.section, self.leaf = node, None
        else:
            self.leaf = node

    def item_label(self, with_file: bool = False) -> str:
        """The 項目 column of the comment sheet, e.g. 「Ⅲ 7. リスク1」; ``with_file`` names the 特定個人情報ファイル
        of a chapter that repeats per file: 「Ⅲ（住民基本台帳ファイル） 7. リスク1」."""
        parts = [node.label() for node in (self.chapter, self.section, self.leaf) if node is not None]
        if with_file and parts and self.chapter is not None:
            innermost = self.leaf or self.section or self.chapter
            name = innermost.file or self.chapter.file
            if name:
                parts[0] = f"{parts[0]}（{name}）"
        return " ".join(parts)

    def section_label(self) -> str:
        """How search results name the place, as people and the sheet say it: 「Ⅲ（住民基本台帳ファイル） 7. リスク1」,
        with the section's or chapter's title where no risk or item is nearer (「Ⅱ（…ファイル） 6. 特定個人情報の
        保管・消去」) — so the two Ⅱ of one report never merge."""
        label = self.item_label(with_file=True)
        innermost = self.leaf or self.section or self.chapter
        if innermost is not None and innermost is not self.leaf and innermost.title:
            label = f"{label} {innermost.title}".strip()
        return label

    def node_key(self) -> str:
        """A stable key of the innermost node, e.g. ``"2:Ⅲ/7/risk1@住民基本台帳ファイル"``."""
        if self.document_index is None:
            return ""
        key = f"{self.document_index}:"
        key += "/".join(
            (n.kind + n.number if n.kind in ("risk", "item") else n.number)
            for n in (self.chapter, self.section, self.leaf) if n is not None
        )
        innermost = self.leaf or self.section or self.chapter
        if innermost is not None and innermost.file:
            key += f"@{innermost.file}"
        return key


@dataclass(slots=True)
class Outline:
    sha256: str
    pages: int
    page_labels: list[str]
    documents: list[Document] = field(default_factory=list)
    bookmarks: list[tuple[int, str, int]] = field(default_factory=list)
    found_report: bool = False
    message: str = ""
    detector_version: int = 0
    made: str = ""  # when the PDF says it was made (CreationDate, else ModDate), ISO UTC; "" when it does not say

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["bookmarks"] = [list(b) for b in self.bookmarks]
        if not self.made:
            del data["made"]  # outlines written before the date was read have none
        for document, out in zip(self.documents, data["documents"], strict=True):
            out["warnings"] = [warning.to_json() for warning in document.warnings]
            if not document.coverage:
                # never checked (a sample generator's truth): keep the shape such files had before checks existed
                for name, empty in (("files", []), ("warnings", []), ("coverage", {}), ("edition", "")):
                    if out[name] == empty:
                        del out[name]
            for node in out["nodes"]:
                if not node["corrected"]:
                    del node["corrected"]  # detected nodes keep the shape other tools read
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outline:
        documents = [
            Document(
                title=d["title"], form=d.get("form"), start_page=int(d["start_page"]),
                end_page=int(d["end_page"]), nodes=[Node(**n) for n in d.get("nodes", [])],
                files=[str(f) for f in d.get("files", [])],
                warnings=[
                    StructureWarning(str(w["kind"]), int(w["page"]), str(w.get("message_ja", w.get("message", ""))),
                                     str(w.get("message_en", "")))
                    for w in d.get("warnings", [])
                ],
                coverage={str(k): int(v) for k, v in d.get("coverage", {}).items()},
                edition=str(d.get("edition", "")),
            )
            for d in data.get("documents", [])
        ]
        return cls(
            sha256=data["sha256"], pages=int(data["pages"]), page_labels=list(data["page_labels"]),
            documents=documents,
            bookmarks=[(int(b[0]), str(b[1]), int(b[2])) for b in data.get("bookmarks", [])],
            found_report=bool(data.get("found_report", False)), message=str(data.get("message", "")),
            detector_version=int(data.get("detector_version", 0)), made=str(data.get("made", "")),
        )

    def document_at(self, page: int) -> int | None:
        for index, document in enumerate(self.documents):
            if document.start_page <= page <= document.end_page:
                return index
        return None

    def locate(self, page: int, y: float = 0.0) -> Location:
        """The document, chapter, section and risk/item that a point on a page falls in.

        A heading owns everything after it (in page, y order) until the next heading of the same or a
        higher level.
        """
        doc_index = self.document_at(page)
        if doc_index is None:
            return Location()
        document = self.documents[doc_index]
        location = Location(document_index=doc_index, document_title=document.title)
        for node in document.nodes:
            if (node.page, node.y) > (page, y + 0.5):
                break
            location.enter(node)
        return location
