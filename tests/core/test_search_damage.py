"""A damaged search-index.db is moved aside and rebuilt, never an error; the index is private (0600 in 0700)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer.document import Packet
from reviewer.search import INDEX_FILE, SearchIndex, search_file
from reviewer.search.index import DAMAGED_SUFFIX

QUERY = "委託"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _garbage_header(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.write(b"this is not an SQLite file at all" * 4)


def _truncated(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 3)


def _damaged_pages(db: Path) -> None:
    """Keep the header page, scribble over the b-tree pages after it."""
    data = bytearray(db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for start in range(page_size, len(data), page_size):
        data[start:start + 64] = b"\xa5" * 64
    db.write_bytes(bytes(data))


@pytest.fixture
def indexed_profile(tmp_path: Path, small_packet: tuple[Path, Any]) -> tuple[Path, Path, int]:
    profile = tmp_path / "profile"
    result = search_file(small_packet[0], QUERY, profile=profile)
    assert result["count"] > 0
    return profile, small_packet[0], int(result["count"])


@pytest.mark.parametrize("damage", [_garbage_header, _truncated, _damaged_pages],
                         ids=["not-a-database", "truncated", "damaged-pages"])
def test_search_after_damage_rebuilds_and_finds_the_same(indexed_profile: tuple[Path, Path, int],
                                                         damage: Callable[[Path], None]) -> None:
    profile, pdf, count = indexed_profile
    db = profile / INDEX_FILE
    damage(db)
    damaged_bytes = db.read_bytes()
    result = search_file(pdf, QUERY, profile=profile)
    assert result["count"] == count
    aside = profile / (INDEX_FILE + DAMAGED_SUFFIX)
    assert aside.read_bytes() == damaged_bytes
    with SearchIndex(db) as index, Packet.open(pdf) as packet:
        assert index.is_built(packet.sha256)  # the rebuilt index is kept for the next search


def test_damage_found_while_open_is_recovered(indexed_profile: tuple[Path, Path, int]) -> None:
    profile, pdf, count = indexed_profile
    db = profile / INDEX_FILE
    _damaged_pages(db)
    with SearchIndex(db) as index, Packet.open(pdf) as packet:  # the header is fine: opening works
        assert not index.is_built(packet.sha256)  # the damage is found here, set aside, and the index is empty
        assert index.build(packet)
        assert len(index.find(packet.sha256, QUERY)) == count
    assert (profile / (INDEX_FILE + DAMAGED_SUFFIX)).exists()


def test_index_is_created_private(tmp_path: Path, small_packet: tuple[Path, Any]) -> None:
    folder = tmp_path / "new" / "profile"
    db = folder / INDEX_FILE
    old_umask = os.umask(0o022)
    try:
        with SearchIndex(db) as index, Packet.open(small_packet[0]) as packet:
            assert index.build(packet)
            modes = {path.name: _mode(path) for path in folder.iterdir()}
    finally:
        os.umask(old_umask)
    assert _mode(folder) == 0o700
    assert modes[INDEX_FILE] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes  # the WAL and SHM files too


def test_an_existing_open_folder_and_file_are_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    db = folder / INDEX_FILE
    db.touch()
    os.chmod(db, 0o644)
    SearchIndex(db).close()
    assert (_mode(folder), _mode(db)) == (0o700, 0o600)
