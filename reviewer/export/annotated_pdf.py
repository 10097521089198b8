"""A copy of the packet with the comments as standard PDF annotations, for Acrobat and other readers.

Highlights become Highlight annotations (one quad per rect), area comments Square annotations and notes
sticky-note Text annotations. Each carries the author (``/T``), the comment (``/Contents``), the category as
subject (``/Subj``), the comment's id (``/NM``, so importing the copy again finds the same comments), its
dates, the category's colour and a closed popup. Replies become Text annotations ``/IRT`` their comment.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pymupdf

from reviewer.annotations import Annotation
from reviewer.atomic import export_path
from reviewer.errors import PasswordRequired, PdfOpenError


def _rgb(hex_color: str) -> tuple[float, float, float]:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def _pdf_date(iso: str) -> str:
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = datetime.now(UTC)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def _set_string(doc: pymupdf.Document, xref: int, key: str, value: str) -> None:
    doc.xref_set_key(xref, key, pymupdf.get_pdf_str(value))


def _popup_rect(page: pymupdf.Page, anchor: pymupdf.Rect) -> pymupdf.Rect:
    width, height = 220.0, 110.0
    x0 = min(max(anchor.x1 + 6, 0), max(0.0, page.rect.width - width))
    y0 = min(max(anchor.y0, 0), max(0.0, page.rect.height - height))
    return pymupdf.Rect(x0, y0, x0 + width, y0 + height)


def add_annotation(doc: pymupdf.Document, a: Annotation) -> int:
    """Add ``a`` to its page of ``doc`` and return the new annotation's xref."""
    page = doc[a.page]
    rects = [pymupdf.Rect(r) for r in a.rects] or [pymupdf.Rect(36, 36, 56, 56)]
    color = _rgb(a.color)
    if a.kind == "highlight":
        annot = page.add_highlight_annot(quads=[r.quad for r in rects])
    elif a.kind == "area":
        annot = page.add_rect_annot(rects[0])
        annot.set_border(width=1.5)
    else:
        annot = page.add_text_annot(pymupdf.Point(rects[0].x0, rects[0].y0), a.text or " ", icon="Comment")
    annot.set_info(title=a.author, content=a.text, subject=a.category)
    annot.set_colors(stroke=color)
    if a.kind == "highlight":
        annot.set_opacity(0.45)
    annot.update()
    annot.set_popup(_popup_rect(page, annot.rect))
    annot.set_open(False)
    xref = int(annot.xref)
    _set_string(doc, xref, "NM", a.id)
    _set_string(doc, xref, "CreationDate", _pdf_date(a.created))
    _set_string(doc, xref, "M", _pdf_date(a.modified))
    for reply in a.extra.get("replies", []) or []:
        if not isinstance(reply, dict):
            continue
        point = pymupdf.Point(rects[0].x1, rects[0].y0)
        child = page.add_text_annot(point, str(reply.get("text", "")) or " ", icon="Comment")
        child.set_info(title=str(reply.get("author", "")), content=str(reply.get("text", "")), subject=a.category)
        child.update()
        doc.xref_set_key(child.xref, "IRT", f"{xref} 0 R")
        _set_string(doc, child.xref, "CreationDate", _pdf_date(str(reply.get("created", a.modified))))
    return xref


def write_annotated_pdf(
    source: str | os.PathLike[str],
    annotations: Sequence[Annotation],
    out: str | os.PathLike[str],
    *,
    password: str | None = None,
) -> int:
    """Write a copy of ``source`` with ``annotations`` added; returns the number added.

    An encrypted source keeps its encryption in the copy.
    """
    source = Path(source)
    try:
        doc = pymupdf.open(source, filetype="pdf")
    except Exception as exc:
        raise PdfOpenError(f"PDFとして開けません: {source.name}", f"cannot open {source}: {exc}") from exc
    try:
        encrypted = bool(doc.needs_pass)
        if encrypted and not (password and doc.authenticate(password)):
            raise PasswordRequired(str(source), wrong_password=bool(password))
        added = 0
        for a in sorted(annotations, key=lambda a: (a.page, a.top)):
            if 0 <= a.page < doc.page_count:
                add_annotation(doc, a)
                added += 1
        with export_path(out) as tmp:
            if encrypted:
                doc.save(str(tmp), encryption=pymupdf.PDF_ENCRYPT_KEEP)
            else:
                doc.save(str(tmp), garbage=1, deflate=True)
        return added
    finally:
        doc.close()
