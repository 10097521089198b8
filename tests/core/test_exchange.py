"""Comment exchange: W3C packages, XFDF, annotations inside PDFs, imports into the Store."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.document import Packet, file_sha256, pdf_date_to_iso
from reviewer.exchange import PackageError
from reviewer.exchange.importer import PacketInfo, detect_kind, import_files, load_file
from reviewer.exchange.pdf_annots import read_pdf_file
from reviewer.exchange.w3c import build_package, items_digest, parse_fragment, parse_package, write_package
from reviewer.exchange.xfdf import page_matrix_for_height, parse_xfdf
from reviewer.export.annotated_pdf import write_annotated_pdf
from reviewer.paths import bundled_font
from reviewer.structure.model import Document, Node, Outline

KEY = "ab" * 32
MEMBERS = ("山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "田中健")
LINES = (
    "リスク1：目的外の入手が行われるリスク",
    "対象者以外の情報の入手を防止するため、本人確認書類の提示を受ける。",
    "窓口での本人確認は、個人番号カード等により厳格に行う。",
    "システムの操作権限は、職員ごとに付与し、定期的に見直す。",
    "操作ログは5年間保管し、不正な操作がないか月次で確認する。",
)
LINE_Y = (120.0, 160.0, 200.0, 240.0, 280.0)


def make_packet(path: Path, pages: int = 6) -> Path:
    """A small A4 packet with Japanese text lines at known positions."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=str(bundled_font()))
        for line, y in zip(LINES, LINE_Y, strict=True):
            page.insert_text((72, y), f"{line}", fontname="ipa", fontsize=11)
        page.insert_text((280, 820), f"- {number + 101} -", fontname="ipa", fontsize=9)
    doc.save(path)
    doc.close()
    return path


def make_outline(sha: str, pages: int = 6) -> Outline:
    report_a = Document("住民基本台帳に関する事務 全項目評価書", "全項目評価書", 0, 2, [
        Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 0, 40.0),
        Node("section", "7", "特定個人情報の保管・消去", 0, 60.0),
        Node("risk", "1", "特定個人情報の漏えい・滅失・毀損リスク", 0, 100.0),
        Node("risk", "2", "古い情報のまま保管され続けるリスク", 2, 100.0),
    ])
    report_b = Document("税務に関する事務 全項目評価書", "全項目評価書", 3, pages - 1, [
        Node("chapter", "Ⅲ", "リスク対策", 3, 40.0),
        Node("section", "2", "特定個人情報の入手", 3, 60.0),
        Node("risk", "1", "目的外の入手が行われるリスク", 3, 100.0),
        Node("section", "3", "特定個人情報の使用", 4, 60.0),
        Node("risk", "2", "権限のない者によって不正に使用されるリスク", 4, 100.0),
    ])
    return Outline(sha, pages, [str(101 + i) for i in range(pages)], [report_a, report_b], found_report=True)


def line_rect(line: int, chars: int = 12) -> tuple[float, float, float, float]:
    y = LINE_Y[line]
    return (72.0, y - 11.0, 72.0 + 11.0 * chars, y + 3.0)


def member_comments(sha: str, member: int) -> list[Annotation]:
    """Four comments per member; members 0 and 1 highlight the same passage on page 1 (related)."""
    author = MEMBERS[member]
    out = []
    for k in range(4):
        page = (member + 2 * k) % 6
        line = (member + k) % 5
        if k == 0 and member in (0, 1):
            page, line = 1, 1
        out.append(Annotation(
            file_sha256=sha, file_name="packet.pdf", page=page, page_label=str(101 + page),
            kind=("highlight", "area", "note", "highlight")[k], rects=[line_rect(line)],
            category=("質問", "意見", "要修正", "確認のみ")[k],
            text=f"{author}の{k + 1}件目：記載の根拠を示してください。", author=author,
            quote=LINES[line][:12] if k in (0, 3) else "",
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"member{member}/comment{k}")),
            created=f"2026-11-0{member + 1}T09:0{k}:00.000Z", modified=f"2026-11-0{member + 1}T09:0{k}:00.000Z",
            extra={"replies": [{"author": "事務局", "text": "確認します", "created": "2026-11-10T00:00:00.000Z"}]}
            if k == 2 else {},
        ))
    return out


