"""A PDF packet: opening (with password), identity (SHA-256), page labels and text with positions.

PyMuPDF is not thread-safe: a ``Packet`` belongs to the thread that uses it. The GUI opens its own
``Packet`` per worker rather than sharing one.

Work budget: MuPDF cannot be interrupted while it reads a page, and a 7 KB page of nested form XObjects (each
drawing the previous twice, 40 levels) would keep it busy for days. So when a ``Packet`` is made, every page's
work is estimated without running it (:func:`page_work`: the page's content with every form XObject expanded,
including annotation appearances) and a page over :data:`reviewer.limits.MAX_PAGE_WORK_BYTES` is emptied in this
in-memory copy (never in the file): structure detection, page labels, search indexing and the text-layer check,
which all read this document, then see a page without text. :attr:`Packet.skipped_pages` says which pages and
why (:meth:`Packet.text_notice` is the message to show). :meth:`Packet.page_text` and :meth:`Packet.page_lines`
also stop reading pages once :data:`reviewer.limits.PACKET_TEXT_SECONDS` of extraction have been spent on the
packet, and raise :class:`TextCancelled` after :meth:`Packet.cancel_text`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.errors import PasswordRequired, PdfOpenError, ReviewerError
from reviewer.limits import MAX_PAGE_WORK_BYTES, PACKET_TEXT_SECONDS

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


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+\-])?\s*(\d{2})?'?(\d{2})?'?"
)


def pdf_date_to_iso(value: str | None) -> str | None:
    """``D:20210608161356+07'00'`` → ``2021-06-08T09:13:56.000Z`` (UTC); ``None`` when unreadable."""
    if not value:
        return None
    value = value.strip()
    match = _PDF_DATE.match(value)
    if match is None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
        try:
            tz: timezone = UTC
            if sign in ("+", "-") and tz_h:
                delta = timedelta(hours=int(tz_h), minutes=int(tz_m or 0))
                tz = timezone(delta if sign == "+" else -delta)
            parsed = datetime(
                int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0),
                tzinfo=tz,
            )
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
    not_pdf = PdfOpenError.not_a_pdf(path.name)
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


class TextCancelled(ReviewerError):
    """Reading the packet's text was cancelled (:meth:`Packet.cancel_text`)."""

    def __init__(self) -> None:
        super().__init__("文字の読み取りを中止しました", "Reading the text was cancelled.")


_DO = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s*Do\b")
_REF = re.compile(r"/([^\s/\[\]<>(){}%]+)\s+(\d+)\s+0\s+R")
_MAX_NESTING = 64


def _key(doc: Any, xref: int, key: str) -> tuple[str, str]:
    try:
        kind, value = doc.xref_get_key(xref, key)
    except Exception:  # a damaged object reads as absent
        return "null", "null"
    return str(kind), str(value)


def _xobject_refs(doc: Any, owner: int) -> dict[bytes, int]:
    """Name → xref of the XObjects in the /Resources of ``owner`` (a page climbs to its inherited ones)."""
    holder = owner
    for _ in range(_MAX_NESTING):
        kind, value = _key(doc, holder, "Resources/XObject")
        if kind != "null" or _key(doc, holder, "Resources")[0] != "null":
            break
        parent_kind, parent = _key(doc, holder, "Parent")
        if parent_kind != "xref":
            return {}
        holder = int(parent.split()[0])
    else:
        return {}
    if kind == "xref":
        try:
            value = str(doc.xref_object(int(value.split()[0]), compressed=True))
        except Exception:
            return {}
    elif kind != "dict":
        return {}
    return {name.encode("latin-1", "replace"): int(number) for name, number in _REF.findall(value)}


def _stream(doc: Any, xref: int) -> bytes:
    try:
        return bytes(doc.xref_stream(xref) or b"")
    except Exception:
        return b""


def _expanded(doc: Any, xref: int, data: bytes, owner: int, memo: dict[tuple[int, int], int],
              stack: set[int], limit: int) -> int:
    """Bytes of content ``data`` (of object ``xref``) runs, with the form XObjects it draws expanded."""
    total = len(data)
    if b"Do" not in data:
        return total
    names = _xobject_refs(doc, owner)
    for name in _DO.findall(data):
        child = names.get(name)
        if child is None or _key(doc, child, "Subtype")[1] != "/Form":
            continue  # images and unknown names cost no more than their operator
        if child in stack or len(stack) >= _MAX_NESTING:
            return limit + 1  # a form drawing itself: MuPDF stops it, but the page is hostile
        child_owner = child if _key(doc, child, "Resources")[0] != "null" else owner
        cost = memo.get((child, child_owner))
        if cost is None:
            stack.add(child)
            cost = _expanded(doc, child, _stream(doc, child), child_owner, memo, stack, limit)
            stack.discard(child)
            memo[(child, child_owner)] = cost
        total += cost
        if total > limit:
            return total
    return total


def _refs(value: str) -> list[int]:
    return [int(m) for m in re.findall(r"(\d+)\s+0\s+R", value)]


