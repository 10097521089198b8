"""Importing comments into the chair's copy: packages, XFDF, annotated PDFs and returned comment sheets.

Parsing is pure and validates each file whole before anything is written (:func:`load_file`); a refused
file is reported with its message and contributes nothing. :func:`import_files` then writes everything that
was accepted in ONE Store transaction: the same id imported twice stays one (the newer ``modified`` wins),
authors are kept, comments are placed on the structure (report, chapter, section, risk) by position, and
the chair's own decisions on a comment (excluded, wording for the sheet, department's answer) survive a
re-import of the member's newer version.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.annotations import Annotation, Rect, is_newer
from reviewer.exchange import PackageError
from reviewer.exchange.pdf_annots import pdf_to_page_matrix, quote_on_page, read_pdf_file, unrotated_size
from reviewer.exchange.w3c import parse_package
from reviewer.exchange.xfdf import Matrix, parse_xfdf
from reviewer.export.sheet import place
from reviewer.structure.model import Outline

if TYPE_CHECKING:
    from reviewer.document import Packet
    from reviewer.store import Store

log = logging.getLogger("reviewer.exchange")

KINDS = ("package", "xfdf", "pdf", "sheet")
CHAIR_FIELDS = ("excluded", "sheet_text", "answer")


def detect_kind(path: str | os.PathLike[str]) -> str:
    """What a file is, by its content: ``package``, ``xfdf``, ``pdf``, ``sheet`` or ``unknown``."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "unknown"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "sheet" if "xl/workbook.xml" in archive.namelist() else "unknown"
        except (zipfile.BadZipFile, OSError):
            return "unknown"
    if stripped.startswith((b"{", b"[")):
        return "package"
    if stripped.startswith(b"<") and b"xfdf" in head.lower():
        return "xfdf"
    return "unknown"


class PacketInfo:
    """What the parsers need to know about the chair's packet (read lazily from the open Packet)."""

    def __init__(self, sha256: str, name: str, outline: Outline | None, packet: Packet | None = None) -> None:
        self.sha256 = sha256
        self.name = name
        self.outline = outline
        self.packet = packet

    @property
    def page_count(self) -> int | None:
        if self.packet is not None:
            return self.packet.page_count
        return self.outline.pages if self.outline is not None else None

    @property
    def page_labels(self) -> list[str] | None:
        if self.outline is not None:
            return self.outline.page_labels
        return self.packet.page_labels if self.packet is not None else None

    @cached_property
    def page_sizes(self) -> list[tuple[float, float]] | None:
        if self.packet is None:
            return None
        return [unrotated_size(page) for page in self.packet.doc]

    @cached_property
    def page_matrices(self) -> list[Matrix] | None:
        if self.packet is None:
            return None
        return [pdf_to_page_matrix(page) for page in self.packet.doc]

    def quote(self, page: int, rects: Sequence[Rect]) -> tuple[str, str, str]:
        if self.packet is None:
            return "", "", ""
        return quote_on_page(self.packet.doc[page], rects)


@dataclass(slots=True)
class LoadedFile:
    path: str
    kind: str
    annotations: list[Annotation] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    skipped: int = 0


