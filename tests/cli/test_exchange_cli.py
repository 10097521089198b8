"""``pia-reviewer import`` / ``export`` headless: packages, sheets, annotated PDFs, round trip of answers."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.cli import main
from reviewer.document import Packet
from reviewer.exchange.w3c import write_package
from reviewer.export.sheet import COLUMNS, SHEET_NAME

KEY = "ef" * 32
REPO = Path(__file__).resolve().parents[2]
MEMBERS = ("山田太郎", "佐藤花子", "鈴木一郎")


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from reviewer.samples import generate_packet

    out = tmp_path_factory.mktemp("cli") / "審議資料.pdf"
    truth = generate_packet(out, reports=2, seed=11)
    return out, truth


@pytest.fixture(autouse=True)
def db_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIA_REVIEWER_DB_KEY", KEY)


def _risk_positions(truth: object) -> list[tuple[str, int, float, str]]:
    """(report title, page, y, 「Ⅲ n. リスクm」) of the risks in the generator's truth."""
    out = []
    for document in truth.documents:  # type: ignore[attr-defined]
        chapter = section = None
        # Where Ⅲ repeats per file the 項目 names the file (issue 13, bug 8); a report with one file does not.
        repeats = sum(1 for n in document.nodes if n.kind == "chapter" and n.number == "Ⅲ") > 1
        for node in document.nodes:
            if node.kind in ("chapter", "annex"):
                chapter, section = node, None
            elif node.kind == "section":
                section = node
            elif node.kind == "risk" and chapter is not None and section is not None:
                where = f"{chapter.number}（{node.file}）" if node.file and repeats else chapter.number
                out.append((document.title, node.page, node.y, f"{where} {section.number}. リスク{node.number}"))
    return out


