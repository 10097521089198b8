"""``pia-reviewer --self-test`` runs headless and reports every step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_self_test_passes_in_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIA_REVIEWER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from ui.app import main; sys.exit(main())", "--self-test", "--json"],
        check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    steps = {s["step"]: s for s in report["steps"]}
    assert set(steps) == {"sample", "open", "structure", "render", "search", "store", "export_xlsx", "qt"}
    assert all(s["ok"] for s in steps.values())
    assert "hits" in steps["search"]["detail"] and "IPAexGothic" in steps["qt"]["detail"]


def test_self_test_reports_a_failing_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer import selftest

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("render engine missing")

    monkeypatch.setattr("reviewer.structure.detect.detect_outline", broken)
    results = selftest.run_steps(tmp_path)
    assert [r["ok"] for r in results] == [True, True, False]
    assert "render engine missing" in results[-1]["detail"]
