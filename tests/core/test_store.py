"""The local database: round-trips, queries, import merge, transactions, migrations, backups, damage."""

from __future__ import annotations

import threading
from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import apsw
import pytest

from reviewer.annotations import Annotation
from reviewer.store import (
    SCHEMA_VERSION,
    AnnotationMissing,
    Change,
    DatabaseDamaged,
    DatabaseTooNew,
    InvalidAnnotation,
    ReadingPosition,
    Reply,
    Store,
    list_backups,
    restore_backup,
    schema,
)
from reviewer.store import connection as dbconn
from reviewer.store.store import ANNOTATION_COLUMNS

SHA = "a" * 64
OTHER = "b" * 64
KEY = "0f" * 32


def make(**changes: Any) -> Annotation:
    values: dict[str, Any] = {
        "file_sha256": SHA, "file_name": "審議資料.pdf", "page": 0, "page_label": "1", "kind": "highlight",
        "rects": [(10.0, 20.0, 100.0, 32.0)], "category": "質問", "text": "コメント本文", "author": "委員A",
    }
    values.update(changes)
    return Annotation(**values)


@pytest.fixture
def store(isolated_profile: Path) -> Any:
    s = Store.open(isolated_profile)
    yield s
    s.close()


def test_columns_cover_every_annotation_field() -> None:
    assert set(ANNOTATION_COLUMNS) == {f.name for f in fields(Annotation)}


def test_every_field_round_trips_through_a_reopen(isolated_profile: Path) -> None:
    full = make(
        page=41, page_label="Ⅲ-12", kind="area",
        rects=[(72.125, 100.5, 523.875, 140.0), (72.0, 141.0, 300.333333, 160.25)],
        category="要修正", text="リスク対策が「十分である」とする根拠は？\n2行目",
        author="委員 山田", quote="特定個人情報の漏えい", prefix="前の文脈", suffix="後の文脈",
        document_title="住民基本台帳に関する事務 全項目評価書", item_label="Ⅲ 7. リスク1",
        node_key="2:Ⅲ/7/risk1@住民基本台帳ファイル", status="対応済み",
        created="2026-01-02T03:04:05.678Z", modified="2026-01-03T03:04:05.678Z",
        origin="imported", excluded=True, sheet_text="シート用の文面", answer="担当課の回答",
        extra={"color": "#ff0000", "tags": ["重要", 1, 2.5, None, True], "nested": {"a": "あ"}},
    )
    plain = make(page=2, sheet_text=None, answer=None, extra={})
    s = Store.open(isolated_profile)
    s.add_annotation(full)
    s.add_annotation(plain)
    s.close()
    s = Store.open(isolated_profile)
    try:
        assert s.get_annotation(full.id) == full
        assert s.get_annotation(plain.id) == plain
        got = s.get_annotation(full.id)
        assert got is not None and isinstance(got.rects[0], tuple) and got.excluded is True
        assert s.annotations(SHA) == [plain, full]
    finally:
        s.close()


def test_order_is_page_then_top(store: Store) -> None:
    low = make(page=1, rects=[(0, 500, 10, 510)], text="low")
    high = make(page=1, rects=[(0, 600, 10, 610), (0, 100, 10, 110)], text="high")  # top = 100
    first = make(page=0, rects=[(0, 700, 10, 710)], text="first")
    other = make(file_sha256=OTHER, page=0)
    for a in (low, high, first, other):
        store.add_annotation(a)
    assert [a.text for a in store.annotations(SHA)] == ["first", "high", "low"]
    assert [a.id for a in store.annotations(OTHER)] == [other.id]
    assert len(store.annotations(None)) == 4
    assert store.annotated_files() == {SHA: 3, OTHER: 1}


def test_filters(store: Store) -> None:
    a = make(author="委員A", category="質問", status="未処理", text="保存期間について", quote="7年間保存")
    b = make(author="委員B", category="意見", status="対応済み", text="研修の頻度", page=1)
    c = make(author="委員B", category="要修正", status="未処理", text="誤字", sheet_text="誤記の修正", page=2)
    for x in (a, b, c):
        store.add_annotation(x)
    assert store.annotations(SHA, author="委員B") == [b, c]
    assert store.annotations(SHA, category=["質問", "要修正"]) == [a, c]
    assert store.annotations(SHA, status="未処理", author="委員B") == [c]
    assert store.annotations(SHA, text="7年") == [a]  # in the quote
    assert store.annotations(SHA, text="誤記") == [c]  # in the sheet text
    assert store.annotations(SHA, text="存在しない語") == []
    assert store.annotations(SHA, category=[]) == []


