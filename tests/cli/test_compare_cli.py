"""``pia-reviewer compare`` and ``pia-reviewer carry`` headless, in a subprocess, exactly as the issue's contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.compare.rows import norm
from reviewer.samples.revision import generate_revision_pair
from reviewer.store import Store

KEY = "a1" * 32
REPO = Path(__file__).resolve().parents[2]
CHANGE_KEYS = {"kind", "chapter", "file", "section", "risk", "item", "old_page", "new_page", "old_text", "new_text",
               "old_judgement", "new_judgement", "declared"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    return generate_revision_pair(tmp_path_factory.mktemp("cli-pair"), "revised")


def _run(*args: str, profile: Path) -> dict[str, Any]:
    env = dict(os.environ, PIA_REVIEWER_DB_KEY=KEY, PIA_REVIEWER_HOME=str(profile))
    done = subprocess.run([sys.executable, "-m", "reviewer", *args, "--json"], check=False, cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_compare_json_contract(pair: tuple[Path, Path, Any], tmp_path: Path) -> None:
    old, new, truth = pair
    data = _run("compare", str(old), str(new), profile=tmp_path)
    assert data["old"]["pages"] == truth.old_pages and data["new"]["pages"] == truth.new_pages
    assert len(data["old"]["sha256"]) == 64 and data["old"]["sha256"] != data["new"]["sha256"]
    first = data["documents"][0]
    assert first["new"]["start_page"] == first["old"]["start_page"] + 1  # the inserted page
    assert first["declared_not_found"] == truth.declared_not_found
    assert len(first["changes"]) == len(truth.changes)
    for change in first["changes"]:
        assert set(change) == CHANGE_KEYS
    undeclared = [c for c in first["changes"] if not c["declared"]]
    assert [(c["chapter"], c["section"], c["item"]) for c in undeclared] == [("II", "6", "①保管場所 ※")]
    assert norm("ＩＣカードによる入退室管理") in norm(undeclared[0]["new_text"])
    judgement = next(c for c in first["changes"] if c["kind"] == "judgement")
    expected = next(c for c in truth.changes if c.kind == "judgement")
    assert (judgement["old_judgement"], judgement["new_judgement"]) == (expected.old_judgement,
                                                                        expected.new_judgement)
    assert [d["changes"] for d in data["documents"][1:]] == [[], []]


def test_carry_twice_creates_nothing_new(pair: tuple[Path, Path, Any], tmp_path: Path) -> None:
    old, new, _ = pair
    profile = tmp_path / "profile"
    with pymupdf.open(old) as doc:
        page = next(p for p in range(doc.page_count) if doc[p].search_for("リスクへの対策は十分か"))
        rect = doc[page].search_for("リスクへの対策は十分か")[0]
        sha = __import__("hashlib").sha256(old.read_bytes()).hexdigest()
    with Store.open(profile, key=KEY) as store:
        store.add_annotation(Annotation(
            file_sha256=sha, file_name=old.name, page=page, page_label=str(page), kind="highlight",
            rects=[(rect.x0, rect.y0, rect.x1, rect.y1)], category="質問", text="判断の根拠は？", author="山田太郎",
            quote="リスクへの対策は十分か"))
    first = _run("carry", str(old), str(new), "--profile", str(profile), profile=profile)
    assert len(first["carried"]) == 1
    item = first["carried"][0]
    assert set(item) == {"id", "from", "status", "old_page", "new_page", "quote"}
    assert item["status"] == "unchanged" and item["old_page"] == page and item["new_page"] == page + 1
    with Store.open(profile, key=KEY) as store:
        before = store.snapshot()
    second = _run("carry", str(old), str(new), "--profile", str(profile), profile=profile)
    assert second == first
    with Store.open(profile, key=KEY) as store:
        assert store.snapshot() == before
        assert [a.id for a in store.annotations(None) if a.file_name == new.name] == [item["id"]]

    # The revised packet's sheet is the second meeting's; --compare-with adds the undeclared change as a row.
    sheet = tmp_path / "second.csv"
    exported = _run("export", str(sheet), "--packet", str(new), "--format", "csv", "--compare-with", str(old),
                    "--profile", str(profile), profile=profile)
    assert exported["second_meeting"] is True and exported["undeclared"] == 1 and exported["count"] == 3
    import csv

    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    # In page order (the undeclared change, Ⅱ 6., comes before the comment on Ⅲ), and the item of 別添3 whose change
    # is not in the report after them.
    assert [row["区分"] for row in table] == ["未申告の変更", "質問", "申告のみ（変更なし）"]
    assert table[1]["修正後の記載"] == "（記載変更なし）" and table[1]["ID"] == item["id"]
    assert norm("ＩＣカードによる入退室管理") in norm(table[0]["修正後の記載"])
    plain = _run("export", str(tmp_path / "plain.csv"), "--packet", str(new), "--format", "csv",
                 "--profile", str(profile), profile=profile)
    assert plain["second_meeting"] is True and plain["undeclared"] == 0 and "--compare-with" in plain["next"]


def test_compare_a_password_protected_revision(pair: tuple[Path, Path, Any], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    old, new, truth = pair
    locked = tmp_path / "locked.pdf"
    with pymupdf.open(new) as doc:
        doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="改訂版2026", owner_pw="owner-x")
    env = dict(os.environ, PIA_REVIEWER_DB_KEY=KEY, PIA_REVIEWER_HOME=str(tmp_path))
    refused = subprocess.run([sys.executable, "-m", "reviewer", "compare", str(old), str(locked), "--json"],
                             check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and "password" in refused.stderr
    # The password comes through an environment variable, never on the command line (as for import and export).
    unset = subprocess.run([sys.executable, "-m", "reviewer", "compare", str(old), str(locked), "--new-password-env",
                            "PIA_TEST_REVISION_PASSWORD", "--json"], check=False, cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=300)
    assert unset.returncode != 0 and "PIA_TEST_REVISION_PASSWORD" in unset.stderr
    monkeypatch.setenv("PIA_TEST_REVISION_PASSWORD", "改訂版2026")
    data = _run("compare", str(old), str(locked), "--new-password-env", "PIA_TEST_REVISION_PASSWORD",
                profile=tmp_path)
    assert len(data["documents"][0]["changes"]) == len(truth.changes)
