"""A packet's SHA-256 known at once when it is opened again, before the file is hashed.

Hashing a 600-page packet takes a noticeable moment, and everything cached for a packet (its outline, page labels,
search index) is keyed by that hash. So the profile remembers, per file, the hash it had last time together with the
file's resolved path, size and modification time (ns). :func:`lookup` answers from that record without reading the
file; :func:`confirm` hashes the file for real (meant for a background thread or process) and replaces the record
when the file turned out to be different, e.g. rewritten with its old time stamp kept.

Each file has its own small JSON record under ``<profile>/cache/identity/``, written atomically, so two processes
remembering different packets never race on one file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from reviewer.atomic import atomic_write_text
from reviewer.paths import data_dir

log = logging.getLogger("reviewer.quick_identity")

_SHA256 = re.compile(r"[0-9a-f]{64}")
RECORD_VERSION = 1

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class FileKey:
    """What must be unchanged for a remembered hash to hold: the resolved path, size and mtime in ns."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: PathLike) -> FileKey:
        """The key of the file as it is now (raises OSError when it cannot be stat'ed)."""
        resolved = Path(path).resolve()
        info = resolved.stat()
        return cls(str(resolved), info.st_size, info.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The outcome of :func:`confirm`.

    Attributes:
        sha256: the file's real hash, just computed.
        remembered: the hash that was remembered for the file's current key (None: nothing matched).
        changed: True when something was remembered for this key and it was not the real hash (caches keyed by
            ``remembered`` belong to another version of the file).
    """

    sha256: str
    remembered: str | None
    changed: bool


def record_path(path: PathLike, profile: PathLike | None = None) -> Path:
    """Where the record of ``path`` lives (one file per resolved path)."""
    resolved = str(Path(path).resolve())
    name = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return data_dir(profile) / "cache" / "identity" / f"{name}.json"


def _read_record(record: Path) -> dict[str, object] | None:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable identity record %s: %s", record, exc)
        return None
    return data if isinstance(data, dict) else None


def lookup(path: PathLike, profile: PathLike | None = None) -> str | None:
    """The remembered SHA-256 of ``path`` if its resolved path, size and mtime are those remembered, else None.

    Reads one small record and stats the file; never reads the file itself.
    """
    try:
        key = FileKey.of(path)
    except OSError:
        return None
    data = _read_record(record_path(key.path, profile))
    if data is None or data.get("version") != RECORD_VERSION:
        return None
    sha256 = data.get("sha256")
    if (data.get("path") != key.path or data.get("size") != key.size or data.get("mtime_ns") != key.mtime_ns
            or not isinstance(sha256, str) or not _SHA256.fullmatch(sha256)):
        return None
    return sha256


def remember(path: PathLike, sha256: str, profile: PathLike | None = None, key: FileKey | None = None) -> None:
    """Remember ``sha256`` for ``path`` under ``key`` (default: the file's key now).

    Pass the key taken *before* hashing so that a file changed while it was being hashed is not remembered with
    the new time stamp and the old hash.
    """
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    key = key or FileKey.of(path)
    record = {"version": RECORD_VERSION, "path": key.path, "size": key.size, "mtime_ns": key.mtime_ns,
              "sha256": sha256}
    atomic_write_text(record_path(key.path, profile), json.dumps(record, ensure_ascii=False))


def forget(path: PathLike, profile: PathLike | None = None) -> None:
    """Drop the record of ``path`` (nothing happens when there is none)."""
    try:
        record_path(path, profile).unlink()
    except FileNotFoundError:
        pass


def confirm(path: PathLike, profile: PathLike | None = None) -> Confirmation:
    """Hash ``path`` for real and bring its record up to date; the slow part, for a background worker.

    The record is (re)written when nothing matched or the remembered hash was wrong. When the file changed while it
    was being hashed, the record is dropped instead: the next open hashes again.

    Raises:
        OSError: the file cannot be read.
    """
    from reviewer.document import file_sha256  # imports PyMuPDF: not needed by lookup() at start-up

    before = FileKey.of(path)
    remembered = lookup(path, profile)
    sha256 = file_sha256(before.path)
    settle(path, sha256, before, profile, remembered)
    return Confirmation(sha256, remembered, remembered is not None and remembered != sha256)


def settle(path: PathLike, sha256: str, before: FileKey, profile: PathLike | None = None,
           remembered: str | None = None) -> bool:
    """Record ``sha256``, computed from ``path`` whose key was ``before`` when hashing began, unless the file has
    changed since (then its record is dropped). ``remembered``: what :func:`lookup` gave before hashing (no
    rewrite when it already matches). Returns True when the record now holds ``sha256``.

    For callers that hashed the file themselves (the analysis job opens and hashes the packet once).
    """
    try:
        after: FileKey | None = FileKey.of(path)
    except OSError:
        after = None
    if after != before:
        forget(before.path, profile)
        return False
    if remembered != sha256:
        remember(before.path, sha256, profile, key=before)
        if remembered is not None:
            log.info("%s changed without a new size or time stamp: identity record replaced", before.path)
    return True


def sha256_of(path: PathLike, profile: PathLike | None = None) -> str:
    """The file's SHA-256: the remembered one when the key matches, else hashed now (and remembered).

    For callers that need a hash at once and can confirm later; :func:`confirm` checks a remembered one.
    """
    known = lookup(path, profile)
    if known is not None:
        return known
    return confirm(path, profile).sha256
