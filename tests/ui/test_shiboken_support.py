"""shiboken6's signature support trimmed of start-up work the app never uses (``scripts/shiboken_support.py``, issue
16): what the edits do to the files, and that a start from source then compiles none of its regexes and tokenises
no module, while PySide6's signatures and its wrong-call messages stay as they were."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from scripts_under_test import load_script

REPO = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    return load_script("shiboken_support")


def _shipped_support(tmp_path: Path) -> Path:
    """shiboken6's own support sources, as its library embeds them (untrimmed)."""
    import base64
    import io
    import zipfile

    import shiboken6  # noqa: F401 - runs the bootstrap that holds the archive

    bootstrap = sys.modules.get("signature_bootstrap")
    if bootstrap is None or not hasattr(bootstrap, "zipstring_sequence"):
        pytest.skip("this shiboken6 does not embed its support as an archive")
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode("".join(bootstrap.zipstring_sequence))))
    archive.extractall(tmp_path, members=[n for n in archive.namelist() if n.startswith("shibokensupport/")])
    return tmp_path


def test_the_edits_apply_once_to_the_shipped_sources_and_leave_another_version_alone(tmp_path: Path) -> None:
    script = _script()
    folder = _shipped_support(tmp_path / "shipped")
    files = sorted({edit.path for group in script.EDITS for edit in group})
    before = {name: (folder / name).read_text(encoding="utf-8") for name in files}

    assert script.trim_for_start(folder) == []
    after = {name: (folder / name).read_text(encoding="utf-8") for name in files}
    assert all(after[name] != before[name] for name in files)
    parser = after["shibokensupport/signature/parser.py"]
    assert "\narglistParser = ArglistParser()\n" not in parser  # not made at import any more
    assert "        arglistParser = ArglistParser()\n    return" in parser  # but on the first signature asked for
    assert "inspect.getsource(module)\n" in after["shibokensupport/feature.py"]  # kept as the fallback
    assert "source = _module_source(module)" in after["shibokensupport/feature.py"]
    stubs = after["shibokensupport/signature/lib/pyi_generator.py"]
    assert "brace_searcher = _CompiledWhenUsed(" in stubs and "re.compile(brace_pat" not in stubs
    for name in files:  # the edited modules still compile
        compile(after[name], name, "exec")

    assert script.trim_for_start(folder) == []  # a second run changes nothing
    assert {name: (folder / name).read_text(encoding="utf-8") for name in files} == after

    other = tmp_path / "other"
    shutil.copytree(_shipped_support(tmp_path / "again"), other)
    changed = other / "shibokensupport/feature.py"
    changed.write_text(before["shibokensupport/feature.py"].replace("inspect.getsource(module)", "read(module)"),
                       encoding="utf-8")
    untouched = changed.read_bytes()
    assert script.trim_for_start(other) == ["module sources read directly"]
    assert changed.read_bytes() == untouched  # a passage not found: the whole file stays as shipped
    assert "arglistParser = None" in (other / "shibokensupport/signature/parser.py").read_text(encoding="utf-8")


def test_the_source_run_skips_the_supports_start_up_work_and_keeps_signatures() -> None:
    """After `make`'s setup: importing PySide6 compiles none of the support's regexes, the modules imported after
    it are not tokenised, and a wrong call still lists the supported signatures (the regex compiled on demand)."""
    probe = (
        "import inspect, re, sys\n"
        "compiled, tokenised = [], []\n"
        "original_compile, original_source = re._compile, inspect.getsource\n"
        "def counting_compile(pattern, flags):\n"
        "    if len(str(pattern)) > 200: compiled.append(sys._getframe(2).f_code.co_filename)\n"
        "    return original_compile(pattern, flags)\n"
        "def counting_source(obj):\n"
        "    if str(getattr(obj, '__file__', '')).endswith('.py'): tokenised.append(obj.__name__)\n"
        "    return original_source(obj)\n"
        "re._compile, inspect.getsource = counting_compile, counting_source\n"
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        "import json, ui.theme, reviewer.text\n"
        "import shibokensupport.feature as feature\n"
        "uses = [feature._mod_uses_pyside(sys.modules[name]) for name in ('ui.theme', 'reviewer.text', 'json')]\n"
        "print(sorted(set(name for name in compiled if 'shibokensupport' in name)))\n"
        "print(tokenised)\n"
        "print(uses)\n"
        "app = QApplication([])\n"
        "try:\n"
        "    QWidget().resize('wide')\n"
        "except TypeError as error:\n"
        "    print(' '.join(str(error).split()))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True,
                          cwd=REPO, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    support_regexes, tokenised, uses, message = done.stdout.splitlines()[:4]
    assert support_regexes == "[]", f"run `make` (scripts/prepare_venv.py): {support_regexes}"
    assert tokenised == "[]"  # modules without a .py file (built-in, compiled) still go through inspect
    assert uses == "[True, False, False]"  # the same answers: ui.theme uses PySide6, the others do not
    assert "Supported signatures:" in message and "resize(w: int, h: int, /)" in message
