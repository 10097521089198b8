"""Cut the pictures of the built-in help (``resources/help/*.png``) out of ``docs/screenshots/``.

Run after ``make screenshots``: ``.venv/bin/python scripts/build_help_images.py``. Each picture is a crop of a
screenshot, scaled for the help window and kept under 200 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "screenshots"
OUT = REPO / "resources" / "help"
MAX_BYTES = 200_000

# name: (screenshot, (x, y, width, height) in screenshot pixels, scale)
CROPS: dict[str, tuple[str, tuple[int, int, int, int], float]] = {
    "toolbar-ja.png": ("main-window.png", (0, 0, 450, 50), 1.4),
    "toolbar-en.png": ("main-window-en.png", (0, 0, 450, 50), 1.4),
    "tree-ja.png": ("main-window.png", (0, 52, 314, 300), 1.2),
    "tree-en.png": ("main-window-en.png", (0, 52, 314, 300), 1.2),
    "highlight.png": ("highlights.png", (70, 130, 830, 420), 0.8),
    "comments-ja.png": ("comments-panel.png", (1122, 52, 278, 820), 1.0),
    "comments-en.png": ("main-window-en.png", (1122, 52, 278, 820), 1.0),
    "welcome.png": ("welcome.png", (0, 0, 900, 330), 0.8),
    "sheet.png": ("comment-sheet-page.png", (0, 0, 1123, 330), 0.62),
}


def build() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, (source, (x, y, width, height), scale) in CROPS.items():
        image = QImage(str(SHOTS / source))
        if image.isNull():
            raise SystemExit(f"missing screenshot: {SHOTS / source}")
        crop = image.copy(QRect(x, y, min(width, image.width() - x), min(height, image.height() - y)))
        if scale != 1.0:
            crop = crop.scaledToWidth(round(crop.width() * scale), Qt.TransformationMode.SmoothTransformation)
        target = OUT / name
        if not crop.save(str(target)):  # format from the suffix
            raise SystemExit(f"could not write {target}")
        if target.stat().st_size > MAX_BYTES:
            raise SystemExit(f"{target} is {target.stat().st_size} bytes (limit {MAX_BYTES})")
        written.append(target)
    return written


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in build():
        print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
