"""What the search panel computes in its search thread after a query: its rows and the first screenful."""

from __future__ import annotations

from reviewer.search.hits import HitList, ReportRows

PANEL_PREFETCH_ROWS = 40  # result rows whose snippets are made before the list is shown (a screenful)
PANEL_EAGER_HITS = 200  # up to this many hits, all rects are computed at once (cheap, and nothing is left)
NEAR_BEFORE = 2  # pages before and after the page on screen whose highlights are computed with the query
NEAR_AFTER = 4


def prepare_panel(hits: HitList, around_page: int | None = None,
                  rows: int = PANEL_PREFETCH_ROWS) -> list[ReportRows]:
    """The search panel's work after :meth:`SearchIndex.find`, in its search thread: the report and
    section rows of the result list, the highlight rects of the pages near ``around_page`` (the page on
    screen) and near the first hit (where Enter goes) — or of every page when there are at most
    :data:`PANEL_EAGER_HITS` hits — and the snippets of the first ``rows`` rows. Everything else is
    computed when it comes into view."""
    tree = hits.report_rows()
    if not hits:
        return tree
    if len(hits) <= PANEL_EAGER_HITS:
        pages = hits.pages()
    else:
        pages = hits.pages_near(hits.page_of(0), NEAR_BEFORE, NEAR_AFTER)
        if around_page is not None:
            pages += [p for p in hits.pages_near(around_page, NEAR_BEFORE, NEAR_AFTER) if p not in pages]
    hits.prefetch(pages, rows)
    return tree
