"""Opening the encrypted database file: where it lives, which key unlocks it, integrity and backups.

The database is SQLite3 Multiple Ciphers (ChaCha20-Poly1305, every page authenticated). Its 256-bit key
comes from the OS keyring (:mod:`reviewer.secrets`) or, when the member chose a passphrase, from scrypt
over the passphrase and the salt in the plaintext sidecar ``reviewer.salt``. A passphrase database
never touches the keyring. There is no plaintext fallback: without the key nothing opens.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import apsw

from reviewer import secrets as keys
from reviewer.atomic import atomic_write_bytes, fsync_dir
from reviewer.paths import data_dir, ensure_private_dir, make_private
from reviewer.store.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseMissing,
    InvalidDatabaseKey,
    PassphraseRequired,
    ProfileNotWritable,
    StorageError,
    WrongKey,
)

log = logging.getLogger("reviewer.store")

DB_NAME = "reviewer.db"
SALT_NAME = "reviewer.salt"
BACKUP_DIR = "backups"
BACKUPS_KEPT = 7
CIPHER = "chacha20"
BUSY_TIMEOUT_MS = 10_000
_BACKUP_RE = re.compile(r"^reviewer-(\d{4}-\d{2}-\d{2})\.db$")


@dataclass(frozen=True, slots=True)
class Unlock:
    """The key that opens a database and how it was obtained."""

    hexkey: str
    passphrase_mode: bool


def database_path(profile: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(profile) / DB_NAME


def _has_content(path: Path) -> bool:
    return any(
        p.exists() and p.stat().st_size > 0 for p in (path, path.with_name(path.name + "-wal"))
    )


def _read_salt(salt_file: Path) -> keys.KdfParams:
    try:
        return keys.KdfParams.from_json(json.loads(salt_file.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DatabaseLocked(
            f"パスフレーズの設定ファイル（{SALT_NAME}）が壊れているか読めないため、コメントの保存先を開けません。"
            "バックアップから戻したファイルがあれば元に戻してください。",
            f"The passphrase settings file ({SALT_NAME}) is damaged or unreadable, so your comments cannot be "
            "opened. If you have it in a backup, put it back.",
        ) from exc


def _create_salt_once(salt_file: Path) -> keys.KdfParams:
    """Write a new salt unless one appeared meanwhile; return the salt that is on disk.

    The new salt is written to a private temporary file and hard-linked into place: a link never replaces
    an existing file, so of two processes creating a profile at once exactly one salt wins and both use it.
    """
    params = keys.KdfParams.new()
    data = json.dumps(params.to_json()).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{SALT_NAME}.", suffix=".tmp", dir=salt_file.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, salt_file)
            log.info("created %s for a passphrase-protected database", SALT_NAME)
        except FileExistsError:
            log.info("another process created %s first; using it", SALT_NAME)
        except OSError:  # no hard links on this file system: exclusive create instead
            try:
                with open(salt_file, "xb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except FileExistsError:
                pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_dir(salt_file.parent)
    make_private(salt_file)
    return _read_salt(salt_file)


def _derive(passphrase: str, params: keys.KdfParams) -> str:
    try:
        return keys.derive_key(passphrase, params)
    except (ValueError, MemoryError) as exc:
        raise DatabaseLocked(
            f"パスフレーズの設定ファイル（{SALT_NAME}）の値が正しくないため、コメントの保存先を開けません。",
            f"The values in the passphrase settings file ({SALT_NAME}) are not valid, so your comments cannot be "
            "opened.",
        ) from exc


def _keyring_key_opens(db: Path) -> bool | None:
    """Whether the keyring holds a key that opens ``db``; None when there is no usable keyring to ask."""
    try:
        stored = keys.get_database_key()
    except keys.KeyringUnavailable:
        return None
    return stored is not None and verify_file(db, stored)[0]


def resolve_key(folder: Path, passphrase: str | None, key: str | None) -> Unlock:
    """Find the key for the database in ``folder`` (creating one for a new database).

    ``key`` (64 hex digits) bypasses both the keyring and the passphrase; it exists for tests and tools.
    Call it under :func:`reviewer.store.lock.profile_lock` when it may create the salt or the keyring key.
    """
    if key is not None:
        key = key.strip().lower()
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise InvalidDatabaseKey()
        return Unlock(key, passphrase_mode=False)
    db = folder / DB_NAME
    salt_file = folder / SALT_NAME
    exists = _has_content(db)
    if salt_file.exists():
        if passphrase is None:
            raise PassphraseRequired()
        return Unlock(_derive(passphrase, _read_salt(salt_file)), passphrase_mode=True)
    if passphrase is not None:
        if exists:
            opens = _keyring_key_opens(db)
            if opens:
                raise DatabaseLocked(
                    "コメントの保存先はOSの資格情報ストアの鍵で保護されているため、パスフレーズでは開けません。",
                    "Your comments are protected by the key in the system's credential store, so a passphrase "
                    "cannot open them.",
                )
            if opens is None:  # cannot tell: a keyring database on a machine whose keyring is unavailable now?
                raise DatabaseLocked(
                    f"パスフレーズの設定ファイル（{SALT_NAME}）が見つかりません。パスフレーズで保護した保存先なら "
                    f"{SALT_NAME} を元の場所（{folder}）に戻し、資格情報ストアで保護した保存先なら資格情報ストアが"
                    "使える状態で開いてください。",
                    f"The passphrase settings file ({SALT_NAME}) is missing. If a passphrase protects your "
                    f"comments, put {SALT_NAME} back in {folder}; if the credential store does, open them where "
                    "the credential store can be used.",
                )
            raise DatabaseLocked(
                f"パスフレーズの設定ファイル（{SALT_NAME}）が見つからないため、コメントの保存先を開けません。"
                f"{SALT_NAME} を元の場所（{folder}）に戻してください。",
                f"The passphrase settings file ({SALT_NAME}) is missing, so your comments cannot be opened. "
                f"Put {SALT_NAME} back in {folder}.",
            )
        params = _create_salt_once(salt_file)
        return Unlock(_derive(passphrase, params), passphrase_mode=True)
    if exists:
        stored = keys.get_database_key()
        if stored is None:
            raise DatabaseLocked(
                "コメントの保存先の鍵が資格情報ストアに見つからないため開けません。",
                "The key of your comments is not in the system's credential store, so they cannot be opened.",
            )
        return Unlock(stored, passphrase_mode=False)
    return Unlock(keys.get_or_create_database_key(), passphrase_mode=False)


def refuse_if_missing(folder: Path) -> None:
    """DatabaseMissing when ``reviewer.db`` is empty or gone but backups exist (never start anew silently)."""
    if _has_content(folder / DB_NAME):
        return
    backups = list_backups(folder)
    if backups:
        log.info("%s is empty or missing beside %d backups", DB_NAME, len(backups))
        raise DatabaseMissing(folder / DB_NAME, backups)


def make_files_private(folder: Path) -> None:
    """The database and its side files readable by the owner only (SQLite creates them 0644 & ~umask)."""
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", SALT_NAME):
        make_private(folder / name)


def connect(path: Path, hexkey: str, *, readonly: bool = False) -> apsw.Connection:
    """A keyed connection; raises apsw.NotADBError on the first read if the key is wrong."""
    flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    conn = apsw.Connection(str(path), flags=flags)
    conn.pragma("cipher", CIPHER)
    conn.pragma("hexkey", hexkey)
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)
    return conn


def configure(conn: apsw.Connection) -> None:
    """Per-connection settings: WAL, full durability (every change is committed at once), foreign keys."""
    mode = conn.pragma("journal_mode", "wal")
    if str(mode).lower() != "wal":
        log.warning("journal_mode is %s, not wal", mode)
    conn.pragma("synchronous", "full")
    conn.pragma("foreign_keys", True)
    conn.pragma("secure_delete", True)


def quick_check(conn: apsw.Connection) -> tuple[bool, str]:
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    ok = rows == ["ok"]
    if not ok:
        log.info("quick_check found: %s", " | ".join(rows[:100]).replace("\n", " | "))
    if ok:
        return True, ""
    first = rows[0].strip().splitlines()[0] if rows and rows[0].strip() else "quick_check failed"
    return False, first[:200]


def backups_dir(folder: Path) -> Path:
    return folder / BACKUP_DIR


def list_backups(profile: str | os.PathLike[str] | None = None) -> list[Path]:
    """The rolling backups of the profile's database, newest first."""
    folder = backups_dir(data_dir(profile))
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _BACKUP_RE.match(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _copy_database(source: apsw.Connection, target: Path, hexkey: str) -> None:
    """A consistent, encrypted copy of ``source`` at ``target`` (written to a temp file, then renamed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # SQLite creates it; an empty existing file would be fine too, but keep it clean
    try:
        dest = connect(Path(tmp), hexkey)
        try:
            with dest.backup("main", source, "main") as backup:
                while not backup.done:
                    backup.step(-1)
            # A standalone file: no -wal/-shm next to the copy.
            dest.pragma("journal_mode", "delete")
        finally:
            dest.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        make_private(tmp)
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    fsync_dir(target.parent)


def _remove_stale_temporaries(folder: Path, max_age_s: float = 3600.0) -> None:
    """Half-written copies left by a crash during a backup (a fresh one may belong to another instance)."""
    now = time.time()
    for leftover in folder.glob(".reviewer-*.db.*.tmp*"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > max_age_s:
                leftover.unlink()


def daily_backup(conn: apsw.Connection, folder: Path, hexkey: str, today: date | None = None) -> Path | None:
    """Make today's backup if there is none yet and drop all but the newest BACKUPS_KEPT. Returns the new file."""
    bdir = ensure_private_dir(backups_dir(folder))
    day = (today or date.today()).isoformat()
    target = bdir / f"reviewer-{day}.db"
    made: Path | None = None
    if not target.exists():
        _copy_database(conn, target, hexkey)
        log.info("made the daily backup %s", target.name)
        made = target
    _remove_stale_temporaries(bdir)
    existing = sorted((p for p in bdir.iterdir() if _BACKUP_RE.match(p.name)), key=lambda p: p.name)
    for old in existing[:-BACKUPS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
            log.info("removed the old backup %s", old.name)
    return made


def verify_file(path: Path, hexkey: str) -> tuple[bool, str]:
    """Whether ``path`` opens with ``hexkey`` and passes quick_check (the file is not modified)."""
    try:
        conn = connect(path, hexkey, readonly=True)
    except apsw.Error as exc:
        return False, type(exc).__name__
    try:
        return quick_check(conn)
    except apsw.Error as exc:
        return False, type(exc).__name__
    finally:
        conn.close()


def restore_backup(
    profile: str | os.PathLike[str] | None,
    backup_path: str | os.PathLike[str],
    *,
    passphrase: str | None = None,
    key: str | None = None,
    verify: bool = True,
) -> Path:
    """Replace the profile's database with ``backup_path``; the current file is kept aside, not deleted.

    With ``verify`` the backup must open with the profile's key and pass quick_check first. Close every
    Store on this profile before calling. Returns where the replaced database was moved.
    """
    from reviewer.store.lock import profile_lock

    folder = data_dir(profile)
    with profile_lock(folder):  # no other process may create a database here meanwhile
        return _restore_locked(folder, Path(backup_path), passphrase=passphrase, key=key, verify=verify)


def _restore_locked(folder: Path, source: Path, *, passphrase: str | None, key: str | None, verify: bool) -> Path:
    db = folder / DB_NAME
    if verify:
        unlock = resolve_key(folder, passphrase, key)
        ok, detail = verify_file(source, unlock.hexkey)
        if not ok:
            raise DatabaseDamaged(source, [], detail)
    stamp = date.today().isoformat()
    aside = folder / f"reviewer.damaged-{stamp}-{os.getpid()}.db"
    n = 0
    while aside.exists():
        n += 1
        aside = folder / f"reviewer.damaged-{stamp}-{os.getpid()}-{n}.db"
    if db.exists():
        os.replace(db, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    atomic_write_bytes(db, source.read_bytes())
    make_private(db)
    log.info("restored the database from %s", source.name)
    return aside


def _writable(folder: Path, path: Path) -> bool:
    """Whether the folder and the database file (if any) may be written by this user."""
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def translate(exc: apsw.Error, path: Path, folder: Path) -> Exception:
    """The member-facing error for an SQLite failure that the environment caused, else ``exc`` itself."""
    if isinstance(exc, apsw.BusyError | apsw.LockedError):
        return DatabaseBusy()
    if isinstance(exc, apsw.ReadOnlyError | apsw.CantOpenError | apsw.PermissionsError) and not _writable(folder, path):
        return ProfileNotWritable(folder, type(exc).__name__)
    if isinstance(exc, apsw.FullError | apsw.ReadOnlyError | apsw.IOError | apsw.CantOpenError):
        return StorageError(type(exc).__name__)
    if isinstance(exc, apsw.CorruptError | apsw.NotADBError):
        return DatabaseDamaged(path, list_backups(folder), type(exc).__name__)
    return exc


def open_checked(folder: Path, unlock: Unlock) -> apsw.Connection:
    """Open, prove the key, configure and quick_check the database in ``folder``."""
    path = folder / DB_NAME
    existed = _has_content(path)
    try:
        conn = connect(path, unlock.hexkey)
    except apsw.Error as exc:
        raise translate(exc, path, folder) from exc
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchall()
    except apsw.NotADBError as exc:
        conn.close()
        backups = list_backups(folder)
        # Page 1 unreadable: a wrong key, or a damaged header. A backup that opens with the same key
        # proves the key right, so the file must be damaged.
        if existed and backups and verify_file(backups[0], unlock.hexkey)[0]:
            raise DatabaseDamaged(path, backups, "unreadable header") from exc
        raise WrongKey(unlock.passphrase_mode) from exc
    except apsw.Error as exc:
        conn.close()
        raise translate(exc, path, folder) from exc
    try:
        configure(conn)
        ok, detail = quick_check(conn)
    except apsw.Error as exc:
        conn.close()
        if isinstance(exc, apsw.CorruptError | apsw.NotADBError):
            raise DatabaseDamaged(path, list_backups(folder), type(exc).__name__) from exc
        raise translate(exc, path, folder) from exc
    if not ok:
        conn.close()
        log.error("quick_check failed on %s", path.name)
        raise DatabaseDamaged(path, list_backups(folder), detail)
    return conn
