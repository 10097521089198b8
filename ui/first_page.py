"""The first page from a helper process (issue 16): started before Qt is imported, used by the first open.

``start(path)`` runs first thing in ``run_gui`` when a packet is given: a helper process
(:mod:`reviewer.first_page`) imports PyMuPDF and opens the PDF on the other core while this process imports Qt and
builds the window. The first :meth:`MainWindow.open_file` of that same path then takes the page geometry from the
helper (``geometry_for``: no PyMuPDF here, and no password check: the helper opened it without one) and the page
view's render worker takes the helper (``take_for``): it asks for the pages on screen at the view's scale, shows
them, and only after they are painted imports PyMuPDF and opens its own document.

Whatever the helper does not serve — a password, a damaged or non-PDF file, a too complex page, a helper that
dies, answers nonsense or takes longer than ``WAIT_S`` — is left to the in-process path, which then runs exactly as
without a helper. This module imports neither Qt nor PyMuPDF. POSIX only: on Linux the helper is a fork of this
process taken before Qt is loaded (no second interpreter or bootloader start), else a new process; elsewhere
``start`` does nothing.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

WAIT_S = 3.0  # the longest the GUI waits for the helper's geometry, and the worker for one page, before falling back
MAX_PAGES = 2  # the pages on screen at start: the view's top page and the next one's top
PIPE_BYTES = 1 << 20  # a larger pipe: a page (a few MB) crosses in fewer turns
SHARED_BYTES = 64 << 20  # memory shared with a forked helper for its pages (only what is written is ever allocated)

Matrix = tuple[float, float, float, float, float, float]
Geometry = tuple[list[tuple[float, float]], dict[int, Matrix]]
RawPage = tuple[int, int, int, int, bytearray | memoryview]  # page, width, height, stride, RGB bytes

_started: EarlyPage | None = None


def helper_argv(path: Path) -> list[str]:
    """The helper's command line: the built app runs itself with a flag, a source run the core module (without
    ``site``, a fifth of the helper's own start: the import path is handed over, see ``helper_env``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--first-page-helper", str(path)]
    return [sys.executable, "-S", "-m", "reviewer.first_page", str(path)]


def helper_env() -> dict[str, str]:
    """This process's environment with its import path (site-packages, this checkout) as ``PYTHONPATH``."""
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        import reviewer

        root = os.path.dirname(os.path.dirname(os.path.abspath(reviewer.__file__)))
        env["PYTHONPATH"] = os.pathsep.join([root, *(p for p in sys.path if p and p != root)])
    return env


