"""Helper process for the race tests of test_reliability_import: real processes racing on one profile.

Usage::

    python import_race_worker.py cli ARG...           # reviewer.cli.main(ARG...) once $PIA_TEST_GO exists
    python import_race_worker.py edit PROFILE ID      # the chair answers comment ID (key in $PIA_REVIEWER_DB_KEY)
    python import_race_worker.py open PROFILE         # Store.open on the file keyring, add one comment

Every mode prints ``ready`` once its modules are imported, then waits for the file named by ``$PIA_TEST_GO``
(when set) so that two workers start the racing step within a millisecond of each other.
``$PIA_TEST_KEYRING`` names a JSON file used as the OS keyring (shared by the workers, like a real one).
``$PIA_TEST_HOLD_MERGE`` = ``SIGNAL:RELEASE``: the importer's merge step creates SIGNAL, then waits up to two
seconds for RELEASE, which widens the window between reading the chair's fields and writing the merge.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


class FileKeyring:
    """A keyring kept in one JSON file (each write replaces the file atomically, as an OS store would)."""

    priority = 1

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text("utf-8"))
            return data
        except (OSError, ValueError):
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, self.path)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(data), "utf-8")


def _install_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    path = os.environ.get("PIA_TEST_KEYRING")
    if not path:
        return

    class Backend(FileKeyring, KeyringBackend):  # type: ignore[misc]
        def __init__(self) -> None:
            KeyringBackend.__init__(self)
            FileKeyring.__init__(self, path)

    keyring.set_keyring(Backend())


def _hold_merge() -> None:
    spec = os.environ.get("PIA_TEST_HOLD_MERGE")
    if not spec:
        return
    signal_path, release_path = spec.split(":", 1)
    from reviewer.exchange import importer

    original = importer.merge

    def held(*args: Any, **kwargs: Any) -> Any:
        Path(signal_path).touch()
        deadline = time.monotonic() + 2.0
        while not Path(release_path).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return original(*args, **kwargs)

    importer.merge = held  # type: ignore[assignment]


def _wait_for_go() -> None:
    print("ready", flush=True)
    go = os.environ.get("PIA_TEST_GO")
    if not go:
        return
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.0005)


def main() -> int:
    import reviewer.cli
    import reviewer.exchange.importer  # noqa: F401  (imported before the go signal, like the racing step)
    from reviewer.annotations import Annotation
    from reviewer.store import Store

    _install_keyring()
    _hold_merge()
    mode = sys.argv[1]
    _wait_for_go()
    if mode == "cli":
        return reviewer.cli.main(sys.argv[2:])
    if mode == "edit":
        profile, ident = sys.argv[2], sys.argv[3]
        with Store.open(profile, key=os.environ["PIA_REVIEWER_DB_KEY"]) as store, store.transaction():
            current = store.get_annotation(ident)
            assert current is not None
            from dataclasses import replace

            store.update_annotation(replace(current, answer="所管課の回答です", excluded=True))
        release = os.environ.get("PIA_TEST_RELEASE")
        if release:
            Path(release).touch()
        print("edited", flush=True)
        return 0
    if mode == "open":
        profile = sys.argv[2]
        with Store.open(profile, passphrase=os.environ.get("PIA_REVIEWER_PASSPHRASE") or None) as store:
            a = Annotation("f" * 64, "race.pdf", 0, "1", "note", [(10.0, 10.0, 30.0, 30.0)], "質問",
                           f"競合テスト {os.getpid()}", "委員R")
            store.add_annotation(a)
            print(a.id, flush=True)
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
