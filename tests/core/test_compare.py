"""Comparing a revised packet with the first one: every revision of the generator's truth is found at its form row,
nothing is invented on a reflow-only pair, 別添3 declarations mark changes declared or 未申告."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.compare.diff import RowChange
from reviewer.compare.rows import norm
from reviewer.compare.service import Comparison, compare_files
from reviewer.samples.revision import RevisionTruth, TruthChange, generate_revision_pair


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pair")
    old, new, truth = generate_revision_pair(folder, "revised")
    _, reflowed, reflow_truth = generate_revision_pair(folder, "reflow")
    profile = tmp_path_factory.mktemp("profile")
    return {
        "old": old, "new": new, "truth": truth, "reflow": reflowed, "reflow_truth": reflow_truth,
        "revised": compare_files(old, new, profile=profile),
        "reflowed": compare_files(old, reflowed, profile=profile),
        "profile": profile,
    }


def _matches(change: RowChange, expected: TruthChange) -> bool:
    return (change.kind == expected.kind and change.path.chapter == expected.chapter
            and change.path.file == expected.file and change.path.section == expected.section
            and (change.path.leaf if change.path.leaf_kind == "risk" else None) == expected.risk
            and change.item == expected.item)


def test_every_revision_is_found_at_its_form_row(pair: dict[str, Any]) -> None:
    comparison: Comparison = pair["revised"]
    truth: RevisionTruth = pair["truth"]
    report = comparison.documents[0]
    assert {c.kind for c in truth.changes} == {"text", "judgement", "added"}
    for expected in truth.changes:
        found = [c for c in report.changes if _matches(c, expected)]
        assert len(found) == 1, (expected, [(c.kind, c.path, c.item) for c in report.changes])
        change = found[0]
        if expected.new_fragment:
            assert norm(expected.new_fragment) in norm(change.added_text) + norm(change.new_text or "")
            assert norm(expected.new_fragment)[:12] in norm(change.added_text)
        if expected.old_fragment:
            assert norm(expected.old_fragment) in norm(change.removed_text)
            assert norm(expected.old_fragment) not in norm(change.new_text or "")
        if expected.kind == "judgement":
            assert (change.old_judgement, change.new_judgement) == (expected.old_judgement, expected.new_judgement)


def test_no_change_is_invented(pair: dict[str, Any]) -> None:
    comparison: Comparison = pair["revised"]
    truth: RevisionTruth = pair["truth"]
    assert len(comparison.documents[0].changes) == len(truth.changes)
    # The other reports only moved (the inserted page shifts them): no change at all.
    assert [len(d.changes) for d in comparison.documents[1:]] == [0] * (len(comparison.documents) - 1)
    assert truth.new_pages > truth.old_pages


def test_reflow_only_pair_has_no_changes(pair: dict[str, Any]) -> None:
    comparison: Comparison = pair["reflowed"]
    truth: RevisionTruth = pair["reflow_truth"]
    assert truth.changes == [] and truth.new_pages != truth.old_pages  # the pages really were laid out anew
    with pymupdf.open(pair["old"]) as old, pymupdf.open(pair["reflow"]) as new:
        old_text = "".join(p.get_text() for p in old)
        new_text = "".join(p.get_text() for p in new)
    assert "ＩＤ" in old_text and "ＩＤ" not in new_text and "ID" in new_text  # width variants too
    assert len(comparison.documents) == 3
    assert [c for d in comparison.documents for c in d.changes] == []
    assert [d.declared_not_found for d in comparison.documents] == [[], [], []]


def test_declared_and_undeclared(pair: dict[str, Any]) -> None:
    comparison: Comparison = pair["revised"]
    truth: RevisionTruth = pair["truth"]
    report = comparison.documents[0]
    for expected in truth.changes:
        change = next(c for c in report.changes if _matches(c, expected))
        assert change.declared is expected.declared, expected
    assert report.declared_not_found == truth.declared_not_found
    # Undeclared changes are listed first.
    assert report.changes[0].declared is False
    assert all(c.declared for c in report.changes[1:])


def test_changed_rows_are_found_on_their_new_page(pair: dict[str, Any]) -> None:
    """``new_page`` is the page of the changed row in the revised file (shifted by the inserted page)."""
    comparison: Comparison = pair["revised"]
    truth: RevisionTruth = pair["truth"]
    report = comparison.documents[0]
    with pymupdf.open(pair["new"]) as doc:
        for expected in truth.changes:
            change = next(c for c in report.changes if _matches(c, expected))
            assert change.new_page is not None
            if expected.kind == "added":
                assert change.old_page is None and change.new_text and change.old_text is None
            else:
                assert change.old_page is not None
                assert change.new_page > change.old_page  # everything after the inserted sheet moved down
            if expected.new_fragment:
                head = norm(expected.new_fragment)[:10]
                pages = [p for p in range(doc.page_count) if head in norm(doc[p].get_text())]
                assert change.new_page in pages or change.new_page + 1 in pages, (expected.item, pages)
            if expected.kind == "judgement":
                assert norm(str(expected.new_judgement)) in norm(doc[change.new_page].get_text())


def test_json_contract(pair: dict[str, Any]) -> None:
    data = pair["revised"].to_json()
    assert set(data) == {"old", "new", "documents"}
    assert set(data["old"]) == {"sha256", "pages"} and data["new"]["pages"] == pair["truth"].new_pages
    document = data["documents"][0]
    assert set(document) == {"title", "old", "new", "changes", "declared_not_found"}
    assert set(document["new"]) == {"start_page", "end_page"}
    keys = {"kind", "chapter", "file", "section", "risk", "item", "old_page", "new_page", "old_text", "new_text",
            "old_judgement", "new_judgement", "declared"}
    for change in document["changes"]:
        assert set(change) == keys
        assert change["kind"] in ("text", "added", "removed", "judgement")
    judgement = next(c for c in document["changes"] if c["kind"] == "judgement")
    assert judgement["chapter"] == "III" and judgement["section"] == "3" and judgement["risk"] == "1"
    assert document["declared_not_found"] == ["Ⅴ 2. ②"]


def test_rows_cache_gives_the_same_comparison(pair: dict[str, Any]) -> None:
    """The second comparison reads the rows from the profile's cache and finds exactly the same changes."""
    cache = list((Path(pair["profile"]) / "cache").glob("rows-*.json"))
    assert len(cache) == 3  # old, revised, reflowed
    again = compare_files(pair["old"], pair["new"], profile=pair["profile"])
    assert again.to_json() == pair["revised"].to_json()


