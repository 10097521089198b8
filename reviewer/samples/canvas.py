"""A tiny PDF page canvas that writes content-stream operators directly.

The generator draws tens of thousands of text lines and cell borders; going through one PyMuPDF call per
line costs seconds, so each page's operators are collected as strings here and written once. Text is shown
with the bundled IPAexGothic embedded once as a Type0/Identity-H font (glyph ids as codes) and subset on
save. Coordinates are PDF points with the origin at the top-left, as everywhere else in the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

from reviewer.paths import bundled_font

PAGE_WIDTH = 595.28
PAGE_HEIGHT = 841.89
FONT_NAME = "F0"


class FontMetrics:
    """Glyph ids and advances of the bundled font, cached per character."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or bundled_font()
        self._font: Any = pymupdf.Font(fontfile=str(self.path))
        self.ascender = float(self._font.ascender)
        self._codes: dict[str, str] = {}
        self._advances: dict[str, float] = {}

    def encode(self, text: str) -> str:
        """The text as a hex string of 4-digit glyph ids (Identity-H)."""
        codes = self._codes
        out: list[str] = []
        for ch in text:
            code = codes.get(ch)
            if code is None:
                code = codes[ch] = f"{int(self._font.has_glyph(ord(ch))):04x}"
            out.append(code)
        return "".join(out)

    def to_unicode_cmap(self) -> bytes:
        """A ToUnicode CMap for every glyph shown so far, mapping each glyph id to the character drawn with it.

        The font's own map sends a glyph shared by several code points to the last of them (U+0020 to
        U+00A0, '-' to U+2012), which would make the extracted text differ from what was written.
        """
        by_code: dict[str, str] = {}
        for ch, code in self._codes.items():
            by_code.setdefault(code, ch)
        entries = sorted(by_code.items())
        out = [
            "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            chunk = entries[start:start + 100]
            out.append(f"{len(chunk)} beginbfchar")
            out.extend(f"<{code}> <{ch.encode('utf-16-be').hex().upper()}>" for code, ch in chunk)
            out.append("endbfchar")
        out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return ("\n".join(out) + "\n").encode("ascii")

    def advance(self, ch: str) -> float:
        """Advance width of ``ch`` at 1pt."""
        width = self._advances.get(ch)
        if width is None:
            width = self._advances[ch] = float(self._font.glyph_advance(ord(ch)))
        return width

    def advances_for(self, text: str) -> dict[str, float]:
        """The advance table, made sure to hold every character of ``text``."""
        table = self._advances
        for ch in set(text).difference(table):
            table[ch] = float(self._font.glyph_advance(ord(ch)))
        return table

    def width(self, text: str, size: float) -> float:
        return sum(self.advance(ch) for ch in text) * size

    def top(self, baseline: float, size: float) -> float:
        """Where text extraction puts the top of a line whose baseline is at ``baseline``."""
        return baseline - self.ascender * size


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class PageCanvas:
    """One page's drawing, kept in separate layers so that the caller decides the text order."""

    metrics: FontMetrics
    graphics: list[str] = field(default_factory=list)
    layers: dict[str, list[str]] = field(default_factory=dict)
    order: tuple[str, ...] = ("label", "content", "footer")
    flow: bool = False  # True: all cell text goes to one layer in row order (no label-first artefact)

    def rect(
        self, x: float, y: float, w: float, h: float, fill: float | None = None, stroke: bool = True,
        line_width: float = 0.5,
    ) -> None:
        """A cell: optional grey fill (0 black .. 1 white) and a border."""
        yy = PAGE_HEIGHT - y - h
        box = f"{_num(x)} {_num(yy)} {_num(w)} {_num(h)} re"
        if fill is not None:
            self.graphics.append(f"{_num(fill)} g {box} f")
        if stroke:
            self.graphics.append(f"{_num(line_width)} w 0 G {box} S")

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> None:
        self.graphics.append(
            f"{_num(width)} w 0 G {_num(x0)} {_num(PAGE_HEIGHT - y0)} m {_num(x1)} {_num(PAGE_HEIGHT - y1)} l S"
        )

    def text(
        self, layer: str, x: float, baseline: float, text: str, size: float, bold: bool = False
    ) -> None:
        """Show ``text`` with its baseline at ``baseline``; ``bold`` draws it twice, 0.3pt apart (fake bold)."""
        if not text:
            return
        ops = self.layers.setdefault(layer, [])
        hexed = self.metrics.encode(text)
        yy = _num(PAGE_HEIGHT - baseline)
        ops.append(f"BT /{FONT_NAME} {_num(size)} Tf 1 0 0 1 {_num(x)} {yy} Tm <{hexed}> Tj ET")
        if bold:
            ops.append(f"BT /{FONT_NAME} {_num(size)} Tf 1 0 0 1 {_num(x + 0.3)} {yy} Tm <{hexed}> Tj ET")

    def content_stream(self) -> bytes:
        parts = ["q", *self.graphics, "Q", "0 g"]
        for name in self.order:
            parts.extend(self.layers.get(name, ()))
        for name, ops in self.layers.items():
            if name not in self.order:
                parts.extend(ops)
        return ("\n".join(parts) + "\n").encode("ascii")


def _pdf_text_string(text: str) -> str:
    """A PDF text string literal (UTF-16BE with BOM when not plain ASCII)."""
    if text.isascii() and all(ch.isalnum() or ch in " -._" for ch in text):
        return f"({text})"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def page_labels_tree(ranges: list[tuple[int, str, str | None, int]]) -> str:
    """A /PageLabels number tree from (start page, prefix, style 'D'/None, first number) ranges."""
    nums: list[str] = []
    for start, prefix, style, first in ranges:
        entries: list[str] = []
        if style:
            entries.append(f"/S /{style}")
        if prefix:
            entries.append(f"/P {_pdf_text_string(prefix)}")
        if style and first != 1:
            entries.append(f"/St {first}")
        nums.append(f"{start} << {' '.join(entries)} >>")
    return f"<< /Nums [ {' '.join(nums)} ] >>"


FIRST_MEETING_DATE = "D:20251105090000+09'00'"  # when a sample packet was bound
NEXT_MEETING_DATE = "D:20260210090000+09'00'"  # when a revised one was: for the next meeting


def write_pdf(
    pages: list[PageCanvas], out: Path, labels: list[tuple[int, str, str | None, int]],
    title: str = "", metrics: FontMetrics | None = None, made: str = FIRST_MEETING_DATE,
) -> None:
    """Write ``pages`` as an A4 PDF with the bundled font embedded once (subset) and ``labels`` as /PageLabels;
    ``made`` (a PDF date) is its creation and modification date."""
    font_path = metrics.path if metrics is not None else bundled_font()
    doc: Any = pymupdf.open()
    try:
        first = doc.new_page(width=PAGE_WIDTH, height=PAGE_HEIGHT)
        font_xref = first.insert_font(fontname=FONT_NAME, fontfile=str(font_path))
        resources = doc.get_new_xref()
        doc.update_object(resources, f"<< /Font << /{FONT_NAME} {font_xref} 0 R >> >>")
        doc.delete_page(0)
        for canvas in pages:
            page = doc.new_page(width=PAGE_WIDTH, height=PAGE_HEIGHT)
            contents = doc.get_new_xref()
            doc.update_object(contents, "<< >>")
            doc.update_stream(contents, canvas.content_stream())
            doc.xref_set_key(page.xref, "Contents", f"{contents} 0 R")
            doc.xref_set_key(page.xref, "Resources", f"{resources} 0 R")
        doc.xref_set_key(doc.pdf_catalog(), "PageLabels", page_labels_tree(labels))
        doc.set_metadata({
            "title": title, "creator": "PIA Reviewer sample generator", "producer": "PIA Reviewer",
            "creationDate": made, "modDate": made,
        })
        doc.subset_fonts()
        if metrics is not None:
            kind, value = doc.xref_get_key(font_xref, "ToUnicode")
            if kind == "xref":
                doc.update_stream(int(value.split()[0]), metrics.to_unicode_cmap())
            else:
                cmap = doc.get_new_xref()
                doc.update_object(cmap, "<< >>")
                doc.update_stream(cmap, metrics.to_unicode_cmap())
                doc.xref_set_key(font_xref, "ToUnicode", f"{cmap} 0 R")
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out), garbage=3, deflate=True, no_new_id=True)
    finally:
        doc.close()
