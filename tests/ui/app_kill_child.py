"""Child process for test_app_kill.py: the real main window on a packet; adds comments through the annotation
controller (as the mouse tools do) and prints each id once the store has committed it. The parent kills it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    """A keyring kept in a JSON file, so the key survives the killed process (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data))


def main() -> None:
    profile, keyfile, pdf, count = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    os.environ["PIA_REVIEWER_HOME"] = str(profile)
    keyring.set_keyring(FileKeyring(keyfile))
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from ui.dialogs.settings import AppSettings
    from ui.main_window import MainWindow

    settings = AppSettings()
    settings.member_name = "試験委員"
    window = MainWindow(settings, ask_member_name=False)
    window.resize(1000, 800)
    window.show()
    window.open_file(pdf)
    added = 0

    def tick() -> None:
        nonlocal added
        if added >= count:
            return
        controller = window.annotations  # built after the first paint
        if controller is None or controller.store is None or not controller.sha256:
            return  # the store and the packet's identity arrive after the first paint
        comment = controller.make_annotation(
            page=3 + added % 5, kind="area", rects=[(60.0, 100.0 + added, 300.0, 160.0 + added)],
            category="質問", text=f"強制終了テストのコメント {added}",
        )
        if controller.add_annotation(comment):
            print(comment.id, flush=True)
            added += 1
        if added >= count:
            print("done", flush=True)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    app.exec()


if __name__ == "__main__":
    main()
