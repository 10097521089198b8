"""The comparison use case: two packet files in, the changes of every report (declared or 未申告) out."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.bulk import collector_paused, second_process_context
from reviewer.compare.declared import (
    Declaration,
    mark_declared,
    new_declarations,
    read_declarations,
    read_table,
)
from reviewer.compare.diff import DocumentComparison, RowChange, compare_reports
from reviewer.compare.rows import (
    Cancelled,
    ComparisonCancelled,
    Progress,
    ReportRows,
    norm,
    pack_rows,
    read_rows,
    read_rows_cached,
    rows_cache_path,
    unpack_rows,
)
from reviewer.structure.model import Outline

CORRECTION_TABLE = "修正対照表"
ASCII_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}


@dataclass(slots=True)
class Version:
    """One side of the comparison: the file, its structure and its report rows."""

    path: Path
    sha256: str
    pages: int
    outline: Outline
    reports: list[ReportRows]
    corrections: list[Declaration] = field(default_factory=list)  # rows of bound 修正対照表


@dataclass(slots=True)
class Comparison:
    old: Version
    new: Version
    documents: list[DocumentComparison]

    def changes(self) -> list[RowChange]:
        return [c for d in self.documents for c in d.changes]

    def to_json(self) -> dict[str, Any]:
        """The ``pia-reviewer compare --json`` contract."""
        return {
            "old": {"sha256": self.old.sha256, "pages": self.old.pages},
            "new": {"sha256": self.new.sha256, "pages": self.new.pages},
            "documents": [_document_json(d) for d in self.documents],
        }


def _document_json(d: DocumentComparison) -> dict[str, Any]:
    return {
        "title": d.title,
        "old": {"start_page": d.old.start_page, "end_page": d.old.end_page},
        "new": {"start_page": d.new.start_page, "end_page": d.new.end_page},
        "changes": [change_json(c) for c in d.changes],
        "declared_not_found": list(d.declared_not_found),
    }


def change_json(c: RowChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "chapter": ASCII_ROMAN.get(c.path.chapter, c.path.chapter),
        "file": c.path.file,
        "section": c.path.section,
        "risk": c.path.leaf if c.path.leaf_kind == "risk" else None,
        "item": c.item,
        "old_page": c.old_page,
        "new_page": c.new_page,
        "old_text": c.old_text,
        "new_text": c.new_text,
        "old_judgement": c.old_judgement,
        "new_judgement": c.new_judgement,
        "declared": c.declared,
    }


def load_version(
    path: str | os.PathLike[str], profile: str | os.PathLike[str] | None = None, password: str | None = None,
    cache: bool = True, progress: Progress | None = None, cancelled: Cancelled | None = None,
) -> Version:
    """Open ``path``, detect its structure and read its reports' rows (cached per file in the profile).

    ``progress(done, total)`` is called per page, first while the structure is detected, then while the rows are
    read; when ``cancelled()`` returns True it stops with DetectionCancelled or :class:`ComparisonCancelled`. Call it
    from one thread: it opens its own document.
    """
    with collector_paused():
        return _load_version(path, profile, password, cache, progress, cancelled)


def _load_version(
    path: str | os.PathLike[str], profile: str | os.PathLike[str] | None, password: str | None, cache: bool,
    progress: Progress | None, cancelled: Cancelled | None,
) -> Version:
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline, detect_outline_cached
    from reviewer.structure.layout import PageWords, WordLines

    # Each page's words are extracted once, by the structure detector, and read again from here by the rows, which
    # start from the detector's lines of them where those are the same.
    words: dict[int, PageWords] = {}
    lines: dict[int, WordLines] = {}
    with Packet.open(path, password=password) as packet:
        if cache:
            outline = detect_outline_cached(packet, profile=profile, progress=progress, cancelled=cancelled,
                                            keep_words=words, keep_lines=lines)
            reports = read_rows_cached(packet.doc, outline, profile, progress=progress, cancelled=cancelled,
                                       words=words, lines=lines)
        else:
            outline = detect_outline(packet, progress=progress, cancelled=cancelled, keep_words=words,
                                     keep_lines=lines)
            reports = read_rows(packet.doc, outline, progress=progress, cancelled=cancelled, words=words,
                                lines=lines)
        tables = [i for i, d in enumerate(outline.documents)
                  if not d.is_report and CORRECTION_TABLE in norm(d.title)]
        corrections: list[Declaration] = []
        for table in read_rows(packet.doc, outline, tables, words=words, lines=lines) if tables else []:
            corrections.extend(read_table(table.rows))
        return Version(Path(path), packet.sha256, packet.page_count, outline, reports, corrections)


STEPS_PER_FILE = 2  # a file's structure, then its rows
STEP = 1000  # progress units per step


class _Bar:
    """One progress bar over reading both files: each file's structure, then its rows (``4 * STEP`` in all)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.parts = [0, 0]

    def side(self, index: int) -> Progress | None:
        """The ``progress`` for :func:`load_version` of the old (0) or the new (1) file."""
        if self.progress is None:
            return None
        state = {"step": 0, "last": 0}

        def report(done: int, total: int) -> None:
            if total <= 0:
                return
            if done < state["last"]:  # the rows start counting again after the structure
                state["step"] += 1
            state["last"] = done
            step = min(state["step"], STEPS_PER_FILE - 1)
            self.parts[index] = step * STEP + STEP * min(done, total) // total
            self.send()

        return report

    def finish(self, index: int) -> None:
        self.parts[index] = STEPS_PER_FILE * STEP
        self.send()

    def send(self) -> None:
        if self.progress is not None:
            self.progress(sum(self.parts), 2 * STEPS_PER_FILE * STEP)


