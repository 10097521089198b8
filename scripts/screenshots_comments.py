"""Regenerate docs/screenshots/comments-panel.png and highlights.png (QT_QPA_PLATFORM=offscreen).

A generated 2-report sample packet is opened in the real main window with the annotation controller; comments of
three members (one imported with the department's answer and a reply) are placed on real passages found with
PyMuPDF, a few risks are marked 確認済み, and the window (comments panel) and the page view (highlights, an area and a
sticky note) are grabbed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _line_with(page: object, phrase: str) -> tuple[tuple[float, float, float, float], str] | None:
    """The box and text of the first text line on ``page`` that contains ``phrase``."""
    for block in page.get_text("dict")["blocks"]:  # type: ignore[attr-defined]
        for line in block.get("lines", ()):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if phrase in text and len(text) >= len(phrase) + 6:
                x0, y0, x1, y1 = line["bbox"]
                return (float(x0), float(y0), float(x1), float(y1)), text
    return None


def take(out_dir: Path, packet: Path, profile: Path, width: int, height: int) -> None:
    import pymupdf
    from screenshots import open_window, settle, wait

    from reviewer.store import Store
    from ui import ops
    from ui.annotate import context_around

    _app, window = open_window("ja", "normal", width, height)
    store = Store.open(profile, passphrase="screenshot-passphrase")
    store.set_setting("member_name", "山田 花子")
    controller = window.ensure_annotations()  # type: ignore[attr-defined]
    controller.set_store(store)

    window.open_file(packet)
    if window.outline is None:
        wait(window.outline_ready)
    outline = window.outline
    assert outline is not None and controller.outline is outline
    report = next(d for d in outline.documents if d.form == "全項目評価書")
    risks = [n for n in report.nodes if n.kind == "risk"]

    # Real passages of the first report, found in its text.
    wanted = [("本人確認", "質問", "本人確認の方法（窓口・郵送）を具体的に記載してください。", "山田 花子"),
              ("委託", "意見", "委託先の監督方法（定期報告の頻度）を明記することが望ましい。", "佐藤 一郎"),
              ("ＩＳＭＡＰ", "要修正", "ＩＳＭＡＰの登録状況を最新のものに更新してください。", "鈴木 美咲"),
              ("保管", "確認のみ", "保管期間の根拠規定を確認しました。", "山田 花子")]
    made = []
    start = risks[0].page if risks else report.start_page
    used: set[int] = set()
    with pymupdf.open(packet) as doc:
        for phrase, category, text, author in wanted:
            for index in range(start, report.end_page + 1):
                found = _line_with(doc[index], phrase)
                if found is None or (index in used and len(used) < 2):
                    continue
                rect, quote = found
                used.add(index)
                prefix, suffix = context_around(doc[index].get_text("text"), quote)
                a = controller.make_annotation(index, "highlight", [rect], category, text, quote, prefix, suffix)
                a.author = author
                if author != "山田 花子":
                    a.origin = "imported"
                made.append(a)
                break
    if len(made) > 1:
        made[1].answer = "委託先からは毎月、作業報告書の提出を受けています。評価書に追記します。"
        made[1].extra = {"replies": [{"author": "山田 花子", "text": "追記をお願いします。"}]}
    # An area around a judgement cell and a sticky note beside it, on the page with the most highlights.
    pages = [a.page for a in made] or [start]
    busiest = max(set(pages), key=pages.count)
    with pymupdf.open(packet) as doc:
        hits = doc[busiest].search_for("リスクへの対策は十分か")
        page_width = float(doc[busiest].rect.width)
    if hits:
        label = hits[-1]
        box = (float(label.x0) - 6.0, float(label.y0) - 9.0, page_width - 62.0, float(label.y1) + 11.0)
    else:
        box = (70.0, 520.0, 520.0, 600.0)
    area = controller.make_annotation(busiest, "area", [box], "意見",
                                      "判断の根拠（十分であるとした理由）を記載してください。")
    area.author = "鈴木 美咲"
    area.origin = "imported"
    nx, ny = box[2] + 14.0, box[1] + 4.0
    note = controller.make_annotation(busiest, "note", [(nx - 8, ny - 8, nx + 8, ny + 8)], "質問",
                                      "この項目の担当部署はどこですか。")
    store.upsert_imported([*made, area, note])
    for risk in risks[:5]:
        key = outline.locate(risk.page, risk.y + 1).node_key()
        store.set_review_mark(outline.sha256, key, True, "同意" if risk is not risks[3] else "疑問あり")
    controller.refresh()

    panel = window.outline_panel
    if panel is not None:
        panel.tree.collapseAll()
        panel.expand_chapter("Ⅲ")
    target = made[0] if made else area
    window.page_view.go_to(target.page, max(0.0, target.top - 60), record_history=False)
    controller.panel.select_annotation(made[1].id if len(made) > 1 else target.id)
    window.page_view.set_selected_annotation(made[1].id if len(made) > 1 else target.id)
    settle(1500)
    out_dir.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out_dir / "comments-panel.png"))
    print(f"wrote {out_dir / 'comments-panel.png'}")

    from ui.page_view import PageView

    view = PageView()
    view.resize(980, 720)
    view.show()
    view.open_document(packet)
    wait(view.first_page_painted, 20000)
    view.set_annotations(controller.annotations)
    view.fit_width()
    on_page = sorted((a for a in controller.annotations if a.page == busiest), key=lambda a: a.top)
    top = on_page[0].top if on_page else 0.0
    view.go_to(busiest, max(0.0, top - 40.0), record_history=False)
    if on_page:
        view.set_selected_annotation(on_page[0].id)
    settle(1500)
    view.grab().save(str(out_dir / "highlights.png"))
    print(f"wrote {out_dir / 'highlights.png'}")
    view.close_document()
    window.close()
    store.close()
    ops.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--size", default="1400x900")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="pia-shots-") as tmp:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        profile = Path(tmp) / "profile"
        os.environ["PIA_REVIEWER_HOME"] = str(profile)
        packet = Path(tmp) / "sample-packet.pdf"
        from reviewer.samples import generate_packet

        generate_packet(packet, reports=2, seed=1)
        take(Path(args.out_dir), packet, profile, width, height)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
