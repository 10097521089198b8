"""The benchmark suite (issue #9). ``make bench`` runs it; it prints ONE JSON object on stdout (progress goes
to stderr) and writes ``docs/PERFORMANCE.md``.

Modes:
    run.py                     build a ~600-page and a ~2,000-page packet with ``pia-reviewer sample``, measure
                               everything (several runs each, medians), write docs/PERFORMANCE.md.
    run.py --quick             a small packet, one run each, no 2,000-page packet, GUI offscreen except the
                               start-up on the screen (a private Xvfb when installed) (~90 s); does not touch docs/
                               unless --doc is given.
    run.py --startup-only [--frozen EXE]
                               only start-up as a user sees it (first page on the screen, ready); replaces just the
                               start-up section and target rows of docs/PERFORMANCE.md.
    run.py --pdf FILE --json [--quick]
                               the same measurements on a given packet (structure, render, text, index, queries
                               — the defaults plus the packet's own frequent terms —, export/import of comments
                               placed on it, GUI open and scroll; under Xvfb unless --quick).

Every figure is a number, or null with its reason in ``reasons`` (``peer_missing: ...`` when mutool, pdftotext
or pdfgrep is not installed). Keys always present: render_ratio_vs_mutool, text_ratio_vs_pdftotext,
structure_s_per_100_pages, index_build_s, query_ms_median, query_speedup_vs_pdfgrep, first_paint_s,
max_stall_ms, peak_rss_mb, export_2000_xlsx_s, and (issue #16, ``screen_bench.py``) first_paint_screen_s,
first_paint_vs_evince, first_paint_frozen_s, ready_s, ready_reopen_s: the first page's pixels on an Xvfb screen for
PIA Reviewer from source, the built app (``dist/``), evince and mupdf, five fresh starts each (one in --quick), and
process start → structure tree and search usable, first open and re-open.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import core_bench  # noqa: E402
import gui_bench  # noqa: E402
import screen_bench  # noqa: E402
from common import REPO, Results, log, machine_info, peer, xvfb_display  # noqa: E402
from report import evaluate, splice_startup, write_markdown  # noqa: E402

REQUIRED_KEYS: tuple[str, ...] = (
    "render_ratio_vs_mutool", "text_ratio_vs_pdftotext", "structure_s_per_100_pages", "index_build_s",
    "query_ms_median", "query_speedup_vs_pdfgrep", "first_paint_s", "max_stall_ms", "peak_rss_mb",
    "export_2000_xlsx_s", "compare_s_per_100_pages", "carry_2000_s", "first_paint_screen_s",
    "first_paint_vs_evince", "first_paint_frozen_s", "ready_s",
    "ready_reopen_s",
)
# Keys each step fills, so a failed step still leaves them (null, with the error as the reason).
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "render": ("render_ms_per_page", "render_mutool_ms_per_page", "render_ratio_vs_mutool"),
    "text": ("text_s", "text_pdftotext_s", "text_ratio_vs_pdftotext"),
    "structure": ("structure_s", "structure_s_per_100_pages"),
    "search": ("index_build_s", "query_ms_median", "query_pdfgrep_ms_median", "query_speedup_vs_pdfgrep"),
    "exchange": ("export_2000_xlsx_s", "import_5x400_s"),
    "compare": ("compare_s_per_100_pages", "compare_cached_s_per_100_pages", "carry_2000_s"),
    "gui": ("first_paint_s", "max_stall_ms", "peak_rss_mb"),
    "screen": ("first_paint_screen_s", "first_paint_vs_evince", "first_paint_frozen_s"),
    "ready": ("ready_s", "ready_reopen_s"),
}
FULL_600_REPORTS = 10  # 607 pages
FULL_2000_REPORTS = 33  # 2,036 pages
QUICK_REPORTS = 1  # 71 pages


def step(results: Results, name: str, fn: Callable[[], Results]) -> None:
    """Run one measurement; an exception leaves its keys null with the error, never aborts the suite."""
    started = time.perf_counter()
    log(f"{name} …")
    try:
        results.update(fn())
    except Exception as exc:  # noqa: BLE001 - a broken component must not stop the other measurements
        log(f"{name} failed: {exc!r}\n{traceback.format_exc(limit=4)}")
        for key in STEP_KEYS.get(name, ()):
            if results.values.get(key) is None:
                results.put(key, None, f"error: {type(exc).__name__}: {exc}"[:300])
    log(f"{name} done in {time.perf_counter() - started:.1f} s")


def measure_packet(pdf: Path, *, reps: int, render_reps: int | None = None, render_pages: int, queries: tuple[str, ...], pdfgrep_queries: int,
                   password: str | None, exchange: bool, gui: dict[str, Any] | None,
                   text_boxes: bool = True, screen: dict[str, Any] | None = None, ready_runs: int = 3,
                   compare_reports: int = 0) -> Results:
    """All measurements of one packet."""
    results = Results()
    try:
        pages = core_bench.page_count(pdf, password)
    except Exception as exc:  # noqa: BLE001 - e.g. PdfOpenError for a broken file: report, do not crash
        message = getattr(exc, "message_en", None) or str(exc)
        log(f"cannot open {pdf}: {message}")
        for keys in STEP_KEYS.values():
            results.missing(keys, f"error: cannot open the PDF: {message}"[:300])
        results.values["pages"] = None
        return results
    results.values["pages"] = pages
    step(results, "render", lambda: core_bench.bench_render(
        pdf, core_bench.sample_pages(pages, render_pages), render_reps or reps, password))
    step(results, "text", lambda: core_bench.bench_text(pdf, reps, password, boxes=text_boxes))
    outline_box: list[Any] = []

    def structure() -> Results:
        res, outline = core_bench.bench_structure(pdf, reps, password)
        outline_box.append(outline)
        return res

    step(results, "structure", structure)
    outline = outline_box[0] if outline_box else None
    step(results, "search", lambda: core_bench.bench_search(pdf, outline, queries, reps, pdfgrep_queries, password))
    if exchange:
        step(results, "exchange", lambda: core_bench.bench_exchange(pdf, outline, reps, password))
    if compare_reports:
        step(results, "compare", lambda: core_bench.bench_compare(compare_reports, reps))
    if gui is not None:
        step(results, "gui", lambda: gui_bench.bench_gui(pdf, **gui))
    if screen is not None:
        step(results, "screen", lambda: screen_bench.bench_screen(pdf, password=password, **screen))
        step(results, "ready", lambda: screen_bench.bench_ready(pdf, screen["display"], ready_runs))
    return results


def measure_startup(pdf: Path, screen: dict[str, Any], password: str | None, ready_runs: int) -> Results:
    """Only start-up as a user sees it (``--startup-only``): the first page on the screen, then ready."""
    results = Results()
    try:
        results.values["pages"] = core_bench.page_count(pdf, password)
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, not crashed on
        results.missing(STEP_KEYS["screen"] + STEP_KEYS["ready"], f"error: cannot open the PDF: {exc}"[:300])
        results.values["pages"] = None
        return results
    step(results, "screen", lambda: screen_bench.bench_screen(pdf, password=password, **screen))
    step(results, "ready", lambda: screen_bench.bench_ready(pdf, screen["display"], ready_runs))
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pdf", type=Path, default=None, help="measure this packet instead of generated ones")
    parser.add_argument("--password", default=None, help="the PDF's password (with --pdf)")
    parser.add_argument("--json", action="store_true", help="print the JSON object on one line")
    parser.add_argument("--quick", action="store_true", help="small packet, one run, no 2,000-page packet (~60 s)")
    parser.add_argument("--reps", type=int, default=None, help="runs per measurement (default 3, quick 1)")
    parser.add_argument("--query", action="append", default=None, help="a search query (repeatable)")
    parser.add_argument("--doc", type=Path, default=None,
                        help="write the Markdown report here (default docs/PERFORMANCE.md in the full run only)")
    parser.add_argument("--no-doc", action="store_true", help="do not write the Markdown report")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI measurements")
    parser.add_argument("--startup-only", action="store_true",
                        help="only start-up as a user sees it (first page on the screen, ready); the report's "
                             "start-up section and target rows are replaced, the rest kept")
    parser.add_argument("--frozen", type=Path, default=None,
                        help="the built app's executable (default dist/pia-reviewer/pia-reviewer when present)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    quick = bool(args.quick)
    full = args.pdf is None and not quick
    reps = args.reps or (1 if quick else 3)
    queries = tuple(args.query) if args.query else core_bench.DEFAULT_QUERIES
    if args.pdf is not None and not args.query:
        # A given PDF may not be a report: also query its own frequent terms so that hits are measured.
        try:
            queries = queries[:4] + tuple(q for q in core_bench.derived_queries(args.pdf, 4, args.password)
                                          if q not in queries[:4])
        except Exception as exc:  # noqa: BLE001 - an unreadable PDF is reported by the steps themselves
            log(f"no derived queries: {exc!r}")
    elif quick and not args.query:
        queries = queries[:4]
    machine = machine_info()
    result: dict[str, Any] = {
        "mode": "pdf" if args.pdf else ("quick" if quick else "full"),
        "quick": quick,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "reps": reps,
        "queries": list(queries),
    }
    display_cm: Any = xvfb_display() if not quick else contextlib.nullcontext(None)
    # The screen measurements need an X screen even in --quick (the app itself runs offscreen there otherwise).
    screen_cm: Any = xvfb_display() if quick and not args.no_gui else contextlib.nullcontext(None)
    with tempfile.TemporaryDirectory(prefix="pia-bench-") as folder, display_cm as display, screen_cm as quick_screen:
        work = Path(folder)
        if args.pdf is not None:
            pdf = args.pdf.resolve()
            packet_info: dict[str, Any] = {"path": str(pdf)}
        else:
            reports = QUICK_REPORTS if quick else FULL_600_REPORTS
            pdf = work / f"packet-{reports}.pdf"
            log(f"building the packet: pia-reviewer sample --reports {reports}")
            packet_info = {"path": "generated", "reports": reports}
            try:
                packet_info["pages"] = core_bench.make_packet(pdf, reports)
            except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as exc:
                log(f"cannot build the packet: {exc}")  # every figure then says why it is missing
        gui_runs = 1 if quick else 5
        result["gui_runs"] = gui_runs
        gui: dict[str, Any] | None = None
        if not args.no_gui:
            gui = {"runs": gui_runs, "scroll_runs": 1 if quick else 3, "display": display,
                   "with_offscreen": display is not None}
        screen: dict[str, Any] | None = None
        if not args.no_gui:
            screen = {"display": display or quick_screen, "runs": gui_runs, "frozen": args.frozen,
                      "settle_s": 0.5 if quick else screen_bench.SETTLE_S}
        # A first open of the 600-page packet waits for detection and indexing: three pairs keep the run short.
        ready_runs = 1 if quick else 3
        if not quick and display is None:
            log("Xvfb not available: GUI measured offscreen only")
        if args.startup_only and screen is not None:
            main_results = measure_startup(pdf, screen, args.password, ready_runs)
        else:
            main_results = measure_packet(
                pdf, reps=reps, render_pages=10 if quick else 60, queries=queries,
                pdfgrep_queries=1 if quick else 4, password=args.password, exchange=True, gui=gui, screen=screen,
            compare_reports=QUICK_REPORTS if quick else FULL_600_REPORTS,
                ready_runs=ready_runs,
            )
        packet_info["pages"] = main_results.values.get("pages")
        result["packet"] = packet_info
        if full and not args.startup_only:
            big = work / "packet-2000.pdf"
            log(f"building the packet: pia-reviewer sample --reports {FULL_2000_REPORTS}")
            try:
                big_pages: int | None = core_bench.make_packet(big, FULL_2000_REPORTS)
            except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as exc:
                log(f"cannot build the 2,000-page packet: {exc}")
                big_pages = None
            big_gui = None if args.no_gui else {"runs": 3, "scroll_runs": 0, "display": display,
                                                 "with_offscreen": False}
            big_results = measure_packet(
                big, reps=1, render_reps=3, render_pages=60, queries=queries, pdfgrep_queries=3, password=None,
                exchange=False, gui=big_gui, text_boxes=False,
            )
            result["packets"] = {"p2000": {"reports": FULL_2000_REPORTS, "pages": big_pages, **big_results.values,
                                           "reasons": big_results.reasons}}
    for key in REQUIRED_KEYS:
        if key not in main_results.values:
            main_results.put(key, None, "not measured in this mode" if args.no_gui else "not measured")
    result.update(main_results.values)
    result["reasons"] = main_results.reasons
    result["targets"] = evaluate(main_results.values)
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    with contextlib.suppress(OSError):
        result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    doc = args.doc or (REPO / "docs" / "PERFORMANCE.md" if full else None)
    if doc is not None and not args.no_doc:
        doc.parent.mkdir(parents=True, exist_ok=True)
        if args.startup_only and doc.is_file():
            doc.write_text(splice_startup(doc.read_text(encoding="utf-8"), result), encoding="utf-8")
        else:
            doc.write_text(write_markdown(result), encoding="utf-8")
        log(f"wrote {doc}")
    text = json.dumps(result, ensure_ascii=False, indent=None if args.json else 1)
    sys.stdout.write(text + "\n")
    missing_peers = [tool for tool in ("mutool", "pdftotext", "pdfgrep") if peer(tool) is None]
    if missing_peers:
        log(f"peers missing: {', '.join(missing_peers)} (their figures are null)")
    log(f"finished in {result['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
