"""Undo/redo for the GUI: a ``QUndoStack`` over the core's undoable commands (``reviewer.commands``).

A core command is a value with a Japanese ``title`` whose ``apply(store)`` performs the change and returns the
command that reverts it. :class:`UndoService` applies a command at once (so a failure is reported before anything
lands on the stack), then keeps it on the stack as a :class:`StoreUndoCommand`; undo applies the inverse and keeps
the inverse's inverse for redo. Consecutive edits of the same kind (e.g. the text) of one comment within a few
seconds merge into one entry (``mergeWith``), and :meth:`UndoService.macro` groups several commands under one name.

Signals of :class:`UndoService`:
    failed(str): a command could not be applied (Japanese message); the stack is left unchanged.
    replayed(): an entry was undone or redone (views refresh).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from reviewer.errors import ReviewerError

# The core's command titles (reviewer/commands.py) are Japanese; listed here so lupdate puts them in the
# catalog under the "commands" context that UndoCommand translates them with.
COMMAND_TITLES = (
    QT_TRANSLATE_NOOP("commands", "コメントを追加"),
    QT_TRANSLATE_NOOP("commands", "コメントを削除"),
    QT_TRANSLATE_NOOP("commands", "コメントを編集"),
    QT_TRANSLATE_NOOP("commands", "分類を変更"),
    QT_TRANSLATE_NOOP("commands", "対応状況を変更"),
    QT_TRANSLATE_NOOP("commands", "コメントの位置を変更"),
    QT_TRANSLATE_NOOP("commands", "シートへの掲載を変更"),
    QT_TRANSLATE_NOOP("commands", "シートの文面を編集"),
    QT_TRANSLATE_NOOP("commands", "回答を編集"),
    QT_TRANSLATE_NOOP("commands", "回答を取り込み"),
    QT_TRANSLATE_NOOP("commands", "確認済みにする"),
    QT_TRANSLATE_NOOP("commands", "確認済みを取り消す"),
    QT_TRANSLATE_NOOP("commands", "判断を「同意」にする"),
    QT_TRANSLATE_NOOP("commands", "判断を「疑問あり」にする"),
)

log = logging.getLogger("ui.undo")

MERGE_SECONDS = 5.0
_EDIT_MERGE_ID = 0x5EED


class CoreCommand(Protocol):
    """What ``reviewer.commands`` provides: a titled value whose ``apply`` returns its inverse."""

    @property
    def title(self) -> str: ...

    def apply(self, store: Any) -> CoreCommand: ...


def _edit_target(command: Any) -> str | None:
    """The annotation id an edit command changes (for merging consecutive edits), else None."""
    if type(command).__name__ != "EditAnnotation":
        return None
    ident = getattr(command, "annotation_id", None)
    return ident if isinstance(ident, str) else None


class StoreUndoCommand(QUndoCommand):
    """One entry of the undo stack: a core command that has already been applied once."""

    def __init__(self, service: UndoService, forward: CoreCommand, inverse: CoreCommand) -> None:
        super().__init__(QCoreApplication.translate("commands", forward.title))
        self._service = service
        self._forward: CoreCommand | None = None  # set on undo: the command that redoes
        self._inverse: CoreCommand | None = inverse
        self._first_redo = True
        self._title = forward.title
        self._merge_target = _edit_target(forward)
        self._stamp = time.monotonic()

    @property
    def title(self) -> str:
        return self._title

    def redo(self) -> None:
        if self._first_redo:  # already applied by UndoService.push
            self._first_redo = False
            return
        if self._forward is None:
            return
        self._inverse = self._service._apply(self._forward)
        if self._inverse is None:
            self.setObsolete(True)
        self._forward = None
        self._service.replayed.emit()

    def undo(self) -> None:
        if self._inverse is None:
            return
        self._forward = self._service._apply(self._inverse)
        if self._forward is None:
            self.setObsolete(True)
        self._inverse = None
        self._service.replayed.emit()

    def id(self) -> int:
        return _EDIT_MERGE_ID if self._merge_target is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, StoreUndoCommand) or other._merge_target != self._merge_target:
            return False
        if other._title != self._title:  # only the same kind of edit (e.g. typing the text) merges
            return False
        if other._stamp - self._stamp > MERGE_SECONDS or self._inverse is None or other._inverse is None:
            return False
        mine, theirs = self._inverse, other._inverse
        # Our inverse goes from our result back to the start; theirs from their result back to our result.
        # The merged inverse goes from their result straight back to the start.
        try:
            merged = type(mine)(old=theirs.old, new=mine.new, title=self._title)  # type: ignore[attr-defined,call-arg]
        except (TypeError, ValueError, AttributeError):
            return False
        self._inverse = merged
        self._stamp = other._stamp
        return True


class UndoService(QObject):
    """Applies core commands to the store and records them for undo/redo."""

    failed = Signal(str)
    replayed = Signal()

    def __init__(self, store: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = QUndoStack(self)
        self._macro_depth = 0
        self._actions: tuple[QAction, QAction] | None = None

    def set_store(self, store: Any) -> None:
        """Switch to another store (e.g. after unlocking); the history of the old one is dropped."""
        self.store = store
        self.stack.clear()

    def push(self, command: CoreCommand) -> bool:
        """Apply ``command`` now and record it. Returns False (and emits ``failed``) if it could not be applied."""
        inverse = self._apply(command)
        if inverse is None:
            return False
        self.stack.push(StoreUndoCommand(self, command, inverse))
        return True

    @contextmanager
    def macro(self, title: str) -> Iterator[None]:
        """Group the commands pushed inside the block into one undo entry named ``title``."""
        self.stack.beginMacro(title)
        self._macro_depth += 1
        try:
            yield
        finally:
            self._macro_depth -= 1
            self.stack.endMacro()

    def undo_text(self) -> str:
        return self.stack.undoText()

    def redo_text(self) -> str:
        return self.stack.redoText()

    def create_actions(self, parent: QObject) -> tuple[QAction, QAction]:
        """Undo (Ctrl+Z) and redo (Ctrl+Shift+Z, also Ctrl+Y) actions named after their entry,
        e.g. 「元に戻す: コメントを削除」."""
        undo = QAction(self.tr("元に戻す"), parent)
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        undo.triggered.connect(self.stack.undo)
        redo = QAction(self.tr("やり直す"), parent)
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        redo.triggered.connect(self.stack.redo)

        self._actions = (undo, redo)
        self.stack.indexChanged.connect(self._update_actions)
        self.stack.cleanChanged.connect(self._update_actions)
        self._update_actions()
        return undo, redo

    def _update_actions(self, *_args: object) -> None:
        from shiboken6 import isValid

        if self._actions is None or not isValid(self.stack) or not all(isValid(a) for a in self._actions):
            return  # the stack or the actions are being destroyed
        undo, redo = self._actions
        undo_text, redo_text = self.stack.undoText(), self.stack.redoText()
        undo.setText(self.tr("元に戻す: {name}").format(name=undo_text) if undo_text else self.tr("元に戻す"))
        redo.setText(self.tr("やり直す: {name}").format(name=redo_text) if redo_text else self.tr("やり直す"))
        undo.setEnabled(self.stack.canUndo())
        redo.setEnabled(self.stack.canRedo())

    def _apply(self, command: CoreCommand) -> CoreCommand | None:
        if self.store is None:
            self.failed.emit(self.tr("コメントの保存先が開かれていません。"))
            return None
        try:
            return command.apply(self.store)
        except ReviewerError as exc:
            log.warning("command %s failed: %s", type(command).__name__, exc.message_en)
            self.failed.emit(exc.message_ja)
        except Exception as exc:  # a bug or an environment error: keep the app usable
            log.exception("command %s failed", type(command).__name__)
            self.failed.emit(self.tr("変更を保存できませんでした（{error}）。").format(error=type(exc).__name__))
        return None
