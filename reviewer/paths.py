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
    path.mkdir(parents=True, exist_ok=True)
    return path
