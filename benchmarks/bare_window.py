"""The start-up peer measured in the same run: a bare PySide6 + PyMuPDF window that shows page 1 of a PDF at
the width of a 1400×900 window, nothing else. It prints ``first_paint_seconds=<s since process start>`` after
the page is painted and quits (same protocol as the app's PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT).

Usage: python benchmarks/bare_window.py FILE.pdf
"""

from __future__ import annotations

import os
import sys
import time

STARTED = time.perf_counter()


def _since_process_start() -> float:
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - STARTED


def main(path: str) -> int:
    import pymupdf
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImage, QPaintEvent, QPixmap
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv[:1])

    class PageLabel(QLabel):
        painted = False

        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
            super().paintEvent(event)
            if not self.painted and self.pixmap() is not None and not self.pixmap().isNull():
                self.painted = True
                print(f"first_paint_seconds={_since_process_start():.3f} pages={doc.page_count}", flush=True)
                QTimer.singleShot(0, app.quit)

    label = PageLabel()
    label.resize(1400, 900)
    label.show()
    doc = pymupdf.open(path)
    page = doc[0]
    scale = (1400 - 40) / page.rect.width
    pix = page.get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
    image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888).copy()
    label.setPixmap(QPixmap.fromImage(image))
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
