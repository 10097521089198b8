"""Assemble a council packet (審議資料): packet cover, 諮問 cover sheets, reports, footers, stamps, page labels.

The returned :class:`~reviewer.structure.model.Outline` is the generator's truth: the documents in packet
order and, for each report, its headings with the page and the top y where their first line was drawn.
"""

from __future__ import annotations

import json
import logging
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer.document import file_sha256
from reviewer.paths import data_dir, resource
from reviewer.samples import phrases as ph
from reviewer.samples.canvas import FIRST_MEETING_DATE, NEXT_MEETING_DATE, FontMetrics, PageCanvas, write_pdf
from reviewer.samples.form import BasicReportBuilder, FullReportBuilder, Plan, ReportStyle
from reviewer.samples.layout import TABLE_WIDTH, Cell, Mark, Paginator, Row, Style, draw_footer, draw_stamp
from reviewer.structure.model import Document, Node, Outline

log = logging.getLogger("reviewer.samples")

# Rewrites a report's rows before its final layout (report index, builder, rows): the revised version of a
# revision pair (see reviewer.samples.revision). The page-count calibration runs on the unrevised rows, so the
# old and the revised version share everything the revision does not touch.
Reviser = Callable[[int, FullReportBuilder, list[Row]], list[Row]]

DEFAULT_PAGES_PER_REPORT = 60
SAMPLE_NAME = "sample-packet.pdf"
TRUTH_NAME = "sample-packet.truth.json"


@dataclass
class _Part:
    """One document of the packet, laid out."""

    title: str
    form: str | None
    pages: list[PageCanvas]
    marks: list[Mark]
    footer: tuple[str, str] | None = None  # (事務名, 担当部署) for report pages


def _normalise(title: str) -> str:
    return "".join(title.split("\n")).strip()


def _layout_full(
    metrics: FontMetrics, seed: int, index: int, business: ph.Business, files: tuple[str, ...], number: int,
    style: ReportStyle, plan: Plan, draw: bool = True, revise: Reviser | None = None,
) -> tuple[Paginator, FullReportBuilder]:
    key = f"{seed}/report{index}/{plan.verbosity}/{plan.entrusts}/{plan.providers}/{plan.changes}"
    builder = FullReportBuilder(random.Random(key), style, business, files, number, plan)
    rows = builder.build()
    if revise is not None:
        rows = revise(index, builder, rows)
    paginator = Paginator(metrics, random.Random(key + "/layout"), style.layout, draw=draw)
    paginator.place(rows)
    return paginator, builder


