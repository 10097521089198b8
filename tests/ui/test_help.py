"""The built-in help: F1 opens a short illustrated guide in the UI language (Japanese and English) covering reading,
commenting, sending to the chair and the chair's collating, export and answers; every picture exists, loads and is
small."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parent.parent.parent
HELP = REPO / "resources" / "help"
MAX_PICTURE_BYTES = 200_000

JAPANESE_STEPS = ["資料を読む", "Ctrl+G", "Ctrl+F", "ハイライト", "範囲", "付箋", "区分", "確認済み",
                  "委員長へ送るコメントを書き出す", "委員のコメントを取り込む", "意見一覧を書き出す", "所管課の回答を取り込む"]
ENGLISH_STEPS = ["Reading", "Ctrl+G", "Ctrl+F", "Highlight", "Area", "Note", "category", "Reviewed",
                 "Export comments for the chair", "Import members' comments", "Export the comment sheet",
                 "Import the department's answers"]


@pytest.fixture
def window(qapp: Any, qtbot: Any) -> Iterator[Any]:
    from PySide6.QtWidgets import QLabel, QMainWindow

    from ui.dialogs.help import create_help_action
    from ui.i18n import remove_translators

    main = QMainWindow()
    main.setCentralWidget(QLabel("資料"))
    main.help_action = create_help_action(main)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    remove_translators(qapp)


def press_f1(qtbot: Any, window: Any) -> Any:
    from ui.dialogs.help import HelpDialog

    window.activateWindow()
    window.centralWidget().setFocus()
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(HelpDialog)), timeout=5000)
    [dialog] = [d for d in window.findChildren(HelpDialog) if d.isVisible()]
    return dialog


def test_f1_opens_the_japanese_guide(qtbot: Any, window: Any) -> None:
    assert window.help_action.shortcut().toString() == "F1"
    dialog = press_f1(qtbot, window)
    text = dialog.page_text()
    for step in JAPANESE_STEPS:
        assert step in text, step
    assert dialog.windowTitle() == "PIA Reviewer の使い方"
    assert not dialog.isModal()
    # Large type: the guide is bigger than the rest of the UI.
    assert dialog.browser.font().pointSizeF() >= window.font().pointSizeF() * 1.25
    # F1 again brings the same window back instead of stacking a second one.
    assert press_f1(qtbot, window) is dialog


def test_f1_opens_the_english_guide_in_the_english_ui(qapp: Any, qtbot: Any, window: Any) -> None:
    from ui.i18n import install_translators

    install_translators(qapp, "en")
    dialog = press_f1(qtbot, window)
    text = dialog.page_text()
    for step in ENGLISH_STEPS:
        assert step in text, step
    assert not re.search(r"[\u3040-\u30ff]", text.replace("資料", "")), "Japanese sentence in the English guide"


def image_sources(page: Path) -> list[str]:
    return re.findall(r'<img\s[^>]*src="([^"]+)"', page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_picture_resolves_and_loads(qtbot: Any, language: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QPixmap, QTextDocument

    from ui.dialogs.help import HelpDialog, help_page

    page = help_page(language)
    sources = image_sources(page)
    assert len(sources) >= 5
    for topic in ('name="read"', 'name="comment"', 'name="send"', 'name="chair"', 'name="revised"'):
        assert topic in page.read_text(encoding="utf-8")
    dialog = HelpDialog(language=language)
    qtbot.addWidget(dialog)
    for source in sources:
        file = page.parent / source
        assert file.is_file(), source
        assert file.stat().st_size < MAX_PICTURE_BYTES, source
        image = QImage(str(file))
        assert not image.isNull() and image.width() >= 200, source
        # What the browser itself resolves and shows (a missing file gives None).
        data = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(source))
        assert data is not None and len(data) == file.stat().st_size, source
        shown = dialog.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(source))
        assert isinstance(shown, QPixmap) and shown.width() == image.width(), source
    assert dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl("missing.png")) is None


def test_every_picture_in_the_folder_is_used() -> None:
    used = {source for language in ("ja", "en") for source in image_sources(HELP / f"{language}.html")}
    pictures = {path.name for path in HELP.glob("*.png")}
    assert pictures == used