@pytest.fixture(scope="module")
def packet_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_packet(tmp_path_factory.mktemp("packet") / "packet.pdf")


@pytest.fixture()
def packet_env(packet_pdf: Path, tmp_path: Path) -> dict[str, object]:
    sha = file_sha256(packet_pdf)
    return {"pdf": packet_pdf, "sha": sha, "outline": make_outline(sha), "dir": tmp_path}


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from reviewer.store import Store

    s = Store.open(tmp_path / "chair", key=KEY)
    yield s
    s.close()


def write_member_packages(env: dict[str, object]) -> list[Path]:
    paths = []
    for member in range(5):
        path = Path(str(env["dir"])) / f"member{member}.json"
        write_package(member_comments(str(env["sha"]), member), path, packet_sha256=str(env["sha"]),
                      packet_name="packet.pdf")
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------------------ packages


def test_package_follows_w3c_model(packet_env: dict[str, object]) -> None:
    sha = str(packet_env["sha"])
    comments = member_comments(sha, 0)
    path = Path(str(packet_env["dir"])) / "p.json"
    assert write_package(comments, path, packet_sha256=sha, packet_name="packet.pdf") == 4
    data = json.loads(path.read_text("utf-8"))
    assert data["type"] == "AnnotationCollection"
    assert data["total"] == 4 and len(data["first"]["items"]) == 4
    assert data["pia:digest"] == items_digest(data["first"]["items"])
    item = next(i for i in data["first"]["items"] if i["id"] == f"urn:uuid:{comments[0].id}")
    assert item["type"] == "Annotation" and item["motivation"] == "commenting"
    assert item["creator"] == {"type": "Person", "name": "山田太郎"}
    bodies = {b["purpose"]: b["value"] for b in item["body"]}
    assert bodies == {"commenting": "山田太郎の1件目：記載の根拠を示してください。", "classifying": "質問"}
    assert item["target"]["source"] == f"urn:sha256:{sha}"
    fragment, quote = item["target"]["selector"]
    assert fragment["type"] == "FragmentSelector" and fragment["conformsTo"].endswith("rfc3778")
    assert fragment["value"] == "page=2&viewrect=72,149,132,14"
    assert quote == {"type": "TextQuoteSelector", "exact": LINES[1][:12], "prefix": "", "suffix": ""}
    assert not list(path.parent.glob(".p.json.*"))  # the temp file was renamed away


def test_package_round_trip_keeps_every_field(packet_env: dict[str, object]) -> None:
    sha = str(packet_env["sha"])
    comments = member_comments(sha, 2)
    package = parse_package(json.dumps(build_package(comments, packet_sha256=sha, packet_name="packet.pdf")),
                            expected_sha=sha, page_count=6, page_sizes=[(595, 842)] * 6, file_name="packet.pdf")
    assert package.digest_checked and package.authors == ["鈴木一郎"]
    back = {a.id: a for a in package.annotations}
    for original in comments:
        got = back[original.id]
        assert got.origin == "imported"
        for name in ("file_sha256", "page", "page_label", "kind", "rects", "category", "text", "author", "quote",
                     "created", "modified", "status", "extra"):
            assert getattr(got, name) == getattr(original, name), name


def test_fragment_parsing() -> None:
    assert parse_fragment("page=31&viewrect=10,20,30,40") == (30, (10.0, 20.0, 40.0, 60.0))
    assert parse_fragment("#page=1") == (0, None)
    for bad in ("page=0", "viewrect=1,2,3,4", "page=x", "page=2&viewrect=1,2,3", "page=2&viewrect=1,2,-3,4",
                "page=2&viewrect=1,2,nan,4"):
        with pytest.raises(ValueError):
            parse_fragment(bad)


def _package_dict(env: dict[str, object], member: int = 0) -> dict[str, object]:
    sha = str(env["sha"])
    return build_package(member_comments(sha, member), packet_sha256=sha, packet_name="packet.pdf")


