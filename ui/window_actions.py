"""The main window's actions, menus and toolbar (built once; the annotation controller adds its tools later).

Every action is created here with its shortcut; each shortcut sequence is registered once (two equal sequences on
one window make Qt treat the key as ambiguous and do nothing — why Ctrl+- and Ctrl++ once did nothing).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from reviewer.paths import resource

# The toolbar's icon sizes: 20 px at each text size (×1, ×1.25, ×1.5), on normal and double-density screens.
ICON_SIZES = (20, 25, 30, 40, 50, 60)
PNG_ICONS = resource("icons", "png")
ICON_PROPERTY = "pia_icon"  # an action's icon name (resources/icons), for drawing it again in another contrast


def icon(name: str) -> QIcon:
    """An icon of resources/icons: its PNGs at :data:`ICON_SIZES` (``scripts/build_icons.py`` renders them), so
    that the first frame does not load Qt's SVG icon engine (about 20 ms before it); the SVG where they are
    missing."""
    from ui.theme import for_contrast, is_high_contrast

    files = [PNG_ICONS / f"{name}-{size}.png" for size in ICON_SIZES]
    if not all(file.is_file() for file in files):
        return QIcon(str(resource("icons", f"{name}.svg")))
    result = QIcon()
    for file, size in zip(files, ICON_SIZES, strict=True):
        if is_high_contrast():
            result.addPixmap(for_contrast(QPixmap(str(file))))
        else:
            result.addFile(str(file), QSize(size, size))
    large = resource("icons", f"{name}.png")  # the app's 256 px icon, for task bars and window switchers
    if large.is_file():
        result.addFile(str(large))
    return result



def unique_sequences(*keys: QKeySequence | QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """The key sequences of ``keys`` (standard keys expanded for this platform), each once, in order."""
    seen: set[str] = set()
    result: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [
            QKeySequence(key)]
        for sequence in sequences:
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if text and text not in seen:
                seen.add(text)
                result.append(sequence)
    return result


def _action(window: Any, text: str, slot: Any, keys: tuple[Any, ...] = (), icon_name: str | None = None,
            tip: str | None = None) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
        action.setProperty(ICON_PROPERTY, icon_name)  # drawn again when the contrast changes
    if keys:
        action.setShortcuts(unique_sequences(*keys))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def _exchange(window: Any, method: str, *args: str) -> None:
    """Run an import/export entry of the annotation controller (created on first use)."""
    getattr(window.ensure_annotations().exchange, method)(*args)


def _compare(window: Any) -> None:
    """ファイル > 前の版と比較… (the comparison is made with the annotation controller, on first use)."""
    window.ensure_annotations()
    window.compare.choose_earlier()


def build_actions(window: Any) -> None:
    """Create the window's actions (``window.act_*``), menus and toolbar."""
    view = window.page_view
    w = window
    w.act_open = _action(w, QCoreApplication.translate("MainWindow", "開く…"), w.open_dialog, (QKeySequence.StandardKey.Open,), "open",
                         QCoreApplication.translate("MainWindow", "PDFを開く (Ctrl+O)"))
    w.act_close = _action(w, QCoreApplication.translate("MainWindow", "閉じる"), w.close_document, (QKeySequence.StandardKey.Close,))
    w.act_quit = _action(w, QCoreApplication.translate("MainWindow", "終了"), w.close, (QKeySequence.StandardKey.Quit,))
    w.act_back = _action(w, QCoreApplication.translate("MainWindow", "戻る"), view.back, (QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Left),), "back",
                         QCoreApplication.translate("MainWindow", "前の位置に戻る (Alt+←)"))
    w.act_forward = _action(w, QCoreApplication.translate("MainWindow", "進む"), view.forward, (QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Right),),
                            "forward", QCoreApplication.translate("MainWindow", "次の位置に進む (Alt+→)"))
    # Ctrl+; is where + sits on a Japanese keyboard (Shift+;).
    w.act_zoom_in = _action(w, QCoreApplication.translate("MainWindow", "拡大"), partial(view.zoom_in, None),
                            (QKeySequence.StandardKey.ZoomIn, "Ctrl++", "Ctrl+=", "Ctrl+;"), "zoom-in",
                            QCoreApplication.translate("MainWindow", "拡大 (Ctrl++)"))
    w.act_zoom_out = _action(w, QCoreApplication.translate("MainWindow", "縮小"), partial(view.zoom_out, None),
                             (QKeySequence.StandardKey.ZoomOut, "Ctrl+-"), "zoom-out", QCoreApplication.translate("MainWindow", "縮小 (Ctrl+-)"))
    w.act_fit_width = _action(w, QCoreApplication.translate("MainWindow", "幅に合わせる"), view.fit_width, ("Ctrl+0",), "fit-width",
                              QCoreApplication.translate("MainWindow", "ページの幅に合わせる (Ctrl+0)"))
    w.act_fit_page = _action(w, QCoreApplication.translate("MainWindow", "ページ全体を表示"), view.fit_page, (), "fit-page", QCoreApplication.translate("MainWindow", "ページ全体を表示"))
    w.act_goto = _action(w, QCoreApplication.translate("MainWindow", "ページへ移動…"), w.go_to_page_dialog, ("Ctrl+G",), "goto",
                         QCoreApplication.translate("MainWindow", "資料のページ番号で移動 (Ctrl+G)"))
    w.act_find = _action(w, QCoreApplication.translate("MainWindow", "検索"), w.focus_search, (QKeySequence.StandardKey.Find,), "search",
                         QCoreApplication.translate("MainWindow", "資料内を検索 (Ctrl+F)"))
    w.act_next_hit = _action(w, QCoreApplication.translate("MainWindow", "次の検索結果"), w._next_hit, ("F3",))
    w.act_prev_hit = _action(w, QCoreApplication.translate("MainWindow", "前の検索結果"), w._previous_hit, ("Shift+F3",))
    w.act_full_screen = _action(w, QCoreApplication.translate("MainWindow", "全画面表示"), w.toggle_full_screen, ("F11",))
    w.act_full_screen.setCheckable(True)
    w.act_settings = _action(w, QCoreApplication.translate("MainWindow", "設定…"), lambda: settings_dialog(w), (QKeySequence.StandardKey.Preferences,),
                             "settings", QCoreApplication.translate("MainWindow", "表示言語・文字の大きさ・コントラスト"))
    w.act_member = _action(w, QCoreApplication.translate("MainWindow", "委員のお名前…"), lambda: w.ask_member(force=True))
    w.act_about = _action(w, QCoreApplication.translate("MainWindow", "PIA Reviewer について"), lambda: about(w))
    w.act_help = _action(w, QCoreApplication.translate("MainWindow", "使い方（ヘルプ）"), lambda: show_help(w), (QKeySequence.StandardKey.HelpContents, "F1"),
                         None, QCoreApplication.translate("MainWindow", "使い方を表示 (F1)"))
    # The two steps of the review that leave the app, one click away (toolbar, with words).
    w.act_send_to_chair = _action(w, QCoreApplication.translate("MainWindow", "委員長へ送るコメントを書き出す"), lambda: _exchange(w, "export_package"),
                                  (), "export", QCoreApplication.translate("MainWindow", "自分のコメントを1つのファイルに書き出します（委員長へ送ります）"))
    w.act_import_members = _action(w, QCoreApplication.translate("MainWindow", "委員のコメントを取り込む"), lambda: _exchange(w, "import_files"),
                                   (), "import", QCoreApplication.translate("MainWindow", "委員から届いたコメントのファイルを取り込みます（委員長用）"))
    # The chair's result, beside the two exchanges (the other formats are under コメント > 取り込み・書き出し).
    w.act_export_sheet = _action(w, QCoreApplication.translate("MainWindow", "意見一覧を書き出す（{format}）…").format(format="Excel"),
                                 lambda: _exchange(w, "export_sheet", "xlsx"))
    w.act_compare = _action(w, QCoreApplication.translate("MainWindow", "前の版と比較…"), lambda: _compare(w), (), None,
                            QCoreApplication.translate("MainWindow", "前の会議の版と比べて変更点を確認し、コメントを引き継ぎます"))

    bar = w.menuBar()
    w.file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "ファイル(&F)"))
    w.file_menu.addAction(w.act_open)
    w.recent_menu = QMenu(QCoreApplication.translate("MainWindow", "最近使ったファイル"), w)
    w.recent_menu.aboutToShow.connect(w.fill_recent_menu)
    w.file_menu.addMenu(w.recent_menu)
    w.file_menu.addAction(w.act_close)
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.act_send_to_chair)
    w.file_menu.addAction(w.act_import_members)
    w.file_menu.addAction(w.act_export_sheet)
    w.file_menu.addAction(w.act_compare)
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.act_quit)
    # 編集 and コメント are filled by the annotation controller (created after the first paint); the menus exist
    # from the start so the menu bar does not change under the member's eyes.
    w.edit_menu = bar.addMenu(QCoreApplication.translate("AnnotationController", "編集(&E)"))
    w.view_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "表示(&V)"))
    for action in (w.act_zoom_in, w.act_zoom_out, w.act_fit_width, w.act_fit_page):
        w.view_menu.addAction(action)
    w.view_menu.addSeparator()
    w.view_menu.addAction(w.act_full_screen)
    w.view_menu.addSeparator()
    w.go_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "移動(&G)"))
    for action in (w.act_goto, w.act_back, w.act_forward, w.act_find, w.act_next_hit, w.act_prev_hit):
        w.go_menu.addAction(action)
    w.comment_menu = bar.addMenu(QCoreApplication.translate("AnnotationController", "コメント(&C)"))
    for menu in (w.edit_menu, w.comment_menu):
        menu.aboutToShow.connect(w.ensure_annotations)
    w.tools_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "ツール(&T)"))
    w.tools_menu.addAction(w.act_settings)
    w.tools_menu.addAction(w.act_member)
    w.help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "ヘルプ(&H)"))
    w.help_menu.addAction(w.act_help)
    w.help_menu.addAction(w.act_about)

    w.toolbar = QToolBar(QCoreApplication.translate("MainWindow", "ツールバー"), w)
    w.toolbar.setObjectName("main_toolbar")
    w.toolbar.setMovable(False)
    w.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for action in (w.act_open, None, w.act_back, w.act_forward, None, w.act_zoom_out, w.act_zoom_in,
                   w.act_fit_width, w.act_fit_page, None, w.act_goto, w.act_find, None, w.act_settings):
        if action is None:
            w.toolbar.addSeparator()
        else:
            w.toolbar.addAction(action)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, w.toolbar)
    # The review's two exchanges with words beside their icons: members look for them by name.
    w.exchange_toolbar = QToolBar(QCoreApplication.translate("MainWindow", "コメントの受け渡し"), w)
    w.exchange_toolbar.setObjectName("exchange_toolbar")
    w.exchange_toolbar.setMovable(False)
    for action in (w.act_send_to_chair, w.act_import_members):
        w.exchange_toolbar.addAction(action)
        button = w.exchange_toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, w.exchange_toolbar)
    apply_text_size(w)


