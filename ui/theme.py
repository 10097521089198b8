"""Look of the application: the bundled Japanese font as fallback, text size, high contrast.

The application font keeps the platform's UI family first and adds IPAexGothic (bundled) as a fallback family, so a
machine without CJK fonts never shows tofu. Text size scales the application font for the whole UI.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette

from reviewer.paths import bundled_font

log = logging.getLogger("ui.theme")

TEXT_SIZES: dict[str, float] = {"normal": 1.0, "large": 1.25, "xlarge": 1.5}
BUNDLED_FAMILY_FALLBACK = "IPAexGothic"

_state: dict[str, object] = {}


def load_bundled_font() -> str:
    """Register the bundled font once; return its family name."""
    cached = _state.get("family")
    if isinstance(cached, str):
        return cached
    family = BUNDLED_FAMILY_FALLBACK
    font_id = QFontDatabase.addApplicationFont(str(bundled_font()))
    if font_id >= 0:
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families:
            family = families[0]
    else:
        log.warning("could not load bundled font %s", bundled_font())
    _state["family"] = family
    return family


def base_point_size(app: QGuiApplication) -> float:
    """The platform's default UI font size (remembered before any scaling)."""
    size = _state.get("base_size")
    if isinstance(size, float):
        return size
    point = app.font().pointSizeF()
    base = point if point > 0 else 10.0
    _state["base_size"] = base
    _state["base_families"] = [f for f in app.font().families() if f]
    return base


def apply_font(app: QGuiApplication, text_size: str = "normal") -> QFont:
    """Set the application font: platform family + bundled fallback, scaled by ``text_size``."""
    base = base_point_size(app)
    family = load_bundled_font()
    base_families = _state.get("base_families")
    families = [f for f in (base_families if isinstance(base_families, list) else []) if f != family]
    font = QFont(app.font())
    font.setFamilies([*families, family])
    font.setPointSizeF(round(base * TEXT_SIZES.get(text_size, 1.0), 1))
    app.setFont(font)
    return font


def high_contrast_palette() -> QPalette:
    """Black background, white text, yellow selection — readable for low vision."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffd400")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, black)
        palette.setColor(group, QPalette.ColorRole.WindowText, white)
        palette.setColor(group, QPalette.ColorRole.Base, black)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#1a1a1a"))
        palette.setColor(group, QPalette.ColorRole.Text, white)
        palette.setColor(group, QPalette.ColorRole.Button, QColor("#101010"))
        palette.setColor(group, QPalette.ColorRole.ButtonText, white)
        palette.setColor(group, QPalette.ColorRole.Highlight, yellow)
        palette.setColor(group, QPalette.ColorRole.HighlightedText, black)
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, black)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, white)
        palette.setColor(group, QPalette.ColorRole.Link, QColor("#7fdcff"))
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0"))
        palette.setColor(group, QPalette.ColorRole.BrightText, yellow)
    grey = QColor("#9a9a9a")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def apply_palette(app: QGuiApplication, high_contrast: bool) -> None:
    if "default_palette" not in _state:
        _state["default_palette"] = QPalette(app.palette())
    if high_contrast:
        app.setPalette(high_contrast_palette())
    else:
        default = _state["default_palette"]
        assert isinstance(default, QPalette)
        app.setPalette(default)
    _state["high_contrast"] = high_contrast


def is_high_contrast() -> bool:
    return bool(_state.get("high_contrast", False))


def apply_theme(app: QGuiApplication, text_size: str = "normal", high_contrast: bool = False) -> None:
    """Apply text size and contrast to the whole application (can be called again to change them live)."""
    apply_font(app, text_size)
    apply_palette(app, high_contrast)


def judgement_colors(judgement: str | None) -> tuple[str, str] | None:
    """(foreground, background) for a judgement badge; None for no badge colour."""
    if not judgement:
        return None
    if is_high_contrast():
        if "課題" in judgement or "十分に行っていない" in judgement:
            return ("#000000", "#ffd400")
        return None
    if "課題" in judgement or "十分に行っていない" in judgement:
        return ("#ffffff", "#c0392b")
    if "特に力" in judgement:
        return ("#1e5631", "#d7f0dc")
    return None
