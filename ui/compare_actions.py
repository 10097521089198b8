"""The second meeting in the window: the open packet compared with its earlier version, and the comments carried.

* ファイル > 前の版と比較… asks for the earlier PDF; :meth:`CompareActions.compare_with` runs the comparison in the
  worker process (PyMuPDF is not thread-safe: the job opens its own documents) with progress and 中止, then carries
  the profile's comments on the earlier version to the open packet in a worker thread (the store serialises its
  writes; carrying is idempotent, so comparing again creates nothing new).
* The 「変更点」 dock: the :class:`ui.panels.changes.ChangesPanel` beside a :class:`ChangeView` (the change in its
  page, the old row beside it); a click on a change also moves the main page view to it and highlights the added
  text there. 確認済み on a change is an undoable command (``mark_change``).
* The 「引き継いだコメント」 tab: every carried comment with its status; a click shows its
  :class:`CarriedCommentCard` (old quote, new text, the difference) where 対応確認済み / 再指摘 are recorded
  (undoable ``SetCarriedCheck``). The carried comments are ordinary comments of the packet, so the comments panel
  lists them too.
* When a packet whose reports match a packet already in the profile (``earlier_versions``) is opened, the member
  is asked once (non-blocking) whether to compare it with the earlier one.

Signals of :class:`CompareActions`:
    compared(object): the :class:`reviewer.compare.service.Comparison` now shown (carrying done).
    offered(object): the :class:`reviewer.compare.pairing.EarlierVersion` the member was asked about.
    failed(str): the message shown for a failed comparison.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer.errors import ReviewerError
from ui import file_dialogs, notify
from ui.display_words import category_label
from ui.ops import Op
from ui.session import ANNOTATIONS, CLOSED, MARKS, OUTLINE, PACKET, STORE, SessionChange

if TYPE_CHECKING:
    from reviewer.compare.diff import RowChange
    from reviewer.compare.service import Comparison
    from ui.panels.changes import CarriedCommentCard, ChangesPanel, ChangeView

log = logging.getLogger("ui.compare")

# The titles of this module's undoable commands (reviewer.compare.commands), for lupdate: the undo stack
# translates them in the "commands" context.
COMMAND_TITLES = (
    QT_TRANSLATE_NOOP("commands", "変更を確認済みにする"),
    QT_TRANSLATE_NOOP("commands", "変更の確認済みを取り消す"),
    QT_TRANSLATE_NOOP("commands", "「対応確認済み」にする"),
    QT_TRANSLATE_NOOP("commands", "「再指摘」にする"),
    QT_TRANSLATE_NOOP("commands", "確認結果を取り消す"),
)
OFFERED_SETTING = "compare_offered:"  # + the revised packet's sha256: the offer is made once per packet
ROLE_NEW_ID = Qt.ItemDataRole.UserRole + 21
CARRIED_COLORS = {"unchanged": "#2e7d32", "changed": "#b26a00", "removed": "#8b0000"}


# ------------------------------------------------------------------------------------------------ core side
def compare_job(old_path: str, new_path: str, profile: str, old_password: str | None, new_password: str | None,
                progress: Any = None, cancelled: Any = None) -> Comparison:
    """Load both versions and compare them (worker process: plain values in, a picklable Comparison out).

    Progress is one bar over both versions (each one's structure, then its rows: ``load_versions``), which are
    read at the same time in two processes."""
    from reviewer.compare.service import compare_versions, load_versions

    return compare_versions(*load_versions(old_path, new_path, profile, old_password=old_password,
                                           new_password=new_password, progress=progress, cancelled=cancelled))


def carry_job(store: Any, comparison: Comparison) -> tuple[list[Any], list[Any]]:
    """Carry the store's comments on the old version to the new one (worker thread; the store locks its writes).
    Returns the carried comments and the old version's comments (for the department's answers)."""
    from reviewer.compare.carry import carry_comments

    carried = carry_comments(store, comparison.old, comparison.new)
    return carried, list(store.annotations(comparison.old.sha256))


# ------------------------------------------------------------------------------------------------ GUI side
class CompareActions(QObject):
    """The comparison for ``window`` (a :class:`ui.main_window.MainWindow`): its menu action, op and dock."""

    compared = Signal(object)
    offered = Signal(object)
    failed = Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.comparison: Comparison | None = None
        self.old_path: Path | None = None
        self._op: Op[Any] | None = None
        self._offered: set[str] = set()
        self._looked_in = -1  # the session generation (open) whose earlier versions were looked for
        self._links: dict[str, Any] = {}  # new id → CarriedLink of the shown comparison
        self.dock: QDockWidget | None = None
        self.panel: ChangesPanel | None = None
        self.view: ChangeView | None = None
        self.card: CarriedCommentCard | None = None
        self.carried_tree: QTreeWidget | None = None
        self.session.changed.connect(self._on_session_changed)
        controller = window.annotations
        if controller is not None:
            controller.panel.annotation_activated.connect(self._show_carried)
        self._maybe_offer()
        try:
            self._load_links()
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)

    # -------------------------------------------------------------------------------- the dock
    def ensure_dock(self) -> QDockWidget:
        """The 「変更点」 dock (below the page), made on first use."""
        if self.dock is not None:
            return self.dock
        from ui.panels.changes import CarriedCommentCard, ChangesPanel, ChangeView

        window = self.window
        dock = QDockWidget(self.tr("変更点"), window)
        dock.setObjectName("changes_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        body = QWidget(dock)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        progress_row = QHBoxLayout()
        self.progress_label = QLabel(body)
        self.progress_bar = QProgressBar(body)
        self.cancel_button = QPushButton(self.tr("中止"), body)
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget(body)
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()
        layout.addWidget(self.progress_box)

        self.tabs = QTabWidget(body)
        self.panel = ChangesPanel(on_reviewed=self.mark_reviewed)
        self.view = ChangeView()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.panel)
        splitter.addWidget(self.view)
        # The list first: its rows name the form row and the change, cut short when it is narrow.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.changes_splitter = splitter
        self.tabs.addTab(splitter, self.tr("変更点"))
        self.panel.change_activated.connect(self.show_change)

        carried = QWidget()
        carried_layout = QHBoxLayout(carried)
        carried_layout.setContentsMargins(0, 0, 0, 0)
        tree = QTreeWidget(carried)
        tree.setColumnCount(4)
        tree.setHeaderLabels([self.tr("状態"), self.tr("頁"), self.tr("コメント"), self.tr("確認結果")])
        tree.setRootIsDecorated(False)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = tree.header()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        tree.itemClicked.connect(lambda item, _column: self._show_carried(str(item.data(0, ROLE_NEW_ID))))
        tree.itemActivated.connect(lambda item, _column: self._show_carried(str(item.data(0, ROLE_NEW_ID))))
        self.carried_tree = tree
        self.card = CarriedCommentCard(carried, on_check=self.set_carried_check)
        carried_split = QSplitter(Qt.Orientation.Horizontal, carried)
        carried_split.addWidget(tree)
        carried_split.addWidget(self.card)
        carried_split.setStretchFactor(0, 1)
        carried_split.setStretchFactor(1, 1)
        carried_layout.addWidget(carried_split)
        self.tabs.addTab(carried, self.tr("引き継いだコメント"))
        layout.addWidget(self.tabs, 1)

        dock.setWidget(body)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        # About a third of the window below the page; less on a laptop's short screen, where the page needs it.
        share = 0.35 if window.height() >= 900 else 0.3
        window.resizeDocks([dock], [max(200, int(window.height() * share))], Qt.Orientation.Vertical)
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            view_menu.addAction(dock.toggleViewAction())
        self.dock = dock
        return dock

    # -------------------------------------------------------------------------------- comparing
    def choose_earlier(self) -> None:
        """ファイル > 前の版と比較…: ask for the earlier PDF, then compare."""
        session = self.session
        if session.path is None:
            self._warn(self.tr("PDFが開かれていません。"))
            return
        # The earlier version the profile knows, chosen already (the dialog selects a file given as its start).
        start = self._earlier_path() or str(session.path.parent)
        path = file_dialogs.open_file(self.window, self.tr("前の版のPDFを選ぶ"), start,
                                      self.tr("PDF ファイル (*.pdf)"))
        if path:
            self.compare_with(Path(path))

    def _earlier_path(self) -> str | None:
        """The file of the most recent earlier version of the open packet in the profile, if it is still there."""
        session = self.session
        if session.store is None or session.outline is None:
            return None
        from reviewer.compare.pairing import earlier_versions
        from reviewer.paths import data_dir

        try:
            found = earlier_versions(session.store, session.outline, data_dir(session.profile))
        except (ReviewerError, OSError) as exc:
            log.warning("earlier versions: %s", type(exc).__name__)
            return None
        return next((e.path for e in found if Path(e.path).is_file()), None)

    def compare_with(self, old_path: Path, old_password: str | None = None) -> None:
        """Compare the open packet with ``old_path`` in the background, then carry the comments and show both."""
        session = self.session
        if session.path is None:
            self._warn(self.tr("PDFが開かれていません。"))
            return
        if self._op is not None and self._op.is_running():
            self._op.cancel()
        from ui.unlock import Cancelled, password_for

        try:
            # The earlier packet is often protected by the same password; else the member is asked (once, here:
            # the worker cannot ask). A file that is no PDF at all is refused before any work starts.
            old_password = password_for(self.window, Path(old_path), old_password or session.password,
                                        ask=not getattr(self.window, "batch_mode", False))
        except Cancelled:
            return
        except ReviewerError as exc:
            self._warn(notify.error_text(exc))
            return
        from reviewer.paths import data_dir

        self.old_path = Path(old_path)
        self.ensure_dock().show()
        self._set_progress(self.tr("前の版と比較中…"), 0, 0)
        generation = session.generation
        op: Op[Any] = (
            Op(self, compare_job, str(old_path), str(session.path), str(data_dir(session.profile)), old_password,
               session.password)
            .with_progress(lambda done, total: self._set_progress(self.tr("前の版と比較中…"), done, total))
            .success(lambda comparison: self._compared(generation, comparison))
            .failure(self._on_error)
        )
        op.finally_(lambda: self._op_done(op))
        self._op = op
        op.run_in_process()

    def cancel(self) -> None:
        if self._op is not None:
            self._op.cancel()
        self._hide_progress()
        self.window.statusBar().showMessage(self.tr("比較を中止しました。"), 5000)

    def _op_done(self, op: Op[Any]) -> None:
        if self._op is op and self.comparison is None:
            self._hide_progress()

    def _compared(self, generation: int, comparison: Comparison) -> None:
        session = self.session
        if generation != session.generation:
            return  # another packet was opened meanwhile
        if comparison.new.sha256 == comparison.old.sha256:
            self._hide_progress()
            self._warn(self.tr("同じファイルです。前の会議の版を選んでください。"))
            return
        store = session.store
        if store is None:
            self._show(comparison, [], [])
            return
        for sha in (comparison.new.sha256, comparison.old.sha256):
            # Compared once, neither packet is offered the other again (the earlier one would see the later
            # one as "its earlier version" when reopened).
            self._offered.add(sha)
            try:
                if not store.get_setting(OFFERED_SETTING + sha, ""):
                    store.set_setting(OFFERED_SETTING + sha, comparison.old.sha256 if sha == comparison.new.sha256
                                      else comparison.new.sha256)
            except ReviewerError as exc:
                log.warning("store: %s", exc.message_en)
        self._set_progress(self.tr("コメントを引き継いでいます…"), 0, 0)
        op: Op[Any] = (
            Op(self, carry_job, store, comparison)
            .success(lambda result: self._carried(generation, comparison, result))
            .failure(self._on_error)
        )
        op.finally_(lambda: self._hide_progress() if self._op is op else None)
        self._op = op
        op.run_in_thread(lane="compare")

    def _carried(self, generation: int, comparison: Comparison, result: tuple[list[Any], list[Any]]) -> None:
        if generation != self.session.generation:
            return
        carried, old_annotations = result
        created = sum(1 for c in carried if c.created)
        self._show(comparison, carried, old_annotations)
        self.window.statusBar().showMessage(self.tr(
            "変更 {changes} 件（未申告 {undeclared} 件）。前の版のコメント {carried} 件を引き継ぎました（新規 {created} 件）。"
        ).format(changes=len(comparison.changes()), carried=len(carried), created=created,
                 undeclared=sum(1 for c in comparison.changes() if not c.declared)), 15000)

    def _show(self, comparison: Comparison, carried: list[Any], old_annotations: list[Any]) -> None:
        from reviewer.compare.review import answers_for_changes, reviewed_changes

        self._hide_progress()
        self.comparison = comparison
        self.ensure_dock().show()
        assert self.panel is not None
        store = self.session.store
        reviewed = reviewed_changes(store, comparison.new.sha256) if store is not None else set()
        self.panel.set_comparison(comparison, reviewed=reviewed,
                                  answers=answers_for_changes(comparison, old_annotations))
        self._fill_carried()
        self.tabs.setCurrentIndex(0)
        self.compared.emit(comparison)

    # -------------------------------------------------------------------------------- showing a change
    def show_change(self, change: RowChange) -> None:
        """Show ``change`` in the dock's page view and move the main page view to it, the added text marked."""
        from reviewer.compare.review import change_marks

        comparison = self.comparison
        if comparison is None or self.view is None:
            return
        old_pdf = self.old_path if self.old_path is not None and self.old_path.is_file() else None
        try:
            self.view.show_change(comparison.new.path, change, zoom=1.2, old_pdf=old_pdf)
        except (OSError, RuntimeError, ValueError) as exc:  # the file moved or cannot be read any more
            log.warning("change view: %s", type(exc).__name__)
        if comparison.new.sha256 != self.session.sha256 or change.new_page is None:
            return
        marks = [m for m in change_marks(change) if m.added] or change_marks(change)
        page_view = self.window.page_view
        if marks:
            hits: dict[int, list[Any]] = {}
            for mark in marks:
                hits.setdefault(mark.page, []).append(tuple(mark.rect))
            # The search hits' layer marks the change (a new search replaces it).
            page_view.set_search_hits(hits, (marks[0].page, 0))
            page_view.go_to(marks[0].page, max(0.0, marks[0].rect[1] - 40.0))
        else:
            y = change.new_y if change.new_y is not None else None
            page_view.go_to(change.new_page, y)

    def mark_reviewed(self, change: RowChange, reviewed: bool) -> None:
        """確認済み on a change: undoable, in the revised packet's review marks."""
        from reviewer.compare.commands import mark_change

        comparison = self.comparison
        if comparison is None:
            return
        self.window.ensure_annotations().undo.push(mark_change(comparison.new.sha256, change, reviewed))

    # -------------------------------------------------------------------------------- carried comments
    def _load_links(self) -> None:
        """The carried comments of the open packet (also those carried in an earlier run)."""
        store, sha = self.session.store, self.session.sha256
        self._links = {link.new_id: link for link in store.carried_links(new_sha256=sha)} \
            if store is not None and sha else {}

    def _fill_carried(self) -> None:
        self._load_links()
        tree, store = self.carried_tree, self.session.store
        if tree is None or store is None:
            return
        current = tree.currentItem()
        selected = str(current.data(0, ROLE_NEW_ID)) if current is not None else ""
        links = list(self._links.values())
        order = {"removed": 0, "changed": 1, "unchanged": 2}
        tree.clear()
        carried = [(link, a) for link in links if (a := store.get_annotation(link.new_id)) is not None]
        # Removed first, then changed, then unchanged; each in the order of the pages.
        for link, annotation in sorted(carried, key=lambda pair: (order.get(pair[0].status, 3), pair[1].page,
                                                                  pair[1].top, pair[0].new_id)):
            item = QTreeWidgetItem([self._status_word(link.status), annotation.page_label,
                                    f"［{category_label(annotation.category)}］{annotation.text}",
                                    self._check_word(link.check_result)])
            item.setData(0, ROLE_NEW_ID, link.new_id)
            item.setForeground(0, QBrush(QColor(CARRIED_COLORS.get(link.status, "#000000"))))
            item.setToolTip(2, annotation.text)
            tree.addTopLevelItem(item)
            if link.new_id == selected:
                tree.setCurrentItem(item)

    def _status_word(self, status: str) -> str:
        return {"unchanged": self.tr("記載変更なし"), "changed": self.tr("記載が変更された"),
                "removed": self.tr("削除された")}.get(status, status)

    def _check_word(self, result: str | None) -> str:
        return {"対応確認済み": self.tr("対応確認済み"), "再指摘": self.tr("再指摘")}.get(result or "", "")

    def carried_items(self) -> dict[str, tuple[str, str]]:
        """What the 引き継いだコメント tab shows: new id → (status word, check word)."""
        tree = self.carried_tree
        out: dict[str, tuple[str, str]] = {}
        if tree is None:
            return out
        for index in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(index)
            if item is not None:
                out[str(item.data(0, ROLE_NEW_ID))] = (item.text(0), item.text(3))
        return out

    def _show_carried(self, new_id: str) -> None:
        """Show the card of a carried comment (from the tab or the comments panel) and its passage."""
        link = self._links.get(new_id)
        store = self.session.store
        if link is None or store is None:
            return
        annotation = store.get_annotation(new_id)
        if annotation is None:
            return
        if self.card is None:  # carried in an earlier run: the dock is made when one is first chosen
            self.ensure_dock()
            self._fill_carried()
        assert self.card is not None
        self.card.show_comment(annotation, link.status, link.old_quote or "", link.new_text or "",
                               link.check_result)
        if self.dock is not None:
            self.dock.show()
        self.tabs.setCurrentIndex(1)
        tree = self.carried_tree
        if tree is not None:
            for index in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(index)
                if item is not None and item.data(0, ROLE_NEW_ID) == new_id and tree.currentItem() is not item:
                    tree.setCurrentItem(item)
        controller = self.window.annotations
        if controller is not None and controller.panel.selected_id() != new_id:
            controller.jump_to(new_id)

    def set_carried_check(self, new_id: str, result: str | None) -> None:
        """対応確認済み / 再指摘 on a carried comment: undoable."""
        from reviewer.compare.commands import SetCarriedCheck

        self.window.ensure_annotations().undo.push(SetCarriedCheck(new_id, result))

    # -------------------------------------------------------------------------------- the offer on open
    def _on_session_changed(self, change: SessionChange) -> None:
        if PACKET in change or CLOSED in change:
            self._forget()
        if OUTLINE in change or STORE in change:
            self._maybe_offer()
        if self.comparison is not None and (ANNOTATIONS in change or MARKS in change):
            self._refresh_marks()
        elif OUTLINE in change or STORE in change or ANNOTATIONS in change:
            try:
                if self.dock is not None and self.dock.isVisible():
                    self._fill_carried()
                else:
                    self._load_links()
            except ReviewerError as exc:
                log.warning("store: %s", exc.message_en)

    def _forget(self) -> None:
        """A new packet: the comparison shown belongs to the previous one."""
        if self._op is not None:
            self._op.cancel()
        self.comparison = None
        self._links = {}
        if self.dock is not None:
            self._hide_progress()
            self.dock.hide()

    def _refresh_marks(self) -> None:
        from reviewer.compare.review import reviewed_changes

        store, comparison = self.session.store, self.comparison
        if store is None or comparison is None or self.panel is None:
            return
        try:
            self.panel.set_reviewed(reviewed_changes(store, comparison.new.sha256))
            self._fill_carried()
            if self.card is not None and self.card.comment_id in self._links:
                link = self._links[self.card.comment_id]
                self.card.set_check(link.check_result)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)

    def _maybe_offer(self) -> None:
        """Ask once per packet whether to compare with an earlier version found in the profile. A packet that had
        none when it was opened is asked about when it is opened again after its earlier version was."""
        session = self.session
        store, outline, sha = session.store, session.outline, session.sha256
        if store is None or outline is None or not sha or sha in self._offered or self.comparison is not None:
            return
        if getattr(self.window, "batch_mode", False) or self._looked_in == session.generation:
            return
        self._looked_in = session.generation  # once per open: the profile's earlier versions do not change meanwhile
        from reviewer.compare.pairing import earlier_versions
        from reviewer.paths import data_dir

        try:
            if store.get_setting(OFFERED_SETTING + sha, ""):
                self._offered.add(sha)
                return
            found = earlier_versions(store, outline, data_dir(session.profile))
        except (ReviewerError, OSError) as exc:
            self._offered.add(sha)
            log.warning("earlier versions: %s", type(exc).__name__)
            return
        if not found:
            return
        self._offered.add(sha)
        earlier = found[0]
        try:
            store.set_setting(OFFERED_SETTING + sha, earlier.file_sha256)
        except ReviewerError as exc:
            log.warning("store: %s", exc.message_en)
        reports = "、".join(earlier.reports[:3]) + ("…" if len(earlier.reports) > 3 else "")
        generation = session.generation

        def answered(yes: bool) -> None:
            if yes and generation == self.session.generation and Path(earlier.path).is_file():
                self.compare_with(Path(earlier.path))

        question = self.tr("この資料の評価書（{reports}）は、以前に開いた資料「{name}」にも含まれています。")
        question += "\n\n" + self.tr("前の版と比較して変更点を確認し、前の版へのコメントを引き継ぎますか？")
        notify.ask(self.window, self.tr("前の版と比較"), question.format(reports=reports, name=earlier.name),
                   answered, default_yes=True)
        self.offered.emit(earlier)

    # -------------------------------------------------------------------------------- helpers
    def _set_progress(self, text: str, done: int, total: int) -> None:
        self.ensure_dock()
        self.progress_box.show()
        self.progress_label.setText(text)
        self.progress_bar.setRange(0, total if total > 0 else 0)
        if total > 0:
            self.progress_bar.setValue(done)
        self.window.statusBar().showMessage(text)

    def _hide_progress(self) -> None:
        if self.dock is not None:
            self.progress_box.hide()
        self.window.statusBar().clearMessage()

    def _warn(self, text: str) -> None:
        self.failed.emit(text)
        notify.error(self.window, self.tr("前の版と比較"), text)

    def _on_error(self, exc: BaseException) -> None:
        self._hide_progress()
        if not isinstance(exc, (ReviewerError, OSError)):
            log.error("compare failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._warn(notify.error_text(exc))


__all__ = ["CompareActions", "carry_job", "compare_job"]
