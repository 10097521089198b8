"""Asks for the passphrase that protects the comment database when the OS keyring is unavailable.

The comments are never stored unencrypted: without a keyring the member chooses a passphrase (asked twice the
first time) and the store derives its key from it. :func:`ask_passphrase` returns None when the member cancels.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """Passphrase entry; with ``confirm`` a second field must match and a minimum length applies."""

    def __init__(self, parent: QWidget | None = None, *, confirm: bool = False, message: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("コメント保存用のパスフレーズ"))
        self._confirm = confirm
        layout = QVBoxLayout(self)
        intro = QLabel(
            message
            or (
                self.tr(
                    "このパソコンには、鍵を安全にしまっておく仕組み（OSの資格情報ストア）が見つかりません。"
                    "コメントは暗号化して保存しますので、守るためのパスフレーズを決めてください。"
                )
                if confirm
                else self.tr("コメントの保存先を開くパスフレーズを入力してください。")
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # Said in every variant of the prompt: there is no reset, and members must know it before choosing one.
        self.forgotten_label = QLabel(self.forgotten_warning(confirm))
        self.forgotten_label.setObjectName("passphraseForgottenWarning")
        self.forgotten_label.setWordWrap(True)
        bold = self.forgotten_label.font()
        bold.setBold(True)
        self.forgotten_label.setFont(bold)
        layout.addWidget(self.forgotten_label)
        form = QFormLayout()
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("パスフレーズ"), self.passphrase_edit)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if confirm:
            form.addRow(self.tr("確認のためもう一度"), self.confirm_edit)
        layout.addLayout(form)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase_edit.setFocus()

    def forgotten_warning(self, confirm: bool) -> str:
        """The plain warning that a forgotten passphrase cannot be recovered by anyone."""
        if confirm:
            return self.tr(
                "パスフレーズを忘れると、保存したコメントは二度と開けません。"
                "パスフレーズは誰にも（事務局にも開発者にも）復元できません。紙に書いて安全な場所に保管してください。"
            )
        return self.tr(
            "パスフレーズを忘れた場合、コメントを開く方法はありません。誰にも（事務局にも開発者にも）復元できません。"
        )

    def validation_error(self) -> str:
        """Why the entry cannot be accepted, or an empty string."""
        value = self.passphrase_edit.text()
        if not value:
            return self.tr("パスフレーズを入力してください。")
        if self._confirm:
            if len(value) < MIN_LENGTH:
                return self.tr("パスフレーズは{count}文字以上にしてください。").format(count=MIN_LENGTH)
            if value != self.confirm_edit.text():
                return self.tr("確認用のパスフレーズが一致しません。")
        return ""

    def accept(self) -> None:
        error = self.validation_error()
        if error:
            self.error_label.setText(error)
            return
        super().accept()

    def passphrase(self) -> str:
        return self.passphrase_edit.text()


def ask_passphrase(parent: QWidget | None = None, *, confirm: bool = False, message: str = "") -> str | None:
    dialog = PassphraseDialog(parent, confirm=confirm, message=message)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase()


def open_store_interactively(parent: QWidget | None = None, profile: str | None = None,
                             *, attempts: int = 3, ask: Any = None) -> Any:
    """Open the comment store, asking for a passphrase when the keyring is unavailable or the database is
    protected by one. Returns the ``Store``, or None when the member cancels or the tries run out (a clear
    Japanese message is shown). ``ask(confirm, message) -> str | None`` replaces the dialog (tests).

    The main window calls this instead of ``Store.open(profile)``.
    """
    from reviewer.paths import data_dir
    from reviewer.store import SALT_NAME, PassphraseRequired, Store, WrongKey
    from reviewer.store.errors import KeyringUnavailable
    from ui import notify
    from ui.notify import error_text

    def default_ask(confirm: bool, message: str) -> str | None:
        return ask_passphrase(parent, confirm=confirm, message=message)

    asker = ask or default_ask
    try:
        return Store.open(profile)
    except (KeyringUnavailable, PassphraseRequired) as exc:
        first_message = error_text(exc)  # in the UI language
    creating = not (data_dir(profile) / SALT_NAME).exists()
    message = first_message
    for _ in range(attempts):
        passphrase = asker(creating, message)
        if passphrase is None:
            return None
        try:
            return Store.open(profile, passphrase=passphrase)
        except WrongKey as exc:
            message = error_text(exc)

    notify.error(parent, QCoreApplication.translate("PassphraseDialog", "コメントの保存先"),
                 QCoreApplication.translate(
                     "PassphraseDialog",
                     "パスフレーズが{count}回違ったため、コメントの保存先を開けませんでした。").format(count=attempts))
    return None
