"""Plain values the store hands out besides :class:`reviewer.annotations.Annotation`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from reviewer.annotations import new_id, now_iso

# The member's view of a risk's judgement (the report's own 判断 is in the structure's Node.judgement).
VIEWS: tuple[str, ...] = ("同意", "疑問あり")

ChangeKind = Literal["annotations", "marks", "settings", "packets", "corrections"]

# Well-known settings keys (values are JSON).
SETTING_MEMBER_NAME = "member_name"
SETTING_LANGUAGE = "language"  # "ja" | "en"
SETTING_TEXT_SIZE = "text_size"  # point size of the UI text
SETTING_HIGH_CONTRAST = "high_contrast"  # bool


@dataclass(frozen=True, slots=True)
class ReviewMark:
    """One member's progress on one node of a packet: 確認済み and their view of the judgement."""

    file_sha256: str
    node_key: str
    reviewed: bool = False
    view: str | None = None
    modified: str = ""


@dataclass(frozen=True, slots=True)
class MemberView:
    """Another member's 確認済み and view of one node, as their comment package brought it to this profile."""

    file_sha256: str
    node_key: str
    author: str
    reviewed: bool = False
    view: str | None = None
    modified: str = ""


@dataclass(slots=True)
class Reply:
    """A reply in a comment's thread (e.g. the answer of the report's author, or a member's follow-up)."""

    annotation_id: str
    author: str
    text: str
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)


@dataclass(frozen=True, slots=True)
class KnownPacket:
    """A packet opened before, identified by its content; ``path`` is where it was last seen."""

    file_sha256: str
    path: str
    name: str
    last_opened: str
    last_page: int = 0
    zoom: float | None = None


@dataclass(frozen=True, slots=True)
class ReadingPosition:
    page: int
    zoom: float | None  # None: the view's default (fit width)


@dataclass(frozen=True, slots=True)
class IdConflict:
    """An imported comment whose id belonged to another author's or this profile's own comment.

    It was kept as a new comment ``new_id`` (empty when even that id was taken: then it was refused).
    ``reason`` is ``"own"`` (the id is one of this profile's comments) or ``"author"`` (another member's).
    """

    original_id: str
    new_id: str
    author: str
    owner: str
    reason: str


@dataclass(frozen=True, slots=True)
class Clamped:
    """An imported comment whose ``modified`` lay in the future; it was set to the time of the import."""

    annotation_id: str
    author: str
    claimed: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: tuple[IdConflict, ...] = ()
    clamped: tuple[Clamped, ...] = ()

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class Change:
    """What a committed write changed. ``file_sha256`` is None for changes not tied to one packet."""

    kind: ChangeKind
    file_sha256: str | None = None
    ids: tuple[str, ...] = ()
