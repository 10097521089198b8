"""Corrections by hand from the GUI: the tree's context menu asks (``OutlinePanel.correction_requested``), the
dialog collects the values, and an undoable core command stores them. The caller redraws the tree from
:func:`corrected_outline` when the store reports a ``corrections`` change (or after this returns True)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QDialog, QWidget

from reviewer.annotations import now_iso
from reviewer.store.models import SETTING_MEMBER_NAME
from reviewer.structure.corrections import (
    ADD,
    HEADING,
    JUDGEMENT,
    Correction,
    PutCorrection,
    added_by,
    added_node,
    apply_corrections,
    heading_correction,
    judgement_correction,
    target_of,
)
from reviewer.structure.model import Node, Outline
from ui.dialogs.correction import CorrectionDialog
from ui.panels.outline import CorrectionRequest

# The core's correction command titles, for the Edit menu's 「元に戻す: …」 (translated in the "commands" context).
COMMAND_TITLES = (
    QT_TRANSLATE_NOOP("commands", "判断を修正"),
    QT_TRANSLATE_NOOP("commands", "見出しを修正"),
    QT_TRANSLATE_NOOP("commands", "リスクを追加"),
    QT_TRANSLATE_NOOP("commands", "節を追加"),
    QT_TRANSLATE_NOOP("commands", "修正を取り消す"),
)


class _Pushes(Protocol):
    def push(self, command: Any) -> bool: ...


def corrected_outline(store: Any, outline: Outline) -> Outline:
    """``outline`` (as detected) with the store's corrections of its packet laid over it."""
    return apply_corrections(outline, store.corrections(outline.sha256))


def _document_index(outline: Outline, node: Node) -> int | None:
    for index, document in enumerate(outline.documents):
        if any(candidate is node for candidate in document.nodes):
            return index
    return outline.document_at(node.page)


def correction_from_dialog(
    dialog: CorrectionDialog, store: Any, outline: Outline, node: Node, author: str,
) -> Correction:
    """The correction the dialog's values describe. An added node is corrected by changing the addition itself."""
    sha = outline.sha256
    action = dialog.action
    added = added_by(node)
    if action == ADD:
        kind, number, title, page, y, judgement = dialog.added_values()
        return added_node(sha, kind=kind, number=number, title=title, page=page, y=y,
                          document=_document_index(outline, node), judgement=judgement, author=author)
    if added is not None:
        addition: Correction | None = store.correction(added)
        if addition is not None:
            if action == JUDGEMENT:
                return replace(addition, judgement=dialog.chosen_judgement(), modified=now_iso())
            title, page, y = dialog.heading_values()
            return replace(addition, title=title, page=page, y=y, modified=now_iso())
    target = target_of(outline, node)
    if action == JUDGEMENT:
        return judgement_correction(sha, target, dialog.chosen_judgement(), author)
    title, page, y = dialog.heading_values()
    changed_title = title if title != node.title else None
    moved = (page, y) != (node.page, node.y)
    return heading_correction(sha, target, title=changed_title if changed_title or not moved else None,
                              page=page if moved else None, y=y if moved else None, author=author)


def run_correction(
    parent: QWidget | None, store: Any, outline: Outline, node: Node | CorrectionRequest,
    undo_stack: _Pushes | None, action: str | None = None,
) -> bool:
    """Ask for a correction of ``node`` (or a :class:`CorrectionRequest` from the tree) and store it through
    ``undo_stack`` (an ``ui.undo.UndoService``; None: applied without undo). True when something was stored.

    ``outline`` is the outline the tree shows (corrected or not) — the node must belong to it."""
    if isinstance(node, CorrectionRequest):
        action = action or node.action
        node = node.node
    dialog = CorrectionDialog(outline, node, action or (JUDGEMENT if node.kind == "risk" else HEADING), parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        author = str(store.get_setting(SETTING_MEMBER_NAME, "") or "")
        correction = correction_from_dialog(dialog, store, outline, node, author)
        title = {JUDGEMENT: "判断を修正", HEADING: "見出しを修正"}.get(dialog.action, correction.describe())
    finally:
        dialog.deleteLater()
    command = PutCorrection(correction, title=title)
    if undo_stack is not None:
        return undo_stack.push(command)
    command.apply(store)
    return True
