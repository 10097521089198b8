"""A PDF packet: opening (with password), identity (SHA-256), page labels and text with positions.

PyMuPDF is not thread-safe: a ``Packet`` belongs to the thread that uses it. The GUI opens its own
``Packet`` per worker rather than sharing one.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.errors import PasswordRequired, PdfOpenError

log = logging.getLogger("reviewer.document")

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

Rect = tuple[float, float, float, float]


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class TextChar:
    """One character of the text layer, with its box in PDF page space (origin top-left, points)."""

    c: str
    bbox: Rect


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line as the text layer gives it, with its characters in that order."""

    text: str
    bbox: Rect
    chars: tuple[TextChar, ...]
    size: float


def open_pdf(path: str | os.PathLike[str], password: str | None = None) -> Any:
    """The PyMuPDF document of ``path``, checked the way every opener of a packet must check it (a PDF by its
    header, the password, at least one readable page), without hashing the file. Raises :class:`PdfOpenError` or
    :class:`PasswordRequired` with a clear message. The caller owns (and closes) the document."""
    path = Path(path)
    if not path.is_file():
        raise PdfOpenError(f"ファイルが見つかりません: {path}", f"File not found: {path}.")
    if path.stat().st_size == 0:
        raise PdfOpenError(f"ファイルが空です（0バイト）: {path.name}", f"The file is empty (0 bytes): {path.name}.")
    not_pdf = PdfOpenError(
        f"PDFとして開けません（壊れているか、PDFではありません）: {path.name}",
        f"This file cannot be opened as a PDF (it is damaged or not a PDF): {path.name}.",
    )
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        # MuPDF would happily open a PNG or a text file renamed .pdf as an "image document".
        raise not_pdf
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        raise not_pdf from exc
    if not doc.is_pdf:
        doc.close()
        raise not_pdf
    # Read needs_pass before authenticate(): reading it afterwards reports 1 again and breaks text.
    if doc.needs_pass:
        if not password or not doc.authenticate(password):
            doc.close()
            raise PasswordRequired(str(path), wrong_password=bool(password))
    try:
        # MuPDF may repair a damaged file on first page access and change its page count; touch the
        # first and last page now so that what we report is what the document really has. One broken
        # page (the last) does not make the rest unreadable: readers of pages handle it per page.
        count = doc.page_count
        readable = False
        for index in [0, count - 1, *range(1, min(count, 50))] if count > 0 else []:
            try:
                doc.load_page(index)
                readable = True
            except Exception as exc:
                log.warning("page %d of %s unreadable: %s", index, path.name, type(exc).__name__)
            if readable and index == count - 1:
                break
        count = doc.page_count if readable else 0
    except Exception as exc:
        doc.close()
        raise PdfOpenError(
            f"ページを読み込めません（壊れたPDFの可能性があります）: {path.name}",
            f"The pages cannot be read (the PDF may be damaged): {path.name}.",
        ) from exc
    if count == 0:
        doc.close()
        raise PdfOpenError(
            f"ページがありません（壊れたPDFの可能性があります）: {path.name}",
            f"The PDF has no pages (it may be damaged): {path.name}.",
        )
    return doc


class Packet:
    """An opened PDF. Use :meth:`open`; close it (or use it as a context manager) when done."""

    def __init__(self, path: Path, doc: Any, sha256: str) -> None:
        self.path = path
        self.doc = doc
        self.sha256 = sha256

    @classmethod
    def open(cls, path: str | os.PathLike[str], password: str | None = None) -> Packet:
        """Open ``path``. Raises :class:`PdfOpenError` or :class:`PasswordRequired` with a clear message."""
        path = Path(path)
        return cls(path, open_pdf(path, password), file_sha256(path))

    def close(self) -> None:
        self.doc.close()

    def __enter__(self) -> Packet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def page_count(self) -> int:
        return int(self.doc.page_count)

    @property
    def name(self) -> str:
        return self.path.name

    def page_size(self, index: int) -> tuple[float, float]:
        rect = self.doc[index].rect
        return float(rect.width), float(rect.height)

    @cached_property
    def page_labels(self) -> list[str]:
        """The label of every page as printed or declared (資料 page numbers), falling back to 1-based indexes."""
        from reviewer.page_labels import read_page_labels

        return read_page_labels(self.doc)

    def page_text(self, index: int) -> str:
        return str(self.doc[index].get_text("text", sort=False))

    def page_lines(self, index: int) -> list[TextLine]:
        """Every text line of a page with per-character boxes, in the text layer's order."""
        page = self.doc[index]
        raw = page.get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
        lines: list[TextLine] = []
        for block in raw.get("blocks", ()):
            for line in block.get("lines", ()):
                chars: list[TextChar] = []
                size = 0.0
                for span in line.get("spans", ()):
                    size = max(size, float(span.get("size", 0.0)))
                    for ch in span.get("chars", ()):
                        chars.append(TextChar(ch["c"], tuple(ch["bbox"])))
                if chars:
                    text = "".join(ch.c for ch in chars)
                    lines.append(TextLine(text, tuple(line["bbox"]), tuple(chars), size))
        return lines

    def toc(self) -> list[tuple[int, str, int]]:
        """The PDF's bookmarks as (level, title, 0-based page); empty when there are none or they are broken."""
        try:
            entries = self.doc.get_toc(simple=True)
        except Exception:
            log.warning("bookmarks unreadable in %s", self.path.name)
            return []
        return [(int(level), str(title), int(page) - 1) for level, title, page in entries]