@pytest.mark.parametrize("tamper, message", [
    (lambda d: d["first"]["items"][0]["body"][0].__setitem__("value", "改ざん"), "書き換え"),
    (lambda d: d["first"]["items"].pop(), "件数"),
    (lambda d: d["first"]["items"][1].__setitem__("id", "urn:uuid:not-a-uuid"), "urn:uuid"),
    (lambda d: d["first"]["items"][1]["target"]["selector"][0].__setitem__("value", "page=99&viewrect=1,1,1,1"),
     "範囲"),
    (lambda d: d["first"]["items"][2]["target"]["selector"][0].__setitem__("value", "page=two"), "FragmentSelector"),
    (lambda d: d["first"]["items"][3].__setitem__("created", "昨日"), "日時"),
    (lambda d: d["first"]["items"][0].__setitem__("creator", {"type": "Person", "name": ""}), "作成者"),
    (lambda d: d["first"]["items"][0].__setitem__("pia:rects", [[72, 100, 9999, 120]]), "ページ 1 の外"),
    (lambda d: d["first"]["items"].append(dict(d["first"]["items"][0])), "件数"),
])
def test_tampered_packages_are_refused_whole(packet_env: dict[str, object], tamper, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _package_dict(packet_env)
    tamper(data)
    if message not in ("書き換え", "件数"):
        data["pia:digest"] = items_digest(data["first"]["items"])  # type: ignore[index]
    with pytest.raises(PackageError) as caught:
        parse_package(json.dumps(data, ensure_ascii=False), expected_sha=str(packet_env["sha"]), page_count=6,
                      page_sizes=[(595, 842)] * 6, origin_name="member0.json")
    assert message in caught.value.message_ja
    assert "member0.json" in caught.value.message_ja and "何も取り込んでいません" in caught.value.message_ja


def test_duplicate_id_inside_a_package_is_refused(packet_env: dict[str, object]) -> None:
    data = _package_dict(packet_env)
    items = data["first"]["items"]  # type: ignore[index]
    items.append(dict(items[0]))
    data["total"] = len(items)
    data["pia:digest"] = items_digest(items)
    with pytest.raises(PackageError) as caught:  # the reason is in the Japanese message; the English names the file
        parse_package(json.dumps(data), expected_sha=str(packet_env["sha"]))
    assert "重複" in caught.value.message_ja


def test_package_for_another_file_names_that_file(packet_env: dict[str, object]) -> None:
    other = "c" * 64
    comments = [replace(a, file_sha256=other) for a in member_comments(other, 0)]
    data = build_package(comments, packet_sha256=other, packet_name="税務_全項目評価書.pdf")
    with pytest.raises(PackageError) as caught:
        parse_package(json.dumps(data), expected_sha=str(packet_env["sha"]), origin_name="x.json")
    assert "税務_全項目評価書.pdf" in caught.value.message_ja
    # Even when its pages lie outside this (shorter) packet, the other file is what the message names.
    with pytest.raises(PackageError) as caught:
        parse_package(json.dumps(data), expected_sha=str(packet_env["sha"]), page_count=1, origin_name="x.json")
    assert "税務_全項目評価書.pdf" in caught.value.message_ja and "範囲" not in caught.value.message_ja


def test_malformed_json_and_wrong_type(packet_env: dict[str, object]) -> None:
    for data, needle in ((b"{not json", "JSON"), (b'{"type": "Other"}', "AnnotationCollection"),
                         (b"\xff\xfe", "UTF-8"), (b"[1, 2]", "オブジェクト")):
        with pytest.raises(PackageError) as caught:
            parse_package(data, expected_sha=str(packet_env["sha"]))
        assert needle in caught.value.message_ja


def test_foreign_w3c_annotation_without_our_extensions(packet_env: dict[str, object]) -> None:
    sha = str(packet_env["sha"])
    foreign = {"type": "AnnotationCollection", "first": {"items": [{
        "id": "urn:uuid:0b7e3bde-5ad4-4bb6-a3a3-0c9f1b0d6a51", "type": "Annotation", "motivation": "commenting",
        "created": "2026-10-01T10:00:00+09:00", "creator": {"type": "Person", "name": "外部ツール利用者"},
        "body": {"type": "TextualBody", "value": "ここは要確認", "purpose": "commenting"},
        "target": {"source": f"urn:sha256:{sha}", "selector": {
            "type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
            "value": "page=3&viewrect=100,200,150,40"}}}]}}
    package = parse_package(json.dumps(foreign), expected_sha=sha, page_count=6)
    (a,) = package.annotations
    assert (a.page, a.rects, a.kind, a.category, a.author) == (2, [(100.0, 200.0, 250.0, 240.0)], "area", "意見",
                                                               "外部ツール利用者")
    assert a.modified == a.created and not package.digest_checked


def test_five_members_imported_with_duplicates_and_placement(packet_env: dict[str, object], store) -> None:  # type: ignore[no-untyped-def]
    sha, outline = str(packet_env["sha"]), packet_env["outline"]
    paths = write_member_packages(packet_env)
    report = import_files(store, sha, outline, paths, packet_name="packet.pdf")  # type: ignore[arg-type]
    assert (report.added, report.updated, report.unchanged) == (20, 0, 0)
    assert not report.refused and [f.authors for f in report.files] == [[m] for m in MEMBERS]
    stored = store.annotations(sha)
    assert sorted({a.author for a in stored}) == sorted(MEMBERS)
    assert all(a.origin == "imported" for a in stored)
    first = next(a for a in stored if a.author == "山田太郎" and a.category == "質問")
    assert (first.page, first.document_title, first.item_label) == (1, "住民基本台帳に関する事務 全項目評価書", "Ⅲ 7. リスク1")
    assert first.node_key == "0:Ⅲ/7/risk1"
    on_b = next(a for a in stored if a.page == 4 and a.top >= 100)
    assert on_b.document_title == "税務に関する事務 全項目評価書" and on_b.item_label == "Ⅲ 3. リスク2"

    # The same packages again: nothing new. The chair's decisions survive a member's newer version.
    again = import_files(store, sha, outline, paths[:2], packet_name="packet.pdf")  # type: ignore[arg-type]
    assert (again.added, again.updated, again.unchanged) == (0, 0, 8)
    store.update_annotation(replace(first, excluded=True, sheet_text="委員長が整えた文言", answer="回答済み"))
    newer = [replace(a, text=a.text + "（追記）", modified="2026-11-20T00:00:00.000Z") if a.id == first.id else a
             for a in member_comments(sha, 0)]
    older = [replace(a, text="古い版", modified="2026-01-01T00:00:00.000Z") for a in member_comments(sha, 1)]
    p_new, p_old = Path(str(packet_env["dir"])) / "new.json", Path(str(packet_env["dir"])) / "old.json"
    write_package(newer, p_new, packet_sha256=sha, packet_name="packet.pdf")
    write_package(older, p_old, packet_sha256=sha, packet_name="packet.pdf")
    third = import_files(store, sha, outline, [p_new, p_old, p_new], packet_name="packet.pdf")  # type: ignore[arg-type]
    assert (third.added, third.updated, third.unchanged) == (0, 1, 7)
    got = store.get_annotation(first.id)
    assert got is not None and got.text.endswith("（追記）")
    assert (got.excluded, got.sheet_text, got.answer, got.author) == (True, "委員長が整えた文言", "回答済み", "山田太郎")
    assert all(a.text != "古い版" for a in store.annotations(sha))
    assert len(store.annotations(sha)) == 20


def test_tampered_package_imports_nothing_while_others_go_in(packet_env: dict[str, object], store) -> None:  # type: ignore[no-untyped-def]
    sha, outline = str(packet_env["sha"]), packet_env["outline"]
    paths = write_member_packages(packet_env)
    text = paths[3].read_text("utf-8").replace("高橋美咲の1件目", "高橋美咲の改ざん")
    paths[3].write_text(text, "utf-8")
    before = store.snapshot()
    only_bad = import_files(store, sha, outline, [paths[3]], packet_name="packet.pdf")  # type: ignore[arg-type]
    assert len(only_bad.refused) == 1 and "書き換えられています" in only_bad.refused[0].message
    assert store.snapshot() == before
    report = import_files(store, sha, outline, paths, packet_name="packet.pdf")  # type: ignore[arg-type]
    assert [f.ok for f in report.files] == [True, True, True, False, True]
    assert report.added == 16
    assert "高橋美咲" not in {a.author for a in store.annotations(sha)}


def test_detect_kind_by_content(packet_env: dict[str, object], tmp_path: Path) -> None:
    (pkg,) = write_member_packages(packet_env)[:1]
    weird = tmp_path / "comments.dat"
    weird.write_bytes(pkg.read_bytes())
    xfdf = tmp_path / "a.txt"
    xfdf.write_text('<?xml version="1.0"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><annots/></xfdf>')
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01hello")
    assert [detect_kind(p) for p in (weird, xfdf, packet_env["pdf"], junk)] == ["package", "xfdf", "pdf", "unknown"]
    with pytest.raises(PackageError, match="unknown"):
        load_file(junk, PacketInfo(str(packet_env["sha"]), "packet.pdf", None))


# ------------------------------------------------------------------------------------------ XFDF

XFDF = """<?xml version="1.0" encoding="UTF-8"?>
<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve">
 <annots>
  <highlight page="1" rect="70,676,210,696" coords="72,693,204,693,72,679,204,679" color="#FFFF00"
   title="伊藤委員" subject="質問" name="2c5b3f44-7f39-4a0f-9b1e-6a9d4e1c2f10"
   creationdate="D:20261101090000+09'00'" date="D:20261102100000+09'00'">
   <contents>本人確認の方法は？</contents>
   <popup page="1" rect="300,600,500,700" open="no"/>
  </highlight>
  <text page="3" rect="100,500,120,520" title="伊藤委員" subject="Sticky Note" name="note-1" date="D:20261103">
   <contents-richtext><body xmlns="http://www.w3.org/1999/xhtml"><p>保管期間の根拠</p></body></contents-richtext>
  </text>
  <text page="1" rect="204,703,224,723" title="事務局" name="reply-1" inreplyto="2c5b3f44-7f39-4a0f-9b1e-6a9d4e1c2f10"
   date="D:20261104">
   <contents>所管課に確認中</contents>
  </text>
  <link page="0" rect="0,0,10,10"/>
 </annots>
 <f href="packet.pdf"/>
</xfdf>
"""


def test_xfdf_import_converts_coordinates_and_keeps_replies(packet_env: dict[str, object]) -> None:
    sha = str(packet_env["sha"])
    with Packet.open(Path(str(packet_env["pdf"]))) as packet:
        info = PacketInfo(sha, "packet.pdf", None, packet)
        got = parse_xfdf(XFDF.encode(), packet_sha=sha, packet_name="packet.pdf",
                         page_matrices=info.page_matrices or [], page_labels=[str(101 + i) for i in range(6)],
                         quote=info.quote)
    highlight, note = got
    assert highlight.id == "2c5b3f44-7f39-4a0f-9b1e-6a9d4e1c2f10"
    assert (highlight.kind, highlight.page, highlight.page_label, highlight.author) == ("highlight", 1, "102", "伊藤委員")
    assert highlight.rects == [(72.0, 149.0, 204.0, 163.0)]  # 842 - 693 = 149, 842 - 679 = 163
    assert highlight.quote.startswith("対象者以外の情報の入手")
    assert highlight.prefix.endswith("リスク")
    assert (highlight.category, highlight.text) == ("質問", "本人確認の方法は？")
    assert highlight.created == "2026-11-01T00:00:00.000Z" and highlight.modified == "2026-11-02T01:00:00.000Z"
    assert highlight.extra["replies"] == [{"author": "事務局", "text": "所管課に確認中", "created": "2026-11-04T00:00:00.000Z"}]
    assert (note.kind, note.page, note.category, note.text) == ("note", 3, "意見", "保管期間の根拠")
    assert note.rects == [(100.0, 322.0, 120.0, 342.0)]
    uuid.UUID(note.id)  # a stable id derived from the XFDF name
    again = parse_xfdf(XFDF.encode(), packet_sha=sha, packet_name="packet.pdf",
                       page_matrices=[page_matrix_for_height(842)] * 6)
    assert [a.id for a in again] == [a.id for a in got]


@pytest.mark.parametrize("payload, needle", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><xfdf xmlns="http://ns.adobe.com/xfdf/"/>', "DTD"),
    ('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="9" rect="1,1,2,2"/></annots></xfdf>', "範囲"),
    ('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="1" rect="1,1,2"/></annots></xfdf>', "rect"),
    ('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><highlight page="1" rect="1,1,2,2" coords="1,2,3"/>'
     "</annots></xfdf>", "coords"),
    ('<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text rect="1,1,2,2"/></annots></xfdf>', "ページ番号"),
    ("<xfdf><annots><text page='1'", "XML"),
    ("<html/>", "XFDF"),
])
def test_bad_xfdf_refused_whole(payload: str, needle: str) -> None:
    with pytest.raises(PackageError) as caught:
        parse_xfdf(payload.encode(), packet_sha="a" * 64, packet_name="p.pdf",
                   page_matrices=[page_matrix_for_height(842)] * 6, origin_name="member.xfdf")
    assert needle in caught.value.message_ja and "member.xfdf" in caught.value.message_ja


