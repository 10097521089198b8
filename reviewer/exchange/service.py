"""The import use case, once, for the GUI and the CLI: read the files, plan, apply as one undoable command.

How the GUI wires it (PyMuPDF is not thread-safe, the Store belongs to the GUI thread)::

    # worker thread, with its OWN Packet opened from the packet's path:
    info = PacketInfo(sha256, name, outline, worker_packet)
    read = read_files(paths, info, progress=report_progress)          # list[LoadedFile | FileReport]

    # GUI thread:
    plan = plan_from_read(store, read, outline, sha256)                # what is new / updated / refused, why
    show plan.summary_lines() if the chair should confirm (plan.warnings are worth showing first)
    command = ImportCommand(plan)
    undo_stack.push(command)                                           # applies it: one transaction
    report = command.report                                            # what really happened (ImportReport)
    show "\n".join(report.summary_lines())

The CLI (and tests) call :func:`reviewer.exchange.importer.import_files`, which is ``plan_import`` followed
by :func:`apply_import` on the same thread.

Rules (issue 17): a file that fails is refused alone with a one-line message and the others go in; the
write re-reads the comments under the database's write lock, so the plan's preview can be stale but the
write never is; an imported id that belongs to this profile's own comment or another author's becomes a new
comment; a future ``modified`` is clamped; the chair's ``excluded``/``sheet_text``/``answer`` are never
written back from a file (answers come only from a returned sheet); each member's signing key is
remembered on first use and a different key, or a missing signature after signed packages, is a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.annotations import Annotation
from reviewer.exchange.importer import (
    FileReport,
    ImportReport,
    LoadedFile,
    PacketInfo,
    SignerCheck,
    merge,
    read_one,
)
from reviewer.export.sheet import place
from reviewer.store.models import Clamped, IdConflict
from reviewer.store.store import clamp_future, import_decision, rebound_id
from reviewer.structure.model import Outline

if TYPE_CHECKING:
    from reviewer.store import Store

log = logging.getLogger("reviewer.exchange")

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class ImportPlan:
    """What an import would do, computed without writing. Ids are the comments' ids as stored after import."""

    packet_sha256: str
    files: list[FileReport] = field(default_factory=list)
    loaded: list[LoadedFile] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)  # merged and placed, one per (id, author)
    answers: dict[str, str] = field(default_factory=dict)
    new: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[IdConflict] = field(default_factory=list)
    clamped: list[Clamped] = field(default_factory=list)
    answers_known: int = 0
    answers_unknown: int = 0
    signers: list[SignerCheck] = field(default_factory=list)

    @property
    def refused(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.updates or self.answers_known
                    or any(f.corrections or f.views for f in self.loaded))

    @property
    def warnings(self) -> list[str]:
        return self.warning_lines("ja")

    def warning_lines(self, language: str) -> list[str]:
        """What the chair should look at before applying, in ``language`` ("ja" or "en")."""
        report = ImportReport(conflicts=self.conflicts, clamped=self.clamped, signers=self.signers)
        return report.warning_lines(language)

    def summary_lines(self) -> list[str]:
        """The preview in words (Japanese), one line each: files, counts, refusals, warnings."""
        lines = [_file_line(f) for f in self.files]
        lines.append(f"追加 {len(self.new)}件、更新 {len(self.updates)}件、変更なし {len(self.unchanged)}件、"
                     f"回答 {self.answers_known}件（該当なし {self.answers_unknown}件）")
        lines.extend(self.warnings)
        return lines


def _file_line(f: FileReport) -> str:
    if not f.ok:
        return f"拒否: {Path(f.path).name}: {f.message}"
    what = f"{f.comments}件" + (f"、回答{f.answers}件" if f.answers else "") + (
        f"、確認済み・見解{f.views}件" if f.views else "")
    if f.kind == "sheet" and f.skipped:
        what += f"、変更の行（未申告の変更など）への回答{f.skipped}件は対応するコメントがないため取り込みません（Excelに残ります）"
    authors = "、".join(f.authors)
    signed = "、署名あり" if f.signed else ""
    return f"取り込み: {Path(f.path).name}（{f.kind}、{what}{'、' + authors if authors else ''}{signed}）"


def summary_lines(report: ImportReport) -> list[str]:
    """What an applied import did, in words (Japanese), one line each."""
    lines = [_file_line(f) for f in report.files]
    lines.append(f"追加 {report.added}件、更新 {report.updated}件、変更なし {report.unchanged}件、"
                 f"回答 {report.answers_attached}件（該当なし {report.answers_unknown}件）")
    lines.extend(report.warnings)
    return lines


