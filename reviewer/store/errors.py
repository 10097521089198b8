"""What can go wrong with the local database, in words the member can act on."""

from __future__ import annotations

from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.secrets import KeyringUnavailable

__all__ = [
    "DatabaseBusy",
    "DatabaseDamaged",
    "DatabaseLocked",
    "DatabaseTooNew",
    "InvalidAnnotation",
    "KeyringUnavailable",
    "PassphraseRequired",
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
                "wrong passphrase for the database",
            )
        else:
            super().__init__(
                "コメントの保存先の鍵が一致しないため開けません（別のコンピューターやユーザーで作成されたか、"
                "資格情報ストアの鍵が変わった可能性があります）。",
                "the key does not open the database",
            )
        self.passphrase_mode = passphrase_mode


class PassphraseRequired(DatabaseLocked):
    """The database is protected by the member's passphrase; ask for it."""

    def __init__(self) -> None:
        super().__init__(
            "コメントの保存先はパスフレーズで保護されています。パスフレーズを入力してください。",
            "the database is protected by a passphrase",
        )


class DatabaseTooNew(StoreError):
    """The database was written by a newer version of the app."""

    def __init__(self, version: int, supported: int) -> None:
        super().__init__(
            f"コメントの保存先は新しいバージョンのアプリで作成されています（形式 {version}、"
            f"このアプリは {supported} まで）。アプリを更新してください。",
            f"database schema version {version} is newer than supported {supported}",
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
            f"database {path} is damaged ({detail or 'quick_check failed'}); {len(backups)} backups",
        )
        self.path = path
        self.backups = backups
        self.detail = detail


class DatabaseBusy(StoreError):
    """Another program held the database for too long."""

    def __init__(self) -> None:
        super().__init__(
            "コメントの保存先が他のプログラムで使用中です。しばらくしてからもう一度お試しください。",
            "the database is busy (locked by another connection)",
        )


class StorageError(StoreError):
    """The disk refused a write (full, read-only, I/O error)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "コメントを保存できませんでした。ディスクの空き容量や書き込み権限を確認してください。",
            f"cannot write the database: {detail}",
        )
        self.detail = detail


class InvalidAnnotation(StoreError):
    """An annotation with impossible values (e.g. from a damaged import file)."""

    def __init__(self, annotation_id: str, problem: str) -> None:
        super().__init__(
            f"コメントの内容が正しくありません（{problem}）。",
            f"invalid annotation {annotation_id}: {problem}",
        )
        self.annotation_id = annotation_id
        self.problem = problem
