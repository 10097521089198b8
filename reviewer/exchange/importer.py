"""Importing comments into the chair's copy: packages, XFDF, annotated PDFs and returned comment sheets.

Parsing is pure and validates each file whole before anything is written (:func:`load_file`); a refused
file is reported with a one-line message and contributes nothing, and the other files of the same command
still go in (per file, never all-or-nothing across files). The use case itself — plan, then apply as one
undoable command — is :mod:`reviewer.exchange.service`; :func:`import_files` is its one-call form for the
CLI and tests. The rules of the merge (author-bound ids, clamped future times, the chair's fields never
written back) are :meth:`reviewer.store.Store.upsert_imported`.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.annotations import Annotation, Rect, is_newer
from reviewer.errors import ReviewerError
from reviewer.exchange import PackageError
from reviewer.exchange.pdf_annots import pdf_to_page_matrix, quote_on_page, read_pdf_file, unrotated_size
from reviewer.exchange.w3c import parse_package
from reviewer.exchange.xfdf import Matrix, parse_xfdf
from reviewer.store.models import Clamped, IdConflict, MemberView
from reviewer.structure.corrections import Correction
from reviewer.structure.model import Outline

if TYPE_CHECKING:
    from reviewer.document import Packet
    from reviewer.store import Store

log = logging.getLogger("reviewer.exchange")

KINDS = ("package", "xfdf", "pdf", "sheet")
CHAIR_FIELDS = ("excluded", "sheet_text", "answer")
#: ``progress(stage, done, total)``: stage is ``"read"`` (files) or ``"write"`` (comments).
Progress = Callable[[str, int, int], None]


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
        """Each page's size, or None when a page cannot be loaded (a damaged page tree): no size checks then."""
        if self.packet is None:
            return None
        try:
            return [unrotated_size(page) for page in self.packet.doc]
        except Exception as exc:  # pymupdf.mupdf.FzError* (e.g. a cycle in the page tree) derive from Exception
            log.info("page sizes unavailable (%s); imports skip the page-size check", type(exc).__name__)
            return None

    @cached_property
    def page_matrices(self) -> list[Matrix] | None:
        if self.packet is None:
            return None
        try:
            return [pdf_to_page_matrix(page) for page in self.packet.doc]
        except Exception as exc:  # as in page_sizes: a damaged page tree
            log.info("page matrices unavailable (%s)", type(exc).__name__)
            return None

    def quote(self, page: int, rects: Sequence[Rect]) -> tuple[str, str, str]:
        if self.packet is None:
            return "", "", ""
        return quote_on_page(self.packet.doc[page], rects)


@dataclass(slots=True)
class LoadedFile:
    """One accepted file; ``signer_key`` is the base64 key of a valid package signature (None: unsigned)."""

    path: str
    kind: str
    annotations: list[Annotation] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    signer_key: str | None = None
    corrections: list[Correction] = field(default_factory=list)  # hand corrections of the structure (packages)
    views: list[MemberView] = field(default_factory=list)  # members' 確認済み and views (packages)
    views_author: str = ""  # the member whose whole set ``views`` is, as of ``generated`` (see w3c.Package)
    generated: str = ""


@dataclass(slots=True)
class FileReport:
    path: str
    kind: str
    ok: bool
    message: str = ""  # why it was refused (Japanese); message_en the same in English
    comments: int = 0
    authors: list[str] = field(default_factory=list)
    answers: int = 0
    skipped: int = 0
    signed: bool = False
    message_en: str = ""
    views: int = 0  # members' 確認済み / views the package carries

    def reason(self, language: str) -> str:
        """Why the file was refused, in ``language`` ("ja" or "en")."""
        return self.message_en if language == "en" and self.message_en else self.message


