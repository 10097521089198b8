"""PDF safety: what a page's links and a document's actions would do, and whether a page has a text layer.

The app NEVER executes JavaScript, Launch (start a program / open a file), SubmitForm or ImportData actions,
and never follows an external link without the member's confirmation. These helpers only *read* actions so
that the UI can decide (:func:`link_policy`) and tell the member what the file contains
(:func:`active_content`). They never resolve or fetch anything.

Pages without a usable text layer (scanned images, or fonts without a Unicode map whose text extracts as
garbage) are detected by :func:`page_text_status` so that the UI can say that search and text highlights are
unavailable there while area comments still work (:data:`SCANNED_PAGE_MESSAGE`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

log = logging.getLogger("reviewer.safety")

Rect = tuple[float, float, float, float]
ActionKind = Literal[
    "goto", "named", "uri", "remote", "launch", "javascript", "submit", "import", "media", "form", "other"
]
Policy = Literal["follow", "confirm", "refuse"]
TextStatus = Literal["text", "scanned", "unreadable", "empty"]

#: Kinds that would run code, start programs, send data or read other files: never executed.
EXECUTABLE_KINDS: frozenset[str] = frozenset({"javascript", "launch", "submit", "import", "media", "remote"})
#: Named actions that only move within the document.
SAFE_NAMED_ACTIONS: frozenset[str] = frozenset({"nextpage", "prevpage", "firstpage", "lastpage", "goback",
                                                "goforward"})
#: URL schemes that may be opened in another application after a confirmation.
CONFIRMABLE_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

SCANNED_PAGE_MESSAGE = (
    "このページには文字情報（テキスト層）がありません（スキャン画像など）。"
    "このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。"
)
UNREADABLE_PAGE_MESSAGE = (
    "このページの文字情報は正しく読み取れません（フォントに文字の対応表がありません）。"
    "このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。"
)

_S_KINDS: dict[str, ActionKind] = {
    "GoTo": "goto", "GoToR": "remote", "GoToE": "remote", "Launch": "launch", "URI": "uri",
    "JavaScript": "javascript", "Named": "named", "SubmitForm": "submit", "ImportData": "import",
    "Sound": "media", "Movie": "media", "Rendition": "media", "RichMediaExecute": "media",
    "ResetForm": "form", "Hide": "form", "SetOCGState": "form",
}
_MAX_NEXT = 16  # /Next chains followed at most this far (a hostile file may loop)
# Every trigger of an additional-actions dictionary (annotations, fields, pages and the catalog).
_AA_TRIGGERS = ("E", "X", "D", "U", "Fo", "Bl", "PO", "PC", "PV", "PI", "O", "C", "K", "F", "V",
                "WC", "WS", "DS", "WP", "DP")


@dataclass(frozen=True, slots=True)
class PdfAction:
    """One action found in a PDF.

    Attributes:
        kind: see :data:`ActionKind`.
        where: ``"link"`` (a link on a page), ``"annotation"`` (another annotation or form field),
            ``"open"`` (runs when the document opens), ``"document"`` (catalog /AA), ``"page"`` (page /AA),
            ``"names"`` (document-level JavaScript).
        page: the 0-based page the action sits on, None for document-level actions.
        rect: the clickable area (PDF points, origin top-left) for links.
        target: the URI, file name or named action; for JavaScript only its length (the script is never
            kept).
        target_page: the destination page of an internal link, when known.
        trigger: ``""`` for a click (/A), else the /AA trigger key (``O``, ``C``, ``K``…).
    """

    kind: ActionKind
    where: str
    page: int | None = None
    rect: Rect | None = None
    target: str = ""
    target_page: int | None = None
    trigger: str = ""

    @property
    def executable(self) -> bool:
        return self.kind in EXECUTABLE_KINDS

    @property
    def external(self) -> bool:
        return self.kind in ("uri", "remote", "launch")


# ---------------------------------------------------------------------------------------------- reading


def _key(doc: Any, xref: int, key: str) -> tuple[str, str]:
    try:
        kind, value = doc.xref_get_key(xref, key)
    except Exception:  # damaged objects: treat as absent
        return "null", "null"
    return str(kind), str(value)


def _name(value: str) -> str:
    return value[1:] if value.startswith("/") else value


def _string(doc: Any, xref: int, key: str) -> str:
    kind, value = _key(doc, xref, key)
    if kind in ("string", "name"):
        return _name(value) if kind == "name" else value
    return ""


def _file_spec(doc: Any, xref: int, path: str) -> str:
    kind, value = _key(doc, xref, path)
    if kind == "string":
        return value
    if kind in ("dict", "xref"):
        for sub in ("UF", "F", "DOS", "Unix", "Mac"):
            found = _string(doc, xref, f"{path}/{sub}")
            if found:
                return found
    return ""


def _read_action(doc: Any, xref: int, path: str) -> Iterator[tuple[ActionKind, str]]:
    """The action at ``xref``/``path`` (a dict or a reference) and its /Next chain."""
    for _ in range(_MAX_NEXT):
        kind, _value = _key(doc, xref, path)
        if kind not in ("dict", "xref"):
            return
        subtype = _name(_key(doc, xref, f"{path}/S")[1])
        action: ActionKind = _S_KINDS.get(subtype, "other")
        target = ""
        if action == "uri":
            target = _string(doc, xref, f"{path}/URI")
        elif action in ("launch", "remote", "import", "submit"):
            target = _file_spec(doc, xref, f"{path}/F")
            if not target and action == "launch":
                target = _file_spec(doc, xref, f"{path}/Win/F") or _string(doc, xref, f"{path}/Win/F")
        elif action == "named":
            target = _string(doc, xref, f"{path}/N")
        elif action == "javascript":
            script_kind, script = _key(doc, xref, f"{path}/JS")
            target = f"<script {len(script) if script_kind == 'string' else '?'} chars>"
        yield action, target
        next_kind, _ = _key(doc, xref, f"{path}/Next")
        if next_kind not in ("dict", "xref"):
            return  # an array of /Next actions is not followed: the first action already decides the policy
        path = f"{path}/Next"


def _annotation_xrefs(page: Any) -> list[tuple[int, int]]:
    try:
        return [(int(x), int(t)) for x, t, *_ in page.annot_xrefs()]
    except Exception:
        return []


def _rect_of(doc: Any, page: Any, xref: int) -> Rect | None:
    kind, value = _key(doc, xref, "Rect")
    if kind != "array":
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value.strip("[]").split())
        import pymupdf

        rect = pymupdf.Rect(x0, y0, x1, y1) * page.transformation_matrix
        rect.normalize()
        return (float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1))
    except Exception:
        return None


def _dict_keys(doc: Any, xref: int, path: str) -> list[str]:
    """The additional-action triggers present in the /AA dictionary at ``xref``/``path``."""
    kind, _ = _key(doc, xref, path)
    if kind not in ("dict", "xref"):
        return []
    return [t for t in _AA_TRIGGERS if _key(doc, xref, f"{path}/{t}")[0] in ("dict", "xref")]


def _goto_page(doc: Any, link: dict[str, Any]) -> int | None:
    page = link.get("page")
    return page if isinstance(page, int) and 0 <= page < doc.page_count else None


def _is_pdf(doc: Any) -> bool:
    """MuPDF also opens images and other formats; their pages have no PDF objects (and PyMuPDF's
    ``page.xref`` crashes the process on them), so actions are only read from real PDFs."""
    try:
        return bool(doc.is_pdf)
    except Exception:
        return False


def page_actions(doc: Any, index: int) -> list[PdfAction]:
    """Every action on page ``index``: its links (click), other annotations' and form fields' actions and
    the page's own /AA (open/close) actions. Reading only; a damaged page gives what could be read."""
    if not _is_pdf(doc):
        return []
    try:
        page = doc[index]
    except Exception:
        log.warning("page %d unreadable while listing actions", index)
        return []
    actions: list[PdfAction] = []
    try:
        links = [link for link in page.get_links() if "from" in link]
    except Exception:
        links = []

    def link_at(rect: Rect | None) -> dict[str, Any]:
        if rect is None:
            return {}
        for link in links:
            r = link["from"]
            if max(abs(r.x0 - rect[0]), abs(r.y0 - rect[1]), abs(r.x1 - rect[2]), abs(r.y1 - rect[3])) < 0.5:
                return dict(link)
        return {}

    for xref, annot_type in _annotation_xrefs(page):
        where = "link" if annot_type == 1 else "annotation"
        rect = _rect_of(doc, page, xref)
        found = False
        for kind, target in _read_action(doc, xref, "A"):
            found = True
            target_page = None
            if kind == "goto":
                target_page = _goto_page(doc, link_at(rect))
            actions.append(PdfAction(kind, where, index, rect, target, target_page))
        if not found and annot_type == 1:
            # A link with /Dest instead of /A is an internal jump.
            dest_kind, _ = _key(doc, xref, "Dest")
            if dest_kind != "null":
                actions.append(PdfAction("goto", where, index, rect, "", _goto_page(doc, link_at(rect))))
        for trigger in _dict_keys(doc, xref, "AA"):
            for kind, target in _read_action(doc, xref, f"AA/{trigger}"):
                actions.append(PdfAction(kind, "annotation", index, rect, target, None, trigger))
    try:
        page_xref = int(page.xref)
    except Exception:
        page_xref = 0
    if page_xref:
        for trigger in _dict_keys(doc, page_xref, "AA"):
            for kind, target in _read_action(doc, page_xref, f"AA/{trigger}"):
                actions.append(PdfAction(kind, "page", index, None, target, None, trigger))
    return actions


