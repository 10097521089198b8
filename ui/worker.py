"""The worker process's side of :mod:`ui.ops` (the GUI's one background-operation helper): no Qt here.

The worker is a "spawn" process: it imports the module of its initializer and of :func:`run_in_worker` before its
first job. Keeping them free of Qt spares every first open the import of PySide6 in the worker (about 0.1 s before
the packet's analysis can start).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from reviewer.bulk import PARENT_WATCH_THREAD

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]
PartialFn = Callable[[Any], None]

PROGRESS_INTERVAL = 0.1  # seconds between progress reports from a worker
CANCEL_ALL = -1  # cancel_value meaning "every job" (application exit)
SHUTDOWN_GRACE = 0.3  # seconds a running process job gets to notice cancellation at exit
PARENT_POLL_INTERVAL = 0.25  # seconds between the worker's checks that the GUI process is still alive


_worker_progress: Any = None  # multiprocessing queue, set by init_worker
_worker_cancel: Any = None  # multiprocessing Value('q'): id of the task to cancel


def init_worker(progress_queue: Any, cancel_value: Any, parent_pid: int | None = None) -> None:
    global _worker_progress, _worker_cancel
    _worker_progress = progress_queue
    _worker_cancel = cancel_value
    logging.basicConfig(level=logging.WARNING)
    if parent_pid is not None:
        watch_parent(parent_pid)


def _parent_alive(parent_pid: int) -> bool:
    """Whether the process that started us still runs (POSIX: we were re-parented when it died)."""
    if os.name == "posix":
        return os.getppid() == parent_pid
    try:  # Windows: a process handle of the parent; it stays valid until it exits
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        synchronize, wait_timeout = 0x00100000, 0x00000102
        handle = kernel32.OpenProcess(synchronize, False, parent_pid)
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == wait_timeout)
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # pragma: no cover - no way to tell: keep running
        return True


def watch_parent(parent_pid: int, interval: float = PARENT_POLL_INTERVAL) -> threading.Thread:
    """Exit this (worker) process as soon as ``parent_pid`` is gone: a daemon thread polls the parent, so a GUI
    killed with SIGKILL does not leave its worker running. (Not prctl(PR_SET_PDEATHSIG): it fires when the *thread*
    that started the worker ends, and the worker is started from a launcher thread.)"""
    def run() -> None:
        while True:
            if not _parent_alive(parent_pid):
                os._exit(0)  # no clean-up: the parent that would receive results is gone
            time.sleep(interval)

    if not _parent_alive(parent_pid):
        os._exit(0)
    thread = threading.Thread(target=run, name=PARENT_WATCH_THREAD, daemon=True)
    thread.start()
    return thread


# Messages on the worker's queue: (kind, task id, payload). One queue for all kinds, so partial results and progress
# reach the GUI in the order the job sent them. The job's result travels apart (the pool's own pipe) and may overtake
# them: "end", sent last, tells that every partial result of the task has been read (see Op._arrive).
_PROGRESS, _PARTIAL, _END = "progress", "partial", "end"


def run_in_worker(task_id: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            if _worker_progress is not None:
                _worker_progress.put((_PROGRESS, task_id, (int(done), int(total))))

    def cancelled() -> bool:
        return _worker_cancel is not None and int(_worker_cancel.value) in (task_id, CANCEL_ALL)

    def partial_result(value: Any) -> None:
        if _worker_progress is not None:
            _worker_progress.put((_PARTIAL, task_id, value))

    try:
        return fn(*args, **with_hooks(fn, kwargs, progress, cancelled, partial_result))
    finally:
        if _worker_progress is not None:
            try:
                _worker_progress.put((_END, task_id, None))
            except (OSError, ValueError):  # the GUI side is gone: nobody waits for it
                pass


def with_hooks(fn: Callable[..., Any], kwargs: dict[str, Any], progress: ProgressFn,
                cancelled: CancelledFn, partial_result: PartialFn | None = None) -> dict[str, Any]:
    """Pass ``progress``/``cancelled``/``partial_result`` only to functions that accept them."""
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return kwargs
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    extra: dict[str, Any] = {}
    if accepts_any or "progress" in params:
        extra["progress"] = progress
    if accepts_any or "cancelled" in params:
        extra["cancelled"] = cancelled
    if partial_result is not None and (accepts_any or "partial_result" in params):
        extra["partial_result"] = partial_result
    return {**extra, **kwargs}
