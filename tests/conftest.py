"""Shared fixtures. Every test runs with its own profile directory and an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    profile = tmp_path_factory.mktemp("profile")
    monkeypatch.setenv("PIA_REVIEWER_HOME", str(profile))
    yield profile


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[object]:
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class _Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if (service, username) not in self.store:
                raise PasswordDeleteError(username)
            del self.store[(service, username)]

    previous = keyring.get_keyring()
    backend = _Memory()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present (../shared/corpus)")
    return CORPUS


@pytest.fixture(scope="session")
def sample_packet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The default sample packet (4 reports, ~250 pages) and the generator's truth (an Outline)."""
    from reviewer.samples import generate_packet

    out = tmp_path_factory.mktemp("sample") / "sample-packet.pdf"
    truth = generate_packet(out, reports=4, seed=1)
    return out, truth


@pytest.fixture(scope="session")
def small_packet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A smaller packet (2 reports) for fast GUI tests, with its truth."""
    from reviewer.samples import generate_packet

    out = tmp_path_factory.mktemp("small") / "small-packet.pdf"
    truth = generate_packet(out, reports=2, seed=7)
    return out, truth
