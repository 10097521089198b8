"""GUI start-up in a subprocess (a second QApplication in the test process would abort): the first page is
painted and the process exits by itself when PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT is set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
LINE = re.compile(r"first_paint_seconds=([\d.]+) run_gui_seconds=([\d.]+) page=(\d+) pages=(\d+)")


def run_app(args: list[str], profile: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", PIA_REVIEWER_HOME=str(profile),
                       PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT="1", **env)
    return subprocess.run([sys.executable, "-m", "ui.app", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_app_paints_first_page_and_exits(small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    path, truth = small_packet
    result = run_app([str(path)], isolated_profile)
    assert result.returncode == 0, result.stderr
    match = LINE.search(result.stdout)
    assert match, result.stdout + result.stderr
    first_paint, in_gui, page, pages = float(match[1]), float(match[2]), int(match[3]), int(match[4])
    assert pages == truth.pages and page == 0
    assert 0 < in_gui <= first_paint + 0.05
    assert first_paint < 5.0  # generous for a loaded CI machine; the target (0.45 s) is measured separately
    assert "Traceback" not in result.stderr


def test_app_reopens_last_file_without_arguments(small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    path, truth = small_packet
    assert run_app([str(path)], isolated_profile).returncode == 0
    result = run_app([], isolated_profile)
    assert result.returncode == 0, result.stderr
    match = LINE.search(result.stdout)
    assert match and int(match[4]) == truth.pages, result.stdout + result.stderr


def test_app_reports_a_broken_file(tmp_path: Path, isolated_profile: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    result = run_app([str(bad)], isolated_profile)
    assert result.returncode == 2
    assert "open_failed" in result.stdout
    assert "PDFとして開けません" in result.stderr


@pytest.mark.slow
def test_first_start_opens_the_bundled_sample(isolated_profile: Path) -> None:
    result = run_app([], isolated_profile)
    assert result.returncode == 0, result.stderr
    match = LINE.search(result.stdout)
    assert match and int(match[4]) >= 200, result.stdout + result.stderr