class EarlyPage:
    """One helper process: its pipes, its answers, and its end."""

    def __init__(self, path: Path, pid: int, to_helper: int, from_helper: int, shared: Any = None) -> None:
        self.path = path
        self.pid = pid
        self._to_helper = to_helper
        self._from_helper = from_helper
        self._shared = shared  # an mmap a forked helper writes its pages into, or None (they come by the pipe)
        self._buffer = bytearray()
        self._geometry: Geometry | None = None
        self.failed = False
        self.closed = False

    @classmethod
    def spawn(cls, path: Path, fork: bool | None = None) -> EarlyPage | None:
        """Start the helper for ``path``. On Linux, while this process is still one thread without Qt (the start of
        ``run_gui``), it is a fork: no interpreter start, no second start of the built app (0.1 s of CPU there);
        otherwise a new process runs :mod:`reviewer.first_page`. ``fork`` forces either way (tests)."""
        if os.name != "posix" or not hasattr(os, "posix_spawn"):
            return None
        if fork is None:
            fork = sys.platform.startswith("linux") and _single_threaded_without_qt()
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        for fd in (answers_read, requests_read):
            _enlarge_pipe(fd)
        shared = _shared_memory() if fork else None
        try:
            if fork:
                pid = os.fork()
                if pid == 0:  # the helper: it never returns from here
                    _serve_in_fork(path, (requests_write, answers_read), requests_read, answers_write, shared)
            else:
                argv = helper_argv(path)
                # dup2 onto 0 and 1 clears close-on-exec there; the pipes' own descriptors are close-on-exec.
                pid = os.posix_spawn(argv[0], argv, helper_env(), file_actions=[
                    (os.POSIX_SPAWN_DUP2, requests_read, 0), (os.POSIX_SPAWN_DUP2, answers_write, 1)])
        except OSError:
            for fd in (requests_read, requests_write, answers_read, answers_write):
                os.close(fd)
            if shared is not None:
                shared.close()
            return None
        os.close(requests_read)
        os.close(answers_write)
        return cls(path, pid, requests_write, answers_read, shared)

    # -- reading ---------------------------------------------------------------------------------------------
    def _readable(self, deadline: float) -> bool:
        """Whether the helper's pipe has data (or was closed) before ``deadline``."""
        import select

        remaining = deadline - time.monotonic()
        if remaining <= 0 or self.closed:
            return False
        poller = select.poll()
        poller.register(self._from_helper, select.POLLIN)
        return bool(poller.poll(remaining * 1000.0))

    def _fill(self, deadline: float) -> bool:
        """Read what the helper sent so far (at least one byte) into the buffer; False on end, error or time."""
        try:
            if not self._readable(deadline):
                return False
            chunk = os.read(self._from_helper, PIPE_BYTES)
        except (OSError, ValueError):
            return False
        self._buffer += chunk
        return bool(chunk)

    def _line(self, deadline: float) -> dict[str, Any] | None:
        while (end := self._buffer.find(b"\n")) < 0:
            if not self._fill(deadline):
                return None
        line = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _bytes(self, count: int, deadline: float) -> bytearray | None:
        """``count`` bytes, read straight into one buffer (a page is a few MB)."""
        data = bytearray(count)
        view = memoryview(data)
        filled = min(count, len(self._buffer))
        view[:filled] = self._buffer[:filled]
        del self._buffer[:filled]
        while filled < count:
            try:
                if not self._readable(deadline):
                    return None
                got = os.readv(self._from_helper, [view[filled:]])
            except (OSError, ValueError):
                return None
            if not got:
                return None
            filled += got
        return data

    # -- the protocol ----------------------------------------------------------------------------------------
    def geometry(self, wait: float | None = None) -> Geometry | None:
        """The page sizes and rotations the helper read; None (and the helper closed) when it cannot serve."""
        if self._geometry is not None or self.failed:
            return self._geometry
        answer = self._line(time.monotonic() + (WAIT_S if wait is None else wait))
        try:
            if answer is None or answer.get("status") != "ok":
                raise ValueError(answer)
            sizes = [(float(w), float(h)) for w, h in answer["sizes"]]
            rotations: dict[int, Matrix] = {}
            for key, values in answer["rotations"].items():
                a, b, c, d, e, f = (float(v) for v in values)
                rotations[int(key)] = (a, b, c, d, e, f)
            if not sizes:
                raise ValueError("no pages")
        except (ValueError, TypeError, KeyError, AttributeError):
            self.fail()
            return None
        self._geometry = (sizes, rotations)
        return self._geometry

    def request(self, scale: float, pages: list[int]) -> bool:
        """Ask for ``pages`` at ``scale`` (one request per helper)."""
        line = json.dumps({"scale": scale, "pages": pages[:MAX_PAGES]}).encode("utf-8") + b"\n"
        try:
            os.write(self._to_helper, line)
        except OSError:
            self.fail()
            return False
        return True

    def read_page(self, wait: float | None = None) -> RawPage | None:
        """The next requested page: (page, width, height, stride, RGB bytes); None when the helper left that page
        to the worker, or failed (then ``failed`` is set)."""
        deadline = time.monotonic() + (WAIT_S if wait is None else wait)
        header = self._line(deadline)
        if header is None:
            self.fail()
            return None
        if "fallback" in header:
            return None
        try:
            page, width, height, stride = (int(header[key]) for key in ("page", "width", "height", "stride"))
        except (KeyError, TypeError, ValueError):
            self.fail()
            return None
        if width <= 0 or height <= 0 or stride < width * 3:
            self.fail()
            return None
        data: bytearray | memoryview | None
        if "shared" in header:
            data = self._shared_bytes(header["shared"], stride * height)
        else:
            data = self._bytes(stride * height, deadline)
        if data is None:
            self.fail()
            return None
        return page, width, height, stride, data

    def _shared_bytes(self, offset: Any, count: int) -> memoryview | None:
        """``count`` bytes the helper wrote at ``offset`` of the shared memory (None when that is not there)."""
        if self._shared is None or not isinstance(offset, int) or offset < 0 or offset + count > len(self._shared):
            return None
        return memoryview(self._shared)[offset:offset + count]

    def fail(self) -> None:
        self.failed = True
        self.close()

    def close(self) -> None:
        """End the helper (it has nothing left to do once its answers are read) and reap it."""
        if self.closed:
            return
        self.closed = True
        for fd in (self._to_helper, self._from_helper):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, 9)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        if self._shared is not None:
            try:
                self._shared.close()
            except BufferError:  # a page read from it is still held: the mapping goes when that goes
                pass
            self._shared = None


