"""Annotations (a member's comments on a packet) as plain data.

Geometry is in PDF page space: points, origin at the top-left of the unrotated page (PyMuPDF's
coordinates). ``rects`` holds one rectangle per highlighted line, the area of an area comment, or a
small square around a sticky note's point.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

Rect = tuple[float, float, float, float]

KINDS: tuple[str, ...] = ("highlight", "area", "note")
DEFAULT_CATEGORIES: tuple[str, ...] = ("質問", "意見", "要修正", "確認のみ")
STATUSES: tuple[str, ...] = ("未処理", "対応済み")
# Colours by category (RGB hex); categories added by the user get the fallback colour.
CATEGORY_COLORS: dict[str, str] = {
    "質問": "#f4c542",
    "意見": "#5aa9e6",
    "要修正": "#e5636b",
    "確認のみ": "#7cc47f",
}
FALLBACK_COLOR = "#b39ddb"
CONTEXT_CHARS = 32


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_newer(candidate: str, current: str) -> bool:
    """Whether timestamp ``candidate`` is later than ``current`` (ISO 8601; a real time beats an unreadable one,
    two unreadable ones compare as text). The one rule for "the newer ``modified`` wins" on import."""
    a, b = parse_time(candidate), parse_time(current)
    if a is not None and b is not None:
        return a > b
    if a is not None:
        return True
    if b is not None:
        return False
    return candidate > current


def new_id() -> str:
    return str(uuid.uuid4())


def category_color(category: str) -> str:
    return CATEGORY_COLORS.get(category, FALLBACK_COLOR)


@dataclass(slots=True)
class Annotation:
    file_sha256: str
    file_name: str
    page: int
    page_label: str
    kind: str
    rects: list[Rect]
    category: str
    text: str
    author: str
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    # Where it falls in the structure (see reviewer.structure.model.Location)
    document_title: str = ""
    item_label: str = ""  # e.g. 「Ⅲ 7. リスク1」
    node_key: str = ""
    status: str = "未処理"
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)
    # Chair-side fields: where the comment came from and how it appears on the comment sheet.
    origin: str = "own"  # "own" | "imported"
    excluded: bool = False
    sheet_text: str | None = None
    answer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def color(self) -> str:
        return category_color(self.category)

    @property
    def top(self) -> float:
        return min((r[1] for r in self.rects), default=0.0)

    def bounds(self) -> Rect:
        """The union of all rects."""
        if not self.rects:
            return (0.0, 0.0, 0.0, 0.0)
        return (
            min(r[0] for r in self.rects), min(r[1] for r in self.rects),
            max(r[2] for r in self.rects), max(r[3] for r in self.rects),
        )

    def edited(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``modified`` bumped."""
        return replace(self, modified=now_iso(), **changes)
