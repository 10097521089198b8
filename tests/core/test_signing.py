"""Signed comment packages (issue 17): per-member Ed25519 keys in the keyring, trust on first use on import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewer.annotations import Annotation
from reviewer.exchange import PackageError
from reviewer.exchange.importer import import_files
from reviewer.exchange.w3c import export_package, parse_package
from reviewer.signing import SIGNING_KEY_NAME
from reviewer.store import Store

KEY = "5e" * 32
SHA = "a" * 64


def note(author: str, text: str, **changes: Any) -> Annotation:
    a = Annotation(SHA, "packet.pdf", 0, "1", "note", [(10.0, 10.0, 30.0, 30.0)], "質問", text, author)
    for name, value in changes.items():
        setattr(a, name, value)
    return a


def _export(path: Path, items: list[Annotation]) -> Path:
    written = export_package(items, path, packet_sha256=SHA, packet_name="packet.pdf")
    assert written.signed, written
    return path


def _use_new_member_key(memory_keyring: Any) -> None:
    """Another computer: a different member key in the keyring."""
    memory_keyring.store.pop(("pia-reviewer", SIGNING_KEY_NAME), None)


def test_exported_package_is_signed_and_the_signature_verifies(tmp_path: Path, memory_keyring: Any) -> None:
    path = _export(tmp_path / "m.json", [note("山田太郎", "意見")])
    data = json.loads(path.read_text("utf-8"))
    assert data["pia:signature"]["type"].startswith("Ed25519")
    package = parse_package(path.read_bytes(), expected_sha=SHA)
    assert package.signer_key == data["pia:signature"]["publicKey"]
    # The private key is in the keyring, nowhere in the package.
    private_hex = memory_keyring.store[("pia-reviewer", SIGNING_KEY_NAME)]
    assert private_hex not in path.read_text("utf-8")


def test_signed_package_edited_with_a_recomputed_digest_is_refused(tmp_path: Path) -> None:
    from reviewer.exchange.w3c import items_digest

    path = _export(tmp_path / "m.json", [note("山田太郎", "本物")])
    data = json.loads(path.read_text("utf-8"))
    data["first"]["items"][0]["body"][0]["value"] = "書き換え"
    data["pia:digest"] = items_digest(data["first"]["items"])  # the digest alone would not notice
    with pytest.raises(PackageError) as raised:
        parse_package(json.dumps(data, ensure_ascii=False).encode("utf-8"), expected_sha=SHA)
    assert "署名" in raised.value.message_ja


def test_first_use_is_remembered_and_another_key_later_is_a_warning(tmp_path: Path, memory_keyring: Any) -> None:
    first = _export(tmp_path / "1.json", [note("山田太郎", "第1便")])
    with Store.open(tmp_path / "chair", key=KEY, backup=False) as store:
        report = import_files(store, SHA, None, [first])
        assert [s.status for s in report.signers] == ["first-use"]
        remembered = store.member_key("山田太郎")
        assert remembered == json.loads(first.read_text("utf-8"))["pia:signature"]["publicKey"]
        same = _export(tmp_path / "2.json", [note("山田太郎", "第2便")])
        assert [s.status for s in import_files(store, SHA, None, [same]).signers] == ["verified"]
        _use_new_member_key(memory_keyring)
        forged = _export(tmp_path / "3.json", [note("山田太郎", "なりすましの第3便")])
        report = import_files(store, SHA, None, [forged])
        assert [s.status for s in report.signers] == ["other-key"]
        assert any("別の鍵" in w for w in report.warnings)
        assert store.member_key("山田太郎") == remembered  # the first key stays trusted


def test_unsigned_package_after_signed_ones_is_a_warning(tmp_path: Path) -> None:
    signed = _export(tmp_path / "1.json", [note("山田太郎", "署名付き")])
    unsigned = tmp_path / "2.json"
    written = export_package([note("山田太郎", "署名なし")], unsigned, packet_sha256=SHA, packet_name="packet.pdf",
                             sign=False)
    assert not written.signed
    with Store.open(tmp_path / "chair", key=KEY, backup=False) as store:
        import_files(store, SHA, None, [signed])
        report = import_files(store, SHA, None, [unsigned])
    assert [s.status for s in report.signers] == ["unsigned-after-signed"]
    assert any("署名がありません" in w for w in report.warnings)


def test_without_a_keyring_export_is_unsigned_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    path = tmp_path / "m.json"
    written = export_package([note("山田太郎", "意見")], path, packet_sha256=SHA, packet_name="packet.pdf")
    assert written.count == 1 and not written.signed
    assert "署名なし" in written.note_ja
    data = json.loads(path.read_text("utf-8"))
    assert "pia:signature" not in data
    assert parse_package(path.read_bytes(), expected_sha=SHA).signer_key is None


def test_package_with_imported_comments_is_not_signed(tmp_path: Path) -> None:
    written = export_package([note("佐藤花子", "取り込んだ意見", origin="imported")], tmp_path / "x.json",
                             packet_sha256=SHA, packet_name="packet.pdf")
    assert not written.signed and "取り込んだ" in written.note_ja


def test_remembered_keys_are_in_the_encrypted_database_only(tmp_path: Path) -> None:
    first = _export(tmp_path / "1.json", [note("山田太郎", "第1便")])
    public = json.loads(first.read_text("utf-8"))["pia:signature"]["publicKey"]
    profile = tmp_path / "chair"
    with Store.open(profile, key=KEY, backup=False) as store:
        import_files(store, SHA, None, [first])
    for file in profile.rglob("*"):
        if file.is_file():
            assert public.encode("ascii") not in file.read_bytes(), file
