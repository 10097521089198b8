"""Offline and secrets: the whole headless workflow runs with sockets forbidden; secrets stay in the keyring;
the log holds no comment text, quotes or passwords; exports are atomic and written only where chosen."""

from __future__ import annotations

import ast
import json
import logging
import logging.handlers
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reviewer import logs

REPO = Path(__file__).resolve().parents[2]
PDF_PASSWORD = "審議会パス-2026!"
COMMENT_TEXT = "委託先の監督方法について、具体的な手順を記載してください。"
EDITED_TEXT = "委託先への立入検査の頻度を明記してください（再委託を含む）。"
REPLY_TEXT = "所管課に確認のうえ回答します"

# Modules that open network connections; none may be imported by the app's own code.
NETWORK_MODULES = {
    "socket", "ssl", "http", "http.client", "http.server", "urllib.request", "urllib3", "requests", "httpx",
    "aiohttp", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "xmlrpc.client",
    "socketserver", "asyncio", "websocket", "websockets", "PySide6.QtWebEngineCore", "PySide6.QtWebSockets",
}
NETWORK_QT = ("QNetworkAccessManager", "QTcpSocket", "QUdpSocket", "QSslSocket", "QNetworkRequest")


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every way of making a socket raises, and the attempt is recorded (code may swallow the error)."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def _refuse(*args: object, **kwargs: object) -> Any:
            attempts.append(name)
            raise OSError(f"network access attempted: {name}")

        return _refuse

    monkeypatch.setattr(socket.socket, "__init__", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("socket.gethostbyname"))
    monkeypatch.setattr(socket, "socketpair", refuse("socket.socketpair"))
    yield attempts


def _all_text_in(folder: Path) -> bytes:
    out = b""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out += path.read_bytes()
    return out


def _variants(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be"),
            json.dumps(text).encode("ascii")]


def run_workflow(root: Path) -> dict[str, Any]:
    """Generate → encrypt → open with password → structure → search → annotate (commands) → export all formats
    → import the package into the chair's profile. Returns what the assertions need."""
    from reviewer import secrets
    from reviewer.commands import AddAnnotation, EditAnnotation
    from reviewer.document import Packet
    from reviewer.exchange.importer import import_files
    from reviewer.exchange.w3c import write_package
    from reviewer.export.annotated_pdf import write_annotated_pdf
    from reviewer.export.cli import export_sheet
    from reviewer.samples import generate_packet
    from reviewer.search import SearchIndex, default_index_path
    from reviewer.store import Reply, Store
    from reviewer.structure.detect import detect_outline_cached

    member, chair, exports = root / "member", root / "chair", root / "exports"
    exports.mkdir()
    plain = root / "plain.pdf"
    generate_packet(plain, reports=1, pages_per_report=16, seed=5)
    packet_path = root / "審議資料.pdf"
    with pymupdf.open(plain) as doc:
        doc.save(packet_path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=PDF_PASSWORD, owner_pw="o-" + PDF_PASSWORD)

    with Packet.open(packet_path, password=PDF_PASSWORD) as packet:
        sha = packet.sha256
        secrets.remember_pdf_password(sha, PDF_PASSWORD)
        outline = detect_outline_cached(packet, profile=member)
        assert outline.found_report
        with SearchIndex(default_index_path(member)) as index:
            assert index.build(packet)
            hits = index.search(sha, "委託", outline=outline)
            assert hits, "委託 must be found in the generated packet"
            hit = hits[0]
            quote = hit.before[-6:] + hit.match + hit.after[:10]
            hit_page, hit_rects, hit_match = hit.page, [tuple(r) for r in hit.rects], hit.match
        labels = packet.page_labels

    from reviewer.annotations import Annotation

    location = outline.locate(hit_page, hit_rects[0][1])
    own = Annotation(
        file_sha256=sha, file_name=packet_path.name, page=hit_page, page_label=labels[hit_page],
        kind="highlight", rects=[tuple(r) for r in hit_rects],  # type: ignore[misc]
        category="質問", text=COMMENT_TEXT, author="委員 山田", quote=quote,
        document_title=location.document_title, item_label=location.item_label(), node_key=location.node_key(),
    )
    with Store.open(member) as store:  # key from the (test) OS keyring
        AddAnnotation(own).apply(store)
        EditAnnotation(own, replace(own, text=EDITED_TEXT)).apply(store)
        store.add_reply(Reply(annotation_id=own.id, author="事務局", text=REPLY_TEXT))
        store.set_review_mark(sha, location.node_key(), True, "疑問あり")
        mine = store.annotations(sha)
        assert [a.text for a in mine] == [EDITED_TEXT]
        for fmt in ("xlsx", "docx", "pdf", "csv"):
            assert export_sheet(fmt, mine, outline, exports / f"意見一覧.{fmt}", title="意見一覧") == 1
        package = exports / "山田.json"
        assert write_package(mine, package, packet_sha256=sha, packet_name=packet_path.name) == 1
        assert write_annotated_pdf(packet_path, mine, exports / "注釈付き.pdf", password=PDF_PASSWORD) == 1

    with Store.open(chair) as store, Packet.open(packet_path, password=secrets.recalled_pdf_password(sha)) as packet:
        report = import_files(store, sha, outline, [package], packet=packet)
        assert report.added == 1 and not report.refused
        imported = store.annotations(sha)
        assert [(a.text, a.author, a.origin) for a in imported] == [(EDITED_TEXT, "委員 山田", "imported")]
        assert imported[0].item_label == location.item_label()

    from reviewer.cli import main as cli_main

    assert cli_main(["search", str(plain), "ＩＳＭＡＰ", "--profile", str(member), "--json"]) == 0
    assert cli_main(["outline", str(plain), "--profile", str(member)]) == 0
    return {"sha": sha, "quote": quote, "match": hit_match, "member": member, "chair": chair,
            "exports": exports, "database_key": secrets.get_database_key()}


