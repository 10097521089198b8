"""Render the exported comment sheet (意見一覧.xlsx) as LibreOffice prints it: docs/screenshots/comment-sheet.png.

Needs LibreOffice (``soffice``) and poppler's ``pdftoppm`` (Debian: libreoffice-calc-nogui, poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reviewer.annotations import Annotation
from reviewer.export.sheet import build_sheet
from reviewer.export.xlsx import write_xlsx
from reviewer.samples import default_sample_truth

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots" / "comment-sheet.png"

COMMENTS = [
    ("山田太郎", "質問", 0, "本人確認の具体的な方法（対面・郵送それぞれ）を記載してください。", None),
    ("佐藤花子", "意見", 0, "同じ箇所について、郵送による届出時の確認方法が読み取れません。", None),
    ("鈴木一郎", "要修正", 3, "措置の内容に照らして「十分である」とする根拠を追記してください。", None),
    ("高橋美咲", "質問", 6, "アクセスログの保存期間と点検の頻度を教えてください。", "ログは5年間保存し、月1回点検しています。"),
    ("田中健", "確認のみ", 9, "ガバメントクラウド移行後の措置が追記されていることを確認しました。", None),
    ("山田太郎", "意見", 12, "委託先への監査の実施状況を具体的に記載すべきです。", None),
    ("佐藤花子", "質問", 15, "バックアップ媒体の保管場所と施錠管理の方法は？", None),
    ("鈴木一郎", "要修正", 18, "リスク2の措置の内容が前回評価から更新されていません。", None),
]


def main() -> int:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        print("needs soffice and pdftoppm (apt-get install libreoffice-calc-nogui poppler-utils)", file=sys.stderr)
        return 1
    truth = default_sample_truth()
    report = next(d for d in truth.documents if d.form == "全項目評価書")
    risks = [n for n in report.nodes if n.kind == "risk"]
    comments = []
    for author, category, index, text, answer in COMMENTS:
        risk = risks[index]
        where = truth.locate(risk.page, risk.y + 20)
        top = risk.y + 18
        comments.append(Annotation(
            file_sha256=truth.sha256, file_name="sample-packet.pdf", page=risk.page,
            page_label=truth.page_labels[risk.page], kind="highlight", rects=[(200.0, top, 540.0, top + 10)],
            category=category, text=text, author=author, quote=f"{risk.title}のための措置",
            document_title=where.document_title, item_label=where.item_label(), node_key=where.node_key(),
            answer=answer,
        ))
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "意見一覧.xlsx"
        write_xlsx(build_sheet(comments, truth), xlsx, title="意見一覧 — sample-packet.pdf")
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(xlsx)],
                       check=True, capture_output=True, timeout=180)
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(xlsx.with_suffix(".pdf")), str(Path(tmp) / "sheet")], check=True, timeout=60)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "sheet.png", OUT)
    print(OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
