"""Where the structure detector's outline cache lives, and the detector version it is keyed by.

Apart from :mod:`reviewer.structure.detect` (which imports PyMuPDF) so that a packet seen before can show its
cached outline without loading PyMuPDF first: the window imports that only after the first page is on screen.
"""

from __future__ import annotations

import os
from pathlib import Path

from reviewer.paths import data_dir

# Bump whenever detection changes what it finds: outlines cached by another version are detected again.
DETECTOR_VERSION = 4


def cache_path(sha256: str, profile: str | os.PathLike[str] | None = None) -> Path:
    """The cached outline of the file ``sha256`` for this detector version."""
    return data_dir(profile) / "cache" / f"outline-{sha256}-v{DETECTOR_VERSION}.json"
