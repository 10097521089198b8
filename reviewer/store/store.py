"""The repository over the encrypted database: annotations, review marks, replies, settings, packets.

Every write is committed when the call returns (there is no Save button). Writes take the database's
write lock at once (``BEGIN IMMEDIATE``) and wait up to the busy timeout for another instance of the
app, so two instances on one profile serialise instead of failing. Several writes can be grouped with
``with store.transaction():`` (nestable; inner blocks are savepoints).

Observers registered with :meth:`Store.subscribe` receive a :class:`Change` for each kind of data a
committed transaction touched, on the thread that wrote. The GUI must hop to its own thread itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import apsw

from reviewer.annotations import KINDS, Annotation, Rect, is_newer, now_iso, parse_time
from reviewer.paths import data_dir
from reviewer.store import connection as dbconn
from reviewer.store.errors import InvalidAnnotation, StoreError
from reviewer.store.lock import profile_lock
from reviewer.store.models import (
    VIEWS,
    Change,
    ChangeKind,
    Clamped,
    IdConflict,
    ImportResult,
    KnownPacket,
    MemberView,
    ReadingPosition,
    Reply,
    ReviewMark,
)
from reviewer.store.schema import check_not_newer, migrate
from reviewer.structure.corrections import Correction

log = logging.getLogger("reviewer.store")

Observer = Callable[[Change], None]

# Every field of Annotation, in column order (tests check this covers the dataclass).
ANNOTATION_COLUMNS: tuple[str, ...] = (
    "id", "file_sha256", "file_name", "page", "page_label", "kind", "rects", "category", "text", "author",
    "quote", "prefix", "suffix", "document_title", "item_label", "node_key", "status", "created",
    "modified", "origin", "excluded", "sheet_text", "answer", "extra",
)
_ANN_SELECT = "SELECT " + ", ".join(ANNOTATION_COLUMNS) + " FROM annotations"
_ANN_INSERT = (
    "INSERT INTO annotations (" + ", ".join(ANNOTATION_COLUMNS) + ", top) VALUES ("
    + ", ".join("?" * (len(ANNOTATION_COLUMNS) + 1)) + ")"
)
_ANN_UPSERT = _ANN_INSERT + " ON CONFLICT(id) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in (*ANNOTATION_COLUMNS[1:], "top")
)
# What an import may change on a comment it already knows: everything but the chair's decisions and where
# the comment came from (those belong to this profile, never to the file being imported).
CHAIR_COLUMNS: tuple[str, ...] = ("origin", "excluded", "sheet_text", "answer")
_MEMBER_COLUMNS: tuple[str, ...] = tuple(c for c in ANNOTATION_COLUMNS[1:] if c not in CHAIR_COLUMNS)
_ANN_IMPORT_UPDATE = (
    "UPDATE annotations SET " + ", ".join(f"{c} = ?" for c in (*_MEMBER_COLUMNS, "top")) + " WHERE id = ?"
)
#: How far in the future an imported ``modified`` may lie (another machine's clock) before it is clamped.
CLOCK_SKEW = timedelta(minutes=10)
_REBIND_NAMESPACE = uuid.UUID("5b0c3a52-6a55-4d8e-9f3e-2f1f7f0e4a17")
_ANN_UPDATE = (
    "UPDATE annotations SET " + ", ".join(f"{c} = ?" for c in (*ANNOTATION_COLUMNS[1:], "top"))
    + " WHERE id = ?"
)
_SNAPSHOT_TABLES: dict[str, str] = {
    "annotations": "id",
    "review_marks": "file_sha256, node_key",
    "replies": "id",
    "settings": "key",
    "packets": "file_sha256",
    "member_keys": "author",
    "carried_comments": "new_id",
    "structure_corrections": "id",
    "member_views": "file_sha256, node_key, author",
}


CARRY_CHECKS: tuple[str, ...] = ("対応確認済み", "再指摘")


@dataclass(frozen=True, slots=True)
class CarriedLink:
    """A comment carried to a revised packet (``new_id``) and the comment on the earlier version it came from."""

    new_id: str
    old_id: str
    old_sha256: str
    new_sha256: str
    status: str  # "unchanged" | "changed" | "removed"
    old_quote: str = ""
    new_text: str = ""
    check_result: str | None = None  # one of CARRY_CHECKS
    created: str = ""
    modified: str = ""


class AnnotationMissing(StoreError, KeyError):
    """The comment is not (or no longer) in the database, e.g. deleted by another window."""

    def __init__(self, annotation_id: str) -> None:
        StoreError.__init__(
            self, "このコメントは既に削除されています。", "This comment has already been deleted."
        )
        self.annotation_id = annotation_id


_TEXT_COLUMNS = ("id", "file_sha256", "file_name", "page_label", "category", "text", "author", "quote", "prefix",
                 "suffix", "document_title", "item_label", "node_key", "status", "created", "modified",
                 "sheet_text", "answer")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _validate(a: Annotation) -> None:
    problem = ""
    if not a.id:
        problem = "IDがありません"
    elif not a.file_sha256:
        problem = "対象ファイルがありません"
    elif a.kind not in KINDS:
        problem = f"種類「{a.kind}」は使えません"
    elif not isinstance(a.page, int) or a.page < 0:
        problem = "ページ番号が不正です"
    else:
        for rect in a.rects:
            if len(rect) != 4 or not all(isinstance(v, int | float) and math.isfinite(v) for v in rect):
                problem = "位置が不正です"
                break
    if not problem:
        texts = [value for value in (getattr(a, name) for name in _TEXT_COLUMNS) if isinstance(value, str)]
        if _SURROGATE.search("\n".join(texts)):
            problem = "文字化けした文字（サロゲート）が含まれています"
    if problem:
        raise InvalidAnnotation(a.id, problem)


def _annotation_params(a: Annotation) -> list[Any]:
    _validate(a)
    try:
        extra = _dumps(a.extra)
        extra.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidAnnotation(a.id, "追加情報を保存できません") from exc
    values: dict[str, Any] = {
        name: getattr(a, name) for name in ANNOTATION_COLUMNS
    }
    values["rects"] = _dumps([[float(v) for v in r] for r in a.rects])
    values["excluded"] = 1 if a.excluded else 0
    values["extra"] = extra
    return [values[name] for name in ANNOTATION_COLUMNS] + [float(a.top)]


def _annotation_from_row(row: tuple[Any, ...]) -> Annotation:
    data = dict(zip(ANNOTATION_COLUMNS, row, strict=True))
    rects: list[Rect] = [
        (float(r[0]), float(r[1]), float(r[2]), float(r[3])) for r in json.loads(data["rects"])
    ]
    data["rects"] = rects
    data["excluded"] = bool(data["excluded"])
    data["extra"] = json.loads(data["extra"]) if data["extra"] else {}
    return Annotation(**data)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clamp_future(a: Annotation, now: datetime) -> Annotation:
    """``a`` with ``modified``/``created`` later than ``now`` + CLOCK_SKEW set to ``now`` (else ``a`` itself)."""
    limit = now + CLOCK_SKEW
    modified, created = (parse_time(a.modified), parse_time(a.created))
    if not (modified is not None and modified > limit) and not (created is not None and created > limit):
        return a
    stamp = _iso(now)
    return replace(
        a,
        modified=stamp if modified is not None and modified > limit else a.modified,
        created=stamp if created is not None and created > limit else a.created,
    )


def rebound_id(original_id: str, author: str) -> str:
    """The id an imported comment gets when its own id belongs to another author's (or our own) comment.

    Derived, not random: importing the same file again finds the same comment instead of adding a copy.
    """
    return str(uuid.uuid5(_REBIND_NAMESPACE, f"{original_id}\n{author}"))


def _insert_reply(conn: apsw.Connection, reply: Reply, annotation_id: str, *, if_new: bool = False) -> bool:
    """Write ``reply`` under comment ``annotation_id`` (``if_new``: unless a reply with its id is there). Returns
    whether a row was written."""
    conn.execute(("INSERT OR IGNORE" if if_new else "INSERT") + " INTO replies (id, annotation_id, author, text,"
                 " created, modified) VALUES (?,?,?,?,?,?)",
                 (reply.id, annotation_id, reply.author, reply.text, reply.created, reply.modified))
    return conn.changes() > 0


def import_decision(
    incoming: Annotation, current: Annotation | None, now: datetime | None = None
) -> tuple[str, Annotation | None]:
    """What importing ``incoming`` does given the stored ``current`` with the same id.

    Returns ``("add" | "update" | "unchanged" | "rebind", current)``. ``rebind``: the id belongs to a comment of
    another author, so the item must become a new comment (:func:`rebound_id`). The same author's comment that this
    profile wrote (``origin='own'``: the member's own package imported again, to restore it or on a second
    computer) is ``unchanged``: an import never changes what was written here, and never copies it either.
    A stored ``modified`` beyond now + CLOCK_SKEW (written before clamping existed) counts as unreadable, so a
    genuine later version can replace it.
    """
    if current is None:
        return "add", None
    if current.author != incoming.author:
        return "rebind", current
    if current.origin == "own":
        return "unchanged", current
    moment = now or datetime.now(UTC)
    stored = current.modified
    parsed = parse_time(stored)
    if parsed is not None and parsed > moment + CLOCK_SKEW:
        stored = ""
    same = all(getattr(current, c) == getattr(incoming, c) for c in _MEMBER_COLUMNS)
    if same or not is_newer(incoming.modified, stored):
        return "unchanged", current
    return "update", current


class Store:
    """The member's local database. Create with :meth:`Store.open`; close with :meth:`close`."""

    def __init__(self, conn: apsw.Connection, folder: Path, passphrase_mode: bool) -> None:
        self._conn: apsw.Connection | None = conn
        self.folder = folder
        self.path = folder / dbconn.DB_NAME
        self.passphrase_mode = passphrase_mode
        self._lock = threading.RLock()
        self._depth = 0
        self._pending: list[Change] = []
        self._observers: list[Observer] = []

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(
        cls,
        profile: str | os.PathLike[str] | None = None,
        passphrase: str | None = None,
        *,
        key: str | None = None,
        backup: bool = True,
    ) -> Store:
        """Open (or create) the database in the profile's data directory.

        Args:
            profile: the data directory; default ``$PIA_REVIEWER_HOME`` or the platform's.
            passphrase: the member's passphrase, for a database protected by one (or to create one so).
            key: a 64-hex-digit key that bypasses keyring and passphrase (tests and tools).
            backup: make the daily rolling backup (default on).

        Raises:
            KeyringUnavailable: no OS keyring; ask for a passphrase and call again with it.
            PassphraseRequired / WrongKey / DatabaseLocked: the key is missing or wrong.
            DatabaseDamaged: quick_check failed; ``.backups`` lists what :func:`restore_backup` can use.
            DatabaseTooNew: written by a newer app version.
        """
        folder = data_dir(profile)
        # One process at a time decides on the salt / keyring key and creates the database (issue 17).
        with profile_lock(folder):
            dbconn.refuse_if_missing(folder)
            unlock = dbconn.resolve_key(folder, passphrase, key)
            conn = dbconn.open_checked(folder, unlock)
            try:
                version = check_not_newer(conn)
                if backup and version > 0:
                    try:
                        dbconn.daily_backup(conn, folder, unlock.hexkey)
                    except (OSError, apsw.Error) as exc:  # a failed backup must not keep the member out
                        log.warning("daily backup failed: %s", type(exc).__name__)
                before, after = migrate(conn)
                if before != after:
                    log.info("database upgraded from version %d to %d", before, after)
            except apsw.Error as exc:
                conn.close()
                raise dbconn.translate(exc, folder / dbconn.DB_NAME, folder) from exc
            except BaseException:
                conn.close()
                raise
            dbconn.make_files_private(folder)
        return cls(conn, folder, unlock.passphrase_mode)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require(self) -> apsw.Connection:
        if self._conn is None:
            raise RuntimeError("the store is closed")
        return self._conn

    # ------------------------------------------------------------------ transactions & changes
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction: all or nothing. Nested blocks become savepoints."""
        changes: list[Change] = []
        with self._lock:
            conn = self._require()
            depth = self._depth
            savepoint = f"sp{depth}"
            mark = len(self._pending)
            try:
                conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}")
            except apsw.Error as exc:
                raise dbconn.translate(exc, self.path, self.folder) from exc
            self._depth += 1
            try:
                yield
            except BaseException as exc:
                self._depth -= 1
                if depth == 0:
                    if not conn.get_autocommit():
                        conn.execute("ROLLBACK")
                    self._pending.clear()
                else:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                    del self._pending[mark:]
                if isinstance(exc, apsw.Error):
                    raise dbconn.translate(exc, self.path, self.folder) from exc
                raise
            self._depth -= 1
            if depth > 0:
                conn.execute(f"RELEASE {savepoint}")
                return
            try:
                conn.execute("COMMIT")
            except apsw.Error as exc:
                if not conn.get_autocommit():
                    conn.execute("ROLLBACK")
                self._pending.clear()
                raise dbconn.translate(exc, self.path, self.folder) from exc
            changes, self._pending = self._pending, []
        self._notify(changes)

    def _announce(self, kind: ChangeKind, file_sha256: str | None, *ids: str) -> None:
        self._pending.append(Change(kind, file_sha256, tuple(ids)))

    def _notify(self, changes: list[Change]) -> None:
        # dicts as ordered sets: one import announces 100k ids, a list membership test would be quadratic
        merged: dict[tuple[str, str | None], dict[str, None]] = {}
        for change in changes:
            merged.setdefault((change.kind, change.file_sha256), {}).update(dict.fromkeys(change.ids))
        observers = list(self._observers)
        for (kind, sha), ids in merged.items():
            value = Change(kind, sha, tuple(ids))  # type: ignore[arg-type]
            for callback in observers:
                try:
                    callback(value)
                except Exception:  # one broken view must not break saving or the other views
                    log.exception("a change observer failed")

    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(change)`` after each committed write; returns a function that unsubscribes."""
        self._observers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._observers.remove(callback)

        return unsubscribe

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._require()
            try:
                return list(conn.execute(sql, params))
            except apsw.Error as exc:
                raise dbconn.translate(exc, self.path, self.folder) from exc

    # ------------------------------------------------------------------ annotations
    def add_annotation(self, a: Annotation) -> None:
        params = _annotation_params(a)
        with self.transaction():
            try:
                self._require().execute(_ANN_INSERT, params)
            except apsw.ConstraintError as exc:
                raise InvalidAnnotation(a.id, "同じIDのコメントが既にあります") from exc
            self._announce("annotations", a.file_sha256, a.id)
        log.debug("added annotation %s", a.id)

    def update_annotation(self, a: Annotation) -> None:
        params = _annotation_params(a)
        with self.transaction():
            conn = self._require()
            old = conn.execute("SELECT file_sha256 FROM annotations WHERE id = ?", (a.id,)).get
            if old is None:
                raise AnnotationMissing(a.id)
            conn.execute(_ANN_UPDATE, [*params[1:], a.id])
            self._announce("annotations", a.file_sha256, a.id)
            if old != a.file_sha256:
                self._announce("annotations", str(old), a.id)

    def delete_annotation(self, annotation_id: str) -> bool:
        """Delete the comment (and its replies). Returns False if there was none."""
        with self.transaction():
            conn = self._require()
            sha = conn.execute("SELECT file_sha256 FROM annotations WHERE id = ?", (annotation_id,)).get
            if sha is None:
                return False
            conn.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
            self._announce("annotations", str(sha), annotation_id)
        return True

    def get_annotation(self, annotation_id: str) -> Annotation | None:
        rows = self._rows(_ANN_SELECT + " WHERE id = ?", (annotation_id,))
        return _annotation_from_row(rows[0]) if rows else None

    def annotations(
        self,
        file_sha256: str | None,
        *,
        author: str | Collection[str] | None = None,
        category: str | Collection[str] | None = None,
        status: str | Collection[str] | None = None,
        text: str | None = None,
        origin: str | None = None,
    ) -> list[Annotation]:
        """The comments on a packet (``None``: on every packet), ordered by page, then top of the page.

        Each filter takes one value or a collection of accepted values; ``text`` matches a substring of
        the comment, the quoted passage, the sheet text or the answer.
        """
        where: list[str] = []
        params: list[Any] = []
        if file_sha256 is not None:
            where.append("file_sha256 = ?")
            params.append(file_sha256)
        for column, wanted in (("author", author), ("category", category), ("status", status),
                               ("origin", origin)):
            if wanted is None:
                continue
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if not values:
                return []
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
        if text:
            where.append(
                "(instr(text, ?) > 0 OR instr(quote, ?) > 0 OR instr(coalesce(sheet_text, ''), ?) > 0"
                " OR instr(coalesce(answer, ''), ?) > 0)"
            )
            params.extend([text] * 4)
        sql = _ANN_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY file_sha256, page, top, created, id"
        return [_annotation_from_row(r) for r in self._rows(sql, params)]

    def annotated_files(self) -> dict[str, int]:
        """sha256 → number of comments, for every packet that has any."""
        return {str(s): int(n) for s, n in self._rows(
            "SELECT file_sha256, count(*) FROM annotations GROUP BY file_sha256 ORDER BY file_sha256")}

    def existing_ids(self, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` are stored (cheaper than :meth:`get_annotations` when only presence matters)."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update(str(r[0]) for r in self._rows(
                f"SELECT id FROM annotations WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def get_annotations(self, ids: Collection[str]) -> dict[str, Annotation]:
        """The stored comments among ``ids``, by id (missing ids are simply absent)."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Annotation] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self._rows(_ANN_SELECT + f" WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                a = _annotation_from_row(row)
                out[a.id] = a
        return out

    def upsert_imported(self, items: list[Annotation], *, now: datetime | None = None,
                        progress: Callable[[int, int], None] | None = None) -> ImportResult:
        """Merge annotations from another member or file, all or nothing, in one transaction.

        The rules (issue 17; :func:`import_decision` is the same rule for previews):

        * a new id is added;
        * a known id is updated only when it is the same author's comment, imported before, and the incoming
          ``modified`` is later; the same author's comment this profile wrote (``origin='own'``) is left as it
          is (its own package imported again); another author's is kept as a NEW comment whose id is derived
          from (id, author), so importing the file again finds it;
        * an update writes the member's fields only: the chair's ``excluded``, ``sheet_text``, ``answer`` and
          ``origin`` stay as they are in the database at that moment;
        * ``modified``/``created`` later than now + :data:`CLOCK_SKEW` are clamped to now (reported).
        """
        added = updated = unchanged = 0
        conflicts: list[IdConflict] = []
        clamped: list[Clamped] = []
        moment = now or datetime.now(UTC)
        prepared: list[tuple[Annotation, list[Any]]] = []
        for a in items:
            fixed = clamp_future(a, moment)
            if fixed is not a:
                clamped.append(Clamped(a.id, a.author, a.modified))
            prepared.append((fixed, _annotation_params(fixed)))  # validate everything before writing
        with self.transaction():
            conn = self._require()
            # Read under the write lock: what another process committed before is seen, nothing can change after.
            stored = self.get_annotations([a.id for a, _ in prepared])
            for done, (a, params) in enumerate(prepared):
                if progress is not None and done % 1000 == 0:
                    progress(done, len(prepared))
                current = stored.get(a.id)
                action, target = import_decision(a, current, moment)
                if action == "rebind":
                    new_id = rebound_id(a.id, a.author)
                    assert current is not None
                    conflicts.append(IdConflict(a.id, new_id, a.author, current.author,
                                                "own" if current.origin == "own" else "author"))
                    a = replace(a, id=new_id)
                    action, target = import_decision(
                        a, stored[new_id] if new_id in stored else self._current(new_id), moment)
                    if action == "rebind":  # the derived id is taken by someone else's comment: refuse it
                        conflicts[-1] = replace(conflicts[-1], new_id="")
                        continue
                    params = [new_id, *params[1:]]
                if action == "add":
                    conn.execute(_ANN_INSERT, params)
                    stored[a.id] = a  # a later item with this id in the same batch sees it
                    added += 1
                elif action == "unchanged":
                    unchanged += 1
                    continue
                else:
                    assert target is not None
                    member = dict(zip(ANNOTATION_COLUMNS, params, strict=False))
                    conn.execute(_ANN_IMPORT_UPDATE, [*(member[c] for c in _MEMBER_COLUMNS), params[-1], a.id])
                    stored[a.id] = replace(a, **{c: getattr(target, c) for c in CHAIR_COLUMNS})
                    updated += 1
                    if target.file_sha256 != a.file_sha256:
                        self._announce("annotations", target.file_sha256, a.id)
                self._announce("annotations", a.file_sha256, a.id)
            if progress is not None:
                progress(len(prepared), len(prepared))
        result = ImportResult(added, updated, unchanged, tuple(conflicts), tuple(clamped))
        log.info("imported annotations: %d added, %d updated, %d unchanged, %d id conflicts, %d clamped",
                 added, updated, unchanged, len(conflicts), len(clamped))
        return result

    def _current(self, annotation_id: str) -> Annotation | None:
        rows = list(self._require().execute(_ANN_SELECT + " WHERE id = ?", (annotation_id,)))
        return _annotation_from_row(rows[0]) if rows else None

    def set_answer(self, annotation_id: str, answer: str | None) -> bool:
        """Set the department's answer of one comment, touching no other field. False if it does not exist."""
        with self.transaction():
            sha = self._require().execute("SELECT file_sha256 FROM annotations WHERE id = ?", (annotation_id,)).get
            if sha is None:
                return False
            self._require().execute("UPDATE annotations SET answer = ? WHERE id = ?", (answer, annotation_id))
            self._announce("annotations", str(sha), annotation_id)
        return True

    # ------------------------------------------------------------------ members' signing keys (trust on first use)
    def member_key(self, author: str) -> str | None:
        """The public signing key remembered for ``author`` (base64), or None."""
        rows = self._rows("SELECT public_key FROM member_keys WHERE author = ?", (author,))
        return str(rows[0][0]) if rows else None

    def remember_member_key(self, author: str, public_key: str) -> bool:
        """Remember ``author``'s key if none is known yet (True); a known key is kept and only marked seen."""
        now = now_iso()
        with self.transaction():
            conn = self._require()
            known = conn.execute("SELECT public_key FROM member_keys WHERE author = ?", (author,)).get
            if known is None:
                conn.execute("INSERT INTO member_keys (author, public_key, first_seen, last_seen) VALUES (?,?,?,?)",
                             (author, public_key, now, now))
                self._announce("settings", None, "member_keys")
                return True
            if str(known) == public_key:
                conn.execute("UPDATE member_keys SET last_seen = ? WHERE author = ?", (now, author))
        return False

    def forget_member_key(self, author: str) -> None:
        """Forget ``author``'s key (the chair accepted a member's new key); the next signed package is trusted."""
        with self.transaction():
            self._require().execute("DELETE FROM member_keys WHERE author = ?", (author,))
            self._announce("settings", None, "member_keys")

    # ------------------------------------------------------------------ replies
    def _annotation_sha(self, annotation_id: str) -> str:
        sha = self._require().execute(
            "SELECT file_sha256 FROM annotations WHERE id = ?", (annotation_id,)
        ).get
        if sha is None:
            raise AnnotationMissing(annotation_id)
        return str(sha)

    def add_reply(self, reply: Reply) -> None:
        with self.transaction():
            sha = self._annotation_sha(reply.annotation_id)
            _insert_reply(self._require(), reply, reply.annotation_id)
            self._announce("annotations", sha, reply.annotation_id)

    def update_reply(self, reply: Reply) -> None:
        with self.transaction():
            sha = self._annotation_sha(reply.annotation_id)
            conn = self._require()
            conn.execute(
                "UPDATE replies SET author = ?, text = ?, created = ?, modified = ? WHERE id = ?",
                (reply.author, reply.text, reply.created, reply.modified, reply.id),
            )
            if conn.changes() == 0:
                raise KeyError(reply.id)
            self._announce("annotations", sha, reply.annotation_id)

    def delete_reply(self, reply_id: str) -> bool:
        with self.transaction():
            conn = self._require()
            owner = conn.execute("SELECT annotation_id FROM replies WHERE id = ?", (reply_id,)).get
            if owner is None:
                return False
            sha = self._annotation_sha(str(owner))
            conn.execute("DELETE FROM replies WHERE id = ?", (reply_id,))
            self._announce("annotations", sha, str(owner))
        return True

    def replies(self, annotation_id: str) -> list[Reply]:
        return [
            Reply(annotation_id=str(r[1]), author=str(r[2]), text=str(r[3]), id=str(r[0]),
                  created=str(r[4]), modified=str(r[5]))
            for r in self._rows(
                "SELECT id, annotation_id, author, text, created, modified FROM replies"
                " WHERE annotation_id = ? ORDER BY created, id", (annotation_id,))
        ]

    # ------------------------------------------------------------------ carried comments (second meeting)
    def add_carried(self, items: list[tuple[Annotation, list[Reply], CarriedLink]]) -> int:
        """Add comments carried to a revised packet with their replies and links, all or nothing.

        An item whose old comment is already carried to that packet is skipped (carrying is idempotent).
        Returns how many were added.
        """
        prepared = [(a, _annotation_params(a), replies, link) for a, replies, link in items]
        added = 0
        with self.transaction():
            conn = self._require()
            for a, params, replies, link in prepared:
                exists = conn.execute("SELECT 1 FROM carried_comments WHERE old_id = ? AND new_sha256 = ?",
                                      (link.old_id, link.new_sha256)).get
                if exists is not None:
                    continue
                conn.execute(_ANN_INSERT, params)
                for reply in replies:
                    _insert_reply(conn, reply, a.id)
                conn.execute(
                    "INSERT INTO carried_comments (new_id, old_id, old_sha256, new_sha256, status, old_quote,"
                    " new_text, check_result, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (a.id, link.old_id, link.old_sha256, link.new_sha256, link.status, link.old_quote,
                     link.new_text, link.check_result, link.created, link.modified))
                self._announce("annotations", a.file_sha256, a.id)
                added += 1
        return added

    def refresh_carried(self, items: list[tuple[str, str | None, list[Reply]]]) -> int:
        """What reached the originals of carried comments after they were carried, all or nothing: per carried
        comment ``(new_id, answer, replies)``, the department's answer where the carried comment has none yet (an
        answer given on the revised packet is never replaced) and the replies it does not have (by id).
        Returns how many carried comments changed."""
        changed = 0
        with self.transaction():
            conn = self._require()
            for new_id, answer, replies in items:
                try:
                    sha = self._annotation_sha(new_id)
                except AnnotationMissing:
                    continue
                touched = False
                if answer:
                    conn.execute("UPDATE annotations SET answer = ? WHERE id = ? AND (answer IS NULL OR answer = '')",
                                 (answer, new_id))
                    touched = conn.changes() > 0
                for reply in replies:
                    touched = _insert_reply(conn, reply, new_id, if_new=True) or touched
                if touched:
                    self._announce("annotations", sha, new_id)
                    changed += 1
        return changed

    def carried_links(self, new_sha256: str | None = None, old_sha256: str | None = None) -> list[CarriedLink]:
        """Links from carried comments to the comments they came from (filtered by the packets' hashes)."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("new_sha256", new_sha256), ("old_sha256", old_sha256)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = ("SELECT new_id, old_id, old_sha256, new_sha256, status, old_quote, new_text, check_result, created,"
               " modified FROM carried_comments")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [CarriedLink(*(str(v) if v is not None else None for v in r))  # type: ignore[arg-type]
                for r in self._rows(sql + " ORDER BY created, new_id", params)]

    def set_carried_check(self, new_id: str, result: str | None) -> None:
        """The member's check of a carried comment: 対応確認済み, 再指摘, or None (not checked yet)."""
        if result is not None and result not in CARRY_CHECKS:
            raise ValueError(f"result must be one of {CARRY_CHECKS} or None")
        with self.transaction():
            conn = self._require()
            conn.execute("UPDATE carried_comments SET check_result = ?, modified = ? WHERE new_id = ?",
                         (result, now_iso(), new_id))
            if conn.changes() == 0:
                raise AnnotationMissing(new_id)
            self._announce("annotations", self._annotation_sha(new_id), new_id)

    # ------------------------------------------------------------------ structure corrections (by hand)
    _CORRECTION_SELECT = (
        "SELECT id, file_sha256, target, action, payload, author, created, modified FROM structure_corrections"
    )

    @staticmethod
    def _correction(row: tuple[Any, ...]) -> Correction:
        cid, sha, target, action, payload, author, created, modified = row
        return Correction.from_payload(
            id=str(cid), file_sha256=str(sha), target=str(target), action=str(action),
            payload=json.loads(payload) if payload else {}, author=str(author), created=str(created),
            modified=str(modified),
        )

    def put_correction(self, c: Correction) -> None:
        """Store a correction, replacing any other for the same packet, node and action."""
        with self.transaction():
            conn = self._require()
            conn.execute("DELETE FROM structure_corrections WHERE (file_sha256 = ? AND target = ? AND action = ?)"
                         " OR id = ?", (c.file_sha256, c.target, c.action, c.id))
            conn.execute(
                "INSERT INTO structure_corrections (id, file_sha256, target, action, payload, author, created,"
                " modified) VALUES (?,?,?,?,?,?,?,?)",
                (c.id, c.file_sha256, c.target, c.action, _dumps(c.payload()), c.author, c.created, c.modified))
            self._announce("corrections", c.file_sha256, c.id)

    def delete_correction(self, correction_id: str) -> bool:
        """Remove a correction; False if there was none."""
        with self.transaction():
            conn = self._require()
            sha = conn.execute("SELECT file_sha256 FROM structure_corrections WHERE id = ?", (correction_id,)).get
            if sha is None:
                return False
            conn.execute("DELETE FROM structure_corrections WHERE id = ?", (correction_id,))
            self._announce("corrections", str(sha), correction_id)
        return True

    def correction(self, correction_id: str) -> Correction | None:
        rows = self._rows(self._CORRECTION_SELECT + " WHERE id = ?", (correction_id,))
        return self._correction(rows[0]) if rows else None

    def correction_for(self, file_sha256: str, target: str, action: str) -> Correction | None:
        """The correction of one node and action of a packet, if any."""
        rows = self._rows(self._CORRECTION_SELECT + " WHERE file_sha256 = ? AND target = ? AND action = ?",
                          (file_sha256, target, action))
        return self._correction(rows[0]) if rows else None

    def corrections(self, file_sha256: str) -> list[Correction]:
        """Every correction of a packet, oldest first (the order :func:`apply_corrections` lays them on)."""
        return [self._correction(r) for r in self._rows(
            self._CORRECTION_SELECT + " WHERE file_sha256 = ? ORDER BY created, id", (file_sha256,))]

    # ------------------------------------------------------------------ other members' views
    def merge_member_views(self, views: Iterable[MemberView]) -> int:
        """Store other members' views where they are new or newer than the ones held (one transaction); returns
        how many changed."""
        changed = 0
        with self.transaction():
            conn = self._require()
            for v in views:
                if v.view is not None and v.view not in VIEWS:
                    raise ValueError(f"view must be one of {VIEWS} or None")
                held = conn.execute("SELECT modified, reviewed, view FROM member_views WHERE file_sha256 = ? AND"
                                    " node_key = ? AND author = ?", (v.file_sha256, v.node_key, v.author)).fetchall()
                if held and (str(held[0][0]) >= v.modified
                             or (bool(held[0][1]), held[0][2]) == (v.reviewed, v.view)):
                    continue
                conn.execute(
                    "INSERT INTO member_views (file_sha256, node_key, author, reviewed, view, modified)"
                    " VALUES (?,?,?,?,?,?) ON CONFLICT(file_sha256, node_key, author) DO UPDATE SET"
                    " reviewed = excluded.reviewed, view = excluded.view, modified = excluded.modified",
                    (v.file_sha256, v.node_key, v.author, int(v.reviewed), v.view, v.modified))
                changed += 1
                self._announce("marks", v.file_sha256, v.node_key)
        return changed

    def replace_member_views(self, file_sha256: str, author: str, views: Iterable[MemberView],
                             as_of: str) -> tuple[int, int, bool]:
        """``author``'s whole set of views of a packet as of ``as_of`` (their package's time): the ones held are
        replaced, so that a view the member took back goes too — unless a later set was taken already (an older
        package imported again), which then changes nothing. Returns how many were added or changed, how many the
        member took back (removed here), and whether the set was older than one taken already (then nothing)."""
        views = [v for v in views if v.author == author and v.file_sha256 == file_sha256]
        latest = f"member_views_as_of:{file_sha256}:{author}"  # the time of the last whole set taken
        with self.transaction():
            conn = self._require()
            if str(self.get_setting(latest, "")) > as_of:
                return 0, 0, True  # a later whole set of this member's was taken already
            held = {str(r[0]) for r in conn.execute(
                "SELECT node_key FROM member_views WHERE file_sha256 = ? AND author = ?",
                (file_sha256, author)).fetchall()}
            gone = held - {v.node_key for v in views}
            for key in gone:
                conn.execute("DELETE FROM member_views WHERE file_sha256 = ? AND node_key = ? AND author = ?",
                             (file_sha256, key, author))
                self._announce("marks", file_sha256, key)
            changed = self.merge_member_views(views)
            if changed or gone:  # (a package that changes nothing leaves the database as it was)
                self.set_setting(latest, as_of)
            return changed, len(gone), False

    def member_views(self, file_sha256: str) -> dict[str, list[MemberView]]:
        """Other members' views of a packet's nodes, by node key, each node's by member name."""
        out: dict[str, list[MemberView]] = {}
        for r in self._rows("SELECT node_key, author, reviewed, view, modified FROM member_views"
                            " WHERE file_sha256 = ? ORDER BY node_key, author", (file_sha256,)):
            out.setdefault(str(r[0]), []).append(
                MemberView(file_sha256, str(r[0]), str(r[1]), bool(r[2]), r[3], str(r[4])))
        return out

    # ------------------------------------------------------------------ review marks
    def set_review_mark(self, file_sha256: str, node_key: str, reviewed: bool, view: str | None) -> None:
        """Record 確認済み and the member's view (同意 / 疑問あり / None) for one node of a packet."""
        if view is not None and view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS} or None")
        with self.transaction():
            conn = self._require()
            if not reviewed and view is None:
                conn.execute("DELETE FROM review_marks WHERE file_sha256 = ? AND node_key = ?",
                             (file_sha256, node_key))
            else:
                conn.execute(
                    "INSERT INTO review_marks (file_sha256, node_key, reviewed, view, modified)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(file_sha256, node_key) DO UPDATE SET"
                    " reviewed = excluded.reviewed, view = excluded.view, modified = excluded.modified",
                    (file_sha256, node_key, 1 if reviewed else 0, view, now_iso()),
                )
            self._announce("marks", file_sha256, node_key)

    def review_marks(self, file_sha256: str) -> dict[str, ReviewMark]:
        return {
            str(r[0]): ReviewMark(file_sha256, str(r[0]), bool(r[1]), r[2], str(r[3]))
            for r in self._rows(
                "SELECT node_key, reviewed, view, modified FROM review_marks WHERE file_sha256 = ?"
                " ORDER BY node_key", (file_sha256,))
        }

    def review_mark(self, file_sha256: str, node_key: str) -> ReviewMark | None:
        rows = self._rows(
            "SELECT reviewed, view, modified FROM review_marks WHERE file_sha256 = ? AND node_key = ?",
            (file_sha256, node_key))
        if not rows:
            return None
        reviewed, view, modified = rows[0]
        return ReviewMark(file_sha256, node_key, bool(reviewed), view, str(modified))

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-compatible value (str, number, bool, None, list, dict)."""
        encoded = _dumps(value)
        with self.transaction():
            self._require().execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, encoded))
            self._announce("settings", None, key)

    def delete_setting(self, key: str) -> None:
        with self.transaction():
            self._require().execute("DELETE FROM settings WHERE key = ?", (key,))
            self._announce("settings", None, key)

    def settings(self) -> dict[str, Any]:
        return {str(k): json.loads(v) for k, v in self._rows("SELECT key, value FROM settings ORDER BY key")}

    # ------------------------------------------------------------------ packets & reading position
    def remember_packet(self, file_sha256: str, path: str | os.PathLike[str], name: str) -> None:
        """Note that the packet was opened now from ``path`` (keeps its reading position)."""
        with self.transaction():
            conn = self._require()
            # Strictly increasing, so that two opens within one millisecond still order the recent list.
            opened = now_iso()
            latest = conn.execute("SELECT max(last_opened) FROM packets").get
            if latest and not is_newer(opened, str(latest)):
                parsed = parse_time(str(latest))
                if parsed is not None:
                    opened = (parsed + timedelta(milliseconds=1)).isoformat(timespec="milliseconds").replace(
                        "+00:00", "Z")
            conn.execute(
                "INSERT INTO packets (file_sha256, path, name, last_opened) VALUES (?,?,?,?)"
                " ON CONFLICT(file_sha256) DO UPDATE SET path = excluded.path, name = excluded.name,"
                " last_opened = excluded.last_opened",
                (file_sha256, os.fspath(path), name, opened),
            )
            self._announce("packets", file_sha256)

    def forget_packet(self, file_sha256: str) -> None:
        """Drop the packet from the recent list (its comments stay)."""
        with self.transaction():
            self._require().execute("DELETE FROM packets WHERE file_sha256 = ?", (file_sha256,))
            self._announce("packets", file_sha256)

    @staticmethod
    def _packet(row: tuple[Any, ...]) -> KnownPacket:
        sha, path, name, opened, page, zoom = row
        return KnownPacket(str(sha), str(path), str(name), str(opened), int(page),
                           None if zoom is None else float(zoom))

    def known_packet(self, file_sha256: str) -> KnownPacket | None:
        rows = self._rows(
            "SELECT file_sha256, path, name, last_opened, last_page, zoom FROM packets WHERE file_sha256 = ?",
            (file_sha256,))
        return self._packet(rows[0]) if rows else None

    def recent_packets(self, limit: int = 10) -> list[KnownPacket]:
        """The packets opened most recently first (only those opened from a file)."""
        return [self._packet(r) for r in self._rows(
            "SELECT file_sha256, path, name, last_opened, last_page, zoom FROM packets WHERE path != ''"
            " ORDER BY last_opened DESC, file_sha256 LIMIT ?", (int(limit),))]

    def set_reading_position(self, file_sha256: str, page: int, zoom: float | None) -> None:
        with self.transaction():
            self._require().execute(
                "INSERT INTO packets (file_sha256, path, name, last_opened, last_page, zoom)"
                " VALUES (?, '', '', '', ?, ?) ON CONFLICT(file_sha256) DO UPDATE SET"
                " last_page = excluded.last_page, zoom = excluded.zoom",
                (file_sha256, int(page), None if zoom is None else float(zoom)),
            )
            self._announce("packets", file_sha256)

    def reading_position(self, file_sha256: str) -> ReadingPosition | None:
        rows = self._rows("SELECT last_page, zoom FROM packets WHERE file_sha256 = ?", (file_sha256,))
        if not rows:
            return None
        page, zoom = rows[0]
        return ReadingPosition(int(page), None if zoom is None else float(zoom))

    # ------------------------------------------------------------------ maintenance
    def quick_check(self) -> bool:
        with self._lock:
            try:
                ok, detail = dbconn.quick_check(self._require())
            except (apsw.CorruptError, apsw.NotADBError):
                return False
        if not ok:
            log.error("quick_check failed: %s", detail)
        return ok

    def schema_version(self) -> int:
        return int(self._rows("PRAGMA user_version")[0][0])

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table in a fixed order: equal snapshots mean an unchanged database."""
        dump: dict[str, list[tuple[Any, ...]]] = {"user_version": [(self.schema_version(),)]}
        for table, order in _SNAPSHOT_TABLES.items():
            dump[table] = [tuple(r) for r in self._rows(f"SELECT * FROM {table} ORDER BY {order}")]
        return dump

    def backups(self) -> list[Path]:
        """The rolling backups of this database, newest first."""
        return dbconn.list_backups(self.folder)
