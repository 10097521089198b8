"""Comments made in other PDF tools: annotations inside a PDF (Acrobat, Preview, pdf.js, …).

Reads with PyMuPDF: sticky notes (Text), text markup (Highlight/Underline/StrikeOut/Squiggly: quads → one rect
per quad, quote = the text under them), FreeText, Square/Circle/Polygon/PolyLine/Line, Ink, Stamp and Caret.
Author = ``/T``, comment = ``/Contents``, category = ``/Subj`` when it is one of ours (else 意見), dates from
PDF date strings. Replies (``/IRT``) become ``extra["replies"]`` of their thread's first annotation; grouped
annotations (``/RT /Group``) are folded into their group's head.

The caller owns the PyMuPDF document (it is not thread-safe); these functions never share it.
"""

from __future__ import annotations

import math
import os
import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.annotations import CONTEXT_CHARS, DEFAULT_CATEGORIES, Annotation, Rect, now_iso
from reviewer.document import pdf_date_to_iso
from reviewer.exchange import PackageError
from reviewer.limits import MAX_ANNOTATIONS_PER_IMPORT, LimitError, check_annotation, storable

DEFAULT_CATEGORY = "意見"
_ID_NAMESPACE = uuid.UUID("6f1c7f2e-8a53-4d0b-9a43-3f2b1d9c0a11")
MARKUP_TYPES = {"Highlight", "Underline", "StrikeOut", "Squiggly"}
NOTE_TYPES = {"Text", "Caret"}
AREA_TYPES = {"FreeText", "Square", "Circle", "Polygon", "PolyLine", "Line", "Ink", "Stamp"}
# Annotations without a comment are kept only when they mark text (the quote says what they point at).

QuoteFn = Callable[[int, Sequence[Rect]], tuple[str, str, str]]


def map_category(subject: str | None, categories: Sequence[str] = DEFAULT_CATEGORIES) -> str:
    """Our category when the subject names one, else 意見 (Acrobat writes "Highlight", "Sticky Note", …)."""
    subject = (subject or "").strip()
    return subject if subject in categories else DEFAULT_CATEGORY


def stable_id(native_id: str, *, packet_sha: str, page: int, author: str) -> str:
    """Keep a native UUID (``/NM``, XFDF ``name``) as it is; derive a stable UUID from anything else."""
    candidate = native_id.strip().strip("{}")
    try:
        return str(uuid.UUID(candidate))
    except ValueError:
        return str(uuid.uuid5(_ID_NAMESPACE, f"{packet_sha}|{page}|{native_id}|{author}"))


def unrotated_size(page: Any) -> tuple[float, float]:
    """Width and height of a PyMuPDF page before its /Rotate (the space annotations live in)."""
    box = page.cropbox
    return float(box.width), float(box.height)


def pdf_to_page_matrix(page: Any) -> tuple[float, float, float, float, float, float]:
    """The matrix from PDF user space to PyMuPDF's unrotated page space (origin: the CropBox's top-left).

    PyMuPDF's ``transformation_matrix`` ignores the CropBox offset; this one agrees with ``annot.rect``.
    """
    media, crop = page.mediabox, page.cropbox
    return (1.0, 0.0, 0.0, -1.0, -float(crop.x0), float(media.y1) - float(crop.y0))


def _flat(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text).strip()


_Line = tuple[float, float, list[tuple[float, float, float, float, str]]]
# The last page quoted: (document, page number, its text lines, flat page text). XFDF and PDF imports quote
# many highlights of one page in a row; extracting the page's text costs far more than reading a box of it.
_last_page_text: tuple[Any, int, list[_Line], str] | None = None


