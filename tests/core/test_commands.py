"""Undoable commands: each apply returns its inverse, and undo/redo bring the database back exactly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reviewer.annotations import Annotation
from reviewer.commands import (
    AddAnnotation,
    Batch,
    DeleteAnnotation,
    EditAnnotation,
    SetReviewMark,
    edit_title,
)
from reviewer.store import AnnotationMissing, Change, InvalidAnnotation, Reply, Store

SHA = "e" * 64


def make(**changes: Any) -> Annotation:
    values: dict[str, Any] = {
        "file_sha256": SHA, "file_name": "p.pdf", "page": 1, "page_label": "2", "kind": "note",
        "rects": [(50.0, 60.0, 66.0, 76.0)], "category": "意見", "text": "本文", "author": "委員A",
    }
    values.update(changes)
    return Annotation(**values)


@pytest.fixture
def store(isolated_profile: Path) -> Any:
    s = Store.open(isolated_profile)
    yield s
    s.close()


def _content(a: Annotation | None) -> Annotation | None:
    return None if a is None else replace(a, modified="")


def _without_mark_times(snapshot: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {**snapshot, "review_marks": [row[:3] + row[4:] for row in snapshot["review_marks"]]}


def test_add_undo_redo(store: Store) -> None:
    empty = store.snapshot()
    a = make()
    add = AddAnnotation(a)
    assert add.title == "コメントを追加"
    undo = add.apply(store)
    assert store.get_annotation(a.id) == a
    with_a = store.snapshot()
    redo = undo.apply(store)
    assert store.snapshot() == empty
    redo.apply(store)
    assert store.snapshot() == with_a


def test_delete_brings_back_comment_and_replies_unchanged(store: Store) -> None:
    a = make()
    store.add_annotation(a)
    store.add_reply(Reply(a.id, "事務局", "回答"))
    before = store.snapshot()
    undo = DeleteAnnotation(a.id).apply(store)
    assert DeleteAnnotation(a.id).title == "コメントを削除"
    assert store.get_annotation(a.id) is None and store.replies(a.id) == []
    redo = undo.apply(store)
    assert store.snapshot() == before  # same id, created, modified, replies
    redo.apply(store)
    assert store.get_annotation(a.id) is None
    with pytest.raises(AnnotationMissing):
        DeleteAnnotation(a.id).apply(store)


def test_edit_undo_redo_and_titles(store: Store) -> None:
    a = make()
    store.add_annotation(a)
    edited = a.edited(text="書き換えた本文")
    edit = EditAnnotation(a, edited)
    assert edit.title == "コメントを編集"
    assert EditAnnotation(a, a.edited(status="対応済み")).title == "対応状況を変更"
    assert EditAnnotation(a, a.edited(category="質問")).title == "分類を変更"
    assert EditAnnotation(a, a.edited(rects=[(0, 0, 1, 1)])).title == "コメントの位置を変更"
    assert edit_title(a, a.edited(text="x", category="質問")) == "コメントを編集"
    undo = edit.apply(store)
    current = store.get_annotation(a.id)
    assert current is not None and current.text == "書き換えた本文"
    assert current.modified >= edited.modified
    redo = undo.apply(store)
    restored = store.get_annotation(a.id)
    assert _content(restored) == _content(a)
    assert restored is not None and restored.modified >= current.modified  # an undo is a newer change
    redo.apply(store)
    assert _content(store.get_annotation(a.id)) == _content(edited)
    with pytest.raises(ValueError):
        EditAnnotation(a, make())


def test_edits_merge(store: Store) -> None:
    a = make(text="あ")
    store.add_annotation(a)
    first = EditAnnotation(a, a.edited(text="あい"))
    second = EditAnnotation(first.new, first.new.edited(text="あいう"))
    merged = first.merged_with(second)
    assert merged is not None and merged.old == a and merged.new.text == "あいう"
    other = make()
    assert first.merged_with(EditAnnotation(other, other.edited(text="z"))) is None
    undo = merged.apply(store)
    undo.apply(store)
    assert _content(store.get_annotation(a.id)) == _content(a)


def test_review_mark_commands(store: Store) -> None:
    empty = store.snapshot()
    mark = SetReviewMark(SHA, "2:Ⅲ/7/risk1", True)
    assert mark.title == "確認済みにする"
    assert SetReviewMark(SHA, "k", False).title == "確認済みを取り消す"
    assert SetReviewMark(SHA, "k", True, "疑問あり").title == "判断を「疑問あり」にする"
    undo = mark.apply(store)
    assert store.review_mark(SHA, "2:Ⅲ/7/risk1") is not None
    undo.apply(store)
    assert store.snapshot() == empty
    store.set_review_mark(SHA, "k", True, "同意")
    undo_view = SetReviewMark(SHA, "k", True, "疑問あり").apply(store)
    undo_view.apply(store)
    restored = store.review_mark(SHA, "k")
    assert restored is not None and (restored.reviewed, restored.view) == (True, "同意")


def test_batch_is_one_step_and_all_or_nothing(store: Store) -> None:
    seen: list[Change] = []
    store.subscribe(seen.append)
    existing = make(text="既存")
    store.add_annotation(existing)
    seen.clear()
    before = store.snapshot()
    a, b = make(text="一"), make(text="二", page=5)
    batch = Batch((AddAnnotation(a), AddAnnotation(b), DeleteAnnotation(existing.id),
                   SetReviewMark(SHA, "n", True)), "コメントを貼り付け")
    undo = batch.apply(store)
    assert undo.title == "コメントを貼り付け"
    assert {x.text for x in store.annotations(SHA)} == {"一", "二"}
    assert [c.kind for c in seen] == ["annotations", "marks"]  # one notice per kind, after the commit
    assert set(seen[0].ids) == {a.id, b.id, existing.id}
    after = store.snapshot()
    redo = undo.apply(store)
    assert store.snapshot() == before
    redo.apply(store)
    assert _without_mark_times(store.snapshot()) == _without_mark_times(after)  # a redo is a new change

    # A failing member rolls the whole batch back.
    undo.apply(store)
    bad = Batch((AddAnnotation(make(text="三")), AddAnnotation(make(kind="invalid"))), "まとめて追加")
    with pytest.raises(InvalidAnnotation):
        bad.apply(store)
    assert store.snapshot() == before
