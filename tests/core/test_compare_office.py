"""The comparison on pairs made by another producer: the report as an Excel workbook printed by LibreOffice, once at
another print scale (narrower columns, smaller printout: nothing changed) and once with a rewritten measure declared in
its 別添3. Skipped when LibreOffice is not installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.compare.rows import norm
from reviewer.compare.service import compare_files
from reviewer.samples.office import office_pairs, soffice_path
from reviewer.samples.revision import REWRITTEN_SENTENCE

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    soffice = soffice_path()
    assert soffice is not None
    return office_pairs(tmp_path_factory.mktemp("office"), soffice)


def test_libreoffice_print_at_another_scale_is_not_a_change(office: dict[str, Any], tmp_path: Path) -> None:
    old, reflowed = Path(office["old"]), Path(office["reflow"])
    with pymupdf.open(old) as a, pymupdf.open(reflowed) as b:
        # Lines and pages really break elsewhere.
        assert [a[p].get_text() for p in range(a.page_count)] != [b[p].get_text() for p in range(b.page_count)]
        assert {len(a[p].get_text().splitlines()) for p in range(3, 8)} != \
            {len(b[p].get_text().splitlines()) for p in range(3, 8)}
    comparison = compare_files(old, reflowed, profile=tmp_path)
    assert len(comparison.documents) == 1 and comparison.documents[0].title.endswith("全項目評価書")
    assert comparison.changes() == []
    assert comparison.documents[0].declared_not_found == []


def test_libreoffice_revision_is_found_and_declared(office: dict[str, Any], tmp_path: Path) -> None:
    comparison = compare_files(Path(office["old"]), Path(office["revised"]), profile=tmp_path)
    (change,) = comparison.changes()
    assert change.kind == "text" and change.declared
    assert (change.path.chapter, change.path.section, change.path.leaf) == ("Ⅲ", "2", "1")
    assert change.item == "対象者以外の情報の入手を防止するための措置の内容"
    # (The diff may align the sentence's last characters 「る。」 with the old text's.)
    assert norm(REWRITTEN_SENTENCE)[:-2] in norm(change.added_text)
    assert change.declared_by == office["declared_item"]
    assert comparison.documents[0].declared_not_found == []