def _page_text(page: Any) -> tuple[list[_Line], str]:
    global _last_page_text
    doc, number = page.parent, int(page.number)
    cached = _last_page_text
    if cached is not None and cached[0] is doc and cached[1] == number and not doc.is_closed:
        return cached[2], cached[3]
    text_page = page.get_textpage()  # the same flags as page.get_textbox() uses
    lines: list[_Line] = []
    for block in text_page.extractRAWDICT().get("blocks", ()):
        for line in block.get("lines", ()):
            chars: list[tuple[float, float, float, float, str]] = []
            for span in line.get("spans", ()):
                for ch in span.get("chars", ()):
                    cx0, cy0, cx1, cy1 = (float(v) for v in ch["bbox"])
                    chars.append((cx0, cy0, cx1, cy1, str(ch["c"])))
            if chars:
                lines.append((min(c[1] for c in chars), max(c[3] for c in chars), chars))
    full = _flat(str(page.get_text("text")))  # the context comes from the plain text, as it always has
    _last_page_text = (doc, number, lines, full)
    return lines, full


def forget_page_text() -> None:
    """Drop the cached page text (it also keeps its document object alive)."""
    global _last_page_text
    _last_page_text = None


def _text_in_box(lines: Sequence[_Line], x0: float, y0: float, x1: float, y1: float) -> str:
    """The characters whose boxes overlap the box, a line break between lines (as MuPDF's textbox)."""
    out: list[str] = []
    for top, bottom, chars in lines:
        if top >= y1 or bottom <= y0:
            continue
        found = [c for cx0, cy0, cx1, cy1, c in chars if cx0 < x1 and cx1 > x0 and cy0 < y1 and cy1 > y0]
        if found:
            out.append("".join(found))
    return "\n".join(out)


def quote_on_page(page: Any, rects: Sequence[Rect]) -> tuple[str, str, str]:
    """The text under ``rects`` on a PyMuPDF page, with a little context before and after.

    The page's text is extracted once (and kept for the next call on the same page), so a highlight of
    thousands of quads, or thousands of highlights on one page, cost one extraction.
    """
    lines, full = _page_text(page)
    parts: list[str] = []
    for x0, y0, x1, y1 in rects:
        # Shrink vertically: highlight quads usually reach into the lines above and below.
        inset = (y1 - y0) * 0.2
        parts.append(_flat(_text_in_box(lines, x0, y0 + inset, x1, y1 - inset)))
    quote = "".join(p for p in parts if p)
    if not quote:
        return "", "", ""
    at = full.find(quote)
    if at < 0:
        return quote, "", ""
    return quote, full[max(0, at - CONTEXT_CHARS):at], full[at + len(quote):at + len(quote) + CONTEXT_CHARS]


def _quads_to_rects(vertices: Sequence[Any] | None) -> list[Rect]:
    points = [(float(p[0]), float(p[1])) for p in (vertices or [])]
    rects: list[Rect] = []
    for i in range(0, len(points) - 3, 4):
        quad = points[i:i + 4]
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        rects.append((min(xs), min(ys), max(xs), max(ys)))
    return rects


def _rect(r: Any) -> Rect:
    return (float(r.x0), float(r.y0), float(r.x1), float(r.y1))


def _reply(info: dict[str, Any], fallback_date: str) -> dict[str, Any]:
    return {
        "author": str(info.get("title") or ""),
        "text": str(info.get("content") or ""),
        "created": pdf_date_to_iso(info.get("creationDate")) or pdf_date_to_iso(info.get("modDate")) or fallback_date,
    }