def _child_main(conn: Any, path: str, profile: str | None, password: str | None, cache: bool,
                report: bool) -> None:
    """:func:`load_version` in the second process: progress, then the version (rows packed as tuples, which
    pickle in a fraction of the time the row objects take) or the error, sent through ``conn``."""
    last = [-1]

    def progress(done: int, total: int) -> None:
        if total > 0 and done * 100 // total != last[0]:  # a message per percent at most
            last[0] = done * 100 // total
            conn.send(("progress", done, total))

    gc.disable()  # this process only reads the file and sends it (see reviewer.bulk.collector_paused)
    try:
        version = load_version(path, profile, password=password, cache=cache,
                               progress=progress if report else None)
        reply: tuple[str, Any] = ("ok", (version.sha256, version.pages, version.outline,
                                         pack_rows(version.reports, version.outline), version.corrections))
    except BaseException as error:  # handed to the parent, which raises it as if it had loaded the file itself
        reply = ("error", error)
    try:
        conn.send(reply)
    except Exception as error:  # an exception that does not pickle
        conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}; loading {path}: {reply[1]!r}")))
    conn.close()


def _cached(path: str | os.PathLike[str], profile: str | os.PathLike[str] | None) -> bool:
    """Whether the rows of ``path`` are in the profile's cache (then reading it is quicker than a process start)."""
    from reviewer.document import file_sha256
    from reviewer.structure.cache import DETECTOR_VERSION

    try:
        return rows_cache_path(file_sha256(path), DETECTOR_VERSION, profile).is_file()
    except OSError:
        return False


def load_versions(
    old_path: str | os.PathLike[str], new_path: str | os.PathLike[str],
    profile: str | os.PathLike[str] | None = None, old_password: str | None = None,
    new_password: str | None = None, cache: bool = True, progress: Progress | None = None,
    cancelled: Cancelled | None = None, parallel: bool | None = None,
) -> tuple[Version, Version]:
    """:func:`load_version` of both files, the new one in a second process while this one reads the old one.

    Reading a packet is CPU work in one thread (MuPDF's text extraction, the structure walk, the rows), so on two
    cores the two files take about the time of one. ``parallel=None``: in parallel unless the new file's rows are
    cached already (or there is one core). ``progress(done, total)`` is one bar over both files (each file's
    structure, then its rows; ``total`` is 4000) ending at ``(4000, 4000)``; when ``cancelled()`` returns True
    reading stops (DetectionCancelled or :class:`ComparisonCancelled`) and the second process is ended.
    """
    with collector_paused():  # (the other file's rows arrive as some 100,000 objects too)
        return _load_versions(old_path, new_path, profile, old_password, new_password, cache, progress, cancelled,
                              parallel)