@dataclass(slots=True)
class SignerCheck:
    """How one member's comments in this import relate to the key remembered for that member's name.

    ``status``: ``first-use`` (signed; key remembered now), ``verified`` (signed by the remembered key),
    ``other-key`` (signed by a DIFFERENT key: warning), ``unsigned-after-signed`` (no signature although
    earlier packages were signed: warning) or ``unsigned`` (never signed so far).
    """

    author: str
    status: str
    path: str = ""
    fingerprint: str = ""

    @property
    def warning(self) -> bool:
        return self.status in ("other-key", "unsigned-after-signed")

    def message_ja(self) -> str:
        return self.message("ja")

    def message(self, language: str) -> str:
        """The check in words, in ``language`` ("ja" or "en")."""
        name = Path(self.path).name
        en = language == "en"
        if self.status == "other-key":
            if en:
                return (f"Warning: the comments of “{self.author}” ({name}) are signed with a different key "
                        f"than before (key {self.fingerprint}). Check that the member really sent them.")
            return (f"警告: 「{self.author}」のコメント（{name}）は、以前とは別の鍵で署名されています"
                    f"（鍵 {self.fingerprint}）。本人が送ったものか確認してください。")
        if self.status == "unsigned-after-signed":
            if en:
                return (f"Warning: the comments of “{self.author}” ({name}) are not signed, although "
                        "earlier ones were. Check that the member really sent them.")
            return (f"警告: 「{self.author}」のコメント（{name}）には署名がありません。以前は署名付きでした。"
                    "本人が送ったものか確認してください。")
        if self.status == "first-use":
            if en:
                return f"The signing key of “{self.author}” ({self.fingerprint}) is remembered from now on."
            return f"「{self.author}」の署名の鍵（{self.fingerprint}）を記憶しました。"
        if self.status == "verified":
            return f"The signature of “{self.author}” is verified." if en else f"「{self.author}」の署名を確認しました。"
        if en:
            return f"The comments of “{self.author}” ({name}) are not signed."
        return f"「{self.author}」のコメント（{name}）には署名がありません。"


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    answers_attached: int = 0
    answers_unknown: int = 0
    corrections: int = 0  # hand corrections of the structure stored (new or newer)
    views: int = 0  # other members' 確認済み / views stored (new or newer)
    views_withdrawn: int = 0  # ones a member took back, removed
    views_older: int = 0  # packages whose views were older than ones of the same member taken already (unused)
    conflicts: list[IdConflict] = field(default_factory=list)
    clamped: list[Clamped] = field(default_factory=list)
    signers: list[SignerCheck] = field(default_factory=list)

    @property
    def refused(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def warnings(self) -> list[str]:
        """One line per thing the chair should look at: id conflicts, clamped times, signature warnings."""
        return self.warning_lines("ja")

    def warning_lines(self, language: str) -> list[str]:
        """:attr:`warnings` in ``language`` ("ja" or "en")."""
        en = language == "en"
        lines: list[str] = []
        for c in self.conflicts:
            if en:
                whose = "the chair's own" if c.reason == "own" else f"“{c.owner}”'s"
                what = "imported it as a separate comment" if c.new_id else "did not import it"
                lines.append(f"A comment of “{c.author}” used the same id as {whose} comment: {what}.")
                continue
            whose = "この委員長自身" if c.reason == "own" else f"「{c.owner}」"
            what = "別のコメントとして取り込みました" if c.new_id else "取り込みませんでした"
            lines.append(f"「{c.author}」のコメントが{whose}のコメントと同じIDを使っていたため、{what}。")
        for k in self.clamped:
            if en:
                lines.append(f"A comment of “{k.author}” was dated in the future ({k.claimed[:25]}): "
                             "it carries the time of the import instead.")
                continue
            lines.append(f"「{k.author}」のコメントの更新日時（{k.claimed[:25]}）が未来のため、取り込んだ時刻にしました。")
        lines.extend(s.message(language) for s in self.signers if s.warning)
        return lines

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["refused"] = len(self.refused)
        data["warnings"] = self.warnings
        return data


def load_file(path: str | os.PathLike[str], info: PacketInfo) -> LoadedFile:
    """Read and validate one file completely; raises :class:`PackageError` to refuse it whole.

    Only PackageError (and other ReviewerErrors) are expected here; :func:`read_one` also turns any
    unexpected failure of a reader into a one-line refusal of that file.
    """
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"ファイルが見つかりません: {path}", f"File not found: {path}.")
    kind = detect_kind(path)
    loaded = LoadedFile(str(path), kind)
    if kind == "package":
        package = parse_package(
            path.read_bytes(), expected_sha=info.sha256, page_count=info.page_count, page_sizes=info.page_sizes,
            page_labels=info.page_labels, file_name=info.name, origin_name=path.name,
        )
        loaded.annotations = package.annotations
        loaded.signer_key = package.signer_key
        loaded.corrections = list(package.corrections)
        loaded.views = list(package.views)
        loaded.views_author, loaded.generated = package.views_author, package.generated
    elif kind == "xfdf":
        if info.page_matrices is None:
            raise PackageError(f"XFDF「{path.name}」を取り込むには資料のPDFを指定してください（--packet）。",
                               f"To import the XFDF file “{path.name}”, give the packet PDF (--packet).")
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
        from reviewer.export.xlsx import read_answered_sheet

        # (skipped: answers on the second meeting's rows of undeclared changes, which no comment takes)
        loaded.answers, loaded.skipped = read_answered_sheet(path)
    else:
        raise PackageError(
            f"「{path.name}」は取り込める形式ではありません（コメントパッケージJSON、XFDF、注釈付きPDF、回答入りの意見一覧xlsx）。",
            f"“{path.name}” is of an unknown kind and cannot be imported (comment packages in JSON, XFDF, "
            "annotated PDFs and answered comment sheets in xlsx can).",
        )
    return loaded