def read_pdf_annotations(
    doc: Any,
    *,
    packet_sha: str,
    packet_name: str,
    page_labels: Sequence[str] | None = None,
    categories: Sequence[str] = DEFAULT_CATEGORIES,
) -> tuple[list[Annotation], int]:
    """All comment annotations of an open PyMuPDF document, as Annotations of the packet ``packet_sha``.

    Returns the annotations and the number of annotations skipped (links, widgets, popups, attachments and
    shapes without any comment).
    """
    meta = doc.metadata or {}
    fallback_date = pdf_date_to_iso(meta.get("modDate")) or pdf_date_to_iso(meta.get("creationDate")) or now_iso()
    by_xref: dict[int, Annotation] = {}
    parent_of: dict[int, int] = {}
    group_children: list[tuple[int, int, Annotation]] = []
    ordered: list[tuple[int, Annotation]] = []
    skipped = 0
    seen = 0
    for page in doc:
        number = int(page.number)
        for annot in page.annots():
            seen += 1
            if seen > MAX_ANNOTATIONS_PER_IMPORT:
                raise _limit_refusal(packet_name, LimitError(
                    f"注釈が多すぎます（上限 {MAX_ANNOTATIONS_PER_IMPORT:,}件）",
                    f"The file has more than {MAX_ANNOTATIONS_PER_IMPORT:,} comments."))
            type_name = str(annot.type[1])
            info: dict[str, Any] = {k: storable(v) if isinstance(v, str) else v for k, v in annot.info.items()}
            content = str(info.get("content") or "").replace("\r\n", "\n").replace("\r", "\n")
            author = str(info.get("title") or "").strip() or "（作成者不明）"
            irt = int(annot.irt_xref or 0)
            if irt:
                rt = doc.xref_get_key(annot.xref, "RT")
                if rt[0] == "name" and rt[1] == "/Group":
                    group_children.append((annot.xref, irt, _placeholder(content)))
                    continue
                parent_of[annot.xref] = irt
                by_xref[annot.xref] = _placeholder(content, reply=_reply(info, fallback_date))
                continue
            if type_name in MARKUP_TYPES:
                kind = "highlight"
                rects = _quads_to_rects(annot.vertices) or [_rect(annot.rect)]
            elif type_name in NOTE_TYPES:
                kind = "note"
                rects = [_rect(annot.rect)]
            elif type_name in AREA_TYPES:
                kind = "area"
                rects = [_rect(annot.rect)]
            else:
                skipped += 1
                continue
            rects = [_on_page(r, page) for r in rects]
            quote, prefix, suffix = quote_on_page(page, rects) if kind == "highlight" else ("", "", "")
            created = pdf_date_to_iso(info.get("creationDate")) or pdf_date_to_iso(info.get("modDate")) or fallback_date
            modified = pdf_date_to_iso(info.get("modDate")) or created
            native = str(info.get("id") or "") or f"xref{annot.xref}"
            annotation = Annotation(
                file_sha256=packet_sha, file_name=packet_name, page=number,
                page_label=page_labels[number] if page_labels and number < len(page_labels) else str(number + 1),
                kind=kind, rects=[tuple(round(v, 3) for v in r) for r in rects],  # type: ignore[misc]
                category=map_category(info.get("subject"), categories), text=content, author=author,
                quote=quote, prefix=prefix, suffix=suffix,
                id=stable_id(native, packet_sha=packet_sha, page=number, author=author),
                created=created, modified=modified, origin="imported",
                extra={"source_type": type_name},
            )
            by_xref[annot.xref] = annotation
            ordered.append((annot.xref, annotation))

    def root(xref: int) -> Annotation | None:
        seen: set[int] = set()
        while xref in parent_of and xref not in seen:
            seen.add(xref)
            xref = parent_of[xref]
        found = by_xref.get(xref)
        return found if found is not None and "_reply" not in found.extra else None

    for xref, parent in parent_of.items():
        head = root(parent)
        reply = by_xref[xref].extra["_reply"]
        if head is None:
            skipped += 1
            continue
        head.extra.setdefault("replies", []).append(reply)
    for _xref, parent, child in group_children:
        head = root(parent)
        if head is not None and child.text and child.text not in head.text:
            head.text = f"{head.text}\n{child.text}".strip()
    result: list[Annotation] = []
    for _xref, annotation in ordered:
        replies = annotation.extra.get("replies")
        if replies:
            replies.sort(key=lambda r: str(r.get("created", "")))
        if not annotation.text and not annotation.quote and not replies:
            skipped += 1
            continue
        try:
            check_annotation(annotation, f"{annotation.page + 1}ページの注釈")
        except LimitError as exc:
            raise _limit_refusal(packet_name, exc) from None
        result.append(annotation)
    return result, skipped