def document_actions(doc: Any) -> list[PdfAction]:
    """Document-level actions: /OpenAction, the catalog's /AA and named JavaScript (/Names/JavaScript)."""
    actions: list[PdfAction] = []
    if not _is_pdf(doc):
        return actions
    try:
        catalog = int(doc.pdf_catalog())
    except Exception:
        return actions
    if catalog <= 0:
        return actions
    open_kind, _ = _key(doc, catalog, "OpenAction")
    if open_kind == "array":
        actions.append(PdfAction("goto", "open"))
    else:
        for kind, target in _read_action(doc, catalog, "OpenAction"):
            actions.append(PdfAction(kind, "open", None, None, target))
    for trigger in _dict_keys(doc, catalog, "AA"):
        for kind, target in _read_action(doc, catalog, f"AA/{trigger}"):
            actions.append(PdfAction(kind, "document", None, None, target, None, trigger))
    js_kind, _ = _key(doc, catalog, "Names/JavaScript")
    if js_kind in ("dict", "xref"):
        actions.append(PdfAction("javascript", "names", None, None, "<document scripts>"))
    return actions


@dataclass(frozen=True, slots=True)
class ActiveContent:
    """A summary of what a PDF would like to run; nothing of it is ever executed."""

    javascript: int = 0
    launch: int = 0
    submit: int = 0
    uri: int = 0
    remote: int = 0
    media: int = 0
    pages_checked: int = 0

    @property
    def has_active_content(self) -> bool:
        return bool(self.javascript or self.launch or self.submit or self.remote or self.media)

    def message_ja(self) -> str:
        """A short notice for the status bar, or "" when there is nothing to say."""
        parts = []
        if self.javascript:
            parts.append("スクリプト（JavaScript）")
        if self.launch:
            parts.append("プログラムやファイルを開く動作")
        if self.submit:
            parts.append("データ送信")
        if self.remote or self.media:
            parts.append("外部ファイルやメディアの再生")
        if not parts:
            return ""
        return "このPDFには" + "・".join(parts) + "が含まれていますが、安全のため実行しません。"


