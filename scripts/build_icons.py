"""Render resources/icons/app.svg into the platform icons the frozen builds use: app.ico (Windows),
app.icns (macOS) and app.png (Linux desktop files). Run after changing app.svg."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "app.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for name, fmt, size in (("app.ico", b"ico", 256), ("app.icns", b"icns", 512), ("app.png", b"png", 256)):
        writer = QImageWriter(str(ICONS / name), fmt)
        if not writer.write(render(size)):
            print(f"{name}: {writer.errorString()}", file=sys.stderr)
            return 1
        print(ICONS / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