# ------------------------------------------------------------------------------------------ PDF annotations


def test_pdf_date_strings() -> None:
    assert pdf_date_to_iso("D:20210608161356+07'00'") == "2021-06-08T09:13:56.000Z"
    assert pdf_date_to_iso("D:20240321020358Z00'00'") == "2024-03-21T02:03:58.000Z"
    assert pdf_date_to_iso("D:2023") == "2023-01-01T00:00:00.000Z"
    assert pdf_date_to_iso("") is None and pdf_date_to_iso("garbage") is None


def _corpus_import(corpus_dir: Path, name: str) -> list[Annotation]:
    path = corpus_dir / name
    annotations, _skipped = read_pdf_file(path, packet_sha=file_sha256(path), packet_name=path.name)
    return annotations


def test_japanese_highlights_with_author(corpus_dir: Path) -> None:
    got = _corpus_import(corpus_dir, "ja/pdfplumber__issue-463-example.pdf")
    assert len(got) == 3
    assert {a.author for a in got} == {"tung.phanhuy"}
    assert {a.text for a in got} == {"日本語", '"well"', "table"}
    first = next(a for a in got if a.text == "日本語")
    assert first.kind == "highlight" and len(first.rects) == 3 and first.quote
    assert first.category == "意見"  # Acrobat's subject "Highlight" is not one of our categories
    assert first.id == "e151784e-f8ef-754f-a47b-db1d0240d4be"
    assert first.created == "2021-06-08T09:13:56.000Z"


