"""GUI measurements, each in a fresh subprocess: start-up to first paint (the real ``python -m ui.app``), and
scrolling/stalls/memory (``gui_driver.py``). Under Xvfb (QT_QPA_PLATFORM=xcb) when a display is given, else
offscreen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import REPO, Results, kill_group, log, median, ratio

DRIVER = Path(__file__).resolve().parent / "gui_driver.py"
BARE_WINDOW = Path(__file__).resolve().parent / "bare_window.py"


def _env(profile: Path, display: str | None) -> dict[str, str]:
    env = dict(os.environ, PIA_REVIEWER_HOME=str(profile))
    env.pop("WAYLAND_DISPLAY", None)
    if display:
        env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def first_paint_once(pdf: Path, profile: Path, display: str | None, timeout: float = 120.0,
                     program: list[str] | None = None) -> dict[str, float]:
    """Spawn ``python -m ui.app PDF`` (PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT=1). ``first_paint_s`` is measured by
    this parent from just before the spawn to the moment the app's first-paint line arrives on its stdout, so it
    includes interpreter start-up and every import; the app's own /proc-based figure is kept as well."""
    env = _env(profile, display)
    env["PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT"] = "1"
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *(program or ["-m", "ui.app"]), str(pdf)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
        watchdog = threading.Timer(timeout, lambda: kill_group(proc))
        watchdog.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("first_paint_seconds="):
                    parent = time.perf_counter() - started
                    fields = dict(item.split("=", 1) for item in line.split())
                    proc.wait(timeout=timeout)
                    return {"first_paint_s": parent, "child_reported_s": float(fields["first_paint_seconds"]),
                            "pages": float(fields.get("pages", "nan"))}
            proc.wait(timeout=timeout)
            errors.seek(0)
            tail = [ln for ln in errors.read().splitlines() if ln.strip() and "propagateSizeHints" not in ln]
            raise RuntimeError(f"app exited with {proc.returncode} before painting: {' | '.join(tail[-4:])[-300:]}")
        finally:
            watchdog.cancel()
            kill_group(proc)
            if proc.stdout:
                proc.stdout.close()


def import_profile(pdf: Path, display: str | None, top: int = 12) -> tuple[dict[str, float], float]:
    """One start-up with ``python -X importtime``: the cumulative import time (ms) of the top-level modules the
    app imports before its first paint, largest first, and the total over all of them (under -X importtime, which
    itself slows imports a little)."""
    with tempfile.TemporaryDirectory(prefix="pia-bench-imports-") as folder:
        env = _env(Path(folder), display)
        env["PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT"] = "1"
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ui.app", str(pdf)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120, check=False, start_new_session=True)
    modules: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or parts[2].startswith("  ") or not parts[1].strip().isdigit():
            continue  # only top-level imports (nested ones are indented)
        name = parts[2].strip()
        modules[name] = modules.get(name, 0.0) + int(parts[1]) / 1000.0
    ranked = sorted(modules.items(), key=lambda item: -item[1])[:top]
    return {name: round(ms, 1) for name, ms in ranked}, sum(modules.values())


def first_paint(pdf: Path, runs: int, display: str | None, program: list[str] | None = None) -> dict[str, Any]:
    """Median over ``runs`` after one unmeasured warm-up start (warm file cache, settings written)."""
    warmed = False
    with tempfile.TemporaryDirectory(prefix="pia-bench-gui-") as folder:
        profile = Path(folder)
        results: list[dict[str, float]] = []
        failures: list[str] = []
        for _ in range(runs + 3):  # one unmeasured warm-up, then ``runs``; a crashed start is retried twice
            if len(results) >= runs or len(failures) > 2:
                break
            try:
                outcome = first_paint_once(pdf, profile, display, program=program)
            except RuntimeError as exc:
                failures.append(str(exc))
                log(f"start-up run failed: {exc}")
                continue
            if not warmed:
                warmed = True
                continue
            results.append(outcome)
        if not results:
            raise RuntimeError(failures[0] if failures else "no start-up run")
    return {
        "first_paint_s": median([r["first_paint_s"] for r in results]),
        "first_paint_min_s": min(r["first_paint_s"] for r in results),
        "child_reported_s": median([r["child_reported_s"] for r in results]),
        "runs": len(results),
        "failed": failures,
    }


def scroll_once(pdf: Path, display: str | None, timeout: float = 300.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pia-bench-scroll-") as folder, \
            tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, str(DRIVER), str(pdf)], cwd=REPO, env=_env(Path(folder), display),
                                stdout=out, stderr=err, text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        finally:
            kill_group(proc)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            data: dict[str, Any] = json.loads(line)
            if "error" in data and "max_stall_ms" not in data:
                raise RuntimeError(f"gui driver: {data['error']}")
            return data
    tail = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "propagateSizeHints" not in ln]
    fatal = [ln for ln in tail if ln.startswith("Fatal Python error")]
    raise RuntimeError(f"gui driver exited with {proc.returncode}: {(fatal or tail[-3:] or [''])[0][:300]}")


