"""Start-up as a user sees it (issue #16): process start → the first page's pixels on an X screen.

Each program (PIA Reviewer from source, the built app when ``dist/`` holds one, evince, mupdf) is started fresh
(new process, fresh profile: its own HOME, XDG folders and ``PIA_REVIEWER_HOME``) on a private Xvfb screen, with a
copy of the packet whose first page carries a solid magenta block. The parent polls the screen through MIT-SHM
about every 10 ms (``screen_probe.py``) and stops the clock at the first poll that finds the block. Two seconds
later it looks again: the block's box then tells whether the page moved or was zoomed after the first frame.

``ready_s`` (``ready_driver.py``): process start → structure tree and search usable, on a fresh profile (first
open) and on the profile of that first open (re-open).

All programs are measured in the same run, five fresh starts each by default, interleaved (one start of each in
turn) so that a change in the machine's load hits all of them alike; medians and ratios are reported with the
load average before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, Results, kill_group, log, median, peer, ratio, stop_process
from ready_driver import parse_ready_line
from screen_probe import MARKER_RGB, Box, Screen, marker_box, marker_visible

READY_DRIVER = Path(__file__).resolve().parent / "ready_driver.py"
POLL_S = 0.010
SETTLE_S = 2.0  # how long after the first frame the page must stay where it was
MARKER_AREA = (0.10, 0.03, 0.90, 0.13)  # of the page: left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Program:
    """A viewer to start: ``argv`` before the PDF's path; ``name`` as reported."""

    name: str
    argv: tuple[str, ...]
    cwd: Path | None = None


