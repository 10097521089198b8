"""Regenerate docs/screenshots/*.png (run with QT_QPA_PLATFORM=offscreen; `make screenshots`).

Each screenshot runs in its own subprocess (language and text size apply to a fresh QApplication):
- main-window.png: the sample packet, tree expanded on Ⅲ, positioned on a Ⅲ risk;
- main-window-large-text.png: the same with 文字の大きさ = 特大;
- main-window-en.png: the English UI;
- welcome.png: the first start (no packet yet): open a packet, or the sample said to be a sample;
- comments-after-tree-jump.png: a click on a risk in the tree; the comments panel names that risk at once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHOTS = {
    "main-window.png": {"language": "ja", "text_size": "normal", "scene": "review"},
    "main-window-large-text.png": {"language": "ja", "text_size": "xlarge", "scene": "review"},
    "main-window-en.png": {"language": "en", "text_size": "normal", "scene": "review"},
    "welcome.png": {"language": "ja", "text_size": "normal", "scene": "welcome"},
    "comments-after-tree-jump.png": {"language": "ja", "text_size": "normal", "scene": "tree-jump"},
}


def wait(signal: object, timeout_ms: int = 60000) -> None:
    """Run the event loop until ``signal`` fires (or the timeout)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def settle(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (renders and panels catch up)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def open_window(language: str, text_size: str, width: int, height: int) -> tuple[object, object]:
    """A QApplication and the real main window as a member sees it (member 山田 花子), shown but without a packet.
    Shared by the screenshot scripts."""
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from ui.dialogs.settings import AppSettings
    from ui.i18n import install_translators
    from ui.main_window import MainWindow, icon
    from ui.theme import apply_theme

    settings = AppSettings()
    settings.language = language
    settings.text_size = text_size
    settings.member_name = "山田 花子"
    install_translators(app, language)
    apply_theme(app, text_size, False)
    app.setWindowIcon(icon("app"))
    window = MainWindow(settings, ask_member_name=False, open_store=False)
    window.resize(width, height)
    window.fit_docks_to_text_size()  # as the app's first start does for its window
    window.show()
    return app, window


def take(out: Path, language: str, text_size: str, packet: Path, width: int, height: int,
         scene: str = "review") -> None:
    """Runs inside the child process."""
    from ui import ops

    _app, window = open_window(language, text_size, width, height)
    assert hasattr(window, "open_file")
    if scene == "welcome":
        window.show_welcome()  # type: ignore[attr-defined]
        settle(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))  # type: ignore[attr-defined]
        print(f"wrote {out}")
        return

    window.open_file(packet)
    if window.outline is None:
        wait(window.outline_ready)
    panel = window.outline_panel
    assert panel is not None and window.outline is not None
    panel.tree.collapseAll()
    for index in range(panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(index)
        if item is not None and "全項目評価書" in item.text(0):
            item.setExpanded(True)
            break
    target = None
    for document in window.outline.documents:
        if document.form != "全項目評価書":
            continue
        for node in document.nodes:
            if node.kind == "risk" and target is None:
                target = node
        break
    panel.expand_chapter("Ⅲ")
    if target is not None:
        _add_review_work(window, target, settle)
        window.page_view.go_to(target.page, target.y, record_history=False)
    if scene == "tree-jump":
        # A click on the third risk of the report's first Ⅲ section, as the mouse does it.
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        risks = [n for d in window.outline.documents if d.form == "全項目評価書" for n in d.nodes
                 if n.kind == "risk"]
        item = panel.item_for_node(risks[2])
        panel.tree.scrollToItem(item)
        QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.tree.visualItemRect(item).center())
    if window.index_state != "ready":
        wait(window.index_ready, 30000)
    settle(1200)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    window.close()
    ops.shutdown()
    print(f"wrote {out}")


def _add_review_work(window: object, target: object, settle: object) -> None:
    """A member's evening in progress: a few comments (one imported from another member) and reviewed risks."""
    from dataclasses import replace

    from reviewer.store import Store

    store = Store.open(None, passphrase="screenshot-passphrase")
    window.session.set_store(store)  # type: ignore[attr-defined]
    controller = window.ensure_annotations()  # type: ignore[attr-defined]
    settle(300)  # type: ignore[operator]
    outline = window.outline  # type: ignore[attr-defined]
    page, y = target.page, target.y  # type: ignore[attr-defined]
    comments = [
        (page, (90.0, y + 30, 560.0, y + 44), "質問", "本人確認の具体的な方法（対面・郵送それぞれ）を記載してください。", None),
        (page, (90.0, y + 30, 560.0, y + 44), "意見", "郵送による届出時の確認方法が読み取れません。", "佐藤 一郎"),
        (page, (230.0, y + 120, 560.0, y + 160), "要修正", "「十分である」とする根拠を追記してください。", None),
        (page + 1, (90.0, 120.0, 560.0, 134.0), "確認のみ", "ガバメントクラウド移行後の措置を確認しました。", "鈴木 恵"),
    ]
    for on_page, rect, category, text, author in comments:
        comment = controller.make_annotation(on_page, "area", [rect], category, text)
        if author:
            comment = replace(comment, author=author, origin="imported")
        controller.add_annotation(comment)
    risks = [n for d in outline.documents if d.form == "全項目評価書" for n in d.nodes if n.kind == "risk"]
    for risk in risks[:6]:
        key = outline.locate(risk.page, risk.y + 1).node_key()
        controller.set_review_mark(key, True, "同意" if risk.judgement != "課題が残されている" else "疑問あり")
    settle(300)  # type: ignore[operator]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--packet", default=None, help="PDF to show (default: a generated 4-report sample)")
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--child", nargs=4, metavar=("OUT", "LANGUAGE", "TEXT_SIZE", "SCENE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    if args.child:
        out, language, text_size, scene = args.child
        take(Path(out), language, text_size, Path(args.packet), width, height, scene)
        return 0
    with tempfile.TemporaryDirectory(prefix="pia-shots-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   PIA_REVIEWER_HOME=str(Path(tmp) / "profile"))
        packet = Path(args.packet) if args.packet else Path(tmp) / "sample-packet.pdf"
        if not args.packet:
            from reviewer.samples import generate_packet

            generate_packet(packet, reports=4, seed=1)
        for name, options in SHOTS.items():
            env["PIA_REVIEWER_HOME"] = str(Path(tmp) / f"profile-{name}")  # each shot starts fresh
            subprocess.run(
                [sys.executable, __file__, "--packet", str(packet), "--size", args.size,
                 "--child", str(Path(args.out_dir) / name), options["language"], options["text_size"],
                 options["scene"]],
                check=True, env=env, cwd=REPO,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
