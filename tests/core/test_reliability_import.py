"""Issue 17, import path and profile: races between real processes, lost databases, forged ids and
timestamps, and files that used to crash an import with a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.exchange.importer import import_files
from reviewer.exchange.w3c import build_package, write_package
from reviewer.store import Store

HELPER = Path(__file__).with_name("import_race_worker.py")
REPO = Path(__file__).resolve().parents[2]
KEY = "c3" * 32
MEMBERS = ("山田太郎", "佐藤花子")


def make_packet(path: Path, pages: int = 3) -> Path:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"Page {n + 1} risk text", fontsize=12)
    doc.save(path)
    doc.close()
    return path


def packet_sha(path: Path) -> str:
    from reviewer.document import file_sha256

    return str(file_sha256(path))


def comment(sha: str, author: str, text: str, *, ident: str | None = None, modified: str | None = None,
            page: int = 0, y: float = 100.0) -> Annotation:
    a = Annotation(sha, "packet.pdf", page, str(page + 1), "area", [(72.0, y, 300.0, y + 20)], "質問", text, author)
    if ident is not None:
        a.id = ident
    if modified is not None:
        a.modified = modified
        a.created = min(a.created, modified)
    return a


def package_file(path: Path, sha: str, items: list[Annotation]) -> Path:
    write_package(items, path, packet_sha256=sha, packet_name="packet.pdf")
    return path


@pytest.fixture()
def packet(tmp_path: Path) -> tuple[Path, str]:
    pdf = make_packet(tmp_path / "packet.pdf")
    return pdf, packet_sha(pdf)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PIA_REVIEWER_DB_KEY", "PIA_REVIEWER_PASSPHRASE", "PIA_TEST_GO", "PIA_TEST_HOLD_MERGE")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(HELPER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    return proc


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


# ------------------------------------------------------------------------------------------ finding 1


def test_first_imports_into_a_new_passphrase_profile_race_without_losing_comments(
        packet: tuple[Path, str], tmp_path: Path) -> None:
    """Two first imports at once into a fresh passphrase profile: both succeed and every comment opens again."""
    pdf, sha = packet
    packages = [package_file(tmp_path / f"m{m}.json", sha,
                             [comment(sha, member, f"{member} {k}", y=100.0 + 30 * k) for k in range(3)])
                for m, member in enumerate(MEMBERS)]
    for trial in range(5):
        profile = tmp_path / f"profile{trial}"
        go = tmp_path / f"go{trial}"
        env = _env(PIA_REVIEWER_PASSPHRASE="合言葉 correct horse", PIA_TEST_GO=str(go))
        procs = [_start(["cli", "import", "--profile", str(profile), "--packet", str(pdf), str(p)], env)
                 for p in packages]
        go.touch()
        results = [_finish(p) for p in procs]
        assert [r[0] for r in results] == [0, 0], results
        with Store.open(profile, passphrase="合言葉 correct horse", backup=False) as store:
            assert sorted(a.author for a in store.annotations(sha)) == sorted([*MEMBERS] * 3)
        salt = json.loads((profile / "reviewer.salt").read_text("utf-8"))
        assert salt["kdf"] == "scrypt"


def test_first_start_keyring_race_shares_one_key(tmp_path: Path) -> None:
    """Two processes starting on a fresh profile with a (file-backed) keyring: both open, one key, no comment lost."""
    for trial in range(4):
        profile = tmp_path / f"profile{trial}"
        ring = tmp_path / f"ring{trial}.json"
        go = tmp_path / f"go{trial}"
        env = _env(PIA_TEST_KEYRING=str(ring), PIA_TEST_GO=str(go))
        procs = [_start(["open", str(profile)], env) for _ in range(2)]
        go.touch()
        results = [_finish(p) for p in procs]
        assert [r[0] for r in results] == [0, 0], results
        ids = {r[1].split()[-1] for r in results}
        key = json.loads(ring.read_text("utf-8"))["pia-reviewer/database-key"]
        with Store.open(profile, key=key, backup=False) as store:
            assert {a.id for a in store.annotations(None)} == ids


# ------------------------------------------------------------------------------------------ finding 2


def test_overlapping_import_keeps_the_answer_the_chair_wrote_meanwhile(packet: tuple[Path, str],
                                                                       tmp_path: Path) -> None:
    """An import reading the comments while the chair answers one must not write the old (empty) answer back."""
    pdf, sha = packet
    profile = tmp_path / "chair"
    ident = str(uuid.uuid4())
    first = comment(sha, MEMBERS[0], "第1版", ident=ident, modified="2026-01-01T00:00:00.000Z")
    with Store.open(profile, key=KEY, backup=False) as store:
        import_files(store, sha, None, [package_file(tmp_path / "v1.json", sha, [first])])
    newer = replace(first, text="第2版", modified="2026-02-01T00:00:00.000Z")
    v2 = package_file(tmp_path / "v2.json", sha, [newer])

    merging, edited = tmp_path / "merging", tmp_path / "edited"
    importer = _start(["cli", "import", "--profile", str(profile), "--packet", str(pdf), str(v2)],
                      _env(PIA_REVIEWER_DB_KEY=KEY, PIA_TEST_HOLD_MERGE=f"{merging}:{edited}"))
    # Wait for the import to reach its merge step (it has read the comments by then).
    for _ in range(6000):  # up to a minute; a helper process, not a GUI test: a short poll is the simplest wait
        if merging.exists() or importer.poll() is not None:
            break
        time.sleep(0.01)
    assert merging.exists(), _finish(importer)
    chair = _start(["edit", str(profile), ident], _env(PIA_REVIEWER_DB_KEY=KEY, PIA_TEST_RELEASE=str(edited)))
    chair_result = _finish(chair)
    import_result = _finish(importer)
    assert chair_result[0] == 0, chair_result
    assert import_result[0] == 0, import_result
    with Store.open(profile, key=KEY, backup=False) as store:
        final = store.get_annotation(ident)
    assert final is not None
    assert final.text == "第2版"
    assert final.answer == "所管課の回答です"
    assert final.excluded is True


def test_merge_never_writes_back_chair_fields(packet: tuple[Path, str], tmp_path: Path) -> None:
    """The import's write touches only the member's fields: a chair edit made after the read survives."""
    _pdf, sha = packet
    ident = str(uuid.uuid4())
    first = comment(sha, MEMBERS[0], "第1版", ident=ident, modified="2026-01-01T00:00:00.000Z")
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        store.upsert_imported([replace(first, origin="imported")])
        stale = replace(first, text="第2版", modified="2026-02-01T00:00:00.000Z", origin="imported")
        current = store.get_annotation(ident)
        assert current is not None
        store.update_annotation(replace(current, answer="回答", sheet_text="文言", excluded=True))
        store.upsert_imported([stale])  # carries answer=None, sheet_text=None, excluded=False
        final = store.get_annotation(ident)
    assert final is not None
    assert (final.text, final.answer, final.sheet_text, final.excluded) == ("第2版", "回答", "文言", True)


# ------------------------------------------------------------------------------------------ finding 3


def _profile_with_backup(profile: Path, sha: str) -> None:
    with Store.open(profile, key=KEY) as store:
        store.add_annotation(comment(sha, "委員長", "自分のコメント"))
    with Store.open(profile, key=KEY) as store:  # the second open (version > 0) makes today's backup
        assert store.backups()


@pytest.mark.parametrize("damage", ["emptied", "deleted"])
def test_missing_or_empty_database_beside_backups_is_an_error_not_a_new_database(
        packet: tuple[Path, str], tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.cli import main
    from reviewer.store import DatabaseDamaged

    pdf, sha = packet
    profile = tmp_path / "chair"
    _profile_with_backup(profile, sha)
    db = profile / "reviewer.db"
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    if damage == "emptied":
        db.write_bytes(b"")
    else:
        db.unlink()
    with pytest.raises(DatabaseDamaged) as raised:
        Store.open(profile, key=KEY)
    assert raised.value.backups
    monkeypatch.setenv("PIA_REVIEWER_DB_KEY", KEY)
    code = main(["export", "--profile", str(profile), "--packet", str(pdf), "--format", "csv",
                 str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code != 0
    backup_name = raised.value.backups[0].name
    assert backup_name in err
    assert not (tmp_path / "out.csv").exists()
    # Nothing was created in its place: the restore is still possible from the same state.
    assert not db.exists() or db.stat().st_size == 0


def test_restore_after_a_deleted_database_brings_the_comments_back(packet: tuple[Path, str],
                                                                   tmp_path: Path) -> None:
    from reviewer.store import DatabaseDamaged, restore_backup

    _pdf, sha = packet
    profile = tmp_path / "chair"
    _profile_with_backup(profile, sha)
    (profile / "reviewer.db").unlink()
    with pytest.raises(DatabaseDamaged) as raised:
        Store.open(profile, key=KEY)
    restore_backup(profile, raised.value.backups[0], key=KEY)
    with Store.open(profile, key=KEY) as store:
        assert [a.text for a in store.annotations(sha)] == ["自分のコメント"]


# ------------------------------------------------------------------------------------------ forgery 4 and 5


def test_imported_id_of_the_chairs_own_comment_never_replaces_it(packet: tuple[Path, str], tmp_path: Path) -> None:
    _pdf, sha = packet
    own = comment(sha, "委員長", "委員長の本物の意見", modified="2026-01-01T00:00:00.000Z")
    forged = replace(own, author=MEMBERS[0], text="偽の意見", modified="2026-03-01T00:00:00.000Z")
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        store.add_annotation(own)
        report = import_files(store, sha, None, [package_file(tmp_path / "forged.json", sha, [forged])])
        kept = store.get_annotation(own.id)
        others = [a for a in store.annotations(sha) if a.id != own.id]
        # Importing the same file again adds nothing more.
        again = import_files(store, sha, None, [tmp_path / "forged.json"])
        count = len(store.annotations(sha))
    assert kept is not None
    assert (kept.text, kept.author, kept.origin) == ("委員長の本物の意見", "委員長", "own")
    assert report.updated == 0
    assert [(a.text, a.author, a.origin) for a in others] == [("偽の意見", MEMBERS[0], "imported")]
    assert [c.original_id for c in report.conflicts] == [own.id]
    assert again.added == 0 and count == 2


def test_imported_id_of_another_members_comment_becomes_a_new_comment(packet: tuple[Path, str],
                                                                      tmp_path: Path) -> None:
    _pdf, sha = packet
    genuine = comment(sha, MEMBERS[0], "山田の意見", modified="2026-01-01T00:00:00.000Z")
    forged = replace(genuine, author=MEMBERS[1], text="なりすまし", modified="2026-03-01T00:00:00.000Z")
    update = replace(genuine, text="山田の意見（修正）", modified="2026-02-01T00:00:00.000Z")
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        import_files(store, sha, None, [package_file(tmp_path / "a.json", sha, [genuine])])
        report = import_files(store, sha, None, [package_file(tmp_path / "b.json", sha, [forged])])
        assert store.get_annotation(genuine.id).text == "山田の意見"  # type: ignore[union-attr]
        genuine_update = import_files(store, sha, None, [package_file(tmp_path / "c.json", sha, [update])])
        final = store.get_annotation(genuine.id)
    assert report.added == 1 and report.updated == 0 and len(report.conflicts) == 1
    assert genuine_update.updated == 1
    assert final is not None and final.text == "山田の意見（修正）" and final.author == MEMBERS[0]


def test_modified_far_in_the_future_is_clamped_and_later_versions_still_win(packet: tuple[Path, str],
                                                                           tmp_path: Path) -> None:
    _pdf, sha = packet
    forged = comment(sha, MEMBERS[0], "2999年の版", modified="2999-01-01T00:00:00.000Z")
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        report = import_files(store, sha, None, [package_file(tmp_path / "a.json", sha, [forged])])
        stored = store.get_annotation(forged.id)
        assert stored is not None
        assert datetime.fromisoformat(stored.modified) <= datetime.now(UTC) + timedelta(minutes=1)
        assert [c.annotation_id for c in report.clamped] == [forged.id]
        later = replace(forged, text="本物の新しい版",
                        modified=(datetime.now(UTC) + timedelta(minutes=2)).isoformat().replace("+00:00", "Z"))
        second = import_files(store, sha, None, [package_file(tmp_path / "b.json", sha, [later])])
        final = store.get_annotation(forged.id)
    assert second.updated == 1
    assert final is not None and final.text == "本物の新しい版"


# ------------------------------------------------------------------------------------------ crashes → refusals


def _raw_package(sha: str, mutate: object) -> str:
    good = comment(sha, MEMBERS[0], "ふつうの意見")
    data = build_package([good], packet_sha256=sha, packet_name="packet.pdf")
    del data["pia:digest"]
    text = json.dumps(data, ensure_ascii=False)
    return str(mutate(text)) if callable(mutate) else text  # type: ignore[operator]


@pytest.mark.parametrize("name, mutate", [
    ("surrogate", lambda t: t.replace("ふつうの意見", "\\ud800 意見")),
    ("huge-integer", lambda t: t.replace('"total": 1', '"total": ' + "9" * 5000)),
    ("replies-not-a-list", lambda t: t.replace('"pia:status"', '"pia:extra": {"replies": 5}, "pia:status"')),
    ("deep-nesting", lambda t: "[" * 200_000 + "]" * 200_000),
    ("not-utf8", lambda t: t.encode("utf-16").decode("latin-1")),
])
def test_bad_package_is_a_one_line_refusal_and_the_good_file_still_imports(
        packet: tuple[Path, str], tmp_path: Path, name: str, mutate: object) -> None:
    _pdf, sha = packet
    bad = tmp_path / f"{name}.json"
    text = _raw_package(sha, mutate)
    bad.write_bytes(text.encode("utf-8", "surrogatepass") if name != "not-utf8" else text.encode("latin-1"))
    good = package_file(tmp_path / "good.json", sha, [comment(sha, MEMBERS[1], "届いた意見")])
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        report = import_files(store, sha, None, [bad, good])
        texts = [a.text for a in store.annotations(sha)]
    assert texts == ["届いた意見"]
    refused = report.refused
    assert [Path(f.path).name for f in refused] == [bad.name]
    assert "\n" not in refused[0].message and refused[0].message


def test_deep_nesting_without_packet_is_a_refusal_from_the_cli(packet: tuple[Path, str], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.cli import main

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, "utf-8")
    monkeypatch.setenv("PIA_REVIEWER_DB_KEY", KEY)
    code = main(["import", "--profile", str(tmp_path / "p"), str(deep)])
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err and "--packet" in err


def _packet_with_page_tree_cycle(path: Path) -> Path:
    """Three pages whose page tree also lists itself as a kid: pages 1–3 load, iterating further fails."""
    base = make_packet(path.with_name("base.pdf"))
    doc = pymupdf.open(base)
    pages = int(doc.xref_get_key(doc.pdf_catalog(), "Pages")[1].split()[0])
    kids = doc.xref_get_key(pages, "Kids")[1]
    doc.xref_set_key(pages, "Kids", kids[:-1] + f" {pages} 0 R]")
    doc.xref_set_key(pages, "Count", "4")
    doc.save(path)
    doc.close()
    return path


def test_packet_with_a_page_tree_cycle_takes_a_plain_package(tmp_path: Path) -> None:
    from reviewer.document import Packet

    pdf = _packet_with_page_tree_cycle(tmp_path / "cycle.pdf")
    with Packet.open(pdf) as opened:
        sha = opened.sha256
        pkg = package_file(tmp_path / "a.json", sha, [comment(sha, MEMBERS[0], "循環のある資料への意見")])
        with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
            report = import_files(store, sha, None, [pkg], packet=opened)
            texts = [a.text for a in store.annotations(sha)]
    assert not report.refused, report.refused
    assert texts == ["循環のある資料への意見"]


def test_corpus_packet_with_a_page_tree_loop_takes_a_plain_package(corpus_dir: Path, tmp_path: Path) -> None:
    from reviewer.document import Packet

    source = corpus_dir / "malformed" / "qpdf__pages-loop.pdf"
    if not source.exists():
        pytest.skip("corpus file missing")
    with Packet.open(source) as opened:
        sha = opened.sha256
        item = comment(sha, MEMBERS[0], "ループのある資料への意見")
        pkg = package_file(tmp_path / "a.json", sha, [item])
        with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
            report = import_files(store, sha, None, [pkg], packet=opened)
            texts = [a.text for a in store.annotations(sha)]
    assert not report.refused, report.refused
    assert texts == ["ループのある資料への意見"]




# ------------------------------------------------------------------------------------------ secrets and profile


def _passphrase_profile(profile: Path) -> None:
    with Store.open(profile, passphrase="正しい合言葉", backup=False) as store:
        store.add_annotation(comment("a" * 64, "委員長", "保護されたコメント"))


@pytest.mark.parametrize("salt", [
    b"garbage", b"[]", b'{"kdf": "scrypt"}', b"\xff\xfe\x00",
    b'{"kdf": "scrypt", "salt": "00112233445566778899aabbccddeeff", "n": 3, "r": 8, "p": 1}',
    b'{"kdf": "scrypt", "salt": "00112233445566778899aabbccddeeff", "n": 1099511627776, "r": 8, "p": 1}',
    b'{"kdf": "scrypt", "salt": "zz", "n": 32768, "r": 8, "p": 1}',
])
def test_garbage_salt_is_a_message_not_a_traceback(tmp_path: Path, salt: bytes) -> None:
    from reviewer.store import DatabaseLocked

    profile = tmp_path / "p"
    _passphrase_profile(profile)
    (profile / "reviewer.salt").write_bytes(salt)
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(profile, passphrase="正しい合言葉")
    assert "reviewer.salt" in raised.value.message_ja and "\n" not in raised.value.message_ja


def test_missing_salt_is_named_not_reported_as_a_keyring_database(tmp_path: Path) -> None:
    from reviewer.store import DatabaseLocked

    profile = tmp_path / "p"
    _passphrase_profile(profile)
    (profile / "reviewer.salt").unlink()
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(profile, passphrase="正しい合言葉")
    assert "reviewer.salt" in raised.value.message_ja
    assert "資格情報ストアの鍵で保護" not in raised.value.message_ja
    assert "keyring" not in raised.value.message_en.split("(")[0]


def test_missing_salt_without_a_keyring_names_both_possibilities(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    from reviewer.store import DatabaseLocked

    profile = tmp_path / "p"
    _passphrase_profile(profile)
    (profile / "reviewer.salt").unlink()
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(profile, passphrase="正しい合言葉")
    assert "reviewer.salt" in raised.value.message_ja and "資格情報ストアが使える状態" in raised.value.message_ja


def test_keyring_database_opened_with_a_passphrase_still_says_keyring(tmp_path: Path) -> None:
    from reviewer.store import DatabaseLocked

    profile = tmp_path / "p"
    with Store.open(profile, backup=False) as store:  # the test keyring holds its key
        store.add_annotation(comment("a" * 64, "委員長", "鍵で保護"))
    with pytest.raises(DatabaseLocked) as raised:
        Store.open(profile, passphrase="なにか")
    assert "資格情報ストアの鍵で保護" in raised.value.message_ja


def test_damaged_database_message_is_one_short_line() -> None:
    from reviewer.store import DatabaseDamaged

    detail = "\n".join(f"*** in database main ***\nPage {n}: btreeInitPage() returns error code 11" for n in range(100))
    exc = DatabaseDamaged(Path("reviewer.db"), [], detail)
    assert "\n" not in exc.message_en and len(exc.message_en) < 240
    assert "\n" not in exc.message_ja


def test_read_only_profile_says_the_folder_is_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import apsw

    from reviewer.store import ProfileNotWritable, StorageError
    from reviewer.store import connection as dbconn

    profile = tmp_path / "p"
    with Store.open(profile, key=KEY, backup=False):
        pass
    real_access = os.access

    def no_write(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        return False if mode & os.W_OK and str(path).startswith(str(profile)) else real_access(path, mode)  # type: ignore[arg-type]

    def read_only_connect(*_args: object, **_kwargs: object) -> None:
        raise apsw.ReadOnlyError("attempt to write a readonly database")

    monkeypatch.setattr(os, "access", no_write)
    monkeypatch.setattr(dbconn, "connect", read_only_connect)
    with pytest.raises(StorageError.__mro__[1]) as raised:  # StoreError
        Store.open(profile, key=KEY, backup=False)
    assert isinstance(raised.value, ProfileNotWritable)
    assert "書き込めない" in raised.value.message_ja and "保存できませんでした" not in raised.value.message_ja


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_new_profile_is_private_even_with_umask_022(tmp_path: Path) -> None:
    import stat

    old = os.umask(0o022)
    try:
        profile = tmp_path / "new-profile"
        with Store.open(profile, passphrase="合言葉", backup=False) as store:
            store.add_annotation(comment("a" * 64, "委員長", "非公開"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in profile.iterdir() if p.is_file()}
        assert stat.S_IMODE(profile.stat().st_mode) == 0o700
        assert modes["reviewer.db"] == 0o600 and modes["reviewer.salt"] == 0o600
        assert all(mode & 0o077 == 0 for name, mode in modes.items() if name.startswith("reviewer.db")), modes
        with Store.open(profile, passphrase="合言葉") as store:  # second open: the daily backup
            backups = store.backups()
        assert backups and all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in backups)
    finally:
        os.umask(old)


# ------------------------------------------------------------------------------------------ 100k sticky notes


def _write_cost(profile: Path, count: int) -> float:
    items = [replace(comment("b" * 64, "委員", f"付箋 {i}"), origin="imported") for i in range(count)]
    best = float("inf")
    for attempt in range(3):
        folder = profile / f"{count}-{attempt}"
        with Store.open(folder, key=KEY, backup=False) as s:
            s.subscribe(lambda change: None)  # a view listening, as in the GUI
            # CPU time of this process: other engineers' processes on the shared machine do not count
            start = time.process_time()
            s.upsert_imported(items)
            best = min(best, time.process_time() - start)
        shutil.rmtree(folder)
    return best


def test_large_import_write_grows_linearly(tmp_path: Path) -> None:
    """4× the sticky notes may cost at most 8× the time (the change notification used to be quadratic: 16×).

    Linear growth measures 4–5.4× here (SQLite's indexes add a little); 8× is the geometric middle between
    linear and quadratic, because one run on the shared machine measured 7.5× with the 6× this test had."""
    small = _write_cost(tmp_path, 2500)
    large = _write_cost(tmp_path, 10_000)
    assert large < 8 * small, (small, large)


def test_package_limits_refuse_a_huge_comment_and_too_many_items(packet: tuple[Path, str], tmp_path: Path) -> None:
    from reviewer.limits import MAX_ANNOTATIONS_PER_IMPORT, MAX_COMMENT_CHARS

    _pdf, sha = packet
    long_text = package_file(tmp_path / "long.json", sha, [comment(sha, MEMBERS[0], "あ" * (MAX_COMMENT_CHARS + 1))])
    data = build_package([comment(sha, MEMBERS[0], "1件")], packet_sha256=sha, packet_name="packet.pdf")
    data["first"]["items"] = data["first"]["items"] * (MAX_ANNOTATIONS_PER_IMPORT + 1)
    del data["pia:digest"]
    data["total"] = len(data["first"]["items"])
    many = tmp_path / "many.json"
    many.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        report = import_files(store, sha, None, [long_text, many])
        assert store.annotations(sha) == []
    messages = {Path(f.path).name: f.message for f in report.refused}
    assert "長すぎます" in messages["long.json"]
    assert "多すぎます" in messages["many.json"]


def test_annotated_pdf_whose_nm_is_the_chairs_id_never_replaces_the_chairs_comment(
        packet: tuple[Path, str], tmp_path: Path) -> None:
    from reviewer.document import Packet
    from reviewer.export.annotated_pdf import write_annotated_pdf

    pdf, sha = packet
    own = comment(sha, "委員長", "委員長の本物の意見", modified="2026-01-01T00:00:00.000Z")
    forged = replace(own, author=MEMBERS[0], text="PDFで偽造した意見", modified="2026-03-01T00:00:00.000Z")
    annotated = tmp_path / "annotated.pdf"
    write_annotated_pdf(pdf, [forged], annotated)  # /NM carries the chair's comment id
    with Store.open(tmp_path / "p", key=KEY, backup=False) as store:
        store.add_annotation(own)
        with Packet.open(pdf) as opened:
            report = import_files(store, sha, None, [annotated], packet=opened)
        kept = store.get_annotation(own.id)
        texts = sorted(a.text for a in store.annotations(sha))
    assert not report.refused, report.refused
    assert kept is not None and (kept.text, kept.author, kept.origin) == ("委員長の本物の意見", "委員長", "own")
    assert texts == ["PDFで偽造した意見", "委員長の本物の意見"]
    assert [c.original_id for c in report.conflicts] == [own.id]


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_private_dir_tightens_a_profile_but_not_an_unrelated_folder(tmp_path: Path) -> None:
    import stat

    from reviewer.paths import ensure_private_dir

    profile = tmp_path / "old-profile"
    profile.mkdir(mode=0o755)
    (profile / "settings.ini").write_text("[x]\n", "utf-8")
    os.chmod(profile, 0o755)
    home_like = tmp_path / "home"
    home_like.mkdir()
    (home_like / "Documents").mkdir()
    os.chmod(home_like, 0o755)
    ensure_private_dir(profile)
    ensure_private_dir(home_like)
    assert stat.S_IMODE(profile.stat().st_mode) == 0o700
    assert stat.S_IMODE(home_like.stat().st_mode) == 0o755
    fresh = ensure_private_dir(tmp_path / "a" / "new")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
