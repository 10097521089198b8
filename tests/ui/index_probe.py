"""Run in the GUI's worker process by tests/ui/test_panels.py: the search index built on two cores from there (the
worker is a spawned process with a watcher thread, so its helper is spawned too), with the pages the helper wrote
while "detection" ran here."""

from __future__ import annotations

import time


def index_from_the_worker(pdf: str, index_path: str) -> tuple[bool, int, int]:
    """(index complete, pages the helper wrote before this process indexed any, pages indexed in all)."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex
    from reviewer.search.build import index_packet

    by_helper: list[int] = []
    with Packet.open(pdf) as packet, SearchIndex(index_path) as index:
        def detection() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not by_helper:
                pages = index.indexed_pages(packet.sha256)
                if pages:
                    by_helper.append(len(pages))
                time.sleep(0.02)

        complete = index_packet(packet, index_path, helper=True, meanwhile=detection)
        return complete, (by_helper or [0])[0], len(index.indexed_pages(packet.sha256))
