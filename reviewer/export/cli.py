"""``pia-reviewer export --format xlsx|docx|pdf|csv|package|annotated-pdf --packet PACKET.pdf OUT``.

Sheet formats collate every member's comments on the packet (``--report N``: only the N-th report);
``package`` writes one member's comments (``--author``; default: this profile's own comments) as a W3C
Web Annotation package; ``annotated-pdf`` writes a copy of the packet with the comments as PDF annotations
(``--author`` filters too). Every file is written atomically.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from reviewer.annotations import Annotation
from reviewer.errors import ReviewerError

SHEET_FORMATS = ("xlsx", "docx", "pdf", "csv")


def _title(packet_name: str, outline: Any, report: int | None) -> str:
    if report is not None and outline is not None:
        from reviewer.export.sheet import report_indexes

        indexes = report_indexes(outline)
        if 1 <= report <= len(indexes):
            return f"意見一覧 — {outline.documents[indexes[report - 1]].title}"
    return f"意見一覧 — {packet_name}"


def export_sheet(fmt: str, annotations: list[Annotation], outline: Any, out: Path, *, title: str,
                 report: int | None = None) -> int:
    """Write the collated sheet in ``fmt``; returns the number of rows."""
    from reviewer.export.sheet import build_sheet

    try:
        rows = build_sheet(annotations, outline, report=report)
    except ValueError as exc:
        raise ReviewerError(f"評価書の番号 {report} はこの資料にありません。", str(exc)) from exc
    if fmt == "xlsx":
        from reviewer.export.xlsx import write_xlsx

        write_xlsx(rows, out, title=title)
    elif fmt == "docx":
        from reviewer.export.docx import write_docx

        write_docx(rows, out, title=title)
    elif fmt == "pdf":
        from reviewer.export.pdf import write_pdf

        write_pdf(rows, out, title=title)
    else:
        from reviewer.export.csv import write_csv

        write_csv(rows, out)
    return len(rows)


def with_thread(store: Any, annotations: list[Annotation]) -> list[Annotation]:
    """Copies whose ``extra["replies"]`` also hold the replies kept in the Store's reply table."""
    out: list[Annotation] = []
    for a in annotations:
        stored = store.replies(a.id)
        if not stored:
            out.append(a)
            continue
        replies = list(a.extra.get("replies", []) or [])
        known = {(str(r.get("author")), str(r.get("text")), str(r.get("created"))) for r in replies if isinstance(r, dict)}
        for reply in stored:
            if (reply.author, reply.text, reply.created) not in known:
                replies.append({"author": reply.author, "text": reply.text, "created": reply.created, "id": reply.id})
        replies.sort(key=lambda r: str(r.get("created", "")) if isinstance(r, dict) else "")
        out.append(replace(a, extra={**a.extra, "replies": replies}))
    return out


def run_export(args: argparse.Namespace) -> int:
    from reviewer.exchange.cli import open_packet, open_store, packet_outline

    out = Path(args.out)
    store = open_store(args.profile)
    try:
        with open_packet(args.packet, store) as packet:
            sha, name = packet.sha256, packet.name
            if args.format in SHEET_FORMATS:
                outline = packet_outline(packet, args.profile)
                annotations = store.annotations(sha, author=args.author)
                count = export_sheet(args.format, annotations, outline, out,
                                     title=_title(name, outline, args.report), report=args.report)
            elif args.format == "package":
                from reviewer.exchange.w3c import write_package

                if args.author:
                    annotations = store.annotations(sha, author=args.author)
                else:
                    annotations = store.annotations(sha, origin="own")
                count = write_package(with_thread(store, annotations), out, packet_sha256=sha, packet_name=name)
            else:
                from reviewer.export.annotated_pdf import write_annotated_pdf

                annotations = [a for a in store.annotations(sha, author=args.author) if not a.excluded]
                password = None
                if packet.doc.is_encrypted or packet.doc.needs_pass:
                    try:
                        from reviewer.secrets import recalled_pdf_password

                        password = recalled_pdf_password(sha)
                    except ReviewerError:
                        password = None
                count = write_annotated_pdf(packet.path, with_thread(store, annotations), out, password=password)
    finally:
        store.close()
    summary = {"format": args.format, "out": str(out), "count": count, "packet": str(args.packet), "sha256": sha}
    if args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    else:
        print(f"{out}: {count}件を書き出しました（{args.format}）")
    return 0