def _limit_refusal(name: str, exc: LimitError) -> PackageError:
    return PackageError(f"注釈付きPDF「{name}」を取り込めません: {exc.message_ja}（何も取り込んでいません）",
                        f"The annotated PDF “{name}” cannot be imported: {exc.message_en} Nothing was imported.")


def _on_page(rect: Rect, page: Any) -> Rect:
    """``rect`` cut to the page: a hostile file may give any size (a huge box breaks the exports later)."""
    bound = page.cropbox
    width, height = float(bound.width), float(bound.height)

    def clamp(v: float, high: float) -> float:
        return 0.0 if not math.isfinite(v) else min(max(v, 0.0), high)

    return (clamp(rect[0], width), clamp(rect[1], height), clamp(rect[2], width), clamp(rect[3], height))


def _placeholder(text: str, reply: dict[str, Any] | None = None) -> Annotation:
    return Annotation(
        file_sha256="", file_name="", page=0, page_label="", kind="note", rects=[], category="", text=text,
        author="", extra={"_reply": reply} if reply is not None else {"_group": True},
    )


def check_same_document(
    doc: Any,
    *,
    page_count: int,
    page_sizes: Sequence[tuple[float, float]] | None,
    name: str,
    page_text: Callable[[int], str] | None = None,
) -> None:
    """Refuse an annotated PDF that is not a copy of the packet.

    Compares the page count, every page's size and (with ``page_text``, the packet's text of a page) the
    text of the first, middle and last pages. Annotations do not change a page's text, so a member's
    annotated copy passes; another document of the same length does not.
    """
    def refuse(why: str, en: str) -> PackageError:
        return PackageError(f"「{name}」は別のファイルです（{why}）。何も取り込んでいません。", f"“{name}” is a different file ({en}); nothing was imported.")

    if int(doc.page_count) != page_count:
        raise refuse(f"{doc.page_count}ページ、資料は{page_count}ページ", f"{doc.page_count} pages, the packet has {page_count}")
    for index, (width, height) in enumerate(page_sizes or ()):
        other_width, other_height = unrotated_size(doc[index])
        if abs(other_width - width) > 1 or abs(other_height - height) > 1:
            raise refuse(f"{index + 1}ページ目の大きさが資料と違います", f"page {index + 1} differs in size from the packet")
    if page_text is not None:
        for index in sorted({0, page_count // 2, page_count - 1}):
            if _flat(str(doc[index].get_text("text"))) != _flat(page_text(index)):
                raise refuse(f"{index + 1}ページ目の内容が資料と違います", f"the text of page {index + 1} differs from the packet")


def read_pdf_file(
    path: str | os.PathLike[str],
    *,
    packet_sha: str,
    packet_name: str,
    page_count: int | None = None,
    page_sizes: Sequence[tuple[float, float]] | None = None,
    page_labels: Sequence[str] | None = None,
    password: str | None = None,
    page_text: Callable[[int], str] | None = None,
) -> tuple[list[Annotation], int]:
    """Open an annotated PDF (a member's copy of the packet, or the packet itself) and read its comments."""
    path = Path(path)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise PackageError(f"PDFとして開けません: {path.name}", f"This file cannot be opened as a PDF: {path.name}.") from exc
    try:
        if doc.needs_pass and not (password and doc.authenticate(password)):
            raise PackageError(f"このPDFはパスワードで保護されています: {path.name}", f"This PDF is protected by a password: {path.name}.")
        if page_count is not None:
            check_same_document(doc, page_count=page_count, page_sizes=page_sizes, name=path.name,
                                page_text=page_text)
        return read_pdf_annotations(doc, packet_sha=packet_sha, packet_name=packet_name, page_labels=page_labels)
    finally:
        doc.close()
