"""Kill the running app (SIGKILL) right after comments are added: every comment it reported saved is there after
a restart, and the database passes quick_check (issue #5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reviewer.document import file_sha256

CHILD = Path(__file__).with_name("app_kill_child.py")
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


@pytest.mark.slow
def test_app_killed_after_adding_comments_keeps_them(small_packet: tuple[Path, object], tmp_path: Path) -> None:
    pdf, _truth = small_packet
    profile, keyfile = tmp_path / "profile", tmp_path / "keyring.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIA_REVIEWER_HOME": str(profile),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, str(CHILD), str(profile), str(keyfile), str(pdf), "3"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             start_new_session=True)
    saved: list[str] = []
    # If the child hangs, kill it so the read loop below ends instead of waiting forever.
    watchdog = threading.Timer(180, lambda: os.killpg(child.pid, signal.SIGKILL))
    watchdog.start()
    try:
        assert child.stdout is not None
        for line in child.stdout:  # blocks until the child prints; bounded by the child's own progress
            line = line.strip()
            if line == "done":
                break
            saved.append(line)
    finally:
        watchdog.cancel()
        os.killpg(child.pid, signal.SIGKILL)  # the app and any worker process it started
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert len(saved) == 3, (saved, child.stderr.read() if child.stderr else "")

    import keyring

    from reviewer.store import Store

    stored_key = json.loads(keyfile.read_text())["pia-reviewer/database-key"]
    keyring.get_keyring().set_password("pia-reviewer", "database-key", stored_key)
    store = Store.open(profile, backup=False)
    try:
        assert store.quick_check()
        present = {a.id: a for a in store.annotations(file_sha256(pdf))}
        assert set(saved) <= set(present)
        assert present[saved[-1]].text == "強制終了テストのコメント 2" and present[saved[-1]].author == "試験委員"
    finally:
        store.close()
