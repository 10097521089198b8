"""What the command line asks for, decided before any Qt import: a headless subcommand, the GUI, or a mistake.

``pia-reviewer exprot …`` or ``pia-reviewer compare a.pdf b.pdf`` (before ``compare`` existed) used to be taken
for file names and start the GUI; without a display Qt then aborted the process. :func:`gui_args_problem` finds
such mistakes (unknown words, files that do not exist, two files, unknown options) and :func:`display_problem`
finds a missing display, each as one bilingual line; the caller prints it with the usage and exits with
:data:`USAGE_EXIT`. Only ``os`` and ``pathlib`` are imported here: the GUI's first page must not wait.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

USAGE_EXIT = 2
GUI_OPTIONS = ("--profile",)
# macOS Finder may pass a process serial number to apps it starts.
IGNORED_PREFIXES = ("-psn_",)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _commands(given: Iterable[str] | None) -> list[str]:
    if given is not None:
        return list(given)
    from reviewer.cli import subcommand_names

    return list(subcommand_names())


def gui_args_problem(args: Sequence[str], commands: Iterable[str] | None = None) -> str | None:
    """Why ``args`` cannot start the GUI (one line, Japanese — English), or None when they can.

    The GUI takes at most one existing file and ``--profile DIR``. ``commands`` are the headless
    subcommands, used to suggest the one a mistyped word meant (default: the parser's, read only when
    a word needs a suggestion).
    """
    files: list[str] = []
    items = iter(args)
    for arg in items:
        if arg == "--profile":
            if next(items, None) is None:
                return "--profile のあとにデータのフォルダを指定してください。 — --profile needs a folder."
        elif arg.startswith("--profile=") or arg.startswith(IGNORED_PREFIXES):
            continue
        elif arg.startswith("-") and arg != "-":
            return f"「{arg}」というオプションはありません。 — unknown option: {arg}"
        else:
            files.append(arg)
    for name in files:
        path = Path(name)
        if path.is_file():
            continue
        if path.exists():
            return f"「{name}」はファイルではありません。 — not a file: {name}"
        looks_like_file = path.suffix != "" or os.sep in name or "/" in name
        suggestion = None if looks_like_file else _closest(name, _commands(commands))
        if suggestion is not None:
            return (f"「{name}」というコマンドはありません。もしかして「{suggestion}」？ — "
                    f"unknown command: {name} (did you mean “{suggestion}”?)")
        if looks_like_file:
            return f"ファイルが見つかりません: {name} — file not found: {name}"
        return f"「{name}」というコマンドもファイルもありません。 — no such command or file: {name}"
    if len(files) > 1:
        return (f"開けるPDFは一つだけです（{len(files)} 個が指定されました）。 — "
                f"the window opens one PDF at a time ({len(files)} were given)")
    return None


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """One line saying that there is no screen to open a window on, or None when there is (or may be) one.

    Only X11/Wayland systems are checked: Windows and macOS always have a screen for a desktop session.
    ``QT_QPA_PLATFORM`` (e.g. ``offscreen``) means the caller chose a platform on purpose.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin")):
        return None
    if any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return ("画面（ディスプレイ）がないため、ウィンドウを開けません。 — no display to open the window on "
            "(DISPLAY and WAYLAND_DISPLAY are unset; the subcommands work without one, see --help)")
