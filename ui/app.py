"""Console entry point: headless subcommands go to ``reviewer.cli`` without importing Qt;
anything else starts the GUI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--first-page-helper"]:  # the built app as the start-up helper (ui.first_page)
        from reviewer.first_page import main as helper_main

        return helper_main(args[1:])
    headless = False
    if args and not _surely_gui(args[0]):
        from reviewer.cli import subcommand_names

        headless = args[0] in subcommand_names() or args[0] in ("-h", "--help", "--version", "--self-test")
    if headless:
        if args[0] in ("--self-test", "self-test"):
            # The frozen build's self-test also checks that Qt, its plugins and the font are bundled.
            from reviewer.cli import build_parser
            from reviewer.selftest import run_self_test
            from ui.selftest_qt import qt_checks

            rest = [a for a in args if a not in ("--self-test", "self-test")]
            parsed = build_parser().parse_args(["self-test", *rest])
            return run_self_test(parsed, extra=qt_checks)
        from reviewer.cli import main as cli_main

        return cli_main(args)
    # Mistakes and a missing display are answered in one line before Qt is imported (Qt would abort).
    from reviewer.launch import USAGE_EXIT, display_problem, gui_args_problem

    problem = gui_args_problem(args)
    if problem is not None:
        from reviewer.cli import usage

        sys.stderr.write(f"pia-reviewer: {problem}\n{usage()}")
        return USAGE_EXIT
    problem = display_problem()
    if problem is not None:
        sys.stderr.write(f"pia-reviewer: {problem}\n")
        return USAGE_EXIT
    from ui.gui import run_gui

    return run_gui(args)


def _surely_gui(first: str) -> bool:
    """A PDF path or a GUI option: start the GUI without importing ``reviewer.cli`` (its imports would delay the
    first page). Anything else is checked against the subcommands."""
    return first.lower().endswith(".pdf") or first == "--profile" or first.startswith("--profile=")


if __name__ == "__main__":
    raise SystemExit(main())
