"""The member's name, asked once at first start (after the first page is on screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class MemberNameDialog(QDialog):
    """委員のお名前: used as the author of comments."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("委員のお名前"))
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("コメントの記入者として表示するお名前を入力してください。後から「ツール」＞「委員のお名前…」で変更できます。"))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.name = QLineEdit(current)
        self.name.setPlaceholderText(self.tr("例: 山田 花子"))
        self.name.setAccessibleName(self.tr("お名前"))
        layout.addWidget(self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(current.strip()))
        self.name.textChanged.connect(lambda value: ok.setEnabled(bool(value.strip())))

    def value(self) -> str:
        return " ".join(self.name.text().split())
