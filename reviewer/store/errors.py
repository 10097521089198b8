"""What can go wrong with the local database, in words the member can act on."""

from __future__ import annotations

from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.secrets import KeyringUnavailable

__all__ = [
    "DatabaseBusy",
    "DatabaseDamaged",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseTooNew",
    "InvalidAnnotation",
    "InvalidDatabaseKey",
    "KeyringUnavailable",
    "PassphraseRequired",
    "ProfileNotWritable",
    "StorageError",
    "StoreError",
    "WrongKey",
]


class StoreError(ReviewerError):
    """A failure of the local database caused by the environment (key, disk, another program)."""


class DatabaseLocked(StoreError):
    """The database exists but cannot be unlocked (its key is not available)."""


class WrongKey(DatabaseLocked):
    """The key or passphrase does not open the database."""

    def __init__(self, passphrase_mode: bool = False) -> None:
        if passphrase_mode:
            super().__init__(
                "パスフレーズが正しくありません。コメントの保存先を開けません。",
                "The passphrase is not correct; your comments cannot be opened.",
            )
        else:
            super().__init__(
                "コメントの保存先の鍵が一致しないため開けません（別のコンピューターやユーザーで作成されたか、"
                "資格情報ストアの鍵が変わった可能性があります）。",
                "The key does not open your comments (they may have been made on another computer or by another "
                "user, or the key in the credential store changed).",
            )
        self.passphrase_mode = passphrase_mode


class PassphraseRequired(DatabaseLocked):
    """The database is protected by the member's passphrase; ask for it."""

    def __init__(self) -> None:
        super().__init__(
            "コメントの保存先はパスフレーズで保護されています。パスフレーズを入力してください。",
            "Your comments are protected by a passphrase. Enter the passphrase.",
        )


class DatabaseTooNew(StoreError):
    """The database was written by a newer version of the app."""

    def __init__(self, version: int, supported: int) -> None:
        super().__init__(
            f"コメントの保存先は新しいバージョンのアプリで作成されています（形式 {version}、"
            f"このアプリは {supported} まで）。アプリを更新してください。",
            f"Your comments were saved by a newer version of the app (format {version}; this app reads up to "
            f"{supported}). Update the app.",
        )
        self.version = version
        self.supported = supported


class DatabaseDamaged(StoreError):
    """The database file is damaged; ``backups`` lists the copies it can be restored from (newest first)."""

    def __init__(self, path: Path, backups: list[Path], detail: str = "") -> None:
        if backups:
            names = "、".join(b.name for b in backups)
            hint = f"バックアップ（{names}）から復元できます。"
        else:
            hint = "利用できるバックアップはありません。"
        super().__init__(
            f"コメントの保存先（{path.name}）が破損しています。{hint}",
            f"The file of your comments ({path.name}) is damaged. "
            + (f"It can be restored from a backup ({len(backups)} available)." if backups else "No backup is available."),
        )
        self.path = path
        self.backups = backups
        self.detail = detail


def short_detail(detail: str, limit: int = 120) -> str:
    """The first line of a diagnostic (quick_check can return ~100 lines), cut to ``limit`` characters.

    Messages stay one line; the whole diagnostic goes to the log where it is produced.
    """
    first = detail.strip().splitlines()[0] if detail.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


class DatabaseMissing(DatabaseDamaged):
    """``reviewer.db`` is empty or gone while backups of it exist: restore one rather than start anew.

    A subclass of DatabaseDamaged so that every caller that offers a restore for a damaged database
    (the GUI's start-up) offers it here as well.
    """

    def __init__(self, path: Path, backups: list[Path]) -> None:
        StoreError.__init__(
            self,
            f"コメントの保存先（{path.name}）が空か見つかりません。新しく作らずに止めました。"
            f"バックアップ（{backups[0].name}）から復元できます。",
            f"The file of your comments ({path.name}) is empty or missing; a new one was not created. "
            f"It can be restored from a backup ({backups[0].name}).",
        )
        self.path = path
        self.backups = backups
        self.detail = "empty or missing"


class InvalidDatabaseKey(DatabaseLocked):
    """A database key given by a tool or test (``PIA_REVIEWER_DB_KEY``) that is not 64 hex digits."""

    def __init__(self, source: str = "") -> None:
        where = f"（{source}）" if source else ""
        super().__init__(
            f"指定されたデータベースの鍵{where}が64桁の16進数ではありません。",
            f"The database key given{' in ' + source if source else ''} is not 64 hexadecimal digits.",
        )


class ProfileNotWritable(StoreError):
    """The data folder or the database file cannot be written (permissions), found while opening."""

    def __init__(self, folder: Path, detail: str) -> None:
        super().__init__(
            f"データフォルダ（{folder}）に書き込めないため、コメントの保存先を開けません。"
            "フォルダの書き込み権限を確認してください。",
            f"Your comments cannot be opened because the data folder cannot be written: {folder}. "
            "Check the folder's permissions.",
        )
        self.folder = folder


class DatabaseBusy(StoreError):
    """Another program held the database for too long."""

    def __init__(self) -> None:
        super().__init__(
            "コメントの保存先が他のプログラムで使用中です。しばらくしてからもう一度お試しください。",
            "Your comments are in use by another program. Try again in a moment.",
        )


class StorageError(StoreError):
    """The disk refused a write (full, read-only, I/O error)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "コメントを保存できませんでした。ディスクの空き容量や書き込み権限を確認してください。",
            "The comment could not be saved. Check the free disk space and the permission to write.",
        )
        self.detail = detail


class InvalidAnnotation(StoreError):
    """An annotation with impossible values (e.g. from a damaged import file)."""

    def __init__(self, annotation_id: str, problem: str) -> None:
        super().__init__(
            f"コメントの内容が正しくありません（{problem}）。",
            "The comment cannot be saved: some of its values are not valid.",
        )
        self.annotation_id = annotation_id
        self.problem = problem
