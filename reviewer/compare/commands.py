"""Undoable commands of the second meeting (see :mod:`reviewer.commands`): a carried comment's check and a change's
確認済み. ``apply(store)`` commits and returns the command that reverts it, so ``ui.undo`` wraps them as it wraps the
others."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.commands import SetReviewMark
from reviewer.compare.diff import RowChange
from reviewer.compare.review import change_key
from reviewer.store.store import CARRY_CHECKS, AnnotationMissing, Store


@dataclass(frozen=True, slots=True)
class SetCarriedCheck:
    """The member's check of a carried comment: 対応確認済み, 再指摘, or None (not checked)."""

    new_id: str
    result: str | None
    title: str = ""

    def __post_init__(self) -> None:
        if self.result is not None and self.result not in CARRY_CHECKS:
            raise ValueError(f"result must be one of {CARRY_CHECKS} or None")
        if not self.title:
            object.__setattr__(self, "title", f"「{self.result}」にする" if self.result else "確認結果を取り消す")

    def apply(self, store: Store) -> SetCarriedCheck:
        with store.transaction():
            before = next((link for link in store.carried_links() if link.new_id == self.new_id), None)
            if before is None:
                raise AnnotationMissing(self.new_id)
            store.set_carried_check(self.new_id, self.result)
        return SetCarriedCheck(self.new_id, before.check_result, title=self.title)


def mark_change(new_sha256: str, change: RowChange, reviewed: bool) -> SetReviewMark:
    """The command that marks (or unmarks) ``change`` of the revised packet 確認済み."""
    return SetReviewMark(new_sha256, change_key(change), reviewed, None,
                         title="変更を確認済みにする" if reviewed else "変更の確認済みを取り消す")
