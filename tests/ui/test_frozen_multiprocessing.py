"""The built app's multiprocessing set-up on Linux (``scripts/frozen_multiprocessing.py``, issue 16): the processes
multiprocessing starts are recognised from their command line alone, and ``multiprocessing`` is set up as
PyInstaller's run-time hook sets it up whenever it is first imported (here in a plain interpreter; the built app
itself is checked in tests/cli/test_dist.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

from scripts_under_test import load_script

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "frozen_multiprocessing.py"


def _module() -> ModuleType:
    return load_script("frozen_multiprocessing")


def test_the_processes_multiprocessing_starts_are_recognised_from_their_command_line() -> None:
    from subprocess import _args_from_interpreter_flags  # type: ignore[attr-defined]

    module = _module()
    flags = _args_from_interpreter_flags()
    tracker = ["app", *flags, "-c", "from multiprocessing.resource_tracker import main;main(7)"]
    assert module._helper_command(tracker) == tracker[-1]
    server = ["app", *flags, "-c", "from multiprocessing.forkserver import main; main(8, 9, None)"]
    assert module._helper_command(server) == server[-1]
    assert module._helper_command(["app", *flags, "-c", "import os; os.system('x')"]) is None
    assert module._helper_command(["app", "--unexpected-flag", "-c", tracker[-1]]) is None
    assert module._helper_command(["app", "packet.pdf"]) is None
    assert module._is_spawned_worker(["app", "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"])
    assert not module._is_spawned_worker(["app", "packet.pdf"])


def test_an_ordinary_start_returns_without_importing_multiprocessing_and_later_imports_are_set_up() -> None:
    probe = f"""
import sys
sys.path.insert(0, {str(SCRIPT.parent)!r})
import frozen_multiprocessing
sys.argv = ["app", "packet.pdf"]
frozen_multiprocessing.serve_multiprocessing_child()
frozen_multiprocessing.set_up_when_imported()
print("imported_at_start", "multiprocessing" in sys.modules, "served", sys.pia_multiprocessing_served)
import multiprocessing
print("original_dir", multiprocessing.process.ORIGINAL_DIR)
context = multiprocessing.get_context("spawn")
with context.Pool(1) as pool:
    print("child", pool.apply(abs, (-5,)))
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "imported_at_start False served True" in result.stdout, result.stdout
    assert "original_dir None" in result.stdout  # not the folder this process started in
    assert "child 5" in result.stdout  # a spawned child still works
