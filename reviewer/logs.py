"""Logging: one rotating log file in the data directory, written so that it never holds a member's words.

The rule for every logger in the app (``reviewer.*`` and ``ui.*``):

    Log ids, counts, page numbers, file names and error types only.
    Never log comment text, quoted passages, replies, answers, passwords, passphrases or keys.

Write ``log.info("added annotation %s on page %d", a.id, a.page)``, not ``log.info("added %s", a)``.

:func:`setup_logging` enforces the rule as a second line of defence, on everything that reaches the file:

* An :class:`~reviewer.annotations.Annotation` (or any object with ``text``/``quote`` fields) passed as a log
  argument is written as ``<Annotation id page=N>``; wrap any other sensitive value in :func:`redacted`.
* Strings registered with :func:`register_secret` (the UI registers a PDF password as it is typed, for
  instance) are replaced by ``[redacted]`` wherever they appear, including in exception messages.
* ``password=…``, ``passphrase: …``, ``key=…``, ``hexkey``/``PRAGMA key`` values and SQLite ``x'…'`` blobs are
  masked by pattern.
* Exception messages are written only for types whose messages hold no content (our
  :class:`~reviewer.errors.ReviewerError`, OS errors, SQLite/APSW and PyMuPDF errors), cut to
  :data:`MAX_EXCEPTION_MESSAGE` characters; for any other type (``KeyError(text)``, ``ValueError(text)``…) only
  the type and the message's length. Tracebacks list frames (file, line, function) but never local variables.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from reviewer.errors import ReviewerError

LOG_FILE_NAME = "pia-reviewer.log"
LOG_DIR_NAME = "logs"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MAX_EXCEPTION_MESSAGE = 160
REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"

_HANDLER_MARK = "_pia_reviewer_handler"
_SAFE_MESSAGE_MODULES = frozenset({"apsw", "pymupdf", "fitz", "sqlite3", "zipfile", "concurrent"})
_secrets_lock = threading.Lock()
_secrets: set[str] = set()
_MIN_SECRET_LENGTH = 3

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # key = value / key: value for secret-looking names (ASCII or Japanese words).
    (re.compile(r"(?i)\b(pass(?:word|phrase|wd)?|pwd|secret|token|hexkey|key)\b(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|\S+)"),
     r"\1\2" + REDACTED),
    (re.compile(r"(パスワード|パスフレーズ|鍵)(\s*[=:：]\s*)(\S+)"), r"\1\2" + REDACTED),
    # PRAGMA key='…' / PRAGMA hexkey="…"
    (re.compile(r"(?i)(pragma\s+(?:hex)?(?:re)?key\s*=\s*)(\"[^\"]*\"|'[^']*'|\S+)"), r"\1" + REDACTED),
    # SQLite blob literals (x'00ff…'), which is how raw keys appear in SQL.
    (re.compile(r"(?i)\bx'[0-9a-f]{16,}'"), REDACTED),
)


# ---------------------------------------------------------------------------------------------- secrets


def register_secret(value: str | None) -> None:
    """Never write ``value`` to the log (e.g. a PDF password or passphrase the member typed)."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def forget_secret(value: str | None) -> None:
    if value:
        with _secrets_lock:
            _secrets.discard(value)


def clear_secrets() -> None:
    with _secrets_lock:
        _secrets.clear()


class Redacted:
    """A log argument that prints as its kind and length only: ``log.debug("query %s", redacted(q))``."""

    __slots__ = ("_length", "_what")

    def __init__(self, value: object, what: str = "text") -> None:
        self._length = len(value) if isinstance(value, (str, bytes)) else 0
        self._what = what

    def __str__(self) -> str:
        return f"<{self._what}: {self._length} chars>"

    __repr__ = __str__


def redacted(value: object, what: str = "text") -> Redacted:
    return Redacted(value, what)


def scrub(text: str) -> str:
    """``text`` with registered secrets and secret-looking assignments masked."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _safe_arg(value: Any) -> Any:
    """Replace objects that carry a member's words by a short description."""
    if isinstance(value, (int, float, bool, type(None), Redacted)):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if hasattr(value, "text") and (hasattr(value, "quote") or hasattr(value, "author")):
        ident = getattr(value, "id", "?")
        page = getattr(value, "page", None)
        where = f" page={page}" if isinstance(page, int) else ""
        return f"<{type(value).__name__} {ident}{where}>"
    if isinstance(value, BaseException):
        return describe_exception(value)
    if isinstance(value, dict):
        return f"<dict of {len(value)}>"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"<{type(value).__name__} of {len(value)}>"
    return value


