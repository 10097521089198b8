"""reviewer.quick_identity: a packet's SHA-256 known on a re-open from its path, size and mtime, checked later by a
real hash (no Qt)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer import quick_identity
from reviewer.quick_identity import FileKey, confirm, forget, lookup, record_path, remember, sha256_of


def _packet(folder: Path, content: bytes = b"%PDF-1.7\n" + b"x" * 4096) -> tuple[Path, str]:
    path = folder / "packet.pdf"
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


def test_first_open_hashes_and_reopen_knows_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, real = _packet(tmp_path)
    assert lookup(path) is None
    assert sha256_of(path) == real
    record = json.loads(record_path(path).read_text(encoding="utf-8"))
    assert record["sha256"] == real and record["size"] == path.stat().st_size
    assert record["path"] == str(path.resolve()) and record["mtime_ns"] == path.stat().st_mtime_ns

    import reviewer.document

    def no_hashing(_path: object) -> str:
        raise AssertionError("a re-open must not hash the file")

    monkeypatch.setattr(reviewer.document, "file_sha256", no_hashing)
    assert lookup(path) == real
    assert sha256_of(path) == real


def test_touching_the_file_invalidates(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert lookup(path) is None
    outcome = confirm(path)
    assert outcome.sha256 == real and outcome.remembered is None and not outcome.changed
    assert lookup(path) == real  # re-remembered under the new time stamp


def test_one_changed_byte_with_the_old_time_stamp_is_caught_by_confirm(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime: the quick key still matches
    assert lookup(path) == real
    new_real = hashlib.sha256(bytes(data)).hexdigest()
    outcome = confirm(path)
    assert outcome.sha256 == new_real != real
    assert outcome.remembered == real and outcome.changed
    assert lookup(path) == new_real
    assert json.loads(record_path(path).read_text(encoding="utf-8"))["sha256"] == new_real


def test_one_changed_byte_with_a_new_time_stamp_invalidates(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    assert lookup(path) is None
    assert sha256_of(path) == hashlib.sha256(bytes(data)).hexdigest()


def test_size_change_invalidates_and_another_path_is_another_file(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    info = path.stat()
    with open(path, "ab") as handle:
        handle.write(b"\n")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert lookup(path) is None
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(path.read_bytes())
    assert lookup(copy) is None
    assert record_path(copy) != record_path(path)


def test_a_symlink_and_a_relative_path_find_the_same_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    link = tmp_path / "link.pdf"
    link.symlink_to(path)
    assert lookup(link) == real
    monkeypatch.chdir(tmp_path)
    assert lookup("packet.pdf") == real


def test_records_live_in_the_profile_cache(tmp_path: Path, isolated_profile: Path) -> None:
    path, real = _packet(tmp_path)
    other_profile = tmp_path / "other"
    remember(path, real, profile=other_profile)
    assert record_path(path, other_profile).is_file()
    assert record_path(path, other_profile).parent == other_profile / "cache" / "identity"
    assert lookup(path) is None  # the default profile ($PIA_REVIEWER_HOME) knows nothing
    assert lookup(path, profile=other_profile) == real
    remember(path, real)
    assert (isolated_profile / "cache" / "identity").is_dir()
    forget(path)
    assert lookup(path) is None and lookup(path, profile=other_profile) == real


def test_damaged_or_foreign_records_are_ignored(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    record = record_path(path)
    record.write_text("{not json", encoding="utf-8")
    assert lookup(path) is None
    key = FileKey.of(path)
    record.write_text(json.dumps({"version": 1, "path": key.path, "size": key.size, "mtime_ns": key.mtime_ns,
                                  "sha256": "../../etc/passwd"}), encoding="utf-8")
    assert lookup(path) is None
    record.write_text(json.dumps({"version": 99, "path": key.path, "size": key.size, "mtime_ns": key.mtime_ns,
                                  "sha256": real}), encoding="utf-8")
    assert lookup(path) is None
    assert confirm(path).sha256 == real and lookup(path) == real  # a bad record is simply replaced


def test_remember_refuses_what_is_not_a_sha256(tmp_path: Path) -> None:
    path, _real = _packet(tmp_path)
    with pytest.raises(ValueError):
        remember(path, "ABC")
    assert not record_path(path).exists()


def test_a_file_changed_while_hashing_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, real = _packet(tmp_path)
    remember(path, real)
    import reviewer.document

    original = reviewer.document.file_sha256

    def hash_then_change(target: object) -> str:
        digest = original(str(target))
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000))
        return digest

    monkeypatch.setattr(reviewer.document, "file_sha256", hash_then_change)
    outcome = confirm(path)
    assert outcome.sha256 == real
    assert not record_path(path).exists()
    assert lookup(path) is None


def test_missing_file(tmp_path: Path) -> None:
    assert lookup(tmp_path / "gone.pdf") is None
    with pytest.raises(OSError):
        confirm(tmp_path / "gone.pdf")


def test_lookup_does_not_import_pymupdf(tmp_path: Path) -> None:
    path, real = _packet(tmp_path)
    code = ("import sys; from reviewer import quick_identity as q; "
            f"print(q.lookup({str(path)!r}, {str(tmp_path / 'p')!r})); print('pymupdf' in sys.modules)")
    quick_identity.remember(path, real, profile=tmp_path / "p")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.split() == [real, "False"]
