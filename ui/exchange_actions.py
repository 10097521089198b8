"""Menu actions that move comments in and out: comment packages, XFDF, annotated PDFs, the comment sheet.

* 委員長へ送るコメントを書き出す… — the member's comment package (W3C Web Annotation JSON) for the chair.
* 委員のコメントを取り込む… — packages, XFDF files, annotated PDFs (Acrobat notes and highlights, with their authors)
  and the department's answered sheet (xlsx: answers attach to comments by the hidden ID). Files are read and
  validated in a worker thread; the merge is one undoable command (「コメントを取り込み」) applied on the GUI thread.
  A refused file (malformed, tampered, for another PDF) leaves nothing behind and is named in the message.
* 意見一覧を書き出す（Excel / Word / PDF / CSV）… — the collated sheet for the whole packet or one report.
* 注釈付きPDFを書き出す… — a copy of the packet with the comments as standard PDF annotations.

Writing happens in a worker thread (``ui.ops.Op``); the job functions below get plain values only.

Signals of :class:`ExchangeActions`:
    finished(str, object): (what, result) after an export (the path) or an import (the core ImportReport, None
        when nothing changed).
    failed(str): the Japanese message shown for a refused import or a failed export.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from reviewer.errors import ReviewerError
from reviewer.structure.model import Outline
from ui import file_dialogs, notify
from ui.ops import Op

log = logging.getLogger("ui.exchange")

EXCHANGE_FOLDER_SETTING = "exchange_folder"  # the folder of the last file imported or exported
PDF_COMMENTS_ASKED_SETTING = "pdf_comments_asked:"  # + sha256: the PDF's own comments were offered once
SHEET_FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("Excel", "*.xlsx"),
    "docx": ("Word", "*.docx"),
    "pdf": ("PDF", "*.pdf"),
    "csv": ("CSV", "*.csv"),
}


# ------------------------------------------------------------------------------------------------ core side
@dataclass(frozen=True, slots=True)
class PacketInfo:
    """What the worker needs to know about the open packet (plain values only)."""

    path: str
    sha256: str
    name: str
    page_labels: tuple[str, ...]
    password: str | None = None


def read_import_files(paths: Sequence[str], packet: PacketInfo, outline: Outline | None) -> list[Any]:
    """Read and validate every file (worker thread) through the core's import use case: each file is a
    LoadedFile, or the FileReport of its one-line refusal; one bad file never stops the others."""
    from reviewer.document import Packet
    from reviewer.exchange.importer import PacketInfo as ImportPacket
    from reviewer.exchange.service import read_files

    # This worker's own Packet: PyMuPDF is not thread-safe, so nothing else touches this Document.
    with Packet.open(packet.path, password=packet.password) as opened:
        return read_files(paths, ImportPacket(packet.sha256, packet.name, outline, opened))


def count_pdf_comments(packet: PacketInfo, outline: Outline | None) -> int:
    """How many comments (annotations a reader would list: notes, highlights, boxes…) the packet's own PDF carries
    (worker thread). Page dictionaries are looked at first, without loading the pages: most packets have none."""
    from reviewer.document import open_pdf

    def has_annotations(doc: Any, index: int) -> bool:
        try:
            return bool(doc.xref_get_key(doc.page_xref(index), "Annots")[0] != "null")
        except Exception:  # noqa: BLE001 - a damaged page tree: that page has nothing to offer
            return False

    doc = open_pdf(packet.path, packet.password)
    try:
        annotated = any(has_annotations(doc, index) for index in range(doc.page_count))
    finally:
        doc.close()
    if not annotated:
        return 0
    read = read_import_files([packet.path], packet, outline)
    return sum(len(item.annotations) for item in read if hasattr(item, "annotations"))


def export_job(kind: str, path: str, store: Any, packet: PacketInfo, outline: Outline | None,
               report: int | None, author: str | None, changes: Sequence[Any] | None = None) -> Any:
    """Write one export through the core's one export use case (worker thread); returns its ExportResult.
    ``changes``: the comparison of the open (revised) packet with its earlier version, for the second meeting's
    sheet."""
    from reviewer.export.service import ExportOptions, export

    options = ExportOptions(packet_path=packet.path, packet_name=packet.name, password=packet.password,
                            report=report, author=author, changes=changes)
    return export(store, packet.sha256, outline, kind, path, options=options)


# ------------------------------------------------------------------------------------------------ GUI side
class ExchangeActions(QObject):
    """The import/export menu entries; ``controller`` is the :class:`ui.annotate.AnnotationController`."""

    finished = Signal(str, object)
    failed = Signal(str)

    def __init__(self, controller: Any, window: QWidget | None = None) -> None:
        super().__init__(controller)
        self.controller = controller
        self.window = window
        self._ops: list[Op[Any]] = []
        self._asked_in = -1  # the session generation (open) whose PDF was looked at for its own comments
        self.export_package_action = QAction(self.tr("委員長へ送るコメントを書き出す…"), self)
        self.export_package_action.triggered.connect(lambda _checked=False: self.export_package())
        self.import_action = QAction(self.tr("委員のコメントを取り込む…"), self)
        self.import_action.setToolTip(self.tr(
            "委員のコメントパッケージ（JSON）、XFDF、注釈付きPDF、回答入りの意見一覧（Excel）を取り込みます"))
        # triggered(bool) would arrive as ``paths``: call without it.
        self.import_action.triggered.connect(lambda _checked=False: self.import_files())
        self.sheet_actions: dict[str, QAction] = {}
        for kind, (label, _pattern) in SHEET_FORMATS.items():
            action = QAction(self.tr("意見一覧を書き出す（{format}）…").format(format=label), self)
            action.triggered.connect(lambda _checked=False, k=kind: self.export_sheet(k))
            self.sheet_actions[kind] = action
        self.export_annotated_action = QAction(self.tr("注釈付きPDFを書き出す…"), self)
        self.export_annotated_action.triggered.connect(lambda _checked=False: self.export_annotated_pdf())
        self.import_answers_action = QAction(self.tr("所管課の回答を取り込む…"), self)
        self.import_answers_action.triggered.connect(lambda _checked=False: self.import_answers())
        session = getattr(controller, "session", None)
        if session is not None:  # (a test's stand-in controller may have none)
            session.changed.connect(self._on_session_changed)
            self.offer_pdf_comments()

    def actions(self) -> list[QAction]:
        return [self.export_package_action, self.import_action, self.import_answers_action,
                *self.sheet_actions.values(), self.export_annotated_action]

    def install(self, menu_bar: Any, comment_menu: QMenu | None = None) -> None:
        """Add a 取り込み・書き出し submenu to ``comment_menu`` (or to the menu bar)."""
        menu = comment_menu.addMenu(self.tr("取り込み・書き出し")) if comment_menu is not None else \
            menu_bar.addMenu(self.tr("取り込み・書き出し(&X)"))
        menu.addAction(self.export_package_action)
        menu.addAction(self.import_action)
        menu.addAction(self.import_answers_action)
        menu.addSeparator()
        for action in self.sheet_actions.values():
            menu.addAction(action)
        menu.addAction(self.export_annotated_action)
        self.menu = menu

    # -------------------------------------------------------------------------------- helpers
    def _packet(self) -> PacketInfo | None:
        c = self.controller
        if not c.sha256 or c.path is None or c.store is None:
            self._warn(self.tr("PDFが開かれていません。"))
            return None
        return PacketInfo(str(c.path), c.sha256, c.file_name, tuple(c.page_labels), c.password)

    def _parent(self) -> QWidget | None:
        return self.window if isinstance(self.window, QWidget) else None

    def _warn(self, text: str) -> None:
        self.failed.emit(text)
        notify.error(self._parent(), self.tr("取り込み・書き出し"), text)

    def _inform(self, text: str) -> None:
        notify.info(self._parent(), self.tr("取り込み・書き出し"), text)

    def _on_error(self, exc: BaseException) -> None:
        if not isinstance(exc, (ReviewerError, OSError)):
            log.error("exchange failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._warn(notify.error_text(exc))

    # -------------------------------------------------------------------------------- the PDF's own comments
    def _on_session_changed(self, change: Any) -> None:
        from ui.session import INDEX, OUTLINE, STORE

        if OUTLINE in change or STORE in change or INDEX in change:
            self.offer_pdf_comments()

    def offer_pdf_comments(self) -> None:
        """Once per packet and profile: when the open PDF itself carries comments (a member who commented in
        another reader and sent the PDF), ask whether to add them to the comment list — they were only drawn on
        the page, not listed, exported or counted."""
        c = self.controller
        session = c.session
        if (c.store is None or c.outline is None or not c.sha256 or c.path is None
                or getattr(self.window, "batch_mode", False) or self._asked_in == session.generation):
            return
        if session.index_state not in ("ready", "failed"):
            return  # after the first open's own work: the PDF is read again here, and nothing is urgent
        self._asked_in = session.generation  # once per open
        if c.stored_setting(PDF_COMMENTS_ASKED_SETTING + c.sha256, ""):
            return
        packet = PacketInfo(str(c.path), c.sha256, c.file_name, tuple(c.page_labels), c.password)
        generation = session.generation
        # An offer that cannot look (a damaged file) says nothing: the member did not ask.
        self._run(Op(self, count_pdf_comments, packet, c.outline)
                  .success(lambda count: self._ask_pdf_comments(count, generation)),
                  on_error=lambda exc: log.warning("the PDF's own comments: %s", type(exc).__name__))

    def _ask_pdf_comments(self, count: int, generation: int) -> None:
        c = self.controller
        if count <= 0 or generation != c.session.generation or c.store is None:
            return
        shown = [box for box in notify.open_boxes() if box.isVisible()]
        if shown:  # one question at a time (the offer to compare may be showing): after it is answered
            shown[-1].finished.connect(lambda _result: self._ask_pdf_comments(count, generation))
            return
        c.store_setting(PDF_COMMENTS_ASKED_SETTING + c.sha256, "1")

        def answered(yes: bool) -> None:
            if yes and generation == c.session.generation and c.path is not None:
                self.import_files([str(c.path)])

        notify.ask(self._parent(), self.tr("PDFの中のコメント"),
                   self.tr("このPDFには、注釈として付けられたコメントが {count} 件入っています。"
                           "コメント一覧に取り込みますか？（取り込むと、書き出しや意見一覧にも含まれます）").format(count=count),
                   answered, default_yes=True)

    def _run(self, op: Op[Any], on_error: Callable[[BaseException], Any] | None = None) -> None:
        """Run ``op`` on the exchange lane, kept alive until it ends; a failure goes to ``on_error`` (the error
        box by default)."""
        self._ops.append(op)
        op.failure(on_error or self._on_error).finally_(lambda: self._ops.remove(op) if op in self._ops else None)
        op.run_in_thread(lane="exchange")

    def _default_name(self, suffix: str) -> str:
        """The packet's name with ``suffix``, in :meth:`_exchange_folder`."""
        stem = Path(self.controller.file_name or "comments").stem
        return str(self._exchange_folder() / f"{stem}{suffix}")

    def _exchange_folder(self) -> Path:
        """Where the import and export dialogs start: the folder of the last file imported or exported (members'
        files arrive in one place), else beside the packet — unless the packet is the app's own (the sample,
        read-only in an installed app) or its folder cannot be written: then the member's Documents (or home)."""
        from reviewer.paths import documents_dir, is_shipped

        last = self.controller.stored_setting(EXCHANGE_FOLDER_SETTING, "")
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        folder = Path(self.controller.path).parent if self.controller.path is not None else None
        if folder is None or is_shipped(folder) or not os.access(folder, os.W_OK):
            return documents_dir()
        return folder

    def _remember_folder(self, path: str) -> None:
        self.controller.store_setting(EXCHANGE_FOLDER_SETTING, str(Path(path).parent))

    def _save_path(self, title: str, default: str, pattern: str) -> str | None:
        path = file_dialogs.save_file(self._parent(), title, default, pattern)
        if not path:
            return None
        wanted = pattern.split("*", 1)[-1].rstrip(")").split()[0]
        if wanted.startswith(".") and not path.lower().endswith(wanted):
            path += wanted
        self._remember_folder(path)
        return str(path)

    def _choose_report(self) -> tuple[bool, int | None]:
        """(go on?, 1-based report or None for all) — asks only when the packet has several reports."""
        outline: Outline | None = self.controller.outline
        if outline is None:
            return True, None
        reports = [d.title for d in outline.documents if d.is_report]
        if len(reports) < 2:
            return True, None
        choices = [self.tr("すべての評価書"), *reports]
        choice, ok = QInputDialog.getItem(self._parent(), self.tr("意見一覧を書き出す"),
                                          self.tr("対象の評価書"), choices, 0, False)
        if not ok:
            return False, None
        index = choices.index(choice)
        return True, (index if index > 0 else None)

    # -------------------------------------------------------------------------------- exports
    def _export(self, kind: str, path: str, packet: PacketInfo, report: int | None = None,
                author: str | None = None) -> None:
        def done(result: Any) -> None:
            from ui.i18n import current_language

            written = str(result.path)
            self.controller.message.emit(self.tr("書き出しました: {path}").format(path=written))
            next_step = result.next_en if current_language() == "en" else result.next_ja
            text = self.tr("{count} 件を書き出しました。\n\n保存した場所:\n{path}").format(
                count=result.rows, path=written)
            if result.excluded:
                text += "\n" + self.tr("（除外したコメント %n 件は含めていません）", "", result.excluded)
            if result.undeclared:
                text += "\n" + self.tr("（未申告の変更 %n 件を行として加えました）", "", result.undeclared)
            if result.views:
                text += "\n" + self.tr("（確認済み・判断への見解 %n 件も入れました）", "", result.views)
            if next_step:
                text += "\n\n" + next_step
            self._inform(text)
            self.finished.emit(kind, written)

        store = self.controller.store
        # The detected structure: the export lays the stored hand corrections over it itself (once).
        outline = self.controller.session.detected_outline or self.controller.outline
        changes = self._changes(packet) if kind in SHEET_FORMATS else None
        self._run(Op(self, export_job, kind, path, store, packet, outline, report, author, changes).success(done))

    def _changes(self, packet: PacketInfo) -> list[Any] | None:
        """The comparison shown in the 変更点 panel when it is of this packet (its undeclared changes go on the
        second meeting's sheet)."""
        comparison = getattr(getattr(self.window, "compare", None), "comparison", None)
        if comparison is None or comparison.new.sha256 != packet.sha256:
            return None
        return list(comparison.documents)

    def export_package(self) -> None:
        packet = self._packet()
        if packet is None:
            return
        me = self.controller.author()
        if not any(a.origin == "own" for a in self.controller.annotations):
            self._warn(self.tr("書き出す自分のコメントがありません。"))
            return
        suffix = f"-{me}" if me else ""
        path = self._save_path(self.tr("委員長へ送るコメントを書き出す"), self._default_name(f"{suffix}-comments.json"),
                               self.tr("コメントパッケージ (*.json)"))
        if path:
            self._export("package", path, packet)

    def export_sheet(self, kind: str) -> None:
        packet = self._packet()
        if packet is None:
            return
        go_on, report = self._choose_report()
        if not go_on:
            return
        label, pattern = SHEET_FORMATS[kind]
        path = self._save_path(self.tr("意見一覧を書き出す（{format}）").format(format=label),
                               self._default_name(f"-意見一覧{pattern[1:]}"), f"{label} ({pattern})")
        if path:
            self._export(kind, path, packet, report)

    def export_annotated_pdf(self) -> None:
        packet = self._packet()
        if packet is None:
            return
        if not self.controller.annotations:
            self._warn(self.tr("書き出すコメントがありません。"))
            return
        path = self._save_path(self.tr("注釈付きPDFを書き出す"), self._default_name("-注釈付き.pdf"),
                               "PDF (*.pdf)")
        if path:
            if _same_file(path, packet.path):
                self._warn(self.tr("元のPDFには上書きできません。別の名前で保存してください。"))
                return
            self._export("annotated-pdf", path, packet)

    # -------------------------------------------------------------------------------- imports
    def import_files(self, paths: Sequence[str] | None = None) -> None:
        """Import packages / XFDF / annotated PDFs / answered sheets (asks for the files if not given)."""
        packet = self._packet()
        if packet is None:
            return
        if paths is None:
            chosen = file_dialogs.open_files(
                self._parent(), self.tr("コメントを取り込む"), str(self._exchange_folder()),
                self.tr("取り込めるファイル (*.json *.xfdf *.pdf *.xlsx);;すべてのファイル (*)"))
            paths = list(chosen)
            if paths:
                self._remember_folder(paths[0])
        if not paths:
            return
        self._run(Op(self, read_import_files, list(paths), packet, self.controller.outline)
                  .success(self._apply_import))

    def import_answers(self) -> None:
        packet = self._packet()
        if packet is None:
            return
        chosen = file_dialogs.open_file(
            self._parent(), self.tr("所管課の回答を取り込む"), str(self._exchange_folder()),
            self.tr("回答入りの意見一覧 (*.xlsx)"))
        if chosen:
            self._remember_folder(chosen)
            self.import_files([chosen])

    def _apply_import(self, read: list[Any]) -> None:
        """Plan and apply what the worker read as one undoable command (GUI thread, one transaction under the
        database's write lock; the core decides what each item may change)."""
        from reviewer.exchange.service import ImportCommand, plan_from_read

        controller = self.controller
        plan = plan_from_read(controller.store, read, controller.outline, controller.sha256)
        report = None
        if plan.has_changes:
            command = ImportCommand(plan, title="コメントを取り込み" if plan.new or plan.updates else "回答を取り込み")
            if not controller.undo.push(command):
                return
            controller.refresh()  # the views show the import now (the store's own announcement follows)
            report = command.report
        text = self._summary_text(plan, report)
        controller.message.emit(text.splitlines()[0])
        self.finished.emit("import", report)
        if plan.refused:
            self._warn(text)
        else:
            self._inform(text)

    def _summary_text(self, plan: Any, report: Any) -> str:
        """The result in the UI language; the core's per-file refusals and warnings follow as they are."""
        ok = [f for f in plan.files if f.ok]
        added = report.added if report is not None else 0
        updated = report.updated if report is not None else 0
        unchanged = report.unchanged if report is not None else len(plan.unchanged)
        answers = report.answers_attached if report is not None else 0
        unknown = report.answers_unknown if report is not None else plan.answers_unknown
        parts = [self.tr("{files} 個のファイルを取り込みました。").format(files=len(ok))] if ok else []
        if added or updated or unchanged:
            parts.append(self.tr("追加 {added} 件、更新 {updated} 件、変更なし {unchanged} 件").format(
                added=added, updated=updated, unchanged=unchanged))
        authors = sorted({name for f in ok for name in f.authors})
        if authors:
            parts.append(self.tr("委員: {names}").format(names=self.tr("、").join(authors)))
        views = report.views if report is not None else 0
        if views:
            parts.append(self.tr("委員の確認済み・判断への見解 %n 件を取り込みました（コメント欄の上に表示されます）。", "",
                                 views))
        if report is not None and report.views_withdrawn:
            parts.append(self.tr("委員が取り消した確認済み・判断への見解 %n 件を外しました。", "", report.views_withdrawn))
        if report is not None and report.views_older:
            parts.append(self.tr("同じ委員のより新しいファイルを取り込み済みのため、古いファイルの確認済み・判断への見解は"
                                 "使いませんでした（%n 個）。", "", report.views_older))
        if answers or unknown:
            parts.append(self.tr("回答 %n 件を反映しました。", "", answers))
        if unknown:
            parts.append(self.tr("該当するコメントがない回答が %n 件ありました。", "", unknown))
        undeclared = sum(f.skipped for f in ok if f.kind == "sheet")
        if undeclared:
            parts.append(self.tr("変更の行（未申告の変更など）への回答 %n 件は、対応するコメントがないため取り込んでいません"
                                 "（Excel に残っています）。", "", undeclared))
        from ui.i18n import current_language

        language = current_language()
        warnings = report.warning_lines(language) if report is not None else plan.warning_lines(language)
        if warnings:
            parts.append(self.tr("確認してください:"))
            parts.extend(f"・{line}" for line in warnings)
        if plan.refused:
            parts.append(self.tr("取り込めなかったファイル（そのファイルからは何も取り込んでいません）:"))
            parts.extend(f"・{Path(f.path).name}: {f.reason(language)}" for f in plan.refused)
        return "\n".join(parts)


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
