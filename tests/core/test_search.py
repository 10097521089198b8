"""Full-text search: index build and cache, width/line-break-insensitive hits, rects, counts, comments."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import cast

import apsw
import pymupdf
import pytest

from reviewer.annotations import Annotation
from reviewer.document import Packet
from reviewer.paths import bundled_font
from reviewer.search import (
    INDEX_VERSION,
    SCHEMA_VERSION,
    PageHit,
    SearchIndex,
    benchmark_queries,
    default_index_path,
    group_hits,
    merge_boxes,
    search_comments,
    search_file,
)
from reviewer.structure.model import Document, Node, Outline

FONT_SIZE = 10.5
LINE = 16.0

# (page index, lines). Page 2 repeats its line 0.3 pt to the right (fake bold). Page 1 holds a two-line table cell: "ガバメント" / "クラウド" wrapped in a box.
PAGES: list[list[str]] = [
    [
        "本システムはＡＷＳ上に構築し、ISMAP登録サービスを利用する。",
        "運用は外部事業者に委託する。委託先の監督を行う。",
        "データはガバメント",
        "クラウドに保管する。",
        "ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ の利用を検討した。",
    ],
    [
        "再委託は行わない。ＩＳＭＡＰのリストに登録されたクラウドサービス。",
        "がばめんとくらうど（ひらがな表記）",
        "㈱テスト　委　託　契約",
    ],
    ["このページには該当語がない。", "見出しも委託も太字"],
    [],
]
CELL_TEXT = "本市はガバメントクラウドを利用し、委託先のAWSを監督する。"


def _write_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    font = str(bundled_font())
    for lines in PAGES:
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="ipa", fontfile=font)
        y = 72.0
        for text in lines:
            page.insert_text((72, y), text, fontname="ipa", fontsize=FONT_SIZE)
            y += LINE
    doc[2].insert_text((72.3, 72 + LINE), "見出しも委託も太字", fontname="ipa", fontsize=FONT_SIZE)
    # A narrow table cell: the phrase wraps inside it.
    page = doc[1]
    cell = pymupdf.Rect(300, 300, 300 + 8 * FONT_SIZE + 4, 420)
    page.draw_rect(cell)
    rc = page.insert_textbox(cell, CELL_TEXT, fontname="ipa", fontsize=FONT_SIZE)
    assert rc >= 0
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_pdf(tmp_path_factory.mktemp("search") / "search-test.pdf")


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return SearchIndex(tmp_path / "search-index.db")


@pytest.fixture
def built(pdf: Path, index: SearchIndex) -> tuple[SearchIndex, str]:
    with Packet.open(pdf) as packet:
        assert index.build(packet)
        return index, packet.sha256


def _independent_count(text: str, query: str) -> int:
    """A simpler normalisation of page.get_text(): whole-string NFKC, lower(), all whitespace removed."""
    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).lower())
    return norm(text).count(norm(query))


def test_half_width_query_finds_full_width_text_and_back(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    aws = index.search(sha, "AWS")
    assert [(h.page, h.match) for h in aws] == [(0, "ＡＷＳ"), (1, "AWS")]
    ismap = index.search(sha, "ＩＳＭＡＰ")  # full-width query, half-width and full-width text
    assert [(h.page, h.match) for h in ismap] == [(0, "ISMAP"), (1, "ＩＳＭＡＰ")]
    lower = index.search(sha, "ismap")
    assert len(lower) == 2
    kata = index.search(sha, "ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ")  # half-width katakana query
    assert {h.match for h in kata} >= {"ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ", "ガバメントクラウド"}


def test_rects_match_the_words_on_the_page(pdf: Path, built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    [hit] = [h for h in index.search(sha, "ismap") if h.page == 0]
    with pymupdf.open(pdf) as doc:
        [expected] = doc[0].search_for("ISMAP")
    assert len(hit.rects) == 1
    x0, y0, x1, y1 = hit.rects[0]
    assert abs(x0 - expected.x0) < 1.0 and abs(x1 - expected.x1) < 1.0
    assert y0 < expected.y1 and y1 > expected.y0


def test_phrase_broken_across_a_line_break_is_found(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    hits = index.search(sha, "ガバメントクラウド")
    pages = [h.page for h in hits]
    # page 0: broken across lines 3-4 and the half-width spelling; page 1: wrapped in the table cell
    assert pages.count(0) == 2
    assert pages.count(1) == 1
    broken = hits[0]
    assert broken.match == "ガバメントクラウド"
    assert len(broken.rects) == 2  # one rect per line
    first, second = broken.rects
    assert second[1] > first[1] + LINE / 2
    cell_hit = [h for h in hits if h.page == 1][0]
    assert len(cell_hit.rects) == 2
    assert all(300 <= r[0] and r[2] <= 300 + 8 * FONT_SIZE + 4 for r in cell_hit.rects)
    assert "【ガバメントクラウド】" in cell_hit.snippet


def test_two_character_word_is_found(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    hits = index.search(sha, "委託")
    by_page = [h.page for h in hits]
    # page 0: 委託する, 委託先; page 1: 再委託, 委　託 (ideographic space), cell 委託先;
    # page 2: once, although drawn twice (fake bold)
    assert by_page == [0, 0, 1, 1, 1, 2]
    spaced = [h for h in hits if h.match.startswith("委\u3000")]
    assert len(spaced) == 1 and "【委\u3000託】\u3000契約" in spaced[0].snippet
    assert index.count(sha, "委託") == 6
    assert index.search(sha, "委託", limit=2) == hits[:2]
    assert index.search(sha, "株")[0].match == "㈱"


def test_counts_equal_an_independent_count_from_page_text(pdf: Path, built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    with pymupdf.open(pdf) as doc:
        texts = [_dict_text_without_overprint(page) for page in doc]
    for query in ("委託", "ガバメントクラウド", "AWS", "ｸﾗｳﾄﾞ", "する。", "リスト", "の", "ない"):
        expected = sum(_independent_count(t, query) for t in texts)
        assert len(index.search(sha, query)) == expected, query
        assert index.count(sha, query) == expected, query


def test_kana_option_folds_hiragana_to_katakana(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    assert [h.match for h in index.search(sha, "がばめんとくらうど")] == ["がばめんとくらうど"]
    folded = index.search(sha, "がばめんとくらうど", kana=True)
    # page 0: line-broken and half-width; page 1: hiragana and the table cell
    assert [h.page for h in folded] == [0, 0, 1, 1]
    assert "がばめんとくらうど" in {h.match for h in folded}
    assert len(index.search(sha, "ガバメントクラウド", kana=True)) == 4
    assert len(index.search(sha, "ガバメントクラウド")) == 3


def test_empty_and_absent_queries(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    assert index.search(sha, "") == []
    assert index.search(sha, "　\n ") == []
    assert index.search(sha, "存在しない語句") == []
    assert index.search(sha, "鬱") == []


@pytest.mark.parametrize("query", ['"', '"委託"', "OR", "AND 委託", "a*b", "(委託)", "NEAR(", "-", "'", "%", "_"])
def test_fts_syntax_in_queries_is_literal(built: tuple[SearchIndex, str], query: str) -> None:
    index, sha = built
    assert index.search(sha, query) == []


def test_fts_and_scan_paths_agree(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    for query in ("クラウド", "登録サービス", "aws上"):
        pages_fts = index.candidate_pages(sha, query)
        q_norm = query.lower()
        cached = [p.norm for p in index.load_pages(sha, [0, 1, 2])]
        assert cached[1] == index.load_page(sha, 1).norm
        expected = [p for p, text in enumerate(cached) if q_norm in text]
        assert pages_fts == expected, query


def test_build_is_cached_by_sha256(pdf: Path, tmp_path: Path) -> None:
    db = tmp_path / "idx.db"
    calls: list[tuple[int, int]] = []
    with Packet.open(pdf) as packet, SearchIndex(db) as index:
        assert not index.is_built(packet.sha256)
        assert index.build(packet, progress=lambda done, total: calls.append((done, total)))
        sha = packet.sha256
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    calls.clear()
    with Packet.open(pdf) as packet, SearchIndex(db) as index:
        assert index.is_built(sha)
        assert index.build(packet, progress=lambda done, total: calls.append((done, total)))
        assert calls == [(4, 4)]  # nothing re-read
        assert len(index.search(sha, "委託")) == 6
        assert index.pages_without_text(sha) == [3]
        assert index.page_labels(sha) == ["1", "2", "3", "4"]
        [info] = index.packets()
        assert info["sha256"] == sha and info["page_count"] == 4 and info["version"] == INDEX_VERSION
        assert index.conn.execute("PRAGMA user_version").fetchall()[0][0] == SCHEMA_VERSION


def test_cancelled_build_keeps_nothing(pdf: Path, index: SearchIndex) -> None:
    seen: list[int] = []
    with Packet.open(pdf) as packet:
        ok = index.build(packet, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 1)
        assert ok is False
        assert not index.is_built(packet.sha256)
        assert index.conn.execute("SELECT count(*) FROM pages").fetchall()[0][0] == 0
        assert index.build(packet)
        assert index.is_built(packet.sha256)


def test_forget_and_prune(pdf: Path, index: SearchIndex) -> None:
    with Packet.open(pdf) as packet:
        index.build(packet)
        assert index.prune(keep=1) == []
        assert index.prune(keep=0) == [packet.sha256]
        assert not index.is_built(packet.sha256)
        assert index.conn.execute("SELECT count(*) FROM pages").fetchall()[0][0] == 0
        assert index.conn.execute("PRAGMA auto_vacuum").fetchall()[0][0] == 2  # incremental


def test_connection_factory_is_used(pdf: Path, tmp_path: Path) -> None:
    opened: list[Path] = []

    def factory(path: Path) -> apsw.Connection:
        opened.append(path)
        return apsw.Connection(str(path))

    with SearchIndex(tmp_path / "x.db", connection_factory=factory) as index, Packet.open(pdf) as packet:
        index.build(packet)
        assert len(index.search(packet.sha256, "AWS")) == 2
    assert opened == [tmp_path / "x.db"]


def test_newer_schema_is_recreated(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    conn = apsw.Connection(str(db))
    conn.execute("CREATE TABLE packets (x); PRAGMA user_version=99")
    conn.close()
    with SearchIndex(db) as index:
        assert index.conn.execute("PRAGMA user_version").fetchall()[0][0] == SCHEMA_VERSION
        assert index.packets() == []


def test_outline_gives_sections(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    nodes = [
        Node("chapter", "Ⅲ", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策", 0, 30.0),
        Node("section", "4", "特定個人情報ファイルの取扱いの委託", 0, 40.0),
        Node("risk", "1", "委託先による特定個人情報の不正入手・使用・提供に関するリスク", 0, 50.0),
        Node("risk", "2", "不正な提供・移転が行われるリスク", 1, 0.0),
    ]
    outline = Outline(
        sha256=sha, pages=3, page_labels=["1", "2", "3"],
        documents=[Document("住民基本台帳に関する事務 全項目評価書", "全項目評価書", 0, 2, nodes)],
    )
    hits = index.search(sha, "委託", outline=outline)
    assert hits[0].section == "Ⅲ 4. リスク1"
    assert hits[0].document_index == 0
    assert hits[0].document_title.startswith("住民基本台帳")
    assert [h.section for h in hits] == ["Ⅲ 4. リスク1"] * 2 + ["Ⅲ 4. リスク2"] * 4
    groups = group_hits(hits)
    assert [(g.document_index, g.section, len(g.hits)) for g in groups] == [(0, "Ⅲ 4. リスク1", 2), (0, "Ⅲ 4. リスク2", 4)]
    assert groups[1].hits[0] is hits[2]
    assert [h.page_label for h in hits] == ["1", "1", "2", "2", "2", "3"]


def test_unindexed_packet_is_an_error(index: SearchIndex) -> None:
    from reviewer.errors import ReviewerError

    with pytest.raises(ReviewerError):
        index.search("0" * 64, "委託")


def test_merge_boxes_per_line_and_vertical() -> None:
    row = [(10.0 * i, 0.0, 10.0 * i + 10, 10.0) for i in range(3)]
    nxt = [(0.0, 20.0, 10.0, 30.0), (10.0, 20.0, 20.0, 30.0)]
    assert merge_boxes(row + nxt) == [(0.0, 0.0, 30.0, 10.0), (0.0, 20.0, 20.0, 30.0)]
    column = [(100.0, 10.0 * i, 110.0, 10.0 * i + 10) for i in range(4)]
    assert merge_boxes(column) == [(100.0, 0.0, 110.0, 40.0)]
    assert merge_boxes([]) == []


def test_search_comments(pdf: Path) -> None:
    def ann(text: str, quote: str = "", author: str = "委員A", origin: str = "own") -> Annotation:
        return Annotation(
            file_sha256="x", file_name="p.pdf", page=3, page_label="12", kind="highlight",
            rects=[(0.0, 0.0, 1.0, 1.0)], category="質問", text=text, author=author, quote=quote, origin=origin,
        )

    comments = [
        ann("ＡＷＳとの契約内容を確認したい。委託\n先の監督は？", quote="委託先"),
        ann("特になし", author="佐藤", origin="imported"),
        ann("aws の ISMAP 登録状況", origin="imported"),
    ]
    hits = search_comments(comments, "aws")
    assert [(h.annotation_id, h.field, h.match) for h in hits] == [
        (comments[0].id, "text", "ＡＷＳ"), (comments[2].id, "text", "aws"),
    ]
    assert hits[1].origin == "imported" and hits[1].page_label == "12"
    itaku = search_comments(comments, "委託先")
    assert [(h.field, h.occurrences) for h in itaku] == [("text", 1), ("quote", 1)]
    assert itaku[0].snippet.endswith("【委託先】の監督は？")
    assert [h.field for h in search_comments(comments, "さとう", kana=True)] == []
    assert [h.field for h in search_comments(comments, "佐藤")] == ["author"]
    assert search_comments(comments, " ") == []


def test_search_file_contract(pdf: Path, isolated_profile: Path) -> None:
    result = search_file(pdf, "委託")
    assert result["query"] == "委託"
    assert result["count"] == 6 == len(result["hits"])
    first = result["hits"][0]
    assert set(first) >= {"page", "page_label", "section", "rects", "snippet"}
    assert first["page"] == 0 and first["page_label"] == "1"
    assert all(len(r) == 4 for r in first["rects"])
    assert "【委託】" in first["snippet"]
    assert default_index_path().is_file()
    assert default_index_path().parent == isolated_profile


def test_benchmark_queries(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    result = benchmark_queries(index, sha, ["委託", "ガバメントクラウド"], repeats=3)
    assert result["委託"]["count"] == 6
    assert result["ガバメントクラウド"]["median_ms"] >= 0.0
    assert result["委託"]["panel_median_ms"] >= 0.0 and result["委託"]["full_median_ms"] >= 0.0


def test_encrypted_packet_is_searchable(corpus_dir: Path, index: SearchIndex) -> None:
    path = corpus_dir / "encrypted" / "pdfpig__encrypted-password-is-password.pdf"
    with Packet.open(path, password="password") as packet:
        assert index.build(packet)
        words = packet.page_text(0).split()
        sha = packet.sha256
    assert words, "expected text in the decrypted file"
    assert len(index.search(sha, words[0])) >= 1


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("ja/saka1029__BESI21_6.pdf", ["リハビリテーション", "本人", "■", "ADL", "月"]),
        ("ja/aurochs__courts-hanrei-87071.pdf", ["被告", "原告", "判決", "平成", "第1"]),
        ("ja/aurochs__grib2_manual.pdf", ["ＧＲＩＢ", "grib2", "気象庁", "表"]),
    ],
)
def test_corpus_counts_equal_independent_count(
    corpus_dir: Path, index: SearchIndex, name: str, queries: list[str]
) -> None:
    path = corpus_dir / name
    with Packet.open(path) as packet:
        assert index.build(packet)
        sha = packet.sha256
        texts = [packet.page_text(i) for i in range(packet.page_count)]
    for query in queries:
        expected = sum(_independent_count(t, query) for t in texts)
        got = index.search(sha, query)
        assert len(got) == expected, (query, len(got), expected)
        assert all(h.rects for h in got)


def _dict_text_without_overprint(page: pymupdf.Page) -> str:
    """Page text from the "dict" extraction, skipping lines drawn twice over themselves (fake bold)."""
    kept: list[tuple[str, tuple[float, ...]]] = []
    out: list[str] = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"])
            bbox = tuple(line["bbox"])
            if any(t == text and max(abs(a - b) for a, b in zip(bb, bbox, strict=True)) < 1.5 for t, bb in kept):
                continue
            kept.append((text, bbox))
            out.append(text)
    return "\n".join(out)


def test_sample_packet_search(request: pytest.FixtureRequest, index: SearchIndex) -> None:
    try:
        from reviewer.samples.phrases import BROKEN_PHRASE
    except ImportError:
        pytest.skip("sample generator not written yet")
    pdf_path, truth = request.getfixturevalue("small_packet")
    with Packet.open(pdf_path) as packet:
        assert index.build(packet)
        sha = packet.sha256
        texts = [_dict_text_without_overprint(packet.doc[i]) for i in range(packet.page_count)]
        literal = sum(len(packet.doc[i].search_for(BROKEN_PHRASE[0] + BROKEN_PHRASE[1][:4]))
                      for i in range(packet.page_count))
    for query in ("委託", "特定個人情報", "リスク1", "ガバメントクラウド", "ISMAP", "ｱｸｾｽ"):
        expected = sum(_independent_count(t, query) for t in texts)
        assert len(index.search(sha, query)) == expected, query
    # The phrase the generator always breaks across two lines of a cell: PyMuPDF's search misses it.
    broken = index.search(sha, BROKEN_PHRASE[0] + BROKEN_PHRASE[1][:4], outline=cast(Outline, truth))
    assert broken and literal == 0
    assert all(len(h.rects) == 2 for h in broken)
    assert all(h.section and h.document_title for h in broken)


def test_build_in_a_worker_thread_while_searching(pdf: Path, tmp_path: Path) -> None:
    import shutil
    import threading

    db = tmp_path / "shared.db"
    other = tmp_path / "other.pdf"
    shutil.copy(pdf, other)
    with open(other, "ab") as handle:
        handle.write(b"\n% another file\n")  # same pages, another SHA-256
    reader = SearchIndex(db)
    with Packet.open(pdf) as packet:
        reader.build(packet)
        sha = packet.sha256
    errors: list[BaseException] = []
    result: dict[str, object] = {}

    def work() -> None:
        try:
            with Packet.open(other) as packet, SearchIndex(db) as writer:
                result["ok"] = writer.build(packet)
                result["sha"] = packet.sha256
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    searched = 0
    while worker.is_alive() or searched == 0:
        assert len(reader.search(sha, "委託")) == 6
        searched += 1
    worker.join()
    assert not errors and result["ok"] is True
    # Hits found in one thread read their geometry lazily from another: the connection is locked.
    lazy_hits = reader.search(sha, "委託")
    seen: list[int] = []

    def touch() -> None:
        try:
            seen.extend(len(h.rects) for h in lazy_hits)
        except BaseException as exc:
            errors.append(exc)

    toucher = threading.Thread(target=touch)
    toucher.start()
    for _ in range(20):
        reader.search(sha, "クラウド")
    toucher.join()
    assert not errors and len(seen) == 6 and all(seen)
    eager = reader.search(sha, "委託", eager=True)
    reader.close()
    assert [len(h.rects) for h in eager] == seen  # no database needed any more
    assert all("委託" in h.snippet or "委　託" in h.snippet for h in eager)
    reader = SearchIndex(db)
    other_sha = str(result["sha"])
    assert other_sha != sha
    assert reader.is_built(other_sha)
    assert len(reader.search(other_sha, "ガバメントクラウド")) == 3
    reader.close()


# --- the lazy paths the search panel uses (HitList, prepare_panel) ---------------------------------------------


def _eager_by_page(hits: list[PageHit]) -> dict[int, list[tuple[float, float, float, float]]]:
    by_page: dict[int, list[tuple[float, float, float, float]]] = {}
    for hit in hits:
        by_page.setdefault(hit.page, []).extend(hit.rects)
    return by_page


def test_hit_list_matches_search_and_rects_on_demand_equal_eager(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    for query in ("委託", "ガバメントクラウド", "AWS", "の"):
        eager = index.search(sha, query, eager=True)
        found = index.find(sha, query)
        assert len(found) == found.total == len(eager) == index.count(sha, query), query
        assert [(h.page, h.start, h.end) for h in found] == [(h.page, h.start, h.end) for h in eager]
        assert found.pages() == sorted({h.page for h in eager})
        # rects computed per page on demand equal the hits' own (eager) rects, in hit order
        expected = _eager_by_page(eager)
        assert found.computed_rects() == {}
        for page in found.pages():
            assert found.page_rects(page) == expected[page], (query, page)
        assert found.all_rects() == expected
        for number, hit in enumerate(eager):
            page, first, count = found.rect_span(number)
            assert page == hit.page
            assert expected[page][first:first + len(hit.rects)] == hit.rects
            assert count == len(hit.rects)
            assert found[number].rects == hit.rects and found[number].snippet == hit.snippet
            x0, y0, x1, y1 = found.hit_bounds(number)
            assert x0 == min(r[0] for r in hit.rects) and y1 == max(r[3] for r in hit.rects)
    broken = index.find(sha, "ガバメントクラウド")
    assert broken.rect_span(1)[:2] == (0, 2)  # the first hit on page 0 spans two lines: two rects before it
    assert broken.rect_span(0) == (0, 0, 2)  # current on both lines
    assert broken[-1].page == 1 and [h.page for h in broken[0:2]] == [0, 0]
    with pytest.raises(IndexError):
        broken[len(broken)]
    assert not index.find(sha, "存在しない語句") and len(index.find(sha, " ")) == 0


def test_hit_list_limit_and_kana(built: tuple[SearchIndex, str]) -> None:
    index, sha = built
    assert [(h.page, h.start) for h in index.find(sha, "委託", limit=3)] == [
        (h.page, h.start) for h in index.search(sha, "委託")[:3]]
    assert len(index.find(sha, "委託", limit=0)) == 0
    assert len(index.find(sha, "がばめんとくらうど", kana=True)) == 4


def test_hit_list_sections_and_report_rows_follow_the_outline(
    request: pytest.FixtureRequest, index: SearchIndex
) -> None:
    pdf_path, truth = request.getfixturevalue("small_packet")
    outline = cast(Outline, truth)
    with Packet.open(pdf_path) as packet:
        assert index.build(packet)
        sha = packet.sha256
    index.warm(sha, outline=outline)
    for query in ("委託", "リスク", "特定個人情報"):
        found = index.find(sha, query, outline=outline)
        hits = list(found)
        assert hits
        for number, hit in enumerate(hits):
            location = outline.locate(hit.page, hit.top)  # the reference: Outline.locate, heading by heading
            assert (hit.document_index, hit.document_title, hit.section) == (
                location.document_index, location.document_title, location.section_label()), (query, number)
            assert found.place(number) == (hit.document_index, hit.document_title, hit.section)
        reports = found.report_rows()
        assert sum(r.count for r in reports) == len(found)
        seen: list[int] = []
        for report in reports:
            assert sum(s.count for s in report.sections) == report.count
            for section in report.sections:
                numbers = [section.hit_at(row) for row in range(section.count)]
                assert all(found.place(n) == (report.document_index, report.document_title, section.section)
                           for n in numbers)
                assert [section.row_of(n) for n in numbers] == list(range(section.count))
                seen += numbers
        assert sorted(seen) == list(range(len(found)))
        # the same grouping as group_hits where groups are consecutive
        assert [(g.document_index, g.section) for g in group_hits(hits)][0] == (
            reports[0].document_index, reports[0].sections[0].section)


def test_prepare_panel_computes_only_what_is_on_screen(
    request: pytest.FixtureRequest, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reviewer.search.panel_rows as search

    pdf_path, truth = request.getfixturevalue("small_packet")
    with Packet.open(pdf_path) as packet:
        assert index.build(packet)
        sha = packet.sha256
    found = index.find(sha, "委託", outline=cast(Outline, truth))
    assert len(found) > search.PANEL_EAGER_HITS // 4
    monkeypatch.setattr(search, "PANEL_EAGER_HITS", 0)
    last_page = found.page_of(len(found) - 1)
    search.prepare_panel(found, around_page=last_page, rows=5)
    computed = set(found.computed_rects())
    expected = set(found.pages_near(found.page_of(0), search.NEAR_BEFORE, search.NEAR_AFTER))
    expected |= set(found.pages_near(last_page, search.NEAR_BEFORE, search.NEAR_AFTER))
    assert computed == expected and len(computed) < len(found.pages())
    assert all(found[n]._parts is not None for n in range(5)) and found[len(found) - 1]._parts is None
    # the last hit, computed on demand, equals its eager rects
    eager = index.search(sha, "委託", eager=True)
    assert found[len(found) - 1].rects == eager[-1].rects
    monkeypatch.setattr(search, "PANEL_EAGER_HITS", 10**6)
    few = index.find(sha, "委託")
    search.prepare_panel(few)
    assert set(few.computed_rects()) == set(few.pages())


def test_search_groups_read_like_the_form_and_keep_each_files_chapter_apart() -> None:
    """「Ⅱ-6」「Ⅲ-7 リスク1」 were hard to read, and the two Ⅱ of one report merged into one group (issue #13)."""
    from reviewer.structure.model import Location, Node

    chapter_a = Node("chapter", "Ⅱ", "特定個人情報ファイルの概要", 3, 40, file="住民基本台帳ファイル")
    chapter_b = Node("chapter", "Ⅱ", "特定個人情報ファイルの概要", 9, 40, file="本人確認情報ファイル")
    section_a = Node("section", "6", "特定個人情報の保管・消去", 5, 80, file="住民基本台帳ファイル")
    section_b = Node("section", "6", "特定個人情報の保管・消去", 11, 80, file="本人確認情報ファイル")
    a = Location(0, "住民基本台帳に関する事務 全項目評価書", chapter_a, section_a, None).section_label()
    b = Location(0, "住民基本台帳に関する事務 全項目評価書", chapter_b, section_b, None).section_label()
    assert a == "Ⅱ（住民基本台帳ファイル） 6. 特定個人情報の保管・消去"
    assert b == "Ⅱ（本人確認情報ファイル） 6. 特定個人情報の保管・消去"
    risk = Node("risk", "1", "特定個人情報の漏えい・滅失・毀損リスク", 20, 200, file="住民基本台帳ファイル")
    chapter = Node("chapter", "Ⅲ", "リスク対策", 18, 40, file="住民基本台帳ファイル")
    section = Node("section", "7", "特定個人情報の保管・消去", 20, 100, file="住民基本台帳ファイル")
    assert Location(0, "", chapter, section, risk).section_label() == "Ⅲ（住民基本台帳ファイル） 7. リスク1"
