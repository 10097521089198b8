"""The small editor that opens after a highlight, area or note gesture: category, comment, OK/Cancel.

Ctrl+Enter saves. The category is a fixed choice of the configured categories: a typo (「緊急」) can never
become a new category silently; new categories are added in the settings. The heading and the quoted passage use
the theme's readable secondary colour.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer.annotations import DEFAULT_CATEGORIES, category_color
from ui.display_words import category_label
from ui.theme import style_secondary_text

QUOTE_PREVIEW = 120


def color_icon(category: str, size: int = 12) -> QIcon:
    """A small square in the category's colour, for combos and lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(category_color(category)))
    return QIcon(pixmap)


class CommentEditor(QDialog):
    """Asks for the category and text of a new (or existing) comment.

    Args:
        categories: the categories to offer (a fixed list).
        category: the preselected category (an existing comment's category is kept even if no longer configured).
        text: the initial comment text.
        quote: the quoted passage, shown read-only for orientation (may be empty).
        location: where the comment falls, e.g. 「住民基本台帳に関する事務 全項目評価書 Ⅲ 7. リスク1（資料129頁）」.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        categories: list[str] | None = None,
        category: str = "",
        text: str = "",
        quote: str = "",
        location: str = "",
        title: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("コメント"))
        self.setModal(True)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        if location:
            where = QLabel(location)
            where.setWordWrap(True)
            where.setObjectName("commentEditorLocation")
            style_secondary_text(where)
            layout.addWidget(where)
        if quote:
            shown = quote if len(quote) <= QUOTE_PREVIEW else quote[:QUOTE_PREVIEW] + "…"
            quote_label = QLabel(f"「{shown}」")
            quote_label.setWordWrap(True)
            quote_label.setObjectName("commentEditorQuote")
            quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            style_secondary_text(quote_label)
            layout.addWidget(quote_label)

        form = QFormLayout()
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("commentEditorCategory")
        self.category_combo.setEditable(False)
        for name in categories or list(DEFAULT_CATEGORIES):
            self.category_combo.addItem(color_icon(name), category_label(name), name)
        if category:
            index = self.category_combo.findData(category)
            if index < 0:
                self.category_combo.addItem(color_icon(category), category_label(category), category)
                index = self.category_combo.count() - 1
            self.category_combo.setCurrentIndex(index)
        form.addRow(self.tr("区分"), self.category_combo)
        layout.addLayout(form)

        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(self.tr("意見・質問を入力（Ctrl+Enter で保存）"))
        self.text_edit.setPlainText(text)
        self.text_edit.setTabChangesFocus(True)
        layout.addWidget(self.text_edit, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Ctrl+Enter saves from the text field (Enter alone starts a new line); elsewhere Enter is OK anyway.
        self.text_edit.installEventFilter(self)
        self.text_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.text_edit and event.type() == QEvent.Type.KeyPress:
            key_event = event
            assert isinstance(key_event, QKeyEvent)
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    key_event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.accept()
                return True
        return super().eventFilter(watched, event)

    def category(self) -> str:
        """The chosen category's stored (Japanese) name."""
        chosen = self.category_combo.currentData()
        return str(chosen) if chosen else DEFAULT_CATEGORIES[0]

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()
