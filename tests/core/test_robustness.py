"""Bad input never takes the app down: every corpus PDF and a set of hostile files either work or give a clear
Japanese ReviewerError, actions in PDFs are classified and never executed, scanned pages are recognised, and
tampered comment files are refused whole."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import time
import uuid
import webbrowser
import zipfile
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer import safety
from reviewer.annotations import Annotation
from reviewer.document import Packet, file_sha256
from reviewer.errors import PasswordRequired, PdfOpenError, ReviewerError
from reviewer.paths import bundled_font
from reviewer.search import extract_page
from reviewer.structure.detect import detect_outline

KEY = "00" * 32
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PAGE_CAP = 40  # pages processed per corpus file (structure detection reads every page)
CORPUS_MANIFEST = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "MANIFEST.tsv"

def _manifest() -> list[dict[str, str]]:
    if not CORPUS_MANIFEST.is_file():
        return []
    with open(CORPUS_MANIFEST, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _password(row: dict[str, str]) -> str | None:
    value = row.get("password", "")
    return value if value and not value.startswith("(") else None


def _corpus_params() -> list[Any]:
    rows = _manifest()
    if not rows:
        return [pytest.param(None, id="corpus-absent")]
    params = []
    for row in rows:
        params.append(pytest.param(row, id=row["file"], marks=[pytest.mark.slow]))
    return params


def assert_clear(exc: ReviewerError) -> None:
    assert JAPANESE.search(exc.message_ja), exc.message_ja
    assert exc.message_en


def _first_readable_page(packet: Packet) -> Any:
    """Damaged page trees may leave single pages unreadable (the viewer shows those blank); the rest works."""
    for index in range(packet.page_count):
        try:
            return packet.doc[index]
        except Exception:  # noqa: S112 - a broken page is skipped, as the viewer does
            continue
    raise AssertionError("no readable page, yet the file was accepted")


def _no_page_loads(path: Path) -> bool:
    """Independent check with plain PyMuPDF: does not a single page of the file load?"""
    import pymupdf

    try:
        doc = pymupdf.open(path)
    except Exception:
        return True
    with doc:
        for index in range(min(doc.page_count, 50)):
            try:
                doc.load_page(index)
                return False
            except Exception:  # noqa: S112
                continue
    return True


def run_pipeline(path: Path, password: str | None = None, page_cap: int = PAGE_CAP) -> dict[str, Any]:
    """Open → page labels → structure → search text of a few pages → text status → render page 0.

    Returns what happened; raises only ReviewerError (anything else is a bug)."""
    with Packet.open(path, password=password) as packet:
        assert packet.doc.is_pdf, f"{path.name} is not a PDF but was accepted"
        if packet.page_count > page_cap:
            try:
                packet.doc.select(list(range(page_cap)))
            except Exception:  # select() itself trips over some broken page trees; then take every page
                pass
        labels = packet.page_labels
        assert len(labels) == packet.page_count
        outline = detect_outline(packet)
        assert outline.pages == packet.page_count
        texts = [extract_page(packet, i) for i in range(min(3, packet.page_count))]
        first = _first_readable_page(packet)
        status = safety.page_text_status(first)
        actions = safety.active_content(packet.doc, max_pages=3)
        pix = first.get_pixmap(dpi=12)
        return {"pages": packet.page_count, "outline": outline, "texts": texts, "status": status,
                "actions": actions, "pixels": pix.width * pix.height}


# ---------------------------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("row", _corpus_params())
def test_corpus_file_works_or_fails_clearly(row: dict[str, str] | None, corpus_dir: Path) -> None:
    if row is None:
        pytest.skip("no MANIFEST.tsv")
    path = corpus_dir / row["file"]
    expected = row["opens_with_pymupdf"]
    password = _password(row)
    try:
        result = run_pipeline(path, password)
    except ReviewerError as exc:
        assert_clear(exc)
        # Only files PyMuPDF cannot open, opens with zero pages or none readable, or no PDF at all may be refused.
        not_pdf = b"%PDF-" not in path.read_bytes()[:1024]
        refusable = expected.startswith("ERROR") or "(0 pages)" in expected or not_pdf or _no_page_loads(path)
        assert refusable, (row["file"], exc.message_en)
        assert isinstance(exc, PdfOpenError)
        return
    assert not expected.startswith("ERROR"), f"{row['file']} was expected to be refused"
    assert result["pages"] >= 1 and result["pixels"] > 0
    if password is not None:
        # An encrypted file opened with its password must really give its text (the needs_pass trap).
        assert int(row["text_chars_extracted"] or 0) == 0 or any(t.norm for t in result["texts"]) or \
            result["pages"] > 3


@pytest.mark.slow
def test_corpus_encrypted_files_refuse_wrong_password_then_accept_right(corpus_dir: Path) -> None:
    rows = [r for r in _manifest() if r["category"] == "encrypted" and _password(r)]
    assert len(rows) >= 10
    for row in rows:
        path = corpus_dir / row["file"]
        with pytest.raises(PasswordRequired) as missing:
            Packet.open(path)
        assert not missing.value.wrong_password
        assert "パスワードで保護" in missing.value.message_ja
        with pytest.raises(PasswordRequired) as wrong:
            Packet.open(path, password="definitely-wrong")
        assert wrong.value.wrong_password
        assert "パスワードが正しくありません" in wrong.value.message_ja
        with Packet.open(path, password=_password(row)) as packet:
            assert packet.page_count >= 1


# ---------------------------------------------------------------------------------------------- helpers


def make_pdf(path: Path, pages: int = 2, text: str = "リスク１：目的外の入手が行われるリスク") -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        page.insert_text((72, 100), f"{text}（{number + 1}）", fontname="ipa", fontsize=11)
        page.insert_text((72, 130), "委託先の監督を行う。ＩＳＭＡＰ", fontname="ipa", fontsize=11)
    doc.save(path)
    doc.close()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """Page 0 has text; page 1 is only an image of text (a scan)."""
    src = pymupdf.open()
    page = src.new_page(width=300, height=200)
    page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
    page.insert_text((20, 50), "スキャンされた評価書の頁", fontname="ipa", fontsize=14)
    png = page.get_pixmap(dpi=72).tobytes("png")
    src.close()
    doc = pymupdf.open()
    text_page = doc.new_page(width=595, height=842)
    text_page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
    text_page.insert_text((72, 100), "本文のある頁", fontname="ipa", fontsize=11)
    scan = doc.new_page(width=595, height=842)
    scan.insert_image(pymupdf.Rect(50, 50, 545, 380), stream=png)
    doc.save(path)
    doc.close()
    return path


def make_actions_pdf(path: Path) -> Path:
    """A PDF with a Launch link, a URI link, an internal link, a javascript: URI, a JavaScript link, a
    JavaScript /OpenAction, page /AA JavaScript and document-level named JavaScript."""
    doc = pymupdf.open()
    doc.new_page(width=595, height=842)
    doc.new_page(width=595, height=842)
    page = doc[0]
    page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
    page.insert_text((72, 60), "リンクのある頁", fontname="ipa", fontsize=11)
    page.insert_link({"kind": pymupdf.LINK_LAUNCH, "from": pymupdf.Rect(72, 80, 200, 100), "file": "calc.exe"})
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 110, 200, 130),
                      "uri": "https://www.ppc.go.jp/"})
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 140, 200, 160),
                      "uri": "javascript:app.alert('x')"})
    page.insert_link({"kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(72, 170, 200, 190), "page": 1,
                      "to": pymupdf.Point(0, 100)})
    js_open = doc.get_new_xref()
    doc.update_object(js_open, "<< /S /JavaScript /JS (app.launchURL\\('http://example.invalid/'\\);) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js_open} 0 R")
    js_link = doc.get_new_xref()
    doc.update_object(js_link, "<< /Type /Annot /Subtype /Link /Rect [72 600 200 620] /Border [0 0 0] "
                               "/A << /S /JavaScript /JS (this.exportDataObject\\({cName: 'x'}\\);) >> >>")
    kind, value = doc.xref_get_key(page.xref, "Annots")
    existing = value.strip("[]") if kind == "array" else ""
    doc.xref_set_key(page.xref, "Annots", f"[{existing} {js_link} 0 R]")
    doc.xref_set_key(page.xref, "AA", "<< /O << /S /JavaScript /JS (app.beep\\(0\\);) >> >>")
    named = doc.get_new_xref()
    doc.update_object(named, "<< /S /Named /N /NextPage >>")
    named_link = doc.get_new_xref()
    doc.update_object(named_link, f"<< /Type /Annot /Subtype /Link /Rect [72 560 200 580] /A {named} 0 R >>")
    kind, value = doc.xref_get_key(page.xref, "Annots")
    doc.xref_set_key(page.xref, "Annots", f"[{value.strip('[]')} {named_link} 0 R]")
    names_js = doc.get_new_xref()
    doc.update_object(names_js, "<< /Names [(init) << /S /JavaScript /JS (app.alert\\(1\\);) >>] >>")
    doc.xref_set_key(doc.pdf_catalog(), "Names", f"<< /JavaScript {names_js} 0 R >>")
    doc.save(path)
    doc.close()
    return path


@pytest.fixture()
def no_execution(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail loudly if anything tries to start a program, open a browser or a file."""
    calls: list[str] = []

    def forbid(name: str) -> Any:
        def _fail(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} must never be called")

        return _fail

    monkeypatch.setattr(subprocess, "Popen", forbid("subprocess.Popen"))
    monkeypatch.setattr(os, "system", forbid("os.system"))
    monkeypatch.setattr(os, "startfile", forbid("os.startfile"), raising=False)
    monkeypatch.setattr(os, "execv", forbid("os.execv"))
    monkeypatch.setattr(os, "execvp", forbid("os.execvp"))
    monkeypatch.setattr(os, "posix_spawn", forbid("os.posix_spawn"), raising=False)
    monkeypatch.setattr(webbrowser, "open", forbid("webbrowser.open"))
    monkeypatch.setattr(webbrowser, "open_new", forbid("webbrowser.open_new"))
    monkeypatch.setattr(webbrowser, "open_new_tab", forbid("webbrowser.open_new_tab"))
    return calls


