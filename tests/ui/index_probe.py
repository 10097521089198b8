"""Run in the GUI's worker process by tests/ui/test_panels.py: the search index built on two cores from there (the
worker is a spawned process with a watcher thread, so its helper is spawned too)."""

from __future__ import annotations


def index_from_the_worker(pdf: str, index_path: str) -> tuple[bool, int, int]:
    """(index complete, pages the helper wrote while this process waited, pages indexed in all)."""
    from reviewer.document import Packet
    from reviewer.search import SearchIndex
    from reviewer.search.build import index_watching_the_helper

    with Packet.open(pdf) as packet:
        complete, by_helper = index_watching_the_helper(packet, index_path)
        with SearchIndex(index_path) as index:
            return complete, by_helper, len(index.indexed_pages(packet.sha256))


def second_process_start_method() -> str:
    """How the worker starts a second process that reads a packet (fork when only its own safe threads run)."""
    from reviewer.bulk import second_process_context

    return str(second_process_context().get_start_method())