def apply_text_size(window: Any) -> None:
    """The icons follow the text size; the page's default zoom fits its width but keeps 10.5 pt text at least 12 px
    high, whatever the text size. A floor that grew with large text (147 % at 特大) cut the page in half beside
    the side panels on a laptop's screen, so that every line needed scrolling sideways; Ctrl++ enlarges the page
    and is kept."""
    from ui.theme import icon_size, minimum_zoom_for_readable_text

    size = icon_size(window.settings.text_size)
    for toolbar in (window.toolbar, window.exchange_toolbar):
        toolbar.setIconSize(QSize(size, size))
    window.page_view.set_minimum_fit_zoom(minimum_zoom_for_readable_text("normal"))


def refresh_icons(window: Any) -> None:
    """Draw the toolbar's icons again for the current contrast (light lines on black in high contrast)."""
    for action in window.findChildren(QAction):
        name = action.property(ICON_PROPERTY)
        if isinstance(name, str) and name:
            action.setIcon(icon(name))
    if window.annotations is not None:
        window.annotations.refresh_tool_icons()


def show_help(window: Any) -> None:
    """The built-in help (F1), in the UI language."""
    from ui.dialogs.help import show_help as show

    show(window)


def settings_dialog(window: Any) -> None:
    """ツール > 設定…: language, text size, contrast; the window follows at once (the language at the next start)."""
    from PySide6.QtWidgets import QApplication

    from ui import notify
    from ui.dialogs.settings import SettingsDialog
    from ui.theme import apply_theme

    text_size = window.settings.text_size
    dialog = SettingsDialog(window.settings, window)
    if dialog.exec() != SettingsDialog.DialogCode.Accepted:
        return
    language_changed = dialog.save()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, window.settings.text_size, window.settings.high_contrast)
    apply_text_size(window)
    refresh_icons(window)
    if window.settings.text_size != text_size:
        window.fit_docks_to_text_size()
    # The new font shows the status bar's own widgets again under a message it still shows (the two texts were drawn
    # over each other): the message is shown again, which hides them as at first.
    message = window.statusBar().currentMessage()
    if message:
        window.statusBar().showMessage(message, 10_000)
    window.panels.refill_structure()  # badge colours follow the contrast setting; progress is kept
    if window.annotations is not None:
        window.annotations.refresh()
    if language_changed:
        notify.info(window, QCoreApplication.translate("MainWindow", "設定"),
                    QCoreApplication.translate("MainWindow", "表示言語は次回の起動時に切り替わります。"))


def about(window: Any) -> None:
    """ヘルプ > PIA Reviewer について."""
    from reviewer import __version__
    from ui import notify

    notify.info(window, QCoreApplication.translate("MainWindow", "PIA Reviewer について"), QCoreApplication.translate(
        "MainWindow", "PIA Reviewer {version}\n特定個人情報保護評価書（全項目評価書）の第三者点検を支援するアプリです。").format(
        version=__version__))
