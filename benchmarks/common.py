"""Shared helpers for the benchmarks: timing, peers (external tools), the machine line, Xvfb.

Nothing here imports Qt; the GUI is measured in subprocesses (see ``gui_driver.py``).
"""

from __future__ import annotations

import os
import platform
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the JSON object."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(slots=True)
class Timing:
    """Wall and CPU seconds of one run."""

    wall: float
    cpu: float


def timed(fn: Callable[[], object]) -> Timing:
    """Run ``fn`` once in this process; wall (perf_counter) and CPU (process_time) seconds."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    fn()
    return Timing(time.perf_counter() - wall0, time.process_time() - cpu0)


def run_tool(argv: Sequence[str], timeout: float = 600.0) -> tuple[Timing, str]:
    """Run an external tool to completion; its wall and CPU (user + sys of the child) seconds and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    result = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout,
                            check=False)
    wall = time.perf_counter() - wall0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):  # pdfgrep exits 1 when nothing matches
        raise RuntimeError(f"{argv[0]} exited with {result.returncode}")
    return Timing(wall, cpu), result.stdout.decode("utf-8", "replace")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def peer(tool: str) -> str | None:
    """The path of an external peer tool, or None when it is not installed."""
    return shutil.which(tool)


@dataclass(slots=True)
class Results:
    """Flat figures (JSON-ready numbers or None) and, for every None, the reason."""

    values: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def put(self, key: str, value: float | int | None, reason: str = "") -> None:
        if isinstance(value, float):
            value = round(value, 4)
        self.values[key] = value
        if value is None:
            self.reasons[key] = reason or "not measured"
        else:
            self.reasons.pop(key, None)

    def missing(self, keys: Sequence[str], reason: str) -> None:
        for key in keys:
            self.put(key, None, reason)

    def update(self, other: Results) -> None:
        self.values.update(other.values)
        self.reasons.update(other.reasons)


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or theirs <= 0:
        return None
    return ours / theirs


# ------------------------------------------------------------------------------------------------ machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _tool_version(argv: Sequence[str]) -> str | None:
    if peer(argv[0]) is None:
        return None
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0].strip().rstrip(".") if text else None


def machine_info() -> dict[str, Any]:
    """CPU model, cores, RAM, load, Python, PyMuPDF (and its MuPDF), Qt and the peers' versions."""
    import pymupdf

    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pymupdf": f"{pymupdf.VersionBind} (MuPDF {pymupdf.VersionFitz})",
        "qt": _qt_versions(),
        "mutool": _tool_version(["mutool", "-v"]),
        "pdftotext": _tool_version(["pdftotext", "-v"]),
        "pdfgrep": _tool_version(["pdfgrep", "-V"]),
    }
    try:
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        info["load_average_at_start"] = None
    return info


def _qt_versions() -> str | None:
    """PySide6 and Qt versions without importing QtCore into this process (a subprocess asks)."""
    code = "import PySide6, PySide6.QtCore as c; print(PySide6.__version__, c.qVersion())"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.stdout.split()
    return f"PySide6 {parts[0]} (Qt {parts[1]})" if len(parts) == 2 else None


def machine_line(info: dict[str, Any]) -> str:
    load = info.get("load_average_at_start")
    load_text = f", load {load[0]:.1f}" if load else ""
    return (f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM{load_text}; {info['os']}; "
            f"Python {info['python']}; PyMuPDF {info['pymupdf']}; {info['qt']}")


# ------------------------------------------------------------------------------------------------ Xvfb


@contextmanager
def xvfb_display(width: int = 1600, height: int = 1000) -> Iterator[str | None]:
    """Start one private Xvfb server for the block and yield its DISPLAY (None when Xvfb is not installed
    or does not start). Starting it once keeps its own start-up out of the app's measured start-up."""
    binary = peer("Xvfb")
    if binary is None:
        yield None
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    display: str | None = None
    try:
        buffer = b""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and b"\n" not in buffer:
            ready, _, _ = select.select([read_fd], [], [], 0.2)
            if ready:
                chunk = os.read(read_fd, 64)
                if not chunk:
                    break
                buffer += chunk
            elif proc.poll() is not None:
                break
        if buffer.strip().isdigit():
            display = f":{buffer.strip().decode()}"
        yield display
    finally:
        os.close(read_fd)
        stop_process(proc, 10)


def stop_process(proc: subprocess.Popen[Any], timeout: float) -> None:
    """Terminate ``proc``; kill it when it has not ended after ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """Kill what is left of the process group we created for ``proc`` (the app's background worker
    process outlives an app that crashed and would hold our pipes open)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait()
