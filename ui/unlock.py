"""The password of a protected packet: the one given, one remembered in the keyring, or asked (three tries).

The checks open the PDF briefly through :func:`reviewer.document.open_pdf` (the same checks as every opener); an
unprotected file needs no check here, the session's one open does it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from reviewer.errors import PasswordRequired, ReviewerError

log = logging.getLogger("ui.unlock")


class Cancelled(Exception):
    """The member cancelled the password dialog (or gave a wrong password three times; already told)."""



def _works(path: Path, password: str | None) -> bool:
    """Whether ``password`` opens ``path`` (other errors propagate: not a PDF, damaged, missing)."""
    from reviewer.document import open_pdf

    try:
        open_pdf(path, password).close()
        return True
    except PasswordRequired:
        return False


def password_for(parent: QWidget | None, path: Path, password: str | None, *, ask: bool = True) -> str | None:
    """The password to open ``path`` with (None for an unprotected file). Raises :class:`Cancelled`, or
    ReviewerError for a file that cannot be opened at all (or is protected while ``ask`` is False)."""
    if _works(path, password):
        return password
    if not ask:
        raise PasswordRequired(str(path), wrong_password=bool(password))
    from reviewer.document import file_sha256
    from reviewer.secrets import KeyringUnavailable, recalled_pdf_password, remember_pdf_password

    sha = file_sha256(path)
    keyring_ok = True
    try:
        remembered = recalled_pdf_password(sha)
    except KeyringUnavailable:
        keyring_ok, remembered = False, None
    if remembered and _works(path, remembered):
        return remembered
    from ui.dialogs.password import MAX_TRIES, PasswordDialog

    for attempt in range(1, MAX_TRIES + 1):
        dialog = PasswordDialog(path.name, attempt, keyring_ok, parent)
        if dialog.exec() != PasswordDialog.DialogCode.Accepted:
            raise Cancelled()
        candidate, remember = dialog.values()
        if not _works(path, candidate):
            continue
        if remember:
            try:
                remember_pdf_password(sha, candidate)
            except ReviewerError as exc:
                log.warning("could not remember password: %s", exc.message_en)
        return str(candidate)
    from ui import notify

    notify.error(parent, QCoreApplication.translate("MainWindow", "ファイルを開けません"),
                 QCoreApplication.translate("MainWindow", "パスワードが{tries}回続けて正しくなかったため、「{name}」を開けませんでした。"
                     "正しいパスワードを資料の配布元に確認してください。").format(tries=MAX_TRIES, name=path.name))
    raise Cancelled()