def test_update_delete_and_missing(store: Store) -> None:
    a = make()
    store.add_annotation(a)
    changed = a.edited(text="書き直した", category="意見", rects=[(1, 2, 3, 4)])
    store.update_annotation(changed)
    assert store.get_annotation(a.id) == changed
    assert store.delete_annotation(a.id) is True
    assert store.get_annotation(a.id) is None
    assert store.delete_annotation(a.id) is False
    with pytest.raises(AnnotationMissing) as info:
        store.update_annotation(changed)
    assert "削除" in info.value.message_ja


def test_invalid_and_duplicate_annotations_write_nothing(store: Store) -> None:
    a = make()
    store.add_annotation(a)
    before = store.snapshot()
    with pytest.raises(InvalidAnnotation):
        store.add_annotation(a)
    with pytest.raises(InvalidAnnotation):
        store.add_annotation(make(kind="scribble"))
    with pytest.raises(InvalidAnnotation):
        store.add_annotation(make(page=-1))
    with pytest.raises(InvalidAnnotation):
        store.add_annotation(make(rects=[(0.0, 1.0, float("nan"), 2.0)]))
    with pytest.raises(InvalidAnnotation):
        store.add_annotation(make(extra={"x": object()}))
    assert store.snapshot() == before


def test_upsert_imported_newer_wins_and_counts(store: Store) -> None:
    # Imported earlier: an import may update only those (never origin='own'; see test_reliability_import).
    mine = make(text="私の版", modified="2026-03-01T10:00:00.000Z", origin="imported")
    stale = make(text="古い版", modified="2026-03-01T10:00:00.000Z", origin="imported")
    store.add_annotation(mine)
    store.add_annotation(stale)
    newer = Annotation(**{**{f.name: getattr(mine, f.name) for f in fields(Annotation)},
                          "text": "他の委員の新しい版", "modified": "2026-03-01T20:00:00+09:00"})
    older = Annotation(**{**{f.name: getattr(stale, f.name) for f in fields(Annotation)},
                          "text": "もっと古い版", "modified": "2026-02-01T00:00:00.000Z"})
    fresh = make(text="新規", origin="imported")
    result = store.upsert_imported([newer, older, fresh, mine])
    assert (result.added, result.updated, result.unchanged) == (1, 1, 2)
    assert result.total == 4
    assert store.get_annotation(mine.id) == newer  # 20:00+09:00 is 11:00Z, later than 10:00Z
    assert store.get_annotation(stale.id) == stale
    assert store.get_annotation(fresh.id) == fresh
    again = store.upsert_imported([newer, fresh])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_upsert_imported_is_all_or_nothing(store: Store) -> None:
    store.add_annotation(make())
    before = store.snapshot()
    with pytest.raises(InvalidAnnotation):
        store.upsert_imported([make(text="良い"), make(text="良い2"), make(kind="bad")])
    assert store.snapshot() == before


def test_transactions_commit_roll_back_and_nest(store: Store) -> None:
    seen: list[Change] = []
    store.subscribe(seen.append)
    a, b, c = make(text="a"), make(text="b"), make(text="c")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_annotation(a)
        raise RuntimeError("boom")
    assert store.get_annotation(a.id) is None
    assert seen == []
    with store.transaction():
        store.add_annotation(b)
        with pytest.raises(RuntimeError), store.transaction():
            store.add_annotation(c)
            raise RuntimeError("inner")
        store.set_review_mark(SHA, "k", True, None)
    assert store.get_annotation(b.id) == b
    assert store.get_annotation(c.id) is None
    # One change per kind and packet, after the commit; the rolled-back inner insert is not announced.
    assert seen == [Change("annotations", SHA, (b.id,)), Change("marks", SHA, ("k",))]


