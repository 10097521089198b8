"""Keys and passwords in the keyring, the passphrase fallback, and encryption of the database at rest."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import apsw
import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import NoKeyringError

from reviewer import secrets
from reviewer.annotations import Annotation
from reviewer.store import (
    DB_NAME,
    SALT_NAME,
    DatabaseLocked,
    KeyringUnavailable,
    PassphraseRequired,
    Store,
    WrongKey,
)

SHA = "c" * 64
SECRET_TEXT = "機密のコメント本文：住民票コード漏えいの懸念"
SECRET_QUOTE = "特定個人情報ファイルの取扱い委託先"


def make(**changes: Any) -> Annotation:
    values: dict[str, Any] = {
        "file_sha256": SHA, "file_name": "p.pdf", "page": 3, "page_label": "4", "kind": "highlight",
        "rects": [(1.0, 2.0, 3.0, 4.0)], "category": "質問", "text": SECRET_TEXT, "author": "委員A",
        "quote": SECRET_QUOTE,
    }
    values.update(changes)
    return Annotation(**values)


class _NoKeyring(KeyringBackend):  # type: ignore[misc]
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("no backend")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("no backend")


class _Forgetful(KeyringBackend):  # type: ignore[misc]
    """Accepts writes and keeps nothing (some misconfigured desktop keyrings behave like this)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None


def test_database_key_is_created_once_and_kept(memory_keyring: Any) -> None:
    assert secrets.get_database_key() is None
    key = secrets.get_or_create_database_key()
    assert len(key) == 64 and bytes.fromhex(key)
    assert memory_keyring.store[("pia-reviewer", "database-key")] == key
    assert secrets.get_or_create_database_key() == key


def test_pdf_passwords(memory_keyring: Any) -> None:
    assert secrets.recalled_pdf_password(SHA) is None
    secrets.remember_pdf_password(SHA, "p@ss word 日本")
    assert secrets.recalled_pdf_password(SHA) == "p@ss word 日本"
    assert secrets.recalled_pdf_password("d" * 64) is None
    secrets.forget_pdf_password(SHA)
    secrets.forget_pdf_password(SHA)  # forgetting twice is fine
    assert secrets.recalled_pdf_password(SHA) is None


@pytest.mark.parametrize("backend", [_NoKeyring(), fail.Keyring(), null.Keyring(), _Forgetful()])
def test_no_usable_keyring_is_reported(backend: KeyringBackend, isolated_profile: Path) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(KeyringUnavailable) as info:
        secrets.get_or_create_database_key()
    assert "パスフレーズ" in info.value.message_ja
    with pytest.raises(KeyringUnavailable):
        Store.open(isolated_profile)
    assert not (isolated_profile / DB_NAME).exists()  # never a plaintext fallback
    if not isinstance(backend, _Forgetful):
        with pytest.raises(KeyringUnavailable):
            secrets.remember_pdf_password(SHA, "x")
        with pytest.raises(KeyringUnavailable):
            secrets.recalled_pdf_password(SHA)


def test_files_on_disk_hold_no_comment_text(isolated_profile: Path) -> None:
    s = Store.open(isolated_profile)
    for i in range(30):
        s.add_annotation(make(page=i))
    s.set_setting("member_name", "委員 秘密太郎")
    wal = isolated_profile / (DB_NAME + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # still open: the changes sit in the WAL
    blobs = [p.read_bytes() for p in isolated_profile.rglob("*") if p.is_file()]
    s.close()
    Store.open(isolated_profile).close()  # and the backup made at this open
    blobs += [p.read_bytes() for p in isolated_profile.rglob("*") if p.is_file()]
    needles = [t.encode(enc) for t in (SECRET_TEXT[:8], SECRET_QUOTE[:8], "秘密太郎") for enc in ("utf-8", "utf-16-le")]
    for blob in blobs:
        assert not any(n in blob for n in needles)
        assert not blob.startswith(b"SQLite format 3")


def test_opening_without_or_with_a_wrong_key_fails(isolated_profile: Path, memory_keyring: Any) -> None:
    s = Store.open(isolated_profile)
    s.add_annotation(make())
    s.close()
    before = (isolated_profile / DB_NAME).read_bytes()
    raw = apsw.Connection(str(isolated_profile / DB_NAME))
    with pytest.raises(apsw.NotADBError):
        raw.execute("SELECT * FROM annotations").fetchall()
    raw.close()

    key = memory_keyring.store.pop(("pia-reviewer", "database-key"))
    with pytest.raises(DatabaseLocked) as locked:
        Store.open(isolated_profile)
    assert "鍵" in locked.value.message_ja
    assert ("pia-reviewer", "database-key") not in memory_keyring.store  # no new key was made up

    memory_keyring.store[("pia-reviewer", "database-key")] = "1" * 64
    with pytest.raises(WrongKey) as wrong:
        Store.open(isolated_profile)
    assert "開けません" in wrong.value.message_ja
    with pytest.raises(DatabaseLocked):
        Store.open(isolated_profile, passphrase="anything")  # a keyring database is not a passphrase one
    assert (isolated_profile / DB_NAME).read_bytes() == before  # nothing was overwritten

    memory_keyring.store[("pia-reviewer", "database-key")] = key
    s = Store.open(isolated_profile)
    assert [a.text for a in s.annotations(SHA)] == [SECRET_TEXT]
    s.close()


def test_passphrase_mode(isolated_profile: Path) -> None:
    keyring.set_keyring(fail.Keyring())  # the reason for passphrase mode: no keyring at all
    with pytest.raises(KeyringUnavailable):
        Store.open(isolated_profile)
    s = Store.open(isolated_profile, passphrase="正しいパスフレーズ")
    assert s.passphrase_mode
    a = make()
    s.add_annotation(a)
    s.close()
    salt = json.loads((isolated_profile / SALT_NAME).read_text("utf-8"))
    assert salt["kdf"] == "scrypt" and len(bytes.fromhex(salt["salt"])) == 16
    assert "正しい" not in (isolated_profile / SALT_NAME).read_text("utf-8")
    with pytest.raises(PassphraseRequired):
        Store.open(isolated_profile)
    with pytest.raises(WrongKey) as wrong:
        Store.open(isolated_profile, passphrase="まちがい")
    assert wrong.value.passphrase_mode and "パスフレーズ" in wrong.value.message_ja
    s = Store.open(isolated_profile, passphrase="正しいパスフレーズ")
    assert s.get_annotation(a.id) == a
    s.close()
    assert SECRET_TEXT.encode() not in (isolated_profile / DB_NAME).read_bytes()


def test_logs_hold_no_secrets(isolated_profile: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = Store.open(isolated_profile)
    s.add_annotation(make())
    s.upsert_imported([make(text=SECRET_TEXT + "2")])
    s.close()
    Store.open(isolated_profile).close()
    secrets.remember_pdf_password(SHA, "hunter2-パス")
    secrets.recalled_pdf_password(SHA)
    secrets.forget_pdf_password(SHA)
    key = secrets.get_database_key()
    assert key is not None
    assert caplog.records  # something was logged…
    for needle in (SECRET_TEXT[:6], SECRET_QUOTE[:6], "hunter2", key):
        assert needle not in caplog.text  # …but never a secret
