"""The GUI part of ``--self-test``: Qt starts (offscreen when there is no display), the bundled font
loads, and a rendered page converts into a QImage. Catches a frozen build missing Qt plugins or fonts."""

from __future__ import annotations

import os
import time
from typing import Any


def qt_checks(context: dict[str, Any]) -> list[dict[str, Any]]:
    started = time.perf_counter()
    try:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import pymupdf
        from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage

        from reviewer.paths import bundled_font

        _app = QGuiApplication.instance() or QGuiApplication([])  # kept alive for the checks
        font_id = QFontDatabase.addApplicationFont(str(bundled_font()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise RuntimeError(f"bundled font did not load: {bundled_font()}")
        doc = pymupdf.open()
        page = doc.new_page()
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        page.insert_text((72, 72), "個人番号 ＩＳＭＡＰ", fontname="ipa", fontsize=24)
        pix = page.get_pixmap(dpi=72)
        image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888).copy()
        doc.close()
        dark = sum(
            1 for x in range(72, 320, 2) for y in range(50, 76, 2) if image.pixelColor(x, y).lightness() < 128
        )
        if image.isNull() or dark < 20:
            raise RuntimeError("the Japanese test line did not render into the QImage")
        detail = f"Qt {QGuiApplication.platformName()}, font {families[0]}, image {image.width()}x{image.height()}"
        ok = True
    except Exception as exc:  # reported as a failed step
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return [{"step": "qt", "ok": ok, "seconds": round(time.perf_counter() - started, 3), "detail": detail}]