def read_one(path: str | os.PathLike[str], info: PacketInfo) -> LoadedFile | FileReport:
    """:func:`load_file`, with every failure of that one file turned into a refusal (a FileReport, ok=False).

    A reader crashing on a hostile file (RecursionError, a PyMuPDF format error, a ValueError deep in a
    parser) must not abort the other files of the command, nor show a traceback.
    """
    name = Path(path).name
    try:
        return load_file(path, info)
    except ReviewerError as exc:
        message, detail = exc.message_ja, exc.message_en
    except RecursionError:
        message, detail = (f"「{name}」は構造が深すぎるため取り込めません（何も取り込んでいません）",
                           f"“{name}” is nested too deeply to be imported; nothing was imported from it.")
    except MemoryError:
        message, detail = (f"「{name}」は大きすぎるため取り込めません（何も取り込んでいません）",
                           f"“{name}” is too large to be imported; nothing was imported from it.")
    except Exception as exc:  # a reader's unexpected failure on this file only; logged with its traceback
        log.info("reading %s failed", name, exc_info=True)  # the traceback for the log file, not the terminal
        message = f"「{name}」を読み込めませんでした（{type(exc).__name__}）。何も取り込んでいません"
        detail = f"“{name}” could not be read ({type(exc).__name__}); nothing was imported from it."
    message = " ".join(message.split())  # always one line
    detail = " ".join(detail.split())
    log.info("refused %s: %s", name, detail)
    kind = detect_kind(path) if Path(path).is_file() else "missing"
    return FileReport(str(path), kind, ok=False, message=message, message_en=detail)


def merge(batches: Sequence[Sequence[Annotation]], existing: dict[str, Annotation]) -> list[Annotation]:
    """One annotation per (id, author) (the newest ``modified`` wins), keeping the chair's decisions.

    Two files using one id for different authors stay two items here; the store then keeps the second as a
    new comment (:meth:`reviewer.store.Store.upsert_imported`). ``existing`` only fills in the chair's
    fields for previews; the write never takes them from here.
    """
    merged: dict[tuple[str, str], Annotation] = {}
    for batch in batches:
        for a in batch:
            current = merged.get((a.id, a.author))
            if current is None or is_newer(a.modified, current.modified):
                merged[(a.id, a.author)] = a
    out: list[Annotation] = []
    for a in merged.values():
        old = existing.get(a.id)
        if old is not None and old.author == a.author and old.origin != "own":
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
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``paths`` into ``store`` for the packet ``packet_sha``; returns what happened per file.

    Every file is validated before anything is written; refused files are listed with their message and
    the others go in. All accepted comments and answers are written in one transaction that re-reads the
    stored comments under the write lock (another process may have changed them meanwhile).
    """
    from reviewer.exchange.service import apply_import, plan_import

    name = packet_name or (packet.name if packet is not None else "")
    info = PacketInfo(packet_sha, name, outline, packet)
    plan = plan_import(store, info, paths, progress=progress)
    return apply_import(store, plan, progress=progress)
