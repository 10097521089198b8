"""``pia-reviewer compare OLD.pdf NEW.pdf`` and ``pia-reviewer carry OLD.pdf NEW.pdf``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from reviewer.compare.diff import RowChange


def _passwords(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The two versions' PDF passwords from the environment variables ``--old-password-env`` /
    ``--new-password-env`` name (None where not given)."""
    from reviewer.errors import ReviewerError

    found: list[str | None] = []
    for name in (args.old_password_env, args.new_password_env):
        value = os.environ.get(name) if name else None
        if name and value is None:
            raise ReviewerError(f"環境変数 {name} がありません（PDFのパスワードを渡す変数）。",
                                f"The environment variable {name} (naming a PDF password) is not set.")
        found.append(value)
    return found[0], found[1]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _page(labels: Sequence[str], page: int | None) -> str:
    """A page as the packet prints it, with its PDF number (as ``pia-reviewer search`` says it)."""
    if page is None:
        return "-"
    label = labels[page] if 0 <= page < len(labels) and labels[page] else str(page + 1)
    return f"資料{label}頁 (PDF {page + 1})"


def _change_line(change: RowChange, new_labels: Sequence[str] = (), old_labels: Sequence[str] = ()) -> str:
    mark = "申告済" if change.declared else "未申告"
    where = change.path.item_label()
    item = f" {change.item}" if change.item else ""
    page = _page(new_labels, change.new_page) if change.new_page is not None else _page(old_labels, change.old_page)
    if change.kind == "judgement":
        what = f"{change.old_judgement} → {change.new_judgement}"
    elif change.kind == "text":
        what = f"−{change.removed_text[:30]} ＋{change.added_text[:30]}"
    else:
        what = {"added": "追加", "removed": "削除"}.get(change.kind, change.kind)
    return f"[{mark}] {where}{item} {page} {what}"


def run_compare(args: argparse.Namespace) -> int:
    from reviewer.compare.service import compare_versions, load_versions

    old_password, new_password = _passwords(args)
    comparison = compare_versions(*load_versions(args.old, args.new, args.profile, old_password=old_password,
                                                 new_password=new_password))
    if args.json:
        _print_json(comparison.to_json())
        return 0
    for document in comparison.documents:
        print(f"{document.title}: {len(document.changes)} 件の変更")
        for change in document.changes:
            print("  " + _change_line(change, comparison.new.outline.page_labels,
                                      comparison.old.outline.page_labels))
        for item in document.declared_not_found:
            print(f"  [別添3に記載、変更なし] {item}")
    return 0


def run_carry(args: argparse.Namespace) -> int:
    from reviewer.compare.carry import STATUS_LABELS, carry_comments
    from reviewer.compare.service import load_versions
    from reviewer.exchange.cli import open_store

    old_password, new_password = _passwords(args)
    old, new = load_versions(args.old, args.new, args.profile, old_password=old_password, new_password=new_password)
    store = open_store(args.profile)
    try:
        carried = carry_comments(store, old, new)
    finally:
        store.close()
    if args.json:
        _print_json({"carried": [c.to_json() for c in carried]})
        return 0
    created = sum(1 for c in carried if c.created)
    for c in carried:
        print(f"{STATUS_LABELS[c.status]}  {_page(old.outline.page_labels, c.old.page)} → "
              f"{_page(new.outline.page_labels, c.new.page)}  {c.old.quote[:40]}")
    print(f"{len(carried)} 件（うち新たに引き継いだもの {created} 件）")
    return 0
