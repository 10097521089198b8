"""Page labels: the PDF's /PageLabels when present, else 1-based page numbers."""

from __future__ import annotations

from typing import Any


def read_page_labels(doc: Any) -> list[str]:
    labels: list[str] = []
    for index in range(doc.page_count):
        try:
            label = str(doc[index].get_label() or "")
        except Exception:
            label = ""
        labels.append(label or str(index + 1))
    return labels