def test_replies_are_kept_with_their_parent(corpus_dir: Path) -> None:
    (thread,) = _corpus_import(corpus_dir, "annots/qna__test_annot_0.pdf")
    assert thread.author == "Oleksandr Kuvshynov" and thread.text == "This annotation was added in Apple preview"
    assert thread.quote  # the highlighted words
    assert thread.extra["replies"] == [{"author": "oleksandr", "text": "Here's a reply made from Adobe Acrobat Reader",
                                        "created": "2024-03-21T02:06:02.000Z"}]
    (note,) = _corpus_import(corpus_dir, "annots/pdfpig__annotation-comments.pdf")
    assert (note.kind, note.author, note.text) == ("note", "eliot", "strange comment")
    assert [r["text"] for r in note.extra["replies"]] == ["well yes"]


def test_several_authors_and_types(corpus_dir: Path) -> None:
    got = _corpus_import(corpus_dir, "annots/pdfminer__issue-1082-annotations.pdf")
    assert {a.author for a in got} == {"Author Name", "Jeremy Singer-Vine"}
    assert {a.kind for a in got} >= {"highlight", "note"}
    assert any(a.text == "A popup note" for a in got)
    comments = _corpus_import(corpus_dir, "annots/pdfjs__file_pdfjs_test.pdf")
    # FreeText boxes without /Contents carry no comment and are skipped; unnamed sticky notes keep a marker.
    assert len(comments) == 5 and {a.author for a in comments} == {"mihaela.velimirovici", "（作成者不明）"}
    assert {a.kind for a in comments} == {"note", "area"}  # Text and FreeText
    assert all(a.text for a in comments)