def _member_packages(pdf: Path, truth: object, folder: Path) -> tuple[list[Path], dict[str, tuple[str, str]]]:
    """Three members' packages, each commenting just below three risk headings; expected placement by id."""
    with Packet.open(pdf) as p:
        sha, labels = p.sha256, p.page_labels
    risks = _risk_positions(truth)
    assert len(risks) >= 6
    expected: dict[str, tuple[str, str]] = {}
    paths = []
    for m, member in enumerate(MEMBERS):
        comments = []
        for k in range(3):
            title, page, y, label = risks[(m * 3 + k) * len(risks) // 9]
            a = Annotation(sha, pdf.name, page, labels[page], "area", [(80.0, y + 4, 400.0, y + 30)],
                           ("質問", "意見", "要修正")[k], f"{member}の意見{k + 1}：根拠を示してください。", member,
                           id=str(uuid.uuid5(uuid.NAMESPACE_OID, f"{member}{k}")))
            comments.append(a)
            expected[a.id] = (title, label)
        path = folder / f"{member}.json"
        write_package(comments, path, packet_sha256=sha, packet_name=pdf.name)
        paths.append(path)
    return paths, expected


def _positions(paths: list[Path]) -> list[tuple[str, int, float]]:
    out = []
    for path in paths:
        for item in json.loads(path.read_text("utf-8"))["first"]["items"]:
            rect = item["pia:rects"][0]
            out.append((item["id"].removeprefix("urn:uuid:"), int(item["target"]["selector"][0]["value"].split("&")[0][5:]) - 1,
                        float(rect[1])))
    return out


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_and_export_every_format(packet: tuple[Path, object], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document as open_docx
    from openpyxl import load_workbook

    pdf, truth = packet
    profile = str(tmp_path / "chair")
    paths, expected = _member_packages(pdf, truth, tmp_path)

    code, out, err = run(capsys, "import", *map(str, paths), "--packet", str(pdf), "--profile", profile, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["added"], summary["updated"], summary["unchanged"], summary["refused"]) == (9, 0, 0, 0)
    assert [f["authors"] for f in summary["files"]] == [[m] for m in MEMBERS]

    # Twice: nothing new. A tampered package: refused, named, exit status 1.
    code, out, _ = run(capsys, "import", str(paths[0]), "--profile", profile, "--json")  # packet remembered
    assert code == 0 and json.loads(out)["unchanged"] == 3
    tampered = tmp_path / "tampered.json"
    tampered.write_text(paths[1].read_text("utf-8").replace("根拠を", "根拠は"), "utf-8")
    code, out, err = run(capsys, "import", str(tampered), "--packet", str(pdf), "--profile", profile)
    assert code == 1 and "tampered.json" in err and "書き換えられています" in err
    assert "追加 0件" in out

    sheet = tmp_path / "意見一覧.xlsx"
    code, out, err = run(capsys, "export", str(sheet), "--packet", str(pdf), "--format", "xlsx",
                         "--profile", profile, "--json")
    assert code == 0, err
    assert json.loads(out)["count"] == 9
    ws = load_workbook(sheet)[SHEET_NAME]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 9 and [r[0] for r in rows] == list(range(1, 10))
    for r in rows:
        title, label = expected[r[COLUMNS.index("ID")]]
        assert (r[1], r[3]) == (title, label)
    # Report order, then position: the rows follow (report, page, y) of the generator's truth.
    titles = [d.title for d in truth.documents]  # type: ignore[attr-defined]
    positions = {a_id: (titles.index(expected[a_id][0]), page, y) for a_id, page, y in _positions(paths)}
    keys = [positions[r[COLUMNS.index("ID")]] for r in rows]
    assert keys == sorted(keys)

    # The department answers two comments; importing the sheet (no --packet needed) attaches them.
    wb = load_workbook(sheet)
    wb[SHEET_NAME]["I2"] = "記載を追加します。"
    wb[SHEET_NAME]["I5"] = "別紙で説明します。"
    wb.save(sheet)
    code, out, err = run(capsys, "import", str(sheet), "--profile", profile, "--json")
    assert code == 0, err
    assert json.loads(out)["answers_attached"] == 2

    csv_out = tmp_path / "sheet.csv"
    assert run(capsys, "export", str(csv_out), "--packet", str(pdf), "--format", "csv", "--profile", profile)[0] == 0
    lines = csv_out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 10 and "記載を追加します。" in lines[1] and "別紙で説明します。" in lines[4]

    one = tmp_path / "report2.csv"
    assert run(capsys, "export", str(one), "--packet", str(pdf), "--format", "csv", "--report", "2",
               "--profile", profile)[0] == 0
    reports = [d.title for d in truth.documents if d.is_report]  # type: ignore[attr-defined]
    report2 = list(csv.reader(io.StringIO(one.read_text("utf-8-sig"))))[1:]
    wanted = sum(1 for title, _label in expected.values() if title == reports[1])
    assert 0 < wanted < 9 and len(report2) == wanted
    assert {r[1] for r in report2} == {reports[1]} and [r[0] for r in report2] == [str(i) for i in range(1, wanted + 1)]
    code, _, err = run(capsys, "export", str(one), "--packet", str(pdf), "--format", "csv", "--report", "9",
                       "--profile", profile)
    assert code == 2 and "評価書の番号 9" in err

    docx_out = tmp_path / "sheet.docx"
    assert run(capsys, "export", str(docx_out), "--packet", str(pdf), "--format", "docx", "--profile", profile)[0] == 0
    table = open_docx(str(docx_out)).tables[0]
    assert len(table.rows) == 10 and table.rows[1].cells[8].text == "記載を追加します。"

    pdf_out = tmp_path / "sheet.pdf"
    assert run(capsys, "export", str(pdf_out), "--packet", str(pdf), "--format", "pdf", "--profile", profile)[0] == 0
    with pymupdf.open(pdf_out) as doc:
        text = "".join(page.get_text() for page in doc).replace("\n", "")
    assert all(f"{m}の意見1：根拠を示してください。" in text for m in MEMBERS)

    annotated = tmp_path / "annotated.pdf"
    code, out, _ = run(capsys, "export", str(annotated), "--packet", str(pdf), "--format", "annotated-pdf",
                       "--author", "佐藤花子", "--profile", profile, "--json")
    assert code == 0 and json.loads(out)["count"] == 3
    with pymupdf.open(annotated) as doc:
        annots = [(a.info, doc.xref_get_key(a.xref, "IRT")[0] != "null") for page in doc for a in page.annots()]
    infos = [info for info, is_reply in annots if not is_reply]
    assert len(infos) == 3 and {i["title"] for i in infos} == {"佐藤花子"}
    # The department's answers travel as replies, as on the sheet (reviewer.export.service).
    assert {info["title"] for info, is_reply in annots if is_reply} <= {"所管課"}

    from reviewer.store import Reply, Store

    suzuki_first = str(uuid.uuid5(uuid.NAMESPACE_OID, "鈴木一郎0"))
    with Store.open(profile, key=KEY) as store:
        store.add_reply(Reply(suzuki_first, "事務局", "所管課へ照会中です。", created="2026-11-20T00:00:00.000Z"))
    package = tmp_path / "suzuki.json"
    code, out, _ = run(capsys, "export", str(package), "--packet", str(pdf), "--format", "package",
                       "--author", "鈴木一郎", "--profile", profile, "--json")
    assert code == 0 and json.loads(out)["count"] == 3
    items = json.loads(package.read_text("utf-8"))["first"]["items"]
    assert {i["creator"]["name"] for i in items} == {"鈴木一郎"}
    threaded = next(i for i in items if i["id"] == f"urn:uuid:{suzuki_first}")
    assert [(r["author"], r["text"]) for r in threaded["pia:replies"]] == [("事務局", "所管課へ照会中です。")]


def test_import_annotated_pdf_as_its_own_packet(corpus_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    pdf = corpus_dir / "ja/pdfplumber__issue-463-example.pdf"
    code, out, err = run(capsys, "import", str(pdf), "--profile", str(tmp_path / "p"), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["added"] == 3 and summary["files"][0]["authors"] == ["tung.phanhuy"]
    sheet = tmp_path / "s.csv"
    assert run(capsys, "export", str(sheet), "--packet", str(pdf), "--format", "csv", "--profile",
               str(tmp_path / "p"))[0] == 0
    assert "日本語" in sheet.read_text("utf-8-sig") and "tung.phanhuy" in sheet.read_text("utf-8-sig")


def test_import_refuses_unknown_files_and_needs_a_packet(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         packet: tuple[Path, object]) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("ただのメモ", "utf-8")
    code, _, err = run(capsys, "import", str(junk), "--profile", str(tmp_path / "p"))
    assert code == 2 and "--packet" in err
    code, _, err = run(capsys, "import", str(junk), "--packet", str(packet[0]), "--profile", str(tmp_path / "p"))
    assert code == 1 and "取り込める形式ではありません" in err


@pytest.mark.slow
def test_headless_subprocess_with_passphrase(packet: tuple[Path, object], tmp_path: Path) -> None:
    pdf, truth = packet
    paths, _ = _member_packages(pdf, truth, tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PIA_REVIEWER_DB_KEY"}
    env.update(PIA_REVIEWER_PASSPHRASE="委員長のパスフレーズ", PIA_REVIEWER_HOME=str(tmp_path / "home"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "import", *map(str, paths), "--packet", str(pdf), "--json"],
        check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 9
    out = tmp_path / "sheet.csv"
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "export", str(out), "--packet", str(pdf), "--format", "csv"],
        check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(out.read_text("utf-8-sig").splitlines()) == 10
    assert (tmp_path / "home" / "reviewer.salt").is_file()
