"""The welcome page shown at first start (and whenever no packet is open) instead of silently opening the sample.

Three ways in, in large type: open a packet (PDF), try the practice sample (said plainly to be made up, not a real
packet), or reopen a recent file. The page only asks; the window opens.

Signals:
    open_requested(): 「資料（PDF）を開く…」 was pressed.
    sample_requested(): 「練習用のサンプルで試す」 was pressed.
    recent_requested(str): a recent file was chosen (its path).
    help_requested(): 「使い方を見る」 was pressed (the window shows the F1 help).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

TITLE_SCALE = 1.6
BUTTON_SCALE = 1.3
MAX_RECENT = 8
RECENT_ROLE = "recentPath"


def _scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(round(size * factor, 1))
    font.setBold(bold)
    return font


class WelcomePage(QScrollArea):
    """First-start page: open a packet, try the practice sample, or reopen a recent file.

    Scrolls rather than cutting anything off when the text is large or the window small.
    """

    open_requested = Signal()
    sample_requested = Signal()
    recent_requested = Signal(str)
    help_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("welcomeBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        column = QVBoxLayout()
        column.setSpacing(14)

        self.title_label = QLabel(self.tr("PIA Reviewer へようこそ"))
        self.title_label.setObjectName("welcomeTitle")
        self.title_label.setWordWrap(True)
        column.addWidget(self.title_label)
        self.intro_label = QLabel(self.tr(
            "特定個人情報保護評価書（PDF）を読み、気づいた点にコメントを付けて、委員長へ送るためのアプリです。"
            "まず、点検する資料を開いてください。"))
        self.intro_label.setObjectName("welcomeIntro")
        self.intro_label.setWordWrap(True)
        column.addWidget(self.intro_label)

        self.open_button = QPushButton(self.tr("資料（PDF）を開く…"))
        self.open_button.setObjectName("welcomeOpen")
        self.open_button.setDefault(True)
        self.open_button.setToolTip(self.tr("事務局から届いた評価書のPDFを選びます (Ctrl+O)"))
        self.open_button.clicked.connect(self.open_requested.emit)
        column.addWidget(self.open_button)

        self.sample_button = QPushButton(self.tr("練習用のサンプルで試す"))
        self.sample_button.setObjectName("welcomeSample")
        self.sample_button.clicked.connect(self.sample_requested.emit)
        column.addWidget(self.sample_button)
        self.sample_note = QLabel(self.tr(
            "サンプルは操作の練習用に作った架空の資料です。本物の評価書ではありません。"))
        self.sample_note.setObjectName("welcomeSampleNote")
        self.sample_note.setWordWrap(True)
        column.addWidget(self.sample_note)

        self.recent_heading = QLabel(self.tr("最近使ったファイル"))
        self.recent_heading.setObjectName("welcomeRecentHeading")
        column.addWidget(self.recent_heading)
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(6)
        column.addLayout(self.recent_box)

        self.help_button = QPushButton(self.tr("使い方を見る（F1）"))
        self.help_button.setObjectName("welcomeHelp")
        self.help_button.clicked.connect(self.help_requested.emit)
        column.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignLeft)

        layout.addLayout(column)
        layout.addStretch(1)
        self.setWidget(body)
        self._recent_buttons: list[QPushButton] = []
        self._apply_fonts()
        self.set_recent_files([])

    # ---------------------------------------------------------------- look
    def _apply_fonts(self) -> None:
        """Sizes relative to the application font, so large-text mode enlarges the whole page."""
        base = self.font()
        self.title_label.setFont(_scaled_font(base, TITLE_SCALE, bold=True))
        big = _scaled_font(base, BUTTON_SCALE, bold=True)
        for button in (self.open_button, self.sample_button):
            button.setFont(big)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setMinimumHeight(int(button.fontMetrics().height() * 2.4))
        self.recent_heading.setFont(_scaled_font(base, 1.1, bold=True))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # Follow a live switch of text size or contrast from the settings.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange,
                            QEvent.Type.ApplicationPaletteChange):
            self._apply_fonts()
        super().changeEvent(event)

    # ---------------------------------------------------------------- recent files
    def set_recent_files(self, paths: list[str]) -> None:
        """Show up to eight recent files as buttons (the section is hidden when there are none)."""
        for button in self._recent_buttons:
            self.recent_box.removeWidget(button)
            button.deleteLater()
        self._recent_buttons = []
        for path in paths[:MAX_RECENT]:
            file = Path(path)
            exists = file.is_file()
            text = file.name if exists else self.tr("{name}（見つかりません）").format(name=file.name)
            button = QPushButton(text)
            button.setObjectName("welcomeRecent")
            button.setProperty(RECENT_ROLE, path)
            # Kept clickable (a greyed-out line is hard to read): the window explains that the file is gone.
            button.setToolTip(str(file.parent))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setStyleSheet("text-align: left; padding: 6px 10px;")
            button.clicked.connect(lambda _checked=False, p=path: self.recent_requested.emit(p))
            self.recent_box.addWidget(button)
            self._recent_buttons.append(button)
        self.recent_heading.setVisible(bool(self._recent_buttons))

    def recent_buttons(self) -> list[QPushButton]:
        """The recent-file buttons shown, newest first (for the window's keyboard focus and for tests)."""
        return list(self._recent_buttons)
