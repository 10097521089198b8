"""The small editor that opens after a highlight, area or note gesture: category, comment, OK/Cancel.

Ctrl+Enter saves. The category list is editable: a category typed here that is not in the list is kept and
offered next time (the caller stores the list).
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

QUOTE_PREVIEW = 120


def color_icon(category: str, size: int = 12) -> QIcon:
    """A small square in the category's colour, for combos and lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(category_color(category)))
    return QIcon(pixmap)


class CommentEditor(QDialog):
    """Asks for the category and text of a new (or existing) comment.

    Args:
        categories: the categories to offer (the user may type a new one).
        category: the preselected category.
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
            where.setStyleSheet("color: palette(mid);")
            layout.addWidget(where)
        if quote:
            shown = quote if len(quote) <= QUOTE_PREVIEW else quote[:QUOTE_PREVIEW] + "…"
            quote_label = QLabel(f"「{shown}」")
            quote_label.setWordWrap(True)
            quote_label.setObjectName("commentEditorQuote")
            quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(quote_label)

        form = QFormLayout()
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in categories or list(DEFAULT_CATEGORIES):
            self.category_combo.addItem(color_icon(name), name)
        if category:
            index = self.category_combo.findText(category)
            if index < 0:
                self.category_combo.addItem(color_icon(category), category)
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
        return self.category_combo.currentText().strip() or DEFAULT_CATEGORIES[0]

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()
