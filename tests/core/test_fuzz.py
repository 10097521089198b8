"""Property-based robustness: mutated PDFs and mutated comment packages never crash the core.

* A small valid PDF (Japanese text, page labels, bookmarks) with bytes flipped, inserted, deleted or cut:
  ``Packet.open`` → page labels → ``detect_outline`` → safety checks either work or raise ``ReviewerError``
  with a Japanese message.
* A valid W3C comment package with keys dropped, types changed, pages/sha/ids altered or text corrupted
  (with or without a recomputed digest), and raw byte damage: the import either succeeds correctly or is
  refused with a ``PackageError`` message — and then the database is exactly as before (``store.snapshot()``).
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import traceback
import uuid
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer import safety
from reviewer.annotations import Annotation
from reviewer.document import Packet, file_sha256
from reviewer.errors import ReviewerError
from reviewer.paths import bundled_font
from reviewer.structure.detect import detect_outline

KEY = "00" * 32
KNOWN_PAGE_COUNT_BUG = "Invalid number of pages"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
                derandomize=False, print_blob=True)


def small_pdf_bytes() -> bytes:
    doc = pymupdf.open()
    for n in range(3):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        page.insert_text((72, 90), f"Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策（{n}）",
                         fontname="ipa", fontsize=11)
        page.insert_text((72, 120), "リスク１：目的外の入手が行われるリスク", fontname="ipa", fontsize=10)
        page.insert_text((72, 140), "リスクへの対策は十分か [ 十分である ]", fontname="ipa", fontsize=10)
        page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 150, 200, 165),
                          "uri": "https://www.ppc.go.jp/"})
    doc.subset_fonts()
    doc.set_page_labels([{"startpage": 0, "prefix": "", "style": "D", "firstpagenum": 101}])
    doc.set_toc([[1, "Ⅲ リスク対策", 1], [2, "リスク１", 2]])
    data = bytes(doc.tobytes(garbage=3, deflate=True))
    doc.close()
    return data


class Blob(bytes):
    """Bytes with a short repr, so that hypothesis reports of a failing example stay readable."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes of PDF>"


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return Blob(small_pdf_bytes())


# A mutation: (operation, where, byte, length). ``where`` < 0.3 hits the head, > 0.7 the tail (xref and
# trailer), else anywhere — uniform positions would nearly always land inside the embedded font.
MUTATION = st.tuples(
    st.sampled_from(["flip", "set", "insert", "delete", "truncate", "duplicate"]),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    st.integers(min_value=0, max_value=255),
    st.integers(min_value=1, max_value=64),
)


