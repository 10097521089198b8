"""Signed comment packages: each member's packages carry an Ed25519 signature by a key kept in the keyring.

A name in a package proves nothing (anyone can type 「山田太郎」). The signature ties a package to the
member's own key: the chair's profile remembers the public key the first time it sees a member's signed
package (trust on first use, in the encrypted database) and the import summary warns when a later package
for that name is signed by another key, or unsigned although earlier ones were signed.

* The private key lives only in the OS keyring (entry ``package-signing-key``, 64 hex digits); there is no
  file fallback. Without a keyring, packages are written unsigned and the export says so.
* The signature covers ``pia:digest`` (the SHA-256 of the canonical items, so every comment, author and
  time), the packet's SHA-256 and the package's authors; see :func:`signed_message`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reviewer.errors import ReviewerError

log = logging.getLogger("reviewer.signing")

SIGNING_KEY_NAME = "package-signing-key"
SIGNATURE_FIELD = "pia:signature"
SIGNATURE_TYPE = "Ed25519Signature2026"
_DOMAIN = b"pia-reviewer package signature v1\n"


class SignatureInvalid(ReviewerError):
    """A package's signature does not match its content (edited after signing) or is malformed."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "署名が内容と一致しません（署名の後に書き換えられています）",
            "The signature does not match the content: the package was changed after it was signed.",
        )


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A member's private key (kept in memory only while signing) and its public half (base64)."""

    private: Any  # cryptography's Ed25519PrivateKey
    public_key: str


def _load_private(hex_value: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_value))


def _public_text(private: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def signing_key(create: bool = True) -> SigningKey | None:
    """This member's signing key from the keyring (created on first use), or None when there is no keyring."""
    from reviewer import secrets as keys

    try:
        backend = keys._backend()
        stored = keys._call("get", backend.get_password, keys.SERVICE, SIGNING_KEY_NAME)
        if stored is not None:
            try:
                private = _load_private(str(stored).strip())
                return SigningKey(private, _public_text(private))
            except ValueError:
                log.warning("the stored %s is not an Ed25519 key; not signing", SIGNING_KEY_NAME)
                return None
        if not create:
            return None
        value = secrets.token_bytes(32).hex()
        keys._call("set", backend.set_password, keys.SERVICE, SIGNING_KEY_NAME, value)
        # Some backends accept a write and keep nothing: sign only with a key that will still be there.
        if keys._call("get", backend.get_password, keys.SERVICE, SIGNING_KEY_NAME) != value:
            log.warning("the keyring did not keep the %s", SIGNING_KEY_NAME)
            return None
        log.info("created a new %s in the keyring", SIGNING_KEY_NAME)
        private = _load_private(value)
        return SigningKey(private, _public_text(private))
    except keys.KeyringUnavailable as exc:
        log.info("no keyring, packages are not signed: %s", exc.message_en)
        return None


def signed_message(digest: str, packet_sha256: str, authors: Sequence[str]) -> bytes:
    """The bytes a package signature covers."""
    names = "\n".join(sorted(set(authors)))
    return _DOMAIN + f"{digest}\n{packet_sha256}\n{names}".encode()


def sign_package(package: dict[str, Any], key: SigningKey, authors: Sequence[str]) -> None:
    """Add ``pia:signature`` to a package built by :func:`reviewer.exchange.w3c.build_package`."""
    source = package.get("pia:source") or {}
    message = signed_message(str(package["pia:digest"]), str(source.get("sha256", "")), authors)
    signature = key.private.sign(message)
    package[SIGNATURE_FIELD] = {
        "type": SIGNATURE_TYPE,
        "publicKey": key.public_key,
        "signatureValue": base64.b64encode(signature).decode("ascii"),
    }


def verify_package(root: dict[str, Any], authors: Sequence[str]) -> str | None:
    """The signer's public key (base64) if ``root`` carries a valid signature; None if it is unsigned.

    Raises SignatureInvalid when a signature is present but malformed or does not match. Call only after
    the package's ``pia:digest`` was checked against its items.
    """
    value = root.get(SIGNATURE_FIELD)
    if value is None:
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(value, dict) or value.get("type") != SIGNATURE_TYPE:
        raise SignatureInvalid("unknown signature type")
    public_text, signature_text = value.get("publicKey"), value.get("signatureValue")
    digest = root.get("pia:digest")
    source = root.get("pia:source")
    if not (isinstance(public_text, str) and isinstance(signature_text, str) and isinstance(digest, str)
            and isinstance(source, dict) and isinstance(source.get("sha256"), str)):
        raise SignatureInvalid("incomplete signature")
    if len(public_text) > 100 or len(signature_text) > 200:
        raise SignatureInvalid("oversized signature")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_text, validate=True))
        signature = base64.b64decode(signature_text, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise SignatureInvalid("malformed key or signature") from exc
    try:
        public.verify(signature, signed_message(digest, str(source["sha256"]), authors))
    except InvalidSignature as exc:
        raise SignatureInvalid("signature does not match") from exc
    return public_text


def key_fingerprint(public_key: str) -> str:
    """A short, readable form of a public key for messages (first 16 hex digits of its SHA-256)."""
    import hashlib

    return hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16]