def _single_threaded_without_qt() -> bool:
    import threading

    return threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules


def _shared_memory() -> Any:
    """Anonymous memory shared with a child forked after this call; None where it cannot be had."""
    try:
        import mmap

        return mmap.mmap(-1, SHARED_BYTES)
    except (ImportError, OSError, ValueError):
        return None


def _serve_in_fork(path: Path, parents: tuple[int, int], requests: int, answers: int, shared: Any = None) -> None:
    """The forked helper's whole life: serve, then leave without running anything of the GUI's (no exit handlers,
    no flush of buffers copied from it)."""
    code = 1
    try:
        import logging

        for fd in parents:
            os.close(fd)
        logging.disable(logging.CRITICAL)  # the GUI's own open logs what matters, once
        from reviewer.first_page import serve

        with os.fdopen(requests, "rb") as requests_in, os.fdopen(answers, "wb") as answers_out:
            code = serve(str(path), requests_in, answers_out, shared)
    except BaseException:  # noqa: BLE001 - whatever happens, this process must not go on as the GUI
        pass
    finally:
        os._exit(code)


def _enlarge_pipe(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _same(path: Path, early: EarlyPage) -> bool:
    return Path(path).expanduser().resolve() == early.path


def start(path: Path) -> None:
    """Start the helper for ``path`` (the file the window will open first), unless one runs for it already.
    Cheap: a fork or a spawn, no imports."""
    global _started
    try:
        resolved = path.expanduser().resolve()
    except OSError:
        return
    if _started is not None and _started.path == resolved and not _started.failed:
        return
    discard()
    _started = EarlyPage.spawn(resolved)


def last_file_before_qt(settings_ini: Path) -> Path | None:
    """``files/last`` of the profile's ``settings.ini`` (what ``AppSettings.last_file`` reads through QSettings),
    read without Qt so that a start without a file can fork its helper too. Only plain values (Qt writes UTF-8,
    quoted when they hold a comma or semicolon); anything escaped is left to QSettings (None)."""
    try:
        text = settings_ini.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "files" and line.startswith("last="):
            value = line[len("last="):]
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if not value or value.startswith("@") or any(ch in value for ch in '\\"') or not Path(value).is_file():
                return None
            return Path(value)
    return None


def geometry_for(path: Path, password: str | None) -> Geometry | None:
    """The geometry of ``path`` from its helper (opened without a password), or None: read it in-process."""
    early = _started
    if early is None or password is not None or not _same(path, early):
        return None
    geometry = early.geometry()
    if geometry is None:
        discard()
    return geometry


def take_for(path: Path, password: str | None) -> EarlyPage | None:
    """The helper of ``path``, once its geometry was used, for the page view's render worker (once)."""
    global _started
    early = _started
    if early is None or password is not None or early.failed or early._geometry is None or not _same(path, early):
        return None
    _started = None
    return early


def discard() -> None:
    """End a helper nobody took (another file was opened first, or nothing)."""
    global _started
    early, _started = _started, None
    if early is not None:
        early.close()