def test_full_workflow_offline_with_debug_log_free_of_secrets(
    tmp_path: Path, no_network: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    log_dir = tmp_path / "logs"
    root_logger = logging.getLogger()
    old_level = root_logger.level
    log_file = logs.setup_logging(log_dir, level=logging.DEBUG)
    try:
        root_logger.setLevel(logging.DEBUG)
        result = run_workflow(tmp_path)
    finally:
        logs.shutdown_logging()
        root_logger.setLevel(old_level)
    capsys.readouterr()

    # Offline: nothing even tried to open a socket.
    assert no_network == []

    # The log was really written at DEBUG level ...
    text = "".join(p.read_text("utf-8") for p in sorted(log_dir.glob("pia-reviewer.log*")))
    assert log_file.is_file() and "imported annotations" in text and "DEBUG" in text
    # ... and holds no comment text, reply, quote, password or key.
    key = result["database_key"]
    assert key and len(key) == 64
    for secret in (COMMENT_TEXT, EDITED_TEXT, REPLY_TEXT, result["quote"], PDF_PASSWORD, key):
        assert secret not in text, f"log leaks {secret[:8]}…"

    # Secrets live only in the keyring: no file in either profile or the exports holds the password or key,
    # and no file of the profiles holds a comment in plain text (the database is encrypted).
    everything = _all_text_in(result["member"]) + _all_text_in(result["chair"]) + _all_text_in(result["exports"])
    for secret in (PDF_PASSWORD, key):
        assert not any(v in everything for v in _variants(secret))
    profiles = _all_text_in(result["member"]) + _all_text_in(result["chair"])
    for secret in (COMMENT_TEXT, EDITED_TEXT, REPLY_TEXT):
        assert not any(v in profiles for v in _variants(secret)), secret[:8]

    # Exports were written only where chosen, with no temporary files left behind.
    assert sorted(p.name for p in result["exports"].iterdir()) == sorted(
        ["意見一覧.xlsx", "意見一覧.docx", "意見一覧.pdf", "意見一覧.csv", "山田.json", "注釈付き.pdf"])


def test_failed_export_leaves_the_previous_file_and_no_temporaries(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    from reviewer.annotations import Annotation
    from reviewer.export.cli import export_sheet

    target = tmp_path / "意見一覧.xlsx"
    target.write_bytes(b"previous version")
    comment = Annotation(file_sha256="ab" * 32, file_name="p.pdf", page=0, page_label="1", kind="note",
                         rects=[(1.0, 1.0, 17.0, 17.0)], category="意見", text="テスト", author="委員")

    def broken_save(self: Workbook, filename: object) -> None:
        Path(str(filename)).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    from reviewer.atomic import ExportError

    with pytest.raises(ExportError):  # a one-line message, no longer a bare OSError (issue 17)
        export_sheet("xlsx", [comment], None, target, title="意見一覧")
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["意見一覧.xlsx"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_network_code_in_the_app() -> None:
    sources = sorted((REPO / "reviewer").rglob("*.py")) + sorted((REPO / "ui").rglob("*.py"))
    assert len(sources) > 20
    offenders = []
    for path in sources:
        found = {name for name in _imports(path) if name in NETWORK_MODULES or name.split(".")[0] in
                 ("requests", "httpx", "aiohttp", "urllib3")}
        # QtNetwork is allowed for QLocalServer/QLocalSocket (single instance: a local pipe, not a network).
        text = path.read_text("utf-8")
        found.update(name for name in NETWORK_QT if name in text)
        if found:
            offenders.append(f"{path.relative_to(REPO)}: {sorted(found)}")
    assert offenders == []


def test_redacting_filter_masks_what_code_should_never_log(tmp_path: Path) -> None:
    from reviewer.annotations import Annotation

    log_file = logs.setup_logging(tmp_path, level=logging.DEBUG)
    log = logging.getLogger("reviewer.test")
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    comment = Annotation(file_sha256="ab" * 32, file_name="p.pdf", page=3, page_label="4", kind="highlight",
                         rects=[(1.0, 1.0, 2.0, 2.0)], category="質問", text=COMMENT_TEXT, author="委員",
                         quote="特定個人情報の引用")
    try:
        logs.register_secret(PDF_PASSWORD)
        log.info("saving %s", comment)
        log.info("saved %r and %s", [comment], {"text": COMMENT_TEXT})
        log.debug("query %s", logs.redacted(COMMENT_TEXT, "query"))
        log.warning("open failed with password=%s for %s", "hunter2hunter2", "資料.pdf")
        log.warning("PRAGMA key='%s'", "00ff" * 16)
        log.warning("user typed %s", PDF_PASSWORD)
        try:
            raise KeyError(COMMENT_TEXT)
        except KeyError:
            log.exception("lookup failed on page %d", 3)
        try:
            try:
                raise ValueError(f"bad quote {comment.quote}")
            except ValueError as inner:
                raise RuntimeError("wrapped") from inner
        except RuntimeError:
            log.error("chained", exc_info=True)
        try:
            raise OSError(2, "No such file or directory", "資料.pdf")
        except OSError:
            log.exception("cannot read")
    finally:
        logs.forget_secret(PDF_PASSWORD)
        logs.shutdown_logging()
        logging.getLogger().setLevel(old_level)
    text = log_file.read_text("utf-8")
    for leaked in (COMMENT_TEXT, "特定個人情報の引用", PDF_PASSWORD, "hunter2hunter2", "00ff" * 16):
        assert leaked not in text
    assert f"<Annotation {comment.id} page=3>" in text
    assert "<list of 1>" in text and "<dict of 1>" in text and "<query:" in text
    assert "KeyError (message of" in text and "lookup failed on page 3" in text
    assert "The above exception was the direct cause" in text and 'File "' in text
    assert "No such file or directory" in text and "資料.pdf" in text
    assert "[redacted]" in text


def test_log_rotates_and_setup_is_idempotent(tmp_path: Path) -> None:
    first = logs.setup_logging(tmp_path / "a")
    second = logs.setup_logging(tmp_path / "b")
    try:
        assert logs.current_log_file() == second and first != second
        handlers = [h for h in logging.getLogger().handlers if getattr(h, "_pia_reviewer_handler", False)]
        assert len(handlers) == 1
        handler = handlers[0]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUP_COUNT
        handler.maxBytes = 2000  # rotate quickly for the test
        log = logging.getLogger("reviewer.rotation")
        for n in range(200):
            log.warning("page %d of %s processed", n, "packet.pdf")
    finally:
        logs.shutdown_logging()
    rotated = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "pia-reviewer.log" in rotated and "pia-reviewer.log.1" in rotated
    assert len(rotated) <= 1 + logs.BACKUP_COUNT
    assert logs.log_dir(tmp_path / "profile") == tmp_path / "profile" / "logs"