def mutate(data: bytes, mutations: list[tuple[str, float, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, where, value, length in mutations:
        if not buf:
            break
        size = len(buf)
        if where < 0.3:
            pos = int(where / 0.3 * min(size - 1, 2048))
        elif where > 0.7:
            tail = min(size - 1, 2048)
            pos = size - 1 - int((where - 0.7) / 0.3 * tail)
        else:
            pos = int(where * (size - 1))
        if op == "flip":
            buf[pos] ^= 1 << (value % 8)
        elif op == "set":
            buf[pos: pos + length] = bytes([value]) * len(buf[pos: pos + length])
        elif op == "insert":
            buf[pos:pos] = bytes([value]) * length
        elif op == "delete":
            del buf[pos: pos + length]
        elif op == "truncate":
            del buf[pos:]
        else:
            buf[pos:pos] = buf[pos: pos + length]
    return bytes(buf)


@pytest.mark.slow
@settings(FUZZ, max_examples=150)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_pdf_opens_or_fails_clearly(pdf_bytes: bytes, mutations: list[tuple[str, float, int, int]]) -> None:
    data = mutate(pdf_bytes, mutations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.pdf"
        path.write_bytes(data)
        try:
            with Packet.open(path) as packet:
                labels = packet.page_labels
                assert len(labels) == packet.page_count
                outline = detect_outline(packet)
                # Not compared with packet.page_count: MuPDF may repair a damaged file lazily on first page
                # access, and the count can change then (seen: 3 at open, 0 after detection).
                assert len(outline.page_labels) == outline.pages
                assert outline.sha256 == file_sha256(path)
                safety.active_content(packet.doc, max_pages=3)
                safety.pages_without_text(packet.doc, range(min(3, packet.page_count)))
        except ReviewerError as exc:
            assert JAPANESE.search(exc.message_ja), exc.message_ja
        except RuntimeError as exc:
            # Known and reported (reviewer/document.py reads doc.page_count unguarded); pinned down by
            # test_robustness.py::test_pdf_with_an_unreadable_page_count. Any other RuntimeError fails here.
            if KNOWN_PAGE_COUNT_BUG not in str(exc) or "page_count" not in "".join(
                    traceback.format_tb(exc.__traceback__)):
                raise


def test_unmutated_pdf_gives_its_structure(pdf_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "ok.pdf"
    path.write_bytes(pdf_bytes)
    with Packet.open(path) as packet:
        assert packet.page_labels == ["101", "102", "103"]
        outline = detect_outline(packet)
        assert outline.pages == 3
        assert [b[1] for b in outline.bookmarks] == ["Ⅲ リスク対策", "リスク１"]
        assert all(safety.page_has_text(packet.doc[i]) for i in range(3))


# ---------------------------------------------------------------------------------------------- packages


def comments(sha: str) -> list[Annotation]:
    out = []
    for n in range(3):
        out.append(Annotation(
            file_sha256=sha, file_name="packet.pdf", page=n % 3, page_label=str(101 + n % 3),
            kind=("highlight", "area", "note")[n], rects=[(72.0, 80.0 + 10 * n, 300.0, 94.0 + 10 * n)],
            category=("質問", "意見", "要修正")[n], text=f"委員のコメント{n}：記載の根拠を示してください。",
            author=("山田太郎", "佐藤花子", "鈴木一郎")[n], quote="目的外の入手" if n == 0 else "",
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz/{n}")),
            created="2026-11-01T09:00:00.000Z", modified=f"2026-11-0{n + 1}T09:00:00.000Z",
        ))
    return out


@pytest.fixture(scope="module")
def package_env(tmp_path_factory: pytest.TempPathFactory, pdf_bytes: bytes) -> dict[str, Any]:
    from reviewer.exchange.w3c import build_package

    folder = tmp_path_factory.mktemp("fuzz-package")
    pdf = folder / "packet.pdf"
    pdf.write_bytes(pdf_bytes)
    sha = file_sha256(pdf)
    package = build_package(comments(sha), packet_sha256=sha, packet_name="packet.pdf")
    return {"pdf": pdf, "sha": sha, "package": package}


ITEM_PATHS: list[tuple[Any, ...]] = [
    ("id",), ("type",), ("motivation",), ("created",), ("modified",), ("creator",), ("creator", "name"),
    ("body",), ("body", 0), ("body", 0, "value"), ("body", 0, "purpose"), ("body", 1, "value"),
    ("target",), ("target", "source"), ("target", "selector"), ("target", "selector", 0),
    ("target", "selector", 0, "value"), ("target", "selector", 1, "exact"), ("pia:kind",), ("pia:rects",),
    ("pia:rects", 0), ("pia:pageLabel",), ("pia:status",), ("pia:fileName",),
]
ROOT_PATHS: list[tuple[Any, ...]] = [
    ("type",), ("first",), ("first", "items"), ("total",), ("pia:digest",), ("pia:source",),
    ("pia:source", "sha256"), ("@context",),
]
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.just([]), st.just({}), st.just([[0, 0, 1e9, 1e9]]), st.just("urn:uuid:not-a-uuid"),
    st.just("page=0&viewrect=1,2,3,4"), st.just("page=9999&viewrect=0,0,10,10"),
    st.just("page=2&viewrect=-5,nan,3,4"), st.just("urn:sha256:" + "0" * 64),
    st.just("2026-13-45T99:99:99Z"), st.just("x" * 5000),
)

OPERATION = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, 2), st.sampled_from(ITEM_PATHS), st.none()),
    st.tuples(st.just("set"), st.integers(0, 2), st.sampled_from(ITEM_PATHS), ODD_VALUES),
    st.tuples(st.just("root-drop"), st.just(0), st.sampled_from(ROOT_PATHS), st.none()),
    st.tuples(st.just("root-set"), st.just(0), st.sampled_from(ROOT_PATHS), ODD_VALUES),
    st.tuples(st.just("page"), st.integers(0, 2), st.just(()), st.integers(-3, 12)),
    st.tuples(st.just("sha"), st.integers(0, 2), st.just(()), st.sampled_from(["other", "upper", "short"])),
    st.tuples(st.just("dup-id"), st.integers(0, 2), st.just(()), st.integers(0, 2)),
    st.tuples(st.just("text"), st.integers(0, 2), st.just(()), st.text(max_size=40)),
    st.tuples(st.just("drop-item"), st.integers(0, 2), st.just(()), st.none()),
)


def _walk(node: Any, path: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """The container holding ``path``'s last step, and that step; None when the path does not exist."""
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    last = path[-1]
    if isinstance(node, dict) or (isinstance(node, list) and isinstance(last, int) and last < len(node)):
        return node, last
    return None


def apply_operation(package: dict[str, Any], op: tuple[str, int, tuple[Any, ...], Any]) -> None:
    kind, index, path, value = op
    items = package.get("first", {}).get("items") if isinstance(package.get("first"), dict) else None
    item = items[index] if isinstance(items, list) and index < len(items) else None
    if kind in ("drop", "set") and isinstance(item, dict):
        found = _walk(item, path)
        if found is None:
            return
        container, step = found
        if kind == "drop":
            if isinstance(container, dict):
                container.pop(step, None)
            else:
                del container[step]
        else:
            container[step] = value
    elif kind in ("root-drop", "root-set"):
        found = _walk(package, path)
        if found is None:
            return
        container, step = found
        if kind == "root-drop":
            if isinstance(container, dict):
                container.pop(step, None)
        else:
            container[step] = value
    elif not isinstance(item, dict):
        return
    elif kind == "page":
        target = item.get("target")
        selectors = target.get("selector") if isinstance(target, dict) else None
        # An earlier operation may have emptied or replaced the selector list.
        selector = selectors[0] if isinstance(selectors, list) and selectors else None
        if isinstance(selector, dict) and isinstance(selector.get("value"), str):
            selector["value"] = re.sub(r"page=\d+", f"page={value}", selector["value"])
    elif kind == "sha":
        target = item.get("target")
        if isinstance(target, dict) and isinstance(target.get("source"), str):
            source = target["source"]
            target["source"] = {"other": "urn:sha256:" + "f" * 64, "upper": source.upper(),
                                "short": source[:-3]}[value]
    elif kind == "dup-id" and isinstance(items, list) and value < len(items) and isinstance(items[value], dict):
        item["id"] = items[value].get("id")
    elif kind == "text":
        body = item.get("body")
        if isinstance(body, list) and body and isinstance(body[0], dict):
            body[0]["value"] = value
    elif kind == "drop-item" and isinstance(items, list):
        del items[index]


def _items_json(package: dict[str, Any]) -> str:
    first = package.get("first")
    items = first.get("items") if isinstance(first, dict) else None
    return json.dumps(items, sort_keys=True, ensure_ascii=False, default=str)


def _import(env: dict[str, Any], data: bytes, folder: Path, store: Any) -> Any:
    from reviewer.exchange.importer import import_files

    path = folder / "member.json"
    path.write_bytes(data)
    with Packet.open(env["pdf"]) as packet:
        return import_files(store, env["sha"], None, [path], packet=packet)


def _seeded_store(folder: Path, sha: str) -> Any:
    from reviewer.store import Store

    store = Store.open(folder / "chair", key=KEY, backup=False)
    store.add_annotation(Annotation(
        file_sha256=sha, file_name="packet.pdf", page=0, page_label="101", kind="note",
        rects=[(10.0, 10.0, 26.0, 26.0)], category="意見", text="議長自身のメモ", author="議長",
    ))
    return store


@pytest.mark.slow
@FUZZ
@given(operations=st.lists(OPERATION, min_size=1, max_size=3), recompute_digest=st.booleans())
def test_mutated_package_imports_correctly_or_is_refused_whole(
    package_env: dict[str, Any], operations: list[tuple[str, int, tuple[Any, ...], Any]], recompute_digest: bool,
) -> None:
    from reviewer.exchange.w3c import items_digest

    original = package_env["package"]
    package = copy.deepcopy(original)
    for op in operations:
        apply_operation(package, op)
    items_changed = _items_json(package) != _items_json(original)
    first = package.get("first")
    if recompute_digest and isinstance(first, dict) and isinstance(first.get("items"), list) and \
            "pia:digest" in package:
        package["pia:digest"] = items_digest(first["items"])
    data = json.dumps(package, ensure_ascii=False, default=str, allow_nan=True).encode("utf-8")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = _seeded_store(folder, package_env["sha"])
        try:
            before = store.snapshot()
            report = _import(package_env, data, folder, store)
            assert len(report.files) == 1
            result = report.files[0]
            if not result.ok:
                assert JAPANESE.search(result.message) and "取り込めません" in result.message, result.message
                assert store.snapshot() == before
                return
            # Accepted: a digest that still matches the original items means the items were not edited.
            if items_changed and not recompute_digest and package.get("pia:digest") == original["pia:digest"]:
                pytest.fail("edited items were accepted although the package digest no longer matches")
            assert_imported_correctly(store, package_env["sha"], package, original)
        finally:
            store.close()


def assert_imported_correctly(store: Any, sha: str, package: dict[str, Any], original: dict[str, Any]) -> None:
    stored = {a.id: a for a in store.annotations(sha)}
    assert any(a.author == "議長" for a in stored.values())
    assert all(a.file_sha256 == sha for a in stored.values())
    types = package.get("type")
    items = [package] if "Annotation" in (types if isinstance(types, list) else [types]) else \
        package["first"]["items"]
    by_id = {str(uuid.UUID(str(i["id"]).split(":")[-1])): i for i in items if isinstance(i, dict)}
    originals = {str(uuid.UUID(i["id"].split(":")[-1])): i for i in original["first"]["items"]}
    assert len(stored) == 1 + len(by_id)
    for ann_id, item in by_id.items():
        a = stored[ann_id]
        assert a.origin == "imported"
        if item == originals.get(ann_id):  # untouched items arrive exactly as the member wrote them
            source = next(c for c in comments(sha) if c.id == ann_id)
            assert (a.text, a.author, a.page, a.category, a.kind) == (
                source.text, source.author, source.page, source.category, source.kind)
            assert [tuple(round(v, 2) for v in r) for r in a.rects] == [
                tuple(round(v, 2) for v in r) for r in source.rects]


@pytest.mark.slow
@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_byte_damaged_package_is_refused_or_imported(
    package_env: dict[str, Any], mutations: list[tuple[str, float, int, int]],
) -> None:
    original = package_env["package"]
    data = mutate(json.dumps(original, ensure_ascii=False).encode("utf-8"), mutations)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = _seeded_store(folder, package_env["sha"])
        try:
            before = store.snapshot()
            report = _import(package_env, data, folder, store)
            result = report.files[0]
            if not result.ok:
                assert JAPANESE.search(result.message), result.message
                assert store.snapshot() == before
            else:
                parsed = json.loads(data.decode("utf-8-sig"))
                assert_imported_correctly(store, package_env["sha"], parsed, original)
        finally:
            store.close()


def test_unmutated_package_imports_all(package_env: dict[str, Any], tmp_path: Path) -> None:
    store = _seeded_store(tmp_path, package_env["sha"])
    try:
        data = json.dumps(package_env["package"], ensure_ascii=False).encode("utf-8")
        report = _import(package_env, data, tmp_path, store)
        assert report.files[0].ok and report.added == 3
        assert_imported_correctly(store, package_env["sha"], package_env["package"], package_env["package"])
        again = _import(package_env, data, tmp_path, store)  # the same package twice stays one
        assert again.added == 0 and again.unchanged == 3
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------- answer sheets


@pytest.fixture(scope="module")
def sheet_env(package_env: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from openpyxl import load_workbook

    from reviewer.export.sheet import build_sheet
    from reviewer.export.xlsx import write_xlsx

    folder = tmp_path_factory.mktemp("fuzz-sheet")
    sheet = folder / "意見一覧.xlsx"
    write_xlsx(build_sheet(comments(package_env["sha"]), None), sheet)
    wb = load_workbook(sheet)
    ws = wb.active
    header = [c.value for c in ws[1]]
    answer_col = header.index("所管課の回答") + 1
    for row in range(2, ws.max_row + 1):  # the department filled every answer
        ws.cell(row=row, column=answer_col, value=f"回答{row}：監督は年1回の立入検査で行います。")
    sheet_answered = folder / "回答済み.xlsx"
    wb.save(sheet_answered)
    return {**package_env, "sheet": sheet_answered, "header": header, "rows": ws.max_row}


SHEET_OPERATION = st.one_of(
    st.tuples(st.just("cell"), st.integers(1, 5), st.integers(1, 12), ODD_VALUES),
    st.tuples(st.just("delete-row"), st.integers(1, 5), st.just(0), st.none()),
    st.tuples(st.just("rename-sheet"), st.just(0), st.just(0),
              st.sampled_from(["意見一覧", "意見一覧 ", "Sheet1", "意見一覧(2)", "いけん一覧"])),
    st.tuples(st.just("delete-col"), st.just(0), st.integers(1, 12), st.none()),
)


def _cell_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")[:2000]
    return value


@pytest.mark.slow
@FUZZ
@given(operations=st.lists(SHEET_OPERATION, min_size=1, max_size=3))
def test_mutated_answer_sheet_attaches_answers_or_is_refused_whole(
    sheet_env: dict[str, Any], operations: list[tuple[str, int, int, Any]],
) -> None:
    from openpyxl import load_workbook

    from reviewer.exchange.importer import import_files

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        wb = load_workbook(sheet_env["sheet"])
        ws = wb.active
        for op, row, col, value in operations:
            if op == "cell":
                ws.cell(row=row, column=col, value=_cell_value(value))
            elif op == "delete-row":
                ws.delete_rows(row)
            elif op == "rename-sheet":
                ws.title = value
            else:
                ws.delete_cols(col)
        path = folder / "returned.xlsx"
        wb.save(path)
        # What the sheet now says: hidden ID → answer, for rows where both are present.
        header = [c.value for c in ws[1]]
        store = _seeded_store(folder, sheet_env["sha"])
        try:
            with store.transaction():
                for c in comments(sheet_env["sha"]):
                    store.add_annotation(c)
            before = store.snapshot()
            with Packet.open(sheet_env["pdf"]) as packet:
                report = import_files(store, sheet_env["sha"], None, [path], packet=packet)
            result = report.files[0]
            if not result.ok:
                assert JAPANESE.search(result.message) and "取り込めません" in result.message, result.message
                assert store.snapshot() == before
                return
            id_col, answer_col = header.index("ID"), header.index("所管課の回答")
            expected: dict[str, str] = {}
            for values in ws.iter_rows(min_row=2, values_only=True):
                raw_id, raw_answer = values[id_col], values[answer_col]
                answer = "" if raw_answer is None else str(raw_answer).strip()
                if raw_id is not None and str(raw_id).strip() and answer:
                    expected[str(uuid.UUID(str(raw_id).strip()))] = answer
            known = {c.id for c in comments(sheet_env["sha"])}
            for c in comments(sheet_env["sha"]):
                assert store.get_annotation(c.id).answer == expected.get(c.id)
            assert report.answers_attached == len(set(expected) & known)
            assert report.answers_unknown == len(set(expected) - known)
        finally:
            store.close()
