"""``ready_s`` driver, run in its OWN process by ``screen_bench.py``: the real start-up (``ui.gui.run_gui``) on one
packet, until the structure tree and the search are usable.

It only turns on the app's own ready hook (``PIA_REVIEWER_EXIT_WHEN_READY=1``, see ``ui.gui``): the app asks no
questions, leaves the comment store closed (no keyring here) and, once the tree is filled and the search index is
ready, prints ONE line and quits:

    ready_seconds=<s> first_paint_seconds=<s> outline_seconds=<s> index_seconds=<s>   (since process start, /proc)

The built app (``make dist``) takes the same variable, so it can be measured without this file.

Usage: PIA_REVIEWER_HOME=PROFILE python benchmarks/ready_driver.py PACKET.pdf
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse_ready_line(line: str) -> dict[str, float] | None:
    """The moments of a ``ready_seconds=…`` line, keyed ready, first_paint, outline, index; None for other lines."""
    if not line.startswith("ready_seconds="):
        return None
    fields: dict[str, float] = {}
    for item in line.split():
        key, _, value = item.partition("=")
        fields[key.removesuffix("_seconds")] = float(value)
    return fields


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO))
    os.environ.pop("PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT", None)
    os.environ["PIA_REVIEWER_EXIT_WHEN_READY"] = "1"
    from ui.gui import run_gui

    return run_gui([argv[0]])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
