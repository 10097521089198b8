"""Secrets in the OS credential store (keyring): the database key and remembered PDF passwords.

Also the passphrase fallback: when the OS offers no usable keyring, the UI asks the member for a
passphrase and :func:`derive_key` turns it (with a per-database salt) into the database key.

Nothing here logs a secret: log lines name what was looked up (``"database-key"``, a file's sha256),
never the value.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from reviewer.errors import ReviewerError

log = logging.getLogger("reviewer.secrets")

SERVICE = "pia-reviewer"
DATABASE_KEY_NAME = "database-key"
PDF_PASSWORD_PREFIX = "pdf-password:"
KEY_BYTES = 32  # 256-bit database key


class KeyringUnavailable(ReviewerError):
    """There is no usable OS credential store; the UI should offer a passphrase instead."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "このパソコンには、鍵を安全にしまっておく仕組み（OSの資格情報ストア）が見つかりません。"
            "コメントは暗号化して保存しますので、守るためのパスフレーズを決めてください。",
            "This computer has no safe place to keep keys (the system's credential store). Your comments are "
            "stored encrypted: choose a passphrase that protects them.",
        )
        self.detail = detail


def _backend() -> Any:
    """The active keyring backend, or KeyringUnavailable when it is one that cannot store anything."""
    import keyring
    from keyring.backends import chainer, fail, null

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken backend configuration (e.g. an unknown PYTHON_KEYRING_BACKEND)
        raise KeyringUnavailable(type(exc).__name__) from exc
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise KeyringUnavailable(type(backend).__module__ + "." + type(backend).__name__)
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailable("no backends to chain")
    return backend


def _call(action: str, func: Any, *args: str) -> Any:
    """Run one keyring call, turning "no keyring"/"locked" failures into KeyringUnavailable."""
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        return func(*args)
    except PasswordDeleteError:
        raise
    except KeyringError as exc:  # no backend, locked, failed to initialise, refused to store
        raise KeyringUnavailable(f"{action}: {type(exc).__name__}") from exc


def get_database_key() -> str | None:
    """The database key (64 hex digits) if one was stored, else None."""
    backend = _backend()
    value = _call("get", backend.get_password, SERVICE, DATABASE_KEY_NAME)
    if value is None:
        return None
    value = str(value).strip().lower()
    if not _is_hex_key(value):
        log.warning("the stored %s is not a 256-bit hex key; ignoring it", DATABASE_KEY_NAME)
        return None
    return value


def get_or_create_database_key() -> str:
    """The database key from the keyring; a new random 256-bit key is created and stored on first use."""
    existing = get_database_key()
    if existing is not None:
        return existing
    backend = _backend()
    key = secrets.token_hex(KEY_BYTES)
    _call("set", backend.set_password, SERVICE, DATABASE_KEY_NAME, key)
    # Some backends accept a write and keep nothing: never hand out a key that will be lost.
    if get_database_key() != key:
        raise KeyringUnavailable("the keyring did not keep the database key")
    log.info("created a new %s in the keyring", DATABASE_KEY_NAME)
    return key


def _pdf_name(sha256: str) -> str:
    return PDF_PASSWORD_PREFIX + sha256.lower()


def remember_pdf_password(sha256: str, password: str) -> None:
    """Keep the password of the PDF whose content hash is ``sha256``."""
    backend = _backend()
    _call("set", backend.set_password, SERVICE, _pdf_name(sha256), password)
    log.info("remembered the password of %s", sha256[:12])


def recalled_pdf_password(sha256: str) -> str | None:
    """The remembered password of the PDF ``sha256``, or None."""
    backend = _backend()
    value = _call("get", backend.get_password, SERVICE, _pdf_name(sha256))
    return None if value is None else str(value)


def forget_pdf_password(sha256: str) -> None:
    """Forget the PDF's password (no error if none was remembered)."""
    backend = _backend()
    from keyring.errors import PasswordDeleteError

    try:
        _call("delete", backend.delete_password, SERVICE, _pdf_name(sha256))
    except PasswordDeleteError:
        return
    log.info("forgot the password of %s", sha256[:12])


def _is_hex_key(value: str) -> bool:
    if len(value) != 2 * KEY_BYTES:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class KdfParams:
    """How a passphrase becomes the database key (stored, not secret, next to the database)."""

    salt: bytes
    n: int = 2**15
    r: int = 8
    p: int = 1

    @classmethod
    def new(cls) -> KdfParams:
        return cls(salt=secrets.token_bytes(16))

    def to_json(self) -> dict[str, Any]:
        return {"kdf": "scrypt", "salt": self.salt.hex(), "n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        """Parse the stored parameters strictly; ValueError for anything this app would not have written.

        The bounds keep a damaged or hostile ``reviewer.salt`` from making scrypt fail (n not a power of two)
        or ask for gigabytes of memory.
        """
        if not isinstance(data, dict):
            raise ValueError("kdf parameters are not an object")
        if data.get("kdf") != "scrypt":
            raise ValueError(f"unknown kdf {str(data.get('kdf'))[:20]!r}")
        salt_hex, n, r, p = data.get("salt"), data.get("n"), data.get("r"), data.get("p")
        if not isinstance(salt_hex, str) or not 32 <= len(salt_hex) <= 128:
            raise ValueError("salt must be 16 to 64 bytes of hex")
        salt = bytes.fromhex(salt_hex)
        for name, value, low, high in (("n", n, 2**10, 2**20), ("r", r, 1, 32), ("p", p, 1, 16)):
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"{name} out of range")
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        if n & (n - 1):
            raise ValueError("n must be a power of two")
        if 128 * r * n > 256 * 1024 * 1024:
            raise ValueError("parameters need too much memory")
        return cls(salt=salt, n=n, r=r, p=p)


def derive_key(passphrase: str, params: KdfParams) -> str:
    """The 256-bit database key (hex) derived from ``passphrase`` with scrypt."""
    if not passphrase:
        raise ValueError("empty passphrase")
    raw = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=params.salt, n=params.n, r=params.r, p=params.p,
        maxmem=256 * 1024 * 1024, dklen=KEY_BYTES,
    )
    return raw.hex()
