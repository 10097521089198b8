"""A copy of the packet with the comments as standard PDF annotations, for Acrobat and other readers.

Highlights become Highlight annotations (one quad per rect), area comments Square annotations and notes
sticky-note Text annotations. Each carries the author (``/T``), the comment (``/Contents``), the category as
subject (``/Subj``), the comment's id (``/NM``, so importing the copy again finds the same comments), its
dates, the category's colour and a closed popup. Replies become Text annotations ``/IRT`` their comment.
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.annotations import Annotation
from reviewer.atomic import ExportError, export_path
from reviewer.errors import PasswordRequired, PdfOpenError
from reviewer.limits import clean_text

PROGRESS_EVERY = 500
PAGE_BATCH = 200  # annotations added to a page while its earlier ones are set aside (see _add_batch)


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


def _clamp(value: float, low: float, high: float) -> float:
    return low if not math.isfinite(value) else min(max(value, low), high)


def safe_rects(rects: Sequence[Sequence[float]], width: float, height: float) -> list[pymupdf.Rect]:
    """``rects`` cut to the page (width × height), whatever the store holds (huge, inverted, NaN, empty).

    Rects that vanish on the page are dropped; when none is left, a small box at the top left stands in.
    """
    out: list[pymupdf.Rect] = []
    for rect in rects:
        try:
            x0, y0, x1, y1 = (float(v) for v in rect)
        except (TypeError, ValueError):
            continue
        x0, x1 = sorted((_clamp(x0, 0.0, width), _clamp(x1, 0.0, width)))
        y0, y1 = sorted((_clamp(y0, 0.0, height), _clamp(y1, 0.0, height)))
        if x1 - x0 >= 0.5 and y1 - y0 >= 0.5:
            out.append(pymupdf.Rect(x0, y0, x1, y1))
    return out or [pymupdf.Rect(36, 36, 56, 56) & pymupdf.Rect(0, 0, width, height)]


def _replies(a: Annotation) -> list[dict[str, Any]]:
    """The replies of ``a`` that are well-formed (a damaged store or package may hold anything)."""
    replies = a.extra.get("replies") if isinstance(a.extra, dict) else None
    return [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []


@contextlib.contextmanager
def _fast_annotation_names() -> Iterator[None]:
    """Give new annotations a unique /NM without PyMuPDF's scan of every name on the page.

    PyMuPDF names each new annotation by listing all annotations of its page (``JM_add_annot_id``): 10,000
    notes on one page cost 10,000 scans. Every name is replaced by the comment's id right after, so a
    unique placeholder is enough. Without that internal (another PyMuPDF), nothing is changed (only slower).
    """
    original = getattr(pymupdf, "JM_add_annot_id", None)
    if original is None:
        yield
        return

    def add_annot_id(annot: Any, stem: str) -> None:
        name = f"pia-{stem}-{uuid.uuid4().hex}"
        pymupdf.mupdf.pdf_dict_puts(pymupdf.mupdf.pdf_annot_obj(annot), "NM",
                                    pymupdf.mupdf.pdf_new_string(name, len(name)))

    pymupdf.JM_add_annot_id = add_annot_id
    try:
        yield
    finally:
        pymupdf.JM_add_annot_id = original


def add_annotation(doc: pymupdf.Document, a: Annotation, page: pymupdf.Page | None = None) -> int:
    """Add ``a`` to its page of ``doc`` (or to ``page``, already loaded) and return the new annotation's xref."""
    page = page if page is not None else doc[a.page]
    width, height = float(page.rect.width), float(page.rect.height)
    rects = safe_rects(a.rects, width, height)
    color = _rgb(a.color)
    text, author, category = clean_text(a.text), clean_text(a.author), clean_text(a.category)
    if a.kind == "highlight":
        annot = page.add_highlight_annot(quads=[r.quad for r in rects])
    elif a.kind == "area":
        annot = page.add_rect_annot(rects[0])
        annot.set_border(width=1.5)
    else:
        annot = page.add_text_annot(pymupdf.Point(rects[0].x0, rects[0].y0), text or " ", icon="Comment")
    annot.set_info(title=author, content=text, subject=category)
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
    for reply in _replies(a):
        point = pymupdf.Point(min(rects[0].x1, width - 20), rects[0].y0)
        reply_text = clean_text(str(reply.get("text", "")))
        child = page.add_text_annot(point, reply_text or " ", icon="Comment")
        child.set_info(title=clean_text(str(reply.get("author", ""))), content=reply_text, subject=category)
        child.update()
        doc.xref_set_key(child.xref, "IRT", f"{xref} 0 R")
        _set_string(doc, child.xref, "CreationDate", _pdf_date(str(reply.get("created", a.modified))))
    return xref


