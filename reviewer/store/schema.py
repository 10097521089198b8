"""The database schema as numbered migrations; ``PRAGMA user_version`` is the number of the last one applied.

Never edit a migration that has shipped: add a new one. All pending migrations run in one transaction,
so a database is either at its old version or fully upgraded.
"""

from __future__ import annotations

import logging
from typing import Any

from reviewer.store.errors import DatabaseTooNew

log = logging.getLogger("reviewer.store")

# v1: annotations (rects as JSON), review marks (reviewed only), settings, known packets.
V1 = """
CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    page INTEGER NOT NULL,
    page_label TEXT NOT NULL,
    kind TEXT NOT NULL,
    rects TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    quote TEXT NOT NULL DEFAULT '',
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    document_title TEXT NOT NULL DEFAULT '',
    item_label TEXT NOT NULL DEFAULT '',
    node_key TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'own',
    excluded INTEGER NOT NULL DEFAULT 0,
    sheet_text TEXT,
    answer TEXT,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX annotations_by_file ON annotations(file_sha256, page);

CREATE TABLE review_marks (
    file_sha256 TEXT NOT NULL,
    node_key TEXT NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    modified TEXT NOT NULL,
    PRIMARY KEY (file_sha256, node_key)
) WITHOUT ROWID;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE packets (
    file_sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    last_opened TEXT NOT NULL,
    last_page INTEGER NOT NULL DEFAULT 0,
    zoom REAL
) WITHOUT ROWID;
"""

# v2: ordering key "top" (backfilled from the rects JSON), the member's view of the judgement on review
# marks, and replies to comments.
V2 = """
ALTER TABLE annotations ADD COLUMN top REAL NOT NULL DEFAULT 0;
UPDATE annotations SET top = coalesce(
    (SELECT min(json_extract(r.value, '$[1]')) FROM json_each(annotations.rects) AS r), 0);
DROP INDEX annotations_by_file;
CREATE INDEX annotations_by_file ON annotations(file_sha256, page, top);
CREATE INDEX annotations_by_modified ON annotations(modified);

ALTER TABLE review_marks ADD COLUMN view TEXT CHECK (view IS NULL OR view IN ('同意', '疑問あり'));

CREATE TABLE replies (
    id TEXT PRIMARY KEY,
    annotation_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX replies_by_annotation ON replies(annotation_id, created);
"""

# v3: the public signing key of each member whose signed package was imported (trust on first use), so a
# later package for that name signed by another key, or unsigned, is reported (reviewer.signing).
V3_MEMBER_KEYS = """
CREATE TABLE IF NOT EXISTS member_keys (
    author TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
) WITHOUT ROWID;
"""

# Carried comments (second meeting): each comment on a revised packet that was carried from the earlier
# version's comment, with how its quoted text fared and the member's check of it. Self-contained (IF NOT EXISTS).
V_CARRIED = """
CREATE TABLE IF NOT EXISTS carried_comments (
    new_id TEXT PRIMARY KEY REFERENCES annotations(id) ON DELETE CASCADE,
    old_id TEXT NOT NULL,
    old_sha256 TEXT NOT NULL,
    new_sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('unchanged', 'changed', 'removed')),
    old_quote TEXT NOT NULL DEFAULT '',
    new_text TEXT NOT NULL DEFAULT '',
    check_result TEXT CHECK (check_result IS NULL OR check_result IN ('対応確認済み', '再指摘')),
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (old_id, new_sha256)
);
CREATE INDEX IF NOT EXISTS carried_by_new ON carried_comments(new_sha256);
"""

# Corrections by hand of a packet's detected structure (reviewer.structure.corrections): a judgement set, a heading
# corrected, a risk or section added. Keyed by packet and node identity (the detected node key, "+id" for an
# added node) so that they survive re-detection. Self-contained (IF NOT EXISTS).
V_STRUCTURE_CORRECTIONS = """
CREATE TABLE IF NOT EXISTS structure_corrections (
    id TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('judgement', 'heading', 'add')),
    payload TEXT NOT NULL DEFAULT '{}',
    author TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (file_sha256, target, action)
);
CREATE INDEX IF NOT EXISTS structure_corrections_by_file ON structure_corrections(file_sha256);
"""

# Other members' 確認済み and 判断への見解 (同意 / 疑問あり), imported from their comment packages so that the chair
# sees each member's view of a risk; one row per packet, node and member. Self-contained (IF NOT EXISTS).
V_MEMBER_VIEWS = """
CREATE TABLE IF NOT EXISTS member_views (
    file_sha256 TEXT NOT NULL,
    node_key TEXT NOT NULL,
    author TEXT NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    view TEXT CHECK (view IS NULL OR view IN ('同意', '疑問あり')),
    modified TEXT NOT NULL,
    PRIMARY KEY (file_sha256, node_key, author)
);
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3_MEMBER_KEYS, V_CARRIED, V_STRUCTURE_CORRECTIONS, V_MEMBER_VIEWS)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: Any) -> int:
    return int(conn.execute("PRAGMA user_version").get)


def check_not_newer(conn: Any) -> int:
    """The database's schema version; DatabaseTooNew if this app cannot read it."""
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(version, SCHEMA_VERSION)
    return version


def migrate(conn: Any, target: int = SCHEMA_VERSION) -> tuple[int, int]:
    """Apply the pending migrations up to ``target`` in one write transaction; returns (from, to)."""
    if user_version(conn) >= target:
        return check_not_newer(conn), user_version(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again inside the write lock: another instance may have migrated meanwhile.
        current = check_not_newer(conn)
        for number in range(current + 1, target + 1):
            conn.execute(MIGRATIONS[number - 1])
            log.info("applied database migration %d", number)
        if target > current:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current, max(current, target)