def test_observers_and_unsubscribe(store: Store) -> None:
    seen: list[Change] = []
    unsubscribe = store.subscribe(seen.append)
    broken_calls: list[Change] = []

    def broken(change: Change) -> None:
        broken_calls.append(change)
        raise ValueError("a broken view")

    store.subscribe(broken)
    a = make()
    store.add_annotation(a)
    store.set_setting("member_name", "委員A")
    store.remember_packet(SHA, "/tmp/x.pdf", "x.pdf")
    store.delete_annotation(a.id)
    assert [c.kind for c in seen] == ["annotations", "settings", "packets", "annotations"]
    assert seen[0] == Change("annotations", SHA, (a.id,))
    assert seen[1] == Change("settings", None, ("member_name",))
    assert len(broken_calls) == 4
    unsubscribe()
    store.set_setting("language", "ja")
    assert len(seen) == 4


def test_review_marks(isolated_profile: Path) -> None:
    s = Store.open(isolated_profile)
    s.set_review_mark(SHA, "2:Ⅲ/7/risk1", True, None)
    s.set_review_mark(SHA, "2:Ⅲ/7/risk2", True, "疑問あり")
    s.set_review_mark(SHA, "2:Ⅲ/8/risk1", False, "同意")
    s.set_review_mark(OTHER, "1:Ⅰ", True, None)
    with pytest.raises(ValueError):
        s.set_review_mark(SHA, "x", True, "反対")
    s.close()
    s = Store.open(isolated_profile)
    marks = s.review_marks(SHA)
    assert {k: (m.reviewed, m.view) for k, m in marks.items()} == {
        "2:Ⅲ/7/risk1": (True, None), "2:Ⅲ/7/risk2": (True, "疑問あり"), "2:Ⅲ/8/risk1": (False, "同意"),
    }
    assert all(m.modified for m in marks.values())
    s.set_review_mark(SHA, "2:Ⅲ/7/risk1", False, None)  # back to the default: no row left
    assert s.review_mark(SHA, "2:Ⅲ/7/risk1") is None
    assert len(s.snapshot()["review_marks"]) == 3
    s.close()


def test_settings_round_trip(isolated_profile: Path) -> None:
    s = Store.open(isolated_profile)
    assert s.get_setting("member_name") is None
    assert s.get_setting("text_size", 12) == 12
    s.set_setting("member_name", "委員 山田")
    s.set_setting("text_size", 14)
    s.set_setting("high_contrast", True)
    s.set_setting("columns", ["頁", "項目", {"w": 1.5}])
    s.close()
    s = Store.open(isolated_profile)
    assert s.settings() == {"columns": ["頁", "項目", {"w": 1.5}], "high_contrast": True,
                            "member_name": "委員 山田", "text_size": 14}
    s.delete_setting("text_size")
    assert s.get_setting("text_size") is None
    s.close()


def test_packets_recent_list_and_reading_position(store: Store) -> None:
    assert store.reading_position(SHA) is None
    store.set_reading_position(SHA, 12, 1.5)  # before the packet is remembered: not in the recent list
    assert store.recent_packets() == []
    store.remember_packet(SHA, "/old/place/資料.pdf", "資料.pdf")
    store.remember_packet(OTHER, "/x/other.pdf", "other.pdf")
    assert [p.file_sha256 for p in store.recent_packets()] == [OTHER, SHA]
    # The same content opened from another folder: same comments, new path, position kept.
    store.add_annotation(make())
    store.remember_packet(SHA, "/new/place/コピー.pdf", "コピー.pdf")
    known = store.known_packet(SHA)
    assert known is not None and known.path == "/new/place/コピー.pdf" and known.last_page == 12
    assert store.reading_position(SHA) == ReadingPosition(12, 1.5)
    assert [p.file_sha256 for p in store.recent_packets(limit=1)] == [SHA]
    assert len(store.annotations(SHA)) == 1
    store.set_reading_position(SHA, 3, None)
    assert store.reading_position(SHA) == ReadingPosition(3, None)
    store.forget_packet(OTHER)
    assert [p.file_sha256 for p in store.recent_packets()] == [SHA]


def test_replies_and_cascade(store: Store) -> None:
    a = make()
    store.add_annotation(a)
    r1 = Reply(a.id, "事務局", "回答します", created="2026-01-01T00:00:00.000Z")
    r2 = Reply(a.id, "委員A", "了解", created="2026-01-02T00:00:00.000Z")
    store.add_reply(r2)
    store.add_reply(r1)
    assert store.replies(a.id) == [r1, r2]
    r1.text = "訂正した回答"
    store.update_reply(r1)
    assert store.replies(a.id)[0].text == "訂正した回答"
    assert store.delete_reply(r2.id) is True
    assert store.delete_reply(r2.id) is False
    with pytest.raises(AnnotationMissing):
        store.add_reply(Reply("no-such-id", "x", "y"))
    store.delete_annotation(a.id)
    assert store.snapshot()["replies"] == []


