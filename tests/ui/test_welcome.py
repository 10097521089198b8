"""The welcome page: a big 「資料（PDF）を開く…」, a practice sample said to be made up, clickable recent files, and
nothing cut off in large-text mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: Any) -> Any:
    from ui.welcome import WelcomePage

    welcome = WelcomePage()
    welcome.resize(800, 600)
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.waitExposed(welcome)
    return welcome


def test_open_and_sample_buttons_ask_the_window(qtbot: Any, page: Any) -> None:
    assert page.open_button.text() == "資料（PDF）を開く…"
    with qtbot.waitSignal(page.open_requested):
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert "練習用のサンプル" in page.sample_button.text()
    with qtbot.waitSignal(page.sample_requested):
        qtbot.mouseClick(page.sample_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.help_requested):
        qtbot.mouseClick(page.help_button, Qt.MouseButton.LeftButton)


def test_the_sample_is_said_not_to_be_a_real_packet(page: Any) -> None:
    note = page.sample_note.text()
    assert page.sample_note.isVisible()
    assert "架空" in note and "本物の評価書ではありません" in note


def test_the_open_button_is_the_biggest_text(page: Any) -> None:
    base = page.font().pointSizeF()
    assert page.open_button.font().pointSizeF() >= base * 1.25
    assert page.open_button.height() >= page.open_button.fontMetrics().height() * 2
    assert page.open_button.isDefault()


def test_no_recent_files_hides_the_section(page: Any) -> None:
    assert page.recent_buttons() == []
    assert not page.recent_heading.isVisible()


def test_recent_files_are_clickable(qtbot: Any, page: Any, tmp_path: Path) -> None:
    first = tmp_path / "令和7年度 評価書.pdf"
    first.write_bytes(b"%PDF-1.7\n")
    second = tmp_path / "番号制度 評価書.pdf"
    second.write_bytes(b"%PDF-1.7\n")
    gone = tmp_path / "消えた資料.pdf"
    page.set_recent_files([str(first), str(second), str(gone)])
    buttons = page.recent_buttons()
    assert [b.text() for b in buttons] == ["令和7年度 評価書.pdf", "番号制度 評価書.pdf", "消えた資料.pdf（見つかりません）"]
    assert page.recent_heading.isVisible()
    assert all(b.isEnabled() for b in buttons)  # the window explains a missing file; greyed text is unreadable
    with qtbot.waitSignal(page.recent_requested) as chosen:
        qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert chosen.args == [str(second)]
    page.set_recent_files([str(first)])
    qtbot.waitUntil(lambda: len(page.findChildren(type(buttons[0]), "welcomeRecent")) == 1)
    assert [b.text() for b in page.recent_buttons()] == ["令和7年度 評価書.pdf"]


def test_large_text_enlarges_and_cuts_nothing_off(qapp: Any, qtbot: Any, tmp_path: Path) -> None:
    from ui import theme
    from ui.welcome import WelcomePage

    original = qapp.font()
    try:
        normal_page = WelcomePage()
        qtbot.addWidget(normal_page)
        normal_size = normal_page.open_button.font().pointSizeF()
        theme.apply_font(qapp, "xlarge")
        large = WelcomePage()
        qtbot.addWidget(large)
        recent = tmp_path / "特定個人情報保護評価書（全項目評価書）令和7年度.pdf"
        recent.write_bytes(b"%PDF-1.7\n")
        large.set_recent_files([str(recent)])
        large.resize(640, 480)
        large.show()
        qtbot.waitExposed(large)
        assert large.open_button.font().pointSizeF() >= normal_size * 1.4
        body = large.widget()
        assert body.width() <= large.viewport().width()  # no horizontal cut: it scrolls vertically instead
        for button in (large.open_button, large.sample_button, large.help_button, *large.recent_buttons()):
            needed = button.fontMetrics().horizontalAdvance(button.text())
            assert button.width() >= needed, button.text()
        for label in (large.title_label, large.intro_label, large.sample_note):
            assert label.wordWrap() and label.width() <= body.width()
    finally:
        qapp.setFont(original)
