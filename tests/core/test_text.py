"""Search normalisation: NFKC, width, case, whitespace, kana, and the offset map back to the source."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reviewer.text import (
    find_all,
    fold_kana,
    normalize,
    normalize_query,
    normalize_with_map,
    source_span,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ＡＷＳ", "aws"),
        ("ISMAP", "ismap"),
        ("ｶﾞﾊﾞﾒﾝﾄ ｸﾗｳﾄﾞ", "ガバメントクラウド"),
        ("ガバメント\nクラウド", "ガバメントクラウド"),
        ("委\u3000託", "委託"),
        ("１２３４", "1234"),
        ("㈱", "(株)"),
        ("⽇本", "日本"),  # Kangxi radical U+2F47
        ("か\u3099", "が"),  # decomposed dakuten composes
        ("か゛", "が"),  # spacing dakuten (U+309B) after a kana
        ("ﾊﾟ", "パ"),
        ("C¸", "ç"),
        ("葛\U000e0100城", "葛城"),  # ideographic variation selector dropped
        ("ゼロ\u200b幅", "ゼロ幅"),
        ("10〜20", "10~20"),
        ("10～20", "10~20"),
        ("Ａ－Ｂ", "a-b"),
        ("A\u2212B", "a-b"),
        ("Straße", "strasse"),
    ],
)
def test_normalize_examples(source: str, expected: str) -> None:
    assert normalize_query(source) == expected


def test_kana_fold_is_optional_and_one_to_one() -> None:
    assert normalize_query("がばめんと") == "がばめんと"
    assert normalize_query("がばめんと", kana=True) == "ガバメント"
    assert normalize_query("ゝ", kana=True) == "ヽ"
    text = "ひらがなとカタカナ"
    assert len(fold_kana(text)) == len(text)
    assert fold_kana(text) == "ヒラガナトカタカナ"


def test_map_points_at_the_source_characters() -> None:
    source = "㈱ＡＷＳ\n委\u3000託"
    text, starts = normalize_with_map(source)
    assert text == "(株)aws委託"
    assert starts == [0, 0, 0, 1, 2, 3, 5, 7]
    norm = normalize(source)
    # "aws" → "ＡＷＳ"
    s0, s1 = norm.source_span(3, 6)
    assert source[s0:s1].rstrip() == "ＡＷＳ"
    # "委託" spans the ideographic space: the source range covers both characters
    s0, s1 = norm.source_span(6, 8)
    assert source[s0:s1] == "委\u3000託"
    # "株" is inside the expansion of ㈱: the whole source character is covered
    s0, s1 = norm.source_span(1, 2)
    assert source[s0:s1] == "㈱"


def test_source_span_rejects_bad_ranges() -> None:
    with pytest.raises(ValueError):
        source_span([0, 1], 1, 1, 2)
    with pytest.raises(ValueError):
        source_span([0, 1], 0, 3, 2)


def test_find_all_is_non_overlapping_like_count() -> None:
    assert find_all("ああああ", "ああ") == [0, 2]
    assert find_all("委託と委託", "委託") == [0, 3]
    assert find_all("abc", "") == []


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc")),
        st.sampled_from(list("ｶﾞﾊﾟ゛゜㈱①ＡＷＳ\u3000\n\u3099\u309a\u200bがギ\U000e0100")),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.booleans())
def test_map_is_monotonic_and_in_range(source: str, kana: bool) -> None:
    norm = normalize(source, kana)
    assert len(norm.starts) == len(norm.text)
    assert all(0 <= i < len(source) for i in norm.starts)
    assert all(a <= b for a, b in zip(norm.starts, norm.starts[1:], strict=False))
    assert not any(ch.isspace() for ch in norm.text)
    # Every normalised substring maps back to a non-empty source range in order.
    for start in range(len(norm.text)):
        s0, s1 = norm.source_span(start, min(len(norm.text), start + 3))
        assert 0 <= s0 < s1 <= len(source)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
@example("R\r¸")  # a spacing mark cut off from its base by a dropped character (found by hypothesis)
@example("T¨")  # case folding takes ẗ apart again (t + U+0308): composed afterwards (found by hypothesis)
def test_normalisation_is_idempotent_and_agrees_with_whole_string_nfkc(source: str) -> None:
    once = normalize_query(source)
    assert normalize_query(once) == once
    # For text without combining marks, per-character NFKC equals NFKC of the whole string.
    if not any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", source)):
        whole = "".join(c for c in unicodedata.normalize("NFKC", source).casefold() if not c.isspace())
        assert once == normalize_query(whole)


@given(st.text(max_size=30), st.text(min_size=1, max_size=4))
def test_query_found_in_text_that_contains_it(prefix: str, needle: str) -> None:
    q = normalize_query(needle)
    page = normalize_query(prefix + needle + "ですます")
    if q and not unicodedata.combining(q[0]):
        assert q in page


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.booleans())
@example("ＡＷＳ の\u3000クラウド\n委託先", False)
@example("か\u3099ｶﾞ㈱Straße", True)
def test_the_one_to_one_fast_path_agrees_with_the_cluster_walk(source: str, kana: bool) -> None:
    from reviewer.text import _char_info, _normalize_clusters

    fast = normalize(source, kana)
    slow = _normalize_clusters(source, list(map(_char_info, source)), kana)
    assert (fast.text, fast.starts, fast.source_length) == (slow.text, slow.starts, slow.source_length)