def _annots_array(doc: pymupdf.Document, page_xref: int) -> str:
    """The inside of the page's /Annots array ("" when there is none), direct or by reference."""
    kind, value = doc.xref_get_key(page_xref, "Annots")
    if kind == "xref":
        value = doc.xref_object(int(value.split()[0]), compressed=True)
        kind = "array" if value.strip().startswith("[") else kind
    return value.strip()[1:-1].strip() if kind == "array" else ""


def _add_batch(doc: pymupdf.Document, number: int, items: Sequence[Annotation]) -> None:
    """Add ``items`` to page ``number`` while the page lists only them, then restore the full /Annots.

    MuPDF's appearance update walks every annotation of the page, so adding n notes to one page costs n²;
    with the page's earlier annotations set aside during the batch, each batch costs the same.
    """
    page_xref = int(doc[number].xref)
    before = _annots_array(doc, page_xref)
    doc.xref_set_key(page_xref, "Annots", "[]")
    page = doc.load_page(number)
    try:
        for a in items:
            add_annotation(doc, a, page)
    finally:
        page = None  # the loaded page must not outlive the /Annots it was loaded with
        added = _annots_array(doc, page_xref)
        doc.xref_set_key(page_xref, "Annots", f"[{before} {added}]".replace("[ ", "[").replace(" ]", "]"))


def write_annotated_pdf(
    source: str | os.PathLike[str],
    annotations: Sequence[Annotation],
    out: str | os.PathLike[str],
    *,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write a copy of ``source`` with ``annotations`` added; returns the number added.

    An encrypted source keeps its encryption in the copy. ``progress(done, total)`` is called every
    :data:`PROGRESS_EVERY` comments and at the end; when ``cancelled()`` turns true the export stops with an
    :class:`ExportError` and ``out`` is left as it was. Rects outside the page are cut to it.
    """
    source = Path(source)
    try:
        doc = pymupdf.open(source, filetype="pdf")
    except Exception as exc:
        raise PdfOpenError(f"PDFとして開けません: {source.name}", f"This file cannot be opened as a PDF: {source.name}.") from exc
    try:
        encrypted = bool(doc.needs_pass)
        if encrypted and not (password and doc.authenticate(password)):
            raise PasswordRequired(str(source), wrong_password=bool(password))
        wanted = sorted((a for a in annotations if 0 <= a.page < doc.page_count), key=lambda a: (a.page, a.top))
        total = len(wanted)
        added = 0
        by_page: dict[int, list[Annotation]] = {}
        for a in wanted:
            by_page.setdefault(a.page, []).append(a)
        with _fast_annotation_names():
            for number, items in by_page.items():
                for start in range(0, len(items), PAGE_BATCH):
                    _add_batch(doc, number, items[start:start + PAGE_BATCH])
                    for _ in items[start:start + PAGE_BATCH]:
                        added += 1
                        if added % PROGRESS_EVERY == 0:
                            if cancelled is not None and cancelled():
                                raise ExportError(
                                    "注釈付きPDFの書き出しを中止しました（ファイルは変わっていません）",
                                    "The annotated PDF export was cancelled; no file was changed.")
                            if progress is not None:
                                progress(added, total)
        if progress is not None:
            progress(added, total)
        with export_path(out) as tmp:
            if encrypted:
                doc.save(str(tmp), encryption=pymupdf.PDF_ENCRYPT_KEEP)
            else:
                doc.save(str(tmp), garbage=1, deflate=True)
        return added
    finally:
        doc.close()
