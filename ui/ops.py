"""The one background-operation helper of the GUI.

In the spirit of Anki's ``QueryOp``/``CollectionOp`` and Orange's ``TaskState``: a core function runs off the GUI
thread — in a worker *thread* (short queries) or in the single worker *process* (whole-document work such as
structure detection and search indexing, which hold the GIL inside PyMuPDF and would otherwise starve page
rendering) — and its result or error is delivered on the GUI thread::

    Op(self, detect_job, path, password, profile) \
        .with_progress(self._on_progress) \
        .success(self._on_outline) \
        .failure(self._on_error) \
        .run_in_process()

The function receives only plain values (and, if it accepts them, the keyword arguments ``progress``,
``cancelled`` and ``partial_result`` — the last hands an early result over before the job ends, like Orange's
``TaskState.set_partial_result``); it must never touch a widget. Callbacks are dropped when the receiving QObject has
been deleted in the meantime. Errors: :class:`ReviewerError` → its ``message_ja`` in a message box; anything else is logged and a short
message is shown — unless a ``failure`` callback handles it.

Process jobs must be top-level functions of an importable module (the worker is started with the "spawn" context).
The worker process is started lazily on the first ``run_in_process`` and shared by all process ops (one worker, so
jobs run one after the other). Starting a "spawn" process costs tens of milliseconds, so process jobs are handed to the
pool by a small launcher thread: ``run_in_process`` returns at once and never stalls the GUI thread. The worker
watches its parent and exits when the GUI process dies (even by SIGKILL), so no orphan keeps running.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal

from reviewer.errors import ReviewerError
from ui.worker import (
    _END,
    _PARTIAL,
    CANCEL_ALL,
    PROGRESS_INTERVAL,
    SHUTDOWN_GRACE,
    init_worker,
    run_in_worker,
    with_hooks,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger("ui.ops")

T = TypeVar("T")


class OpCancelled(Exception):
    """Raised inside a job when it notices it was cancelled (delivered to nobody)."""


# --------------------------------------------------------------------------------------------------------------
# GUI side


class _Bridge(QObject):
    """Lives in the GUI thread; signals emitted from other threads are queued to it."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._run)

    def _run(self, call: Callable[[], None]) -> None:
        call()