# ---------------------------------------------------------------------------------------------- migrations
def _build_v1(profile: Path) -> None:
    conn = dbconn.connect(profile / dbconn.DB_NAME, KEY)
    conn.pragma("journal_mode", "wal")
    with conn:
        conn.execute(schema.V1)
        conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO annotations (id, file_sha256, file_name, page, page_label, kind, rects, category, text,"
        " author, status, created, modified, excluded, extra) VALUES"
        " ('v1-a', ?, 'p.pdf', 4, '5', 'highlight', '[[10,300.5,50,310],[10,200.25,80,210]]', '質問',"
        " '旧形式のコメント', '委員A', '未処理', '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', 1,"
        " '{\"k\":\"値\"}')", (SHA,))
    conn.execute("INSERT INTO review_marks VALUES (?, 'n1', 1, '2025-01-01T00:00:00.000Z')", (SHA,))
    conn.execute("INSERT INTO settings VALUES ('member_name', '\"委員A\"')")
    conn.execute("INSERT INTO packets VALUES (?, '/p.pdf', 'p.pdf', '2025-01-01', 7, 1.25)", (SHA,))
    conn.close()


def test_v1_database_is_upgraded_with_data_intact(isolated_profile: Path) -> None:
    _build_v1(isolated_profile)
    s = Store.open(isolated_profile, key=KEY)
    try:
        assert s.schema_version() == SCHEMA_VERSION  # every migration after v1 applied
        a = s.get_annotation("v1-a")
        assert a is not None
        assert a.text == "旧形式のコメント" and a.excluded is True and a.extra == {"k": "値"}
        assert a.rects == [(10.0, 300.5, 50.0, 310.0), (10.0, 200.25, 80.0, 210.0)]
        assert s.snapshot()["annotations"][0][-1] == 200.25  # "top" backfilled from the rects JSON
        assert s.review_marks(SHA)["n1"].reviewed is True and s.review_marks(SHA)["n1"].view is None
        assert s.get_setting("member_name") == "委員A"
        assert s.reading_position(SHA) == ReadingPosition(7, 1.25)
        s.set_review_mark(SHA, "n1", True, "疑問あり")  # v2 columns and tables work
        s.add_reply(Reply("v1-a", "事務局", "回答"))
        assert s.quick_check()
    finally:
        s.close()
    # The pre-upgrade copy went to the daily backup.
    (backup,) = list_backups(isolated_profile)
    conn = dbconn.connect(backup, KEY, readonly=True)
    assert conn.execute("PRAGMA user_version").get == 1
    conn.close()


def test_failed_migration_leaves_v1_untouched(isolated_profile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build_v1(isolated_profile)
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.V1, schema.V2 + "\nSELECT no_such_function();"))
    with pytest.raises(apsw.SQLError):
        Store.open(isolated_profile, key=KEY)
    conn = dbconn.connect(isolated_profile / dbconn.DB_NAME, KEY)
    assert conn.execute("PRAGMA user_version").get == 1
    columns = [r[1] for r in conn.execute("PRAGMA table_info(annotations)")]
    assert "top" not in columns
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'replies'").get == 0
    conn.close()


def test_newer_database_is_refused(isolated_profile: Path) -> None:
    Store.open(isolated_profile, key=KEY).close()
    conn = dbconn.connect(isolated_profile / dbconn.DB_NAME, KEY)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(DatabaseTooNew) as info:
        Store.open(isolated_profile, key=KEY)
    assert info.value.version == 99 and "新しいバージョン" in info.value.message_ja
    conn = dbconn.connect(isolated_profile / dbconn.DB_NAME, KEY)
    assert conn.execute("PRAGMA user_version").get == 99
    conn.close()


