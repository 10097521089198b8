"""The 設定 dialog (language, text size, contrast). The settings themselves: :mod:`ui.app_settings`."""

from __future__ import annotations

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

from ui.app_settings import MAX_RECENT, AppSettings

__all__ = ["MAX_RECENT", "AppSettings", "SettingsDialog"]


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
