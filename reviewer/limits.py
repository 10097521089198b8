"""Limits on what a file may bring in, and the text cleaning every writer applies.

One place for the numbers, so the importer, the readers and the writers agree:

* :data:`MAX_COMMENT_CHARS` bounds a comment, a reply, the chair's sheet wording and a department answer;
  :func:`check_comment_text` and :func:`check_annotation` raise :class:`LimitError` with a clear message.
* :data:`MAX_ANNOTATIONS_PER_IMPORT` bounds one imported file; :func:`check_annotation_count`.
* :func:`clean_text` is the documented cleaning of text written to xlsx, docx, PDF and CSV: lone surrogates
  become U+FFFD, ``\\r\\n`` and ``\\r`` become ``\\n``, and the characters XML 1.0 cannot carry are removed:
  the C0 control characters except tab and newline (``\\x00 \\x07 \\x1b \\x0c`` …) and U+FFFE/U+FFFF.
* :func:`csv_safe` neutralises a field a spreadsheet would run as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from reviewer.errors import ReviewerError

MAX_COMMENT_CHARS = 20_000
MAX_ANNOTATIONS_PER_IMPORT = 50_000
MAX_REPLIES_PER_COMMENT = 1_000
#: Quads (highlighted lines) of one text-markup annotation.
MAX_QUADS_PER_ANNOTATION = 10_000
#: A page whose content, with every form XObject expanded as often as it is drawn, exceeds this many bytes
#: is not read (reviewer.document). Real pages stay far below (a dense A3 drawing: a few MB).
MAX_PAGE_WORK_BYTES = 64 << 20
#: Seconds of text extraction one opened packet may spend; pages after that are not read.
PACKET_TEXT_SECONDS = 600.0
#: Coordinates beyond this many points (a PDF page is at most 14,400 pt wide) are refused on read.
MAX_COORDINATE = 100_000.0
#: Characters that make a spreadsheet read a cell as a formula (OWASP's list: tab and CR too; CR becomes LF
#: when cleaned, so LF as well).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


class LimitError(ReviewerError):
    """Input beyond one of the limits of this module."""


def clean_text(text: str) -> str:
    """``text`` made safe for xlsx/docx/PDF/CSV (see the module docstring for exactly what changes)."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def storable(text: str) -> str:
    """``text`` with lone surrogates (which no file or database encoding can hold) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def clean_answer(text: str) -> str:
    """A department answer read from a returned sheet, kept as typed but storable: lone surrogates become
    U+FFFD and the C0 control characters other than tab, CR and LF are removed."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(lambda m: m.group() if m.group() == "\r" else "", text))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` typed into a cell as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def csv_safe(value: object) -> object:
    """A CSV field that a spreadsheet shows as text: cleaned, and prefixed with ``'`` when formula-like.

    Numbers are left as they are. The writer must also quote every field (``csv.QUOTE_ALL``).
    """
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if is_formula_like(text) else text


_EN_WHAT: dict[str, str] = {"コメント": "comment", "意見一覧の文言": "wording for the comment sheet",
                             "所管課の回答": "department's answer", "返信": "reply"}


def check_comment_text(text: str, what: str = "コメント", where: str = "") -> None:
    """Raise :class:`LimitError` when ``text`` is longer than :data:`MAX_COMMENT_CHARS`."""
    if len(text) > MAX_COMMENT_CHARS:
        at = f"{where}の" if where else ""
        raise LimitError(
            f"{at}{what}が長すぎます（{len(text):,}文字、上限 {MAX_COMMENT_CHARS:,}文字）",
            f"{where + ': ' if where else ''}The {_EN_WHAT.get(what, 'text')} is too long "
            f"({len(text):,} characters; the limit is {MAX_COMMENT_CHARS:,}).",
        )


def check_annotation_count(count: int, source: str = "") -> None:
    """Raise :class:`LimitError` when one file brings more than :data:`MAX_ANNOTATIONS_PER_IMPORT` comments."""
    if count > MAX_ANNOTATIONS_PER_IMPORT:
        name = f"「{source}」" if source else "ファイル"
        raise LimitError(
            f"{name}の注釈が多すぎます（{count:,}件、上限 {MAX_ANNOTATIONS_PER_IMPORT:,}件）。何も取り込んでいません",
            f"{'“' + source + '”' if source else 'The file'} has too many comments ({count:,}; the limit is "
            f"{MAX_ANNOTATIONS_PER_IMPORT:,}). Nothing was imported.",
        )


def _replies(extra: Mapping[str, Any]) -> Iterable[Any]:
    replies = extra.get("replies")
    return replies if isinstance(replies, list) else ()


def check_annotation(annotation: Any, where: str = "") -> None:
    """Check the text fields of one comment (text, sheet wording, answer, replies) against the limits.

    ``annotation`` is a :class:`reviewer.annotations.Annotation` (typed loosely to keep this module free of
    imports the importer may not want).
    """
    check_comment_text(str(annotation.text or ""), "コメント", where)
    if annotation.sheet_text is not None:
        check_comment_text(str(annotation.sheet_text), "意見一覧の文言", where)
    if annotation.answer is not None:
        check_comment_text(str(annotation.answer), "所管課の回答", where)
    replies = list(_replies(annotation.extra or {}))
    if len(replies) > MAX_REPLIES_PER_COMMENT:
        raise LimitError(
            f"{where}の返信が多すぎます（{len(replies):,}件、上限 {MAX_REPLIES_PER_COMMENT:,}件）",
            f"{where + ': ' if where else ''}The comment has too many replies ({len(replies):,}; the limit is "
            f"{MAX_REPLIES_PER_COMMENT:,}).",
        )
    for reply in replies:
        if isinstance(reply, Mapping):
            check_comment_text(str(reply.get("text", "")), "返信", where)
