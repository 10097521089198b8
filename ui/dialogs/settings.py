"""Application settings (persistent) and the 設定 dialog.

``AppSettings`` keeps the small settings needed before the first page is shown (language, text size, contrast,
recent files, last reading positions) in ``settings.ini`` in the user's data directory, so start-up never waits on
the encrypted store. The member's name is mirrored into the store when it is available.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reviewer.paths import data_dir

MAX_RECENT = 10


class AppSettings:
    """Typed access to ``settings.ini`` in the profile directory."""

    def __init__(self, profile: str | None = None) -> None:
        self.path = data_dir(profile) / "settings.ini"
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _str(self, key: str, default: str = "") -> str:
        value = self.qsettings.value(key, default)
        return str(value) if value is not None else default

    def sync(self) -> None:
        self.qsettings.sync()

    # -- appearance
    @property
    def language(self) -> str:
        value = self._str("ui/language", "ja")
        return value if value in ("ja", "en") else "ja"

    @language.setter
    def language(self, value: str) -> None:
        self.qsettings.setValue("ui/language", value)

    @property
    def text_size(self) -> str:
        value = self._str("ui/text_size", "normal")
        return value if value in ("normal", "large", "xlarge") else "normal"

    @text_size.setter
    def text_size(self, value: str) -> None:
        self.qsettings.setValue("ui/text_size", value)

    @property
    def high_contrast(self) -> bool:
        return self._str("ui/high_contrast", "false").lower() in ("true", "1", "yes")

    @high_contrast.setter
    def high_contrast(self, value: bool) -> None:
        self.qsettings.setValue("ui/high_contrast", "true" if value else "false")

    # -- the member
    @property
    def member_name(self) -> str:
        return self._str("member/name", "")

    @member_name.setter
    def member_name(self, value: str) -> None:
        self.qsettings.setValue("member/name", value)

    # -- files
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("files/recent", [])
        if isinstance(value, str):
            items = [value] if value else []
        elif isinstance(value, list):
            items = [str(v) for v in value if v]
        else:
            items = []
        return items[:MAX_RECENT]

    def add_recent_file(self, path: Path) -> None:
        text = str(path)
        items = [p for p in self.recent_files() if p != text]
        self.qsettings.setValue("files/recent", [text, *items][:MAX_RECENT])

    def remove_recent_file(self, path: str) -> None:
        self.qsettings.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def last_file(self) -> str:
        return self._str("files/last", "")

    def set_last_file(self, path: Path) -> None:
        self.qsettings.setValue("files/last", str(path))

    @staticmethod
    def _position_key(path: Path) -> str:
        return "positions/" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]

    def reading_position(self, path: Path) -> tuple[int, float, float, str] | None:
        """(page, y, zoom, zoom mode) last seen for ``path``."""
        value = self._str(self._position_key(path), "")
        parts = value.split("|")
        if len(parts) != 4:
            return None
        try:
            return int(parts[0]), float(parts[1]), float(parts[2]), parts[3]
        except ValueError:
            return None

    def set_reading_position(self, path: Path, page: int, y: float, zoom: float, mode: str) -> None:
        self.qsettings.setValue(self._position_key(path), f"{page}|{y:.1f}|{zoom:.4f}|{mode}")


class SettingsDialog(QDialog):
    """設定: language, text size, high contrast."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("設定"))
        self.settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox()
        self.language.addItem("日本語", "ja")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        form.addRow(self.tr("表示言語:"), self.language)
        self.text_size = QComboBox()
        self.text_size.addItem(self.tr("標準"), "normal")
        self.text_size.addItem(self.tr("大きい"), "large")
        self.text_size.addItem(self.tr("特大"), "xlarge")
        self.text_size.setCurrentIndex(max(0, self.text_size.findData(settings.text_size)))
        form.addRow(self.tr("文字の大きさ:"), self.text_size)
        self.high_contrast = QCheckBox(self.tr("ハイコントラスト表示"))
        self.high_contrast.setChecked(settings.high_contrast)
        form.addRow("", self.high_contrast)
        layout.addLayout(form)
        note = QLabel(self.tr("表示言語の変更は次回の起動時に反映されます。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, str, bool]:
        """(language, text size, high contrast) as chosen in the dialog."""
        return (
            str(self.language.currentData()),
            str(self.text_size.currentData()),
            self.high_contrast.isChecked(),
        )

    def save(self) -> bool:
        """Store the choices; return True when the language changed (applies at the next start)."""
        language, text_size, high_contrast = self.chosen()
        changed = language != self.settings.language
        self.settings.language = language
        self.settings.text_size = text_size
        self.settings.high_contrast = high_contrast
        self.settings.sync()
        return changed
