"""Crash safety: a writer killed with SIGKILL at random moments never loses a committed comment."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.store import Store

HELPER = Path(__file__).with_name("kill_writer.py")
REPO = Path(__file__).resolve().parents[2]
KEY = "5a" * 32
SHA = "f" * 64

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def _start(profile: Path, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PIA_TEST_DB_KEY": KEY,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, str(HELPER), str(profile), str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _kill(proc: subprocess.Popen[str]) -> list[str]:
    """SIGKILL the writer; every line it had printed (read or still buffered in the pipe)."""
    proc.send_signal(signal.SIGKILL)
    rest, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return rest.splitlines()


def _ids(lines: list[str]) -> list[str]:
    return [line for line in lines if line not in ("opening", "ready", "done")]


def _check(profile: Path, expected: set[str]) -> None:
    store = Store.open(profile, key=KEY, backup=False)
    try:
        assert store.quick_check()
        present = {a.id for a in store.annotations(SHA)}
        missing = expected - present
        assert not missing, f"{len(missing)} committed comments lost"
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(isolated_profile: Path) -> None:
    rng = random.Random(int(os.environ.get("PIA_KILL_SEED", "20261126")))
    printed: set[str] = set()
    kills_while_opening = kills_while_writing = 0
    for _round in range(20):
        proc = _start(isolated_profile, 0)
        assert proc.stdout is not None
        seen: list[str] = [proc.stdout.readline().rstrip("\n")]
        assert seen == ["opening"], proc.stderr.read() if proc.stderr else ""
        if rng.random() < 0.2:
            kills_while_opening += 1  # during key check, quick_check, backup or migration
        else:
            kills_while_writing += 1
            for _ in range(rng.randint(1, 40)):
                line = proc.stdout.readline()
                assert line, proc.stderr.read() if proc.stderr else "writer exited"
                seen.append(line.rstrip("\n"))
        seen += _kill(proc)
        printed.update(_ids(seen))
        _check(isolated_profile, printed)
    assert kills_while_writing >= 10 and len(printed) >= 100


def test_comment_added_just_before_a_kill_survives(isolated_profile: Path) -> None:
    proc = _start(isolated_profile, 1)
    assert proc.stdout is not None
    lines = [proc.stdout.readline().rstrip("\n") for _ in range(3)]
    assert lines[:2] == ["opening", "ready"], proc.stderr.read() if proc.stderr else ""
    (comment_id,) = _ids(lines)
    assert proc.stdout.readline().rstrip("\n") == "done"
    _kill(proc)  # killed while holding the database open, with the change only in the WAL
    assert (isolated_profile / "reviewer.db-wal").stat().st_size > 0
    store = Store.open(isolated_profile, key=KEY)
    try:
        got = store.get_annotation(comment_id)
        assert got is not None and got.text.startswith("強制終了テスト")
        assert store.quick_check()
    finally:
        store.close()


def test_two_processes_write_the_same_profile(isolated_profile: Path) -> None:
    Store.open(isolated_profile, key=KEY).close()  # created once, so both writers find it
    writers = [_start(isolated_profile, 60) for _ in range(2)]
    ids: list[str] = []
    for proc in writers:
        assert proc.stdout is not None
        lines = []
        while (line := proc.stdout.readline().rstrip("\n")) != "done":
            assert line, proc.stderr.read() if proc.stderr else "writer exited early"
            lines.append(line)
        ids += _ids(lines)
    for proc in writers:
        out, err = proc.communicate(input="", timeout=30)  # closing stdin lets the writer close the store
        assert proc.returncode == 0, err
    assert len(ids) == len(set(ids)) == 120
    _check(isolated_profile, set(ids))