def test_a_bound_correction_table_declares_changes_too(tmp_path: Path) -> None:
    """A 修正対照表 bound in the revised packet declares the change its 別添3 leaves out."""
    old, new, truth = generate_revision_pair(tmp_path, "revised", with_correction_table=True)
    comparison = compare_files(old, new, profile=tmp_path / "profile")
    assert [d.title for d in comparison.new.outline.documents][-1] == "修正対照表"
    assert [c.item for c in comparison.new.corrections] == ["Ⅱ 6. ①保管場所"]
    report = comparison.documents[0]
    assert len(report.changes) == len(truth.changes) and all(c.declared for c in report.changes)
    change = next(c for c in report.changes if c.item == "①保管場所 ※")
    assert change.declared_by == "Ⅱ 6. ①保管場所"


def test_reading_rows_reports_progress_and_can_be_cancelled(pair: dict[str, Any]) -> None:
    from reviewer.compare.rows import ComparisonCancelled
    from reviewer.compare.service import load_version

    seen: list[tuple[int, int]] = []
    version = load_version(pair["old"], cache=False, progress=lambda done, total: seen.append((done, total)))
    report_pages = sum(r.document.end_page - r.document.start_page + 1 for r in version.reports)
    assert seen[-1] == (report_pages, report_pages)  # the rows' pass ends with every report page read
    calls: list[int] = []

    def cancel_after_five() -> bool:
        calls.append(1)
        return len(calls) > 5

    from reviewer.compare.rows import read_rows
    from reviewer.document import Packet

    with Packet.open(pair["old"]) as packet, pytest.raises(ComparisonCancelled):
        read_rows(packet.doc, version.outline, cancelled=cancel_after_five)
    assert len(calls) == 6
