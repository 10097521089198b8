"""構造を修正: set a risk's judgement, correct a heading's title or position, or add a risk or section the detector
missed. The dialog only collects the values; ``ui.corrections.run_correction`` turns them into an undoable core
command (``reviewer.structure.corrections``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer.structure.corrections import ADD, HEADING, JUDGEMENT, JUDGEMENTS
from reviewer.structure.model import Node, Outline

ACTIONS = (JUDGEMENT, HEADING, ADD)


class CorrectionDialog(QDialog):
    """Three pages, one per kind of correction, chosen by ``action`` (the context menu's entry)."""

    def __init__(self, outline: Outline, node: Node, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("構造を修正"))
        self.setMinimumWidth(460)
        self.outline = outline
        self.node = node
        layout = QVBoxLayout(self)
        label = outline.page_labels[node.page] if 0 <= node.page < len(outline.page_labels) else str(node.page + 1)
        location = outline.locate(node.page, node.y)
        path = location.item_label(with_file=True) if location.document_index is not None else node.label()
        where = f"{path} {node.title}".strip()
        self.where = QLabel(self.tr("{where}　資料 {label} ページ").format(where=where, label=label))
        self.where.setWordWrap(True)
        layout.addWidget(self.where)

        self.mode = QComboBox()
        self._modes: list[str] = []
        names = {
            JUDGEMENT: self.tr("判断を修正"), HEADING: self.tr("見出しを修正"), ADD: self.tr("ここにリスク/節を追加"),
        }
        for mode in ACTIONS:
            if mode == JUDGEMENT and node.kind != "risk":
                continue
            self._modes.append(mode)
            self.mode.addItem(names[mode], mode)
        self.mode.setAccessibleName(self.tr("修正の種類"))
        layout.addWidget(self.mode)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)

        # judgement
        judge_page = QWidget()
        judge_form = QFormLayout(judge_page)
        self.judgement = QComboBox()
        for choice in JUDGEMENTS:
            self.judgement.addItem(choice, choice)
        if node.judgement in JUDGEMENTS:
            self.judgement.setCurrentIndex(JUDGEMENTS.index(node.judgement))
        judge_form.addRow(self.tr("リスクへの対策は十分か"), self.judgement)
        note = QLabel(self.tr("評価書に書かれている判断を入力します（委員の意見ではありません）。"))
        note.setWordWrap(True)
        judge_form.addRow(note)

        # heading
        heading_page = QWidget()
        heading_form = QFormLayout(heading_page)
        self.title = QLineEdit(node.title)
        self.heading_page = self._page_box(node.page)
        self.heading_y = self._y_box(node.y)
        heading_form.addRow(self.tr("見出し"), self.title)
        heading_form.addRow(self.tr("PDFのページ"), self.heading_page)
        heading_form.addRow(self.tr("ページ上の位置（pt）"), self.heading_y)

        # add
        add_page = QWidget()
        add_form = QFormLayout(add_page)
        self.add_kind = QComboBox()
        self.add_kind.addItem(self.tr("リスク"), "risk")
        self.add_kind.addItem(self.tr("節"), "section")
        if node.kind in ("chapter", "annex"):  # under a chapter one adds a section
            self.add_kind.setCurrentIndex(1)
        self.add_number = QLineEdit()
        self.add_number.setPlaceholderText(self.tr("例: 2"))
        self.add_title = QLineEdit()
        self.add_page = self._page_box(node.page)
        self.add_y = self._y_box(node.y + 1.0)
        self.add_judgement = QComboBox()
        self.add_judgement.addItem(self.tr("（未設定）"), None)
        for choice in JUDGEMENTS:
            self.add_judgement.addItem(choice, choice)
        add_form.addRow(self.tr("種類"), self.add_kind)
        add_form.addRow(self.tr("番号"), self.add_number)
        add_form.addRow(self.tr("見出し"), self.add_title)
        add_form.addRow(self.tr("PDFのページ"), self.add_page)
        add_form.addRow(self.tr("ページ上の位置（pt）"), self.add_y)
        add_form.addRow(self.tr("リスクへの対策は十分か"), self.add_judgement)

        for mode in self._modes:
            self.pages.addWidget({JUDGEMENT: judge_page, HEADING: heading_page, ADD: add_page}[mode])
        self.mode.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.mode.currentIndexChanged.connect(lambda _index: self._update_ok())
        for edit in (self.title, self.add_number, self.add_title):
            edit.textChanged.connect(lambda _text: self._update_ok())

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.set_action(action)

    def _page_box(self, page: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(1, max(1, self.outline.pages))
        box.setValue(page + 1)
        return box

    @staticmethod
    def _y_box(y: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, 5000.0)
        box.setDecimals(1)
        box.setValue(max(0.0, y))
        return box

    def set_action(self, action: str) -> None:
        """Show the page of ``action`` (falls back to the first offered)."""
        index = self._modes.index(action) if action in self._modes else 0
        self.mode.setCurrentIndex(index)
        self.pages.setCurrentIndex(index)
        self._update_ok()

    @property
    def action(self) -> str:
        return self._modes[self.mode.currentIndex()]

    def _update_ok(self) -> None:
        ok = True
        if self.action == HEADING:
            ok = bool(self.title.text().strip())
        elif self.action == ADD:
            ok = bool(self.add_number.text().strip()) and bool(self.add_title.text().strip())
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(ok)

    # -- the values, for ui.corrections.run_correction
    def chosen_judgement(self) -> str:
        return str(self.judgement.currentData())

    def heading_values(self) -> tuple[str, int, float]:
        """(title, 0-based page, y)."""
        return self.title.text().strip(), self.heading_page.value() - 1, float(self.heading_y.value())

    def added_values(self) -> tuple[str, str, str, int, float, str | None]:
        """(kind, number, title, 0-based page, y, judgement or None)."""
        judgement = self.add_judgement.currentData()
        kind = str(self.add_kind.currentData())
        return (
            kind, self.add_number.text().strip(), self.add_title.text().strip(), self.add_page.value() - 1,
            float(self.add_y.value()), str(judgement) if judgement and kind == "risk" else None,
        )