def _message_is_safe(exc: BaseException) -> bool:
    """Exceptions whose messages are written by code that never puts a member's words in them."""
    if isinstance(exc, (ReviewerError, OSError, json.JSONDecodeError, UnicodeError, RecursionError,
                        MemoryError, TimeoutError, NotImplementedError)):
        return True
    module = type(exc).__module__ or ""
    return module.split(".")[0] in _SAFE_MESSAGE_MODULES or type(exc).__name__.startswith("FzError")


def describe_exception(exc: BaseException) -> str:
    """``Type: message``. Messages are kept (scrubbed) only for exceptions whose messages are known to hold
    no content (ours, OS errors with file names, database and PDF library errors); for any other type
    only the message's length is written, since e.g. ``KeyError(text)`` would carry the text itself."""
    name = type(exc).__qualname__
    if isinstance(exc, ReviewerError):
        message = exc.message_en
    elif _message_is_safe(exc):
        message = str(exc)
        if len(message) > MAX_EXCEPTION_MESSAGE:
            message = message[:MAX_EXCEPTION_MESSAGE] + "…"
    else:
        length = len(str(exc))
        return f"{name} (message of {length} chars not logged)" if length else name
    message = scrub(message)
    return f"{name}: {message}" if message else name


def format_exception(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> str:
    """A traceback with frames (file, line, function, source line) and scrubbed messages, no locals."""
    if exc is None:
        return exc_type.__qualname__ if exc_type is not None else ""
    chain: list[tuple[BaseException, TracebackType | None, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    current_tb, note = tb or exc.__traceback__, ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, current_tb, note))
        if current.__cause__ is not None:
            current, note = current.__cause__, "The above exception was the direct cause of the following:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, note = current.__context__, "During handling of the above exception, another occurred:"
        else:
            current = None
        current_tb = current.__traceback__ if current is not None else None
    lines: list[str] = []
    for item, item_tb, link in reversed(chain):
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item_tb):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        lines.append(describe_exception(item))
        if link:
            lines.append("")
            lines.append(link)
    return scrub("\n".join(lines))


# ---------------------------------------------------------------------------------------------- handler


class RedactingFilter(logging.Filter):
    """Renders each record safely once: arguments described, secrets masked, traceback without locals."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pia_redacted", False):
            return True
        try:
            args = record.args
            if isinstance(args, tuple):
                record.args = tuple(_safe_arg(a) for a in args)
            elif isinstance(args, dict):
                record.args = {k: _safe_arg(v) for k, v in args.items()}
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = scrub(str(message))
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = format_exception(*record.exc_info)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record._pia_redacted = True
        return True


def log_dir(profile: str | os.PathLike[str] | None = None) -> Path:
    """``data_dir(profile)/logs`` (created)."""
    from reviewer.paths import data_dir

    folder = data_dir(profile) / LOG_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _our_handlers(logger: logging.Logger) -> Iterable[logging.Handler]:
    return [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]


def setup_logging(
    folder: str | os.PathLike[str] | None = None,
    *,
    level: int = logging.INFO,
    console: bool = False,
) -> Path:
    """Send the app's logging to ``folder/pia-reviewer.log`` (default ``data_dir()/logs``), rotated.

    Idempotent: calling it again replaces the handler installed earlier (e.g. with another folder).
    Returns the log file's path. The file is readable by its owner only where the OS supports it.
    """
    target_dir = Path(folder) if folder is not None else log_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for old in _our_handlers(root):
        root.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
    )
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    setattr(handler, _HANDLER_MARK, True)
    handler.setLevel(level)
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(RedactingFilter())
        stream.setLevel(max(level, logging.WARNING))
        setattr(stream, _HANDLER_MARK, True)
        root.addHandler(stream)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.getLogger("reviewer").info("logging to %s", path.name)
    return path


def current_log_file() -> Path | None:
    """The file :func:`setup_logging` writes to, if it was called."""
    for handler in _our_handlers(logging.getLogger()):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def shutdown_logging() -> None:
    """Flush and remove the handlers installed by :func:`setup_logging` (tests, clean exit)."""
    root = logging.getLogger()
    for handler in _our_handlers(root):
        root.removeHandler(handler)
        handler.close()
