"""Three edits to shiboken6's signature support, laid out as files, that take its needless work off every start.

Both the source run (scripts/prepare_venv.py) and the built app (build.spec) import shiboken6's signature support
(the ``shibokensupport`` package) from files written out of shiboken6's library. Measured on PySide6 6.11.3, that
package spends about 60 ms of CPU of every start, before the first window, on work the app never uses:

- ``signature/parser.py`` compiles a three-level brace regex for argument lists at import (~10 ms). It is needed
  only when a signature is first asked for (``inspect.signature``, a wrong call's error message): compiled then.
- ``signature/lib/pyi_generator.py`` (the ``.pyi`` stub writer) compiles two such regexes as class attributes
  (~20 ms); nothing reads them outside stub writing: compiled on first use.
- ``feature.py`` asks, for every module imported after PySide6, whether its source mentions "PySide6" (for the
  ``from __feature__ import snake_case`` switch) through ``inspect.getsource``, which tokenises the whole file
  (~30 ms for the ~90 modules the window imports): the file is read directly, with the same answer.

Each edit replaces an exact passage; where a passage is not found (another shiboken6) the file is left as it is
and the edit is reported, so the app starts exactly as shiboken6 ships it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Edit(NamedTuple):
    name: str
    path: str  # relative to the folder holding ``shibokensupport``
    old: str
    new: str


_PARSER_OLD = """arglistParser = ArglistParser()


def _parse_arglist(argstr):
    return arglistParser.parse(argstr)
"""
_PARSER_NEW = """arglistParser = None  # PIA Reviewer: made on the first signature asked for, not at every start


def _parse_arglist(argstr):
    global arglistParser
    if arglistParser is None:
        arglistParser = ArglistParser()
    return arglistParser.parse(argstr)
"""

_STUB_PATTERNS_OLD = """    brace_pat = build_brace_pattern(3, ",=")
    opt_uni_searcher = re.compile(fr\"\"\""""
_STUB_PATTERNS_NEW = """    brace_pat = build_brace_pattern(3, ",=")
    opt_uni_searcher = _CompiledWhenUsed(fr\"\"\""""
_STUB_SEARCHER_OLD = "    brace_searcher = re.compile(brace_pat, flags=re.VERBOSE)\n"
_STUB_SEARCHER_NEW = "    brace_searcher = _CompiledWhenUsed(brace_pat, flags=re.VERBOSE)\n"
_STUB_CLASS_OLD = "\n\nclass Formatter("
_STUB_CLASS_NEW = '''

class _CompiledWhenUsed:
    """PIA Reviewer: a regex compiled when it is first used (by the stub writer), not at every start."""

    def __init__(self, *args, **kwargs):
        self._args, self._kwargs, self._pattern = args, kwargs, None

    def _compiled(self):
        if self._pattern is None:
            self._pattern = re.compile(*self._args, **self._kwargs)
        return self._pattern

    def __getattr__(self, name):
        if name.startswith("__"):  # abc's class set-up asks for __isabstractmethod__
            raise AttributeError(name)
        if name in ("search", "match", "fullmatch", "split", "findall", "finditer", "sub", "subn"):
            return lambda *args, **kwargs: getattr(self._compiled(), name)(*args, **kwargs)
        return getattr(self._compiled(), name)


class Formatter('''

_FEATURE_OLD = """    try:
        source = inspect.getsource(module)
"""
_FEATURE_NEW = """    try:
        source = _module_source(module)
"""
_FEATURE_HELPER_OLD = "\n\ndef _mod_uses_pyside(module):\n"
_FEATURE_HELPER_NEW = '''

def _module_source(module):
    """PIA Reviewer: a module's .py file read as it is (inspect.getsource tokenises it: ~0.3 ms a module, paid
    for every module imported after PySide6); anything else through inspect, as before."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source_file:
                return source_file.read().decode("utf-8", "replace")
        except OSError:
            pass
    return inspect.getsource(module)


def _mod_uses_pyside(module):
'''

EDITS: tuple[tuple[Edit, ...], ...] = (
    (Edit("argument-list regex on first use", "shibokensupport/signature/parser.py", _PARSER_OLD, _PARSER_NEW),),
    (
        Edit("stub writer's regexes on first use", "shibokensupport/signature/lib/pyi_generator.py",
             _STUB_CLASS_OLD, _STUB_CLASS_NEW),
        Edit("stub writer's regexes on first use", "shibokensupport/signature/lib/pyi_generator.py",
             _STUB_PATTERNS_OLD, _STUB_PATTERNS_NEW),
        Edit("stub writer's regexes on first use", "shibokensupport/signature/lib/pyi_generator.py",
             _STUB_SEARCHER_OLD, _STUB_SEARCHER_NEW),
    ),
    (
        Edit("module sources read directly", "shibokensupport/feature.py", _FEATURE_HELPER_OLD, _FEATURE_HELPER_NEW),
        Edit("module sources read directly", "shibokensupport/feature.py", _FEATURE_OLD, _FEATURE_NEW),
    ),
)


def trim_for_start(folder: Path) -> list[str]:
    """Apply the edits to the support modules under ``folder``; returns the names of those not applied. A group of
    edits to one file is applied whole or not at all; applying twice changes nothing."""
    skipped: list[str] = []
    for group in EDITS:
        path = folder / group[0].path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            skipped.append(group[0].name)
            continue
        if all(edit.new in text for edit in group):
            continue  # applied before
        if not all(text.count(edit.old) == 1 for edit in group):
            skipped.append(group[0].name)
            continue
        for edit in group:
            text = text.replace(edit.old, edit.new)
        path.write_text(text, encoding="utf-8")
    return skipped
