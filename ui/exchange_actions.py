"""Menu actions that move comments in and out: comment packages, XFDF, annotated PDFs, the comment sheet.

* 自分のコメントを書き出す… — the member's comment package (W3C Web Annotation JSON) for the chair.
* コメントを取り込む… — packages, XFDF files, annotated PDFs (Acrobat notes and highlights, with their authors)
  and the department's answered sheet (xlsx: answers attach to comments by the hidden ID). Files are read and
  validated in a worker thread; the merge is one undoable command (「コメントを取り込み」) applied on the GUI thread.
  A refused file (malformed, tampered, for another PDF) leaves nothing behind and is named in the message.
* 意見一覧を書き出す（Excel / Word / PDF / CSV）… — the collated sheet for the whole packet or one report.
* 注釈付きPDFを書き出す… — a copy of the packet with the comments as standard PDF annotations.

Writing happens in a worker thread (``ui.ops.Op``); the job functions below get plain values only.

Signals of :class:`ExchangeActions`:
    finished(str, object): (what, result) after an export (the path) or an import (an :class:`ImportSummary`).
    failed(str): the Japanese message shown for a refused import or a failed export.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from reviewer.annotations import Annotation
from reviewer.errors import ReviewerError
from reviewer.structure.model import Outline
from ui import file_dialogs, notify
from ui.ops import Op

log = logging.getLogger("ui.exchange")

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


@dataclass(slots=True)
class ImportRead:
    """What the worker read: the accepted files (``reviewer.exchange.importer.LoadedFile``) and the refused ones."""

    loaded: list[Any] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, Japanese message)


@dataclass(slots=True)
class ImportSummary:
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    answers: int = 0
    unknown_answers: int = 0
    authors: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def read_import_files(paths: Sequence[str], packet: PacketInfo, outline: Outline | None) -> ImportRead:
    """Read and validate every file (worker thread). A malformed or foreign file is refused whole and named;
    the others are still read."""
    from reviewer.document import Packet
    from reviewer.exchange import PackageError
    from reviewer.exchange.importer import PacketInfo as ImportPacket
    from reviewer.exchange.importer import load_file

    result = ImportRead()
    # This worker's own Packet: PyMuPDF is not thread-safe, so nothing else touches this Document.
    with Packet.open(packet.path, password=packet.password) as opened:
        info = ImportPacket(packet.sha256, packet.name, outline, opened)
        for name in paths:
            try:
                result.loaded.append(load_file(name, info))
            except PackageError as exc:
                result.refused.append((Path(name).name, exc.message_ja))
    return result


@dataclass(frozen=True, slots=True)
class ReplaceAnnotations:
    """An undoable import: write ``put`` as given (keeping ids, authors and times) and remove ``remove``.

    Its inverse restores exactly what was there before (core command protocol: ``apply`` returns the inverse).
    """

    put: tuple[Annotation, ...]
    remove: tuple[str, ...] = ()
    title: str = "コメントを取り込み"

    def apply(self, store: Any) -> ReplaceAnnotations:
        touched = {a.id for a in self.put} | set(self.remove)
        with store.transaction():
            before = {ident: store.get_annotation(ident) for ident in touched}
            for ident in self.remove:
                if before.get(ident) is not None:
                    store.delete_annotation(ident)
            for annotation in self.put:
                if before.get(annotation.id) is not None and annotation.id not in self.remove:
                    store.update_annotation(annotation)
                else:
                    store.add_annotation(annotation)
        restore = tuple(a for a in before.values() if a is not None)
        created = tuple(a.id for a in self.put if before.get(a.id) is None)
        return ReplaceAnnotations(restore, created, self.title)


def plan_import(existing: dict[str, Annotation], merged: Sequence[Annotation]) -> tuple[list[Annotation], int]:
    """Of ``merged`` (one per id), the annotations to write — new ids, or a newer ``modified`` than ours
    (ties keep ours) — and how many are unchanged."""
    from reviewer.store import is_newer

    put: list[Annotation] = []
    unchanged = 0
    for annotation in merged:
        current = existing.get(annotation.id)
        if current is None or (current != annotation and is_newer(annotation.modified, current.modified)):
            put.append(annotation)
        else:
            unchanged += 1
    return put, unchanged


def export_job(kind: str, path: str, store: Any, packet: PacketInfo, outline: Outline | None,
               report: int | None, author: str | None) -> Any:
    """Write one export through the core's one export use case (worker thread); returns its ExportResult."""
    from reviewer.export.service import ExportOptions, export

    options = ExportOptions(packet_path=packet.path, packet_name=packet.name, password=packet.password,
                            report=report, author=author)
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
        self.export_package_action = QAction(self.tr("自分のコメントを書き出す…"), self)
        self.export_package_action.triggered.connect(lambda _checked=False: self.export_package())
        self.import_action = QAction(self.tr("コメントを取り込む…"), self)
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

    def _run(self, op: Op[Any]) -> None:
        self._ops.append(op)
        op.failure(self._on_error).finally_(lambda: self._ops.remove(op) if op in self._ops else None)
        op.run_in_thread(lane="exchange")

    def _default_name(self, suffix: str) -> str:
        stem = Path(self.controller.file_name or "comments").stem
        folder = Path(self.controller.path).parent if self.controller.path is not None else Path.home()
        return str(folder / f"{stem}{suffix}")

    def _save_path(self, title: str, default: str, pattern: str) -> str | None:
        path = file_dialogs.save_file(self._parent(), title, default, pattern)
        if not path:
            return None
        wanted = pattern.split("*", 1)[-1].rstrip(")").split()[0]
        if wanted.startswith(".") and not path.lower().endswith(wanted):
            path += wanted
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
                text += "\n" + self.tr("（除外したコメント {count} 件は含めていません）").format(count=result.excluded)
            if next_step:
                text += "\n\n" + next_step
            self._inform(text)
            self.finished.emit(kind, written)

        store = self.controller.store
        outline = self.controller.outline
        self._run(Op(self, export_job, kind, path, store, packet, outline, report, author).success(done))

    def export_package(self) -> None:
        packet = self._packet()
        if packet is None:
            return
        me = self.controller.author()
        if not any(a.origin == "own" for a in self.controller.annotations):
            self._warn(self.tr("書き出す自分のコメントがありません。"))
            return
        suffix = f"-{me}" if me else ""
        path = self._save_path(self.tr("自分のコメントを書き出す"), self._default_name(f"{suffix}-comments.json"),
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
                self._parent(), self.tr("コメントを取り込む"), str(Path(packet.path).parent),
                self.tr("取り込めるファイル (*.json *.xfdf *.pdf *.xlsx);;すべてのファイル (*)"))
            paths = list(chosen)
        if not paths:
            return
        self._run(Op(self, read_import_files, list(paths), packet, self.controller.outline)
                  .success(self._apply_import))

    def import_answers(self) -> None:
        packet = self._packet()
        if packet is None:
            return
        chosen = file_dialogs.open_file(
            self._parent(), self.tr("所管課の回答を取り込む"), str(Path(packet.path).parent),
            self.tr("回答入りの意見一覧 (*.xlsx)"))
        if chosen:
            self.import_files([chosen])

    def _apply_import(self, read: ImportRead) -> None:
        """Merge what the worker read, as one undoable command (GUI thread, one transaction)."""
        from reviewer.commands import Batch, EditAnnotation
        from reviewer.exchange.importer import merge
        from reviewer.export.sheet import place

        controller = self.controller
        store = controller.store
        summary = ImportSummary(files=len(read.loaded), refused=list(read.refused))
        batches = [place(loaded.annotations, controller.outline) for loaded in read.loaded]
        existing = {a.id: a for a in store.annotations(controller.sha256)}
        for batch in batches:
            for annotation in batch:
                if annotation.id not in existing:
                    found = store.get_annotation(annotation.id)  # the same id on another packet
                    if found is not None:
                        existing[found.id] = found
        merged = merge(batches, existing)
        merged = [a if a.id in existing else replace(a, origin="imported") for a in merged]
        put, summary.unchanged = plan_import(existing, merged)
        summary.added = sum(1 for a in put if a.id not in existing)
        summary.updated = len(put) - summary.added
        summary.authors = sorted({a.author for batch in batches for a in batch if a.author})
        commands: list[Any] = []
        if put:
            commands.append(ReplaceAnnotations(tuple(put)))
        answers = {k: v for loaded in read.loaded for k, v in loaded.answers.items()}
        if answers:
            current = dict(existing)
            current.update((a.id, a) for a in put)
            for ident, answer in answers.items():
                target = current.get(ident)
                if target is None:
                    summary.unknown_answers += 1
                elif (target.answer or "") != answer:
                    commands.append(EditAnnotation(target, replace(target, answer=answer), title="回答を取り込み"))
                    summary.answers += 1
        if commands:
            title = "コメントを取り込み" if put else "回答を取り込み"
            command = commands[0] if len(commands) == 1 else Batch(tuple(commands), title)
            if not controller.undo.push(command):
                return
            controller.refresh()
        text = self._summary_text(summary)
        controller.message.emit(text.splitlines()[0])
        self.finished.emit("import", summary)
        if summary.refused:
            self._warn(text)
        else:
            self._inform(text)

    def _summary_text(self, s: ImportSummary) -> str:
        parts = [self.tr("{files} 個のファイルを取り込みました。").format(files=s.files)] if s.files else []
        if s.added or s.updated or s.unchanged:
            parts.append(self.tr("追加 {added} 件、更新 {updated} 件、変更なし {unchanged} 件").format(
                added=s.added, updated=s.updated, unchanged=s.unchanged))
        if s.authors:
            parts.append(self.tr("委員: {names}").format(names="、".join(s.authors)))
        if s.answers or s.unknown_answers:
            parts.append(self.tr("回答 {count} 件を反映しました。").format(count=s.answers))
        if s.unknown_answers:
            parts.append(self.tr("該当するコメントがない回答が {count} 件ありました。").format(
                count=s.unknown_answers))
        if s.refused:
            parts.append(self.tr("取り込めなかったファイル（何も取り込んでいません）:"))
            parts.extend(f"・{message}" for _name, message in s.refused)
        return "\n".join(parts)


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
