"""A probe that measures how long the GUI event loop stalls.

A precise ``QTimer`` fires every ``interval_ms``; whenever the gap between two timeouts exceeds the interval,
the excess is a stall (the event loop was busy). ``max_stall_ms`` is the longest one seen.

Example::

    probe = EventLoopLatencyProbe()
    probe.start()
    ...  # drive the UI
    probe.stop()
    print(probe.max_stall_ms, probe.percentile(99))
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class EventLoopLatencyProbe(QObject):
    """Records event-loop stalls (ms beyond the timer interval) while running."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 5) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last: float | None = None
        self.stalls_ms: list[float] = []
        self.max_stall_ms = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.reset()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()
        self._last = None

    def reset(self) -> None:
        self.stalls_ms = []
        self.max_stall_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter() if self._timer.isActive() else None

    def is_running(self) -> bool:
        return self._timer.isActive()

    def percentile(self, pct: float) -> float:
        """The ``pct`` percentile of the per-tick stall (0 for ticks that came on time)."""
        if not self.stalls_ms:
            return 0.0
        ordered = sorted(self.stalls_ms)
        index = min(len(ordered) - 1, max(0, round(pct / 100.0 * (len(ordered) - 1))))
        return ordered[index]

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            gap_ms = (now - self._last) * 1000.0 - self.interval_ms
            stall = max(0.0, gap_ms)
            self.stalls_ms.append(stall)
            if stall > self.max_stall_ms:
                self.max_stall_ms = stall
            self.ticks += 1
        self._last = now
