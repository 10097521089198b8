"""XFDF files exported from Acrobat (``http://ns.adobe.com/xfdf/``).

``<annots>`` holds one element per annotation (``text``, ``highlight``, ``underline``, ``strikeout``,
``squiggly``, ``freetext``, ``square``, ``circle``, ``polygon``, ``polyline``, ``line``, ``ink``, ``stamp``,
``caret``) with a 0-based ``page``, a ``rect`` (and ``coords`` quads for text markup) in PDF user space
(origin bottom-left), ``title`` (author), ``subject``, ``date``/``creationdate``, ``name`` and ``inreplyto``.
Coordinates are converted to page space with each page's PDF→page matrix.

The parser (``defusedxml``, in whatever encoding the file declares or its bytes show, BOM or not) refuses any
document type declaration, entity or external reference, and validates every element before returning
anything: a malformed file is refused whole. Page numbers are ASCII digits (at most 6), coordinates finite
and within ±:data:`reviewer.limits.MAX_COORDINATE`, comments within :data:`reviewer.limits.MAX_COMMENT_CHARS`
and a file within :data:`reviewer.limits.MAX_ANNOTATIONS_PER_IMPORT` annotations.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from reviewer.annotations import DEFAULT_CATEGORIES, Annotation, Rect, now_iso
from reviewer.document import pdf_date_to_iso
from reviewer.exchange import PackageError
from reviewer.exchange.pdf_annots import (
    AREA_TYPES,
    MARKUP_TYPES,
    NOTE_TYPES,
    QuoteFn,
    map_category,
    stable_id,
)
from reviewer.limits import (
    MAX_ANNOTATIONS_PER_IMPORT,
    MAX_COORDINATE,
    MAX_QUADS_PER_ANNOTATION,
    LimitError,
    check_annotation,
)

XFDF_NS = "http://ns.adobe.com/xfdf/"
MAX_XFDF_BYTES = 64 * 1024 * 1024
Matrix = tuple[float, float, float, float, float, float]
_PAGE = re.compile(r"[0-9]{1,6}")
_TYPES = {name.lower(): name for name in (*MARKUP_TYPES, *NOTE_TYPES, *AREA_TYPES)}


class _Refuse(Exception):
    pass


def page_matrix_for_height(height: float) -> Matrix:
    """The PDF→page matrix of an unrotated page whose MediaBox starts at the origin."""
    return (1.0, 0.0, 0.0, -1.0, 0.0, height)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _numbers(text: str | None, what: str) -> list[float]:
    if not text:
        raise _Refuse(f"{what}がありません")
    try:
        values = [float(v) for v in re.split(r"[,\s]+", text.strip()) if v]
    except ValueError:
        raise _Refuse(f"{what}が数値ではありません: {text[:40]!r}") from None
    if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in values):
        raise _Refuse(f"{what}の座標が範囲外です（±{MAX_COORDINATE:,.0f}まで）")
    return values


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _box(points: Sequence[tuple[float, float]]) -> Rect:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (round(min(xs), 3), round(min(ys), 3), round(max(xs), 3), round(max(ys), 3))


def _contents(element: ET.Element) -> str:
    for child in element:
        if _local(child.tag) == "contents":
            return (child.text or "").replace("\r\n", "\n").replace("\r", "\n")
    for child in element:
        if _local(child.tag) == "contents-richtext":
            return "".join(child.itertext()).strip()
    return ""


def parse_xfdf(
    data: bytes,
    *,
    packet_sha: str,
    packet_name: str,
    page_matrices: Sequence[Matrix],
    page_labels: Sequence[str] | None = None,
    quote: QuoteFn | None = None,
    origin_name: str = "XFDF",
    categories: Sequence[str] = DEFAULT_CATEGORIES,
) -> list[Annotation]:
    """Parse an XFDF document into Annotations of the packet, or raise :class:`PackageError` (nothing kept).

    Args:
        page_matrices: for each page of the packet, the matrix mapping PDF user space to page space
            (:func:`reviewer.exchange.pdf_annots.pdf_to_page_matrix`); also bounds the page numbers.
        quote: returns (quote, prefix, suffix) for a page and its rects, to fill the quote of text markup.
    """
    try:
        return _parse(data, packet_sha=packet_sha, packet_name=packet_name, page_matrices=page_matrices,
                      page_labels=page_labels, quote=quote, categories=categories)
    except _Refuse as exc:
        raise PackageError(
            f"XFDFファイル「{origin_name}」を取り込めません: {exc}（何も取り込んでいません）",
            f"The XFDF file “{origin_name}” cannot be imported; nothing was imported.",
        ) from None


def _parse(
    data: bytes,
    *,
    packet_sha: str,
    packet_name: str,
    page_matrices: Sequence[Matrix],
    page_labels: Sequence[str] | None,
    quote: QuoteFn | None,
    categories: Sequence[str],
) -> list[Annotation]:
    if len(data) > MAX_XFDF_BYTES:
        raise _Refuse("ファイルが大きすぎます")
    try:
        root = defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _Refuse("DTD・実体宣言を含むXMLは安全のため読みません") from None
    except (ET.ParseError, ValueError, UnicodeError, RecursionError) as exc:
        raise _Refuse(f"XMLとして読めません（{type(exc).__name__}）") from None
    if _local(root.tag) != "xfdf":
        raise _Refuse("XFDF（<xfdf>）ではありません")
    annots = [child for child in root if _local(child.tag) == "annots"]
    parsed: list[tuple[str, Annotation]] = []
    replies: list[tuple[str, dict[str, str], str]] = []
    fallback_date = now_iso()
    seen: set[str] = set()
    total = sum(len(container) for container in annots)
    if total > MAX_ANNOTATIONS_PER_IMPORT:
        raise _Refuse(f"注釈が多すぎます（{total:,}件、上限 {MAX_ANNOTATIONS_PER_IMPORT:,}件）")
    for container in annots:
        for index, element in enumerate(container, start=1):
            where = f"{index}件目の注釈（<{_local(element.tag)}>）"
            type_name = _TYPES.get(_local(element.tag))
            if type_name is None:
                continue  # popups, links, sounds, attachments carry no comment
            page_text = element.get("page")
            if page_text is None or not page_text.strip():
                raise _Refuse(f"{where}のページ番号がありません")
            if not _PAGE.fullmatch(page_text.strip()):
                raise _Refuse(f"{where}のページ番号が正しくありません: {page_text.strip()[:20]!r}")
            page = int(page_text)
            if page >= len(page_matrices):
                raise _Refuse(f"{where}のページ {page + 1} は資料の範囲（{len(page_matrices)}ページ）外です")
            matrix = page_matrices[page]
            rect_values = _numbers(element.get("rect"), f"{where}の rect")
            if len(rect_values) != 4:
                raise _Refuse(f"{where}の rect は4つの数値が必要です")
            x0, y0, x1, y1 = rect_values
            box = _box([_apply(matrix, x0, y0), _apply(matrix, x1, y1)])
            rects = [box]
            if type_name in MARKUP_TYPES and element.get("coords"):
                coords = _numbers(element.get("coords"), f"{where}の coords")
                if len(coords) % 8:
                    raise _Refuse(f"{where}の coords は8の倍数個の数値が必要です")
                if len(coords) // 8 > MAX_QUADS_PER_ANNOTATION:
                    raise _Refuse(f"{where}の coords が多すぎます（上限 {MAX_QUADS_PER_ANNOTATION:,}個）")
                rects = [
                    _box([_apply(matrix, coords[i + j], coords[i + j + 1]) for j in range(0, 8, 2)])
                    for i in range(0, len(coords), 8)
                ]
            author = (element.get("title") or "").strip() or "（作成者不明）"
            text = _contents(element)
            created = (pdf_date_to_iso(element.get("creationdate")) or pdf_date_to_iso(element.get("date"))
                       or fallback_date)
            modified = pdf_date_to_iso(element.get("date")) or created
            native = element.get("name") or f"{type_name}-{page}-{index}"
            reply_to = element.get("inreplyto")
            if reply_to:
                if (element.get("replyType") or element.get("replytype") or "").lower() == "group":
                    replies.append((reply_to, {"group": text}, ""))
                else:
                    replies.append((reply_to, {"author": author, "text": text, "created": created}, native))
                continue
            kind = "highlight" if type_name in MARKUP_TYPES else "note" if type_name in NOTE_TYPES else "area"
            quoted = quote(page, rects) if (quote is not None and kind == "highlight") else ("", "", "")
            ann_id = stable_id(native, packet_sha=packet_sha, page=page, author=author)
            if ann_id in seen:
                raise _Refuse(f"{where}の name が重複しています")
            seen.add(ann_id)
            parsed.append((native, Annotation(
                file_sha256=packet_sha, file_name=packet_name, page=page,
                page_label=page_labels[page] if page_labels and page < len(page_labels) else str(page + 1),
                kind=kind, rects=rects, category=map_category(element.get("subject"), categories), text=text,
                author=author, quote=quoted[0], prefix=quoted[1], suffix=quoted[2], id=ann_id,
                created=created, modified=modified, origin="imported", extra={"source_type": type_name},
            )))
    by_name = {native: annotation for native, annotation in parsed}
    parent_of_reply = {native: parent for parent, _r, native in replies if native}
    for parent, reply, _native in replies:
        seen_chain: set[str] = set()
        while parent not in by_name and parent in parent_of_reply and parent not in seen_chain:
            seen_chain.add(parent)
            parent = parent_of_reply[parent]
        head = by_name.get(parent)
        if head is None:
            continue
        if "group" in reply:
            if reply["group"] and reply["group"] not in head.text:
                head.text = f"{head.text}\n{reply['group']}".strip()
        else:
            head.extra.setdefault("replies", []).append(reply)
    kept = [a for _n, a in parsed if a.text or a.quote or a.extra.get("replies")]
    for number, annotation in enumerate(kept, start=1):
        try:
            check_annotation(annotation, f"{number}件目の注釈")
        except LimitError as exc:
            raise _Refuse(exc.message_ja) from None
    return kept


def read_xfdf(path: str | os.PathLike[str], **kwargs: object) -> list[Annotation]:
    """Read an XFDF file; see :func:`parse_xfdf` for the keyword arguments."""
    path = Path(path)
    kwargs.setdefault("origin_name", path.name)
    return parse_xfdf(path.read_bytes(), **kwargs)  # type: ignore[arg-type]
