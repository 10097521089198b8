"""``pia-reviewer export --format xlsx|docx|pdf|csv|package|annotated-pdf --packet PACKET.pdf OUT``.

A thin caller of :func:`reviewer.export.service.export`, the use case the GUI calls too: sheet formats
collate every member's comments on the packet (``--report N``: only the N-th report); ``package`` writes
this profile's own comments (``--author``: that member's) as a W3C Web Annotation package;
``annotated-pdf`` writes a copy of the packet with the comments as PDF annotations. Every file is written
atomically. A revised packet with comments carried from its earlier version gets the second meeting's sheet
(修正後の記載, 確認結果); ``--compare-with OLD.pdf`` also lists the undeclared changes as rows of their own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reviewer.annotations import Annotation
from reviewer.errors import ReviewerError
from reviewer.export.service import SHEET_KINDS, ExportOptions, export, with_thread, write_sheet_rows
from reviewer.structure.model import Outline

SHEET_FORMATS = SHEET_KINDS
__all__ = ["SHEET_FORMATS", "export_sheet", "run_export", "with_thread"]


def export_sheet(fmt: str, annotations: list[Annotation], outline: Outline | None, out: Path, *, title: str,
                 report: int | None = None) -> int:
    """Write the collated sheet of ``annotations`` in ``fmt`` (no store needed); returns the number of rows."""
    from reviewer.export.sheet import build_sheet

    try:
        rows = build_sheet(annotations, outline, report=report)
    except ValueError as exc:
        raise ReviewerError(f"評価書の番号 {report} はこの資料にありません。",
                            f"There is no report number {report} in this packet.") from exc
    return write_sheet_rows(fmt, rows, out, title)


def run_export(args: argparse.Namespace) -> int:
    """Open the profile and the packet, export, print the result (``--json``: as JSON)."""
    from reviewer.exchange.cli import open_packet, open_store, packet_outline

    out = Path(args.out)
    compare_with = getattr(args, "compare_with", None)
    if compare_with and args.format not in SHEET_KINDS:
        raise ReviewerError("--compare-with は意見一覧（xlsx, docx, pdf, csv）の書き出しにだけ使えます。",
                            "The option --compare-with applies to the comment sheet formats only (xlsx, docx, pdf, csv).")
    changes = _changes(compare_with, args.packet, args.profile) if compare_with else None
    store = open_store(args.profile)
    try:
        with open_packet(args.packet, store) as packet:
            sha, name = packet.sha256, packet.name
            outline = packet_outline(packet, args.profile) if args.format != "package" else None
            password = None
            if args.format == "annotated-pdf" and (packet.doc.is_encrypted or packet.doc.needs_pass):
                try:
                    from reviewer.secrets import recalled_pdf_password

                    password = recalled_pdf_password(sha)
                except ReviewerError:
                    password = None
            options = ExportOptions(packet_path=packet.path, packet_name=name, password=password,
                                    report=args.report, author=args.author, changes=changes)
            result = export(store, sha, outline, args.format, out, options=options)
    finally:
        store.close()
    if args.json:
        summary = {**result.to_json(), "packet": str(args.packet), "sha256": sha}
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    else:
        print(f"{out}: {result.rows}件を書き出しました（{args.format}）")
        if result.undeclared:
            print(f"うち未申告の変更 {result.undeclared}件を行として加えました。")
        if result.excluded:
            print(f"除外されたコメント {result.excluded}件は含めていません。")
        print(result.next_ja)
    return 0


def _changes(old: str, new: str, profile: str | None) -> list[Any]:
    """The compared documents of ``new`` (the packet exported) against its earlier version ``old``."""
    from reviewer.compare.service import compare_versions, load_versions
    from reviewer.exchange import cli as exchange_cli

    comparison = compare_versions(*load_versions(old, new, profile,
                                                 new_password=exchange_cli.packet_password()))
    return list(comparison.documents)
