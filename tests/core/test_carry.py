"""Carrying comments to the revised packet: unchanged text lands on its new page, changed text is marked changed,
deleted text is attached to its risk, replies/answers travel, the original stays, running twice adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.compare.carry import carried_id, carry_comments, set_carried_check
from reviewer.compare.rows import norm
from reviewer.compare.service import Version, load_version
from reviewer.samples.revision import REWRITTEN_SENTENCE, RevisionTruth, generate_revision_pair
from reviewer.store import Store
from reviewer.store.models import Reply


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Version, Version, RevisionTruth]:
    folder = tmp_path_factory.mktemp("carry")
    old, new, truth = generate_revision_pair(folder, "revised")
    profile = tmp_path_factory.mktemp("rows")
    return load_version(old, profile), load_version(new, profile), truth


@pytest.fixture
def store(isolated_profile: Path) -> Iterator[Store]:
    s = Store.open(isolated_profile)
    yield s
    s.close()


def _highlight(version: Version, page: int, needle: str, **fields: Any) -> Annotation:
    """A highlight of ``needle`` as the GUI would store it: rects from the PDF, quote and context."""
    with pymupdf.open(version.path) as doc:
        quads = doc[page].search_for(needle)
        text = doc[page].get_text()
    assert quads, needle
    flat = norm(text)
    at = flat.find(norm(needle))
    rects = [(r.x0, r.y0, r.x1, r.y1) for r in quads]
    return Annotation(
        file_sha256=version.sha256, file_name=version.path.name, page=page, page_label=str(page), kind="highlight",
        rects=rects, category=fields.pop("category", "質問"), text=fields.pop("text", "確認したい"),
        author=fields.pop("author", "山田太郎"), quote=needle, prefix=flat[max(0, at - 20):at],
        suffix=flat[at + len(norm(needle)):at + len(norm(needle)) + 20], **fields)


def _row_text(version: Version, report: int, section: str, label: str, risk: str | None = None,
              chapter: str = "Ⅲ") -> tuple[int, str]:
    """(page, first content line) of a form row of the old version."""
    for row in version.reports[report].rows:
        path = row.path
        if (path.chapter == chapter and path.section == section and row.label == label
                and (risk is None or path.leaf == risk)):
            piece = next(p for p in row.pieces if not p.label and len(p.text) >= 12)
            return piece.page, piece.text[:12]
    raise AssertionError(f"no row {chapter} {section} {label}")


def _pages_with(path: Path, needle: str) -> list[int]:
    with pymupdf.open(path) as doc:
        return [p for p in range(doc.page_count) if norm(needle) in norm(doc[p].get_text())]


def test_comments_are_carried_with_their_status(store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    old, new, _ = versions
    # Unchanged text in the second report (only shifted by the inserted page) and in the first report.
    page_a, quote_a = _row_text(old, 1, "7", "その他の措置の内容", risk="1")
    page_b, quote_b = _row_text(old, 0, "5", "リスクに対する措置の内容", risk="2")
    unchanged_a = _highlight(old, page_a, quote_a, answer="ご指摘を踏まえ、以下のとおり修正します")
    unchanged_b = _highlight(old, page_b, quote_b, category="意見", author="佐藤花子")
    # Text the revision rewrote (the first paragraph of Ⅲ 2 リスク1's first measure).
    page_c, quote_c = _row_text(old, 0, "2", "対象者以外の情報の入手を防止するための措置の内容", risk="1")
    changed = _highlight(old, page_c, quote_c, category="要修正")
    for a in (unchanged_a, unchanged_b, changed):
        store.add_annotation(a)
    store.add_reply(Reply(changed.id, "鈴木一郎", "同じ意見です"))

    carried = {c.old.id: c for c in carry_comments(store, old, new)}
    assert set(carried) == {unchanged_a.id, unchanged_b.id, changed.id}
    for original in (unchanged_a, unchanged_b):
        result = carried[original.id]
        assert result.status == "unchanged"
        assert result.new.file_sha256 == new.sha256 and result.new.id == carried_id(original.id, new.sha256)
        # On the page of the new file where that text really is, not on the old page number.
        assert result.new.page in _pages_with(new.path, original.quote)
        assert result.new.page == original.page + 1
        assert result.new.rects and abs(result.new.rects[0][1] - original.rects[0][1]) < 3.0
    assert carried[unchanged_a.id].new.answer == "ご指摘を踏まえ、以下のとおり修正します"
    assert carried[unchanged_b.id].new.author == "佐藤花子" and carried[unchanged_b.id].new.category == "意見"
    result = carried[changed.id]
    assert result.status == "changed"
    assert norm(REWRITTEN_SENTENCE)[:10] in norm(result.new_text)
    assert result.new.page in _pages_with(new.path, REWRITTEN_SENTENCE[:12])
    assert [r.text for r in store.replies(result.new.id)] == ["同じ意見です"]
    # The originals stay on the old version, untouched.
    assert {a.id for a in store.annotations(old.sha256)} == {unchanged_a.id, unchanged_b.id, changed.id}
    assert store.get_annotation(changed.id) == changed
    links = {link.new_id: link for link in store.carried_links(new_sha256=new.sha256)}
    assert links[result.new.id].old_id == changed.id and links[result.new.id].status == "changed"


def test_carrying_twice_creates_nothing_new(store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    old, new, _ = versions
    page, quote = _row_text(old, 1, "7", "その他の措置の内容", risk="1")
    store.add_annotation(_highlight(old, page, quote))
    first = carry_comments(store, old, new)
    before = store.snapshot()
    second = carry_comments(store, old, new)
    assert store.snapshot() == before
    assert [c.new.id for c in second] == [c.new.id for c in first]
    assert [c.created for c in second] == [False]
    assert len(store.annotations(new.sha256)) == 1


def test_an_answer_given_after_carrying_reaches_the_carried_comment(
        store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    """The chair carries the comments, then imports the department's answers to the first version: carrying
    again brings the answer and the new replies to the carried comments (nothing else changes, and an answer
    given on the revised packet is kept)."""
    from reviewer.store.models import Reply

    old, new, _ = versions
    first_comment = _highlight(old, *_row_text(old, 1, "7", "その他の措置の内容", risk="1"))
    second_comment = _highlight(old, *_row_text(old, 1, "7", "リスクに対する措置の内容", risk="2"))
    for comment in (first_comment, second_comment):
        store.add_annotation(comment)
    carried = {c.old.id: c.new.id for c in carry_comments(store, old, new)}
    assert store.set_answer(first_comment.id, "ご指摘を踏まえ、以下のとおり修正します")
    store.add_reply(Reply(annotation_id=first_comment.id, author="山田太郎", text="了解しました"))
    assert store.set_answer(carried[second_comment.id], "第2回の回答")
    store.set_answer(second_comment.id, "第1回の回答")
    again = {c.old.id: c for c in carry_comments(store, old, new)}
    assert not any(c.created for c in again.values())
    answered = store.get_annotation(carried[first_comment.id])
    assert answered is not None and answered.answer == "ご指摘を踏まえ、以下のとおり修正します"
    assert again[first_comment.id].new.answer == "ご指摘を踏まえ、以下のとおり修正します"
    assert [r.text for r in store.replies(carried[first_comment.id])] == ["了解しました"]
    kept = store.get_annotation(carried[second_comment.id])
    assert kept is not None and kept.answer == "第2回の回答"
    before = store.snapshot()
    carry_comments(store, old, new)
    assert store.snapshot() == before


def test_deleted_text_is_attached_to_its_risk(store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    old, new, truth = versions
    removal = next(c for c in truth.changes if c.old_fragment)
    needle = removal.old_fragment
    # The deleted paragraph's own row (the same words are printed under other risks too).
    row = next(r for r in old.reports[0].rows if r.path.chapter == removal.chapter and r.path.file == removal.file
               and r.path.section == removal.section and r.path.leaf == removal.risk and r.label == removal.item)
    page = next(p.page for p in row.pieces if norm(needle) in norm(p.text))
    comment = _highlight(old, page, needle)
    comment.rects = [r for r in comment.rects if any(p.page == page and abs(p.y0 - r[1]) < 3 for p in row.pieces)]
    assert comment.rects
    store.add_annotation(comment)
    (result,) = carry_comments(store, old, new)
    assert result.status == "removed"
    assert result.new.item_label.endswith(f"{removal.section}. リスク{removal.risk}")
    assert result.new.text == comment.text  # the comment itself is kept, never dropped


def test_member_marks_a_carried_comment(store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    old, new, _ = versions
    page, quote = _row_text(old, 1, "7", "その他の措置の内容", risk="1")
    store.add_annotation(_highlight(old, page, quote))
    (result,) = carry_comments(store, old, new)
    set_carried_check(store, result.new.id, "再指摘")
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "再指摘"
    set_carried_check(store, result.new.id, "対応確認済み")
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "対応確認済み"
    with pytest.raises(ValueError):
        set_carried_check(store, result.new.id, "たぶん")


def test_area_comments_follow_their_form_row(store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    """A comment without a quote (an area) goes with the row under it: to its new page, changed when the row was."""
    old, new, _ = versions
    areas = {}
    for name, (report, section, label, risk) in {
        "same": (1, "7", "その他の措置の内容", "1"),
        "rewritten": (0, "2", "対象者以外の情報の入手を防止するための措置の内容", "1"),
    }.items():
        row = next(r for r in old.reports[report].rows if r.path.chapter == "Ⅲ" and r.path.section == section
                   and r.label == label and r.path.leaf == risk)
        piece = next(p for p in row.pieces if not p.label)
        area = Annotation(file_sha256=old.sha256, file_name=old.path.name, page=piece.page, page_label="",
                          kind="area", rects=[(piece.x0, piece.y0, piece.x1, piece.y1 + 20)], category="意見",
                          text=f"この欄（{name}）", author="佐藤花子")
        store.add_annotation(area)
        areas[name] = (area, row)
    carried = {c.old.id: c for c in carry_comments(store, old, new)}
    same = carried[areas["same"][0].id]
    assert same.status == "unchanged" and same.new.page == areas["same"][0].page + 1
    assert same.new.kind == "area" and abs(same.new.rects[0][1] - areas["same"][0].rects[0][1]) < 3.0
    rewritten = carried[areas["rewritten"][0].id]
    assert rewritten.status == "changed"
    assert norm(REWRITTEN_SENTENCE)[:10] in norm(rewritten.new_text)
    assert rewritten.new.page in _pages_with(new.path, REWRITTEN_SENTENCE[:12])


def test_a_note_beside_a_rows_label_follows_the_whole_row(
        store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    """A 付箋 stuck beside a row's label quotes the label (the line it sits by); it concerns the row: 記載が変更された
    when the row's content changed (here the undeclared change of Ⅱ 6 ①保管場所), 記載変更なし when nothing did."""
    old, new, _ = versions
    notes = {}
    for name, (chapter, section, label) in {
        "undeclared": ("Ⅱ", "6", "①保管場所 ※"),
        "same": ("Ⅲ", "7", "その他の措置の内容"),
    }.items():
        row = next(r for r in old.reports[0].rows if r.path.chapter == chapter and r.path.section == section
                   and r.label == label)
        piece = next(p for p in row.pieces if p.label)
        note = Annotation(file_sha256=old.sha256, file_name=old.path.name, page=piece.page, page_label="",
                          kind="note", rects=[(piece.x0 + 2, piece.y0, piece.x0 + 20, piece.y0 + 18)],
                          category="質問", text=f"この欄は？（{name}）", author="高橋美咲", quote=piece.text)
        store.add_annotation(note)
        notes[name] = note
    carried = {c.old.id: c for c in carry_comments(store, old, new)}
    undeclared = carried[notes["undeclared"].id]
    assert undeclared.status == "changed" and undeclared.new.kind == "note"
    assert norm("ＩＣカードによる入退室管理") in norm(undeclared.new_text)
    assert carried[notes["same"].id].status == "unchanged"


def test_checks_and_change_marks_are_undoable_commands(
        store: Store, versions: tuple[Version, Version, RevisionTruth]) -> None:
    from reviewer.compare.commands import SetCarriedCheck, mark_change
    from reviewer.compare.review import reviewed_changes
    from reviewer.compare.service import compare_versions

    old, new, _ = versions
    page, quote = _row_text(old, 1, "7", "その他の措置の内容", risk="1")
    store.add_annotation(_highlight(old, page, quote))
    (result,) = carry_comments(store, old, new)
    undo = SetCarriedCheck(result.new.id, "再指摘").apply(store)
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "再指摘"
    assert undo.title == "「再指摘」にする"
    redo = undo.apply(store)
    assert store.carried_links(new_sha256=new.sha256)[0].check_result is None
    redo.apply(store)
    assert store.carried_links(new_sha256=new.sha256)[0].check_result == "再指摘"

    change = compare_versions(old, new).changes()[0]
    undo_mark = mark_change(new.sha256, change, True).apply(store)
    assert len(reviewed_changes(store, new.sha256)) == 1
    undo_mark.apply(store)
    assert reviewed_changes(store, new.sha256) == set()
