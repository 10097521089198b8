"""Page labels: the PDF's /PageLabels, else the packet's printed page stamp (``- 129 -``), else 1, 2, 3…

PyMuPDF's ``Page.get_label()`` returns non-ASCII prefixes such as 「資料」 as ``<E8B387E69699>`` hex, so the
/PageLabels number tree is decoded here from the raw objects: styles D, R, r, A, a, prefix /P as a PDF text
string (UTF-16BE with BOM, UTF-8 with or without BOM, PDFDocEncoding), /St. Damaged trees (loops, missing
objects, wrong types) yield whatever ranges could be read.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("reviewer.page_labels")

PdfValue = Any  # int | float | str (name as "/Name") | bytes (string) | list | dict | Ref | None


@dataclass(frozen=True, slots=True)
class Ref:
    num: int
    gen: int = 0


@dataclass(frozen=True, slots=True)
class LabelRange:
    start: int
    style: str  # "D", "R", "r", "A", "a" or "" (prefix only)
    prefix: str
    first: int


# --- a minimal PDF object parser (enough for number trees and label dictionaries) -------------------

_DELIMS = b"()<>[]{}/%"
_WS = b" \t\r\n\x0c\x00"


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _skip(self) -> None:
        data, n = self.data, len(self.data)
        while self.pos < n:
            c = data[self.pos]
            if c in _WS:
                self.pos += 1
            elif c == 0x25:  # % comment
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                break

    def _token(self) -> bytes:
        start = self.pos
        while self.pos < len(self.data) and self.data[self.pos] not in _WS + _DELIMS:
            self.pos += 1
        return self.data[start:self.pos]

    def parse(self, depth: int = 0) -> PdfValue:
        if depth > 50:
            raise ValueError("nesting too deep")
        self._skip()
        if self.pos >= len(self.data):
            raise ValueError("unexpected end")
        data = self.data
        c = data[self.pos]
        if data.startswith(b"<<", self.pos):
            self.pos += 2
            result: dict[str, PdfValue] = {}
            while True:
                self._skip()
                if data.startswith(b">>", self.pos):
                    self.pos += 2
                    return result
                key = self.parse(depth + 1)
                if not isinstance(key, str) or not key.startswith("/"):
                    raise ValueError("dictionary key is not a name")
                result[key[1:]] = self.parse(depth + 1)
        if c == 0x5B:  # [
            self.pos += 1
            items: list[PdfValue] = []
            while True:
                self._skip()
                if self.pos >= len(data):
                    raise ValueError("unterminated array")
                if data[self.pos] == 0x5D:
                    self.pos += 1
                    return items
                items.append(self.parse(depth + 1))
        if c == 0x28:  # (
            return self._literal()
        if c == 0x3C:  # <hex>
            end = data.find(b">", self.pos)
            if end < 0:
                raise ValueError("unterminated hex string")
            hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", data[self.pos + 1:end])
            self.pos = end + 1
            if len(hexdigits) % 2:
                hexdigits += b"0"
            return bytes.fromhex(hexdigits.decode("ascii"))
        if c == 0x2F:  # /name
            self.pos += 1
            name = self._token()
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
            return "/" + name.decode("latin-1")
        token = self._token()
        if not token:
            self.pos += 1
            raise ValueError(f"unexpected byte {c!r}")
        if token in (b"true", b"false"):
            return token == b"true"
        if token == b"null":
            return None
        if re.fullmatch(rb"[+-]?\d+", token):
            # an indirect reference "12 0 R"?
            save = self.pos
            match = re.compile(rb"\s+(\d+)\s+R(?![^\s()<>\[\]{}/%])").match(data, self.pos)
            if match:
                self.pos = match.end()
                return Ref(int(token), int(match.group(1)))
            self.pos = save
            return int(token)
        try:
            return float(token)
        except ValueError:
            return token.decode("latin-1")

    def _literal(self) -> bytes:
        data = self.data
        self.pos += 1
        out = bytearray()
        depth = 1
        escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
        while self.pos < len(data):
            c = data[self.pos]
            self.pos += 1
            if c == 0x5C:  # backslash
                if self.pos >= len(data):
                    break
                e = data[self.pos]
                self.pos += 1
                if e in escapes:
                    out.append(escapes[e])
                elif 0x30 <= e <= 0x37:
                    digits = bytes([e])
                    while len(digits) < 3 and self.pos < len(data) and 0x30 <= data[self.pos] <= 0x37:
                        digits += bytes([data[self.pos]])
                        self.pos += 1
                    out.append(int(digits, 8) & 0xFF)
                elif e in b"\r\n":
                    if e == 0x0D and self.pos < len(data) and data[self.pos] == 0x0A:
                        self.pos += 1
                else:
                    out.append(e)
            elif c == 0x28:
                depth += 1
                out.append(c)
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    return bytes(out)
                out.append(c)
            else:
                out.append(c)
        return bytes(out)


def parse_pdf_object(source: str | bytes) -> PdfValue:
    """Parse one PDF object from its source text (as ``Document.xref_object`` gives it)."""
    data = source.encode("latin-1", "replace") if isinstance(source, str) else source
    return _Parser(data).parse()


def decode_text_string(raw: bytes) -> str:
    """A PDF text string: UTF-16BE/LE with BOM, UTF-8 with BOM, UTF-8 without (PyMuPDF writes that), else
    PDFDocEncoding (approximated by Latin-1)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    if any(b >= 0x80 for b in raw):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