@dataclass(slots=True)
class FileReport:
    path: str
    kind: str
    ok: bool
    message: str = ""
    comments: int = 0
    authors: list[str] = field(default_factory=list)
    answers: int = 0
    skipped: int = 0


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    answers_attached: int = 0
    answers_unknown: int = 0

    @property
    def refused(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["refused"] = len(self.refused)
        return data


def load_file(path: str | os.PathLike[str], info: PacketInfo) -> LoadedFile:
    """Read and validate one file completely; raises :class:`PackageError` to refuse it whole."""
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"ファイルが見つかりません: {path}", f"file not found: {path}")
    kind = detect_kind(path)
    loaded = LoadedFile(str(path), kind)
    if kind == "package":
        package = parse_package(
            path.read_bytes(), expected_sha=info.sha256, page_count=info.page_count, page_sizes=info.page_sizes,
            page_labels=info.page_labels, file_name=info.name, origin_name=path.name,
        )
        loaded.annotations = package.annotations
    elif kind == "xfdf":
        if info.page_matrices is None:
            raise PackageError(f"XFDF「{path.name}」を取り込むには資料のPDFを指定してください（--packet）。",
                               f"{path.name}: XFDF needs the packet PDF")
        loaded.annotations = parse_xfdf(
            path.read_bytes(), packet_sha=info.sha256, packet_name=info.name, page_matrices=info.page_matrices,
            page_labels=info.page_labels, quote=info.quote, origin_name=path.name,
        )
    elif kind == "pdf":
        loaded.annotations, loaded.skipped = read_pdf_file(
            path, packet_sha=info.sha256, packet_name=info.name, page_count=info.page_count,
            page_sizes=info.page_sizes, page_labels=info.page_labels,
            page_text=info.packet.page_text if info.packet is not None else None,
        )
    elif kind == "sheet":
        from reviewer.export.xlsx import read_sheet_answers

        loaded.answers = read_sheet_answers(path)
    else:
        raise PackageError(
            f"「{path.name}」は取り込める形式ではありません（コメントパッケージJSON、XFDF、注釈付きPDF、回答入りの意見一覧xlsx）。",
            f"{path.name}: unknown file type",
        )
    return loaded


def merge(batches: Sequence[Sequence[Annotation]], existing: dict[str, Annotation]) -> list[Annotation]:
    """One annotation per id (the newest ``modified`` wins), keeping the chair's decisions from ``existing``."""
    merged: dict[str, Annotation] = {}
    for batch in batches:
        for a in batch:
            current = merged.get(a.id)
            if current is None or is_newer(a.modified, current.modified):
                merged[a.id] = a
    out: list[Annotation] = []
    for a in merged.values():
        old = existing.get(a.id)
        if old is not None:
            a = replace(a, origin=old.origin, **{name: getattr(old, name) for name in CHAIR_FIELDS})
        out.append(a)
    return out


def import_files(
    store: Store,
    packet_sha: str,
    outline: Outline | None,
    paths: Sequence[str | os.PathLike[str]],
    *,
    packet: Packet | None = None,
    packet_name: str | None = None,
) -> ImportReport:
    """Import ``paths`` into ``store`` for the packet ``packet_sha``; returns what happened per file.

    Every file is validated before anything is written; refused files are listed with their message.
    All accepted comments and answers are written in one transaction.
    """
    name = packet_name or (packet.name if packet is not None else "")
    info = PacketInfo(packet_sha, name, outline, packet)
    report = ImportReport()
    batches: list[list[Annotation]] = []
    answers: dict[str, str] = {}
    for path in paths:
        try:
            loaded = load_file(path, info)
        except PackageError as exc:
            report.files.append(FileReport(str(path), detect_kind(path) if Path(path).is_file() else "missing",
                                           ok=False, message=exc.message_ja))
            log.warning("refused %s: %s", Path(path).name, exc.message_en)
            continue
        placed = place(loaded.annotations, outline)
        batches.append(placed)
        answers.update(loaded.answers)
        report.files.append(FileReport(
            str(path), loaded.kind, ok=True, comments=len(placed),
            authors=sorted({a.author for a in placed}), answers=len(loaded.answers), skipped=loaded.skipped,
        ))
    existing = {a.id: a for a in store.annotations(packet_sha)}
    merged = merge(batches, existing)
    with store.transaction():
        if merged:
            result = store.upsert_imported(merged)
            report.added, report.updated, report.unchanged = result.added, result.updated, result.unchanged
        for comment_id, answer in answers.items():
            current = store.get_annotation(comment_id)
            if current is None:
                report.answers_unknown += 1
                continue
            if current.answer != answer:
                store.update_annotation(replace(current, answer=answer))
            report.answers_attached += 1
    return report
