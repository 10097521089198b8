"""First start and page notices: the member is asked one question at a time, and a scanned page says what does
not work on it (issues #4, #8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PySide6.QtCore import QEventLoop, QTimer

from reviewer.paths import bundled_font


def _text_and_scanned(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
    page.insert_text((72, 100), "リスク対策の本文", fontname="ipa", fontsize=14)
    scanned = doc.new_page()
    picture = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    picture.set_rect(picture.irect, (200, 200, 200))
    scanned.insert_image(pymupdf.Rect(72, 72, 472, 272), pixmap=picture)
    doc.save(path)
    return path


def _window(qtbot: Any, **kwargs: Any) -> Any:
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow

    window = MainWindow(AppSettings(), **kwargs)
    window.resize(1000, 800)
    qtbot.addWidget(window)
    window.show()
    return window


def test_scanned_page_says_search_and_highlights_are_unavailable(qtbot: Any, tmp_path: Path) -> None:
    window = _window(qtbot, ask_member_name=False, open_store=False)
    with qtbot.waitSignal(window.first_page_painted, timeout=30000):
        assert window.open_file(_text_and_scanned(tmp_path / "scan.pdf"))
    window.page_view.go_to(1, 0.0)
    qtbot.waitUntil(lambda: "文字情報" in window.statusBar().currentMessage(), timeout=15000)
    assert "範囲コメント" in window.statusBar().currentMessage()
    assert "文字情報なし" in window.page_label.text()
    window.page_view.go_to(0, 0.0)
    qtbot.waitUntil(lambda: "文字情報なし" not in window.page_label.text(), timeout=15000)


def test_no_keyring_first_start_asks_passphrase_then_name_never_both(
        qtbot: Any, tmp_path: Path, small_packet: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    asked: list[str] = []
    dialog_open = False

    def ask_passphrase(*_args: Any, **_kwargs: Any) -> str:
        # Like a real modal dialog: the event loop keeps running (timers fire) while the member types.
        nonlocal dialog_open
        dialog_open = True
        loop = QEventLoop()
        QTimer.singleShot(500, loop.quit)
        loop.exec()
        dialog_open = False
        asked.append("passphrase")
        return "委員のパスフレーズ"

    def ask_member(self: Any, force: bool = False) -> None:
        asked.append("name while another dialog is open" if dialog_open else "name")
        self.settings.member_name = "新しい委員"

    monkeypatch.setattr("ui.dialogs.passphrase.ask_passphrase", ask_passphrase)
    monkeypatch.setattr("ui.main_window.MainWindow.ask_member", ask_member)
    window = _window(qtbot)
    with qtbot.waitSignal(window.store_ready, timeout=60000):
        assert window.open_file(small_packet[0])
    qtbot.waitUntil(lambda: asked == ["passphrase", "name"], timeout=15000)
    assert window.store is not None and window.store.passphrase_mode
