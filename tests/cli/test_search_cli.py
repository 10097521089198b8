"""``pia-reviewer search FILE.pdf QUERY [--json]`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from reviewer.paths import bundled_font

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-search") / "packet.pdf"
    doc = pymupdf.open()
    for lines in (["運用はＡＷＳ上で行い、保守を委託する。", "再委託先はガバメント", "クラウド運用管理補助者。"],
                  ["委託契約書を確認した。aws の ISMAP 登録を確認。"]):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        for n, text in enumerate(lines):
            page.insert_text((72, 72 + 16 * n), text, fontname="ipa", fontsize=10.5)
    doc.save(path)
    doc.close()
    return path


def _run(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIA_REVIEWER_HOME=str(profile), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "reviewer", "search", *args], capture_output=True, text=True, encoding="utf-8",
        env=env, cwd=REPO, timeout=120, check=False,
    )


def test_search_json(pdf: Path, tmp_path: Path) -> None:
    result = _run(tmp_path, str(pdf), "委託", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "委託"
    assert data["count"] == 3 == len(data["hits"])
    assert [h["page"] for h in data["hits"]] == [0, 0, 1]
    first = data["hits"][0]
    assert first["page_label"] == "1"
    assert isinstance(first["section"], str)
    assert "【委託】" in first["snippet"]
    [rect] = first["rects"]
    assert len(rect) == 4 and rect[0] < rect[2] and rect[1] < rect[3]
    assert (tmp_path / "search-index.db").is_file()


def test_search_across_width_and_line_break(pdf: Path, tmp_path: Path) -> None:
    data = json.loads(_run(tmp_path, str(pdf), "ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ", "--json").stdout)
    assert data["count"] == 1
    assert len(data["hits"][0]["rects"]) == 2
    data = json.loads(_run(tmp_path, str(pdf), "aws", "--json").stdout)
    assert data["count"] == 2
    assert [h["page"] for h in data["hits"]] == [0, 1]


def test_search_text_output_and_reuse_of_the_index(pdf: Path, tmp_path: Path) -> None:
    first = _run(tmp_path, str(pdf), "ISMAP")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith("1 件")
    assert "資料2頁 (PDF 2)" in first.stdout
    db = tmp_path / "search-index.db"
    stamp = db.stat().st_mtime_ns, db.stat().st_size
    again = _run(tmp_path, str(pdf), "ISMAP")
    assert again.stdout == first.stdout
    assert (db.stat().st_mtime_ns, db.stat().st_size) == stamp  # nothing rebuilt


def test_search_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(tmp_path, str(tmp_path / "nope.pdf"), "委託", "--json")
    assert result.returncode == 2
    assert "ファイルが見つかりません" in result.stderr
