"""Errors the user may see. Each carries a short message in Japanese and in English.

Both messages are sentences a member can read (no log line, no traceback, no library's error text):
the GUI shows :meth:`ReviewerError.message` in the interface language, the CLI prints both, the log
keeps the English one.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("ja", "en")


class ReviewerError(Exception):
    """An expected failure caused by input or environment, not a bug."""

    def __init__(self, message_ja: str, message_en: str | None = None) -> None:
        super().__init__(message_en or message_ja)
        self.message_ja = message_ja
        self.message_en = message_en or message_ja

    def message(self, language: str = "ja") -> str:
        """The message in ``language``: ``"en"`` (or a locale such as ``"en_US"``) gives the English one,
        anything else the Japanese one."""
        return self.message_en if language.lower().startswith("en") else self.message_ja


class PdfOpenError(ReviewerError):
    """The file could not be opened as a PDF (not a PDF, empty, damaged beyond repair)."""


class PasswordRequired(PdfOpenError):
    """The PDF is encrypted and needs a (correct) user password."""

    def __init__(self, path: str, wrong_password: bool = False) -> None:
        if wrong_password:
            super().__init__(
                f"パスワードが正しくありません: {path}", f"The password is not correct for {path}."
            )
        else:
            super().__init__(
                f"このPDFはパスワードで保護されています: {path}", f"This PDF is protected by a password: {path}."
            )
        self.path = path
        self.wrong_password = wrong_password
