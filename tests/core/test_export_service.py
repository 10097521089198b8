"""The one export use case: the same filtering for every format, and the GUI's call equals the CLI's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.document import Packet
from reviewer.errors import ReviewerError
from reviewer.export.service import ANSWER_AUTHOR, ExportOptions, export
from reviewer.export.sheet import SHEET_NAME
from reviewer.store import Store
from reviewer.store.models import Reply
from reviewer.structure.detect import detect_outline_cached
from reviewer.structure.model import Outline

KEY = "ab" * 32
REPO = Path(__file__).resolve().parents[2]


def _comment(sha: str, name: str, page: int, label: str, author: str, n: int, **extra: Any) -> Annotation:
    return Annotation(sha, name, page, label, "area", [(80.0, 200.0 + 40 * n, 400.0, 230.0 + 40 * n)], "質問",
                      f"{author}の質問{n}", author, id=str(uuid.uuid5(uuid.NAMESPACE_OID, f"{author}{n}")),
                      **extra)


@pytest.fixture
def profile(tmp_path: Path, small_packet: tuple[Path, object],
            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path, str, Outline, dict[str, Annotation]]]:
    """A chair's profile: own comments, two imported members, one excluded, chair's wording, an answer, replies."""
    monkeypatch.setenv("PIA_REVIEWER_DB_KEY", KEY)
    pdf = small_packet[0]
    folder = tmp_path / "chair"
    with Packet.open(pdf) as packet:
        sha, labels = packet.sha256, packet.page_labels
        outline = detect_outline_cached(packet, folder)
    reports = [d for d in outline.documents if d.is_report]
    first, second = reports[0].start_page + 3, reports[1].start_page + 3
    made = {
        "own": _comment(sha, pdf.name, first, labels[first], "委員長", 1),
        "yamada": _comment(sha, pdf.name, first, labels[first], "山田", 2, origin="imported",
                           extra={"replies": [{"author": "佐藤", "text": "同感です", "created": "2026-01-01T00:00:00+00:00"}]}),
        "excluded": _comment(sha, pdf.name, first, labels[first], "山田", 3, origin="imported", excluded=True),
        "worded": _comment(sha, pdf.name, second, labels[second], "佐藤", 4, origin="imported",
                           sheet_text="委員長の言い換え", answer="所管課の回答です"),
    }
    store = Store.open(folder, key=KEY)
    with store.transaction():
        for a in made.values():
            store.add_annotation(a)
    store.add_reply(Reply(made["own"].id, "山田", "補足します"))
    store.close()
    yield folder, pdf, sha, outline, made


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    return [[c.value for c in row] for row in load_workbook(path)[SHEET_NAME].iter_rows(min_row=2)]


def _pdf_annotations(path: Path) -> tuple[set[str], list[tuple[str, str]], dict[str, str]]:
    """(comment ids by /NM, replies as (author, text), contents by id) of an annotated PDF."""
    ids: set[str] = set()
    replies: list[tuple[str, str]] = []
    contents: dict[str, str] = {}
    with pymupdf.open(path) as doc:
        for page in doc:
            for annot in page.annots():
                if doc.xref_get_key(annot.xref, "IRT")[0] != "null":
                    replies.append((annot.info["title"], annot.info["content"]))
                    continue
                ident = doc.xref_get_key(annot.xref, "NM")[1]
                ids.add(ident)
                contents[ident] = annot.info["content"]
    return ids, replies, contents


def test_gui_call_and_cli_give_the_same_sheet_rows(profile: tuple[Path, Path, str, Outline, dict[str, Annotation]],
                                                   tmp_path: Path) -> None:
    folder, pdf, sha, outline, made = profile
    gui_out = tmp_path / "gui.xlsx"
    # As ui.exchange_actions.export_job calls it: the open packet's path, name and password, all reports, all members.
    gui_options = ExportOptions(packet_path=str(pdf), packet_name=pdf.name, password=None, report=None, author=None)
    with Store.open(folder, key=KEY) as store:
        result = export(store, sha, outline, "xlsx", str(gui_out), options=gui_options)
    cli_out = tmp_path / "cli.xlsx"
    env = {**os.environ, "PIA_REVIEWER_DB_KEY": KEY}
    run = subprocess.run([sys.executable, "-m", "reviewer", "export", "--format", "xlsx", "--packet", str(pdf),
                          "--profile", str(folder), "--json", str(cli_out)],
                         capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    gui_rows, cli_rows = _xlsx_rows(gui_out), _xlsx_rows(cli_out)
    assert gui_rows == cli_rows
    ids = {row[9] for row in gui_rows}
    assert ids == {made["own"].id, made["yamada"].id, made["worded"].id}
    assert result.rows == 3 and result.excluded == 1
    assert json.loads(run.stdout)["excluded"] == 1
    worded = next(row for row in gui_rows if row[9] == made["worded"].id)
    assert worded[6] == "委員長の言い換え" and worded[8] == "所管課の回答です"
    assert "所管課" in result.next_ja and "department" in result.next_en


def test_annotated_pdf_follows_the_sheet_rule(profile: tuple[Path, Path, str, Outline, dict[str, Annotation]],
                                              tmp_path: Path) -> None:
    folder, pdf, sha, outline, made = profile
    out = tmp_path / "annotated.pdf"
    with Store.open(folder, key=KEY) as store:
        result = export(store, sha, outline, "annotated-pdf", out, options=ExportOptions(packet_path=pdf))
    ids, replies, contents = _pdf_annotations(out)
    assert ids == {made["own"].id, made["yamada"].id, made["worded"].id}  # the excluded one is left out
    assert ("山田", "補足します") in replies  # from the store's reply table
    assert ("佐藤", "同感です") in replies  # carried in the comment itself
    assert (ANSWER_AUTHOR, "所管課の回答です") in replies
    assert contents[made["worded"].id] == "委員長の言い換え"
    assert (result.rows, result.excluded, result.replies) == (3, 1, 2)


def test_annotated_pdf_from_the_cli_has_the_same_comments(
        profile: tuple[Path, Path, str, Outline, dict[str, Annotation]], tmp_path: Path) -> None:
    folder, pdf, sha, outline, _made = profile
    gui_out, cli_out = tmp_path / "gui.pdf", tmp_path / "cli.pdf"
    with Store.open(folder, key=KEY) as store:
        export(store, sha, outline, "annotated-pdf", gui_out, options=ExportOptions(packet_path=pdf))
    from reviewer.cli import main

    assert main(["export", "--format", "annotated-pdf", "--packet", str(pdf), "--profile", str(folder),
                 str(cli_out)]) == 0
    assert _pdf_annotations(gui_out) == _pdf_annotations(cli_out)


def test_package_holds_own_comments_with_replies_and_says_send_to_chair(
        profile: tuple[Path, Path, str, Outline, dict[str, Annotation]], tmp_path: Path) -> None:
    folder, pdf, sha, _outline, made = profile
    out = tmp_path / "mine.json"
    with Store.open(folder, key=KEY) as store:
        result = export(store, sha, None, "package", out, options=ExportOptions(packet_path=pdf))
    items = json.loads(out.read_text("utf-8"))["first"]["items"]
    assert [item["id"].removeprefix("urn:uuid:") for item in items] == [made["own"].id]
    assert result.replies == 1 and result.rows == 1
    assert result.next_step("ja") == "このファイルを委員長へメールなどで送ってください。"
    assert "chair" in result.next_step("en")


def test_one_report_and_its_excluded_count(profile: tuple[Path, Path, str, Outline, dict[str, Annotation]],
                                           tmp_path: Path) -> None:
    folder, pdf, sha, outline, made = profile
    with Store.open(folder, key=KEY) as store:
        first = export(store, sha, outline, "xlsx", tmp_path / "r1.xlsx",
                       options=ExportOptions(packet_path=pdf, report=1))
        second = export(store, sha, outline, "csv", tmp_path / "r2.csv",
                        options=ExportOptions(packet_path=pdf, report=2))
        with pytest.raises(ReviewerError) as missing:
            export(store, sha, outline, "xlsx", tmp_path / "r9.xlsx", options=ExportOptions(report=9))
    assert {row[9] for row in _xlsx_rows(tmp_path / "r1.xlsx")} == {made["own"].id, made["yamada"].id}
    assert (first.rows, first.excluded, second.rows, second.excluded) == (2, 1, 1, 0)
    assert made["worded"].id in (tmp_path / "r2.csv").read_text("utf-8-sig")
    assert "9" in missing.value.message_ja and "report" in missing.value.message_en
    assert not (tmp_path / "r9.xlsx").exists()


def test_never_writes_over_the_packet(profile: tuple[Path, Path, str, Outline, dict[str, Annotation]],
                                      tmp_path: Path) -> None:
    folder, pdf, sha, outline, _made = profile
    before = pdf.read_bytes()
    with Store.open(folder, key=KEY) as store, pytest.raises(ReviewerError):
        export(store, sha, outline, "annotated-pdf", pdf, options=ExportOptions(packet_path=pdf))
    assert pdf.read_bytes() == before


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf", "csv"])
def test_every_sheet_format_leaves_out_the_excluded_comment(
        profile: tuple[Path, Path, str, Outline, dict[str, Annotation]], tmp_path: Path, kind: str) -> None:
    folder, pdf, sha, outline, made = profile
    out = tmp_path / f"sheet.{kind}"
    with Store.open(folder, key=KEY) as store:
        result = export(store, sha, outline, kind, out, options=ExportOptions(packet_path=pdf))
    assert (result.rows, result.excluded, result.path) == (3, 1, out)
    if kind == "csv":
        text = out.read_text("utf-8-sig")
    elif kind == "docx":
        from docx import Document

        text = "\n".join(cell.text for table in Document(str(out)).tables for row in table.rows for cell in row.cells)
    elif kind == "pdf":
        with pymupdf.open(out) as doc:
            text = "".join(page.get_text() for page in doc).replace("\n", "")
    else:
        text = "\n".join(str(value) for row in _xlsx_rows(out) for value in row)
    assert "山田の質問2" in text and "委員長の言い換え" in text
    assert "山田の質問3" not in text  # the excluded comment
    # What to do next: answers come back only through the Excel sheet, and the other editable formats say so.
    if kind == "xlsx":
        assert "所管課の回答を取り込む" in result.next_ja
    elif kind in ("docx", "csv"):
        assert "Excel（.xlsx）で書き出して" in result.next_ja and "Excel (.xlsx)" in result.next_en
    else:
        assert "印刷" in result.next_ja