def read_files(paths: Sequence[str | os.PathLike[str]], info: PacketInfo, *,
               progress: Progress | None = None) -> list[LoadedFile | FileReport]:
    """Read and validate every file (no Store needed: safe on a worker with its own Packet).

    Each entry is the LoadedFile of an accepted file or the FileReport (ok=False) of a refused one.
    """
    out: list[LoadedFile | FileReport] = []
    for done, path in enumerate(paths):
        if progress is not None:
            progress("read", done, len(paths))
        out.append(read_one(path, info))
    if progress is not None:
        progress("read", len(paths), len(paths))
    return out


def signer_checks(store: Store, loaded: Iterable[LoadedFile]) -> list[SignerCheck]:
    """Compare each file's signer with the key remembered for each of its authors (reads only).

    A key first seen in an earlier file of the same import counts as remembered for the later files.
    """
    from reviewer.signing import key_fingerprint

    pending: dict[str, str] = {}
    checks: list[SignerCheck] = []
    for f in loaded:
        authors = sorted({a.author for a in f.annotations if a.author})
        for author in authors:
            remembered = pending.get(author) or store.member_key(author)
            key = f.signer_key
            if key is None:
                status = "unsigned-after-signed" if remembered else "unsigned"
                checks.append(SignerCheck(author, status, f.path))
            elif remembered is None:
                pending[author] = key
                checks.append(SignerCheck(author, "first-use", f.path, key_fingerprint(key)))
            elif remembered == key:
                checks.append(SignerCheck(author, "verified", f.path, key_fingerprint(key)))
            else:
                checks.append(SignerCheck(author, "other-key", f.path, key_fingerprint(key)))
    return checks


def plan_from_read(store: Store, read: Sequence[LoadedFile | FileReport], outline: Outline | None,
                   packet_sha256: str, *, now: datetime | None = None) -> ImportPlan:
    """The plan for files already read by :func:`read_files` (GUI thread: reads the Store, writes nothing)."""
    plan = ImportPlan(packet_sha256)
    batches: list[list[Annotation]] = []
    for entry in read:
        if isinstance(entry, FileReport):
            plan.files.append(entry)
            continue
        placed = place(entry.annotations, outline)
        entry.annotations = placed
        batches.append(placed)
        plan.loaded.append(entry)
        plan.answers.update(entry.answers)
        plan.files.append(FileReport(
            entry.path, entry.kind, ok=True, comments=len(placed), authors=sorted({a.author for a in placed}),
            answers=len(entry.answers), skipped=entry.skipped, signed=entry.signer_key is not None,
            views=len(entry.views),
        ))
    plan.annotations = merge(batches, {})
    moment = now or datetime.now(UTC)
    current = store.get_annotations({a.id for a in plan.annotations} | set(plan.answers))
    current.update(store.get_annotations(_rebind_candidates(plan.annotations, current)))
    for a in plan.annotations:
        fixed = clamp_future(a, moment)
        if fixed is not a:
            plan.clamped.append(Clamped(a.id, a.author, a.modified))
        action, existing = import_decision(fixed, current.get(a.id), moment)
        ident = a.id
        if action == "rebind":
            assert existing is not None
            ident = rebound_id(a.id, a.author)
            action, _ = import_decision(replace(fixed, id=ident), current.get(ident), moment)
            plan.conflicts.append(IdConflict(a.id, "" if action == "rebind" else ident, a.author, existing.author,
                                             "own" if existing.origin == "own" else "author"))
        {"add": plan.new, "update": plan.updates, "unchanged": plan.unchanged}.get(action, []).append(ident)
        if action == "add":  # a later item of this import with the same id meets this one, as in the write
            current[ident] = replace(fixed, id=ident)
    for ident in plan.answers:
        if ident in current:
            plan.answers_known += 1
        else:
            plan.answers_unknown += 1
    plan.signers = signer_checks(store, plan.loaded)
    return plan


def _rebind_candidates(items: Iterable[Annotation], current: dict[str, Annotation]) -> set[str]:
    """The derived ids that items whose id belongs to someone else (or to this profile) would take."""
    out: set[str] = set()
    for a in items:
        existing = current.get(a.id)
        if existing is not None and (existing.origin == "own" or existing.author != a.author):
            out.add(rebound_id(a.id, a.author))
    return out


