"""The one import use case (reviewer.exchange.service), without Qt: plan, apply as an undoable command,
progress and stale plans."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.annotations import Annotation
from reviewer.exchange.importer import PacketInfo
from reviewer.exchange.service import ImportCommand, plan_import, read_files, summary_lines
from reviewer.exchange.w3c import write_package
from reviewer.store import Store

KEY = "7b" * 32
SHA = "e" * 64


def note(author: str, text: str, *, ident: str | None = None, modified: str = "2026-01-01T00:00:00.000Z",
         origin: str = "own") -> Annotation:
    a = Annotation(SHA, "packet.pdf", 0, "1", "note", [(10.0, 10.0, 30.0, 30.0)], "質問", text, author,
                   modified=modified, created=modified, origin=origin)
    if ident:
        a.id = ident
    return a


def package(path: Path, items: list[Annotation]) -> Path:
    write_package(items, path, packet_sha256=SHA, packet_name="packet.pdf", sign=False)
    return path


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "chair", key=KEY, backup=False) as s:
        yield s


def test_plan_says_what_would_happen_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    own = note("委員長", "委員長の意見")
    earlier = note("山田太郎", "第1版", ident=str(uuid.uuid4()), origin="imported")
    store.add_annotation(own)
    store.add_annotation(earlier)
    before = store.snapshot()
    files = [
        package(tmp_path / "yamada.json", [replace(earlier, text="第2版", modified="2026-02-01T00:00:00.000Z",
                                                   origin="own"), note("山田太郎", "新しい意見")]),
        package(tmp_path / "forged.json", [replace(own, author="佐藤花子", text="偽物",
                                                   modified="2026-03-01T00:00:00.000Z")]),
    ]
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    plan = plan_import(store, PacketInfo(SHA, "packet.pdf", None), [*files, broken])
    assert store.snapshot() == before
    assert len(plan.new) == 2 and plan.updates == [earlier.id] and not plan.unchanged
    assert [(c.original_id, c.reason) for c in plan.conflicts] == [(own.id, "own")]
    assert [Path(f.path).name for f in plan.refused] == ["broken.json"]
    lines = plan.summary_lines()
    assert any(line.startswith("拒否: broken.json") for line in lines)
    assert any("同じIDを使っていた" in line for line in lines)


def test_import_command_applies_once_and_undoes_exactly(store: Store, tmp_path: Path) -> None:
    earlier = note("山田太郎", "第1版", ident=str(uuid.uuid4()), origin="imported")
    store.add_annotation(earlier)
    current = store.get_annotation(earlier.id)
    assert current is not None
    store.update_annotation(replace(current, answer="所管課の回答"))
    before = store.snapshot()
    newer = replace(earlier, text="第2版", modified="2026-02-01T00:00:00.000Z", origin="own")
    plan = plan_import(store, PacketInfo(SHA, "packet.pdf", None),
                       [package(tmp_path / "a.json", [newer, note("山田太郎", "追加の意見")])])
    command = ImportCommand(plan)
    undo = command.apply(store)
    assert (command.report.added, command.report.updated) == (1, 1)
    after = store.snapshot()
    updated = store.get_annotation(earlier.id)
    assert updated is not None and (updated.text, updated.answer) == ("第2版", "所管課の回答")
    redo = undo.apply(store)
    assert store.snapshot() == before
    redo.apply(store)
    assert store.snapshot() == after


def test_importing_ones_own_package_again_adds_nothing(store: Store, tmp_path: Path) -> None:
    """A member (or a chair who also comments) imports the package they exported: their comments are there already.
    Nothing is added, copied or changed, even where a comment was edited since the export."""
    mine = [note("山田太郎", "意見その1"), note("山田太郎", "意見その2")]
    for a in mine:
        store.add_annotation(a)
    exported = package(tmp_path / "mine.json", mine)
    edited = store.get_annotation(mine[1].id)
    assert edited is not None
    store.update_annotation(replace(edited, text="意見その2（直した）"))
    before = store.snapshot()
    plan = plan_import(store, PacketInfo(SHA, "packet.pdf", None), [exported])
    assert not plan.new and not plan.updates and not plan.conflicts
    assert sorted(plan.unchanged) == sorted(a.id for a in mine)
    command = ImportCommand(plan)
    command.apply(store)
    assert (command.report.added, command.report.updated, command.report.unchanged) == (0, 0, 2)
    assert store.snapshot() == before
    assert sorted(a.text for a in store.annotations(SHA)) == ["意見その1", "意見その2（直した）"]
    # Written straight through the store (the rule the preview uses too): the same.
    result = store.upsert_imported([replace(a, origin="imported") for a in mine])
    assert (result.added, result.unchanged, list(result.conflicts)) == (0, 2, [])


def test_a_stale_plan_never_writes_old_chair_fields(store: Store, tmp_path: Path) -> None:
    earlier = note("山田太郎", "第1版", ident=str(uuid.uuid4()), origin="imported")
    store.add_annotation(earlier)
    newer = replace(earlier, text="第2版", modified="2026-02-01T00:00:00.000Z", origin="own")
    plan = plan_import(store, PacketInfo(SHA, "packet.pdf", None), [package(tmp_path / "a.json", [newer])])
    current = store.get_annotation(earlier.id)
    assert current is not None
    store.update_annotation(replace(current, answer="後から書いた回答", excluded=True))  # after the plan was made
    ImportCommand(plan).apply(store)
    final = store.get_annotation(earlier.id)
    assert final is not None and (final.text, final.answer, final.excluded) == ("第2版", "後から書いた回答", True)


def test_progress_reports_reading_and_writing(store: Store, tmp_path: Path) -> None:
    items = [note(f"委員{i % 3}", f"付箋 {i}") for i in range(2500)]
    files = [package(tmp_path / f"{n}.json", items[n::2]) for n in range(2)]
    seen: list[tuple[str, int, int]] = []
    info = PacketInfo(SHA, "packet.pdf", None)
    read = read_files(files, info, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [s for s in seen if s[0] == "read"] == [("read", 0, 2), ("read", 1, 2), ("read", 2, 2)]
    plan = plan_import(store, info, files)
    assert len(read) == 2
    command = ImportCommand(plan, progress=lambda stage, done, total: seen.append((stage, done, total)))
    command.apply(store)
    writes = [s for s in seen if s[0] == "write"]
    assert writes[0] == ("write", 0, 2500) and writes[-1] == ("write", 2500, 2500)
    assert [d for _s, d, _t in writes] == sorted(d for _s, d, _t in writes)
    assert command.report.added == 2500
    assert summary_lines(command.report)[-1].startswith("追加 2500件")


def test_a_members_reviewed_marks_and_views_reach_the_chair(store: Store, tmp_path: Path) -> None:
    """A member who marked a risk 疑問あり (and another 確認済み) exports their comments: the package carries the
    marks, the chair's import keeps them per member apart from the chair's own marks, a second import changes
    nothing, and a newer mark replaces the older one."""
    from reviewer.exchange.service import apply_import
    from reviewer.exchange.w3c import read_package
    from reviewer.export.service import ExportOptions, export

    doubt, seen = "0:Ⅲ/2/risk2@住民基本台帳ファイル", "0:Ⅲ/2/risk1@住民基本台帳ファイル"
    with Store.open(tmp_path / "yamada", key="8c" * 32, backup=False) as member:
        member.add_annotation(note("山田太郎", "根拠は？"))
        member.set_review_mark(SHA, doubt, False, "疑問あり")
        member.set_review_mark(SHA, seen, True, None)
        out = tmp_path / "yamada.json"
        export(member, SHA, None, "package", out, options=ExportOptions(packet_name="packet.pdf"))
    views = {(v.node_key, v.author, v.reviewed, v.view) for v in read_package(out, expected_sha=SHA).views}
    assert views == {(doubt, "山田太郎", False, "疑問あり"), (seen, "山田太郎", True, None)}

    store.set_review_mark(SHA, doubt, True, "同意")  # the chair's own mark of the same risk
    plan = plan_import(store, PacketInfo(SHA, "packet.pdf", None), [out])
    assert "確認済み・見解2件" in plan.summary_lines()[0]
    report = apply_import(store, plan)
    assert report.views == 2
    held = store.member_views(SHA)
    assert [(v.author, v.view, v.reviewed) for v in held[doubt]] == [("山田太郎", "疑問あり", False)]
    assert store.review_marks(SHA)[doubt].view == "同意"  # the chair's own mark stays the chair's
    assert apply_import(store, plan_import(store, PacketInfo(SHA, "packet.pdf", None), [out])).views == 0

    with Store.open(tmp_path / "yamada", key="8c" * 32, backup=False) as member:
        member.set_review_mark(SHA, doubt, True, "同意")  # later the member is satisfied
        export(member, SHA, None, "package", out, options=ExportOptions(packet_name="packet.pdf"))
    newer = out.read_bytes()
    assert apply_import(store, plan_import(store, PacketInfo(SHA, "packet.pdf", None), [out])).views == 1
    assert [(v.view, v.reviewed) for v in store.member_views(SHA)[doubt]] == [("同意", True)]

    # The member takes a mark back: their next package drops it from the chair's copy as well.
    older = tmp_path / "older.json"
    older.write_bytes(newer)
    with Store.open(tmp_path / "yamada", key="8c" * 32, backup=False) as member:
        member.set_review_mark(SHA, seen, False, None)
        export(member, SHA, None, "package", out, options=ExportOptions(packet_name="packet.pdf"))
    taken_back = apply_import(store, plan_import(store, PacketInfo(SHA, "packet.pdf", None), [out]))
    assert (taken_back.views, taken_back.views_withdrawn) == (0, 1)
    assert seen not in store.member_views(SHA) and doubt in store.member_views(SHA)
    # The older package imported again afterwards does not bring back what the member took back.
    again = apply_import(store, plan_import(store, PacketInfo(SHA, "packet.pdf", None), [older]))
    assert seen not in store.member_views(SHA) and (again.views, again.views_older) == (0, 1)
