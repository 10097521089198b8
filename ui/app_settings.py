"""Application settings (persistent): ``settings.ini`` in the user's data directory.

``AppSettings`` keeps the small settings needed before the first page is shown (language, text size, contrast,
recent files, last reading positions), so start-up never waits on the encrypted store; the member's name is mirrored
into the store when it is available. It lives apart from the 設定 dialog (``ui.dialogs.settings``) so that the start
reads it without making the dialog's widget classes (issue 16: less work before the first frame).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reviewer.paths import data_dir

MAX_RECENT = 10


class AppSettings:
    """Typed access to ``settings.ini`` in the profile directory."""

    def __init__(self, profile: str | None = None) -> None:
        self.path = data_dir(profile) / "settings.ini"
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _str(self, key: str, default: str = "") -> str:
        value = self.qsettings.value(key, default)
        return str(value) if value is not None else default

    def sync(self) -> None:
        self.qsettings.sync()

    # -- appearance
    @property
    def language(self) -> str:
        value = self._str("ui/language", "ja")
        return value if value in ("ja", "en") else "ja"

    @language.setter
    def language(self, value: str) -> None:
        self.qsettings.setValue("ui/language", value)

    @property
    def text_size(self) -> str:
        value = self._str("ui/text_size", "normal")
        return value if value in ("normal", "large", "xlarge") else "normal"

    @text_size.setter
    def text_size(self, value: str) -> None:
        self.qsettings.setValue("ui/text_size", value)

    @property
    def high_contrast(self) -> bool:
        return self._str("ui/high_contrast", "false").lower() in ("true", "1", "yes")

    @high_contrast.setter
    def high_contrast(self, value: bool) -> None:
        self.qsettings.setValue("ui/high_contrast", "true" if value else "false")

    # -- the member
    @property
    def member_name(self) -> str:
        return self._str("member/name", "")

    @member_name.setter
    def member_name(self, value: str) -> None:
        self.qsettings.setValue("member/name", value)

    # -- files
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("files/recent", [])
        if isinstance(value, str):
            items = [value] if value else []
        elif isinstance(value, list):
            items = [str(v) for v in value if v]
        else:
            items = []
        return items[:MAX_RECENT]

    def add_recent_file(self, path: Path) -> None:
        text = str(path)
        items = [p for p in self.recent_files() if p != text]
        self.qsettings.setValue("files/recent", [text, *items][:MAX_RECENT])

    def remove_recent_file(self, path: str) -> None:
        self.qsettings.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def last_file(self) -> str:
        return self._str("files/last", "")

    def set_last_file(self, path: Path) -> None:
        self.qsettings.setValue("files/last", str(path))

    @staticmethod
    def _position_key(path: Path) -> str:
        return "positions/" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]

    def reading_position(self, path: Path) -> tuple[int, float, float, str] | None:
        """(page, y, zoom, zoom mode) last seen for ``path``."""
        value = self._str(self._position_key(path), "")
        parts = value.split("|")
        if len(parts) != 4:
            return None
        try:
            return int(parts[0]), float(parts[1]), float(parts[2]), parts[3]
        except ValueError:
            return None

    def set_reading_position(self, path: Path, page: int, y: float, zoom: float, mode: str) -> None:
        self.qsettings.setValue(self._position_key(path), f"{page}|{y:.1f}|{zoom:.4f}|{mode}")

    def window_layout(self) -> tuple[QByteArray, QByteArray] | None:
        """The main window's geometry and its panels' state as last closed (Qt's own encodings), or None."""
        geometry, state = self.qsettings.value("window/geometry"), self.qsettings.value("window/state")
        if isinstance(geometry, QByteArray) and isinstance(state, QByteArray) and not geometry.isEmpty():
            return geometry, state
        return None

    def set_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)