def test_import_pdf_annotations_into_store(corpus_dir: Path, store) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / "ja/pdfplumber__issue-463-example.pdf"
    with Packet.open(path) as packet:
        report = import_files(store, packet.sha256, None, [path], packet=packet)
    assert report.added == 3 and report.files[0].kind == "pdf" and report.files[0].authors == ["tung.phanhuy"]
    assert {a.text for a in store.annotations(file_sha256(path))} == {"日本語", '"well"', "table"}


def test_annotated_copy_is_refused_for_another_packet(packet_env: dict[str, object], corpus_dir: Path) -> None:
    with Packet.open(Path(str(packet_env["pdf"]))) as packet:
        info = PacketInfo(packet.sha256, packet.name, None, packet)
        with pytest.raises(PackageError) as caught:
            load_file(corpus_dir / "annots/pypdf__commented.pdf", info)
    assert "pypdf__commented.pdf" in caught.value.message_ja and "別のファイル" in caught.value.message_ja


def test_annotated_pdf_export_round_trip(packet_env: dict[str, object], tmp_path: Path) -> None:
    sha = str(packet_env["sha"])
    comments = member_comments(sha, 0) + member_comments(sha, 1)
    out = tmp_path / "注釈付き.pdf"
    assert write_annotated_pdf(Path(str(packet_env["pdf"])), comments, out) == 8
    with pymupdf.open(out) as doc:
        infos = [(page.number, annot.type[1], annot.info) for page in doc for annot in page.annots()]
    parents = [i for i in infos if i[2]["content"] != "確認します"]
    assert len(parents) == 8 and len(infos) == 10  # 2 replies
    by_text = {i[2]["content"]: i for i in parents}
    page, kind, info = by_text["山田太郎の1件目：記載の根拠を示してください。"]
    assert (page, kind, info["title"], info["subject"]) == (1, "Highlight", "山田太郎", "質問")
    assert by_text["佐藤花子の2件目：記載の根拠を示してください。"][1] == "Square"
    assert by_text["山田太郎の3件目：記載の根拠を示してください。"][1] == "Text"
    # Importing the copy finds the same comments (ids from /NM), with their replies.
    back, _ = read_pdf_file(out, packet_sha=sha, packet_name="packet.pdf", page_count=6,
                            page_sizes=[(595.0, 842.0)] * 6)
    assert sorted(a.id for a in back) == sorted(a.id for a in comments)
    original = {a.id: a for a in comments}
    for a in back:
        assert (a.author, a.text, a.category, a.page) == (original[a.id].author, original[a.id].text,
                                                          original[a.id].category, original[a.id].page)
        if original[a.id].kind == "highlight":
            assert a.quote.startswith(original[a.id].quote[:6])
    noted = next(a for a in back if a.extra.get("replies"))
    assert noted.extra["replies"][0]["author"] == "事務局"