# ---------------------------------------------------------------------------------------------- bad files


def _png_bytes() -> bytes:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    return bytes(pix.tobytes("png"))


def _zip_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, content", [
    pytest.param("写真.pdf", _png_bytes(), id="png"),
    pytest.param("メモ.pdf", ("これはPDFではありません。\n" * 20).encode(), id="text"),
    pytest.param("文書.pdf", _zip_bytes(), id="zip"),
    pytest.param("html.pdf", b"<!DOCTYPE html><html><body>%PDF-1.7</body></html>" * 30, id="html"),
])
def test_not_a_pdf_is_refused_clearly(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PdfOpenError) as info:
        with Packet.open(path) as packet:
            detect_outline(packet)
    assert_clear(info.value)
    assert path.name in info.value.message_ja
    assert "PDF" in info.value.message_ja


def test_zero_bytes_missing_and_directory(tmp_path: Path) -> None:
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    with pytest.raises(PdfOpenError) as info:
        Packet.open(empty)
    assert "0バイト" in info.value.message_ja
    with pytest.raises(PdfOpenError) as missing:
        Packet.open(tmp_path / "ない.pdf")
    assert "見つかりません" in missing.value.message_ja
    with pytest.raises(PdfOpenError):
        Packet.open(tmp_path)


@pytest.mark.parametrize("fraction", [0.02, 0.25, 0.5, 0.75, 0.98])
def test_truncated_pdf_opens_repaired_or_fails_clearly(tmp_path: Path, fraction: float) -> None:
    data = make_pdf(tmp_path / "full.pdf", pages=3).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: max(1, int(len(data) * fraction))])
    try:
        result = run_pipeline(cut)
    except PdfOpenError as exc:
        assert_clear(exc)
    else:
        assert result["pages"] >= 1


