"""Errors the user may see. Each carries a short Japanese message for the UI and an English one for logs."""

from __future__ import annotations


class ReviewerError(Exception):
    """An expected failure caused by input or environment, not a bug."""

    def __init__(self, message_ja: str, message_en: str | None = None) -> None:
        super().__init__(message_en or message_ja)
        self.message_ja = message_ja
        self.message_en = message_en or message_ja


class PdfOpenError(ReviewerError):
    """The file could not be opened as a PDF (not a PDF, empty, damaged beyond repair)."""


class PasswordRequired(PdfOpenError):
    """The PDF is encrypted and needs a (correct) user password."""

    def __init__(self, path: str, wrong_password: bool = False) -> None:
        if wrong_password:
            super().__init__(
                f"パスワードが正しくありません: {path}", f"wrong password for {path}"
            )
        else:
            super().__init__(
                f"このPDFはパスワードで保護されています: {path}", f"{path} needs a password"
            )
        self.path = path
        self.wrong_password = wrong_password
