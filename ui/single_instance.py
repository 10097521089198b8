"""One app instance per profile: a second start hands its file to the first and exits 0.

Two instances writing the same profile would still be safe (the store uses WAL and a busy timeout), but a
member who double-clicks a PDF while the app is open expects the open window to show it. So::

    instance = SingleInstance(profile_dir)
    if not instance.is_primary():
        instance.send(sys.argv[1:])          # the first instance comes to the front and opens the file
        return 0
    instance.message_received.connect(lambda args: (bring_to_front(window), window.open_file(...)))

Arbitration uses a ``QLockFile`` in the profile (``instance.lock``; stale locks of crashed processes are taken
over), so two instances starting at the same moment cannot both become primary; messages travel over a
``QLocalServer`` whose name is derived from the profile path and the user (a local socket / named pipe —
never a network connection). A message is one line of JSON ``{"args": [...]}``; the primary answers
``ok``. Relative file arguments are made absolute by the sender, whose working directory may differ.

Signals:
    message_received(list): the arguments another instance sent (strings), in the GUI thread.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QDeadlineTimer, QLockFile, QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("ui.single_instance")

LOCK_NAME = "instance.lock"
MAX_MESSAGE_BYTES = 64 * 1024
_ACK = b"ok\n"


def server_name(profile_dir: str | os.PathLike[str]) -> str:
    """The local server's name for a profile: stable per (user, resolved profile path), short enough for
    Unix socket paths and valid as a Windows pipe name."""
    try:
        user = getpass.getuser()
    except Exception:
        user = ""
    resolved = str(Path(profile_dir).expanduser().resolve())
    digest = hashlib.sha256(f"{user}\0{resolved}".encode()).hexdigest()[:20]
    return f"pia-reviewer-{digest}"


def absolute_args(args: list[str]) -> list[str]:
    """File arguments made absolute (relative to this process's working directory); options kept as-is."""
    out: list[str] = []
    for arg in args:
        if arg and not arg.startswith("-") and Path(arg).exists():
            out.append(str(Path(arg).resolve()))
        else:
            out.append(arg)
    return out


def bring_to_front(window: Any) -> None:
    """Show ``window`` un-minimised, raised and active (as far as the window system allows)."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState((state & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """See the module docstring. Create it in the GUI thread after the QApplication exists."""

    message_received = Signal(list)

    def __init__(self, profile_dir: str | os.PathLike[str], *, connect_timeout_ms: int = 2000) -> None:
        super().__init__()
        self.profile_dir = Path(profile_dir)
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self.name = server_name(self.profile_dir)
        self.connect_timeout_ms = connect_timeout_ms
        self._lock = QLockFile(str(self.profile_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # only a dead owner makes the lock stale, never its age
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._primary = self._lock.tryLock(0)
        if self._primary:
            self._listen()
        else:
            log.info("another instance holds the profile lock")

    # ------------------------------------------------------------------------------------------ primary
    def is_primary(self) -> bool:
        return self._primary

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We hold the profile lock, so a server of that name left behind can only be a crashed instance's.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            log.warning("cannot listen for other instances: %s", server.errorString())
            return
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        try:
            socket.deleteLater()
        except RuntimeError:  # already deleted with the server
            pass

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.extend(bytes(socket.readAll().data()))
        if len(buffer) > MAX_MESSAGE_BYTES:
            log.warning("message from another instance too long; dropped")
            socket.abort()
            self._buffers.pop(socket, None)
            return
        if b"\n" not in buffer:
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        self._buffers[socket] = bytearray()
        args = _parse_message(line)
        if args is None:
            log.warning("malformed message from another instance; ignored")
            socket.disconnectFromServer()
            return
        socket.write(QByteArray(_ACK))
        socket.flush()
        log.info("another instance sent %d argument(s)", len(args))
        self.message_received.emit(args)

    # ------------------------------------------------------------------------------------------ secondary
    def send(self, args: list[str]) -> bool:
        """Hand ``args`` to the primary instance; True once it acknowledged. Blocks at most a few seconds
        (the primary may still be starting: connecting is retried until ``connect_timeout_ms``)."""
        payload = json.dumps({"args": absolute_args([str(a) for a in args])}, ensure_ascii=False).encode() + b"\n"
        deadline = QDeadlineTimer(self.connect_timeout_ms)
        while True:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(50):
                break
            socket.abort()
            if deadline.hasExpired():
                log.warning("no answer from the running instance")
                return False
            from PySide6.QtCore import QThread

            QThread.msleep(50)
        try:
            socket.write(QByteArray(payload))
            if not socket.waitForBytesWritten(self.connect_timeout_ms):
                return False
            answer = b""
            while _ACK not in answer:
                # Short waits: PySide keeps the GIL inside waitFor*, and the primary may be in this process.
                if socket.waitForReadyRead(50) or socket.bytesAvailable():
                    answer += bytes(socket.readAll().data())
                elif deadline.hasExpired() or socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    log.warning("the running instance did not acknowledge")
                    return False
            return True
        finally:
            socket.disconnectFromServer()
            socket.abort()

    def close(self) -> None:
        """Stop listening and release the profile lock (also done when the object is destroyed)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._primary:
            self._lock.unlock()
            self._primary = False


def _parse_message(line: bytes) -> list[str] | None:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    args = data.get("args") if isinstance(data, dict) else None
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return None
    return list(args)


def claim(profile_dir: str | os.PathLike[str], args: list[str]) -> SingleInstance | None:
    """Start-up helper: the :class:`SingleInstance` when this process is the first for ``profile_dir``;
    otherwise hand ``args`` to the running instance and return None (the caller exits with code 0).

    When the running instance does not answer (hung), a warning is logged and None is still returned:
    the member's click brought nothing up, but a second window on the same database is avoided.
    """
    instance = SingleInstance(profile_dir)
    if instance.is_primary():
        return instance
    if not instance.send(args):
        log.warning("the running instance did not acknowledge the hand-over")
    instance.deleteLater()
    return None
