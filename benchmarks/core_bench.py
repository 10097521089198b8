"""Headless measurements (this process, single thread) side by side with their peers.

Each ``bench_*`` function returns a :class:`Results` of flat figures; a figure that cannot be measured is None
with its reason (``peer_missing: ...`` when an external tool is absent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from common import REPO, Results, median, peer, ratio, run_tool, timed

RENDER_DPI = 150
# Queries a member types (long and short: 委託 is two characters).
DEFAULT_QUERIES: tuple[str, ...] = (
    "ガバメントクラウド", "ISMAP", "委託", "特定個人情報ファイル", "中間サーバー・プラットフォーム",
    "アクセス権限", "個人番号", "情報提供ネットワークシステム",
)
AUTHORS: tuple[str, ...] = ("山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健")
CATEGORIES: tuple[str, ...] = ("質問", "意見", "要修正", "確認のみ")


def make_packet(out: Path, reports: int, pages_per_report: int | None = None, seed: int = 1) -> int:
    """Build a packet with ``pia-reviewer sample`` (as a subprocess, like a user would); its page count."""
    argv = [sys.executable, "-m", "reviewer", "sample", str(out), "--reports", str(reports), "--seed", str(seed),
            "--json"]
    if pages_per_report:
        argv += ["--pages-per-report", str(pages_per_report)]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pia-reviewer sample failed: {done.stderr.strip()[-300:]}")
    return int(json.loads(done.stdout)["pages"])


def derived_queries(pdf: Path, count: int = 4, password: str | None = None) -> list[str]:
    """Frequent terms of the packet itself (kanji/katakana runs of 3–8 characters, or Latin words of 5+
    letters) from up to 40 pages spread over it, for measuring queries on an arbitrary PDF."""
    import re
    from collections import Counter

    from reviewer.document import Packet

    pattern = re.compile(r"[\u30A0-\u30FF\u4E00-\u9FFF]{3,8}|[A-Za-z]{5,}")
    counter: Counter[str] = Counter()
    with Packet.open(pdf, password) as packet:
        for index in sample_pages(packet.page_count, 40):
            counter.update(pattern.findall(packet.page_text(index)))
    return [term for term, _ in counter.most_common(count)]


def page_count(pdf: Path, password: str | None = None) -> int:
    from reviewer.document import Packet

    with Packet.open(pdf, password) as packet:
        return packet.page_count


def sample_pages(total: int, count: int) -> list[int]:
    """``count`` 0-based page indexes spread evenly over the packet (all pages when it is short)."""
    if count >= total:
        return list(range(total))
    step = total / count
    return sorted({int(i * step) for i in range(count)})


# ------------------------------------------------------------------------------------------------ render


def bench_render(pdf: Path, pages: Sequence[int], reps: int, password: str | None = None) -> Results:
    """Pages at 150 dpi, rasterised to a raw RGB pixmap (no encoding) in one thread: ours is PyMuPDF
    ``page.get_pixmap(dpi=150, alpha=False)`` including opening the file; the peer is ``mutool draw -r 150``
    on the same pages without an output file (it renders and discards, no encoding). Both: wall time of the
    whole run divided by the pages."""
    import pymupdf

    res = Results()

    def ours() -> None:
        doc = pymupdf.open(pdf)
        if password:
            doc.authenticate(password)
        for index in pages:
            pix = doc[index].get_pixmap(dpi=RENDER_DPI, alpha=False)
            del pix
        doc.close()

    ours()  # warm the file cache and PyMuPDF's font cache once, for both sides alike
    runs = [timed(ours) for _ in range(reps)]
    n = len(pages)
    ours_wall = median([r.wall for r in runs]) / n * 1000
    ours_cpu = median([r.cpu for r in runs]) / n * 1000
    res.put("render_pages_sampled", n)
    res.put("render_ms_per_page", ours_wall)
    res.put("render_cpu_ms_per_page", ours_cpu)
    mutool = peer("mutool")
    keys = ("render_mutool_ms_per_page", "render_ratio_vs_mutool", "render_ratio_vs_mutool_cpu")
    if mutool is None:
        res.missing(keys, "peer_missing: mutool (mupdf-tools) not installed")
        return res
    page_list = ",".join(str(i + 1) for i in pages)
    argv = [mutool, "draw", "-q", "-r", str(RENDER_DPI)]
    if password:
        argv += ["-p", password]
    argv += [str(pdf), page_list]
    run_tool(argv)  # warm-up
    peer_runs = [run_tool(argv)[0] for _ in range(reps)]
    peer_wall = median([r.wall for r in peer_runs]) / n * 1000
    peer_cpu = median([r.cpu for r in peer_runs]) / n * 1000
    res.put("render_mutool_ms_per_page", peer_wall)
    res.put("render_ratio_vs_mutool", ratio(ours_wall, peer_wall))
    res.put("render_ratio_vs_mutool_cpu", ratio(ours_cpu, peer_cpu))
    return res


# ------------------------------------------------------------------------------------------------ text


def bench_text(pdf: Path, reps: int, password: str | None = None, boxes: bool = True) -> Results:
    """Plain text of every page: ours ``page.get_text("text")`` (open included) vs ``pdftotext FILE -``
    (stdout discarded). Also, for information, the search index's page text with per-character boxes
    (``reviewer.search.extract.extract_page``: MuPDF's raw blocks, normalisation, a box per normalised character)."""
    import pymupdf

    from reviewer.document import Packet

    res = Results()

    def ours() -> None:
        doc = pymupdf.open(pdf)
        if password:
            doc.authenticate(password)
        for page in doc:
            page.get_text("text")
        doc.close()

    def with_boxes() -> None:
        from reviewer.search.extract import extract_page

        with Packet.open(pdf, password) as packet:
            for index in range(packet.page_count):
                extract_page(packet, index)

    ours()
    ours_s = median([timed(ours).wall for _ in range(reps)])
    res.put("text_s", ours_s)
    if boxes:
        res.put("text_with_boxes_s", median([timed(with_boxes).wall for _ in range(max(1, reps // 2))]))
    tool = peer("pdftotext")
    if tool is None:
        res.missing(("text_pdftotext_s", "text_ratio_vs_pdftotext"),
                    "peer_missing: pdftotext (poppler-utils) not installed")
        return res
    argv = [tool, "-q", *(["-upw", password] if password else []), str(pdf), "-"]
    peer_s = median([run_tool(argv)[0].wall for _ in range(reps)])
    res.put("text_pdftotext_s", peer_s)
    res.put("text_ratio_vs_pdftotext", ratio(ours_s, peer_s))
    return res


# ------------------------------------------------------------------------------------------------ structure


def bench_structure(pdf: Path, reps: int, password: str | None = None) -> tuple[Results, Any]:
    """``detect_outline`` over the whole packet (file open and SHA-256 included); returns the outline too."""
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline

    res = Results()
    outlines: list[Any] = []
    pages = 0

    def run() -> None:
        nonlocal pages
        with Packet.open(pdf, password) as packet:
            pages = packet.page_count
            outlines.append(detect_outline(packet))

    seconds = median([timed(run).wall for _ in range(reps)])
    outline = outlines[-1]

    def words() -> None:  # the MuPDF share of detection: the word extraction it starts from
        import pymupdf

        flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
        with Packet.open(pdf, password) as packet:
            for page in packet.doc:
                page.get_text("words", flags=flags, sort=False)

    res.put("structure_words_extraction_s", timed(words).wall)
    res.put("structure_s", seconds)
    res.put("structure_s_per_100_pages", seconds / pages * 100)
    res.put("structure_reports_found", sum(1 for d in outline.documents if d.form is not None))
    res.put("structure_risks_found", sum(1 for d in outline.documents for n in d.nodes if n.kind == "risk"))
    return res, outline


# ------------------------------------------------------------------------------------------------ search


def bench_search(pdf: Path, outline: Any, queries: Sequence[str], reps: int, pdfgrep_queries: int,
                 password: str | None = None) -> Results:
    """Index build (fresh database), then query latency as the search panel's search thread does it
    (``ui.panels.search.run_search`` minus the comment search, which has no comments here):
    ``SearchIndex.find(query, outline=...)`` — every hit with page, offset and section, the exact count — then
    ``reviewer.search.prepare_panel(hits, around_page)``: the report/section rows of the result list, the
    highlight rects of the pages near the page on screen (the middle page here) and near the first hit (of every page
    when there are at most 200 hits) and the snippets of the first 40 rows. Median per query over ``reps`` runs,
    then the median over the queries. Not included: the GUI thread's part (model reset of the virtual list, painting
    the rows on screen, which formats their snippets) and the highlights of pages that come into view later (one
    page at a time, on demand) — the total of computing *every* hit's rects is reported as
    ``query_all_rects_ms_median`` (what the panel's background fill spreads over 4 ms slices when the page view does
    not report the page on screen). The hit list alone (``find``) and a count-only query (``SearchIndex.count``)
    are reported too. First query on a freshly opened index: ``query_cold_ms`` without warm-up (it loads the page
    texts), ``index_warm_ms`` for ``SearchIndex.warm`` (what the panel runs in its search thread as soon as the
    index is ready) and ``query_first_after_warm_ms`` for the first query after it. Peer: ``pdfgrep -F -c QUERY
    FILE``."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex, prepare_panel

    res = Results()
    with tempfile.TemporaryDirectory(prefix="pia-bench-index-") as folder:
        db = Path(folder) / "search-index.db"
        builds: list[float] = []
        with Packet.open(pdf, password) as packet:
            sha = packet.sha256
            pages = packet.page_count
            for _ in range(max(1, min(reps, 2))):
                with SearchIndex(db) as index:
                    builds.append(timed(partial(index.build, packet, force=True)).wall)
        res.put("index_build_s", median(builds))
        res.put("index_db_mb", db.stat().st_size / 2**20)
        around = pages // 2  # the page on screen

        def query(index: SearchIndex, q: str) -> int:
            # What the panel's search thread does (ui.panels.search.run_search).
            hits = index.find(sha, q, outline=outline)
            prepare_panel(hits, around)
            return len(hits)

        def all_rects(index: SearchIndex, q: str) -> None:
            index.find(sha, q, outline=outline).all_rects()

        with SearchIndex(db) as index:
            res.put("query_cold_ms", timed(lambda: query(index, queries[0])).wall * 1000)
        with SearchIndex(db) as index:
            res.put("index_warm_ms", timed(lambda: index.warm(sha, outline=outline)).wall * 1000)
            res.put("query_first_after_warm_ms", timed(lambda: query(index, queries[0])).wall * 1000)
            per_query: dict[str, float] = {}
            hits_only: list[float] = []
            full: list[float] = []
            counts: dict[str, int] = {}
            for q in queries:
                counts[q] = query(index, q)
                per_query[q] = median([timed(partial(query, index, q)).wall for _ in range(max(3, reps))]) * 1000
                hits_only.append(timed(lambda q=q: index.find(sha, q, outline=outline)).wall * 1000)
                full.append(timed(partial(all_rects, index, q)).wall * 1000)
            res.put("query_ms_median", median(list(per_query.values())))
            res.put("query_ms_max", max(per_query.values()))
            res.put("query_hits_only_ms_median", median(hits_only))
            res.put("query_all_rects_ms_median", median(full))
            count_only = [timed(partial(index.count, sha, q)).wall * 1000 for q in queries]
            res.put("query_count_only_ms_median", median(count_only))
    res.values["query_counts"] = counts
    tool = peer("pdfgrep")
    if tool is None:
        res.missing(("query_pdfgrep_ms_median", "query_speedup_vs_pdfgrep"),
                    "peer_missing: pdfgrep not installed")
        return res
    chosen = list(queries[: max(1, pdfgrep_queries)])
    peer_ms: list[float] = []
    peer_counts: dict[str, int] = {}
    for q in chosen:
        argv = [tool, "-F", "-c", *(["--password", password] if password else []), q, str(pdf)]
        timing, out = run_tool(argv)
        peer_ms.append(timing.wall * 1000)
        try:
            peer_counts[q] = int(out.strip().splitlines()[-1].rsplit(":", 1)[-1]) if out.strip() else 0
        except ValueError:
            peer_counts[q] = -1
    ours_same = median([per_query[q] for q in chosen])
    res.put("query_pdfgrep_ms_median", median(peer_ms))
    res.put("query_speedup_vs_pdfgrep", ratio(median(peer_ms), ours_same))
    res.values["query_pdfgrep_counts"] = peer_counts
    return res


# ------------------------------------------------------------------------------------------------ exchange


def make_annotations(pdf: Path, outline: Any, count: int, password: str | None = None) -> list[Any]:
    """``count`` realistic comments by five members, spread over the packet, each quoting a line of its page."""
    from reviewer.annotations import Annotation
    from reviewer.document import Packet

    out: list[Annotation] = []
    with Packet.open(pdf, password) as packet:
        labels = packet.page_labels
        total = packet.page_count
        lines_of: dict[int, list[Any]] = {}
        for i in range(count):
            page = (i * 7919) % total
            if page not in lines_of:
                lines_of[page] = [ln for ln in packet.page_lines(page) if ln.text.strip()]
            lines = lines_of[page]
            author = AUTHORS[i % len(AUTHORS)]
            if lines:
                line = lines[(i // len(AUTHORS)) % len(lines)]
                rect = line.bbox
                quote = line.text.strip()[:60]
            else:
                rect, quote = (72.0, 72.0 + i % 600, 300.0, 90.0 + i % 600), ""
            out.append(Annotation(
                file_sha256=packet.sha256, file_name=packet.name, page=page,
                page_label=labels[page] if page < len(labels) else str(page + 1),
                kind="highlight" if quote else "area", rects=[tuple(rect)], category=CATEGORIES[i % 4],
                text=f"この記載（{quote[:12]}）について、具体的な運用と確認の頻度をご説明ください。" * (1 + i % 3),
                author=author, quote=quote,
            ))
    return out


def bench_exchange(pdf: Path, outline: Any, reps: int, password: str | None = None) -> Results:
    """Export of 2,000 comments to the xlsx comment sheet (``build_sheet`` + ``write_xlsx``), and import of
    five members' packages of 400 comments each into a fresh encrypted store (``import_files``)."""
    from reviewer.document import Packet
    from reviewer.exchange.importer import import_files
    from reviewer.exchange.w3c import write_package
    from reviewer.export.sheet import build_sheet
    from reviewer.export.xlsx import write_xlsx
    from reviewer.store import Store

    res = Results()
    annotations = make_annotations(pdf, outline, 2000, password)
    with tempfile.TemporaryDirectory(prefix="pia-bench-exchange-") as folder:
        base = Path(folder)
        sheet_path = base / "sheet.xlsx"
        rows_holder: list[Any] = []

        def export() -> None:
            rows = build_sheet(annotations, outline)
            rows_holder.append(rows)
            write_xlsx(rows, sheet_path, title="意見一覧")

        res.put("export_2000_xlsx_s", median([timed(export).wall for _ in range(reps)]))
        rows = rows_holder[-1]
        res.put("export_2000_write_xlsx_only_s",
                median([timed(lambda: write_xlsx(rows, sheet_path, title="意見一覧")).wall for _ in range(reps)]))
        res.put("export_xlsx_kb", sheet_path.stat().st_size / 1024)

        packages: list[Path] = []
        sha, name = annotations[0].file_sha256, annotations[0].file_name
        for n, author in enumerate(AUTHORS):
            mine = [a for a in annotations if a.author == author][:400]
            path = base / f"member{n + 1}.json"
            write_package(mine, path, packet_sha256=sha, packet_name=name)
            packages.append(path)
        imported: list[int] = []
        times: list[float] = []
        for rep in range(reps):
            # The chair's store is already open in the app: open it (and the packet) outside the timing.
            with Packet.open(pdf, password) as packet, \
                    Store.open(base / f"profile{rep}", key="ab" * 32, backup=False) as store:
                wall0 = time.perf_counter()
                imported.append(import_files(store, sha, outline, packages, packet=packet).added)
                times.append(time.perf_counter() - wall0)
        res.put("import_5x400_s", median(times))
        res.put("import_5x400_added", imported[-1])
    return res


def bench_compare(reports: int, reps: int) -> Results:
    """The second meeting: a packet of ``reports`` reports and its revised version (the revision-pair generator)
    compared cold (structure and rows read from the PDFs) and warm (from the profile's caches, as in the app once
    both packets were opened: the first open's job caches them), and 2,000 comments on the old version carried to the new one (encrypted store)."""
    from reviewer.analysis import analyze_job
    from reviewer.compare.carry import carry_comments
    from reviewer.compare.service import compare_files, compare_versions, load_version, load_versions
    from reviewer.samples.revision import generate_revision_pair
    from reviewer.search.build import wait_for_refining
    from reviewer.store import Store

    res = Results()
    with tempfile.TemporaryDirectory(prefix="pia-bench-compare-") as folder:
        base = Path(folder)
        old, new, truth = generate_revision_pair(base, "revised", reports=reports, pages_per_report=None)
        pages = truth.new_pages
        cold_runs: list[float] = []
        cpu_runs: list[float] = []
        for _ in range(reps):
            # CPU of this process and of the second one that reads the new file (load_versions)
            before, wall0 = os.times(), time.perf_counter()
            compare_files(old, new, cache=False)
            cold_runs.append(time.perf_counter() - wall0)
            after = os.times()
            cpu_runs.append(after.user + after.system + after.children_user + after.children_system
                            - before.user - before.system - before.children_user - before.children_system)
        cold = median(cold_runs)
        res.put("compare_cpu_s", median(cpu_runs))
        res.put("compare_one_process_s", median([
            timed(lambda: compare_versions(*load_versions(old, new, cache=False, parallel=False))).wall
            for _ in range(reps)]))
        res.values["compare_load_average"] = [round(x, 2) for x in os.getloadavg()]
        profile = base / "profile"
        for packet in (old, new):  # opened in the app: the first open caches the structure and the rows
            analyze_job(str(packet), None, str(profile), str(profile / "search-index.db"))
        wait_for_refining()
        warm = median([timed(lambda: compare_files(old, new, profile=profile)).wall for _ in range(reps)])
        res.put("compare_pages", pages)
        res.put("compare_s", cold)
        res.put("compare_s_per_100_pages", cold / pages * 100)
        res.put("compare_cached_s", warm)
        res.put("compare_cached_s_per_100_pages", warm / pages * 100)
        old_version, new_version = load_version(old, profile), load_version(new, profile)
        res.put("compare_versions_only_s", median([timed(lambda: compare_versions(old_version, new_version)).wall
                                                   for _ in range(reps)]))
        annotations = make_annotations(old, None, 2000)
        times: list[float] = []
        for rep in range(reps):
            with Store.open(base / f"carry{rep}", key="cd" * 32, backup=False) as store:
                with store.transaction():
                    for a in annotations:
                        store.add_annotation(a)
                wall0 = time.perf_counter()
                carried = carry_comments(store, old_version, new_version)
                times.append(time.perf_counter() - wall0)
        res.put("carry_2000_s", median(times))
        res.values["carry_2000_statuses"] = {s: sum(1 for c in carried if c.status == s)
                                             for s in ("unchanged", "changed", "removed")}
    return res
