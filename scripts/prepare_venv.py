"""After ``pip install``: lay shiboken6's signature support out as files in the virtual environment.

shiboken6 keeps its signature support (the ``shibokensupport`` package: PySide6's signatures, enums and feature
switches) as source inside its library and compiles it at every start of the app (~25 ms of CPU before the first
page shows). Its own switch ``SBK_EMBED=0`` writes those modules into ``shiboken6/files.dir``, which it then imports
as ordinary modules, so Python's bytecode cache serves them; this script does that (after removing a folder an
earlier shiboken6 left, which would not match the installed one), takes needless work out of them
(scripts/shiboken_support.py) and compiles them. The built app does the same in ``build.spec``. Nothing here is
needed for the app to work: on any failure it says so and exits 0.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shiboken_support import trim_for_start  # noqa: E402 - a script beside this one


def files_dir() -> Path | None:
    spec = importlib.util.find_spec("shiboken6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "files.dir"


def main() -> int:
    target = files_dir()
    if target is None:
        print("prepare_venv: shiboken6 is not installed; nothing to do")
        return 0
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, SBK_EMBED="0")
    done = subprocess.run([sys.executable, "-c", "import shiboken6"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0 or not (target / "shibokensupport").is_dir():
        shutil.rmtree(target, ignore_errors=True)  # half written: shiboken6 falls back to its embedded copy
        print(f"prepare_venv: shiboken6's signature support stays embedded ({done.stderr.strip()[-200:]!r})")
        return 0
    skipped = trim_for_start(target)
    if skipped:
        print(f"prepare_venv: left as shiboken6 ships them (another version?): {', '.join(skipped)}")
    if not compileall.compile_dir(str(target), quiet=1):
        print("prepare_venv: some of shiboken6's signature modules did not compile; they compile at start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