def _load_versions(
    old_path: str | os.PathLike[str], new_path: str | os.PathLike[str],
    profile: str | os.PathLike[str] | None = None, old_password: str | None = None,
    new_password: str | None = None, cache: bool = True, progress: Progress | None = None,
    cancelled: Cancelled | None = None, parallel: bool | None = None,
) -> tuple[Version, Version]:
    if parallel is None:
        parallel = (os.cpu_count() or 1) >= 2 and not (cache and _cached(new_path, profile))
    bar = _Bar(progress)
    if not parallel:
        old = load_version(old_path, profile, old_password, cache, bar.side(0), cancelled)
        bar.finish(0)
        new = load_version(new_path, profile, new_password, cache, bar.side(1), cancelled)
        bar.finish(1)
        return old, new
    context = second_process_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, name="pia-compare-load", daemon=True, args=(
        sender, os.fspath(new_path), os.fspath(profile) if profile is not None else None, new_password, cache,
        progress is not None))
    child.start()
    sender.close()
    new_progress = bar.side(1)
    replies: list[tuple[str, Any]] = []

    def take(timeout: float) -> None:
        """The second process's messages that have arrived (within ``timeout``): progress, then its reply."""
        while not replies and receiver.poll(timeout):
            kind, *message = receiver.recv()
            if kind == "progress":
                if new_progress is not None:
                    new_progress(*message)
            else:
                replies.append((kind, message[0]))
            timeout = 0.0

    old_progress = bar.side(0)

    def progress_here(done: int, total: int) -> None:
        take(0.0)  # the other file's progress moves the bar too
        if old_progress is not None:
            old_progress(done, total)

    try:
        old = load_version(old_path, profile, old_password, cache, progress_here, cancelled)
        bar.finish(0)
        while not replies:
            if cancelled is not None and cancelled():
                raise ComparisonCancelled
            take(0.05)
            if not replies and not child.is_alive() and not receiver.poll(0):
                raise RuntimeError(f"reading {new_path} stopped (exit code {child.exitcode})")
    finally:
        if not replies and child.is_alive():
            child.kill()  # cancelled or failed here: the other file's result is not wanted
        child.join()
        receiver.close()
    status, payload = replies[0]
    if status != "ok":
        raise payload
    sha256, pages, outline, packed, corrections = payload
    new = Version(Path(new_path), sha256, pages, outline, unpack_rows(packed, outline), corrections)
    bar.finish(1)
    return old, new


def pair_reports(old: list[ReportRows], new: list[ReportRows]) -> list[tuple[ReportRows, ReportRows]]:
    """Reports of the two versions by title (評価書名), the nearest in packet order when a title repeats; a report
    whose title changed pairs with the unused report at its position."""
    pairs: list[tuple[ReportRows, ReportRows]] = []
    used: set[int] = set()
    titles = [norm(r.document.title) for r in old]
    for position, report in enumerate(new):
        title = norm(report.document.title)
        same = [i for i, t in enumerate(titles) if t == title and i not in used]
        if same:
            match = min(same, key=lambda i: abs(i - position))
        elif position < len(old) and position not in used and titles[position] not in {
                norm(r.document.title) for r in new}:
            match = position
        else:
            continue
        used.add(match)
        pairs.append((old[match], report))
    return pairs


def compare_versions(old: Version, new: Version) -> Comparison:
    """Compare every report of ``new`` with the same report of ``old`` and check the declarations."""
    documents: list[DocumentComparison] = []
    for before, after in pair_reports(old.reports, new.reports):
        result = compare_reports(before, after)
        declarations = new_declarations(read_declarations(before), read_declarations(after))
        corrections = new_declarations(old.corrections, new.corrections)
        missing = mark_declared(result.changes, declarations)
        if corrections:
            mark_declared([c for c in result.changes if not c.declared], corrections)
        result.declared_not_found = [d.item for d in missing]
        # Undeclared first, then in the order of the form.
        result.changes.sort(key=lambda c: (c.declared, c.new_page if c.new_page is not None else c.old_page or 0,
                                           c.new_y or c.old_y))
        documents.append(result)
    return Comparison(old, new, documents)


def compare_files(
    old_path: str | os.PathLike[str], new_path: str | os.PathLike[str],
    profile: str | os.PathLike[str] | None = None, cache: bool = True,
) -> Comparison:
    """:func:`compare_versions` of two PDF files (read in parallel: :func:`load_versions`)."""
    return compare_versions(*load_versions(old_path, new_path, profile, cache=cache))