def test_pdf_with_an_unreadable_page_count(tmp_path: Path) -> None:
    """Found by test_fuzz.py (a PDF cut after its page tree): /Count 3 with kids that do not exist."""
    path = tmp_path / "cut-after-page-tree.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
                     b"2 0 obj\n<</Type/Pages/Count 3/Kids[4 0 R 15 0 R 19 0 R]>>\nendobj\n")
    try:
        run_pipeline(path)
    except PdfOpenError as exc:
        assert_clear(exc)


def test_broken_xref_and_startxref_are_repaired(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "ok.pdf", pages=2).read_bytes()
    # Point startxref at garbage and scribble over the xref table.
    start = data.rindex(b"startxref")
    bad_start = data[:start] + b"startxref\n999999\n%%EOF\n"
    bad_table = re.sub(rb"\d{10} \d{5} [nf]", b"0000000099 00000 n", data)
    for name, content in (("bad-startxref.pdf", bad_start), ("bad-xref-table.pdf", bad_table)):
        path = tmp_path / name
        path.write_bytes(content)
        result = run_pipeline(path)
        assert result["pages"] == 2
        assert any("ＩＳＭＡＰ".lower() in t.source.lower() or "ISMAP" in t.norm.upper() for t in result["texts"])


def test_wrong_password_three_times_then_right(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf")
    doc = pymupdf.open(plain)
    secret = tmp_path / "secret.pdf"
    doc.save(secret, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="評価書パス", owner_pw="owner-xyz")
    doc.close()
    with pytest.raises(PasswordRequired) as first:
        Packet.open(secret)
    assert not first.value.wrong_password
    for attempt in ("", "wrong", "評価書"):  # three tries, each refused with the same clear message
        with pytest.raises(PasswordRequired) as wrong:
            Packet.open(secret, password=attempt or None)
        assert_clear(wrong.value)
    with Packet.open(secret, password="評価書パス") as packet:
        assert "目的外の入手" in packet.page_text(0)  # text really readable after authentication
        outline = detect_outline(packet)
        assert outline.pages == 2


def test_scanned_page_has_no_text_layer_but_area_comments_work(tmp_path: Path) -> None:
    from reviewer.store import Store

    path = make_scanned_pdf(tmp_path / "scan.pdf")
    with Packet.open(path) as packet:
        assert safety.page_has_text(packet.doc[0])
        assert not safety.page_has_text(packet.doc[1])
        assert safety.page_text_status(packet.doc[1]) == "scanned"
        assert safety.pages_without_text(packet.doc) == [1]
        message = safety.text_status_message("scanned")
        assert "検索" in message and "範囲コメント" in message
        assert extract_page(packet, 1).norm == ""
        outline = detect_outline(packet)
        assert outline.pages == 2
        sha = packet.sha256
    area = Annotation(file_sha256=sha, file_name=path.name, page=1, page_label="2", kind="area",
                      rects=[(60.0, 60.0, 300.0, 200.0)], category="意見", text="画像の頁への範囲コメント",
                      author="委員A")
    with Store.open(tmp_path / "profile", key=KEY) as store:
        store.add_annotation(area)
        assert [a.id for a in store.annotations(sha)] == [area.id]


def test_blank_and_unreadable_pages(tmp_path: Path, corpus_dir: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()
    assert safety.page_text_status(doc[0]) == "empty"
    assert not safety.page_has_text(doc[0])
    doc.close()
    gazette = corpus_dir / "ja" / "aurochs__20260219h016500001.pdf"  # fonts without a Unicode map
    with Packet.open(gazette) as packet:
        assert safety.page_text_status(packet.doc[0]) == "unreadable"
        assert "正しく読み取れません" in safety.text_status_message("unreadable")


def test_pdf_actions_are_classified_and_never_executed(tmp_path: Path, no_execution: list[str]) -> None:
    path = make_actions_pdf(tmp_path / "actions.pdf")
    result = run_pipeline(path)  # open, structure, search text, render: nothing may run
    assert result["pages"] == 2
    with Packet.open(path) as packet:
        doc_actions = safety.document_actions(packet.doc)
        page_actions = safety.page_actions(packet.doc, 0)
        summary = safety.active_content(packet.doc)
    assert {(a.kind, a.where) for a in doc_actions} == {("javascript", "open"), ("javascript", "names")}
    by_kind: dict[str, list[safety.PdfAction]] = {}
    for action in page_actions:
        by_kind.setdefault(action.kind, []).append(action)
    launch = by_kind["launch"][0]
    assert launch.target == "calc.exe" and launch.executable and safety.link_policy(launch) == "refuse"
    uris = {a.target: safety.link_policy(a) for a in by_kind["uri"]}
    assert uris == {"https://www.ppc.go.jp/": "confirm", "javascript:app.alert('x')": "refuse"}
    goto = by_kind["goto"][0]
    assert goto.target_page == 1 and safety.link_policy(goto) == "follow"
    named = by_kind["named"][0]
    assert named.target == "NextPage" and safety.link_policy(named) == "follow"
    scripts = by_kind["javascript"]
    assert {a.where for a in scripts} == {"link", "page"}
    assert all(safety.link_policy(a) == "refuse" for a in scripts)
    assert all("exportDataObject" not in a.target for a in scripts)  # the script itself is never kept
    assert "開きません" in safety.refusal_message(launch)
    assert summary.javascript == 4 and summary.launch == 1 and summary.uri == 2
    assert summary.has_active_content and "実行しません" in summary.message_ja()
    assert no_execution == []


@pytest.mark.parametrize("target, allowed", [
    ("https://www.ppc.go.jp/legal/", True), ("http://example.jp", True), ("mailto:info@example.jp", True),
    ("file:///etc/passwd", False), ("javascript:alert(1)", False), ("calc.exe", False),
    ("C:\\Windows\\System32\\cmd.exe", False), ("\\\\server\\share\\x.exe", False), ("https://", False),
    ("https://example.jp/\nfile:///x", False), ("smb://host/share", False), ("", False),
])
def test_external_link_policy(target: str, allowed: bool) -> None:
    assert safety.external_link_allowed(target) is allowed
    action = safety.PdfAction("uri", "link", 0, None, target)
    assert safety.link_policy(action) == ("confirm" if allowed else "refuse")


def test_safety_helpers_survive_damaged_documents(corpus_dir: Path) -> None:
    for name in ("malformed/qpdf__pages-loop.pdf", "malformed/pdfjs__Pages-tree-refs.pdf",
                 "structure/pdfium__bookmarks_circular.pdf", "malformed/qpdf__damaged-stream.pdf"):
        doc = pymupdf.open(corpus_dir / name)
        safety.active_content(doc)
        safety.pages_without_text(doc)
        doc.close()


@pytest.mark.slow
def test_two_thousand_page_packet_opens_and_detects(tmp_path: Path, sample_packet: tuple[Path, Any]) -> None:
    source, truth = sample_packet
    big = pymupdf.open()
    with pymupdf.open(source) as part:
        while big.page_count < 2000:
            big.insert_pdf(part, to_page=min(part.page_count, 2000 - big.page_count) - 1)
    path = tmp_path / "packet-2000.pdf"
    big.save(path, garbage=1)
    big.close()
    started = time.perf_counter()
    with Packet.open(path) as packet:
        assert packet.page_count == 2000
        labels = packet.page_labels
        outline = detect_outline(packet)
        seconds = time.perf_counter() - started
        assert len(labels) == 2000
        texts = [extract_page(packet, i) for i in (0, 999, 1999)]
        packet.doc[1999].get_pixmap(dpi=12)
    reports = [d for d in outline.documents if d.form == "全項目評価書"]
    per_copy = sum(1 for d in truth.documents if d.form == "全項目評価書")
    assert len(reports) >= per_copy * (2000 // truth.pages)
    assert all(t.norm for t in texts)
    print(f"2000 pages: open+labels+detect {seconds:.1f} s, {len(outline.documents)} documents")


# ---------------------------------------------------------------------------------------------- comment files


def _comment(sha: str, n: int) -> Annotation:
    return Annotation(
        file_sha256=sha, file_name="p.pdf", page=n % 2, page_label=str(n % 2 + 1), kind="highlight",
        rects=[(72.0, 88.0, 250.0, 102.0)], category="質問", text=f"根拠を示してください（{n}）",
        author="山田太郎", quote="目的外の入手", id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"c{n}")),
        created="2026-11-01T09:00:00.000Z", modified="2026-11-01T09:00:00.000Z",
    )


def test_tampered_package_and_bad_sheets_are_refused_whole(tmp_path: Path) -> None:
    from reviewer.exchange.importer import import_files
    from reviewer.exchange.w3c import write_package
    from reviewer.export.sheet import build_sheet
    from reviewer.export.xlsx import write_xlsx
    from reviewer.store import Store

    pdf = make_pdf(tmp_path / "p.pdf")
    sha = file_sha256(pdf)
    good = tmp_path / "good.json"
    write_package([_comment(sha, n) for n in range(3)], good, packet_sha256=sha, packet_name="p.pdf")
    data = json.loads(good.read_text("utf-8"))
    data["first"]["items"][1]["body"][0]["value"] = "書き換えられた意見"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    other = tmp_path / "other.json"
    write_package([_comment("ab" * 32, 9)], other, packet_sha256="ab" * 32, packet_name="別の資料.pdf")
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[:200])
    sheet = tmp_path / "回答.xlsx"
    write_xlsx(build_sheet([_comment(sha, 0)], None), sheet)
    broken_zip = tmp_path / "broken.xlsx"
    broken_zip.write_bytes(sheet.read_bytes()[:300])
    from openpyxl import load_workbook

    wb = load_workbook(sheet)
    wb.active.title = "Sheet1"
    wrong_sheet = tmp_path / "wrong-sheet.xlsx"
    wb.save(wrong_sheet)

    with Store.open(tmp_path / "chair", key=KEY) as store, Packet.open(pdf) as packet:
        store.add_annotation(_comment(sha, 7))
        before = store.snapshot()
        for bad in (tampered, other, truncated, broken_zip, wrong_sheet):
            report = import_files(store, sha, None, [bad], packet=packet)
            assert [f.ok for f in report.files] == [False], bad.name
            message = report.files[0].message
            assert JAPANESE.search(message) and "取り込" in message, message
            assert store.snapshot() == before, bad.name
        report = import_files(store, sha, None, [other], packet=packet)
        assert "別の資料.pdf" in report.files[0].message
        report = import_files(store, sha, None, [good], packet=packet)
        assert report.files[0].ok and report.added == 3
        assert store.snapshot() != before
