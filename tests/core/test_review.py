"""Review progress and the outline walk (reviewer.review), on the sample generator's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reviewer.annotations import Annotation
from reviewer.review import (
    NodeProgress,
    WalkNode,
    file_key,
    group_path,
    progress,
    progress_tuples,
    review_node,
    review_node_for_key,
    totals,
    walk,
    walk_by_document,
)
from reviewer.store.models import ReviewMark
from reviewer.structure.model import Outline


@pytest.fixture
def outline(small_packet: tuple[Path, Any]) -> Outline:
    truth: Outline = small_packet[1]
    return truth


def _node(items: list[WalkNode], key: str) -> WalkNode:
    return next(item for item in items if item.key == key)


def _comment(outline: Outline, item: WalkNode, n: int, *, node_key: str | None = None) -> Annotation:
    return Annotation(outline.sha256, "p.pdf", item.page, outline.page_labels[item.page], "area",
                      [(80.0, item.y + 4, 300.0, item.y + 20)], "質問", f"質問{n}", "山田",
                      node_key=item.key if node_key is None else node_key)


def test_walk_lists_every_node_once_with_its_ancestors_and_file(outline: Outline) -> None:
    items = walk(outline)
    assert len(items) == len(outline.documents) + sum(len(d.nodes) for d in outline.documents)
    assert len({item.key for item in items}) == len(items)
    risk = _node(items, "2:Ⅲ/2/risk2@本人確認情報ファイル")
    assert risk.ancestors == ("2:", "2:Ⅲ@本人確認情報ファイル", "2:Ⅲ/2@本人確認情報ファイル")
    assert risk.reviewable and risk.depth == 3 and risk.file == "本人確認情報ファイル"
    assert risk.label == "Ⅲ 2. リスク2"
    assert risk.label_with_file == "Ⅲ（本人確認情報ファイル） 2. リスク2"
    assert not _node(items, "2:Ⅰ/3").reviewable and _node(items, "2:Ⅲ/4@住民基本台帳ファイル").reviewable
    reports = [i for i, d in enumerate(outline.documents) if d.is_report]
    assert not any(item.reviewable for item in items if item.document_index not in reports)
    per_document = walk_by_document(outline)
    assert [len(nodes) for nodes in per_document] == [len(d.nodes) for d in outline.documents]


def test_progress_counts_marks_views_and_comments_up_the_tree(outline: Outline) -> None:
    items = walk(outline)
    file = "住民基本台帳ファイル"
    risk1, risk2 = _node(items, f"2:Ⅲ/2/risk1@{file}"), _node(items, f"2:Ⅲ/2/risk2@{file}")
    section = _node(items, f"2:Ⅲ/2@{file}")
    marks = {
        risk1.key: ReviewMark(outline.sha256, risk1.key, True, "同意"),
        risk2.key: ReviewMark(outline.sha256, risk2.key, True, "疑問あり"),
        section.key: ReviewMark(outline.sha256, section.key, False, "疑問あり"),
    }
    stale = _comment(outline, risk2, 3, node_key="2:Ⅲ/9/risk9@古い")  # placed by its position instead
    comments = [_comment(outline, risk1, 1), _comment(outline, risk1, 2), stale]
    result = progress(outline, marks, comments)
    section_risks = sum(1 for i in items if section.key in i.ancestors and i.reviewable)
    assert result[risk1.key] == NodeProgress(1, 1, 2, 1, 0)
    assert result[risk2.key] == NodeProgress(1, 1, 1, 0, 1)
    assert result[section.key] == NodeProgress(2, section_risks + 1, 3, 1, 2)
    report_total = sum(1 for i in items if i.document_index == 2 and i.reviewable)
    assert result["2:"] == NodeProgress(2, report_total, 3, 1, 2)
    file_total = sum(1 for i in items if i.document_index == 2 and i.reviewable and i.file == file)
    assert result[file_key(2, file)] == NodeProgress(2, file_total, 3, 1, 2)
    assert result[file_key(2, "本人確認情報ファイル")].reviewed == 0
    assert "2:Ⅰ/3" not in result  # nothing to review there and no comment
    tuples = progress_tuples(outline, marks, comments)
    assert tuples[section.key] == (2, section_risks + 1, True)
    assert not any(key.split(":", 1)[1].startswith("@") for key in tuples)
    overall, here = totals(result, risk1.key)
    assert here == (2, report_total) and overall[0] == 2 and overall[1] > report_total
    assert totals(tuples, None)[0] == overall


def test_review_node_names_the_risk_at_a_position(outline: Outline) -> None:
    items = walk(outline)
    risk = _node(items, "2:Ⅲ/5/risk2@住民基本台帳ファイル")
    found = review_node(outline, risk.page, risk.y + 10)
    assert found is not None
    key, label = found
    assert key == risk.key
    assert label.splitlines()[0] == outline.documents[2].title
    assert label.splitlines()[1].startswith("Ⅲ 5. リスク2") and "（住民基本台帳ファイル）" in label
    chapter_one = _node(items, "2:Ⅰ/3")
    assert review_node(outline, chapter_one.page, chapter_one.y + 5) is None
    assert review_node(None, 0, 0.0) is None


def test_group_path_keeps_the_file_of_a_repeated_chapter(outline: Outline) -> None:
    items = walk(outline)
    one = _comment(outline, _node(items, "2:Ⅲ/2/risk2@住民基本台帳ファイル"), 1)
    other = _comment(outline, _node(items, "2:Ⅲ/2/risk2@本人確認情報ファイル"), 2)
    path_one, path_other = group_path(one, outline), group_path(other, outline)
    assert path_one[0] == outline.documents[2].title
    assert path_one[1].startswith("Ⅲ（住民基本台帳ファイル） 2.") and path_other[1].startswith("Ⅲ（本人確認情報ファイル） 2.")
    assert path_one[2].startswith("リスク2")
    loose = Annotation(outline.sha256, "p.pdf", 0, "1", "note", [(1.0, 1.0, 17.0, 17.0)], "意見", "表紙", "山田")
    assert group_path(loose, outline, outside="(outside the reports)") == ["(outside the reports)"]


def test_a_tree_choice_names_its_own_risk_even_on_a_shared_page(outline: Outline) -> None:
    items = walk(outline)
    risks = [i for i in items if i.kind == "risk" and i.reviewable]
    shared = next(r for r, s in zip(risks, risks[1:], strict=False) if r.page == s.page)
    following = risks[risks.index(shared) + 1]
    for risk in (shared, following):
        found = review_node_for_key(outline, risk.key)
        assert found is not None and found[0] == risk.key
        assert f"リスク{risk.node.number if risk.node else ''}" in found[1]
    section = _node(items, "2:Ⅲ/2@住民基本台帳ファイル")
    assert review_node_for_key(outline, section.key) == review_node(outline, section.page, section.y + 0.5)
    assert review_node_for_key(outline, "2:Ⅰ/3") is None and review_node_for_key(outline, "9:nope") is None