def bench_gui(pdf: Path, runs: int, scroll_runs: int, display: str | None, with_offscreen: bool) -> Results:
    """First paint (primary platform, plus offscreen when the primary is Xvfb) and the scroll run(s)."""
    res = Results()
    platform = "xcb (Xvfb)" if display else "offscreen"
    res.values["gui_platform"] = platform
    try:
        primary = first_paint(pdf, runs, display)
        res.put("first_paint_s", primary["first_paint_s"])
        res.put("first_paint_min_s", primary["first_paint_min_s"])
        res.put("first_paint_app_reported_s", primary["child_reported_s"])
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        log(f"first paint failed: {exc}")
        res.missing(("first_paint_s", "first_paint_min_s", "first_paint_app_reported_s"), f"error: {exc}")
    try:  # the peer in the same run: a bare PySide6 + PyMuPDF window showing page 1
        bare = first_paint(pdf, runs, display, program=[str(BARE_WINDOW)])
        res.put("first_paint_bare_window_s", bare["first_paint_s"])
        res.put("first_paint_ratio_vs_bare_window", ratio(res.values.get("first_paint_s"), bare["first_paint_s"]))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        res.missing(("first_paint_bare_window_s", "first_paint_ratio_vs_bare_window"), f"error: {exc}")
    try:
        imports, total = import_profile(pdf, display)
        res.values["startup_imports_ms"] = imports
        res.put("startup_imports_total_ms", total)
    except (OSError, subprocess.SubprocessError) as exc:
        res.put("startup_imports_total_ms", None, f"error: {exc}")
    if display and with_offscreen:
        try:
            res.put("first_paint_offscreen_s", first_paint(pdf, runs, None)["first_paint_s"])
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            res.put("first_paint_offscreen_s", None, f"error: {exc}")
    scroll_keys = ("max_stall_ms", "max_stall_worst_ms", "max_stall_fling_ms", "max_stall_steady_ms",
                   "p99_stall_ms", "peak_rss_mb", "scroll_s", "stalls_over_50ms")
    scrolls: list[dict[str, Any]] = []
    errors: list[str] = []
    attempts = 0
    while len(scrolls) < scroll_runs and attempts < scroll_runs + 2:  # the app crashes now and then: retry
        attempts += 1
        try:
            scrolls.append(scroll_once(pdf, display))
        except (RuntimeError, OSError, subprocess.SubprocessError, json.JSONDecodeError) as exc:
            log(f"scroll run failed: {exc}")
            errors.append(str(exc))
    if not scrolls:
        res.missing(scroll_keys, f"error: {errors[0] if errors else 'no run'}")
        return res
    if errors:
        res.values["scroll_runs_failed"] = errors
    res.put("max_stall_ms", median([s["max_stall_ms"] for s in scrolls]))
    res.put("max_stall_worst_ms", max(s["max_stall_ms"] for s in scrolls))
    for phase in ("fling", "steady"):
        values = [s[phase]["max_stall_ms"] for s in scrolls if phase in s]
        res.put(f"max_stall_{phase}_ms", median(values) if values else None, f"{phase} phase did not run")
    res.put("p99_stall_ms", median([s["p99_stall_ms"] for s in scrolls]))
    res.put("stalls_over_50ms", median([s["stalls_over_50ms"] for s in scrolls]))
    res.put("peak_rss_mb", max(s["peak_rss_mb"] for s in scrolls))
    res.values["peak_rss_runs_mb"] = [round(s["peak_rss_mb"], 1) for s in scrolls]
    res.values["rss_peak_sampled_runs"] = [s.get("rss_peak_sampled") for s in scrolls]
    res.put("scroll_s", median([s.get("scroll_s", float("nan")) for s in scrolls]))
    res.put("scroll_first_paint_s", median([s["first_paint_s"] for s in scrolls]))
    if any("error" in s for s in scrolls):
        res.values["scroll_errors"] = [s["error"] for s in scrolls if "error" in s]
    last = scrolls[-1]
    res.values["scroll_detail"] = {
        k: last.get(k) for k in ("platform", "pages", "current_page_at_end", "rss_at_first_paint_mb",
                                 "rss_after_scroll_mb", "peak_rss_mb", "rss_peak_sampled", "panels_ready", "panels_ready_at_s",
                                 "fling", "steady", "steady_pages_rendered", "render_stats")
    }
    res.values["scroll_runs"] = len(scrolls)
    return res
