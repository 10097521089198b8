"""Guards against a Qt binding that leaks references to None/True/False (PySide6 6.12.0 on Python 3.11),
which aborts the app after a while of normal use."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_and_bool_references(qtbot: object) -> None:
    label = QLabel()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):
        label.setText("x")
        label.setEnabled(True)
        label.isEnabled()
    # Other threads may create or drop a few references meanwhile; a leak shows as hundreds.
    assert sys.getrefcount(None) > none_before - 100
    assert sys.getrefcount(True) > true_before - 100