def test_xfdf_on_a_cropped_rotated_page_matches_pymupdf(corpus_dir: Path) -> None:
    """XFDF rects are PDF user space; they must land where PyMuPDF puts the same annotation."""
    path = corpus_dir / "annots/pdfpig__cropped-and-rotated.pdf"
    with Packet.open(path) as packet:
        page = packet.doc[0]
        annot = list(page.annots())[0]
        raw = packet.doc.xref_get_key(annot.xref, "Rect")[1].strip("[]").split()
        expected = tuple(round(float(v), 3) for v in annot.rect)
        rotation = page.rotation
        info = PacketInfo(packet.sha256, packet.name, None, packet)
        xfdf = (f'<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><square page="0" rect="{",".join(raw)}" '
                'title="委員"><contents>枠外</contents></square></annots></xfdf>')
        (got,) = parse_xfdf(xfdf.encode(), packet_sha=packet.sha256, packet_name=packet.name,
                            page_matrices=info.page_matrices or [])
    assert rotation == 90 and got.kind == "area"
    assert got.rects[0] == pytest.approx(expected, abs=0.01)


def test_annotated_copy_of_another_document_with_same_layout_is_refused(packet_env: dict[str, object],
                                                                         tmp_path: Path) -> None:
    other = tmp_path / "other.pdf"
    doc = pymupdf.open()
    for _ in range(6):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), "A different document", fontsize=11)
    page.add_text_annot((100, 100), "comment")
    doc.save(other)
    doc.close()
    with Packet.open(Path(str(packet_env["pdf"]))) as packet:
        info = PacketInfo(packet.sha256, packet.name, None, packet)
        with pytest.raises(PackageError) as caught:
            load_file(other, info)
        assert "1ページ目の内容が資料と違います" in caught.value.message_ja
        copy = tmp_path / "member-copy.pdf"
        write_annotated_pdf(packet.path, member_comments(packet.sha256, 3), copy)
        loaded = load_file(copy, info)
    assert loaded.kind == "pdf" and len(loaded.annotations) == 4
    assert {a.author for a in loaded.annotations} == {"高橋美咲"}
