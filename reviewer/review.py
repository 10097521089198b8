"""Review progress and the outline walk: one implementation for the 目次 tree, the comments panel and the sheet.

:func:`walk` lists every node of every document of an outline in reading order with its key
(``Location.node_key()``), its ancestors, the 特定個人情報ファイル it is about and whether it carries a
確認済み mark (each risk, and each section of Ⅲ/Ⅳ of an assessment report). :func:`progress` counts, per
node and summed over everything under it, the reviewable nodes, those marked 確認済み, the member's views
(同意 / 疑問あり) and the comments; a report's progress is under its key ``"<index>:"``, a file's under
:func:`file_key`. :func:`review_node` says which risk or Ⅲ/Ⅳ section a reading position is in (the comments
panel's header) and :func:`group_path` how the comments panel groups a comment.

For the GUI (``ui/``), these replace:

* ``ui.annotate.walk_nodes`` → :func:`walk` (``_NodeInfo.key/ancestors/reviewable/label`` are the same
  fields of :class:`WalkNode`);
* ``ui.annotate.compute_progress`` → :func:`progress_tuples` (same dict), or :func:`progress` for the counts;
* ``ui.annotate.review_node`` → :func:`review_node` (same result); after a jump from the 目次 tree, set the
  header from :func:`review_node_for_key` with the clicked node's key instead of waiting for the view to scroll;
* ``ui.annotate.AnnotationController._update_progress_text``'s sums → :func:`totals`;
* ``ui.panels.outline.node_keys`` → ``[[n.key for n in nodes] for nodes in walk_by_document(outline)]``;
* ``ui.panels.comments.group_path`` → :func:`group_path` (pass the translated 「（評価書の外）」).

Pure functions of plain values: no Qt, no store (marks and comments are passed in).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.annotations import Annotation
from reviewer.structure.model import KIND_DEPTH, Location, Node, Outline

REVIEW_CHAPTERS = frozenset({"III", "IV"})
VIEWS: tuple[str, ...] = ("同意", "疑問あり")
OUTSIDE_REPORTS = "（評価書の外）"


@dataclass(frozen=True, slots=True)
class WalkNode:
    """One node of the outline walk.

    Attributes:
        key: ``Location.node_key()`` of the node; a document's key is ``"<index>:"``.
        kind: ``"document"`` or the node's kind (chapter, annex, section, risk, item).
        depth: 0 document, 1 chapter/annex, 2 section, 3 risk/item.
        document_index: the document it belongs to.
        ancestors: the keys above it, outermost (the document) first.
        reviewable: whether it carries a 確認済み mark.
        label: the sheet's 項目 label (「Ⅲ 7. リスク1」); a document's title.
        title: the heading's own title.
        page, y: where the heading is.
        file: the 特定個人情報ファイル the node is about (its own, or its chapter's/section's), if any.
        node: the outline node (None for a document).
    """

    key: str
    kind: str
    depth: int
    document_index: int
    ancestors: tuple[str, ...]
    reviewable: bool
    label: str
    title: str
    page: int
    y: float
    file: str | None = None
    node: Node | None = None

    @property
    def label_with_file(self) -> str:
        """The label naming the file where a chapter repeats per file: 「Ⅲ（住民基本台帳ファイル） 2. リスク2」."""
        if not self.file or self.kind == "document" or not self.label:
            return self.label
        head, _space, rest = self.label.partition(" ")
        return f"{head}（{self.file}）" + (f" {rest}" if rest else "")


@dataclass(frozen=True, slots=True)
class NodeProgress:
    """Progress summed over a node and everything under it.

    Attributes:
        reviewed: reviewable nodes marked 確認済み.
        total: reviewable nodes.
        comments: comments placed on the node or under it.
        agreed: reviewable nodes whose view is 同意.
        doubts: reviewable nodes whose view is 疑問あり.
    """

    reviewed: int = 0
    total: int = 0
    comments: int = 0
    agreed: int = 0
    doubts: int = 0

    @property
    def has_comments(self) -> bool:
        return self.comments > 0

    @property
    def complete(self) -> bool:
        """Every reviewable node under it is marked 確認済み (and there is at least one)."""
        return self.total > 0 and self.reviewed >= self.total

    def as_tuple(self) -> tuple[int, int, bool]:
        """(reviewed, total, has_comments): what ``OutlinePanel.set_progress`` takes."""
        return (self.reviewed, self.total, self.has_comments)


def roman(number: str) -> str:
    """A chapter number as ASCII capitals (「Ⅲ」, 「III」 and 「ⅲ」 all give "III")."""
    return unicodedata.normalize("NFKC", number).upper().replace("Ⅲ", "III").replace("Ⅳ", "IV")


def file_key(document_index: int, file: str) -> str:
    """The progress key of one 特定個人情報ファイル of a report (never equal to a node key)."""
    return f"{document_index}:@{file}"


def walk_by_document(outline: Outline) -> list[list[WalkNode]]:
    """The walk of each document's nodes (without the document entries), one list per document."""
    out: list[list[WalkNode]] = [[] for _ in outline.documents]
    for item in walk(outline):
        if item.kind != "document":
            out[item.document_index].append(item)
    return out


