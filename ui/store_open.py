"""Opening the encrypted comment store for the window: passphrase when there is no keyring, and the offer to
restore a backup when the database is damaged (or empty/missing beside good backups).

The store is handed to the session (``session.set_store``), which announces it to every panel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from reviewer.errors import ReviewerError
from ui import notify

log = logging.getLogger("ui.store_open")



def _open(parent: QWidget | None, profile: str | None, interactive: bool) -> Any:
    if not interactive:
        from reviewer.store import Store

        return Store.open(profile)
    from ui.dialogs.passphrase import open_store_interactively

    return open_store_interactively(parent, profile)


def open_store(parent: QWidget | None, profile: str | None, on_store: Callable[[Any], object], *,
               interactive: bool = True, status: Callable[[str], object] | None = None) -> None:
    """Open the store and call ``on_store(store)`` (``store`` may be None: comments cannot be saved, and the member
    has been told why). A damaged database is offered for restoring from the newest usable backup first."""
    from reviewer.store import DatabaseDamaged

    title = QCoreApplication.translate("MainWindow", "コメントの保存先")
    try:
        store = _open(parent, profile, interactive)
    except DatabaseDamaged as damaged:
        log.error("store damaged: %s", damaged.message_en)
        if not damaged.backups or not interactive:
            notify.error(parent, title, notify.error_text(damaged))
            on_store(None)
            return

        def answered(yes: bool, found: DatabaseDamaged = damaged) -> None:
            on_store(_restore(parent, profile, found, interactive) if yes else None)

        notify.ask(parent, title, notify.error_text(damaged) + "\n\n" + QCoreApplication.translate(
            "MainWindow", "最新のバックアップ（{name}）から復元しますか？（破損したファイルは残します）").format(
            name=damaged.backups[0].name), answered, default_yes=True)
        return
    except ReviewerError as exc:
        log.warning("store unavailable: %s", exc.message_en)
        if status is not None:
            status(notify.error_text(exc))
        on_store(None)
        return
    if store is None and status is not None:
        status(QCoreApplication.translate("MainWindow", "コメントの保存先が開けないため、コメントは保存できません。"))
    on_store(store)


def _restore(parent: QWidget | None, profile: str | None, damaged: Any, interactive: bool) -> Any:
    from reviewer.store import restore_backup

    for backup in damaged.backups:
        try:
            moved = restore_backup(profile, backup)
            log.warning("restored %s; damaged database kept as %s", backup.name, moved.name)
            return _open(parent, profile, interactive)
        except ReviewerError as exc:
            log.warning("backup %s unusable: %s", backup.name, exc.message_en)
    notify.error(parent, QCoreApplication.translate("MainWindow", "コメントの保存先"), QCoreApplication.translate("MainWindow", "使えるバックアップがありませんでした。"))
    return None
