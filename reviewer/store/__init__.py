"""Local encrypted storage: comments, review progress, replies, settings and known packets.

Usage::

    store = Store.open()              # key from the OS keyring (KeyringUnavailable → ask a passphrase)
    store = Store.open(passphrase=p)  # or protected by the member's passphrase
    store.add_annotation(a)           # committed at once
    store.subscribe(lambda change: ...)
"""

from __future__ import annotations

from reviewer.annotations import is_newer
from reviewer.store.connection import DB_NAME, SALT_NAME, database_path, list_backups, restore_backup
from reviewer.store.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseTooNew,
    InvalidAnnotation,
    InvalidDatabaseKey,
    KeyringUnavailable,
    PassphraseRequired,
    ProfileNotWritable,
    StorageError,
    StoreError,
    WrongKey,
)
from reviewer.store.models import (
    VIEWS,
    Change,
    ImportResult,
    KnownPacket,
    MemberView,
    ReadingPosition,
    Reply,
    ReviewMark,
)
from reviewer.store.schema import SCHEMA_VERSION
from reviewer.store.store import AnnotationMissing, Store

__all__ = [
    "DB_NAME",
    "SALT_NAME",
    "SCHEMA_VERSION",
    "VIEWS",
    "AnnotationMissing",
    "Change",
    "DatabaseBusy",
    "DatabaseDamaged",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseTooNew",
    "ImportResult",
    "InvalidAnnotation",
    "InvalidDatabaseKey",
    "KeyringUnavailable",
    "KnownPacket",
    "PassphraseRequired",
    "ProfileNotWritable",
    "ReadingPosition",
    "Reply",
    "MemberView",
    "ReviewMark",
    "StorageError",
    "Store",
    "StoreError",
    "WrongKey",
    "database_path",
    "is_newer",
    "list_backups",
    "restore_backup",
]
