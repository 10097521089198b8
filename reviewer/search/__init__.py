"""Full-text search over a packet, split by job:

* :mod:`reviewer.search.extract` — each page's searchable text (normalised, with source offsets and boxes);
* :mod:`reviewer.search.index` — the cached per-page index (SQLite via APSW), queries, the CLI's
  :func:`search_file`;
* :mod:`reviewer.search.hits` — a query's hits (:class:`HitList`: exact count and sections at once, rects
  and snippets on demand), their grouping, and comment search;
* :mod:`reviewer.search.panel_rows` — what the search panel computes in its search thread.

:meth:`SearchIndex.find` returns a :class:`HitList`; :meth:`SearchIndex.search` gives the same hits as a list
of :class:`PageHit` (the CLI's JSON computes all their rects). The names below are re-exported so that
``from reviewer.search import …`` keeps working.
"""

from __future__ import annotations

from reviewer.search.extract import SNIPPET_CONTEXT, PageText, Rect, extract_page, merge_boxes
from reviewer.search.hits import (
    PAGE_TEXT_CACHE,
    CommentHit,
    HitGroup,
    HitList,
    PageHit,
    Place,
    ReportRows,
    SectionRows,
    group_hits,
    search_comments,
)
from reviewer.search.index import (
    INDEX_FILE,
    INDEX_VERSION,
    SCHEMA_VERSION,
    ConnectionFactory,
    ProgressCallback,
    SearchIndex,
    benchmark_queries,
    default_index_path,
    search_file,
)
from reviewer.search.panel_rows import (
    NEAR_AFTER,
    NEAR_BEFORE,
    PANEL_EAGER_HITS,
    PANEL_PREFETCH_ROWS,
    prepare_panel,
)

__all__ = [
    "INDEX_FILE", "INDEX_VERSION", "NEAR_AFTER", "NEAR_BEFORE", "PAGE_TEXT_CACHE",
    "PANEL_EAGER_HITS", "PANEL_PREFETCH_ROWS", "SCHEMA_VERSION", "SNIPPET_CONTEXT", "CommentHit",
    "ConnectionFactory", "HitGroup", "HitList", "PageHit", "PageText", "Place", "ProgressCallback", "Rect",
    "ReportRows", "SearchIndex", "SectionRows", "benchmark_queries", "default_index_path", "extract_page",
    "group_hits", "merge_boxes", "prepare_panel", "search_comments", "search_file",
]