def active_content(doc: Any, max_pages: int | None = 50) -> ActiveContent:
    """Count executable and external actions in the document and its first ``max_pages`` pages."""
    counts = {"javascript": 0, "launch": 0, "submit": 0, "uri": 0, "remote": 0, "media": 0}
    actions = document_actions(doc)
    pages = int(doc.page_count) if max_pages is None else min(int(doc.page_count), max_pages)
    for index in range(pages):
        actions.extend(page_actions(doc, index))
    for action in actions:
        key = "submit" if action.kind == "import" else action.kind
        if key in counts:
            counts[key] += 1
    if any(counts[k] for k in ("javascript", "launch", "submit", "remote", "media")):
        log.info("active content found (never executed): %s", {k: v for k, v in counts.items() if v})
    return ActiveContent(pages_checked=pages, **counts)


# ---------------------------------------------------------------------------------------------- policy


def url_scheme(target: str) -> str:
    try:
        return urlsplit(target.strip()).scheme.lower()
    except ValueError:
        return ""


def external_link_allowed(target: str) -> bool:
    """Whether ``target`` may be handed to another application after the member confirms:
    only ``http``, ``https`` and ``mailto`` URLs with something after the scheme."""
    target = target.strip()
    if not target or any(unicodedata.category(c) == "Cc" for c in target):
        return False
    scheme = url_scheme(target)
    if scheme not in CONFIRMABLE_SCHEMES:
        return False
    rest = target.split(":", 1)[1].lstrip("/")
    return bool(rest)


