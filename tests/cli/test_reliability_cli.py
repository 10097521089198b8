"""Issue 17 on the real command line: help on keys and passwords, packet passwords, bad keys, lost databases,
per-file refusals, private files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.exchange.w3c import build_package, write_package

REPO = Path(__file__).resolve().parents[2]
KEY = "d4" * 32


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PIA_REVIEWER_")}
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=base,
                          timeout=300, check=False)


def _packet(path: Path, password: str | None = None) -> Path:
    doc = pymupdf.open()
    for n in range(2):
        doc.new_page(width=595, height=842).insert_text((72, 100), f"page {n + 1}")
    if password:
        doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw=password + "-owner")
    else:
        doc.save(path)
    doc.close()
    return path


def _sha(path: Path, password: str | None = None) -> str:
    from reviewer.document import Packet

    with Packet.open(path, password=password) as packet:
        return str(packet.sha256)


def _note(sha: str, author: str, text: str) -> Annotation:
    return Annotation(sha, "packet.pdf", 0, "1", "note", [(72.0, 120.0, 90.0, 138.0)], "質問", text, author)


def test_help_documents_the_passphrase_variable_and_the_packet_password_options() -> None:
    for command in ("import", "export"):
        result = _run(command, "--help")
        assert result.returncode == 0
        assert "PIA_REVIEWER_PASSPHRASE" in result.stdout
        assert "--password-env" in result.stdout and "--password-prompt" in result.stdout


def test_password_protected_packet_imports_and_exports_with_password_env(tmp_path: Path) -> None:
    pdf = _packet(tmp_path / "locked.pdf", password="資料のパスワード")
    sha = _sha(pdf, "資料のパスワード")
    package = tmp_path / "m.json"
    write_package([_note(sha, "山田太郎", "鍵付き資料への意見")], package, packet_sha256=sha, packet_name=pdf.name,
                  sign=False)
    env = {"PIA_REVIEWER_DB_KEY": KEY, "PACKET_PW": "資料のパスワード"}
    profile = tmp_path / "chair"
    refused = _run("import", "--profile", str(profile), "--packet", str(pdf), str(package),
                   env={"PIA_REVIEWER_DB_KEY": KEY})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    done = _run("import", "--profile", str(profile), "--packet", str(pdf), "--password-env", "PACKET_PW",
                str(package), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 1
    out = tmp_path / "sheet.csv"
    exported = _run("export", "--profile", str(profile), "--packet", str(pdf), "--password-env", "PACKET_PW",
                    "--format", "csv", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    assert "鍵付き資料への意見" in out.read_text("utf-8-sig")


def test_malformed_database_key_variable_is_a_message(tmp_path: Path) -> None:
    pdf = _packet(tmp_path / "p.pdf")
    result = _run("export", "--profile", str(tmp_path / "p"), "--packet", str(pdf), "--format", "csv",
                  str(tmp_path / "o.csv"), env={"PIA_REVIEWER_DB_KEY": "xyz"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "PIA_REVIEWER_DB_KEY" in result.stderr
    assert not (tmp_path / "p" / "reviewer.db").exists()


def test_several_files_each_reported_and_the_good_ones_imported(tmp_path: Path) -> None:
    pdf = _packet(tmp_path / "p.pdf")
    sha = _sha(pdf)
    good = tmp_path / "good.json"
    write_package([_note(sha, "佐藤花子", "良い意見")], good, packet_sha256=sha, packet_name=pdf.name, sign=False)
    data = build_package([_note(sha, "鈴木一郎", "X")], packet_sha256=sha, packet_name=pdf.name)
    del data["pia:digest"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False).replace('"X"', '"\\udc00"'), "utf-8")
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(data, ensure_ascii=False).replace('"total": 1', '"total": ' + "7" * 5000), "utf-8")
    result = _run("import", "--profile", str(tmp_path / "chair"), "--packet", str(pdf), str(bad), str(good),
                  str(huge), env={"PIA_REVIEWER_DB_KEY": KEY})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "good.json" in result.stdout
    refused = [line for line in result.stderr.splitlines() if line.startswith("拒否:")]
    assert [line.split(":")[1].strip() for line in refused] == ["bad.json", "huge.json"]
    exported = _run("export", "--profile", str(tmp_path / "chair"), "--packet", str(pdf), "--format", "csv",
                    str(tmp_path / "o.csv"), env={"PIA_REVIEWER_DB_KEY": KEY})
    assert exported.returncode == 0
    assert "良い意見" in (tmp_path / "o.csv").read_text("utf-8-sig")


def test_deleted_database_beside_backups_stops_the_cli_and_names_the_backup(tmp_path: Path) -> None:
    from reviewer.store import Store

    pdf = _packet(tmp_path / "p.pdf")
    profile = tmp_path / "chair"
    with Store.open(profile, key=KEY) as store:
        store.add_annotation(_note(_sha(pdf), "委員長", "消えては困る"))
    with Store.open(profile, key=KEY) as store:
        backup = store.backups()[0].name
    for name in ("reviewer.db", "reviewer.db-wal", "reviewer.db-shm"):
        (profile / name).unlink(missing_ok=True)
    result = _run("export", "--profile", str(profile), "--packet", str(pdf), "--format", "csv",
                  str(tmp_path / "o.csv"), env={"PIA_REVIEWER_DB_KEY": KEY})
    assert result.returncode != 0
    assert backup in result.stderr.splitlines()[0]
    assert "0件" not in result.stdout
    assert not (profile / "reviewer.db").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_profile_created_by_the_cli_is_private(tmp_path: Path) -> None:
    pdf = _packet(tmp_path / "p.pdf")
    sha = _sha(pdf)
    package = tmp_path / "m.json"
    write_package([_note(sha, "山田太郎", "意見")], package, packet_sha256=sha, packet_name=pdf.name, sign=False)
    profile = tmp_path / "new"
    result = _run("import", "--profile", str(profile), "--packet", str(pdf), str(package),
                  env={"PIA_REVIEWER_PASSPHRASE": "合言葉"})
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(profile.stat().st_mode) == 0o700
    for name in ("reviewer.db", "reviewer.salt"):
        assert stat.S_IMODE((profile / name).stat().st_mode) == 0o600, name
