"""Render the icons: resources/icons/app.svg into the platform icons the frozen builds use (app.ico for Windows,
app.icns for macOS, app.png for Linux desktop files), and every resources/icons/*.svg into
resources/icons/png/NAME-SIZE.png at the toolbar's sizes (``ui.window_actions.ICON_SIZES``), which the window loads
instead of the SVGs so that its first frame does not load Qt's SVG icon engine. Run after changing an SVG."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(size: int, svg: Path = ICONS / "app.svg") -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
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
    sys.path.insert(0, str(ICONS.parent.parent))
    from ui.window_actions import ICON_SIZES, PNG_ICONS

    PNG_ICONS.mkdir(exist_ok=True)
    for svg in sorted(ICONS.glob("*.svg")):
        for size in ICON_SIZES:
            out = PNG_ICONS / f"{svg.stem}-{size}.png"
            if not render(size, svg).save(str(out), "PNG"):
                print(f"{out}: could not be written", file=sys.stderr)
                return 1
    print(f"{PNG_ICONS}: {len(ICON_SIZES)} sizes of {len(list(ICONS.glob('*.svg')))} icons")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
