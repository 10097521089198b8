"""The left panels (目次, サムネイル, 検索), created after the first paint and bound to the packet session.

Each panel learns about the packet only from the session's ``changed`` signal (and what the session holds); none
asks the window or another panel for state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget

from ui.session import CLOSED, INDEX, OUTLINE, PACKET, PacketSession, SessionChange

if TYPE_CHECKING:
    from ui.panels.outline import OutlinePanel
    from ui.panels.search import SearchPanel
    from ui.panels.thumbnails import ThumbnailsPanel



class WindowPanels:
    """Creates the panels in ``tabs`` (one at a time, idempotent) and keeps them in step with ``session``."""

    def __init__(self, session: PacketSession, tabs: QTabWidget, page_view: Any) -> None:
        self.session = session
        self.tabs = tabs
        self.page_view = page_view
        self.outline: OutlinePanel | None = None
        self.thumbnails: ThumbnailsPanel | None = None
        self.search: SearchPanel | None = None
        self._shown_outline: Any = None  # the outline the tree shows (or is filling)
        self.on_structure_shown: Callable[[Any], object] | None = None  # called when the tree is complete
        self.on_correction: Callable[[Any], object] | None = None  # a correction asked from the tree
        self.on_comment_found: Callable[[str], object] | None = None  # a comment picked among search results
        session.changed.connect(self._on_changed)

    # ------------------------------------------------------------------------------------------ building
    def build_all(self) -> None:
        self.build_outline()
        self.build_thumbnails()
        self.build_search()

    def build_outline(self) -> None:
        if self.outline is not None:
            return
        from ui.panels.outline import OutlinePanel

        self.outline = OutlinePanel()
        self.tabs.insertTab(0, self.outline, QCoreApplication.translate("MainWindow", "目次"))
        self.tabs.setCurrentIndex(0)
        self.outline.jump_requested.connect(self._jump_to_node)
        self.outline.correction_requested.connect(
            lambda request: self.on_correction(request) if self.on_correction is not None else None)
        self._show_structure()

    def build_thumbnails(self) -> None:
        if self.thumbnails is not None:
            return
        self.build_outline()
        from ui.panels.thumbnails import ThumbnailsPanel

        self.thumbnails = ThumbnailsPanel()
        self.thumbnails.set_source(self.page_view)  # the page view's worker renders them (one PDF owner)
        self.tabs.insertTab(1, self.thumbnails, QCoreApplication.translate("MainWindow", "サムネイル"))
        self.thumbnails.page_requested.connect(lambda page: self.page_view.go_to(page, None))
        if self.session.path is not None:
            self.thumbnails.set_document(self.session.path, self.session.password, self.session.page_labels)

    def build_search(self) -> None:
        if self.search is not None:
            return
        self.build_thumbnails()
        from ui.panels.search import SearchPanel

        panel = SearchPanel()
        self.search = panel
        self.tabs.insertTab(2, panel, QCoreApplication.translate("MainWindow", "検索"))
        panel.hits_changed.connect(self.page_view.set_search_hits)
        # Highlights are computed for the pages coming into view rather than for every hit up front.
        self.page_view.current_page_changed.connect(panel.set_current_page)
        if self.page_view.current_page() >= 0:
            panel.set_current_page(self.page_view.current_page())
        panel.hit_activated.connect(lambda page, rect: self.page_view.scroll_to_hit(page, tuple(rect)))
        panel.comment_activated.connect(self._comment_found)
        panel.annotation_source = lambda: list(self.session.annotations)
        self._search_packet()

    def _comment_found(self, annotation_id: str, page: int) -> None:
        if self.on_comment_found is not None:
            self.on_comment_found(annotation_id)  # its passage, and the comment selected in its panel
        else:
            self.page_view.go_to(page, None)

    # ------------------------------------------------------------------------------------------ session
    def _on_changed(self, change: SessionChange) -> None:
        session = self.session
        if CLOSED in change or PACKET in change:
            self._shown_outline = None
            if self.outline is not None:
                if session.path is not None:
                    self.outline.clear()
                else:
                    self.outline.clear_closed()
            if self.thumbnails is not None:
                if session.path is None:
                    self.thumbnails.close_document()
                else:
                    self.thumbnails.set_document(session.path, session.password, session.page_labels)
            if self.search is not None:
                self._search_packet()
        if OUTLINE in change:
            self._show_structure()
            if self.thumbnails is not None and session.path is not None:
                self.thumbnails.set_labels(session.page_labels)
            if self.search is not None:
                self._search_packet()  # takes the outline too
        if INDEX in change and self.search is not None:
            self._search_index_state()

    def _show_structure(self) -> None:
        """Fill the tree with the session's structure (in slices), or the page list when detection failed."""
        panel, session = self.outline, self.session
        if panel is None or session.path is None:
            return
        if session.outline is not None:
            if self._shown_outline is session.outline:
                return
            outline = session.outline
            self._shown_outline = outline

            def done() -> None:
                if self.on_structure_shown is not None and self.session.outline is outline:
                    self.on_structure_shown(outline)

            panel.set_outline_incremental(outline, on_done=done)
        elif session.outline_error:
            panel.set_page_list(session.page_labels)
            panel.message.setText(session.outline_error)

    def refill_structure(self) -> None:
        """Redraw the tree (colours changed); progress marks are kept (the controller sets them again), and so
        are the rows the member opened or closed (the tree folded back up)."""
        panel, session = self.outline, self.session
        if panel is None:
            return
        if session.outline is not None:  # a fill follows
            opened, generation = panel.expanded_keys(), session.generation

            def restore() -> None:
                panel.fill_finished.disconnect(restore)
                if session.generation == generation:  # still this packet
                    panel.restore_expanded(opened)

            panel.fill_finished.connect(restore)
        self._shown_outline = None
        self._show_structure()

    def _search_packet(self) -> None:
        panel, session = self.search, self.session
        if panel is None:
            return
        if session.index_path:
            panel.index_path = session.index_path
        if session.outline is not None:
            panel.set_outline(session.outline)
        panel.set_packet(session.sha256 if session.outline is not None else "",
                         "none" if session.path is None else "building")
        self._search_index_state()

    def _search_index_state(self) -> None:
        panel, session = self.search, self.session
        if panel is None or session.path is None:
            return
        if session.index_path:
            panel.index_path = session.index_path
        if session.index_state == "ready":
            panel.sha256 = session.sha256
            panel.set_index_state("ready")
            if not panel.query.text().strip():
                panel.status.setText(QCoreApplication.translate("MainWindow", "検索できます。"))
        elif session.index_state == "failed":
            panel.set_index_state("failed")
        elif session.index_state == "building":
            panel.set_index_state("building", session.index_progress)

    def _jump_to_node(self, page: int, y: float) -> None:
        self.page_view.go_to(page, None if math.isnan(y) else y)

    # ------------------------------------------------------------------------------------------ position
    def follow(self, page: int, y: float) -> None:
        if self.outline is not None:
            self.outline.follow(page, y)
        if self.thumbnails is not None:
            self.thumbnails.set_current(page)

    def close(self) -> None:
        if self.thumbnails is not None:
            self.thumbnails.close_document()
