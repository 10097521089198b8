"""Version pairing: is the packet just opened a revision of one already in the profile?

Reports are matched by what the department does not change between meetings — the report's title (評価書名, which
holds the 事務の名称) — never by file hash. The outlines come from the profile's
structure cache, so nothing is re-read; a packet whose outline is not cached (or whose file is gone) is skipped.

Only a packet that came before is an earlier version. The reports do not date themselves (公表日 is often blank in
a packet under review, and a revision keeps the first version's), so "before" is, first, when each PDF says it was
made (its CreationDate, else ModDate: a revised packet is printed and bound for a later meeting), and where the two
do not say or say the same, what the profile knows: when each packet was first seen here — when its structure was
first cached (the cache is written once per file and detector version) or, without a cache file, when it was last
opened. The PDFs' dates decide when a member opens the revised packet first and the first version after it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from reviewer.annotations import parse_time
from reviewer.compare.rows import norm
from reviewer.store.store import Store
from reviewer.structure.cache import cache_path
from reviewer.structure.model import Outline


@dataclass(frozen=True, slots=True)
class EarlierVersion:
    """A packet of the profile that holds earlier versions of reports of the new one."""

    file_sha256: str
    path: str
    name: str
    last_opened: str
    reports: tuple[str, ...]  # the report titles both packets share


def report_keys(outline: Outline) -> set[str]:
    """The normalised titles of the packet's assessment reports (評価書名 / 事務の名称)."""
    return {norm(d.title) for d in outline.documents if d.is_report and d.title}


def earlier_versions(store: Store, outline: Outline, profile: str | os.PathLike[str] | None = None,
                     limit: int = 50) -> list[EarlierVersion]:
    """Packets first seen before ``outline``'s whose reports match reports of ``outline`` (most shared reports
    first, then the most recently opened); the packet itself, or one that came after it, is never its earlier
    version."""
    keys = report_keys(outline)
    if not keys:
        return []
    this = store.known_packet(outline.sha256)
    seen = first_seen(outline.sha256, profile, this.last_opened if this is not None else "")
    if seen is None:
        seen = time.time()  # not in the profile yet: it is being opened now
    found: list[EarlierVersion] = []
    for known in store.recent_packets(limit):
        if known.file_sha256 == outline.sha256 or not Path(known.path).is_file():
            continue
        cached = _cached_outline(known.file_sha256, profile)
        if cached is None:
            continue
        if not _came_before(cached.made, first_seen(known.file_sha256, profile, known.last_opened),
                            outline.made, seen):
            continue  # a later packet (or one of unknown age) is not an earlier version
        shared = tuple(d.title for d in cached.documents if d.is_report and norm(d.title) in keys)
        if shared:
            found.append(EarlierVersion(known.file_sha256, known.path, known.name, known.last_opened, shared))
    found.sort(key=lambda v: (-len(v.reports), _negated(v.last_opened)))
    return found


def first_seen(sha256: str, profile: str | os.PathLike[str] | None, last_opened: str = "") -> float | None:
    """When the profile first saw the file ``sha256`` (POSIX seconds): when its structure was first cached, else
    ``last_opened`` (the store's time of its last opening); None when neither is known."""
    folder = cache_path(sha256, profile).parent
    try:
        times = [p.stat().st_mtime for p in folder.glob(f"outline-{sha256}-v*.json")] if folder.is_dir() else []
    except OSError:
        times = []
    if times:
        return min(times)
    opened = parse_time(last_opened) if last_opened else None
    return opened.timestamp() if opened is not None else None


def _came_before(made: str, seen: float | None, this_made: str, this_seen: float) -> bool:
    """Whether a packet made at ``made`` and first seen at ``seen`` came before this one: by the PDFs' own dates
    where both say and differ (ISO UTC strings sort by time), else by when the profile first saw each."""
    if made and this_made and made != this_made:
        return made < this_made
    return seen is not None and seen < this_seen


def _negated(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def _cached_outline(sha256: str, profile: str | os.PathLike[str] | None) -> Outline | None:
    path = cache_path(sha256, profile)
    if not path.is_file():
        # An outline cached by an earlier detector version still names its reports.
        candidates = sorted(path.parent.glob(f"outline-{sha256}-v*.json")) if path.parent.is_dir() else []
        if not candidates:
            return None
        path = candidates[-1]
    try:
        return Outline.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
