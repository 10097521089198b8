"""`make dist`'s PyInstaller build works and the frozen app passes its own self-test (issue #10)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _assert_only_used_qt_plugins(internal: Path) -> None:
    """Issue #16: the build carries the Qt plugins the app loads and none of those it never does (nor the GTK
    libraries that only the GTK theme plugin needed)."""
    plugins = internal / "PySide6" / "Qt" / "plugins"
    platforms = {p.name for p in (plugins / "platforms").iterdir()}
    assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so"} <= platforms, platforms
    assert not platforms & {"libqeglfs.so", "libqlinuxfb.so", "libqvnc.so", "libqminimalegl.so"}, platforms
    assert (plugins / "iconengines" / "libqsvgicon.so").is_file()
    assert (plugins / "imageformats" / "libqsvg.so").is_file()
    assert (plugins / "platforminputcontexts" / "libibusplatforminputcontextplugin.so").is_file()  # Japanese IMEs
    formats = {p.name for p in (plugins / "imageformats").iterdir()}
    assert not formats & {"libqgif.so", "libqtiff.so", "libqwebp.so", "libqtga.so"}, formats
    for folder in ("egldeviceintegrations", "generic", "networkinformation", "tls"):
        assert not (plugins / folder).exists(), folder
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libgtk-3.so*")) and not list(internal.glob("libgdk-3.so*"))


def _assert_shiboken_support_precompiled(binary: Path, internal: Path) -> None:
    """Issue #16: the modules are compiled files beside the app (no archive to inflate before each import),
    shiboken6's signature support among them, and the folder that makes shiboken6 import it from there (instead
    of compiling its embedded copy at every start) is shipped; on Linux PyInstaller's multiprocessing run-time hook
    (an import of multiprocessing in every process) is left out."""
    from PyInstaller.archive.readers import CArchiveReader

    assert (internal / "shiboken6" / "files.dir").is_dir()
    archive = CArchiveReader(str(binary))
    if sys.platform.startswith("linux"):  # ~20 ms of CPU before the first frame (scripts/frozen_multiprocessing.py)
        scripts = [name for name, entry in archive.toc.items() if entry[-1] == "s"]
        assert "pyi_rth_multiprocessing" not in scripts and "frozen_entry" in scripts, scripts
    if "PYZ.pyz" in archive.toc:  # (present, and empty)
        assert not archive.open_embedded_archive("PYZ.pyz").toc
    for module in ("shibokensupport/__init__", "shibokensupport/signature/loader", "shibokensupport/signature/mapping",
                   "shibokensupport/signature/lib/pyi_generator", "reviewer/analysis", "ui/main_window"):
        assert (internal / f"{module}.pyc").is_file(), module


@pytest.mark.slow
def test_frozen_build_passes_self_test(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[dist]')")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist), "--workpath", str(work),
         str(REPO / "build.spec")],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    app_dir = dist / "pia-reviewer"
    binary = app_dir / ("pia-reviewer.exe" if sys.platform == "win32" else "pia-reviewer")
    assert binary.is_file()
    resources = app_dir / "_internal" / "resources"
    assert (resources / "fonts" / "ipaexg.ttf").is_file()
    assert (resources / "translations" / "pia_reviewer_en.qm").is_file()
    assert (resources / "sample" / "sample-packet.pdf").is_file()
    if sys.platform.startswith("linux"):
        _assert_only_used_qt_plugins(app_dir / "_internal")
    _assert_shiboken_support_precompiled(binary, app_dir / "_internal")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIA_REVIEWER_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    run = subprocess.run([str(binary), "--self-test"], check=False, capture_output=True, text=True,
                         timeout=300, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "self-test passed" in run.stdout and "OK  qt" in run.stdout
    version = subprocess.run([str(binary), "--version"], check=False, capture_output=True, text=True, timeout=60,
                             env=env)
    assert version.returncode == 0 and "pia-reviewer" in version.stdout
    # Issue 16: the built app paints a packet's first page (drawn by its first-page helper), and runs as that
    # helper itself where it cannot fork.
    sample = resources / "sample" / "sample-packet.pdf"
    start = subprocess.run([str(binary), str(sample)], check=False, capture_output=True, text=True, timeout=120,
                           env={**env, "PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT": "1"}, cwd=tmp_path)
    assert start.returncode == 0, start.stdout + start.stderr
    assert re.search(r"first_paint_seconds=[\d.]+ run_gui_seconds=[\d.]+ page=0 pages=\d{3}", start.stdout), start.stdout
    # The background worker is a spawned process of the built app (served by scripts/frozen_multiprocessing.py on
    # Linux, where PyInstaller's multiprocessing hook is left out): the packet is analysed and indexed.
    ready = subprocess.run([str(binary), str(sample)], check=False, capture_output=True, text=True, timeout=300,
                           env={**env, "PIA_REVIEWER_EXIT_WHEN_READY": "1"}, cwd=tmp_path)
    assert ready.returncode == 0 and "ready_seconds=" in ready.stdout, ready.stdout + ready.stderr[-2000:]
    helper = subprocess.run([str(binary), "--first-page-helper", str(sample)], check=False, capture_output=True,
                            input=b'{"scale": 1.0, "pages": [0]}\n', timeout=120, env=env, cwd=tmp_path)
    geometry, page = helper.stdout.split(b"\n")[:2]
    assert json.loads(geometry)["status"] == "ok" and json.loads(page)["page"] == 0, helper.stderr[-2000:]
    size_mb = _folder_size(app_dir) / 1e6
    print(f"frozen app folder: {size_mb:.0f} MB")
    assert size_mb < 400
