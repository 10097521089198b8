"""Command-line mistakes get one line and the usage (exit 2) before Qt is imported; no display is said in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reviewer.cli import SUBCOMMANDS, subcommand_names
from reviewer.launch import display_problem, gui_args_problem

REPO = Path(__file__).resolve().parent.parent.parent
# Runs ui.app's main in a fresh interpreter and reports whether Qt got imported on the way.
PROBE = "import sys\nfrom ui.app import main\nrc = main(sys.argv[1:])\nprint('QT_IMPORTED', 'PySide6' in sys.modules)\n" \
        "sys.exit(rc)\n"


def run_entry(args: list[str], profile: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The console entry point in a subprocess with no display at all (no DISPLAY, Wayland or Qt platform)."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment.update(PIA_REVIEWER_HOME=str(profile), PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT="1", **env)
    return subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def _error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("pia-reviewer: ")]


@pytest.mark.parametrize(("args", "wanted"), [
    (["exprot", "out.xlsx"], "did you mean “export”"),
    (["comapre", "a.pdf", "b.pdf"], "did you mean “compare”"),
    (["frobnicate", "a.pdf"], "no such command or file: frobnicate"),
    (["missing.pdf"], "file not found: missing.pdf"),
    (["--frobnicate"], "unknown option: --frobnicate"),
    (["--profile"], "--profile needs a folder"),
])
def test_mistakes_get_one_line_and_the_usage_without_qt(args: list[str], wanted: str, isolated_profile: Path) -> None:
    result = run_entry(args, isolated_profile)
    assert result.returncode == 2, result.stderr
    errors = _error_lines(result)
    assert len(errors) == 1 and wanted in errors[0], result.stderr
    assert "usage: pia-reviewer [FILE.pdf]" in result.stderr and "export" in result.stderr
    assert "QT_IMPORTED False" in result.stdout
    assert "Traceback" not in result.stderr and "Fatal" not in result.stderr


def test_compare_with_missing_files_is_refused_headless(isolated_profile: Path) -> None:
    result = run_entry(["compare", "a.pdf", "b.pdf"], isolated_profile)
    assert result.returncode == 2
    assert "File not found: a.pdf." in result.stderr and "QT_IMPORTED False" in result.stdout
    assert "Traceback" not in result.stderr


def test_two_existing_files_are_one_too_many(small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    pdf = small_packet[0]
    result = run_entry([str(pdf), str(pdf)], isolated_profile)
    assert result.returncode == 2
    assert "one PDF at a time (2 were given)" in _error_lines(result)[0]
    assert "QT_IMPORTED False" in result.stdout


def test_no_display_is_one_line_not_a_qt_abort(small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    result = run_entry([str(small_packet[0])], isolated_profile)
    assert result.returncode == 2, result.stderr
    assert _error_lines(result) == [f"pia-reviewer: {display_problem({}, 'linux')}"]
    assert result.stderr.count("\n") == 1
    assert "QT_IMPORTED False" in result.stdout
    assert "could not connect to display" not in result.stderr and "core dumped" not in result.stderr


def test_with_a_platform_chosen_the_gui_still_starts(small_packet: tuple[Path, Any], isolated_profile: Path) -> None:
    result = run_entry([str(small_packet[0])], isolated_profile, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stderr
    assert "first_paint_seconds=" in result.stdout and "QT_IMPORTED True" in result.stdout


def test_headless_subcommands_still_run_without_a_display(tmp_path: Path, isolated_profile: Path) -> None:
    out = tmp_path / "s.pdf"
    result = run_entry(["sample", str(out), "--reports", "1"], isolated_profile)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000 and "QT_IMPORTED False" in result.stdout


def test_python_m_reviewer_refuses_a_mistyped_command() -> None:
    result = subprocess.run([sys.executable, "-m", "reviewer", "exprot", "a", "b"], cwd=REPO, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2 and "invalid choice: 'exprot'" in result.stderr


def test_every_parser_subcommand_is_routed_headless() -> None:
    assert set(SUBCOMMANDS) <= set(subcommand_names())


def test_display_rules() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "freebsd14") is None
    assert display_problem({}, "win32") is None and display_problem({}, "darwin") is None


def test_gui_arguments_that_are_fine(tmp_path: Path) -> None:
    pdf = tmp_path / "資料.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert gui_args_problem([]) is None
    assert gui_args_problem([str(pdf), "--profile", str(tmp_path)]) is None
    assert gui_args_problem([f"--profile={tmp_path}", str(pdf)]) is None
    assert gui_args_problem(["-psn_0_12345", str(pdf)]) is None


def test_a_file_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = subprocess.run([sys.executable, "-m", "reviewer", "sample", str(blocker / "out.pdf"), "--reports", "1"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1].startswith("pia-reviewer: A file could not be read or written")
