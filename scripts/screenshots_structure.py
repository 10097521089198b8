"""Screenshots of honest structure output (offscreen ``grab()``): docs/screenshots/structure-warning.png (the 目次
tree with a 「？」 judgement and the warning that says what was not read) and correction-dialog.png (the dialog
that sets that judgement by hand).

The packet is the one of issue 15, built by the independent variant builder (tests/core/structure_variants.py):
「リスクへの対策は十」 / 「分か」 wrapped labels, two risks printed without a readable judgement.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_structure.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "core"))  # the variant builder
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    import structure_variants as sv
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline
    from ui.dialogs.correction import CorrectionDialog
    from ui.panels.outline import OutlinePanel
    from ui.theme import load_bundled_font

    app = QApplication.instance() or QApplication(sys.argv)
    QApplication.setFont(QFont(load_bundled_font(), 10))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "issue15.pdf"
        style = sv.Style("issue15", label_chars=9, vx=130.0, cx=330.0, value_at="first", choices_below=True,
                         unjudged=2, seed=15)
        sv.build_style(style, path)
        with Packet.open(path) as packet:
            outline = detect_outline(packet)
    report = next(d for d in outline.documents if d.form)
    risk = next(n for n in report.nodes if n.kind == "risk" and n.judgement is None)

    panel = OutlinePanel()
    panel.resize(720, 540)
    panel.set_outline(outline)
    panel.expand_chapter("Ⅲ")
    item = panel.item_for_node(risk)
    assert item is not None
    panel.tree.setCurrentItem(item)
    panel.tree.scrollToItem(item)
    panel.show()
    app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(OUT / "structure-warning.png"))

    dialog = CorrectionDialog(outline, risk, "judgement")
    dialog.judgement.setCurrentIndex(dialog.judgement.findData("十分である"))
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "correction-dialog.png"))
    dialog.close()
    panel.close()
    print(f"wrote {OUT / 'structure-warning.png'} and {OUT / 'correction-dialog.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
