"""Undoable changes to the store, as values.

Each command's ``apply(store)`` performs the change (committed at once) and returns the command that
reverts it; applying that one returns a command that redoes the change, and so on. ``title`` is the
Japanese name shown in the Edit menu (「元に戻す: コメントを追加」). ``ui.undo`` wraps them in QUndoCommands.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Protocol

from reviewer.annotations import Annotation, now_iso
from reviewer.store.models import Reply
from reviewer.store.store import AnnotationMissing

if TYPE_CHECKING:
    from reviewer.store import Store

# Titles for edits that change only one thing; anything else is 「コメントを編集」.
_EDIT_TITLES: dict[frozenset[str], str] = {
    frozenset({"text"}): "コメントを編集",
    frozenset({"category"}): "分類を変更",
    frozenset({"status"}): "対応状況を変更",
    frozenset({"rects"}): "コメントの位置を変更",
    frozenset({"excluded"}): "シートへの掲載を変更",
    frozenset({"sheet_text"}): "シートの文面を編集",
    frozenset({"answer"}): "回答を編集",
}
_IGNORED_IN_TITLE = frozenset({"modified"})


class Command(Protocol):
    @property
    def title(self) -> str: ...

    def apply(self, store: Store) -> Command: ...


@dataclass(frozen=True, slots=True)
class AddAnnotation:
    """Add a comment (with its replies, when it is a deleted comment coming back)."""

    annotation: Annotation
    replies: tuple[Reply, ...] = ()
    title: str = "コメントを追加"

    def apply(self, store: Store) -> DeleteAnnotation:
        with store.transaction():
            store.add_annotation(self.annotation)
            for reply in self.replies:
                store.add_reply(reply)
        return DeleteAnnotation(self.annotation.id, title=_inverse_title(self.title, "コメントを削除"))


@dataclass(frozen=True, slots=True)
class DeleteAnnotation:
    """Delete a comment; the inverse brings it back with its replies, ids and times unchanged."""

    annotation_id: str
    title: str = "コメントを削除"

    def apply(self, store: Store) -> AddAnnotation:
        with store.transaction():
            current = store.get_annotation(self.annotation_id)
            if current is None:
                raise AnnotationMissing(self.annotation_id)
            replies = tuple(store.replies(self.annotation_id))
            store.delete_annotation(self.annotation_id)
        return AddAnnotation(current, replies, title=_inverse_title(self.title, "コメントを追加"))


@dataclass(frozen=True, slots=True)
class EditAnnotation:
    """Replace a comment's fields: ``old`` is how it was, ``new`` how it should be.

    ``modified`` is set to the time of applying (an undo is a change too, so that the newest version
    wins when members exchange comments).
    """

    old: Annotation
    new: Annotation
    title: str = field(default="")

    def __post_init__(self) -> None:
        if self.old.id != self.new.id:
            raise ValueError("EditAnnotation needs two versions of the same annotation")
        if not self.title:
            object.__setattr__(self, "title", edit_title(self.old, self.new))

    @property
    def annotation_id(self) -> str:
        return self.new.id

    def apply(self, store: Store) -> EditAnnotation:
        written = replace(self.new, modified=now_iso())
        store.update_annotation(written)
        return EditAnnotation(old=written, new=self.old, title=self.title)

    def merged_with(self, later: EditAnnotation) -> EditAnnotation | None:
        """One edit doing this and then ``later`` (for merging typing into one undo step), or None."""
        if later.annotation_id != self.annotation_id:
            return None
        return EditAnnotation(old=self.old, new=later.new)


def changed_fields(old: Annotation, new: Annotation) -> frozenset[str]:
    return frozenset(
        f.name for f in fields(Annotation) if getattr(old, f.name) != getattr(new, f.name)
    )


def edit_title(old: Annotation, new: Annotation) -> str:
    changed = changed_fields(old, new) - _IGNORED_IN_TITLE
    return _EDIT_TITLES.get(changed, "コメントを編集")


@dataclass(frozen=True, slots=True)
class SetReviewMark:
    """Set 確認済み and the member's view (同意 / 疑問あり / None) of one node."""

    file_sha256: str
    node_key: str
    reviewed: bool
    view: str | None = None
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", self._default_title())

    def _default_title(self) -> str:
        if self.view is not None:
            return f"判断を「{self.view}」にする"
        return "確認済みにする" if self.reviewed else "確認済みを取り消す"

    def apply(self, store: Store) -> SetReviewMark:
        with store.transaction():
            before = store.review_mark(self.file_sha256, self.node_key)
            store.set_review_mark(self.file_sha256, self.node_key, self.reviewed, self.view)
        if before is None:
            return SetReviewMark(self.file_sha256, self.node_key, False, None, title=self.title)
        return SetReviewMark(self.file_sha256, self.node_key, before.reviewed, before.view, title=self.title)


@dataclass(frozen=True, slots=True)
class Batch:
    """Several commands as one step, all or nothing; the inverse undoes them in reverse order."""

    commands: tuple[Command, ...]
    title: str

    def apply(self, store: Store) -> Batch:
        inverses: list[Command] = []
        with store.transaction():
            for command in self.commands:
                inverses.append(command.apply(store))
        return Batch(tuple(reversed(inverses)), self.title)


def _inverse_title(title: str, default_for_inverse: str) -> str:
    """Keep a caller-given title (e.g. 「コメントを移動」) for both directions; else the natural one."""
    natural = {"コメントを追加", "コメントを削除"}
    return default_for_inverse if title in natural else title
