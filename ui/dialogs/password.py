"""Password prompt for protected PDFs, with an option to remember the password in the OS keyring."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MAX_TRIES = 3


class PasswordDialog(QDialog):
    """Asks for a PDF's password.

    Args:
        file_name: shown in the prompt.
        attempt: 1-based try number (a "wrong password" line is shown from the second try).
        keyring_available: when False the remember checkbox is disabled with an explanation.
    """

    def __init__(self, file_name: str, attempt: int = 1, keyring_available: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("パスワードの入力"))
        layout = QVBoxLayout(self)
        prompt = QLabel(self.tr("「{name}」はパスワードで保護されています。パスワードを入力してください。").format(
            name=file_name))
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.error = QLabel(self.tr("パスワードが正しくありません（{attempt}回目／{total}回まで）。").format(
            attempt=attempt, total=MAX_TRIES))
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setVisible(attempt > 1)
        layout.addWidget(self.error)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("パスワード"))
        layout.addWidget(self.password)
        self.remember = QCheckBox(self.tr("このパスワードを記憶する（OSの資格情報ストアに保存）"))
        layout.addWidget(self.remember)
        if not keyring_available:
            self.remember.setEnabled(False)
            self.remember.setToolTip(self.tr("OSの資格情報ストア（キーリング）が使えないため記憶できません。"))
            why = QLabel(self.tr("OSの資格情報ストア（キーリング）が使えないため、パスワードは記憶できません。"))
            why.setWordWrap(True)
            layout.addWidget(why)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def values(self) -> tuple[str, bool]:
        """(password, remember). The password is registered with the log filter so it is never written out."""
        from reviewer.logs import register_secret

        password = self.password.text()
        if password:
            register_secret(password)
        return password, self.remember.isChecked() and self.remember.isEnabled()
