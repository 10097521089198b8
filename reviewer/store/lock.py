"""A lock file that serialises creating and opening a profile across processes.

SQLite's own locks protect the database once it exists. They cannot protect what happens before: the
choice of the passphrase salt, the keyring key of a first start, or the check "is the database missing
beside backups?". Every :meth:`reviewer.store.Store.open` holds this lock for those steps.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from reviewer.store.errors import DatabaseBusy

LOCK_NAME = "reviewer.lock"
LOCK_TIMEOUT_S = 60.0  # opening can include scrypt and a daily backup in the other process


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def profile_lock(folder: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the profile's lock file (``reviewer.lock``) for the block; DatabaseBusy after ``timeout_s``.

    flock locks belong to the open file, so two threads of one process exclude each other as well.
    """
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        try:  # a read-only folder: an existing lock file can still be locked through a read-only handle
            fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
        except OSError:
            # Nothing can be created here by this user, so there is no creation to serialise; opening the
            # database then reports the read-only folder in words (ProfileNotWritable).
            yield
            return
    try:
        deadline = time.monotonic() + timeout_s
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise DatabaseBusy()
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
