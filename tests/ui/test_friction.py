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


def test_the_apps_file_dialog_shows_sizes_types_and_dates_in_full(app_translators: Any, qtbot: Any,
                                                                   tmp_path: Path) -> None:
    """Qt's own dialog opens about 550 px wide: 「473...KiB」 「PD...ント」. The app's is wide enough to read them."""
    from PySide6.QtWidgets import QFileDialog, QHeaderView, QTreeView

    from ui.file_dialogs import _dialog
    from ui.i18n import install_translators

    install_translators(app_translators, "ja")
    (tmp_path / "new-revised.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 484_000)
    dialog = _dialog(None, "開く", str(tmp_path), "PDF ファイル (*.pdf)")
    qtbot.addWidget(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() >= min(800, screen.width() - 40)
    assert dialog.viewMode() == QFileDialog.ViewMode.Detail
    tree = dialog.findChild(QTreeView, "treeView")
    assert tree is not None
    header = tree.header()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert all(header.sectionResizeMode(c) == QHeaderView.ResizeMode.ResizeToContents
               for c in range(1, header.count()))


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


# ---------------------------------------------------------------- rendered contrast of secondary text
def rendered_contrast(widget: Any) -> float:
    """Contrast between a widget's background (its commonest pixel) and its most contrasting text pixel."""
    from collections import Counter

    from PySide6.QtGui import QColor

    from ui.theme import contrast_ratio

    image = widget.grab().toImage()
    pixels = Counter(image.pixel(x, y) for y in range(image.height()) for x in range(image.width()))
    background = QColor.fromRgb(pixels.most_common(1)[0][0])
    assert len(pixels) > 2, "nothing drawn"
    return max(contrast_ratio(QColor.fromRgb(value), background) for value in pixels)


def type_japanese(widget: Any, text: str) -> None:
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


# ---------------------------------------------------------------- comment editor
def test_comment_editor_category_is_a_fixed_choice(qtbot: Any) -> None:
    from ui.dialogs.comment_editor import CommentEditor

    categories = ["質問", "意見", "要修正", "確認のみ"]
    editor = CommentEditor(categories=categories, category="意見", quote="個人番号を取り扱う", location="Ⅲ 2. リスク1")
    qtbot.addWidget(editor)
    combo = editor.category_combo
    assert not combo.isEditable() and combo.lineEdit() is None
    assert [combo.itemData(i) for i in range(combo.count())] == categories
    combo.setFocus()
    type_japanese(combo, "緊急")  # the typo of the report
    assert editor.category() == "意見"
    assert combo.count() == len(categories)
    combo.setCurrentIndex(2)
    assert editor.category() == "要修正"


def test_comment_editor_keeps_an_existing_unlisted_category(qtbot: Any) -> None:
    from ui.dialogs.comment_editor import CommentEditor

    editor = CommentEditor(categories=["質問", "意見"], category="要確認（旧）")
    qtbot.addWidget(editor)
    assert editor.category() == "要確認（旧）"


def test_comment_editor_heading_and_quote_are_readable(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel

    from ui.dialogs.comment_editor import CommentEditor
    from ui.theme import MIN_CONTRAST

    editor = CommentEditor(categories=["質問"], quote="特定個人情報ファイルを取り扱う事務において",
                           location="住民基本台帳に関する事務 全項目評価書 Ⅲ 2. リスク1（資料129頁）")
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    for name in ("commentEditorLocation", "commentEditorQuote"):
        label = editor.findChild(QLabel, name)
        assert label is not None
        assert rendered_contrast(label) >= MIN_CONTRAST, name


# ---------------------------------------------------------------- comments panel
def _panel_annotations() -> list[Any]:
    """The same three comments (same ids) on every call."""
    if not _PANEL_ANNOTATIONS:
        _PANEL_ANNOTATIONS.extend(_make_panel_annotations())
    return list(_PANEL_ANNOTATIONS)


_PANEL_ANNOTATIONS: list[Any] = []


def _make_panel_annotations() -> list[Any]:
    from test_comments_panel import ann

    return [
        ann(1, 130, "入手の根拠は？"),
        ann(2, 110, "郵送の扱い", category="意見", status="対応済み"),
        ann(3, 70, "消去の記録", category="要修正", author="委員B", origin="imported", excluded=True),
    ]


@pytest.fixture
def panel(qtbot: Any) -> Any:
    from test_comments_panel import outline

    from ui.panels.comments import CommentsPanel

    p = CommentsPanel()
    p.resize(360, 800)
    qtbot.addWidget(p)
    p.set_outline(outline())
    p.set_annotations(_panel_annotations())
    p.show()
    qtbot.waitExposed(p)
    return p


def click_comment(qtbot: Any, panel: Any, ident: str) -> None:
    from PySide6.QtCore import Qt

    item = panel.item_for(ident)
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_switching_comments_saves_the_unsaved_edit_first(qtbot: Any, panel: Any) -> None:
    first, second, _third = _panel_annotations()
    with qtbot.waitSignal(panel.annotation_activated):
        click_comment(qtbot, panel, first.id)
    panel.text_edit.selectAll()
    type_japanese(panel.text_edit, "入手の法令上の根拠を示してください。")
    saved: list[tuple[Any, Any]] = []
    panel.edit_requested.connect(lambda old, new: saved.append((old, new)))
    with qtbot.waitSignal(panel.annotation_activated) as activated:
        click_comment(qtbot, panel, second.id)
    assert activated.args == [second.id]
    assert len(saved) == 1
    old, new = saved[0]
    assert old.id == new.id == first.id and new.text == "入手の法令上の根拠を示してください。"
    assert panel.selected_id() == second.id and panel.text_edit.toPlainText() == "郵送の扱い"
    # Coming back without changes saves nothing.
    with qtbot.waitSignal(panel.annotation_activated):
        click_comment(qtbot, panel, first.id)
    assert len(saved) == 1


def test_selecting_on_the_page_saves_the_unsaved_edit_first(qtbot: Any, panel: Any) -> None:
    first, second, _third = _panel_annotations()
    panel.select_annotation(first.id)
    panel.status_edit.setCurrentIndex(panel.status_edit.findData("対応済み"))
    with qtbot.waitSignal(panel.edit_requested) as edited:
        panel.select_annotation(second.id)
    assert edited.args[1].id == first.id and edited.args[1].status == "対応済み"


def test_commit_pending_edit_for_the_window_close(qtbot: Any, panel: Any) -> None:
    first, _second, _third = _panel_annotations()
    assert panel.commit_pending_edit() is False  # nothing selected
    panel.select_annotation(first.id)
    assert panel.commit_pending_edit() is False  # nothing changed
    panel.text_edit.setPlainText("閉じる前の編集")
    assert panel.has_pending_edit()
    with qtbot.waitSignal(panel.edit_requested) as edited:
        assert panel.commit_pending_edit() is True
    assert edited.args[0] == first and edited.args[1].text == "閉じる前の編集"


def test_an_unrelated_reload_keeps_what_is_being_typed(panel: Any) -> None:
    annotations = _panel_annotations()
    panel.select_annotation(annotations[0].id)
    panel.text_edit.setPlainText("書きかけ")
    changed_other = [annotations[0], annotations[1].edited(status="未処理"), annotations[2]]
    panel.set_annotations(changed_other)
    assert panel.text_edit.toPlainText() == "書きかけ"
    # The stored comment itself changed (e.g. undo): the edit area shows the stored one.
    panel.set_annotations([annotations[0].edited(text="元に戻した本文"), *annotations[1:]])
    assert panel.text_edit.toPlainText() == "元に戻した本文"


def test_edit_area_category_is_a_fixed_choice(panel: Any) -> None:
    first = _panel_annotations()[0]
    panel.select_annotation(first.id)
    assert not panel.category_edit.isEditable()
    panel.category_edit.setFocus()
    type_japanese(panel.category_edit, "緊急")
    assert panel.edited_annotation() is None


def test_quote_and_excluded_comments_are_readable(qtbot: Any, panel: Any) -> None:
    from PySide6.QtGui import QColor

    from ui.theme import MIN_CONTRAST, contrast_ratio

    first, _second, third = _panel_annotations()
    panel.select_annotation(first.id)
    assert panel.quote_label.text() == "「引用」"
    assert rendered_contrast(panel.quote_label) >= MIN_CONTRAST
    excluded = panel.item_for(third.id)
    background = panel.tree.palette().color(panel.tree.viewport().backgroundRole())
    foreground = excluded.foreground(0).color()
    assert contrast_ratio(QColor(foreground), background) >= MIN_CONTRAST


def test_large_text_keeps_every_filter_box_in_the_panel(qapp: Any, qtbot: Any) -> None:
    from test_comments_panel import outline

    from ui import theme
    from ui.panels.comments import CommentsPanel

    dock_width = 360
    original = qapp.font()
    try:
        theme.apply_font(qapp, "xlarge")
        panel = CommentsPanel()
        qtbot.addWidget(panel)
        panel.set_outline(outline())
        panel.set_annotations(_panel_annotations())
        assert panel.minimumSizeHint().width() <= dock_width
        panel.resize(dock_width, 800)
        panel.show()
        qtbot.waitExposed(panel)
        assert panel.width() == dock_width
        for box in (panel.search_edit, panel.group_combo, panel.category_filter, panel.status_filter,
                    panel.author_filter):
            top_left = box.mapTo(panel, box.rect().topLeft())
            assert box.isVisible()
            assert top_left.x() >= 0 and top_left.x() + box.width() <= dock_width, box
            assert box.width() >= box.fontMetrics().horizontalAdvance("すべての委員"), box
    finally:
        qapp.setFont(original)


def _english_words_translator(tmp_path: Path) -> Any:
    """A catalog of the display words built from the project's English glossary (as the build script does)."""
    import subprocess
    import sys
    from xml.sax.saxutils import escape

    from PySide6.QtCore import QTranslator

    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_translations
    finally:
        sys.path.remove(str(REPO / "scripts"))
    from ui.display_words import CONTEXT, _translated_words

    messages = "".join(
        f"<message><source>{escape(word)}</source><translation>{escape(build_translations.EN[word])}</translation>"
        f"</message>" for word in _translated_words())
    ts = tmp_path / "words_en.ts"
    ts.write_text(f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="en">'
                  f"<context><name>{CONTEXT}</name>{messages}</context></TS>", encoding="utf-8")
    qm = tmp_path / "words_en.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    return translator


def test_statuses_and_categories_are_shown_in_english(qapp: Any, qtbot: Any, tmp_path: Path) -> None:
    from test_comments_panel import outline

    from ui.panels.comments import CommentsPanel

    translator = _english_words_translator(tmp_path)
    qapp.installTranslator(translator)
    try:
        panel = CommentsPanel()
        qtbot.addWidget(panel)
        panel.set_outline(outline())
        first, second, third = _panel_annotations()
        panel.set_annotations([first, second, third])
        statuses = [panel.status_filter.itemText(i) for i in range(1, panel.status_filter.count())]
        assert statuses == ["Open", "Done"]
        assert [panel.status_filter.itemData(i) for i in range(1, 3)] == ["未処理", "対応済み"]
        categories = [panel.category_filter.itemText(i) for i in range(1, panel.category_filter.count())]
        assert categories == ["Question", "Opinion", "Needs correction", "Checked only"]
        assert panel.item_for(second.id).text(0).startswith("［Opinion］")
        assert "Done" in panel.item_for(second.id).text(0)
        panel.select_annotation(first.id)
        assert panel.category_edit.currentText() == "Question"
        assert panel.status_edit.currentText() == "Open"
        panel.category_edit.setCurrentIndex(panel.category_edit.findData("要修正"))
        panel.status_edit.setCurrentIndex(panel.status_edit.findData("対応済み"))
        with qtbot.waitSignal(panel.edit_requested) as edited:
            panel.save_button.click()
        assert edited.args[1].category == "要修正" and edited.args[1].status == "対応済み"  # stored Japanese
    finally:
        qapp.removeTranslator(translator)


def test_every_display_word_has_an_english_translation() -> None:
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_translations
    finally:
        sys.path.remove(str(REPO / "scripts"))
    from ui.display_words import _translated_words

    for word in _translated_words():
        assert build_translations.EN.get(word), word


def test_every_string_of_the_older_member_widgets_has_english(tmp_path: Path) -> None:
    """lupdate's view of the welcome page, help, passphrase prompt, comment editor, comments panel and display words:
    each string has an English entry in the build script's glossary (the catalog is regenerated from it)."""
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    files = ["ui/welcome.py", "ui/dialogs/help.py", "ui/dialogs/passphrase.py", "ui/dialogs/comment_editor.py",
             "ui/panels/comments.py", "ui/display_words.py"]
    fresh = tmp_path / "older_members.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *files, "-ts", str(fresh)], cwd=REPO, check=True, capture_output=True)
    sources = [m.findtext("source") or "" for m in ET.parse(fresh).getroot().iter("message")]
    assert len(sources) > 60
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_translations
    finally:
        sys.path.remove(str(REPO / "scripts"))
    missing = [source for source in sources if not build_translations.EN.get(source)]
    assert not missing, missing


def test_moving_with_the_keyboard_saves_the_unsaved_edit_first(qtbot: Any, panel: Any) -> None:
    from PySide6.QtCore import Qt

    first, second, _third = _panel_annotations()
    with qtbot.waitSignal(panel.annotation_activated):
        click_comment(qtbot, panel, first.id)
    panel.text_edit.setPlainText("キーボードで移る前の編集")
    saved: list[Any] = []
    panel.edit_requested.connect(lambda _old, new: saved.append(new))
    panel.tree.setFocus()
    for _ in range(6):
        if panel.selected_id() == second.id:
            break
        qtbot.keyClick(panel.tree, Qt.Key.Key_Down)
    assert panel.selected_id() == second.id
    assert [(a.id, a.text) for a in saved] == [(first.id, "キーボードで移る前の編集")]
    assert panel.text_edit.toPlainText() == "郵送の扱い"


def test_switching_while_the_store_rebuilds_the_list(qtbot: Any, panel: Any) -> None:
    """As in the window: saving reloads every comment into the panel at once, in the middle of the switch."""
    from PySide6.QtCore import Qt

    current = {a.id: a for a in _panel_annotations()}

    def store_saves(old: Any, new: Any) -> None:
        current[new.id] = new
        panel.set_annotations(list(current.values()))

    panel.edit_requested.connect(store_saves)
    first, second, third = _panel_annotations()
    with qtbot.waitSignal(panel.annotation_activated):
        click_comment(qtbot, panel, first.id)
    panel.text_edit.setPlainText("一つ目の編集")
    with qtbot.waitSignal(panel.annotation_activated) as activated:
        click_comment(qtbot, panel, third.id)
    assert activated.args == [third.id] and panel.selected_id() == third.id
    assert current[first.id].text == "一つ目の編集"
    assert panel.tree.currentItem() is panel.item_for(third.id)
    panel.text_edit.setPlainText("三つ目の編集")
    panel.tree.setFocus()
    for _ in range(6):
        if panel.selected_id() != third.id:
            break
        qtbot.keyClick(panel.tree, Qt.Key.Key_Up)
    assert panel.selected_id() == second.id
    assert current[third.id].text == "三つ目の編集"
    assert panel.text_edit.toPlainText() == "郵送の扱い"
    assert panel.tree.currentItem() is panel.item_for(second.id)


def test_high_contrast_keeps_frames_ticks_icons_and_disabled_areas_visible(qapp: Any, qtbot: Any) -> None:
    """On high contrast's black, Fusion's frames and check boxes (drawn in a shade of the window colour) vanished, a
    disabled area turned light grey and the toolbar's dark blue icons were hardly visible. Now: white frames, a
    white-framed box (filled yellow when ticked), a black disabled area, light icons — and none of it otherwise."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QCheckBox, QLineEdit

    from ui import theme
    from ui.window_actions import icon

    def light_pixels(image: Any) -> int:
        return sum(1 for x in range(image.width()) for y in range(image.height())
                   if image.pixelColor(x, y).alpha() > 128 and image.pixelColor(x, y).lightness() > 180)

    normal_icon = icon("open").pixmap(20, 20).toImage()
    try:
        theme.apply_theme(qapp, "normal", True)
        palette = qapp.palette()
        assert palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window).lightness() < 30
        box, edit = QCheckBox("確認済み"), QLineEdit()
        for widget in (box, edit):
            qtbot.addWidget(widget)
            widget.resize(160, 30)
            widget.show()
        qtbot.waitExposed(box)
        assert light_pixels(box.grab(box.rect().adjusted(0, 0, -box.width() + 24, 0)).toImage()) > 20  # its frame
        assert light_pixels(edit.grab().toImage()) > 2 * (edit.width() + edit.height()) - 10  # a white frame
        assert light_pixels(icon("open").pixmap(20, 20).toImage()) > 20 > light_pixels(normal_icon)
    finally:
        theme.apply_theme(qapp, "normal", False)
    assert qapp.styleSheet() == ""