class _Runtime:
    """Executors shared by all ops (created lazily)."""

    def __init__(self) -> None:
        self.bridge: _Bridge | None = None
        self.lanes: dict[str, ThreadPoolExecutor] = {}
        self.process: ProcessPoolExecutor | None = None
        self.generation = 0  # bumped by shutdown(); ops remember the generation they started in
        self.progress_queue: Any = None
        self.cancel_value: Any = None
        self.progress_handlers: dict[int, Callable[[int, int], None]] = {}
        self.partial_handlers: dict[int, Callable[[Any], None]] = {}
        self.end_handlers: dict[int, Callable[[], None]] = {}  # tasks whose result waits for their "end" message
        self.futures: set[Future[Any]] = set()  # process jobs not yet finished
        self.reader: threading.Thread | None = None
        self.launcher: ThreadPoolExecutor | None = None  # hands process jobs to the pool off the GUI thread
        self.lock = threading.Lock()
        self.ids = itertools.count(1)

    def get_bridge(self) -> _Bridge:
        if self.bridge is None:
            self.bridge = _Bridge()
            app = QCoreApplication.instance()
            if app is not None:
                self.bridge.moveToThread(app.thread())
        return self.bridge

    def lane(self, name: str) -> ThreadPoolExecutor:
        with self.lock:
            executor = self.lanes.get(name)
            if executor is None:
                executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"op-{name}")
                self.lanes[name] = executor
            return executor

    def process_pool(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.process is None:
                # imported here: multiprocessing costs start-up time and is needed only after the first paint
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                context = multiprocessing.get_context("spawn")
                self.progress_queue = context.SimpleQueue()  # put() writes at once: progress precedes the result
                self.cancel_value = context.Value("q", 0)
                self.process = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, initializer=init_worker,
                    initargs=(self.progress_queue, self.cancel_value, os.getpid()),
                )
                self.reader = threading.Thread(target=self._read_progress, name="op-progress", daemon=True)
                self.reader.start()
            return self.process

    def get_launcher(self) -> ThreadPoolExecutor:
        with self.lock:
            if self.launcher is None:
                self.launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="op-launch")
            return self.launcher

    def _read_progress(self) -> None:
        progress_queue = self.progress_queue
        while True:
            try:
                message = progress_queue.get()
            except (EOFError, OSError, ValueError):
                return
            if message is None:
                return
            kind, task_id, payload = message
            if kind == _END:
                end_handler = self.end_handlers.pop(task_id, None)
                if end_handler is not None:
                    end_handler()
                continue
            if kind == _PARTIAL:
                partial_handler = self.partial_handlers.get(task_id)
                if partial_handler is not None:
                    partial_handler(payload)
                continue
            handler = self.progress_handlers.get(task_id)
            if handler is not None:
                handler(*payload)

    def shutdown(self) -> None:
        """Stop the worker process and threads (called at application exit; safe to call twice)."""
        # Operations started before this point fail because of the shutdown itself: not worth a message.
        self.generation += 1
        with self.lock:
            launcher, self.launcher = self.launcher, None
        for proxy in list(self.futures):
            proxy.cancel()  # not yet handed to the pool: never starts
        if launcher is not None:
            launcher.shutdown(wait=True, cancel_futures=True)  # a launch in progress finishes first
        with self.lock:
            lanes, self.lanes = self.lanes, {}
            process, self.process = self.process, None
            progress_queue, self.progress_queue = self.progress_queue, None
            reader, self.reader = self.reader, None
        for executor in lanes.values():
            executor.shutdown(wait=False, cancel_futures=True)
        if process is not None:
            # Ask a running job to stop (detection and indexing poll cancelled()); if it does not within a
            # moment, terminate the worker: its writes are transactional and an unfinished index or outline is
            # simply rebuilt next time.
            import concurrent.futures

            if self.cancel_value is not None:
                self.cancel_value.value = CANCEL_ALL
            pending = [f for f in self.futures if not f.done()]
            workers = list((getattr(process, "_processes", None) or {}).values())
            process.shutdown(wait=False, cancel_futures=True)
            _done, running = concurrent.futures.wait(pending, timeout=SHUTDOWN_GRACE)
            if running:
                for worker in workers:
                    if worker.is_alive():
                        worker.terminate()
            process.shutdown(wait=True)
        self.futures.clear()
        if progress_queue is not None:
            try:
                progress_queue.put(None)
            except (OSError, ValueError):
                pass
            if reader is not None:
                reader.join(timeout=2)
            progress_queue.close()


_runtime = _Runtime()


def _complete(proxy: Future[Any], real: Future[Any]) -> None:
    """Copy the worker's outcome to the future the GUI side holds (a cancelled job ends as OpCancelled)."""
    if proxy.done():
        return
    try:
        if real.cancelled():
            proxy.set_exception(OpCancelled("cancelled"))
        elif real.exception() is not None:
            proxy.set_exception(real.exception())
        else:
            proxy.set_result(real.result())
    except Exception:  # noqa: BLE001 - the proxy was completed meanwhile (cancel at exit)
        pass


def shutdown() -> None:
    """Stop all background workers; call once when the application quits."""
    _runtime.shutdown()


def _alive(obj: QObject | None) -> bool:
    if obj is None:
        return True
    try:
        from shiboken6 import isValid
    except ImportError:  # pragma: no cover - shiboken ships with PySide6
        return True
    return bool(isValid(obj))


def report_error(parent: Any, exc: BaseException) -> None:
    """The default failure handler: a message box with a Japanese message."""
    from PySide6.QtWidgets import QWidget

    from ui import notify

    if isinstance(parent, QObject) and not _alive(parent):
        # The window that started the operation is gone: nobody to tell, and a parentless modal box would
        # pop up out of context (or block a test run); the log keeps it.
        log.warning("background operation failed after its window closed: %s", type(exc).__name__)
        return
    widget = parent if isinstance(parent, QWidget) else None
    title = QCoreApplication.translate("ops", "エラー")
    if not isinstance(exc, ReviewerError):
        log.error("background operation failed", exc_info=(type(exc), exc, exc.__traceback__))
    notify.error(widget, title, notify.error_text(exc))


