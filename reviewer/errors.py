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

    @classmethod
    def not_a_pdf(cls, name: str) -> PdfOpenError:
        """The one message for a file that is damaged or no PDF at all."""
        return cls(f"PDFとして開けません（壊れているか、PDFではありません）: {name}",
                   f"This file cannot be opened as a PDF (it is damaged or not a PDF): {name}.")


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


def describe(exc: BaseException, language: str = "ja") -> str:
    """One sentence for any exception, in ``language``, for a message box or the CLI.

    A :class:`ReviewerError` gives its own message; an ``OSError`` says that a file could not be read or
    written (with the system's short reason); anything else is an unexpected error named by its type only
    (its text may hold paths or data, and belongs in the log).
    """
    english = language.lower().startswith("en")
    if isinstance(exc, ReviewerError):
        return exc.message(language)
    if isinstance(exc, OSError):
        reason = (exc.strerror or type(exc).__name__).replace("\n", " ")
        name = f" ({exc.filename})" if exc.filename else ""
        if english:
            return f"A file could not be read or written{name}: {reason}."
        return f"ファイルを読み書きできませんでした{name}: {reason}"
    if english:
        return f"An unexpected error occurred ({type(exc).__name__})."
    return f"処理中に予期しないエラーが発生しました（{type(exc).__name__}）。"
