"""Corrections by hand: a member (or the chair) sets a risk's judgement, corrects a heading's title or position,
or adds a risk or section the detector missed.

A correction is a value keyed by the packet (SHA-256) and the *identity* of the node it corrects — the node key of
the detected outline (``"2:Ⅲ/2/risk1@住民基本台帳ファイル"``), never the object — so it survives re-detection
after an app update. Added nodes are keyed ``"+<correction id>"``. Corrections are stored with the comments in the
encrypted store, changed through undoable commands (:class:`PutCorrection`, :class:`RemoveCorrection`, in the
style of :mod:`reviewer.commands`), travel in comment packages (``"pia:corrections"``) and are laid over the
detected outline by :func:`apply_corrections` — the one place where the tree, the sheet and the exports get the
corrected structure.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reviewer.annotations import is_newer, new_id, now_iso
from reviewer.structure.model import Document, Location, Node, Outline, StructureWarning

if TYPE_CHECKING:
    from reviewer.store import Store

JUDGEMENT = "judgement"
HEADING = "heading"
ADD = "add"
ACTIONS: tuple[str, ...] = (JUDGEMENT, HEADING, ADD)
ADDABLE_KINDS: tuple[str, ...] = ("risk", "section")
JUDGEMENTS: tuple[str, ...] = ("特に力を入れている", "十分である", "課題が残されている")
UNPLACED = "correction_unplaced"
MAX_TITLE = 300  # characters of a corrected or added heading (a package may come from anywhere)
_ADDED = "added:"


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of one packet's structure.

    ``judgement``: the judgement to show (action ``judgement``, or the judgement of an added risk).
    ``title``/``page``/``y``: a heading's corrected title or position (``heading``), or where the added node is
    (``add``, with ``kind``, ``number`` and the 0-based ``document`` index).
    """

    file_sha256: str
    target: str
    action: str
    judgement: str | None = None
    title: str | None = None
    page: int | None = None
    y: float | None = None
    kind: str | None = None
    number: str | None = None
    document: int | None = None
    author: str = ""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValueError(problem)

    def payload(self) -> dict[str, Any]:
        """The action's values (what the store keeps as JSON beside the key columns)."""
        values = {
            "judgement": self.judgement, "title": self.title, "page": self.page, "y": self.y,
            "kind": self.kind, "number": self.number, "document": self.document,
        }
        return {k: v for k, v in values.items() if v is not None}

    @classmethod
    def from_payload(
        cls, *, id: str, file_sha256: str, target: str, action: str, payload: dict[str, Any], author: str,
        created: str, modified: str,
    ) -> Correction:
        def text(name: str) -> str | None:
            value = payload.get(name)
            return None if value is None else str(value)

        page = payload.get("page")
        y = payload.get("y")
        document = payload.get("document")
        return cls(
            file_sha256=file_sha256, target=target, action=action, judgement=text("judgement"),
            title=text("title"), page=None if page is None else int(page), y=None if y is None else float(y),
            kind=text("kind"), number=text("number"), document=None if document is None else int(document),
            author=author, id=id, created=created, modified=modified,
        )

    def to_json(self) -> dict[str, Any]:
        """The package form (``"pia:corrections"`` items)."""
        return {
            "id": self.id, "source": self.file_sha256, "target": self.target, "action": self.action,
            **self.payload(), "author": self.author, "created": self.created, "modified": self.modified,
        }

    @classmethod
    def from_json(cls, item: Any) -> Correction:
        """A correction from a package item; ValueError (Japanese message) when it is not one."""
        if not isinstance(item, dict):
            raise ValueError("構造の修正（pia:corrections）の項目がオブジェクトではありません")
        try:
            return cls.from_payload(
                id=str(item["id"]), file_sha256=str(item["source"]), target=str(item["target"]),
                action=str(item["action"]), payload=item, author=str(item.get("author", "")),
                created=str(item["created"]), modified=str(item["modified"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"構造の修正（pia:corrections）に {exc} がありません") from None

    def describe(self) -> str:
        """How the Edit menu names it: 「判断を修正」, 「見出しを修正」, 「リスクを追加」, 「節を追加」."""
        if self.action == JUDGEMENT:
            return "判断を修正"
        if self.action == HEADING:
            return "見出しを修正"
        return "リスクを追加" if self.kind == "risk" else "節を追加"


def _problem(c: Correction) -> str:
    if c.action not in ACTIONS:
        return f"unknown correction action {c.action!r}"
    if not c.file_sha256 or not c.target:
        return "a correction needs its packet and target"
    if c.judgement is not None and c.judgement not in JUDGEMENTS:
        return f"not a judgement: {c.judgement!r}"
    if c.page is not None and not 0 <= c.page < 100_000:
        return "page out of range"
    if len(c.title or "") > MAX_TITLE or len(c.number or "") > 8 or len(c.target) > 400 or len(c.author) > 200:
        return "a correction's text is too long"
    if c.y is not None and not math.isfinite(c.y):
        return "y must be a finite number"
    if c.action == ADD:
        if c.kind not in ADDABLE_KINDS or not c.number or c.page is None or c.y is None:
            return "an added node needs kind (risk/section), number, page and y"
        if c.target != f"+{c.id}":
            return "an added node's target is '+' and its correction id"
    if c.action == JUDGEMENT and c.judgement is None:
        return "a judgement correction needs its judgement"
    if c.action == HEADING and c.title is None and c.page is None and c.y is None:
        return "a heading correction needs a title or a position"
    return ""


def judgement_correction(file_sha256: str, node_key: str, judgement: str, author: str = "") -> Correction:
    return Correction(file_sha256, node_key, JUDGEMENT, judgement=judgement, author=author)


def heading_correction(
    file_sha256: str, node_key: str, *, title: str | None = None, page: int | None = None, y: float | None = None,
    author: str = "",
) -> Correction:
    return Correction(file_sha256, node_key, HEADING, title=title, page=page, y=y, author=author)


def added_node(
    file_sha256: str, *, kind: str, number: str, title: str, page: int, y: float, document: int | None = None,
    judgement: str | None = None, author: str = "", correction_id: str | None = None,
) -> Correction:
    """A risk or section the detector missed, at ``(page, y)``."""
    cid = correction_id or new_id()
    return Correction(file_sha256, f"+{cid}", ADD, judgement=judgement, title=title, page=page, y=y, kind=kind,
                      number=number, document=document, author=author, id=cid)


def added_by(node: Node) -> str | None:
    """The id of the correction that added ``node``, or None for a detected node."""
    for part in node.corrected.split(","):
        if part.startswith(_ADDED):
            return part[len(_ADDED):]
    return None


def corrected_actions(node: Node) -> list[str]:
    """What was corrected on ``node``: any of "judgement", "heading", "added"."""
    return [("added" if part.startswith(_ADDED) else part) for part in node.corrected.split(",") if part]


def document_node_keys(doc_index: int, document: Document) -> list[str]:
    """The node key (``Location.node_key()``) of every node of one document, in order.

    Nodes added by hand are passed over (their key is ``+id``), so a detected node keeps the key it was detected
    with even when a section was added before it."""
    location = Location(document_index=doc_index, document_title=document.title)
    keys: list[str] = []
    for node in document.nodes:
        added = added_by(node)
        if added is not None:
            keys.append(f"+{added}")
            continue
        location.enter(node)
        keys.append(location.node_key())
    return keys


def target_of(outline: Outline, node: Node) -> str:
    """The key a correction of ``node`` is stored under: its detected node key, or ``+id`` for an added node.

    ``outline`` is the one ``node`` belongs to, corrected or not (a corrected heading keeps its number, and added
    nodes are passed over when keys are counted)."""
    for doc_index, document in enumerate(outline.documents):
        for candidate, key in zip(document.nodes, document_node_keys(doc_index, document), strict=True):
            if candidate is node:
                return key
    raise ValueError("the node is not in this outline")


def _mark(node: Node, what: str) -> None:
    parts = [p for p in node.corrected.split(",") if p]
    if what not in parts:
        parts.append(what)
    node.corrected = ",".join(parts)


def apply_corrections(outline: Outline, corrections: Iterable[Correction]) -> Outline:
    """The outline as the member sees it: ``outline`` (as detected) with ``corrections`` laid over it.

    ``outline`` is not changed. Corrections for another packet are ignored; a correction whose node is no
    longer detected is kept in the store and reported as a ``correction_unplaced`` warning. Warnings and
    coverage are computed again on the corrected documents.
    """
    from reviewer.structure.check import check_document

    result = Outline.from_json(outline.to_json())
    keyed: dict[str, tuple[int, Node]] = {}
    for doc_index, document in enumerate(result.documents):
        for node, key in zip(document.nodes, document_node_keys(doc_index, document), strict=True):
            keyed.setdefault(key, (doc_index, node))
    moved: set[int] = set()
    unplaced: list[tuple[int, Correction]] = []
    mine = sorted((c for c in corrections if c.file_sha256 == outline.sha256), key=lambda c: (c.created, c.id))
    for c in mine:
        if c.action == ADD:
            target_doc = _document_for(result, c)
            if target_doc is None:
                unplaced.append((0, c))
                continue
            _insert(result.documents[target_doc], c)
            moved.add(target_doc)
            continue
        found = keyed.get(c.target)
        if found is None:
            unplaced.append((_doc_of_key(c.target, len(result.documents)), c))
            continue
        doc_index, node = found
        if c.action == JUDGEMENT:
            node.judgement = c.judgement
            _mark(node, JUDGEMENT)
        else:
            if c.title is not None:
                node.title = c.title
            if c.page is not None or c.y is not None:
                node.page = c.page if c.page is not None else node.page
                node.y = c.y if c.y is not None else node.y
                moved.add(doc_index)
            _mark(node, HEADING)
    for doc_index in moved:
        document = result.documents[doc_index]
        document.nodes.sort(key=lambda n: (n.page, n.y))  # stable: a chapter keeps its place before its section
    for document in result.documents:
        check_document(document)
    for doc_index, c in unplaced:
        if not result.documents:
            break
        document = result.documents[min(doc_index, len(result.documents) - 1)]
        document.warnings.append(StructureWarning(
            UNPLACED, c.page if c.page is not None else document.start_page,
            f"修正（{c.describe()}）の対象 {c.target} が見つかりません（修正は保存されたままです）",
            f"the node of a correction ({c.target}) was not found; the correction is kept",
        ))
        document.coverage["warnings"] = len(document.warnings)
    return result


def _doc_of_key(target: str, count: int) -> int:
    head = target.split(":", 1)[0]
    return int(head) if head.isdigit() and int(head) < count else 0


def _document_for(outline: Outline, c: Correction) -> int | None:
    """The document an added node goes in: the one named, if the place is on its pages, else the one there."""
    page = c.page or 0
    if c.document is not None and 0 <= c.document < len(outline.documents):
        document = outline.documents[c.document]
        if document.start_page <= page <= document.end_page:
            return c.document
    return outline.document_at(page)


def _insert(document: Document, c: Correction) -> None:
    """Add the correction's node after every node at or above its place, in the file part it falls in."""
    assert c.page is not None and c.y is not None and c.kind is not None and c.number is not None
    position = 0
    file: str | None = None
    for index, node in enumerate(document.nodes):
        if (node.page, node.y) <= (c.page, c.y):
            position = index + 1
            file = node.file
    document.nodes.insert(position, Node(
        c.kind, c.number, c.title or "", c.page, float(c.y), file, c.judgement, corrected=f"{_ADDED}{c.id}",
    ))


# --- undoable commands (see reviewer.commands) -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PutCorrection:
    """Store a correction (replacing the one for the same node and action); the inverse restores what was."""

    correction: Correction
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", self.correction.describe())

    def apply(self, store: Store) -> PutCorrection | RemoveCorrection:
        c = self.correction
        with store.transaction():
            before = store.correction_for(c.file_sha256, c.target, c.action)
            store.put_correction(replace(c, modified=now_iso()))
        if before is None:
            return RemoveCorrection(c.id, c.file_sha256, title=self.title)
        return PutCorrection(before, title=self.title)


@dataclass(frozen=True, slots=True)
class RemoveCorrection:
    """Remove a correction; the inverse puts it back unchanged."""

    correction_id: str
    file_sha256: str
    title: str = "修正を取り消す"

    def apply(self, store: Store) -> PutCorrection:
        with store.transaction():
            current = store.correction(self.correction_id)
            if current is None:
                raise KeyError(self.correction_id)
            store.delete_correction(self.correction_id)
        return PutCorrection(current, title=self.title)


# --- packages ---------------------------------------------------------------------------------------------

def corrections_to_package(corrections: Sequence[Correction]) -> list[dict[str, Any]]:
    """The ``"pia:corrections"`` value of a comment package."""
    return [c.to_json() for c in sorted(corrections, key=lambda c: (c.created, c.id))]


def corrections_from_package(value: Any, expected_sha: str | None = None) -> list[Correction]:
    """The corrections of a package's ``"pia:corrections"``; ValueError (Japanese message) when malformed or for
    another packet."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("構造の修正（pia:corrections）が一覧ではありません")
    out: list[Correction] = []
    for item in value:
        try:
            correction = Correction.from_json(item)
        except ValueError as exc:
            raise ValueError(str(exc) if str(exc).startswith("構造") else f"構造の修正が正しくありません: {exc}") from None
        if expected_sha is not None and correction.file_sha256 != expected_sha:
            raise ValueError("構造の修正が別のファイルに対するものです")
        out.append(correction)
    return out


def merge_corrections(store: Store, incoming: Iterable[Correction]) -> int:
    """Store imported corrections where they are new or newer than ours (same node and action); returns how
    many changed, all in one transaction."""
    changed = 0
    with store.transaction():
        for c in incoming:
            current = store.correction_for(c.file_sha256, c.target, c.action)
            if current is not None and (current == c or not is_newer(c.modified, current.modified)):
                continue
            store.put_correction(c)
            changed += 1
    return changed


def import_package_corrections(store: Store, path: str | os.PathLike[str], expected_sha: str) -> int:
    """Merge the corrections a comment package carries (:func:`merge_corrections`); returns how many changed.

    The comments themselves go through ``reviewer.exchange.importer``; this reads the same validated package."""
    from reviewer.exchange.w3c import read_package

    return merge_corrections(store, read_package(path, expected_sha=expected_sha).corrections)
