"""Screenshots of the second meeting in the real window (offscreen ``grab()``), after ファイル > 前の版と比較…:

* docs/screenshots/changes-panel.png — the window with the 変更点 dock: the undeclared change first and marked
  未申告, the department's answer beside the change it concerns, the main page view moved to the change;
* change-in-page.png — a rewritten measure: in the dock the old page of the row beside the new one (removed text
  struck through, added text highlighted), the main page view on the row;
* carried-comment.png — the 引き継いだコメント tab: a carried comment whose quoted text was changed, its card with the
  old quote, the new text and the difference.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_changes.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
OUT = REPO / "docs" / "screenshots"


def _comment_on(old: Any, chapter: str, section: str, label: str, text: str, answer: str | None = None,
                risk: str | None = None) -> Any:
    """A member's comment of the first meeting on a form row of the earlier version."""
    from reviewer.annotations import Annotation

    row = next(r for r in old.reports[0].rows if r.path.chapter == chapter and r.path.section == section
               and r.label == label and (risk is None or r.path.leaf == risk))
    piece = next(p for p in row.pieces if not p.label and len(p.text) >= 16)
    return Annotation(
        file_sha256=old.sha256, file_name=old.path.name, page=piece.page,
        page_label=old.outline.page_labels[piece.page], kind="highlight",
        rects=[(piece.x0, piece.y0, piece.x1, piece.y1)], category="要修正", text=text, author="山田 花子",
        quote=piece.text[:16], answer=answer)


def take(out_dir: Path, old_path: Path, new_path: Path, profile: Path, width: int, height: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from screenshots import open_window, settle, wait

    from reviewer.compare.service import load_version
    from reviewer.store import Store
    from ui import ops
    from ui.panels.changes import COL_WHAT

    _app, window = open_window("ja", "normal", width, height)
    store = Store.open(profile, passphrase="screenshot-passphrase")
    store.set_setting("member_name", "山田 花子")
    controller = window.ensure_annotations()  # type: ignore[attr-defined]
    controller.set_store(store)
    compare = window.compare  # type: ignore[attr-defined]

    # The first meeting's comments on the earlier version (one answered by the department).
    old = load_version(old_path, profile)
    changed = _comment_on(old, "Ⅲ", "2", "対象者以外の情報の入手を防止するための措置の内容",
                          "本人確認の具体的な方法（対面・郵送それぞれ）を記載してください。",
                          answer="ご指摘を踏まえ、本人確認の方法を具体的に記載します。", risk="1")
    answered = _comment_on(old, "Ⅱ", "6", "①保管場所 ※", "保管場所の入退室管理の方法を記載してください。",
                           answer="ご指摘を踏まえ、以下のとおり修正します。")
    for comment in (changed, answered):
        store.add_annotation(comment)

    window.open_file(new_path)  # type: ignore[attr-defined]
    if window.outline is None:  # type: ignore[attr-defined]
        wait(window.outline_ready)  # type: ignore[attr-defined]
    compare.compare_with(old_path)
    wait(compare.compared, 120_000)
    assert compare.comparison is not None, "the comparison did not finish"
    panel = compare.panel

    def click(item: Any) -> None:
        panel.tree.scrollToItem(item)
        QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.tree.visualItemRect(item).center())

    panel.tree.setColumnWidth(COL_WHAT, 330)
    first = panel._items[0]  # the undeclared change
    click(first)
    settle(1500)
    out_dir.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out_dir / "changes-panel.png"))  # type: ignore[attr-defined]
    print(f"wrote {out_dir / 'changes-panel.png'}")

    rewritten = next(i for i in panel._items
                     if (c := i.data(COL_WHAT, Qt.ItemDataRole.UserRole + 11)).kind == "text"
                     and c.removed_text and c.added_text and c.old_row is not None)
    click(rewritten)
    compare.changes_splitter.setSizes([width * 2 // 7, width * 5 // 7])
    settle(1500)
    window.grab().save(str(out_dir / "change-in-page.png"))  # type: ignore[attr-defined]
    print(f"wrote {out_dir / 'change-in-page.png'}")

    tree = compare.carried_tree
    bar = compare.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    settle(300)
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0) == "記載が変更された")
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    settle(1500)
    window.grab().save(str(out_dir / "carried-comment.png"))  # type: ignore[attr-defined]
    print(f"wrote {out_dir / 'carried-comment.png'}")
    window.close()  # type: ignore[attr-defined]
    ops.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default=str(OUT))
    parser.add_argument("--size", default="1600x1100")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="pia-shots-") as tmp:
        profile = Path(tmp) / "profile"
        os.environ["PIA_REVIEWER_HOME"] = str(profile)
        from reviewer.samples.revision import generate_revision_pair

        old_path, new_path, _ = generate_revision_pair(Path(tmp) / "packets", "revised")
        take(Path(args.out_dir), old_path, new_path, profile, width, height)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
