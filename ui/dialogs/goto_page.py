"""ページへ移動 (Ctrl+G): accepts the printed label (資料 page) first, or the PDF page number.

Inputs understood (NFKC-normalised, so full-width digits work):
- 「129」, 「資料129」, 「資料129ページ」, 「p.129」, 「- 129 -」 → the page whose label is 129 (else PDF page 129);
- 「#131」, 「PDF 131」, 「pdf131」 → the 131st page of the PDF;
- any other text equal to a page label (e.g. 「表紙」).
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

_PDF_INDEX = re.compile(r"^(?:#|pdf\s*)(\d+)$", re.IGNORECASE)
_LABEL_DECOR = re.compile(r"^(?:資料|p\.?|page|ページ)?\s*(.+?)\s*(?:ページ|頁|p)?$", re.IGNORECASE)


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def resolve_page_input(text: str, labels: list[str]) -> tuple[int, str] | None:
    """Map the user's input to a 0-based page index.

    Returns (index, how) where how is "label" or "pdf"; None when nothing matches.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw or not labels:
        return None
    compact = "".join(raw.split())
    match = _PDF_INDEX.match(compact)
    if match:
        number = int(match.group(1))
        return (number - 1, "pdf") if 1 <= number <= len(labels) else None
    normalised = [_norm(label) for label in labels]
    wanted = _norm(raw)
    if wanted in normalised:
        return normalised.index(wanted), "label"
    core = compact.strip("-").strip()
    decor = _LABEL_DECOR.match(core)
    if decor:
        core = decor.group(1).strip("-").strip()
    core_norm = _norm(core)
    if core_norm and core_norm in normalised:
        return normalised.index(core_norm), "label"
    if core.isdigit():
        # labels such as 「資料129」: compare the digits of each label
        for index, label in enumerate(normalised):
            digits = re.sub(r"\D", "", label)
            if digits and digits == core.lstrip("0") and not re.search(r"\d\D+\d", label):
                return index, "label"
        number = int(core)
        if 1 <= number <= len(labels):
            return number - 1, "pdf"
    return None


class GoToPageDialog(QDialog):
    """Asks for a page; shows the label → PDF page mapping as the user types."""

    def __init__(self, labels: list[str], current: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ページへ移動"))
        self.labels = labels
        self.result_index: int | None = None
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("資料に印刷されたページ番号（例: 129）を入力してください。PDFの何枚目かで移るときは「PDF 131」のように入力します。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(self.tr("ページ"))
        if labels:
            self.edit.setText(labels[min(max(current, 0), len(labels) - 1)])
            self.edit.selectAll()
        layout.addWidget(self.edit)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        layout.addWidget(self.preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update)
        self._update(self.edit.text())

    def _update(self, text: str) -> None:
        found = resolve_page_input(text, self.labels)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(found is not None)
        self.result_index = found[0] if found else None
        if found is None:
            self.preview.setText(self.tr("該当するページがありません（全 {total} ページ）。").format(
                total=len(self.labels)) if text.strip() else "")
            return
        index, _how = found
        self.preview.setText(self.tr("資料 {label} ページ → PDF {page} / {total} ページ").format(
            label=self.labels[index], page=index + 1, total=len(self.labels)))
