"""PyInstaller run-time hook of the built app, in place of PyInstaller's own ``pyi_rth_pyside6`` (Linux, Windows).

PyInstaller's hook imports ``PySide6.QtCore`` to register a qt.conf that PySide6's wheels do not need (their Qt
finds its plugins relative to its own libraries). That import runs before the app's first line in EVERY process of
the build: each headless subcommand and each background worker process (the structure detection and indexing of
the start-up) paid for Qt and shiboken before doing anything. This hook only sets the paths the original sets.
"""

import os
import sys


def _set_qt_paths() -> None:
    root = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
    qt_dir = os.path.join(root, "PySide6") if sys.platform.startswith("win") else os.path.join(root, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_dir, "qml")
    if sys.platform.startswith("win"):  # as the original: DLLs collected next to the app are found first
        os.environ["PATH"] = root + os.pathsep + os.environ.get("PATH", "")


_set_qt_paths()
del _set_qt_paths