class Op(Generic[T]):
    """A background operation. Configure with the fluent methods, then ``run_in_thread`` or ``run_in_process``.

    Args:
        parent: the QObject receiving the result; if it is deleted before the job ends, nothing is delivered.
        fn: the core function (top-level and picklable for process ops).
        *args, **kwargs: its arguments (plain values; pickled for process ops).
    """

    def __init__(self, parent: QObject | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._parent = parent
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._progress: Callable[[int, int], Any] | None = None
        self._partial: Callable[[Any], Any] | None = None
        self._done: Callable[[], Any] | None = None
        self._future: Future[Any] | None = None
        self._real: Future[Any] | None = None  # process ops: the worker pool's future behind self._future
        self._cancel_event = threading.Event()
        self._task_id = next(_runtime.ids)
        self._in_process = False
        self._last_progress = 0.0
        self._delivered = False
        self._generation = _runtime.generation
        self._awaiting = 0  # process ops with partial results: arrivals (result, "end") still to come
        self._arrival_lock = threading.Lock()

    # -- configuration
    def success(self, callback: Callable[[T], Any] | None) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], Any] | None) -> Op[T]:
        self._failure = callback
        return self

    def with_progress(self, callback: Callable[[int, int], Any] | None) -> Op[T]:
        """``callback(done, total)`` on the GUI thread, throttled to ~10 per second."""
        self._progress = callback
        return self

    def with_partial(self, callback: Callable[[Any], Any] | None) -> Op[T]:
        """``callback(value)`` on the GUI thread for each ``partial_result(value)`` the job sends, in order and
        before the job's result (e.g. the outline, delivered while the same job goes on to build the index)."""
        self._partial = callback
        return self

    def finally_(self, callback: Callable[[], Any] | None) -> Op[T]:
        """Called on the GUI thread after success, failure or cancellation."""
        self._done = callback
        return self

    # -- running
    def run_in_thread(self, lane: str = "default") -> Op[T]:
        """Run in the worker thread of ``lane`` (each lane runs its jobs one after the other)."""
        _runtime.get_bridge()
        executor: Executor = _runtime.lane(lane)
        kwargs = with_hooks(self._fn, self._kwargs, self._thread_progress, self._cancel_event.is_set,
                             self._post_partial)
        self._future = executor.submit(self._fn, *self._args, **kwargs)
        self._future.add_done_callback(self._on_done)
        return self

    def run_in_process(self) -> Op[T]:
        """Run in the shared worker process (started lazily with the "spawn" context).

        Returns at once: a launcher thread starts the worker if needed and submits the job, so the GUI thread never
        pays for spawning a process."""
        _runtime.get_bridge()
        self._in_process = True
        if self._progress is not None:
            _runtime.progress_handlers[self._task_id] = self._post_progress
        if self._partial is not None:
            _runtime.partial_handlers[self._task_id] = self._post_partial
            # The result is delivered once it is here AND the worker's "end" message has been read: never before
            # a partial result the job sent earlier.
            self._awaiting = 2
            _runtime.end_handlers[self._task_id] = self._arrive
        proxy: Future[Any] = Future()
        self._future = proxy
        _runtime.futures.add(proxy)
        proxy.add_done_callback(_runtime.futures.discard)
        proxy.add_done_callback(self._on_done)
        try:
            _runtime.get_launcher().submit(self._launch, proxy)
        except RuntimeError as exc:  # the launcher was shut down (application exit)
            if proxy.set_running_or_notify_cancel():
                proxy.set_exception(OpCancelled(str(exc)))
        return self

    def _launch(self, proxy: Future[Any]) -> None:
        """In the launcher thread: submit the job to the worker process; its outcome completes ``proxy``."""
        if not proxy.set_running_or_notify_cancel():
            return  # cancelled before it was handed over
        try:
            real = _runtime.process_pool().submit(run_in_worker, self._task_id, self._fn, self._args, self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - delivered to the failure callback
            proxy.set_exception(exc)
            return
        self._real = real
        real.add_done_callback(partial(_complete, proxy))
        if self._cancel_event.is_set() and not real.cancel() and _runtime.cancel_value is not None:
            _runtime.cancel_value.value = self._task_id

    def cancel(self) -> None:
        """Ask the job to stop; nothing more is delivered except the ``finally_`` callback."""
        self._cancel_event.set()
        if self._future is None or self._future.cancel():
            return  # never started (for process jobs: not yet handed to the worker)
        real = self._real
        if real is not None and real.cancel():
            return  # still queued in the pool: it never runs (delivered as cancelled)
        if self._in_process and not self._future.done() and _runtime.cancel_value is not None:
            _runtime.cancel_value.value = self._task_id  # the running job sees cancelled() == True

    def is_running(self) -> bool:
        return self._future is not None and not self._future.done()

    def result_now(self, timeout: float | None = None) -> T:
        """Block until the job is done (for scripts and tests only)."""
        assert self._future is not None
        return self._future.result(timeout)  # type: ignore[no-any-return]

    # -- delivery (worker side → GUI thread)
    def _thread_progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self._post_progress(done, total)

    def _post_progress(self, done: int, total: int) -> None:
        if self._progress is None or self._cancel_event.is_set():
            return
        callback = self._progress

        def call() -> None:
            if not self._delivered and not self._cancel_event.is_set() and _alive(self._parent):
                callback(done, total)

        _runtime.get_bridge().deliver.emit(call)

    def _post_partial(self, value: Any) -> None:
        if self._partial is None or self._cancel_event.is_set():
            return
        callback = self._partial

        def call() -> None:
            if not self._delivered and not self._cancel_event.is_set() and _alive(self._parent):
                callback(value)

        _runtime.get_bridge().deliver.emit(call)

    def _on_done(self, future: Future[Any]) -> None:
        if self._awaiting:
            from concurrent.futures.process import _RemoteTraceback

            exc = None if future.cancelled() else future.exception()
            ran = not future.cancelled() and (exc is None or isinstance(exc.__cause__, _RemoteTraceback))
            if ran:  # the job ran in the worker (returned or raised there): its "end" message comes too
                self._arrive()
                return
            _runtime.end_handlers.pop(self._task_id, None)  # never ran (cancelled, worker died): no "end" comes
        self._emit_delivery(future)

    def _arrive(self) -> None:
        """The result or the worker's "end" message is here (from either thread); the second one delivers."""
        with self._arrival_lock:
            self._awaiting -= 1
            complete = self._awaiting == 0
        if complete and self._future is not None:
            self._emit_delivery(self._future)

    def _emit_delivery(self, future: Future[Any]) -> None:
        bridge = _runtime.bridge
        if bridge is None:
            return
        try:
            bridge.deliver.emit(lambda: self._deliver(future))
        except RuntimeError:  # the bridge died with the application
            pass

    def _deliver(self, future: Future[Any]) -> None:
        self._delivered = True  # progress arriving late (from the worker process) is dropped from now on
        _runtime.progress_handlers.pop(self._task_id, None)
        _runtime.partial_handlers.pop(self._task_id, None)
        _runtime.end_handlers.pop(self._task_id, None)
        try:
            if not _alive(self._parent) or self._cancel_event.is_set() or future.cancelled():
                return
            if self._generation != _runtime.generation:
                log.debug("operation ended by the shutdown of the workers")
                return
            exc = future.exception()
            if exc is None:
                if self._success is not None:
                    self._success(future.result())
            elif isinstance(exc, OpCancelled):
                return
            elif self._failure is not None:
                self._failure(exc)
            else:
                report_error(self._parent, exc)
        finally:
            if self._done is not None and _alive(self._parent):
                self._done()
