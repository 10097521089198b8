"""The whole-packet work done after a packet is opened: structure detection and search indexing.

Plain functions for the GUI's worker process (``ui.ops.Op.run_in_process``) and for scripts: each opens its own
:class:`~reviewer.document.Packet` (PyMuPDF documents are not shared between threads or processes) and accepts the
``progress(done, total)`` and ``cancelled()`` hooks the worker passes in.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewer.structure.model import Outline

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def detect_job(path: str, password: str | None, profile: str | None = None, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Outline:
    """Open the packet and detect its structure (cached per file by the detector)."""
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline_cached

    with Packet.open(path, password) as packet:
        return detect_outline_cached(packet, profile, progress=progress, cancelled=cancelled)


def index_job(path: str, password: str | None, index_path: str | None = None, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> str:
    """Build the packet's search index (skipped when already built); returns the packet's sha256."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex

    with Packet.open(path, password) as packet, SearchIndex(index_path) as index:
        index.build(packet, progress=progress, cancelled=cancelled)
        return packet.sha256
