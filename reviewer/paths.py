"""Where things live: bundled resources (source tree or frozen build) and the user's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reviewer import APP_ID

PROFILE_ENV = "PIA_REVIEWER_HOME"


def resources_dir() -> Path:
    """The ``resources/`` folder, both from a source checkout and from a PyInstaller build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def is_shipped(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies inside the app's own ``resources/`` (the practice sample: read-only once installed,
    and never where a member's own files are)."""
    return Path(path).resolve().is_relative_to(resources_dir().resolve())


def documents_dir() -> Path:
    """The member's Documents folder, else their home: where file dialogs start when nothing better is known."""
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def bundled_font() -> Path:
    """The Japanese font shipped with the app (IPAexGothic)."""
    return resource("fonts", "ipaexg.ttf")


def data_dir(profile: str | os.PathLike[str] | None = None) -> Path:
    """The user data directory: ``profile`` if given, else ``$PIA_REVIEWER_HOME``, else the platform's."""
    if profile is not None:
        path = Path(profile)
    elif os.environ.get(PROFILE_ENV):
        path = Path(os.environ[PROFILE_ENV])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_ID, appauthor=False))
    return ensure_private_dir(path)


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only (0700); returns it.

    An existing folder owned by this user is tightened to 0700 too when it is empty or already a profile
    (it holds the packets' text and settings that other users of the machine must not read); a folder
    that is something else (``--profile ~`` by mistake) keeps its mode. POSIX only; Windows profile
    folders are private by their ACL already.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix":
        try:
            info = folder.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077 and _is_profile_or_empty(folder):
                os.chmod(folder, PRIVATE_DIR_MODE)
        except OSError:  # a read-only or foreign folder: opening will say what is wrong
            pass
    return folder


# Names that mark a folder as a profile of this app (or one of its own subfolders).
_PROFILE_MARKERS = ("reviewer.", "reviewer-", "settings.ini", "search-index.db", "pia-reviewer", "cache", "logs",
                    "backups", "outline-", "rows-", "identity")


def _is_profile_or_empty(folder: Path) -> bool:
    seen = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(_PROFILE_MARKERS):
                return True
            seen += 1
            if seen > 200:  # a big folder that shows none of our names early is not a profile
                return False
    return seen == 0


def make_private(path: str | os.PathLike[str]) -> None:
    """Make an existing file readable and writable by its owner only (0600); silently skips what it cannot."""
    if os.name != "posix":
        return
    try:
        if Path(path).stat().st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE_MODE)
    except OSError:
        pass
