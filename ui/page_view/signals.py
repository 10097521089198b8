"""``emit()``: emit a Qt signal from Python without the PySide6 6.12 refcount bug.

``SignalInstance.emit()`` in PySide6 6.12 (Python 3.11) returns a *borrowed* ``True``: every Python-side emit
drops one reference of ``True`` too many, and after a few thousand emits the interpreter aborts with
"Fatal Python error: bool_dealloc". We detect the leak once at import and, only if present, give the reference
back after each emit. With a fixed PySide6 (or Python >= 3.12, where bools are immortal) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _measure_leak() -> bool:
    if sys.version_info >= (3, 12):
        return False  # True/False are immortal
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    after = sys.getrefcount(True)
    leaked = before - after
    if leaked > 0:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # repay the probe's own leak
    return leaked > 0


EMIT_LEAKS_TRUE = _measure_leak()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, compensating the borrowed return value when PySide leaks it."""
    result = signal.emit(*args)
    if EMIT_LEAKS_TRUE and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