def walk(outline: Outline) -> list[WalkNode]:
    """Every document and every node of the outline in reading order (see :class:`WalkNode`)."""
    items: list[WalkNode] = []
    for doc_index, document in enumerate(outline.documents):
        doc_key = f"{doc_index}:"
        items.append(WalkNode(doc_key, "document", 0, doc_index, (), False, document.title, document.title,
                              document.start_page, 0.0))
        location = Location(document_index=doc_index, document_title=document.title)
        chapter_key = section_key = ""
        for node in document.nodes:
            depth = KIND_DEPTH.get(node.kind, 2)
            location.enter(node)
            key = location.node_key()
            if depth == 0:
                chapter_key, section_key = key, ""
                ancestors: tuple[str, ...] = (doc_key,)
            elif depth == 1:
                section_key = key
                ancestors = (doc_key, *([chapter_key] if chapter_key else []))
            else:
                ancestors = (doc_key, *(k for k in (chapter_key, section_key) if k))
            in_review_chapter = location.chapter is not None and roman(location.chapter.number) in REVIEW_CHAPTERS
            reviewable = document.is_report and (
                node.kind == "risk" or (node.kind == "section" and in_review_chapter)
            )
            file = node.file or (location.section.file if location.section is not None else None) or (
                location.chapter.file if location.chapter is not None else None)
            items.append(WalkNode(key, node.kind, depth + 1, doc_index, ancestors, reviewable,
                                  location.item_label(), node.title, node.page, node.y, file, node))
    return items


def _placed_key(annotation: Annotation, outline: Outline, known: Mapping[str, WalkNode]) -> str:
    """The walk key a comment belongs to: its stored node key if the outline has it, else where it lies."""
    if annotation.node_key in known:
        return annotation.node_key
    key = outline.locate(annotation.page, annotation.top).node_key()
    return key if key in known else ""


def progress(outline: Outline, marks: Mapping[str, Any], annotations: Iterable[Annotation]) -> dict[str, NodeProgress]:
    """Per key (node, document ``"<i>:"`` and file :func:`file_key`): the progress summed under it.

    ``marks`` maps node keys to review marks (anything with ``reviewed`` and ``view``, e.g.
    ``Store.review_marks(sha)``). Nodes with nothing to review and no comments get no entry.
    """
    items = walk(outline)
    by_key = {item.key: item for item in items}
    counts: dict[str, list[int]] = {}  # key → [reviewed, total, comments, agreed, doubts]

    def targets(item: WalkNode) -> list[str]:
        keys = [item.key, *item.ancestors]
        if item.file:
            keys.append(file_key(item.document_index, item.file))
        return keys

    for item in items:
        if not item.reviewable:
            continue
        mark = marks.get(item.key)
        done = bool(getattr(mark, "reviewed", False))
        view = getattr(mark, "view", None)
        for key in targets(item):
            entry = counts.setdefault(key, [0, 0, 0, 0, 0])
            entry[1] += 1
            entry[0] += done
            entry[3] += view == VIEWS[0]
            entry[4] += view == VIEWS[1]
    for annotation in annotations:
        key = _placed_key(annotation, outline, by_key)
        if not key:
            continue
        for target in targets(by_key[key]):
            counts.setdefault(target, [0, 0, 0, 0, 0])[2] += 1
    return {key: NodeProgress(*values) for key, values in counts.items()}


