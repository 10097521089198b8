"""GUI benchmark driver, run in its OWN process by run.py (a second QApplication in one process aborts).

It starts the app's main window the way ``ui.gui.run_gui`` does (settings, translations, theme, MainWindow
1400×900, ``open_file``), with no questions asked and the store left closed, and records process start → first
page painted. The panels, structure detection and indexing then start as in the real app, so their work on the
GUI thread is inside the measurement. ``EventLoopLatencyProbe`` (a 5 ms precise timer) records every GUI stall
during two phases:

1. fling: from the top of the packet to the bottom, one viewport height per 16 ms frame, then ``--settle-ms``
   while the last pages render;
2. steady: reading speed, half a screen per 100 ms through ``--steady-pages`` pages from the middle, so pages
   render between the steps and the render thread competes with the GUI thread for the GIL.

The main window's post-paint handlers are timed (wrapped, not changed) so that stalls can be attributed
(``slow_slots``: [name, s after the phase began, ms]). Prints ONE JSON line and exits.

Usage: python benchmarks/gui_driver.py PACKET.pdf [--password PW] [--frame-ms 16] [--settle-ms 1500]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _since_process_start() -> float | None:
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _rss_mb() -> float | None:
    return _status_mb("VmRSS")


def _peak_rss_mb() -> float:
    """The peak resident set of THIS program. Not ``ru_maxrss``: on Linux that keeps the peak of the image the
    process had before ``exec`` (the forking parent's memory), while VmHWM belongs to the current image."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


SLOW_SLOT_MS = 15.0


def _instrument(cls: Any, names: tuple[str, ...]) -> dict[str, list[tuple[float, float]]]:
    """Wrap the main window's GUI-thread handlers that run after the first paint, recording (start, ms) of each
    call, so that a stall can be attributed (the app's code is not changed, only timed)."""
    timings: dict[str, list[tuple[float, float]]] = {}
    for name in names:
        original = getattr(cls, name, None)
        if original is None or not callable(original):
            continue
        calls: list[tuple[float, float]] = []
        timings[name] = calls

        def wrapper(self: Any, *args: Any, __original: Any = original, __calls: Any = calls, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return __original(self, *args, **kwargs)
            finally:
                __calls.append((began, (time.perf_counter() - began) * 1000.0))

        functools.update_wrapper(wrapper, original)
        setattr(cls, name, wrapper)
    return timings


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf")
    parser.add_argument("--password", default=None)
    parser.add_argument("--frame-ms", type=int, default=16)
    parser.add_argument("--settle-ms", type=int, default=1500)
    parser.add_argument("--steady-pages", type=int, default=30)
    parser.add_argument("--timeout-s", type=float, default=240.0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setApplicationName("PIA Reviewer")
    app.setOrganizationName("pia-reviewer")

    from ui.dialogs.settings import AppSettings
    from ui.i18n import install_translators
    from ui.main_window import MainWindow
    from ui.page_view import EventLoopLatencyProbe
    from ui.theme import apply_theme

    timings = _instrument(MainWindow, ("build_panels", "_fill_panels", "_start_background", "_on_outline",
                                       "_on_index_ready", "_update_position", "_after_first_paint"))
    settings = AppSettings()
    install_translators(app, settings.language)
    apply_theme(app, settings.text_size, settings.high_contrast)
    window = MainWindow(settings, ask_member_name=False, open_store=False)
    window.resize(1400, 900)
    result: dict[str, Any] = {"platform": app.platformName()}
    view = window.page_view
    probe = EventLoopLatencyProbe()
    bar = view.verticalScrollBar()
    ticker = QTimer()
    ticker.setInterval(args.frame_ms)
    scroll: dict[str, float] = {}

    def summarise(origin: float) -> dict[str, Any]:
        out: dict[str, Any] = {
            "max_stall_ms": probe.max_stall_ms, "p99_stall_ms": probe.percentile(99), "probe_ticks": probe.ticks,
            "stalls_over_50ms": sum(1 for s in probe.stalls_ms if s > 50.0),
        }
        # When the worst stalls happened (seconds after the phase began), to attribute them.
        offsets, elapsed = [], 0.0
        for stall in probe.stalls_ms:
            elapsed += (probe.interval_ms + stall) / 1000.0
            offsets.append(elapsed)
        worst = sorted(range(len(probe.stalls_ms)), key=lambda i: -probe.stalls_ms[i])[:5]
        out["worst_stalls"] = [[round(offsets[i], 3), round(probe.stalls_ms[i], 1)] for i in sorted(worst)]
        out["slow_slots"] = sorted(
            ([name, round(at - origin, 3), round(ms, 1)] for name, calls in timings.items() for at, ms in calls
             if ms >= SLOW_SLOT_MS and at >= origin), key=lambda item: item[1])
        return out

    def finish(error: str | None = None) -> None:
        ticker.stop()
        steady.stop()
        if probe.is_running():
            probe.stop()
            phase = "steady" if "steady_start" in scroll else "fling"
            result[phase] = summarise(scroll.get(f"{phase}_start", scroll.get("start", started)))
        if error:
            result["error"] = error
        phases = [result[name] for name in ("fling", "steady") if name in result]
        result["max_stall_ms"] = max((ph["max_stall_ms"] for ph in phases), default=0.0)
        result["p99_stall_ms"] = max((ph["p99_stall_ms"] for ph in phases), default=0.0)
        result["stalls_over_50ms"] = sum(ph["stalls_over_50ms"] for ph in phases)
        result["panels_ready_at_s"] = scroll.get("panels_at")
        result["rss_after_scroll_mb"] = _rss_mb()
        result["peak_rss_mb"] = _peak_rss_mb()
        try:
            result["render_stats"] = view.render_stats()
        except Exception as exc:  # noqa: BLE001 - informational only
            result["render_stats_error"] = repr(exc)
        result["panels_ready"] = window.outline is not None
        QTimer.singleShot(0, app.quit)

    def tick() -> None:
        bar.setValue(bar.value() + max(1, view.viewport().height()))
        if bar.value() >= bar.maximum():
            ticker.stop()
            scroll["seconds"] = time.perf_counter() - scroll["start"]
            result["scroll_s"] = scroll["seconds"]
            result["current_page_at_end"] = view.current_page()
            QTimer.singleShot(args.settle_ms, start_steady)

    def start_steady() -> None:
        """Phase 2: reading speed, half a screen per 100 ms through ``--steady-pages`` pages from the middle,
        so that pages render between steps and the render thread competes with the GUI thread."""
        probe.stop()
        result["fling"] = summarise(scroll["start"])
        if args.steady_pages <= 0:
            finish()
            return
        first = view.page_count() // 2
        scroll["steady_first"] = first
        view.go_to(first, record_history=False)
        scroll["steady_rendered"] = view.render_stats()["pages_rendered"]
        probe.start()
        scroll["steady_start"] = time.perf_counter()
        steady.start()

    def steady_tick() -> None:
        bar.setValue(bar.value() + max(1, view.viewport().height() // 2))
        if view.current_page() >= scroll["steady_first"] + args.steady_pages or bar.value() >= bar.maximum():
            steady.stop()
            result["steady_pages_rendered"] = view.render_stats()["pages_rendered"] - scroll["steady_rendered"]
            QTimer.singleShot(500, finish)

    steady = QTimer()
    steady.setInterval(100)
    steady.timeout.connect(steady_tick)

    rss_peak: dict[str, Any] = {"mb": 0.0, "at_s": None, "phase": None}

    def sample_rss() -> None:  # when the resident memory peaks (50 ms samples), to attribute the peak
        now = _rss_mb()
        if now is not None and now > rss_peak["mb"] and "start" in scroll:
            phase = "steady" if "steady_start" in scroll else "fling"
            rss_peak.update(mb=round(now, 1), phase=phase,
                            at_s=round(time.perf_counter() - scroll[f"{phase}_start" if phase == "steady" else "start"], 3))
        result["rss_peak_sampled"] = dict(rss_peak)

    sampler = QTimer()
    sampler.setInterval(50)
    sampler.timeout.connect(sample_rss)
    sampler.start()

    def first_paint() -> None:
        if "first_paint_s" in result:
            return
        since = _since_process_start()
        result["first_paint_s"] = since if since is not None else time.perf_counter() - started
        result["first_paint_in_process_s"] = time.perf_counter() - started
        result["pages"] = view.page_count()
        result["rss_at_first_paint_mb"] = _rss_mb()
        probe.start()
        scroll["start"] = time.perf_counter()
        ticker.start()

    ticker.timeout.connect(tick)

    def outline_ready(_outline: object) -> None:
        if "start" in scroll:
            scroll["panels_at"] = round(time.perf_counter() - scroll["start"], 3)

    window.outline_ready.connect(outline_ready)
    window.first_page_painted.connect(first_paint)
    window.show()
    window.batch_mode = False  # the real app after first paint: panels, detection and indexing start
    if not window.open_file(Path(args.pdf), password=args.password):
        print(json.dumps({"error": "open_failed"}), flush=True)
        return 2
    QTimer.singleShot(int(args.timeout_s * 1000), lambda: finish("timeout"))
    code = app.exec()
    from ui import ops

    ops.shutdown()
    print(json.dumps(result), flush=True)
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
