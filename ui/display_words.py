"""How stored words are shown: comment statuses and the default categories, in the UI language.

The store keeps the Japanese values (未処理, 質問, …) because packages and sheets exchange them; only what the
member sees is translated. A category the council added itself is shown as typed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "DisplayWords"


def _translated_words() -> dict[str, str]:
    # Literal strings so that lupdate extracts them into the catalog.
    return {
        "未処理": QCoreApplication.translate("DisplayWords", "未処理"),
        "対応済み": QCoreApplication.translate("DisplayWords", "対応済み"),
        "質問": QCoreApplication.translate("DisplayWords", "質問"),
        "意見": QCoreApplication.translate("DisplayWords", "意見"),
        "要修正": QCoreApplication.translate("DisplayWords", "要修正"),
        "確認のみ": QCoreApplication.translate("DisplayWords", "確認のみ"),
    }


def display_word(stored: str) -> str:
    """The word shown for a stored status or category (itself when it has no translation)."""
    return _translated_words().get(stored, stored)


def status_label(status: str) -> str:
    """The shown name of a comment status (未処理 → "Open" in English)."""
    return display_word(status)


def category_label(category: str) -> str:
    """The shown name of a category (質問 → "Question" in English; the council's own categories unchanged)."""
    return display_word(category)