def progress_tuples(outline: Outline, marks: Mapping[str, Any],
                    annotations: Iterable[Annotation]) -> dict[str, tuple[int, int, bool]]:
    """Per node and document key: (reviewed, total, has_comments), as the 目次 tree shows it."""
    return {key: value.as_tuple() for key, value in progress(outline, marks, annotations).items()
            if not key.split(":", 1)[1].startswith("@")}


def totals(progress_by_key: Mapping[str, NodeProgress | tuple[int, int, bool]],
           node_key: str | None = None) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """((reviewed, total) over all reports, (reviewed, total) of the report holding ``node_key`` or None).

    For the header line 「この評価書 5/59 確認済み（全体 5/101）」.
    """
    def pair(value: NodeProgress | tuple[int, int, bool]) -> tuple[int, int]:
        return (value.reviewed, value.total) if isinstance(value, NodeProgress) else (value[0], value[1])

    documents = [pair(v) for k, v in progress_by_key.items() if k.endswith(":")]
    overall = (sum(r for r, _ in documents), sum(t for _, t in documents))
    here = None
    if node_key:
        found = progress_by_key.get(node_key.split(":", 1)[0] + ":")
        here = pair(found) if found is not None else None
    return overall, here


def _describe(location: Location, node: Node) -> str:
    label = Location(location.document_index, location.document_title, location.chapter,
                     location.section if node.kind != "section" or location.section is node else None,
                     location.leaf if node.kind in ("risk", "item") else None).item_label()
    title = f"{label} {node.title}".strip()
    if node.file:
        title += f"（{node.file}）"
    if node.judgement:
        title += f" ［{node.judgement}］"
    return f"{location.document_title}\n{title}" if location.document_title else title


def review_node(outline: Outline | None, page: int, y: float) -> tuple[str, str] | None:
    """The (node_key, label) of the risk, or else the Ⅲ/Ⅳ section, at a position; None elsewhere.

    The label is two lines: the report's title, then 「Ⅲ 2. リスク2 <title>（<file>） ［<judgement>］」.
    """
    if outline is None:
        return None
    location = outline.locate(page, y)
    if location.document_index is None or not outline.documents[location.document_index].is_report:
        return None
    if location.leaf is not None and location.leaf.kind == "risk":
        return location.node_key(), _describe(location, location.leaf)
    if location.section is not None and location.chapter is not None and \
            roman(location.chapter.number) in REVIEW_CHAPTERS:
        section_only = Location(location.document_index, location.document_title, location.chapter,
                                location.section, None)
        return section_only.node_key(), _describe(section_only, location.section)
    return None


def review_node_for_key(outline: Outline | None, node_key: str) -> tuple[str, str] | None:
    """The (node_key, label) the comments panel's header shows for a node chosen in the 目次 tree.

    A click on a risk or a Ⅲ/Ⅳ section names that node at once (not whatever the page view's reading
    position says before it has scrolled there); a risk's item under it names its risk; other nodes None.
    """
    if outline is None or not node_key:
        return None
    for item in walk(outline):
        if item.key != node_key or item.node is None:
            continue
        return review_node(outline, item.node.page, item.node.y + 0.5)
    return None


def node_heading(node: Node) -> str:
    """「7. 特定個人情報の保管・消去」: the node's label and its title."""
    label = node.label()
    title = node.title.strip()
    return f"{label} {title}" if title else label


def group_path(annotation: Annotation, outline: Outline | None, outside: str = OUTSIDE_REPORTS) -> list[str]:
    """The report → chapter/section (with its file) → risk groups of a comment, empty levels dropped.

    ``outside`` names the group of comments outside every report (the GUI passes its translation).
    """
    report = annotation.document_title or ""
    section = ""
    leaf = ""
    if outline is not None and annotation.node_key:
        location = outline.locate(annotation.page, annotation.top)
        report = location.document_title or report
        chapter = location.chapter
        if chapter is not None:
            head = chapter.number
            file_name = (location.section.file if location.section else None) or chapter.file
            if file_name:
                head += f"（{file_name}）"
            section = head
            if location.section is not None:
                section += " " + node_heading(location.section)
            elif chapter.title:
                section += " " + chapter.title
        if location.leaf is not None:
            leaf = node_heading(location.leaf)
    elif annotation.item_label:
        parts = annotation.item_label.split(" ")
        section = " ".join(p for p in parts if not p.startswith(("リスク", "項目")))
        leaf = " ".join(p for p in parts if p.startswith(("リスク", "項目")))
    return [part for part in (report or outside, section, leaf) if part]