# ---------------------------------------------------------------------------------------------- concurrency
def test_two_instances_write_concurrently(isolated_profile: Path) -> None:
    first = Store.open(isolated_profile)
    second = Store.open(isolated_profile)
    errors: list[BaseException] = []

    def writer(s: Store, who: str) -> None:
        try:
            for i in range(40):
                s.add_annotation(make(author=who, text=f"{who}-{i}", page=i))
                s.set_review_mark(SHA, f"{who}-{i % 5}", True, None)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s, w)) for s, w in ((first, "A"), (second, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(first.annotations(SHA)) == 80
    assert len(second.annotations(SHA, author="A")) == 40
    assert len(second.review_marks(SHA)) == 10
    assert first.quick_check() and second.quick_check()
    first.close()
    second.close()


# ---------------------------------------------------------------------------------------------- backups
def test_daily_backup_rolls_and_stays_encrypted(isolated_profile: Path) -> None:
    s = Store.open(isolated_profile)
    s.add_annotation(make(text="バックアップ確認用の本文"))
    s.close()
    s = Store.open(isolated_profile)  # the second open of the day makes today's backup
    (today,) = list_backups(isolated_profile)
    assert today.name == f"reviewer-{date.today().isoformat()}.db"
    data = today.read_bytes()
    assert "バックアップ確認用".encode() not in data and not data.startswith(b"SQLite format 3")
    with pytest.raises(apsw.NotADBError):
        apsw.Connection(str(today)).execute("SELECT count(*) FROM sqlite_schema").fetchall()
    assert not Path(str(today) + "-wal").exists()
    # Nine more days: only the newest seven stay.
    conn = s._require()
    hexkey = dbconn.resolve_key(isolated_profile, None, None).hexkey
    start = date.today() + timedelta(days=1)
    for n in range(9):
        assert dbconn.daily_backup(conn, isolated_profile, hexkey, today=start + timedelta(days=n)) is not None
    assert dbconn.daily_backup(conn, isolated_profile, hexkey, today=start + timedelta(days=8)) is None
    kept = list_backups(isolated_profile)
    assert [p.name for p in kept] == [
        f"reviewer-{(start + timedelta(days=n)).isoformat()}.db" for n in range(8, 1, -1)
    ]
    assert dbconn.verify_file(kept[0], hexkey) == (True, "")
    s.close()


def _fill(profile: Path, n: int) -> list[str]:
    s = Store.open(profile)
    ids = []
    with s.transaction():
        for i in range(n):
            a = make(page=i, text=f"内容{i}" * 40)
            s.add_annotation(a)
            ids.append(a.id)
    s.close()
    return ids


def _corrupt(path: Path, offset: int, length: int = 256) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(length)))


def test_damaged_database_is_detected_and_restored(isolated_profile: Path) -> None:
    ids = _fill(isolated_profile, 200)
    Store.open(isolated_profile).close()  # makes today's backup of the good database
    db = isolated_profile / dbconn.DB_NAME
    size = db.stat().st_size
    assert size > 20 * 4096
    _corrupt(db, size // 2)
    with pytest.raises(DatabaseDamaged) as info:
        Store.open(isolated_profile)
    damaged = info.value
    assert [p.name for p in damaged.backups] == [f"reviewer-{date.today().isoformat()}.db"]
    assert "破損" in damaged.message_ja and "バックアップ" in damaged.message_ja
    aside = restore_backup(isolated_profile, damaged.backups[0])
    assert aside.exists()
    s = Store.open(isolated_profile)
    assert {a.id for a in s.annotations(SHA)} == set(ids)
    assert s.quick_check()
    s.close()


def test_damaged_header_is_damage_not_a_wrong_key(isolated_profile: Path) -> None:
    _fill(isolated_profile, 5)
    Store.open(isolated_profile).close()
    _corrupt(isolated_profile / dbconn.DB_NAME, 100, 200)
    with pytest.raises(DatabaseDamaged) as info:
        Store.open(isolated_profile)
    assert len(info.value.backups) == 1


def test_restore_refuses_a_bad_backup(isolated_profile: Path, tmp_path: Path) -> None:
    _fill(isolated_profile, 3)
    junk = tmp_path / "reviewer-2020-01-01.db"
    junk.write_bytes(b"\x00" * 8192)
    before = (isolated_profile / dbconn.DB_NAME).read_bytes()
    with pytest.raises(DatabaseDamaged):
        restore_backup(isolated_profile, junk)
    assert (isolated_profile / dbconn.DB_NAME).read_bytes() == before
