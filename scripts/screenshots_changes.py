"""Screenshots of the second meeting (offscreen ``grab()``): docs/screenshots/changes-panel.png (the 変更点 panel with an
undeclared change and the department's answer beside it), change-in-page.png (a rewritten measure: the old page of the
row beside the new one, removed text struck through, added text highlighted) and
carried-comment.png (a carried comment whose quoted text was changed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_changes.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QSplitter

    from reviewer.annotations import Annotation
    from reviewer.compare.carry import carry_comments
    from reviewer.compare.review import answers_for_changes
    from reviewer.compare.service import compare_versions, load_version
    from reviewer.samples.revision import generate_revision_pair
    from reviewer.store import Store
    from ui.panels.changes import CarriedCommentCard, ChangesPanel, ChangeView
    from ui.theme import load_bundled_font

    app = QApplication.instance() or QApplication(sys.argv)
    app.setFont(QFont(load_bundled_font(), 10))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old_path, new_path, _ = generate_revision_pair(folder, "revised")
        old, new = load_version(old_path, folder / "profile"), load_version(new_path, folder / "profile")
        comparison = compare_versions(old, new)

        def comment_on(section: str, label: str, chapter: str, text: str, answer: str | None = None,
                       risk: str | None = None) -> Annotation:
            row = next(r for r in old.reports[0].rows if r.path.chapter == chapter and r.path.section == section
                       and r.label == label and (risk is None or r.path.leaf == risk))
            piece = next(p for p in row.pieces if not p.label and len(p.text) >= 16)
            return Annotation(
                file_sha256=old.sha256, file_name=old.path.name, page=piece.page,
                page_label=old.outline.page_labels[piece.page], kind="highlight",
                rects=[(piece.x0, piece.y0, piece.x1, piece.y1)], category="要修正", text=text, author="山田太郎",
                quote=piece.text[:16], answer=answer)

        answered = comment_on("6", "①保管場所 ※", "Ⅱ", "保管場所の入退室管理の方法を記載してください。",
                              answer="ご指摘を踏まえ、以下のとおり修正します。")
        panel = ChangesPanel()
        panel.set_comparison(comparison, answers=answers_for_changes(comparison, [answered]))
        panel.tree.setCurrentItem(panel._items[0])
        panel.resize(760, 520)
        panel.tree.setColumnWidth(0, 430)
        panel.show()
        app.processEvents()
        OUT.mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(OUT / "changes-panel.png"))

        view = ChangeView()
        rewritten = next(c for c in panel.changes() if c.kind == "text" and c.removed_text and c.added_text)
        view.show_change(new.path, rewritten, zoom=1.1, old_pdf=old.path)
        splitter = QSplitter()
        splitter.addWidget(view)
        splitter.resize(1500, 640)
        splitter.show()
        app.processEvents()
        splitter.grab().save(str(OUT / "change-in-page.png"))

        store = Store.open(folder / "store", key="ab" * 32, backup=False)
        try:
            changed = comment_on("2", "対象者以外の情報の入手を防止するための措置の内容", "Ⅲ",
                                 "本人確認の具体的な方法（対面・郵送それぞれ）を記載してください。",
                                 answer="ご指摘を踏まえ、本人確認の方法を具体的に記載します。", risk="1")
            store.add_annotation(changed)
            (carried,) = carry_comments(store, old, new)
            card = CarriedCommentCard(on_check=store.set_carried_check)
            card.show_comment(carried.new, carried.status, changed.quote, carried.new_text)
            card.resize(640, 320)
            card.show()
            app.processEvents()
            card.grab().save(str(OUT / "carried-comment.png"))
        finally:
            store.close()
    print(f"wrote {OUT / 'changes-panel.png'}, {OUT / 'change-in-page.png'}, {OUT / 'carried-comment.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
