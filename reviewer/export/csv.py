"""The comment sheet as CSV: UTF-8 with BOM (Excel opens it correctly), the sheet's columns including ID."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

from reviewer.atomic import atomic_write_text
from reviewer.export.sheet import COLUMNS, SheetRow


def sheet_csv_text(rows: Sequence[SheetRow]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.values())
    return buffer.getvalue()


def write_csv(rows: Sequence[SheetRow], path: str | os.PathLike[str]) -> None:
    """Write the sheet to ``path`` atomically as UTF-8 with BOM and CRLF line ends."""
    atomic_write_text(path, sheet_csv_text(rows), encoding="utf-8-sig")
