"""Settings for work over every page of a packet (text extraction, structure, rows)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Reading a page makes tens of thousands of short-lived objects (MuPDF's dictionaries, spans, lines) that die by
# reference counting; at the default threshold (700) the cyclic collector runs every few hundred of them for
# nothing. Measured on a 607-page packet's search extraction: about 10 % of the CPU time.
BULK_GC_THRESHOLD = 10_000


@contextmanager
def fewer_collections(threshold: int = BULK_GC_THRESHOLD) -> Iterator[None]:
    """Run the youngest generation's collection less often inside the block (restored after it)."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