def page_work(doc: Any, index: int, limit: int = MAX_PAGE_WORK_BYTES,
              memo: dict[tuple[int, int], int] | None = None) -> int:
    """An estimate of the work hidden behind page ``index``: the most content bytes one of its form XObjects
    (or one annotation appearance) runs, with the forms it draws expanded as often as they are drawn.

    The page's own content is not counted: drawing a form a million times takes a million operators in the
    file, so that work is linear in the file's size; nesting is what multiplies it. Each form is decoded
    once (``memo`` may be shared across the pages of a document). Stops counting past ``limit``. Reads
    objects only (no page is loaded); a damaged page gives 0.
    """
    try:
        page_xref = int(doc.page_xref(index))
    except Exception:
        return 0
    memo = memo if memo is not None else {}
    roots = [(x, x if _key(doc, x, "Resources")[0] != "null" else page_xref)
             for x in _xobject_refs(doc, page_xref).values() if _key(doc, x, "Subtype")[1] == "/Form"]
    kind, value = _key(doc, page_xref, "Annots")
    if kind == "xref":
        try:
            value = str(doc.xref_object(_refs(value)[0], compressed=True))
        except Exception:
            value = ""
    for annot in _refs(value) if kind in ("array", "xref") else []:
        ap_kind, ap = _key(doc, annot, "AP/N")
        for form in _refs(ap)[:1] if ap_kind == "xref" else []:
            roots.append((form, form if _key(doc, form, "Resources")[0] != "null" else page_xref))
    worst = 0
    for form, owner in roots:
        cost = memo.get((form, owner))
        if cost is None:
            cost = _expanded(doc, form, _stream(doc, form), owner, memo, {form}, limit)
            memo[(form, owner)] = cost
        worst = max(worst, cost)
        if worst > limit:
            break
    return worst


def _empty_page(doc: Any, index: int) -> None:
    """Make page ``index`` of this in-memory document draw nothing (the file is not touched)."""
    page_xref = int(doc.page_xref(index))
    empty = doc.get_new_xref()
    doc.update_object(empty, "<<>>")
    doc.update_stream(empty, b" ")
    doc.xref_set_key(page_xref, "Contents", f"{empty} 0 R")
    doc.xref_set_key(page_xref, "Annots", "[]")


def empty_complex_pages(doc: Any, limit: int = MAX_PAGE_WORK_BYTES) -> dict[int, str]:
    """Empty every page whose :func:`page_work` exceeds ``limit``; returns page index → reason (Japanese)."""
    skipped: dict[int, str] = {}
    memo: dict[tuple[int, int], int] = {}
    for index in range(int(doc.page_count)):
        if page_work(doc, index, limit, memo) > limit:
            try:
                _empty_page(doc, index)
            except Exception:
                log.warning("page %d: could not set aside its content", index, exc_info=True)
                continue
            skipped[index] = "内容が複雑すぎます（図形の入れ子など）"
            log.info("page %d set aside: its content is too complex to read", index)
    return skipped


class Packet:
    """An opened PDF. Use :meth:`open`; close it (or use it as a context manager) when done.

    Pages too complex to read are emptied in this in-memory copy when the packet is made (see the module
    docstring); :attr:`skipped_pages` lists them with the reason.
    """

    def __init__(self, path: Path, doc: Any, sha256: str) -> None:
        self.path = path
        self.doc = doc
        self.sha256 = sha256
        self.skipped_pages: dict[int, str] = empty_complex_pages(doc)
        self._text_seconds = 0.0
        self._cancel = threading.Event()

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

    def cancel_text(self) -> None:
        """Make the next :meth:`page_text` / :meth:`page_lines` call raise :class:`TextCancelled`."""
        self._cancel.set()

    def text_notice(self) -> str:
        """What to tell the member about pages whose text is not read ("" when every page is read)."""
        if not self.skipped_pages:
            return ""
        pages = "、".join(f"{i + 1}" for i in sorted(self.skipped_pages)[:10])
        more = f" ほか{len(self.skipped_pages) - 10}ページ" if len(self.skipped_pages) > 10 else ""
        reasons = "・".join(sorted(set(self.skipped_pages.values())))
        return (f"「{self.name}」の {pages}{more} ページ目は文字を読み取りませんでした（{reasons}）。"
                "これらのページは文字のないページとして扱います（検索・構造の検出の対象外）。")

    def _may_read(self, index: int) -> bool:
        if self._cancel.is_set():
            raise TextCancelled()
        if index in self.skipped_pages:
            return False
        if self._text_seconds > PACKET_TEXT_SECONDS:
            self.skipped_pages[index] = f"読み取りの時間の上限（{PACKET_TEXT_SECONDS:.0f}秒）を超えました"
            log.info("page %d of %s not read: the packet's text time budget is spent", index, self.name)
            return False
        return True

    def page_text(self, index: int) -> str:
        """The plain text of page ``index`` ("" for a page that is not read, see :attr:`skipped_pages`)."""
        if not self._may_read(index):
            return ""
        started = time.monotonic()
        try:
            return str(self.doc[index].get_text("text", sort=False))
        finally:
            self._text_seconds += time.monotonic() - started

    def page_lines(self, index: int) -> list[TextLine]:
        """Every text line of a page with per-character boxes, in the text layer's order (none for a page
        that is not read, see :attr:`skipped_pages`)."""
        if not self._may_read(index):
            return []
        started = time.monotonic()
        try:
            return self._page_lines(index)
        finally:
            self._text_seconds += time.monotonic() - started

    def page_raw_blocks(self, index: int) -> list[dict[str, Any]]:
        """The page's text blocks as MuPDF's ``rawdict`` gives them (what :meth:`page_lines` is built from), under
        the same reading rules (none for a page that is not read). For a reader of every character that cannot
        afford a Python object per character (the search index)."""
        if not self._may_read(index):
            return []
        started = time.monotonic()
        try:
            return self._raw_blocks(index)
        finally:
            self._text_seconds += time.monotonic() - started

    def _raw_blocks(self, index: int) -> list[dict[str, Any]]:
        raw = self.doc[index].get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
        return list(raw.get("blocks", ()))

    def _page_lines(self, index: int) -> list[TextLine]:
        lines: list[TextLine] = []
        for block in self._raw_blocks(index):
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
