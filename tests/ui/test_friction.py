"""Issue 13's friction for older members: readable greys, large text that scales icons and the page, a fixed
category list, unsaved edits that are never lost, translated status words, Japanese file dialogs, a passphrase
prompt that says a forgotten passphrase is final."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def app_translators(qapp: Any) -> Iterator[Any]:
    from ui.i18n import remove_translators

    yield qapp
    remove_translators(qapp)


# ---------------------------------------------------------------- Qt's own dialogs in Japanese
def test_file_dialog_labels_are_japanese(app_translators: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QFileDialog, QLabel

    from ui.i18n import install_translators

    install_translators(app_translators, "ja")
    dialog = QFileDialog(None, "PDFを開く")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "アドレス(&L):"
    assert labels["fileTypeLabel"] == "ファイルの種類(&T):"
    assert labels["fileNameLabel"] == "ファイル名(&N):"
    assert not any("Look in" in text or "Files of" in text for text in labels.values())


def test_english_ui_keeps_qt_dialogs_english(app_translators: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QFileDialog, QLabel

    from ui.i18n import install_translators

    install_translators(app_translators, "en")
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "&Look in:"


# ---------------------------------------------------------------- passphrase prompt
@pytest.mark.parametrize("confirm", [True, False])
def test_passphrase_prompt_says_a_forgotten_passphrase_is_final(qtbot: Any, confirm: bool) -> None:
    from PySide6.QtWidgets import QLabel

    from ui.dialogs.passphrase import PassphraseDialog

    # A message from the store replaces the intro; the warning must still be there.
    dialog = PassphraseDialog(confirm=confirm, message="パスフレーズが正しくありません。")
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "忘れ" in texts and "開" in texts
    assert "誰にも" in texts and "復元できません" in texts
    assert dialog.findChild(QLabel, "passphraseForgottenWarning") is not None


# ---------------------------------------------------------------- theme: large text, readable zoom, greys
def test_icons_grow_with_the_text_size() -> None:
    from ui.theme import icon_size, ui_scale

    assert ui_scale("normal") == 1.0 and ui_scale("large") == 1.25 and ui_scale("xlarge") == 1.5
    assert ui_scale("unknown") == 1.0
    assert icon_size("normal") == 20
    assert icon_size("large") == 25 and icon_size("xlarge") == 30


def _ink_height_pixels(zoom: float, points: float) -> int:
    """Render 「個人番号を」 at ``points`` with the bundled font at ``zoom`` (page-view scale) and measure the ink."""
    import pymupdf as fitz

    from reviewer.paths import bundled_font

    doc = fitz.open()
    page = doc.new_page(width=300, height=100)
    page.insert_font(fontname="ipaex", fontfile=str(bundled_font()))
    page.insert_text((20, 60), "個人番号を保護", fontname="ipaex", fontsize=points)
    pixmap = page.get_pixmap(matrix=fitz.Matrix(zoom * 4 / 3, zoom * 4 / 3), colorspace=fitz.csGRAY)
    rows = [y for y in range(pixmap.height)
            if any(pixmap.samples[y * pixmap.stride + x] < 128 for x in range(pixmap.width))]
    doc.close()
    return rows[-1] - rows[0] + 1 if rows else 0


def test_default_zoom_makes_body_text_twelve_pixels_high() -> None:
    from ui.theme import minimum_zoom_for_readable_text

    normal = minimum_zoom_for_readable_text("normal")
    large = minimum_zoom_for_readable_text("large")
    assert _ink_height_pixels(normal, 10.5) >= 12
    # The old fit-width zoom of a 700 px wide view (A4: 595 pt) gave the 6–7 px of the report at 8 pt; too small.
    assert _ink_height_pixels(700 / (595 * 4 / 3), 10.5) < 12 <= _ink_height_pixels(normal, 10.5)
    assert large == pytest.approx(normal * 1.25, abs=0.011)
    assert _ink_height_pixels(large, 10.5) >= 15
    assert minimum_zoom_for_readable_text("xlarge") > large


def test_every_theme_text_colour_is_readable(qapp: Any) -> None:
    from PySide6.QtGui import QPalette

    from ui import theme

    roles = QPalette.ColorRole
    pairs = [(roles.Text, roles.Base), (roles.WindowText, roles.Window), (roles.ButtonText, roles.Button),
             (roles.HighlightedText, roles.Highlight), (roles.PlaceholderText, roles.Base),
             (roles.ToolTipText, roles.ToolTipBase)]
    try:
        for high_contrast in (False, True):
            theme.apply_palette(qapp, high_contrast)
            palette = qapp.palette()
            for fg, bg in pairs:
                ratio = theme.contrast_ratio(palette.color(fg), palette.color(bg))
                assert ratio >= theme.MIN_CONTRAST, (high_contrast, fg, bg, ratio)
            muted = theme.secondary_text_color(palette)
            for bg in (roles.Base, roles.Window):
                assert theme.contrast_ratio(muted, palette.color(bg)) >= theme.MIN_CONTRAST
            # Muted, not just the text colour again.
            assert muted != palette.color(roles.Text)
            for judgement in ("課題が残されている", "特に力を入れている", "十分に行っていない"):
                colors = theme.judgement_colors(judgement)
                if colors is not None:
                    assert theme.contrast_ratio(*colors) >= theme.MIN_CONTRAST, judgement
    finally:
        theme.apply_palette(qapp, False)


def test_contrast_ratio_matches_wcag() -> None:
    from ui.theme import contrast_ratio

    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#7a7a7a", "#ffffff") < 4.5  # the old grey of excluded comments
