"""One export use case for every format, called by the GUI and by ``pia-reviewer export``.

:func:`export` writes the collated sheet (xlsx, docx, pdf, csv), a member's comment package (W3C Web
Annotation JSON) or a copy of the packet with the comments as PDF annotations, and returns an
:class:`ExportResult` with the path, the counts and what to do with the file next.

One filtering rule for every output, so the GUI and the CLI cannot drift apart:

* The chair's outputs (the sheet and the annotated PDF) leave out the comments the chair excluded, carry
  every reply (those in ``extra["replies"]`` and those in the store's reply table), show the chair's wording
  (``sheet_text``) where one is set, and carry the department's answer (the sheet's answer column; in the
  annotated PDF a reply by 「所管課」). ``report`` (1-based) narrows both to one report.
* A comment package carries the member's own comments exactly as written (no exclusion, no chair's wording)
  with their replies: it is the member's original, sent to the chair.

Runs on any thread that owns ``store`` (the GUI passes plain values and a store it may use there).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from reviewer.annotations import Annotation
from reviewer.errors import ReviewerError
from reviewer.structure.model import Outline

if TYPE_CHECKING:
    from reviewer.export.sheet import SheetRow

SHEET_KINDS: tuple[str, ...] = ("xlsx", "docx", "pdf", "csv")
PACKAGE = "package"
ANNOTATED_PDF = "annotated-pdf"
KINDS: tuple[str, ...] = (*SHEET_KINDS, PACKAGE, ANNOTATED_PDF)
ANSWER_AUTHOR = "所管課"

NEXT_STEP: dict[str, tuple[str, str]] = {
    "sheet": ("意見一覧を所管課へ送り、「所管課の回答」欄に回答を書き込んでもらってください。"
              "回答入りのExcelは「コメント」＞「取り込み・書き出し」＞「所管課の回答を取り込む…」で取り込めます。",
              "Send the comment sheet to the department to fill in the answer column; import the answered "
              "Excel file with Comments › Import and export › “Import the departments' answers…”."),
    "sheet-editable": ("所管課に回答を書き込んでもらう意見一覧は Excel（.xlsx）で書き出してください。回答を取り込めるのは"
                       "Excel の意見一覧だけです。",
                       "Export the sheet the department fills in as Excel (.xlsx): answers are imported from the Excel "
                       "sheet only."),
    "sheet-print": ("意見一覧を印刷するか、会議資料として配布してください。",
                    "Print the comment sheet or hand it out with the meeting papers."),
    PACKAGE: ("このファイルを委員長へメールなどで送ってください。",
              "Send this file to the chair, for example by e-mail."),
    ANNOTATED_PDF: ("このPDFは Acrobat などのPDFビューアでコメント付きで読めます。",
                    "Open this PDF in Acrobat or any PDF viewer to read it with the comments."),
}


NEXT_STEP_UNDECLARED = (
    "未申告の変更も行として加えるには、前の版と比較してから書き出してください"
    "（ファイル ＞ 前の版と比較…、または pia-reviewer export の --compare-with）。",
    "To add the undeclared changes as rows, compare with the earlier version first, then export (File > Compare "
    "with the earlier version…, or --compare-with of pia-reviewer export).",
)


class ExportStore(Protocol):
    """What :func:`export` needs of :class:`reviewer.store.Store`."""

    def annotations(self, file_sha256: str | None, *, author: str | None = ...,
                    origin: str | None = ...) -> list[Annotation]: ...

    def replies(self, annotation_id: str) -> list[Any]: ...

    def corrections(self, file_sha256: str) -> list[Any]: ...

    def carried_links(self, new_sha256: str | None = None, old_sha256: str | None = None) -> list[Any]: ...

    def review_marks(self, file_sha256: str) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How to export.

    Attributes:
        packet_path: the packet PDF (needed for the annotated PDF; also names the sheet).
        packet_name: the packet's file name shown in titles and packages (default: ``packet_path``'s name).
        password: the packet's PDF password, if it has one (annotated PDF).
        report: only this report (1-based, sheet and annotated PDF).
        author: only this member's comments.
        title: the sheet's title (default 「意見一覧 — <report or packet>」).
        changes: the comparison of this (revised) packet with its earlier version
            (:attr:`reviewer.compare.service.Comparison.documents`): its undeclared changes become rows of their
            own on the sheet. A packet with comments carried from an earlier version gets the second meeting's
            columns (修正後の記載, 確認結果) in any case.
    """

    packet_path: str | os.PathLike[str] | None = None
    packet_name: str = ""
    password: str | None = None
    report: int | None = None
    author: str | None = None
    title: str | None = None
    changes: Sequence[Any] | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written.

    Attributes:
        path: the file written.
        kind: the format.
        rows: rows of the sheet, or comments in the package / annotated PDF.
        excluded: comments left out because the chair excluded them.
        replies: replies written with the comments.
        next_ja / next_en: one sentence on what to do with the file next (for the result dialog).
        second_meeting: the sheet has the second meeting's columns (修正後の記載, 確認結果).
        undeclared: rows of undeclared changes on the sheet.
        views: the member's 確認済み / 判断への見解 a package carries along with the comments.
    """

    path: Path
    kind: str
    rows: int
    excluded: int
    replies: int
    next_ja: str
    next_en: str
    second_meeting: bool = False
    undeclared: int = 0
    views: int = 0

    def next_step(self, language: str = "ja") -> str:
        """The "what next" sentence in ``language`` ("ja" or "en")."""
        return self.next_en if language.startswith("en") else self.next_ja

    def to_json(self) -> dict[str, Any]:
        return {"format": self.kind, "out": str(self.path), "count": self.rows, "excluded": self.excluded,
                "replies": self.replies, "second_meeting": self.second_meeting, "undeclared": self.undeclared,
                "views": self.views,
                "next": self.next_ja, "next_en": self.next_en}


@dataclass(frozen=True, slots=True)
class Selection:
    """The comments an export writes, after the filtering rule (see the module docstring)."""

    annotations: list[Annotation]
    excluded: int
    replies: int


def with_thread(store: ExportStore, annotations: Sequence[Annotation]) -> list[Annotation]:
    """Copies whose ``extra["replies"]`` also hold the replies kept in the store's reply table."""
    out: list[Annotation] = []
    for a in annotations:
        stored = store.replies(a.id)
        if not stored:
            out.append(a)
            continue
        replies = list(a.extra.get("replies", []) or [])
        known = {(str(r.get("author")), str(r.get("text")), str(r.get("created")))
                 for r in replies if isinstance(r, dict)}
        for reply in stored:
            if (reply.author, reply.text, reply.created) not in known:
                replies.append({"author": reply.author, "text": reply.text, "created": reply.created,
                                "id": reply.id})
        replies.sort(key=lambda r: str(r.get("created", "")) if isinstance(r, dict) else "")
        out.append(replace(a, extra={**a.extra, "replies": replies}))
    return out