# --- number formatting -----------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def to_roman(value: int) -> str:
    if value <= 0:
        return str(value)
    out = []
    for amount, letters in _ROMAN:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def to_letters(value: int) -> str:
    """A..Z, AA..ZZ, AAA.. as the PDF specification defines them (uppercase)."""
    if value <= 0:
        return str(value)
    letter = chr(ord("A") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


def format_label(style: str, prefix: str, number: int) -> str:
    if style == "D":
        body = str(number)
    elif style == "R":
        body = to_roman(number).upper()
    elif style == "r":
        body = to_roman(number)
    elif style == "A":
        body = to_letters(number)
    elif style == "a":
        body = to_letters(number).lower()
    else:
        body = ""
    return prefix + body


# --- the number tree ---------------------------------------------------------------------------------

class _Resolver:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.cache: dict[int, PdfValue] = {}

    def resolve(self, value: PdfValue) -> PdfValue:
        if not isinstance(value, Ref):
            return value
        if value.num in self.cache:
            return self.cache[value.num]
        self.cache[value.num] = None  # guards against self-reference
        try:
            if value.num <= 0 or value.num >= int(self.doc.xref_length()):
                return None
            parsed = parse_pdf_object(self.doc.xref_object(value.num, compressed=True))
        except Exception:
            parsed = None
        self.cache[value.num] = parsed
        return parsed


def _collect_nums(node: PdfValue, resolver: _Resolver, seen: set[int], out: list[tuple[int, PdfValue]],
                  depth: int = 0) -> None:
    if depth > 32:
        return
    if isinstance(node, Ref):
        if node.num in seen:
            return
        seen.add(node.num)
    node = resolver.resolve(node)
    if not isinstance(node, dict):
        return
    nums = resolver.resolve(node.get("Nums"))
    if isinstance(nums, list):
        for i in range(0, len(nums) - 1, 2):
            key = nums[i]
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
                out.append((key, nums[i + 1]))
    kids = resolver.resolve(node.get("Kids"))
    if isinstance(kids, list):
        for kid in kids:
            _collect_nums(kid, resolver, seen, out, depth + 1)


def read_label_ranges(doc: Any) -> list[LabelRange]:
    """The ranges of the /PageLabels tree, sorted by start page; empty when there is none or it is unreadable."""
    try:
        if not getattr(doc, "is_pdf", False):
            return []
        kind, value = doc.xref_get_key(doc.pdf_catalog(), "PageLabels")
    except Exception:
        return []
    if kind in ("null", "none") or not value:
        return []
    resolver = _Resolver(doc)
    try:
        root = parse_pdf_object(value)
    except Exception:
        return []
    entries: list[tuple[int, PdfValue]] = []
    try:
        _collect_nums(root, resolver, set(), entries)
    except Exception:
        log.warning("damaged /PageLabels tree", exc_info=True)
    ranges: dict[int, LabelRange] = {}
    for start, raw in entries:
        spec = resolver.resolve(raw)
        if not isinstance(spec, dict):
            continue
        style = spec.get("S")
        style_name = style[1:] if isinstance(style, str) and style.startswith("/") else ""
        if style_name not in ("D", "R", "r", "A", "a"):
            style_name = ""
        prefix_raw = resolver.resolve(spec.get("P"))
        prefix = decode_text_string(prefix_raw) if isinstance(prefix_raw, bytes) else ""
        first = resolver.resolve(spec.get("St"))
        first_number = int(first) if isinstance(first, int | float) and not isinstance(first, bool) else 1
        if first_number < 1:
            first_number = 1
        if start not in ranges:
            ranges[start] = LabelRange(start, style_name, prefix, first_number)
    return sorted(ranges.values(), key=lambda r: r.start)


def labels_from_ranges(ranges: list[LabelRange], page_count: int) -> list[str]:
    labels: list[str] = []
    index = -1
    for page in range(page_count):
        while index + 1 < len(ranges) and ranges[index + 1].start <= page:
            index += 1
        if index < 0:
            labels.append(str(page + 1))
            continue
        rng = ranges[index]
        label = format_label(rng.style, rng.prefix, rng.first + page - rng.start)
        labels.append(label or str(page + 1))
    return labels


# --- printed stamps ("- 129 -") -----------------------------------------------------------------------

_STAMP = re.compile(r"^[-‐‑‒–—―−ー－]\s*(\d{1,4})\s*[-‐‑‒–—―−ー－]$")


def _page_stamp(page: Any) -> int | None:
    """The number of a centred ``- N -`` stamp in the bottom part of the page, if any."""
    rect = page.rect
    width, height = float(rect.width), float(rect.height)
    if width <= 0 or height <= 0:
        return None
    clip = (rect.x0, rect.y0 + height * 0.85, rect.x1, rect.y1)
    blocks = page.get_text("dict", clip=clip, flags=0)["blocks"]
    found: int | None = None
    for block in blocks:
        for line in block.get("lines", ()):
            text = "".join(span.get("text", "") for span in line.get("spans", ()))
            norm = unicodedata.normalize("NFKC", text).strip()
            match = _STAMP.match(norm)
            if not match:
                continue
            x0, _, x1, _ = line["bbox"]
            if abs((x0 + x1) / 2 - (rect.x0 + width / 2)) > width * 0.15:
                continue
            found = int(match.group(1))
    return found


def printed_stamps(doc: Any, stamps: list[int | None] | None = None) -> list[str] | None:
    """Labels from printed ``- N -`` stamps when they form a consistent sequence, else None.

    ``stamps`` may be given (one number or None per page) when the caller already read them.
    """
    count = int(doc.page_count)
    if stamps is None:
        stamps = []
        for index in range(count):
            try:
                stamps.append(_page_stamp(doc[index]))
            except Exception:
                stamps.append(None)
    stamped = [(i, s) for i, s in enumerate(stamps) if s is not None]
    if len(stamped) < max(2, int(count * 0.5)):
        return None
    offsets = Counter(s - i for i, s in stamped)
    offset, agreeing = offsets.most_common(1)[0]
    if agreeing < len(stamped) * 0.8:
        return None
    labels: list[str] = []
    for index, stamp in enumerate(stamps):
        if stamp is not None:
            labels.append(str(stamp))
        elif index + offset >= 1:
            labels.append(str(index + offset))
        else:
            labels.append(f"({index + 1})")
    return labels


def read_page_labels(doc: Any) -> list[str]:
    """The label of every page: /PageLabels, else consistent printed stamps, else ``"1".."n"``."""
    try:
        count = int(doc.page_count)
    except Exception:
        return []
    try:
        ranges = read_label_ranges(doc)
    except Exception:
        log.warning("page labels unreadable", exc_info=True)
        ranges = []
    if ranges:
        return labels_from_ranges(ranges, count)
    try:
        stamped = printed_stamps(doc)
    except Exception:
        stamped = None
    if stamped is not None:
        return stamped
    return [str(i + 1) for i in range(count)]
