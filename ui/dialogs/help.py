"""The built-in help (F1): a short illustrated guide in the UI language, shown in large type.

The pages are ``resources/help/ja.html`` and ``en.html`` with their pictures beside them (cut from the screenshots by
``scripts/build_help_images.py``). The window is not modal, so a member can follow the steps while reading; one
window per parent is reused.

Wiring: ``create_help_action(window)`` returns the 「使い方（F1）」 action, already added to ``window`` so F1 works
anywhere in it; put the action into the ヘルプ menu. :func:`show_help` opens the guide directly (e.g. from the
welcome page's ``help_requested``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from reviewer.paths import resource
from ui.i18n import LANGUAGES, current_language

HELP_FOLDER = "help"
# The guide is read by older members: larger than the rest of the UI, and it grows with the text-size setting
# because it starts from the application font.
HELP_TEXT_SCALE = 1.3
# Picture paragraphs keep single line height: 140 % of a picture's height would leave a large gap below it.
HELP_STYLE = ("p, li { line-height: 140%; } p.pic { line-height: 100%; } h1 { margin-bottom: 8px; } "
              "h2 { margin-top: 18px; }")


def help_page(language: str) -> Path:
    """The help page of ``language`` ("ja" or "en"; anything else falls back to Japanese)."""
    return resource(HELP_FOLDER, f"{language if language in LANGUAGES else 'ja'}.html")


class HelpDialog(QDialog):
    """The guide in a text browser: internal links jump within the page, nothing is ever fetched from a network."""

    def __init__(self, parent: QWidget | None = None, *, language: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(self.tr("PIA Reviewer の使い方"))
        self.setModal(False)
        self.language = language or current_language()
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        font = QFont(self.font())
        font.setPointSizeF(round((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * HELP_TEXT_SCALE, 1))
        self.browser.setFont(font)
        self.browser.document().setDefaultStyleSheet(HELP_STYLE)
        page = help_page(self.language)
        self.browser.setSearchPaths([str(page.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(page)))
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("閉じる"))
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(900, 720)

    def page_text(self) -> str:
        """The guide's plain text (what the member reads)."""
        return self.browser.toPlainText()


def show_help(parent: QWidget | None = None) -> HelpDialog:
    """Show the guide (reusing the one already open for ``parent``) and bring it to the front."""
    existing = parent.findChild(HelpDialog, "helpDialog") if parent is not None else None
    if isinstance(existing, HelpDialog) and existing.language == current_language():
        dialog = existing
    else:
        if isinstance(existing, HelpDialog):  # the language changed: the old page goes
            existing.setObjectName("")
            existing.close()
            existing.deleteLater()
        dialog = HelpDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def create_help_action(window: QWidget) -> QAction:
    """The 「使い方（F1）」 action: added to ``window`` so F1 works anywhere in it; the caller puts it in a menu."""
    action = QAction(QCoreApplication.translate("HelpDialog", "使い方（F1）"), window)
    action.setObjectName("helpAction")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.setStatusTip(QCoreApplication.translate("HelpDialog", "読み方・コメントの付け方・委員長への送り方の説明"))
    action.triggered.connect(lambda _checked=False: show_help(window))
    window.addAction(action)
    return action