def _reply_count(annotations: Sequence[Annotation]) -> int:
    return sum(sum(1 for r in (a.extra.get("replies") or []) if isinstance(r, dict)) for a in annotations)


def _report_index(outline: Outline | None, report: int | None) -> int | None:
    """The document index of 1-based ``report``; raises a ReviewerError when it does not exist."""
    if report is None:
        return None
    from reviewer.export.sheet import report_indexes

    indexes = report_indexes(outline) if outline is not None else []
    if not 1 <= report <= len(indexes):
        raise ReviewerError(f"評価書の番号 {report} はこの資料にありません（1〜{len(indexes)}）。",
                            f"There is no report number {report} in this packet (1 to {len(indexes)}).")
    return indexes[report - 1]


def select(store: ExportStore, packet_sha256: str, outline: Outline | None, kind: str,
           options: ExportOptions) -> Selection:
    """The comments ``kind`` writes, by the one filtering rule (see the module docstring)."""
    if kind == PACKAGE:
        own = store.annotations(packet_sha256, author=options.author, origin=None if options.author else "own")
        threaded = with_thread(store, own)
        return Selection(threaded, 0, _reply_count(threaded))
    found = store.annotations(packet_sha256, author=options.author)
    wanted = _report_index(outline, options.report)
    if wanted is not None and outline is not None:
        found = [a for a in found if outline.document_at(a.page) == wanted]
    kept = [a for a in found if not a.excluded]
    threaded = with_thread(store, kept)
    return Selection(threaded, len(found) - len(kept), _reply_count(threaded))


def as_chair_shows(annotation: Annotation) -> Annotation:
    """The comment as the chair's outputs show it: the chair's wording, and the answer as a reply."""
    text = annotation.sheet_text if annotation.sheet_text is not None else annotation.text
    replies = list(annotation.extra.get("replies", []) or [])
    if annotation.answer:
        replies.append({"author": ANSWER_AUTHOR, "text": annotation.answer, "created": annotation.modified})
    return replace(annotation, text=text, extra={**annotation.extra, "replies": replies})


def sheet_title(packet_name: str, outline: Outline | None, report: int | None) -> str:
    """「意見一覧 — <the report's title>」 for one report, else 「意見一覧 — <packet file name>」."""
    index = _report_index(outline, report) if outline is not None else None
    if index is not None and outline is not None:
        return f"意見一覧 — {outline.documents[index].title}"
    return f"意見一覧 — {packet_name}"


def write_sheet_rows(kind: str, rows: Sequence[SheetRow], out: Path, title: str,
                     columns: Sequence[str] | None = None) -> int:
    """Write sheet rows in ``kind`` (xlsx, docx, pdf, csv) with ``columns`` (default: the first meeting's
    :data:`reviewer.export.sheet.COLUMNS`); returns the number of rows."""
    from reviewer.export.sheet import COLUMNS

    columns = tuple(columns or COLUMNS)
    if kind == "xlsx":
        from reviewer.export.xlsx import write_xlsx

        write_xlsx(list(rows), out, title=title, columns=columns)
    elif kind == "docx":
        from reviewer.export.docx import write_docx

        write_docx(list(rows), out, title=title, columns=columns)
    elif kind == "pdf":
        from reviewer.export.pdf import write_pdf

        write_pdf(list(rows), out, title=title, columns=columns)
    else:
        from reviewer.export.csv import write_csv

        write_csv(list(rows), out, columns)
    return len(rows)


