"""Headless subcommands: ``pia-reviewer outline|search|sample|import|export|self-test``.

Also runs as ``python -m reviewer``. Heavy modules are imported inside each command so that
``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reviewer import APP_ID, __version__
from reviewer.errors import ReviewerError, describe

SUBCOMMANDS = ("outline", "search", "sample", "import", "export", "compare", "carry", "self-test")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _cmd_sample(args: argparse.Namespace) -> int:
    from reviewer.samples import generate_packet

    truth = generate_packet(
        Path(args.out), reports=args.reports, pages_per_report=args.pages_per_report, seed=args.seed
    )
    summary = {"path": str(args.out), "pages": truth.pages, "documents": len(truth.documents)}
    if args.json:
        _print_json(summary)
    else:
        print(f"{args.out}: {truth.pages} pages, {len(truth.documents)} documents")
    return 0


def _cmd_outline(args: argparse.Namespace) -> int:
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline_cached
    from reviewer.structure.render import outline_as_text

    with Packet.open(args.pdf, password=args.password) as packet:
        outline = detect_outline_cached(packet, profile=args.profile)
        if packet.text_notice():  # pages set aside by the work budget (reviewer.document)
            print(packet.text_notice(), file=sys.stderr)
    if args.json:
        _print_json(outline.to_json())
    else:
        sys.stdout.write(outline_as_text(outline))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from reviewer.search import search_file

    result = search_file(
        Path(args.pdf), args.query, password=args.password, profile=args.profile, kana=args.kana
    )
    if args.json:
        _print_json(result)
    else:
        for hit in result["hits"]:
            print(f"資料{hit['page_label']}頁 (PDF {hit['page'] + 1})  {hit['section']}  {hit['snippet']}")
        print(f"{result['count']} 件")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from reviewer.exchange.cli import run_import

    return run_import(args)


def _cmd_export(args: argparse.Namespace) -> int:
    from reviewer.exchange.cli import use_packet_password_from
    from reviewer.export.cli import run_export

    use_packet_password_from(args)
    return run_export(args)


def _cmd_compare(args: argparse.Namespace) -> int:
    from reviewer.compare.cli import run_compare

    return run_compare(args)


def _cmd_carry(args: argparse.Namespace) -> int:
    from reviewer.compare.cli import run_carry

    return run_carry(args)


def _cmd_self_test(args: argparse.Namespace) -> int:
    from reviewer.selftest import run_self_test

    return int(run_self_test(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description="PIA Reviewer — 特定個人情報保護評価書の第三者点検を支援するアプリ。"
        " Without a subcommand it opens the GUI (optionally on FILE.pdf).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-test", action="store_true", help="run the headless self-test and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from reviewer.exchange.cli import add_password_options

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.add_argument("--profile", default=None, help="data directory (default: $PIA_REVIEWER_HOME or the user's)")
        return p

    p = add("sample", _cmd_sample, "write a synthetic council packet (審議資料)")
    p.add_argument("out", help="output PDF path")
    p.add_argument("--reports", type=int, default=4)
    p.add_argument("--pages-per-report", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)

    p = add("outline", _cmd_outline, "detect the packet's structure (reports, chapters, sections, risks)")
    p.add_argument("pdf")
    p.add_argument("--password", default=None)

    p = add("search", _cmd_search, "full-text search (NFKC, width- and line-break-insensitive)")
    p.add_argument("pdf")
    p.add_argument("query")
    p.add_argument("--password", default=None)
    p.add_argument("--kana", action="store_true", help="treat hiragana and katakana as equal")

    p = add("import", _cmd_import, "import comment packages, XFDF files or annotated PDFs")
    p.add_argument("files", nargs="+")
    p.add_argument("--packet", default=None, help="the packet PDF the comments belong to")
    add_password_options(p)

    p = add("export", _cmd_export, "export comments (sheet, package or annotated PDF)")
    p.add_argument("out")
    p.add_argument("--packet", required=True)
    p.add_argument(
        "--format", required=True, choices=("xlsx", "docx", "pdf", "csv", "package", "annotated-pdf")
    )
    p.add_argument("--report", type=int, default=None, help="only this report (1-based)")
    p.add_argument("--author", default=None, help="only this member's comments (package export)")
    p.add_argument("--compare-with", metavar="OLD.pdf", default=None,
                   help="the earlier version of the packet: its undeclared changes become rows of the sheet")
    add_password_options(p)

    for name, handler, text in (
        ("compare", _cmd_compare, "compare a revised packet with the earlier one (changes, 別添3 check)"),
        ("carry", _cmd_carry, "carry the comments on the earlier version to the revised one"),
    ):
        p = add(name, handler, text)
        p.add_argument("old", help="the earlier version (PDF)")
        p.add_argument("new", help="the revised version (PDF)")
        # As for import/export, no option takes a password itself (it would show in the process list).
        p.add_argument("--old-password-env", metavar="NAME", default=None,
                       help="read the earlier version's PDF password from the environment variable NAME")
        p.add_argument("--new-password-env", metavar="NAME", default=None,
                       help="read the revised version's PDF password from the environment variable NAME")

    add("self-test", _cmd_self_test, "open the sample, detect, render, search, annotate, export; exit 0 if all worked")
    return parser


def subcommand_names() -> tuple[str, ...]:
    """The headless subcommands as the parser knows them, so a subparser added to :func:`build_parser` is
    routed by ``ui.app`` at once (``SUBCOMMANDS`` is the list as shipped)."""
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return tuple(action.choices)
    return SUBCOMMANDS


def usage() -> str:
    """The one-line usage with a pointer to ``--help``."""
    commands = "|".join(subcommand_names())
    return (f"usage: {APP_ID} [FILE.pdf] [--profile DIR]\n"
            f"       {APP_ID} {{{commands}}} ...\n"
            f"{APP_ID} --help で使い方を表示します (see --help).\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test and args.command is None:
        args = parser.parse_args(["self-test", *[a for a in (argv or sys.argv[1:]) if a != "--self-test"]])
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args))
    except (ReviewerError, OSError) as exc:
        # A file the command could not read or write is the user's to fix, not a traceback.
        print(f"{APP_ID}: {describe(exc, 'ja')}", file=sys.stderr)
        print(f"{APP_ID}: {describe(exc, 'en')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
