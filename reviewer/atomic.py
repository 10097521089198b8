"""Atomic file writing: write a temporary file in the target's folder, fsync it, then ``os.replace``.

A reader (or a crash) never sees a half-written file: either the old file or the complete new one.

Exports to a place the member chose go through :func:`export_path`, which is stricter than
:func:`atomic_path` (used for the app's own files): it never creates a missing folder, refuses a folder or a
symbolic link as the target (replacing a link with a file, or writing through it to wherever it points, would
both surprise; a link planted in a shared folder could redirect the write), and turns every OS error into an
:class:`ExportError` with a one-line message. The previous file always survives a failed export.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reviewer.errors import ReviewerError


class ExportError(ReviewerError):
    """An export could not be written; the previous file, if any, is unchanged."""


def _current_umask() -> int:
    # os.umask() can only be read by setting it, which races with other threads creating files.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _final_mode(target: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual 0666 & ~umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_current_umask()


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; not possible nor needed on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, it replaces ``path``.

    For libraries that insist on writing to a file name themselves (openpyxl, python-docx, PyMuPDF).
    On error the temporary file is removed and ``path`` is left untouched. The new file gets the mode of
    the file it replaces (or the default for a new file), not the private mode of the temporary file.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    mode = _final_mode(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (``encoding`` may be ``utf-8-sig`` for a BOM)."""
    atomic_write_bytes(path, text.encode(encoding))


def _refusal(target: Path, exc: OSError) -> ExportError:
    name, folder = target.name, target.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ExportError(f"ディスクの空きが足りないため書き出せません: {name}（前のファイルはそのままです）",
                           f"There is not enough free disk space to write {name}; the previous file is unchanged.")
    if code == errno.EROFS:
        return ExportError(f"読み取り専用の場所には書き出せません: {folder}", f"Nothing can be written to a read-only place: {folder}.")
    if isinstance(exc, PermissionError):
        return ExportError(f"書き込めません（アクセス権がありません）: {folder}", f"You are not allowed to write there: {folder}.")
    if isinstance(exc, IsADirectoryError):
        return ExportError(f"「{name}」はフォルダのため書き出せません。ファイル名を指定してください",
                           f"“{name}” is a folder; give a file name.")
    reason = (exc.strerror or type(exc).__name__).replace("\n", " ")
    return ExportError(f"書き出せません: {name}（{reason}）", f"{name} cannot be written ({reason}).")


def check_export_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path if an export may write it; else raise :class:`ExportError` (nothing is created)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_symlink():
        raise ExportError(
            f"「{target.name}」はシンボリックリンクのため書き出せません（リンク先を上書きしないため）。"
            "別の名前を指定してください",
            f"“{target.name}” is a symbolic link and is not written over; choose another name.",
        )
    if target.is_dir():
        raise ExportError(f"「{target.name}」はフォルダのため書き出せません。ファイル名を指定してください",
                          f"“{target.name}” is a folder; give a file name.")
    if not folder.is_dir():
        raise ExportError(f"書き出し先のフォルダがありません: {folder}", f"The folder to write to does not exist: {folder}.")
    return target


@contextlib.contextmanager
def export_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Like :func:`atomic_path`, for a file the member exports (see the module docstring for the rules)."""
    target = check_export_target(path)
    try:
        with atomic_path(target) as tmp:
            yield tmp
    except OSError as exc:
        raise _refusal(target, exc) from exc
    except Exception as exc:
        if type(exc).__name__ != "FzErrorSystem":  # MuPDF's wrapper of a failed write (disk full…)
            raise
        reason = str(exc).splitlines()[0].rsplit(": ", 1)[-1] if str(exc) else type(exc).__name__
        raise ExportError(f"書き出せません: {target.name}（{reason}）",
                          f"{target.name} cannot be written ({reason}).") from exc


def export_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write an exported file atomically, with :func:`export_path`'s checks and messages."""
    with export_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
