"""Look of the application: the bundled Japanese font as fallback, text size, high contrast.

The application font keeps the platform's UI family first and adds IPAexGothic (bundled) as a fallback family, so a
machine without CJK fonts never shows tofu. Text size scales the application font for the whole UI, the toolbar
icons (:func:`icon_size`) and the smallest page zoom (:func:`minimum_zoom_for_readable_text`).

Every text colour is readable: secondary ("grey") text uses :func:`secondary_text_color`, which keeps a contrast of
at least :data:`MIN_CONTRAST` (WCAG AA) against the background in both the normal and the high-contrast palette.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from reviewer.paths import bundled_font

log = logging.getLogger("ui.theme")

TEXT_SIZES: dict[str, float] = {"normal": 1.0, "large": 1.25, "xlarge": 1.5}
BUNDLED_FAMILY_FALLBACK = "IPAexGothic"

MIN_CONTRAST = 4.5
BASE_ICON_SIZE = 20
# The page view draws one PDF point as 4/3 logical pixels at zoom 1.0 (96 dpi).
PIXELS_PER_POINT_AT_100 = 96 / 72
BODY_TEXT_POINTS = 10.5  # the form's usual body size
READABLE_TEXT_PIXELS = 12.0
# A Japanese glyph's ink fills about 88 % of its em box (IPAexGothic 「個」「報」); "text 12 px high" means ink.
CJK_INK_HEIGHT_EM = 0.88

_state: dict[str, object] = {}


def ui_scale(text_size: str) -> float:
    """The UI scale of a text size setting ("normal", "large", "xlarge"); unknown values are 1.0."""
    return TEXT_SIZES.get(text_size, 1.0)


def icon_size(text_size: str) -> int:
    """Toolbar icon size in logical pixels for ``text_size`` (icons grow with the text)."""
    return int(round(BASE_ICON_SIZE * ui_scale(text_size)))


def minimum_zoom_for_readable_text(text_size: str) -> float:
    """The smallest page zoom at which 10.5 pt text is at least 12 px high (ink), scaled by the text size.

    The window uses ``max(fit-width zoom, this for normal text)`` as the default zoom. Rounded up to whole percent.
    """
    pixels_at_100 = BODY_TEXT_POINTS * PIXELS_PER_POINT_AT_100 * CJK_INK_HEIGHT_EM
    zoom = READABLE_TEXT_PIXELS / pixels_at_100 * ui_scale(text_size)
    return math.ceil(round(zoom * 100, 6)) / 100


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(foreground: QColor | str, background: QColor | str) -> float:
    """WCAG 2 contrast ratio (1–21) of two colours; a translucent foreground is blended onto the background."""
    fg, bg = QColor(foreground), QColor(background)
    if fg.alphaF() < 1.0:
        alpha = fg.alphaF()
        fg = QColor.fromRgbF(fg.redF() * alpha + bg.redF() * (1 - alpha), fg.greenF() * alpha + bg.greenF() * (1 - alpha),
                             fg.blueF() * alpha + bg.blueF() * (1 - alpha))
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def secondary_text_color(palette: QPalette | None = None) -> QColor:
    """A muted text colour that stays readable (≥ 4.5:1) on both the Base and the Window background.

    Starts from a 40 % blend of text into background and moves back towards the text colour until it is readable.
    """
    if palette is None:
        palette = QApplication.palette() if QApplication.instance() is not None else QPalette()
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    backgrounds = [palette.color(QPalette.ColorGroup.Active, role)
                   for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window)]
    for blend in (0.4, 0.3, 0.2, 0.1, 0.0):
        background = backgrounds[0]
        candidate = QColor.fromRgbF(text.redF() * (1 - blend) + background.redF() * blend,
                                    text.greenF() * (1 - blend) + background.greenF() * blend,
                                    text.blueF() * (1 - blend) + background.blueF() * blend)
        if all(contrast_ratio(candidate, bg) >= MIN_CONTRAST for bg in backgrounds):
            return candidate
    return QColor(text)


def style_secondary_text(*widgets: QWidget) -> None:
    """Give ``widgets`` (labels) the readable secondary text colour (call again after the palette changes).

    Through the widget's palette, not a style sheet: a widget with a style sheet keeps the font it had when the text
    size changes (the quoted passage stayed small at 特大)."""
    color = secondary_text_color()
    for widget in widgets:
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        widget.setPalette(palette)


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
    disabled = QPalette.ColorGroup.Disabled
    # A disabled area keeps the dark background (Qt's defaults would paint it light grey, with pale text on it).
    for role, color in ((QPalette.ColorRole.Window, black), (QPalette.ColorRole.Base, black),
                        (QPalette.ColorRole.AlternateBase, QColor("#1a1a1a")),
                        (QPalette.ColorRole.Button, QColor("#101010")), (QPalette.ColorRole.WindowText, grey),
                        (QPalette.ColorRole.Text, grey), (QPalette.ColorRole.ButtonText, grey),
                        (QPalette.ColorRole.PlaceholderText, grey), (QPalette.ColorRole.Highlight, yellow),
                        (QPalette.ColorRole.HighlightedText, black)):
        palette.setColor(disabled, role, color)
    return palette


# Qt's Fusion style draws frames and check boxes in a shade of the window colour: on black they vanish. In high
# contrast, text fields and check boxes get white frames (a ticked box is filled yellow).
HIGH_CONTRAST_STYLE = """
QLineEdit, QPlainTextEdit, QTextEdit { border: 1px solid #ffffff; }
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus { border: 2px solid #ffd400; }
QCheckBox::indicator, QTreeView::indicator, QListView::indicator {
    width: 14px; height: 14px; border: 2px solid #ffffff; background: #000000; }
QCheckBox::indicator:checked, QTreeView::indicator:checked, QListView::indicator:checked { background: #ffd400; }
QCheckBox::indicator:disabled { border-color: #9a9a9a; }
"""


def readable_default_palette(palette: QPalette) -> QPalette:
    """``palette`` with readable placeholder text (the styles' default is half-transparent text) and a selection
    colour dark enough for its white text (Fusion's #308cc6 gives 3.7:1)."""
    readable = QPalette(palette)
    muted = secondary_text_color(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        readable.setColor(group, QPalette.ColorRole.PlaceholderText, muted)
        highlight = palette.color(group, QPalette.ColorRole.Highlight)
        highlighted_text = palette.color(group, QPalette.ColorRole.HighlightedText)
        darker = relative_luminance(highlighted_text) > relative_luminance(highlight)
        for _step in range(20):
            if contrast_ratio(highlighted_text, highlight) >= MIN_CONTRAST:
                break
            highlight = highlight.darker(110) if darker else highlight.lighter(110)
        readable.setColor(group, QPalette.ColorRole.Highlight, highlight)
    return readable


def apply_palette(app: QGuiApplication, high_contrast: bool) -> None:
    if "default_palette" not in _state:
        _state["default_palette"] = readable_default_palette(app.palette())
    # The style sheet first: removing it gives widgets back the palettes they had when it came, so the palette's
    # change (which widgets answer by computing their colours again) must come after it.
    if isinstance(app, QApplication) and (high_contrast or app.styleSheet()):  # none at all otherwise: start-up
        app.setStyleSheet(HIGH_CONTRAST_STYLE if high_contrast else "")
    if high_contrast:
        app.setPalette(high_contrast_palette())
    else:
        default = _state["default_palette"]
        assert isinstance(default, QPalette)
        app.setPalette(default)
    _state["high_contrast"] = high_contrast


def for_contrast(pixmap: QPixmap) -> QPixmap:
    """``pixmap`` (an icon drawn in dark lines for a light background) with its colours inverted, for the black
    background of high contrast: dark blue lines become light, transparency is kept."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    image.invertPixels(QImage.InvertMode.InvertRgb)
    return QPixmap.fromImage(image)


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
