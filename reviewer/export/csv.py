"""The comment sheet as CSV: UTF-8 with BOM (Excel opens it correctly), the sheet's columns including ID.

Safe to open in a spreadsheet (OWASP CSV injection): every data field is quoted, and a text field starting
with ``= + - @``, tab or CR is prefixed with a single quote so it shows as text, never runs as a formula.
Text is cleaned as for every export (:func:`reviewer.limits.clean_text`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

from reviewer.atomic import export_bytes
from reviewer.export.sheet import COLUMNS, SheetRow
from reviewer.limits import csv_safe


def sheet_csv_text(rows: Sequence[SheetRow], columns: Sequence[str] = COLUMNS) -> str:
    """The CSV text of ``rows`` (header row first, CRLF line ends)."""
    buffer = io.StringIO(newline="")
    # The header is ours and constant; it stays unquoted so that simple readers match it by name.
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(columns)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row.values(columns)])
    return buffer.getvalue()


def write_csv(rows: Sequence[SheetRow], path: str | os.PathLike[str], columns: Sequence[str] = COLUMNS) -> None:
    """Write the sheet to ``path`` atomically as UTF-8 with BOM and CRLF line ends."""
    export_bytes(path, sheet_csv_text(rows, columns).encode("utf-8-sig"))