def _changes_of_report(documents: Sequence[Any] | None, outline: Outline | None,
                       report: int | None) -> list[Any] | None:
    """The compared documents whose undeclared changes go on a sheet of ``report`` (all of them for the packet)."""
    if documents is None or report is None or outline is None:
        return None if documents is None else list(documents)
    index = _report_index(outline, report)
    assert index is not None
    title = outline.documents[index].title
    return [d for d in documents if d.title == title]


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def export(store: ExportStore, packet_sha256: str, outline: Outline | None, kind: str,
           out_path: str | os.PathLike[str], *, options: ExportOptions | None = None) -> ExportResult:
    """Write one export of a packet's comments and say what was written and what to do next.

    The GUI calls it from its worker with the open packet's values; ``pia-reviewer export`` calls it
    with the packet it opened. Every file is written atomically.

    Args:
        store: the profile's store (only read).
        packet_sha256: the packet the comments belong to.
        outline: the packet's structure (places comments on the sheet; needed for ``report``).
        kind: one of :data:`KINDS`.
        out_path: where to write.
        options: see :class:`ExportOptions`.

    Raises:
        ReviewerError: an unknown kind, a missing report, nothing to export as a package, or writing over
            the packet itself.
    """
    options = options or ExportOptions()
    out = Path(out_path)
    packet_name = options.packet_name or (Path(options.packet_path).name if options.packet_path else "")
    if kind not in KINDS:
        raise ReviewerError(f"書き出し形式「{kind}」には対応していません。",
                            f"The export format “{kind}” is not supported.")
    if options.packet_path is not None and _same_file(out, options.packet_path):
        raise ReviewerError("元のPDFには上書きできません。別の名前で保存してください。",
                            "The original PDF cannot be overwritten; save under another name.")
    chosen = select(store, packet_sha256, outline, kind, options)
    views: list[Any] = []  # (a package's: the member's marks)
    if kind in SHEET_KINDS:
        title = options.title or sheet_title(packet_name, outline, options.report)
        from reviewer.export.sheet import SECOND_COLUMNS, build_sheet

        # Excluded comments and other reports are already gone (select); build_sheet orders and groups, and
        # lays the hand corrections of the structure over the detected outline for the 項目 column.
        rows = build_sheet(chosen.annotations, outline, corrections=store.corrections(packet_sha256))
        links = store.carried_links(new_sha256=packet_sha256)
        second = bool(links) or options.changes is not None
        undeclared = 0
        if second:
            from reviewer.compare.sheet import second_meeting_rows

            rows = second_meeting_rows(rows, links, _changes_of_report(options.changes, outline, options.report),
                                       outline.page_labels if outline is not None else ())
            undeclared = sum(1 for row in rows if row.undeclared)
        count = write_sheet_rows(kind, rows, out, title, SECOND_COLUMNS if second else None)
        # Answers come back only through the Excel sheet (its hidden ID column): the other formats say so.
        next_ja, next_en = NEXT_STEP[{"xlsx": "sheet", "docx": "sheet-editable", "csv": "sheet-editable"}.get(
            kind, "sheet-print")]
        if second and options.changes is None:
            next_ja, next_en = f"{NEXT_STEP_UNDECLARED[0]}\n{next_ja}", f"{NEXT_STEP_UNDECLARED[1]}\n{next_en}"
        return ExportResult(out, kind, count, chosen.excluded, chosen.replies, next_ja, next_en, second, undeclared)
    elif kind == PACKAGE:
        if not chosen.annotations:
            raise ReviewerError("書き出す自分のコメントがありません。", "There are no comments of your own to export.")
        # The member's hand corrections of the structure travel with the comments (the chair's copy has them), and
        # so do their 確認済み and views of the judgements (the chair sees who found a risk 疑問あり).
        from reviewer.exchange.views import own_views
        from reviewer.exchange.w3c import export_package

        authors = {a.author for a in chosen.annotations}
        views = own_views(store.review_marks(packet_sha256), authors.pop()) if len(authors) == 1 else []
        written = export_package(chosen.annotations, out, packet_sha256=packet_sha256, packet_name=packet_name,
                                 corrections=store.corrections(packet_sha256), views=views)
        count = written.count
        next_ja, next_en = NEXT_STEP[PACKAGE]
        if written.note_ja:
            next_ja, next_en = f"{next_ja}\n{written.note_ja}", f"{next_en}\n{written.note_en}"
    else:
        if options.packet_path is None:
            raise ReviewerError("注釈付きPDFには元の資料（PDF）が必要です。",
                                "An annotated PDF needs the packet PDF it annotates.")
        from reviewer.export.annotated_pdf import write_annotated_pdf

        shown = [as_chair_shows(a) for a in chosen.annotations]
        count = write_annotated_pdf(options.packet_path, shown, out, password=options.password)
        next_ja, next_en = NEXT_STEP[ANNOTATED_PDF]
    return ExportResult(out, kind, count, chosen.excluded, chosen.replies, next_ja, next_en, views=len(views))
