"""Console entry point: headless subcommands go to ``reviewer.cli`` without importing Qt;
anything else starts the GUI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from reviewer.cli import SUBCOMMANDS

    headless = bool(args) and (
        args[0] in SUBCOMMANDS or args[0] in ("-h", "--help", "--version", "--self-test")
    )
    if headless:
        from reviewer.cli import main as cli_main

        return cli_main(args)
    from ui.gui import run_gui

    return run_gui(args)


if __name__ == "__main__":
    raise SystemExit(main())