def _full_report(
    metrics: FontMetrics, seed: int, index: int, business: ph.Business, files: tuple[str, ...], number: int,
    target: int, revise: Reviser | None = None,
) -> _Part:
    """Lay out a 全項目評価書 whose page count is close to ``target`` (at least it, when reachable)."""
    style = ReportStyle.random(random.Random(f"{seed}/style{index}"), index)

    def plan_for(verbosity: int, providers: int, changes: int) -> Plan:
        return Plan(verbosity=verbosity, entrusts=2 + providers // 6, providers=providers, changes=changes)

    def run(plan: Plan) -> tuple[Paginator, FullReportBuilder]:
        return _layout_full(metrics, seed, index, business, files, number, style, plan, draw=False)

    if target < 40:
        plan = Plan(verbosity=1, entrusts=1, providers=1, changes=1)
    else:
        verbosity = 3 if target <= 75 else 5 if target <= 120 else 6
        plan = plan_for(verbosity, 2, 3)
    paginator, builder = run(plan)
    count = len(paginator.pages)
    if count < target:
        # What one more 提供先 (and every sixth a 委託事項) costs; then correct with a few re-layouts and
        # fine-tune with 別添3 rows (about a tenth of a page each).
        probe = plan_for(plan.verbosity, plan.providers + 8, plan.changes)
        per_unit = max(0.25, (len(run(probe)[0].pages) - count) / 8)
        plan = plan_for(plan.verbosity, plan.providers + max(0, round((target - count) / per_unit) - 1),
                        plan.changes)
        for _ in range(5):
            paginator, builder = run(plan)
            count = len(paginator.pages)
            if target <= count <= target + 1:
                break
            if count < target:
                plan = plan_for(plan.verbosity, plan.providers, plan.changes + max(2, (target - count) * 6))
            elif plan.providers > 1:
                fewer = max(1, round((count - target) / per_unit))
                plan = plan_for(plan.verbosity, max(1, plan.providers - fewer), plan.changes)
            else:
                break
    paginator, builder = _layout_full(metrics, seed, index, business, files, number, style, plan, revise=revise)
    return _Part(builder.title, "全項目評価書", paginator.pages, builder.marks, (business.name, business.department))


def _basic_report(metrics: FontMetrics, seed: int, business: ph.Business, number: int) -> _Part:
    rng = random.Random(f"{seed}/basic")
    style = ReportStyle.random(rng, 1)
    builder = BasicReportBuilder(rng, style, business, number)
    rows = builder.build()
    paginator = Paginator(metrics, random.Random(f"{seed}/basic/layout"), style.layout)
    paginator.place(rows)
    return _Part(builder.title, "基礎項目評価書", paginator.pages, builder.marks, (business.name, business.department))


def _sheet(metrics: FontMetrics, seed: int, lines: list[tuple[str, float, bool]], body: list[str]) -> _Part:
    """A one-page cover sheet; the first line is its heading (recorded as the document's title)."""
    rows: list[Row] = []
    for i, (text, size, center) in enumerate(lines):
        rows.append(Row([Cell(TABLE_WIDTH, [text], size=size, hcenter=center, border=False, role="label")],
                        splittable=False, gap_before=10.0 if i else 30.0))
    for text in body:
        rows.append(Row([Cell(TABLE_WIDTH, [text], size=10.5, border=False)], gap_before=6.0))
    paginator = Paginator(metrics, random.Random(f"{seed}/sheet"), Style(label_first=1.0))
    paginator.place(rows)
    return _Part(_normalise(lines[0][0]), None, paginator.pages[:1], [])


def _choose_businesses(rng: random.Random, count: int) -> list[ph.Business]:
    others = list(ph.BUSINESSES[1:])
    rng.shuffle(others)
    order = [ph.BUSINESSES[0], *others]
    return [order[i % len(order)] for i in range(count)]


def generate_packet(
    out: Path, reports: int = 4, pages_per_report: int | None = None, seed: int = 1,
    revise: Reviser | None = None, inserted_sheet: list[str] | None = None,
    bound_table: tuple[str, list[Row]] | None = None,
) -> Outline:
    """Write a synthetic council packet to ``out`` and return its truth.

    ``reports`` 全項目評価書 (each behind its 諮問 cover sheet) plus one 基礎項目評価書 (behind a 報告 cover sheet,
    after the second report). ``pages_per_report`` is a target (default about 58, so 4 reports make ~250
    pages). The same arguments always give the same bytes. ``revise`` rewrites reports (a revised version);
    ``inserted_sheet`` (heading, body lines…) adds a one-page sheet before the first 諮問 (an inserted page);
    ``bound_table`` (heading, table rows) binds a document such as a 修正対照表 after the last report.
    """
    out = Path(out)
    reports = max(1, int(reports))
    rng = random.Random(seed)
    metrics = FontMetrics()
    meeting = rng.randint(3, 12)
    first_number = 1000 + rng.randint(1, 60)
    businesses = _choose_businesses(rng, reports + 1)
    basic_business = businesses[-1] if reports + 1 <= len(ph.BUSINESSES) else ph.BUSINESSES[-1]
    basic_after = min(2, reports)

    body_parts: list[tuple[str, _Part]] = []  # (list entry for the packet cover, part)
    if inserted_sheet:
        body_parts.append(("", _sheet(metrics, seed * 100 + 98, [(inserted_sheet[0], 14.0, False)],
                                      inserted_sheet[1:])))
    for index in range(reports):
        business = businesses[index]
        files = business.files
        if index > 0 and len(files) == 1 and rng.random() < 0.25:
            files = (*files, ph.SECOND_FILE_FOR_OTHERS)
        target = pages_per_report or DEFAULT_PAGES_PER_REPORT + rng.randint(-5, 5)
        number = first_number + index
        heading = f"諮問第{number}号"
        subject = f"特定個人情報保護評価における第三者点検について（{business.short}）"
        sheet = _sheet(metrics, seed * 100 + index, [
            (heading, 16.0, False), (subject, 13.0, False)], [
            "令和７年１１月５日", f"{ph.COUNCIL}　会長　様", f"{ph.CITY_HEAD}",
            f"行政手続における特定の個人を識別するための番号の利用等に関する法律第28条第1項の規定に基づき、"
            f"{business.name}に係る特定個人情報保護評価書（全項目評価書）について、第三者点検を受けたいので諮問します。",
            "記", f"１　評価書名　{business.name} 全項目評価書", f"２　担当部署　{business.department}",
            "３　添付資料　特定個人情報保護評価書（全項目評価書）（案）"])
        body_parts.append((f"{heading} {subject}", sheet))
        report = _full_report(metrics, seed, index, business, files, index + 1, target, revise)
        body_parts.append(("", report))
        if index + 1 == basic_after:
            heading = "報告第1号"
            subject = f"特定個人情報保護評価書（基礎項目評価書）の公表について（{basic_business.short}）"
            body_parts.append((f"{heading} {subject}", _sheet(metrics, seed * 100 + 99, [
                (heading, 16.0, False), (subject, 13.0, False)], [
                "令和７年１１月５日", f"{ph.COUNCIL}　会長　様", ph.CITY_HEAD,
                f"{basic_business.name}について、基礎項目評価を実施し、評価書を公表したので報告します。"])))
            body_parts.append(("", _basic_report(metrics, seed, basic_business, reports + 1)))

    if bound_table is not None:
        heading, table = bound_table
        rows = [Row([Cell(TABLE_WIDTH, [heading], size=14.0, border=False, role="label")], splittable=False,
                    gap_before=30.0), *table]
        paginator = Paginator(metrics, random.Random(f"{seed}/table"), Style(label_first=1.0))
        paginator.place(rows)
        body_parts.append((heading, _Part(heading, None, paginator.pages, [])))

    # Packet cover: its contents list gives each item's packet page (stamp) number.
    entries: list[str] = []
    page_number = 1
    for entry, part in body_parts:
        if entry:
            entries.append(f"{entry}　‥‥‥　{page_number}頁")
        page_number += len(part.pages)
    cover_heading = f"第{meeting}回 情報公開・個人情報保護審議会 小委員会 審議資料"
    cover = _sheet(metrics, seed, [(ph.CITY, 12.0, True), (cover_heading, 15.0, True)], [
        "日時　令和７年１１月２６日（水）午後２時から", "場所　北浜区役所　第３委員会室", "",
        "【審議資料目録】", *entries])
    cover.title = cover_heading
    parts = [cover, *(part for _, part in body_parts)]

    pages: list[PageCanvas] = []
    documents: list[Document] = []
    for part in parts:
        start = len(pages)
        total = len(part.pages)
        for local, canvas in enumerate(part.pages):
            index = start + local
            if part.footer is not None:
                name, department = part.footer
                draw_footer(canvas, metrics, f"{name}　{local + 1} / {total}　{department}")
            if index > 0:
                draw_stamp(canvas, metrics, index)
            pages.append(canvas)
        nodes = [
            Node(kind=m.kind, number=m.number, title=_normalise(m.title), page=start + m.page, y=m.y,
                 file=m.file, judgement=m.judgement)
            for m in part.marks
        ]
        documents.append(Document(part.title, part.form, start, len(pages) - 1, nodes))

    labels: list[tuple[int, str, str | None, int]] = [(0, "表紙", None, 1)]
    if len(pages) > 1:
        labels.append((1, "", "D", 1))
    write_pdf(pages, out, labels, title=cover_heading, metrics=metrics,
              made=FIRST_MEETING_DATE if revise is None else NEXT_MEETING_DATE)
    page_labels = ["表紙", *(str(i) for i in range(1, len(pages)))]
    return Outline(
        sha256=file_sha256(out), pages=len(pages), page_labels=page_labels, documents=documents,
        bookmarks=[], found_report=True, message="", detector_version=0,
    )


def _shipped_sample() -> Path:
    return resource("sample", SAMPLE_NAME)


def default_sample_path() -> Path:
    """The default sample packet (seed 1, 4 reports): shipped in resources, else generated once into the
    user data directory (with its truth as JSON beside it)."""
    shipped = _shipped_sample()
    if shipped.is_file():
        return shipped
    folder = data_dir() / "sample"
    path = folder / SAMPLE_NAME
    truth_path = folder / TRUTH_NAME
    if path.is_file() and truth_path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".sample-", suffix=".pdf", dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        truth = generate_packet(temp, reports=4, seed=1)
        truth_temp = temp.with_suffix(".json")
        truth_temp.write_text(json.dumps(truth.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
        os.replace(truth_temp, truth_path)
        log.info("generated the sample packet at %s (%d pages)", path, truth.pages)
    finally:
        temp.unlink(missing_ok=True)
        temp.with_suffix(".json").unlink(missing_ok=True)
    return path


def default_sample_truth() -> Outline:
    """The truth (generator outline) of :func:`default_sample_path`."""
    path = default_sample_path()
    truth_path = path.with_name(TRUTH_NAME)
    if truth_path.is_file():
        return Outline.from_json(json.loads(truth_path.read_text(encoding="utf-8")))
    # A shipped sample without its truth: regenerate (deterministic) into a scratch file.
    with tempfile.TemporaryDirectory() as scratch:
        return generate_packet(Path(scratch) / SAMPLE_NAME, reports=4, seed=1)