def plan_import(store: Store, info: PacketInfo, paths: Sequence[str | os.PathLike[str]], *,
                progress: Progress | None = None) -> ImportPlan:
    """Read ``paths`` and plan their import into ``store`` (one thread: the CLI, tests)."""
    return plan_from_read(store, read_files(paths, info, progress=progress), info.outline, info.sha256)


@dataclass(frozen=True, slots=True)
class RestoreAnnotations:
    """Put ``put`` back exactly (ids, authors, times, the chair's fields) and delete ``remove``.

    The inverse of an import (and of itself): ``apply`` returns the RestoreAnnotations that undoes it.
    """

    put: tuple[Annotation, ...]
    remove: tuple[str, ...] = ()
    title: str = "コメントを取り込み"

    def apply(self, store: Store) -> RestoreAnnotations:
        ids = {a.id for a in self.put} | set(self.remove)
        with store.transaction():
            before = store.get_annotations(ids)
            for ident in self.remove:
                if ident in before:
                    store.delete_annotation(ident)
            for a in self.put:
                if a.id in before and a.id not in self.remove:
                    store.update_annotation(a)
                else:
                    store.add_annotation(a)
            after = store.get_annotations(ids)
        return RestoreAnnotations(
            put=tuple(before[i] for i in sorted(before)),
            remove=tuple(sorted(i for i in after if i not in before)),
            title=self.title,
        )


@dataclass(frozen=True, slots=True)
class ImportCommand:
    """The plan applied as one undoable command (core command protocol: ``apply`` returns the inverse).

    Applying re-decides every item against the database under its write lock, so it is right even when the
    plan is stale. ``report`` is what the last ``apply`` did.
    """

    plan: ImportPlan
    title: str = "コメントを取り込み"
    progress: Progress | None = field(default=None, compare=False)
    outcome: list[ImportReport] = field(default_factory=list, compare=False)

    @property
    def report(self) -> ImportReport:
        if not self.outcome:
            raise RuntimeError("the import has not been applied")
        return self.outcome[-1]

    def apply(self, store: Store) -> RestoreAnnotations:
        plan = self.plan
        report = ImportReport(files=list(plan.files))
        with store.transaction():
            before = store.get_annotations({a.id for a in plan.annotations} | set(plan.answers))
            before.update(store.get_annotations(_rebind_candidates(plan.annotations, before)))
            touched = set(before) | {a.id for a in plan.annotations} | _rebind_candidates(plan.annotations, before)
            report.signers = signer_checks(store, plan.loaded)
            for check in report.signers:
                if check.status == "first-use":
                    loaded = next(f for f in plan.loaded if f.path == check.path)
                    assert loaded.signer_key is not None
                    store.remember_member_key(check.author, loaded.signer_key)
            if plan.annotations:
                step = self.progress
                result = store.upsert_imported(
                    plan.annotations,
                    progress=(lambda done, total: step("write", done, total)) if step is not None else None,
                )
                report.added, report.updated, report.unchanged = result.added, result.updated, result.unchanged
                report.conflicts, report.clamped = list(result.conflicts), list(result.clamped)
            incoming = [c for loaded in plan.loaded for c in loaded.corrections]
            if incoming:
                from reviewer.structure.corrections import merge_corrections

                report.corrections = merge_corrections(store, incoming)
            for loaded in plan.loaded:
                if loaded.views_author:
                    taken, withdrawn, older = store.replace_member_views(
                        plan.packet_sha256, loaded.views_author, loaded.views, loaded.generated)
                    report.views += taken
                    report.views_withdrawn += withdrawn
                    report.views_older += older
                elif loaded.views:
                    report.views += store.merge_member_views(loaded.views)
            for ident, answer in plan.answers.items():
                current = store.get_annotation(ident)
                if current is None:
                    report.answers_unknown += 1
                    continue
                if current.answer != answer:
                    store.set_answer(ident, answer)
                report.answers_attached += 1
            now_present = store.existing_ids(touched)
            after = store.get_annotations(before)  # only comments that existed can have changed
        self.outcome.append(report)
        changed = [before[i] for i in sorted(before) if after.get(i) != before[i]]
        added = sorted(now_present - set(before))
        log.info("import applied: %d added, %d updated, %d answers, %d warnings",
                 report.added, report.updated, report.answers_attached, len(report.warnings))
        return RestoreAnnotations(put=tuple(changed), remove=tuple(added), title=self.title)


def apply_import(store: Store, plan: ImportPlan, *, progress: Progress | None = None) -> ImportReport:
    """Apply ``plan`` (one transaction) and return what happened; for callers without an undo stack."""
    command = ImportCommand(plan, progress=progress)
    command.apply(store)
    return command.report
