"""``pia-reviewer outline FILE.pdf [--json]`` in a subprocess, as a user or a script runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reviewer.document import file_sha256
from reviewer.structure.cache import DETECTOR_VERSION
from reviewer.structure.model import Outline

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIA_REVIEWER_HOME=str(profile), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "reviewer", *args], cwd=REPO, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=120, check=False,
    )


def test_outline_json_matches_truth_and_is_cached(small_packet: tuple[Path, Outline], tmp_path: Path) -> None:
    path, truth = small_packet
    result = _run("outline", str(path), "--json", profile=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"sha256", "pages", "page_labels", "documents", "found_report", "message", "bookmarks"}
    assert data["sha256"] == file_sha256(path)
    assert data["pages"] == truth.pages
    assert data["page_labels"] == truth.page_labels
    assert data["found_report"] is True
    assert [(d["form"], d["start_page"], d["end_page"]) for d in data["documents"]] == [
        (d.form, d.start_page, d.end_page) for d in truth.documents
    ]
    report = next(d for d in data["documents"] if d["form"] == "全項目評価書")
    risk = next(n for n in report["nodes"] if n["kind"] == "risk")
    assert set(risk) == {"kind", "number", "title", "page", "y", "file", "judgement"}
    assert risk["number"] == "1" and risk["judgement"] in ("特に力を入れている", "十分である", "課題が残されている")
    assert isinstance(risk["page"], int) and isinstance(risk["y"], float)
    cached = tmp_path / "cache" / f"outline-{data['sha256']}-v{DETECTOR_VERSION}.json"
    assert json.loads(cached.read_text(encoding="utf-8")) == data


def test_outline_text_tree(small_packet: tuple[Path, Outline], tmp_path: Path) -> None:
    path, truth = small_packet
    result = _run("outline", str(path), profile=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first_report = next(d for d in truth.documents if d.form)
    assert f"{first_report.title} 〈{first_report.form}〉" in out
    assert "\n  Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策" in out
    assert "\n      リスク1 " in out


def test_outline_on_a_broken_file_gives_a_clean_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not a pdf at all")
    result = _run("outline", str(broken), "--json", profile=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "PDF" in result.stderr
    assert result.stdout == ""