def frozen_binary() -> Path | None:
    """The built app (``make dist``) when there is one."""
    for candidate in (REPO / "dist" / "pia-reviewer" / "pia-reviewer",
                      REPO / "dist" / "pia-reviewer" / "pia-reviewer.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def programs(frozen: Path | None = None) -> tuple[dict[str, Program], dict[str, str]]:
    """The programs to measure and, for each one that cannot be, why."""
    found: dict[str, Program] = {"source": Program("source", (sys.executable, "-m", "ui.app"), REPO)}
    missing: dict[str, str] = {}
    frozen = frozen or frozen_binary()
    if frozen is not None:
        found["frozen"] = Program("frozen", (str(frozen),))
    else:
        missing["frozen"] = "not measured: no built app in dist/ (run `make dist`)"
    for tool in ("evince", "mupdf"):
        path = peer(tool)
        if path is None:
            missing[tool] = f"peer_missing: {tool} is not installed (`make bench` installs it)"
        else:
            found[tool] = Program(tool, (path,))
    return found, missing


def marked_copy(pdf: Path, out: Path, password: str | None = None) -> Path:
    """A copy of ``pdf`` with a solid magenta block near the top of page 1 (saved unencrypted)."""
    import pymupdf

    doc: Any = pymupdf.open(pdf)
    try:
        if doc.needs_pass and not doc.authenticate(password or ""):
            raise RuntimeError("the PDF needs a password")
        page = doc[0]
        box = page.rect
        left, top, right, bottom = MARKER_AREA
        area = pymupdf.Rect(box.x0 + box.width * left, box.y0 + box.height * top,
                            box.x0 + box.width * right, box.y0 + box.height * bottom)
        page.draw_rect(area * page.derotation_matrix, color=None, fill=MARKER_RGB, overlay=True)
        doc.save(out, encryption=pymupdf.PDF_ENCRYPT_NONE)
    finally:
        doc.close()
    return out


def precompile_sources() -> list[str]:
    """Byte-compile the app's own packages (``ui``, ``reviewer``) as an installed copy has them.

    A from-source start reads ``__pycache__`` like any Python program after its first run; where the environment
    says ``PYTHONDONTWRITEBYTECODE=1`` (as on the build machine) nothing is ever written, and every measured start
    would compile about 35 modules (~0.1 s) that a user's second start does not. Returns the packages that failed
    to compile (empty when all did)."""
    import compileall

    failed = []
    for package in ("ui", "reviewer"):
        if not compileall.compile_dir(str(REPO / package), quiet=1):
            failed.append(package)
    return failed


def fresh_env(home: Path, display: str, bus: str | None) -> dict[str, str]:
    """The environment of a first start: an empty HOME, XDG folders and PIA Reviewer profile."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "PYTHONPATH")
           and not key.startswith("PIA_REVIEWER_")}
    for name in ("config", "cache", "data", "state"):
        (home / name).mkdir(parents=True, exist_ok=True)
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"), XDG_RUNTIME_DIR=str(runtime),
               PIA_REVIEWER_HOME=str(home / "pia-reviewer"), DISPLAY=display, QT_QPA_PLATFORM="xcb",
               NO_AT_BRIDGE="1", GTK_A11Y="none")
    if bus:
        env["DBUS_SESSION_BUS_ADDRESS"] = bus
    return env


def _wait_screen_clear(screen: Screen, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not marker_visible(*screen.grab()):
            return
        time.sleep(POLL_S)


def screen_first_paint_once(program: Program, pdf: Path, screen: Screen, env: dict[str, str],
                            timeout: float = 60.0, settle_s: float = SETTLE_S) -> dict[str, Any]:
    """Start ``program`` on ``pdf`` and poll the screen until the marker shows; then ``settle_s`` later again.

    Returns ``first_paint_s`` (spawn → the poll that saw the page), ``polls``, and the marker's box at the first
    frame and after settling (None when it disappeared)."""
    _wait_screen_clear(screen)
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen([*program.argv, str(pdf)], cwd=program.cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        try:
            polls = 0
            while True:
                pixels, stride = screen.grab()
                polls += 1
                now = time.perf_counter()
                if marker_visible(pixels, stride):
                    seen = now - started
                    break
                if now - started > timeout or proc.poll() is not None:
                    errors.seek(0)
                    tail = [ln for ln in errors.read().splitlines() if ln.strip()][-3:]
                    state = "timed out" if proc.poll() is None else f"exited with {proc.returncode}"
                    raise RuntimeError(f"{program.name} {state} before its first page showed: {' | '.join(tail)}"
                                       [:300])
                spare = POLL_S - (time.perf_counter() - now)
                if spare > 0:
                    time.sleep(spare)
            first_box = marker_box(pixels, stride)
            later_box: Box | None = None
            if settle_s > 0:
                time.sleep(max(0.0, settle_s - (time.perf_counter() - started - seen)))
                later, stride = screen.grab()
                later_box = marker_box(later, stride)
        finally:
            kill_group(proc)
    return {"first_paint_s": seen, "polls": polls, "first_box": first_box, "later_box": later_box}


def _distance_from_one(value: float) -> float:
    return abs(value - 1.0)


def layout_shift(first: Box | None, later: Box | None) -> tuple[float | None, float | None]:
    """How far the page's marker moved (largest edge move, px) and how its width changed (later / first)."""
    if first is None or later is None:
        return None, None
    moved = max(abs(first.left - later.left), abs(first.top - later.top), abs(first.right - later.right),
                abs(first.bottom - later.bottom))
    return float(moved), later.width / first.width if first.width else None


@contextmanager
def session_bus(home: Path) -> Iterator[str | None]:
    """One D-Bus session bus for the whole run, as a desktop has (GTK viewers look for one at start-up)."""
    binary = peer("dbus-daemon")
    if binary is None:
        yield None
        return
    proc = subprocess.Popen([binary, "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, HOME=str(home)))
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip() or None
        yield address
    finally:
        stop_process(proc, 5)


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def bench_screen(pdf: Path, display: str | None, runs: int, password: str | None = None,
                 frozen: Path | None = None, settle_s: float = SETTLE_S, only: tuple[str, ...] | None = None
                 ) -> Results:
    """First paint on the screen for each program, ``runs`` fresh starts each (interleaved), plus one unmeasured
    warm-up start of each (file cache, fontconfig cache)."""
    res = Results()
    keys = ("first_paint_screen_s", "first_paint_vs_evince", "first_paint_frozen_s", "first_paint_frozen_vs_evince",
            "first_paint_evince_s", "first_paint_mupdf_s", "first_paint_vs_mupdf", "first_paint_layout_shift_px",
            "first_paint_frozen_layout_shift_px")
    if display is None:
        res.missing(keys, "peer_missing: Xvfb is not installed (the screen is needed)")
        return res
    found, missing = programs(frozen)
    if "source" in found:
        res.values["screen_precompile_failed"] = precompile_sources()
    if only is not None:
        found = {name: program for name, program in found.items() if name in only}
    load_before = _load()
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in found}
    failures: dict[str, list[str]] = {name: [] for name in found}
    with tempfile.TemporaryDirectory(prefix="pia-bench-screen-") as folder:
        work = Path(folder)
        marked = marked_copy(pdf, work / pdf.name, password)
        with session_bus(work) as bus, Screen(display) as screen:
            res.values["screen_shared_memory"] = screen.shared_memory
            for round_number in range(runs + 1):  # round 0 warms up and is not counted
                for name, program in found.items():
                    if len(failures[name]) > 2:
                        continue
                    home = work / f"home-{name}-{round_number}"
                    try:
                        outcome = screen_first_paint_once(program, marked, screen, fresh_env(home, display, bus),
                                                          settle_s=settle_s if round_number else 0.0)
                    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                        log(f"screen first paint of {name} failed: {exc}")
                        failures[name].append(str(exc))
                        continue
                    finally:
                        shutil.rmtree(home, ignore_errors=True)
                    if round_number:
                        samples[name].append(outcome)
    res.values["screen_load_average"] = {"before": load_before, "after": _load()}
    res.values["screen_runs"] = {name: len(items) for name, items in samples.items()}
    res.values["screen_poll_ms"] = POLL_S * 1000
    res.values["screen_settle_s"] = settle_s
    medians: dict[str, float | None] = {}
    for name in ("source", "frozen", "evince", "mupdf"):
        items = samples.get(name) or []
        if items:
            medians[name] = median([s["first_paint_s"] for s in items])
            res.values[f"first_paint_screen_runs_{name}_s"] = [round(s["first_paint_s"], 3) for s in items]
        else:
            medians[name] = None
    reason_of = {name: (missing.get(name) or (f"error: {failures[name][0]}" if failures.get(name) else
                                              "not measured")) for name in ("source", "frozen", "evince", "mupdf")}
    res.put("first_paint_screen_s", medians["source"], reason_of["source"])
    res.put("first_paint_frozen_s", medians["frozen"], reason_of["frozen"])
    res.put("first_paint_evince_s", medians["evince"], reason_of["evince"])
    res.put("first_paint_mupdf_s", medians["mupdf"], reason_of["mupdf"])
    res.put("first_paint_vs_evince", ratio(medians["source"], medians["evince"]),
            reason_of["evince"] if medians["evince"] is None else reason_of["source"])
    res.put("first_paint_frozen_vs_evince", ratio(medians["frozen"], medians["evince"]),
            reason_of["evince"] if medians["evince"] is None else reason_of["frozen"])
    res.put("first_paint_vs_mupdf", ratio(medians["source"], medians["mupdf"]),
            reason_of["mupdf"] if medians["mupdf"] is None else reason_of["source"])
    for name, key in (("source", "first_paint_layout_shift_px"), ("frozen", "first_paint_frozen_layout_shift_px")):
        shifts = [layout_shift(s["first_box"], s["later_box"]) for s in samples.get(name) or []]
        moved = [m for m, _ in shifts if m is not None]
        res.put(key, max(moved) if moved else None,
                reason_of[name] if not samples.get(name) else f"the page was not on the screen {settle_s:.0f} s later")
        zooms: list[float] = [z for _, z in shifts if z is not None]
        if zooms:
            worst_zoom = max(zooms, key=_distance_from_one)
            res.values[key.replace("shift_px", "zoom_change")] = round(worst_zoom, 4)
    res.values["screen_failures"] = {name: items for name, items in failures.items() if items}
    return res


# ------------------------------------------------------------------------------------------------ ready


def ready_once(pdf: Path, profile_home: Path, display: str | None, bus: str | None,
               timeout: float = 120.0) -> dict[str, float]:
    """Run ``ready_driver.py`` (the real start-up path) on ``pdf`` with the profile in ``profile_home``."""
    if display is None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PIA_REVIEWER_")}
        env.update(QT_QPA_PLATFORM="offscreen", PIA_REVIEWER_HOME=str(profile_home / "pia-reviewer"))
    else:
        env = fresh_env(profile_home, display, bus)
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(READY_DRIVER), str(pdf)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
        watchdog = threading.Timer(timeout, lambda: kill_group(proc))
        watchdog.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                fields = parse_ready_line(line)
                if fields is not None:
                    parent = time.perf_counter() - started
                    proc.wait(timeout=30)
                    return {"ready_s": parent, **fields}
            proc.wait(timeout=30)
            errors.seek(0)
            tail = [ln for ln in errors.read().splitlines() if ln.strip()][-4:]
            raise RuntimeError(f"ready driver exited with {proc.returncode}: {' | '.join(tail)}"[-300:])
        finally:
            watchdog.cancel()
            kill_group(proc)
            if proc.stdout:
                proc.stdout.close()


def bench_ready(pdf: Path, display: str | None, runs: int) -> Results:
    """``ready_s`` on a fresh profile (first open) and then on the same profile (re-open), ``runs`` pairs.

    Each pair has its own profile: the first open fills its caches, the re-open finds them."""
    res = Results()
    precompile_sources()
    first: list[dict[str, float]] = []
    again: list[dict[str, float]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pia-bench-ready-") as folder:
        work = Path(folder)
        with session_bus(work) if display else _no_bus() as bus:
            for number in range(runs):
                home = work / f"home-{number}"
                try:
                    first.append(ready_once(pdf, home, display, bus))
                    again.append(ready_once(pdf, home, display, bus))
                except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
                    log(f"ready run failed: {exc}")
                    errors.append(str(exc))
                    if len(errors) > 2:
                        break
                finally:
                    shutil.rmtree(home, ignore_errors=True)
    reason = f"error: {errors[0]}" if errors else "not measured"
    res.put("ready_s", median([r["ready_s"] for r in first]) if first else None, reason)
    res.put("ready_reopen_s", median([r["ready_s"] for r in again]) if again else None, reason)
    for label, items in (("ready", first), ("ready_reopen", again)):
        if items:
            res.values[f"{label}_runs_s"] = [round(r["ready_s"], 3) for r in items]
            for part in ("first_paint", "outline", "index"):
                values = [r[part] for r in items if part in r]
                if values:
                    res.put(f"{label}_{part}_s", median(values))
    reopen_paint = res.values.get("ready_reopen_first_paint_s")
    if again and reopen_paint is not None:
        # issue #16: a re-open is ready within 0.3 s of its first paint
        res.put("ready_reopen_after_first_paint_s", median([r["ready"] - r["first_paint"] for r in again
                                                            if "first_paint" in r and "ready" in r]))
    if errors:
        res.values["ready_failures"] = errors
    return res


@contextmanager
def _no_bus() -> Iterator[None]:
    yield None
