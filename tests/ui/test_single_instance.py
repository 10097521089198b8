"""One instance per profile: the second hands its file to the first (in-process and from another process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QSysInfo
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QWidget

from ui.single_instance import LOCK_NAME, SingleInstance, bring_to_front, claim, server_name

pytestmark = pytest.mark.gui
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def instances(qapp: Any) -> Iterator[list[SingleInstance]]:
    made: list[SingleInstance] = []
    yield made
    for instance in made:
        instance.close()
        instance.deleteLater()


def make(made: list[SingleInstance], profile: Path) -> SingleInstance:
    instance = SingleInstance(profile)
    made.append(instance)
    return instance


def send_in_thread(instance: SingleInstance, args: list[str]) -> tuple[threading.Thread, list[bool]]:
    """The primary lives in this thread's event loop, so the sender must not block it."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(instance.send(args)))
    thread.start()
    return thread, result


def test_second_instance_is_not_primary_and_its_file_reaches_the_first(
    qtbot: Any, instances: list[SingleInstance], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = tmp_path / "profile"
    first = make(instances, profile)
    second = make(instances, profile)
    assert first.is_primary() and not second.is_primary()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "資料 第3回.pdf").write_bytes(b"%PDF-1.7\n")
    with qtbot.waitSignal(first.message_received, timeout=5000) as signal:
        thread, result = send_in_thread(second, ["資料 第3回.pdf", "--profile", str(profile)])
    thread.join(5)
    assert result == [True]
    # The relative path was made absolute by the sender (whose working directory may differ).
    assert signal.args == [[str(tmp_path / "資料 第3回.pdf"), "--profile", str(profile)]]


def test_other_profiles_are_independent_and_a_closed_primary_frees_the_profile(
    instances: list[SingleInstance], tmp_path: Path,
) -> None:
    a = make(instances, tmp_path / "a")
    b = make(instances, tmp_path / "b")
    assert a.is_primary() and b.is_primary()
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
    a.close()
    again = make(instances, tmp_path / "a")
    assert again.is_primary()


def test_stale_lock_of_a_crashed_instance_is_taken_over(instances: list[SingleInstance], tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    pid = int(dead.stdout)  # that process has exited
    (profile / LOCK_NAME).write_text(f"{pid}\npia-reviewer\n{QSysInfo.machineHostName()}\n", "utf-8")
    instance = make(instances, profile)
    assert instance.is_primary()


def test_malformed_messages_are_ignored(qtbot: Any, instances: list[SingleInstance], tmp_path: Path) -> None:
    first = make(instances, tmp_path / "profile")
    received: list[list[str]] = []
    first.message_received.connect(received.append)
    for payload in (b"not json\n", b'{"args": [1, 2]}\n', b'["x"]\n', b"\xff\xfe\n"):
        socket = QLocalSocket()
        socket.connectToServer(first.name)
        assert socket.waitForConnected(2000)
        socket.write(QByteArray(payload))
        socket.waitForBytesWritten(2000)
        qtbot.waitUntil(lambda s=socket: s.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert received == []
    second = make(instances, tmp_path / "profile")
    with qtbot.waitSignal(first.message_received, timeout=5000) as signal:
        thread, result = send_in_thread(second, ["--still-works"])
    thread.join(5)
    assert signal.args == [["--still-works"]] and result == [True]


def test_send_without_a_primary_gives_up(instances: list[SingleInstance], tmp_path: Path) -> None:
    first = make(instances, tmp_path / "profile")
    second = SingleInstance(tmp_path / "profile", connect_timeout_ms=300)
    instances.append(second)
    assert first._server is not None
    first._server.close()  # a hung primary: holds the lock but does not answer
    assert second.send(["x.pdf"]) is False


def test_second_process_hands_over_and_exits_zero(qtbot: Any, instances: list[SingleInstance],
                                                  tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    first = make(instances, profile)
    target = tmp_path / "packet.pdf"
    target.write_bytes(b"%PDF-1.7\n")
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication([])
        from ui.single_instance import claim
        instance = claim({str(profile)!r}, [{str(target)!r}])
        sys.exit(0 if instance is None else 3)
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with qtbot.waitSignal(first.message_received, timeout=20000) as signal:
        process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env)
    assert process.wait(timeout=30) == 0
    assert signal.args == [[str(target)]]


def test_claim_in_process_and_bring_to_front(qtbot: Any, instances: list[SingleInstance], tmp_path: Path) -> None:
    primary = claim(tmp_path / "profile", [])
    assert primary is not None and primary.is_primary()
    instances.append(primary)
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible() and not window.isMinimized()
