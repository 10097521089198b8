"""Japanese search normalisation with offset maps back to the source text.

Both the page text and the query go through the same steps, so that a member's query matches however
the PDF spells it:

* NFKC: ＡＷＳ = AWS, ｶﾀｶﾅ = カタカナ, ｶﾞ = ガ, ㈱ = (株), ⽇ (Kangxi radical) = 日, full-width digits;
* Latin case folded (``str.casefold``);
* whitespace of every kind (line breaks, U+3000) and invisible characters (zero-width spaces,
  soft hyphens, variation selectors) dropped, so a phrase broken across two lines still matches;
* dash and wave-dash variants folded (‐ – — ― − － → ``-``; 〜 ～ → ``~``);
* optionally hiragana folded to katakana (``kana=True``); that fold is one character to one
  character, so it never changes offsets.

NFKC is applied per *cluster* (a character plus the combining marks that follow it) so that
``ｶ`` + ``ﾞ`` or ``か`` + U+3099 compose; one source character may expand into several normalised
characters (㈱ → ``(株)``). ``starts[k]`` is the index in the source of the cluster that produced
normalised character ``k``; the map is non-decreasing. :func:`source_span` turns a normalised hit
``[start, end)`` back into a source range.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

# Characters that carry no searchable content. Whitespace is handled by str.isspace().
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_WAVES = "\u301c\u223c\uff5e"
_FOLD = {ord(c): "-" for c in _DASHES} | {ord(c): "~" for c in _WAVES}

# Hiragana → katakana (ぁ..ゖ → ァ..ヶ, ゝゞ → ヽヾ): one code point each way, offsets unchanged.
KANA_FOLD: dict[int, int] = {code: code + 0x60 for code in range(0x3041, 0x3097)}
KANA_FOLD[0x309D] = 0x30FD
KANA_FOLD[0x309E] = 0x30FE


def _is_dropped(ch: str) -> bool:
    if ch.isspace() or ch in _INVISIBLE:
        return True
    code = ord(ch)
    # Variation selectors (incl. IVS): 葛 + VS17 must match 葛.
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@lru_cache(maxsize=8192)
def _char_info(ch: str) -> tuple[str, bool]:
    """The normalised form of one character alone, and whether it attaches to the previous one."""
    if _is_dropped(ch):
        return "", False
    norm = unicodedata.normalize("NFKC", ch)
    # Spacing marks (゛ U+309B, ¸) become a space plus a combining mark: they attach too.
    stripped = norm.lstrip()
    attaches = bool(stripped) and unicodedata.combining(stripped[0]) != 0
    return _finish(norm), attaches


def _finish(norm: str) -> str:
    """Case fold, fold dashes, drop whitespace an NFKC expansion may have produced (゛ → ' ゙') and
    compose what that brings together (か + ' ゙' → が) or what case folding took apart (ẗ → t + ̈)."""
    folded = norm.casefold().translate(_FOLD)
    if any(_is_dropped(c) for c in folded):
        folded = "".join(c for c in folded if not _is_dropped(c))
    if not unicodedata.is_normalized("NFC", folded):
        folded = unicodedata.normalize("NFC", folded)
    return folded


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, per normalised character, the source index of the cluster it came from."""

    text: str
    starts: list[int]
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source range ``[s0, s1)`` covering normalised ``[start, end)`` (see :func:`source_span`)."""
        return source_span(self.starts, start, end, self.source_length)


def normalize(s: str, kana: bool = False) -> Normalized:
    """Normalise ``s`` and keep the offset map (see the module docstring)."""
    n = len(s)
    infos = list(map(_char_info, s))  # once per character: a page's text is long
    simple = _one_to_one(infos)
    if simple is not None:  # the usual page: every character maps to at most one, nothing composes
        text = "".join(simple)
        return Normalized(text.translate(KANA_FOLD) if kana else text, list(compress(range(n), simple)), n)
    return _normalize_clusters(s, infos, kana)


def _one_to_one(infos: list[tuple[str, bool]]) -> list[str] | None:
    """Each character's normalised form when none attaches to its neighbour, expands, or starts with a mark (then
    the text is their concatenation and each kept character its own start); None otherwise. C-speed checks: this
    decides for every page of a packet."""
    if any(map(itemgetter(1), infos)):
        return None
    forms = list(map(itemgetter(0), infos))
    for form in set(forms):
        if len(form) > 1 or (form and unicodedata.combining(form)):
            return None
    return forms


def _normalize_clusters(s: str, infos: list[tuple[str, bool]], kana: bool) -> Normalized:
    """:func:`normalize` character by character: clusters of combining marks, expansions, marks cut off."""
    out: list[str] = []
    starts: list[int] = []
    n = len(s)
    i = 0
    while i < n:
        norm = infos[i][0]
        j = i + 1
        # Gather the combining marks that follow (skipping none: a dropped char ends the cluster).
        while j < n and infos[j][1]:
            j += 1
        if j > i + 1:
            norm = _finish(unicodedata.normalize("NFKC", "".join(c for c in s[i:j] if not _is_dropped(c))))
        if norm and out and unicodedata.combining(norm[0]):
            # A mark cut off from its base by a dropped character (R, CR, ¸) meets that base in the output; compose
            # it now, as normalising the output again would, so that normalisation stays idempotent.
            previous = out[-1]
            merged = _finish(unicodedata.normalize("NFKC", previous[-1] + norm))
            base_start = starts.pop()
            out[-1] = previous[:-1]
            norm = merged
            starts.append(base_start)
            starts.extend([i] * (len(norm) - 1))
            out.append(norm)
        elif norm:
            out.append(norm)
            starts.extend([i] * len(norm))
        i = j
    text = "".join(out)
    if kana:
        text = text.translate(KANA_FOLD)
    return Normalized(text, starts, n)


def normalize_with_map(s: str, kana: bool = False) -> tuple[str, list[int]]:
    """``(normalised text, starts)`` where ``starts[k]`` is the source index behind normalised char ``k``."""
    result = normalize(s, kana)
    return result.text, result.starts


def normalize_query(query: str, kana: bool = False) -> str:
    """A query normalised exactly like page text (whitespace in the query is ignored too)."""
    return normalize(query, kana).text


def fold_kana(text: str) -> str:
    """Hiragana → katakana on already normalised text (offsets unchanged)."""
    return text.translate(KANA_FOLD)


def source_span(starts: Sequence[int], start: int, end: int, source_length: int) -> tuple[int, int]:
    """The source range behind normalised ``[start, end)``.

    The end is where the next source cluster begins, so it may include whitespace that was dropped
    after the hit; strip it when showing the text. When the hit ends inside an expanded cluster
    (``株`` of ㈱) the whole source character is covered.
    """
    if not 0 <= start < end <= len(starts):
        raise ValueError(f"bad span [{start}, {end}) for {len(starts)} normalised chars")
    last = starts[end - 1]
    j = end
    while j < len(starts) and starts[j] == last:
        j += 1
    return starts[start], starts[j] if j < len(starts) else source_length


def find_all(haystack: str, needle: str) -> list[int]:
    """Start offsets of the non-overlapping occurrences of ``needle`` (the same count as ``str.count``)."""
    if not needle:
        return []
    found: list[int] = []
    step = len(needle)
    pos = haystack.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = haystack.find(needle, pos + step)
    return found