def link_policy(action: PdfAction) -> Policy:
    """What the viewer may do when the member clicks ``action``:

    ``follow`` — an internal jump or a harmless named navigation; ``confirm`` — an http(s)/mailto link, opened
    only after a confirmation dialog; ``refuse`` — everything else (JavaScript, Launch, files, forms, media).
    """
    if action.kind == "goto":
        return "follow"
    if action.kind == "named":
        return "follow" if action.target.lower() in SAFE_NAMED_ACTIONS else "refuse"
    if action.kind == "uri" and external_link_allowed(action.target):
        return "confirm"
    return "refuse"


def refusal_message(action: PdfAction) -> str:
    """Why a refused action was not carried out (Japanese, for a message box or the status bar)."""
    if action.kind == "javascript":
        return "このリンクはスクリプト（JavaScript）を実行しようとしています。安全のため実行しません。"
    if action.kind == "launch":
        return "このリンクはプログラムやファイルを開こうとしています。安全のため開きません。"
    if action.kind in ("submit", "import"):
        return "このリンクはデータを送信・取り込もうとしています。安全のため実行しません。"
    if action.kind == "remote":
        return "このリンクは別のファイルを開こうとしています。安全のため開きません。"
    if action.kind == "uri":
        return "このリンク先は安全に開けない形式のため開きません。"
    return "このリンクの動作には対応していません。"


# ---------------------------------------------------------------------------------------------- text layer


def _is_garbage(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    category = unicodedata.category(ch)
    return category in ("Cc", "Co", "Cs", "Cn")


def page_text_status(page: Any) -> TextStatus:
    """``text`` (a usable text layer), ``scanned`` (no text but images: a scan), ``unreadable`` (text drawn
    with fonts that have no Unicode map: mostly control or private-use characters) or ``empty``."""
    try:
        text = str(page.get_text("text"))
    except Exception:
        log.warning("page text unreadable")
        return "unreadable"
    chars = [c for c in text if not c.isspace()]
    if chars:
        garbage = sum(1 for c in chars if _is_garbage(c))
        if garbage * 2 > len(chars):
            return "unreadable"
        return "text"
    try:
        has_images = bool(page.get_images(full=False)) or bool(page.get_image_info())
    except Exception:
        has_images = False
    if not has_images:
        try:
            has_images = bool(page.get_drawings())
        except Exception:
            has_images = False
    return "scanned" if has_images else "empty"


def page_has_text(page: Any) -> bool:
    """Whether search and text highlights can work on ``page`` (a PyMuPDF page)."""
    return page_text_status(page) == "text"


def pages_without_text(doc: Any, pages: range | None = None) -> list[int]:
    """The 0-based indexes of pages (default all) with no usable text layer."""
    out: list[int] = []
    for index in pages if pages is not None else range(int(doc.page_count)):
        try:
            page = doc[index]
        except Exception:
            out.append(index)
            continue
        if not page_has_text(page):
            out.append(index)
    return out


def text_status_message(status: TextStatus) -> str:
    """The notice to show for a page's status ("" for a page with text)."""
    if status == "scanned" or status == "empty":
        return SCANNED_PAGE_MESSAGE
    if status == "unreadable":
        return UNREADABLE_PAGE_MESSAGE
    return ""
