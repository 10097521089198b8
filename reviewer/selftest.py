"""``pia-reviewer --self-test``: a headless check that a build (source or frozen) really works.

It generates a small sample packet in a temporary profile, opens it, detects its structure, renders a
page, builds the search index and searches, stores a comment in an encrypted database and reads it back
after reopening, and exports the comment sheet to xlsx. It exits 0 only if every step worked.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("reviewer.selftest")


class SelfTestFailure(Exception):
    pass


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise SelfTestFailure(what)


def run_steps(workdir: Path) -> list[dict[str, Any]]:
    """Run every step in ``workdir``; returns one record per step (name, ok, seconds, detail)."""
    from reviewer.annotations import Annotation
    from reviewer.document import Packet
    from reviewer.export.sheet import build_sheet
    from reviewer.export.xlsx import write_xlsx
    from reviewer.samples import generate_packet
    from reviewer.search import SearchIndex
    from reviewer.search.build import index_watching_the_helper
    from reviewer.store import Store
    from reviewer.structure.detect import detect_outline

    state: dict[str, Any] = {}
    results: list[dict[str, Any]] = []

    def sample() -> str:
        path = workdir / "sample-packet.pdf"
        generate_packet(path, reports=1, seed=1)
        state["path"] = path
        return f"{path.stat().st_size} bytes"

    def open_packet() -> str:
        packet = Packet.open(state["path"])
        state["packet"] = packet
        _check(packet.page_count > 30, "too few pages")
        _check("表紙" in packet.page_labels[0], f"page labels: {packet.page_labels[:3]}")
        return f"{packet.page_count} pages"

    def structure() -> str:
        outline = detect_outline(state["packet"])
        state["outline"] = outline
        reports = [d for d in outline.documents if d.form == "全項目評価書"]
        _check(len(reports) == 1, "no 全項目評価書 found")
        risks = [n for n in reports[0].nodes if n.kind == "risk"]
        _check(len(risks) >= 21 and all(r.judgement for r in risks), "risks or judgements missing")
        return f"{len(outline.documents)} documents, {len(risks)} risks"

    def render() -> str:
        pix = state["packet"].doc[2].get_pixmap(dpi=100)
        samples = bytes(pix.samples)
        dark = sum(1 for b in samples[:: pix.n * 7] if b < 128)
        _check(dark > 100, "the rendered page is blank")
        state["png"] = pix.tobytes("png")
        return f"{pix.width}x{pix.height}, {dark} dark samples"

    def search() -> str:
        # On two cores, as a first open does: the helper process is what a frozen build may fail to start.
        index_path = workdir / "search-index.db"
        packet = state["packet"]
        complete, by_helper = index_watching_the_helper(packet, index_path)
        _check(complete, "the search index was not built")
        _check(by_helper > 0, "the index helper process indexed nothing")
        with SearchIndex(index_path) as index:
            hits = index.search(packet.sha256, "ISMAP", outline=state["outline"])
        _check(len(hits) > 0, "ISMAP (written ＩＳＭＡＰ) not found")
        return f"{len(hits)} hits (helper process: {by_helper} pages while this one waited)"

    def store() -> str:
        packet, outline = state["packet"], state["outline"]
        report = next(d for d in outline.documents if d.form)
        risk = next(n for n in report.nodes if n.kind == "risk")
        where = outline.locate(risk.page, risk.y + 5)
        comment = Annotation(
            file_sha256=packet.sha256, file_name=packet.name, page=risk.page,
            page_label=packet.page_labels[risk.page], kind="area",
            rects=[(60.0, risk.y, 500.0, risk.y + 40.0)], category="質問",
            text="自己点検テストのコメント", author="自己点検", document_title=where.document_title,
            item_label=where.item_label(), node_key=where.node_key(),
        )
        key = secrets.token_hex(32)
        with Store.open(workdir / "profile", key=key) as first:
            first.add_annotation(comment)
        with Store.open(workdir / "profile", key=key) as second:
            back = second.annotations(packet.sha256)
            _check(second.quick_check(), "quick_check failed")
        _check([a.text for a in back] == [comment.text], "the comment did not survive reopening")
        _check(b"\xe8\x87\xaa\xe5\xb7\xb1" not in (workdir / "profile" / "reviewer.db").read_bytes(),
               "comment text readable in the database file")
        state["comments"] = back
        return f"stored and reread {len(back)} comment ({back[0].item_label})"

    def export() -> str:
        from openpyxl import load_workbook

        out = workdir / "意見一覧.xlsx"
        write_xlsx(build_sheet(state["comments"], state["outline"]), out)
        sheet = load_workbook(out)["意見一覧"]
        values = [cell.value for cell in sheet[2]]
        _check("自己点検テストのコメント" in values, "the comment is not on the sheet")
        return f"{out.stat().st_size} bytes"

    steps: list[tuple[str, Callable[[], str]]] = [
        ("sample", sample), ("open", open_packet), ("structure", structure), ("render", render),
        ("search", search), ("store", store), ("export_xlsx", export),
    ]
    try:
        for name, step in steps:
            started = time.perf_counter()
            try:
                detail = step()
                ok = True
            except Exception as exc:  # a self-test reports every failure instead of stopping at a traceback
                detail = f"{type(exc).__name__}: {exc}"
                log.debug("self-test step %s failed\n%s", name, traceback.format_exc())
                ok = False
            results.append({"step": name, "ok": ok, "seconds": round(time.perf_counter() - started, 3),
                            "detail": detail})
            if not ok:
                break
    finally:
        if "packet" in state:
            state["packet"].close()
    return results


def run_self_test(args: argparse.Namespace | None = None, extra: Callable[[dict[str, Any]], list[dict[str, Any]]]
                  | None = None) -> int:
    """Run the steps (plus ``extra`` ones, e.g. the GUI's Qt check) and print a report; 0 if all passed."""
    as_json = bool(getattr(args, "json", False))
    with tempfile.TemporaryDirectory(prefix="pia-selftest-") as tmp:
        results = run_steps(Path(tmp))
        if extra is not None and all(r["ok"] for r in results):
            results += extra({"workdir": tmp})
    passed = all(r["ok"] for r in results)
    if as_json:
        sys.stdout.write(json.dumps({"ok": passed, "steps": results}, ensure_ascii=False, indent=1) + "\n")
    else:
        for r in results:
            mark = "OK " if r["ok"] else "NG "
            print(f"{mark} {r['step']:<12} {r['seconds']:>6.2f}s  {r['detail']}")
        print("self-test passed" if passed else "self-test FAILED")
    return 0 if passed else 1
