"""Regenerate the translation catalogs (`make translations`).

1. ``pyside6-lupdate`` extracts every ``self.tr()`` / ``QCoreApplication.translate()`` string (Japanese source
   text) from ``ui/`` into ``resources/translations/pia_reviewer_en.ts``, keeping translations already there; the
   strings of a module's ``_tr(text)`` helper (``QCoreApplication.translate("<context>", text)``), which lupdate does
   not see, are added to that context (:func:`helper_strings`);
2. strings still untranslated are filled from the glossary below (add new strings there or in Qt Linguist);
3. ``pyside6-lrelease`` compiles the ``.qm`` loaded at run time.

Exits with status 1 (and lists them) when some strings have no English translation, so CI notices.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TS = REPO / "resources" / "translations" / "pia_reviewer_en.ts"
QM = TS.with_suffix(".qm")

# A message counted with %n (``tr(source, "", n)``) has its English singular and plural forms.
EN: dict[str, str | tuple[str, str]] = {
    # main window: menus and actions
    "ファイル(&F)": "&File",
    "表示(&V)": "&View",
    "移動(&G)": "&Go",
    "ツール(&T)": "&Tools",
    "ヘルプ(&H)": "&Help",
    "開く…": "Open…",
    "PDFを開く (Ctrl+O)": "Open a PDF (Ctrl+O)",
    "閉じる": "Close",
    "終了": "Quit",
    "戻る": "Back",
    "進む": "Forward",
    "前の位置に戻る (Alt+←)": "Back to the previous position (Alt+←)",
    "次の位置に進む (Alt+→)": "Forward to the next position (Alt+→)",
    "拡大": "Zoom in",
    "縮小": "Zoom out",
    "拡大 (Ctrl++)": "Zoom in (Ctrl++)",
    "縮小 (Ctrl+-)": "Zoom out (Ctrl+-)",
    "幅に合わせる": "Fit width",
    "ページの幅に合わせる (Ctrl+0)": "Fit the page width (Ctrl+0)",
    "ページ全体を表示": "Fit page",
    "ページへ移動…": "Go to page…",
    "ページへ移動": "Go to page",
    "資料のページ番号で移動 (Ctrl+G)": "Go to a packet page number (Ctrl+G)",
    "検索": "Search",
    "資料内を検索 (Ctrl+F)": "Search the packet (Ctrl+F)",
    "次の検索結果": "Next search result",
    "前の検索結果": "Previous search result",
    "全画面表示": "Full screen",
    "設定…": "Settings…",
    "設定": "Settings",
    "表示言語・文字の大きさ・コントラスト": "Language, text size and contrast",
    "委員のお名前…": "Member's name…",
    "PIA Reviewer について": "About PIA Reviewer",
    "PIA Reviewer {version}\n特定個人情報保護評価書（全項目評価書）の第三者点検を支援するアプリです。":
        "PIA Reviewer {version}\nAn app for the third-party check of specific personal information protection "
        "assessment reports (full assessments).",
    "最近使ったファイル": "Recent files",
    "（なし）": "(none)",
    "ツールバー": "Toolbar",
    "資料": "Packet",
    "コメント": "Comments",
    "コメントはここに表示されます。": "Comments appear here.",
    "目次": "Contents",
    "サムネイル": "Thumbnails",
    "PIA Reviewer — 特定個人情報保護評価書 点検": "PIA Reviewer — assessment report review",
    "{name} — PIA Reviewer": "{name} — PIA Reviewer",
    "PDFを開く": "Open a PDF",
    "PDF ファイル (*.pdf);;すべてのファイル (*)": "PDF files (*.pdf);;All files (*)",
    "ファイルを開けません": "Cannot open the file",
    "ファイルが見つかりません: {path}": "File not found: {path}",
    "パスワードが{tries}回続けて正しくなかったため、「{name}」を開けませんでした。正しいパスワードを資料の配布元に確認してください。":
        "The password was wrong {tries} times in a row, so “{name}” was not opened. Please check the password "
        "with whoever sent you the packet.",
    "構造を解析中…": "Analysing the structure…",
    "構造を解析できませんでした。": "The structure could not be analysed.",
    "検索索引を作成中…": "Building the search index…",
    "資料 {label} ページ（PDF {page} / {total}）": "Packet page {label} (PDF {page} / {total})",
    "{label}（PDF {page} / {total}）": "{label} (PDF {page} / {total})",
    "PDF {page} / {total} ページ": "PDF page {page} / {total}",
    "外部リンク": "External link",
    "次のリンクを既定のアプリで開きますか？\n\n{url}": "Open this link in the default application?\n\n{url}",
    "表示言語は次回の起動時に切り替わります。": "The language changes the next time the app starts.",
    "サンプル資料を準備中…": "Preparing the sample packet…",
    "検索できます。": "Ready to search.",
    # ops
    "エラー": "Error",
    "処理中に予期しないエラーが発生しました: {error}": "An unexpected error occurred: {error}",
    # outline panel
    "項目": "Item",
    "判断": "Judgement",
    "確認": "Review",
    "{title}（資料 {label} ページ）": "{title} (packet page {label})",
    "（無題の資料）": "(untitled document)",
    "リスクへの対策は十分か: {judgement}": "Are the measures sufficient: {judgement}",
    "評価書が見つからないため、PDFのしおりを表示しています。":
        "No assessment report was found; showing the PDF's bookmarks.",
    "構造が見つからないため、ページ一覧を表示しています。": "No structure was found; showing the list of pages.",
    "資料 {label} ページ": "Packet page {label}",
    "{total} 項目のうち {reviewed} 項目を確認済み": "{reviewed} of {total} items reviewed",
    "コメントあり": "Has comments",
    # thumbnails
    "資料 {label} ページ（PDF {page}）": "Packet page {label} (PDF {page})",
    # search panel
    "検索する語（Ctrl+F）": "Search for… (Ctrl+F)",
    "検索語": "Search term",
    "ひらがな・カタカナを区別しない": "Treat hiragana and katakana as the same",
    "検索結果": "Search results",
    "索引を作成中…": "Building the index…",
    "索引を作成中…（{done}/{total} ページ）": "Building the index… ({done}/{total} pages)",
    "検索索引を作成できませんでした。": "The search index could not be built.",
    "検索中…": "Searching…",
    "（項目外）": "(outside any item)",
    "資料 {label}": "p. {label}",
    "{title}（{count} 件）": "{title} ({count})",
    "（資料外）": "(outside any document)",
    "{section}（{count} 件）": "{section} ({count})",
    "コメント（{count} 件）": "Comments ({count})",
    "資料 {label}・{author}": "p. {label} · {author}",
    "（先頭 {rows} 件を表示）": " (showing the first {rows})",
    "{count} 件見つかりました": "{count} found",
    "・コメント {count} 件": " · {count} in comments",
    "見つかりませんでした": "Not found",
    "{current} / {count} 件": "{current} of {count}",
    # go to page
    "資料に印刷されたページ番号（例: 129）を入力してください。PDFの何枚目かで移るときは「PDF 131」のように入力します。":
        "Enter the page number printed in the packet (e.g. 129). To go by the PDF's own page count, enter e.g. "
        "\"PDF 131\".",
    "ページ": "Page",
    "該当するページがありません（全 {total} ページ）。": "No such page ({total} pages in all).",
    "資料 {label} ページ → PDF {page} / {total} ページ": "Packet page {label} → PDF page {page} / {total}",
    # member name
    "委員のお名前": "Member's name",
    "コメントの記入者として表示するお名前を入力してください。後から「ツール」＞「委員のお名前…」で変更できます。":
        "Enter the name shown as the author of your comments. You can change it later under Tools › Member's name….",
    "例: 山田 花子": "e.g. Hanako Yamada",
    "お名前": "Name",
    # password
    "パスワードの入力": "Password",
    "「{name}」はパスワードで保護されています。パスワードを入力してください。":
        "“{name}” is protected by a password. Please enter it.",
    "パスワードが正しくありません（{attempt}回目／{total}回まで）。":
        "The password is wrong (try {attempt} of {total}).",
    "パスワード": "Password",
    "このパスワードを記憶する（OSの資格情報ストアに保存）": "Remember this password (in the system keyring)",
    "OSの資格情報ストア（キーリング）が使えないため記憶できません。":
        "The system keyring is not available, so the password cannot be remembered.",
    "OSの資格情報ストア（キーリング）が使えないため、パスワードは記憶できません。":
        "The system keyring is not available, so the password cannot be remembered.",
    # settings
    "表示言語:": "Language:",
    "標準": "Normal",
    "大きい": "Large",
    "特大": "Extra large",
    "文字の大きさ:": "Text size:",
    "ハイコントラスト表示": "High contrast",
    "表示言語の変更は次回の起動時に反映されます。": "A language change applies the next time the app starts.",
    # annotation tools, comments panel, comment editor, import/export, passphrase, undo (other modules of ui/)
    "選択": "Select",
    "テキストを選択・コピー（Esc）": "Select and copy text (Esc)",
    "ハイライト": "Highlight",
    "テキストをなぞってハイライトとコメント（H）": "Drag over text to highlight and comment (H)",
    "範囲": "Area",
    "表や図を矩形で囲んでコメント（R）": "Draw a rectangle around a table or figure to comment (R)",
    "付箋": "Note",
    "クリックした位置に付箋コメント（N）": "Click to place a sticky-note comment (N)",
    "コピー": "Copy",
    "選択範囲にコメント": "Comment on selection",
    "選択したテキストをハイライトしてコメント（C）": "Highlight the selected text and comment (C)",
    "コメント一覧": "Comment list",
    "編集(&E)": "&Edit",
    "コメント(&C)": "&Comments",
    "進捗: {reviewed}/{total} 確認済み": "Progress: {reviewed}/{total} reviewed",
    "テキストが選択されていません。": "No text is selected.",
    "資料{label}頁": "p. {label}",
    "PDFが開かれていません。": "No PDF is open.",
    "ハイライトにコメント": "Comment on highlight",
    "範囲にコメント": "Comment on area",
    "付箋コメント": "Sticky-note comment",
    "コメントを削除しました（Ctrl+Z で元に戻せます）": "Comment deleted (Ctrl+Z to undo)",
    "確認済み": "Reviewed",
    "見解: 未記入": "View: not set",
    "見解: 同意": "View: agree",
    "見解: 疑問あり": "View: doubtful",
    "コメントを読み込めませんでした（{error}）。": "The comments could not be loaded ({error}).",
    "区分": "Category",
    "意見・質問を入力（Ctrl+Enter で保存）": "Type an opinion or question (Ctrl+Enter saves)",
    "保存": "Save",
    "キャンセル": "Cancel",
    "（評価書の外）": "(outside any report)",
    "（確認済みを付ける項目の外）": "(not an item to mark as reviewed)",
    "判断への見解": "View on the judgement",
    "未記入": "Not set",
    "同意": "Agree",
    "疑問あり": "Doubtful",
    "評価書・項目ごと": "By report and item",
    "ページ順": "By page",
    "コメントを絞り込み": "Filter comments",
    "すべての状態": "All statuses",
    "すべての区分": "All categories",
    "すべての委員": "All members",
    "意見一覧から除外": "Exclude from the comment sheet",
    "意見一覧に載せる文言（空欄なら原文のまま）": "Wording for the comment sheet (blank: as written)",
    "変更を保存": "Save changes",
    "削除": "Delete",
    "（意見一覧から除外）": "(excluded from the comment sheet)",
    "（本文なし）": "(no text)",
    "回答: {answer}": "Answer: {answer}",
    "返信 %n 件": ("%n reply", "%n replies"),
    "資料{label}頁（PDF {page}）": "p. {label} (PDF {page})",
    "コメント %n 件": ("%n comment", "%n comments"),
    "コメント {shown} 件を表示（全 {total} 件）": "Showing {shown} of {total} comments",
    "コメントを選ぶと、ここで編集できます。": "Select a comment to edit it here.",
    "変更を選ぶと、その記載が新しい版（追加は緑）と前の版（削除は取り消し線）でここに表示されます。":
        "Select a change to see its text here: in the new version (added text in green) and the earlier one (removed text struck through).",
    "（氏名なし）": "(no name)",
    "取り込み": "Imported",
    "自分": "Mine",
    "所管課の回答: {answer}": "Department's answer: {answer}",
    "編集": "Edit",
    "対応済みにする": "Mark as handled",
    "未処理に戻す": "Mark as open",
    "意見一覧に含める": "Include in the comment sheet",
    "委員長へ送るコメントを書き出す…": "Export comments for the chair…",
    "委員のコメントを取り込む…": "Import members' comments…",
    "委員のコメントパッケージ（JSON）、XFDF、注釈付きPDF、回答入りの意見一覧（Excel）を取り込みます":
        "Import members' comment packages (JSON), XFDF, annotated PDFs or answered comment sheets (Excel)",
    "意見一覧を書き出す（{format}）…": "Export the comment sheet ({format})…",
    "注釈付きPDFを書き出す…": "Export an annotated PDF…",
    "所管課の回答を取り込む…": "Import the departments' answers…",
    "取り込み・書き出し": "Import and export",
    "PDFの中のコメント": "Comments inside the PDF",
    "このPDFには、注釈として付けられたコメントが {count} 件入っています。コメント一覧に取り込みますか？（取り込むと、書き出しや意見一覧にも含まれます）":
        "This PDF carries {count} comment(s) made as annotations. Add them to the comment list? (They are then "
        "exported and included in the comment sheet too.)",
    "取り込み・書き出し(&X)": "Import/E&xport",
    "ファイルを読み書きできませんでした: {error}": "The file could not be read or written: {error}",
    "処理中に予期しないエラーが発生しました（{error}）。": "An unexpected error occurred ({error}).",
    "すべての評価書": "All reports",
    "意見一覧を書き出す": "Export the comment sheet",
    "対象の評価書": "Report",
    "書き出しました: {path}": "Exported: {path}",
    "書き出す自分のコメントがありません。": "You have no comments to export.",
    "コメントパッケージ (*.json)": "Comment package (*.json)",
    "意見一覧を書き出す（{format}）": "Export the comment sheet ({format})",
    "書き出すコメントがありません。": "There are no comments to export.",
    "注釈付きPDFを書き出す": "Export an annotated PDF",
    "元のPDFには上書きできません。別の名前で保存してください。":
        "The original PDF cannot be overwritten. Please save under another name.",
    "コメントを取り込む": "Import comments",
    "取り込めるファイル (*.json *.xfdf *.pdf *.xlsx);;すべてのファイル (*)":
        "Importable files (*.json *.xfdf *.pdf *.xlsx);;All files (*)",
    "所管課の回答を取り込む": "Import the departments' answers",
    "回答入りの意見一覧 (*.xlsx)": "Answered comment sheet (*.xlsx)",
    "{files} 個のファイルを取り込みました。": "Imported {files} file(s).",
    "追加 {added} 件、更新 {updated} 件、変更なし {unchanged} 件":
        "{added} added, {updated} updated, {unchanged} unchanged",
    "委員: {names}": "Members: {names}",
    "回答 %n 件を反映しました。": ("Applied %n answer.", "Applied %n answers."),
    "該当するコメントがない回答が %n 件ありました。": ("%n answer matched no comment.", "%n answers matched no comment."),
    "取り込めなかったファイル（何も取り込んでいません）:": "Files that could not be imported (nothing was imported):",
    "コメント保存用のパスフレーズ": "Passphrase for your comments",
    "このパソコンには、鍵を安全にしまっておく仕組み（OSの資格情報ストア）が見つかりません。コメントは暗号化して保存しますので、守るためのパスフレーズを決めてください。":
        "This computer has no safe place to keep keys (the system's credential store). Your comments are stored "
        "encrypted: choose a passphrase that protects them.",
    "コメントの保存先を開くパスフレーズを入力してください。": "Enter the passphrase that opens your comments.",
    "パスフレーズ": "Passphrase",
    "確認のためもう一度": "Once more to confirm",
    "パスフレーズを入力してください。": "Please enter a passphrase.",
    "パスフレーズは{count}文字以上にしてください。": "The passphrase must be at least {count} characters.",
    "確認用のパスフレーズが一致しません。": "The two passphrases differ.",
    "コメントの保存先": "Comment storage",
    "パスフレーズが{count}回違ったため、コメントの保存先を開けませんでした。":
        "The passphrase was wrong {count} times, so the comment storage was not opened.",
    "元に戻す": "Undo",
    "やり直す": "Redo",
    "元に戻す: {name}": "Undo: {name}",
    "やり直す: {name}": "Redo: {name}",
    "コメントの保存先が開かれていません。": "The comment storage is not open.",
    "変更を保存できませんでした（{error}）。": "The change could not be saved ({error}).",
    "全体 {reviewed}/{total} 確認済み": "Overall {reviewed}/{total} reviewed",
    "この評価書 {reviewed}/{total} 確認済み（全体 {all_reviewed}/{all_total}）":
        "This report {reviewed}/{total} reviewed (overall {all_reviewed}/{all_total})",
}


# Strings of the annotation UI (kept beside the catalog by its author) and the core's command titles.
_EXTRA = REPO / "resources" / "translations" / "annotate_en.json"
if _EXTRA.exists():
    import json

    EN = {**json.loads(_EXTRA.read_text(encoding="utf-8")), **EN}
# Welcome page, help, passphrase warnings and display words (kept beside the catalog by their author).
_OLDER_MEMBERS = REPO / "resources" / "translations" / "older_members_en.json"
if _OLDER_MEMBERS.exists():
    import json

    EN = {**json.loads(_OLDER_MEMBERS.read_text(encoding="utf-8")), **EN}
# Structure warnings and corrections by hand (kept beside the catalog by their author).
_STRUCTURE = REPO / "resources" / "translations" / "structure_en.json"
if _STRUCTURE.exists():
    import json

    EN = {**json.loads(_STRUCTURE.read_text(encoding="utf-8")), **EN}
EN.update({
    "コメントの保存先が開けないため、コメントは保存できません。":
        "The comment storage could not be opened, so comments cannot be saved.",
    "コメントの保存先": "Comment storage",
    "最新のバックアップ（{name}）から復元しますか？（破損したファイルは残します）":
        "Restore from the newest backup ({name})? (The damaged file is kept.)",
    "使えるバックアップがありませんでした。": "No usable backup was found.",
    "　文字情報なし": "  (no text layer)",
    "　表示できません": "  (cannot be shown)",
    "このページは壊れているため表示できません（PDFの一部が傷んでいます）。":
        "This page cannot be shown: this part of the PDF is damaged.",
    "課題あり": "Issues remain",
    "不十分": "Insufficient",
    "特に力": "Strong",
    "十分": "Sufficient",
    "このページには文字情報（テキスト層）がありません（スキャン画像など）。"
    "このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。":
        "This page has no text layer (a scanned image, for example). Search and text highlights do not work on "
        "this page, but area comments do.",
    "このリンクはプログラムやファイルを開こうとしています。安全のため開きません。":
        "This link tries to open a program or a file. For safety it is not opened.",
    "コメントを追加": "Add comment",
    "コメントを削除": "Delete comment",
    "コメントを編集": "Edit comment",
    "分類を変更": "Change category",
    "対応状況を変更": "Change status",
    "コメントの位置を変更": "Move comment",
    "シートへの掲載を変更": "Change inclusion on the sheet",
    "シートの文面を編集": "Edit the sheet wording",
    "回答を編集": "Edit answer",
    "回答を取り込み": "Import answer",
    "確認済みにする": "Mark as reviewed",
    "確認済みを取り消す": "Unmark as reviewed",
    "判断を「同意」にする": "Set my view to “agree”",
    "判断を「疑問あり」にする": "Set my view to “doubtful”",
})


# The window's session refactor (issue 13): exchange one click away, tools used once, the sample said so.
EN.update({
    "ツールを続けて使う": "Keep the tool after use",
    "オンにすると、ハイライト・範囲・付箋のツールが1回使った後も選んだままになります":
        "When on, the highlight, area and note tools stay selected after each use",
    "{count} 件を書き出しました。\n\n保存した場所:\n{path}": "{count} written.\n\nSaved at:\n{path}",
    "（除外したコメント %n 件は含めていません）": ("(%n excluded comment is not included)", "(%n excluded comments are not included)"),
    "（未申告の変更 %n 件を行として加えました）": ("(%n undeclared change was added as a row)", "(%n undeclared changes were added as rows)"),
    "確認してください:": "Please check:",
    "取り込めなかったファイル（そのファイルからは何も取り込んでいません）:":
        "Files that could not be imported (nothing was taken from them):",
    "使い方（ヘルプ）": "How to use (Help)",
    "使い方を表示 (F1)": "Show how to use the app (F1)",
    "委員長へ送るコメントを書き出す": "Export comments for the chair",
    "自分のコメントを1つのファイルに書き出します（委員長へ送ります）":
        "Writes your comments into one file (to send to the chair)",
    "委員のコメントを取り込む": "Import members' comments",
    "委員から届いたコメントのファイルを取り込みます（委員長用）":
        "Imports the comment files the members sent (for the chair)",
    "コメントの受け渡し": "Exchanging comments",
    "構造の修正": "Structure correction",
    "コメントの保存先が開いていないため、修正を保存できません。":
        "The comment store is not open, so the correction cannot be saved.",
    "練習用サンプル（実在の資料ではありません） — PIA Reviewer": "Practice sample (not a real packet) — PIA Reviewer",
    "練習用のサンプル資料です。実在の市区町村の評価書ではありません。":
        "This is the practice sample. It is not a real municipality's assessment report.",
})
# The second meeting (issue 14): 前の版と比較, the 変更点 dock, carried comments.
EN.update({
    "前の版と比較…": "Compare with the earlier version…",
    "前の版と比較": "Compare with the earlier version",
    "前の会議の版と比べて変更点を確認し、コメントを引き継ぎます":
        "Compare with the version of the previous meeting, review the changes and carry the comments over",
    "前の版のPDFを選ぶ": "Choose the PDF of the earlier version",
    "PDF ファイル (*.pdf)": "PDF files (*.pdf)",
    "前の版と比較中…": "Comparing with the earlier version…",
    "コメントを引き継いでいます…": "Carrying the comments over…",
    "中止": "Cancel",
    "比較を中止しました。": "The comparison was cancelled.",
    "同じファイルです。前の会議の版を選んでください。":
        "This is the same file. Choose the version of the previous meeting.",
    "変更 {changes} 件（未申告 {undeclared} 件）。前の版のコメント {carried} 件を引き継ぎました（新規 {created} 件）。":
        "{changes} changes ({undeclared} undeclared). {carried} comments of the earlier version carried over "
        "({created} new).",
    "この資料の評価書（{reports}）は、以前に開いた資料「{name}」にも含まれています。":
        "The reports of this packet ({reports}) are also in a packet you opened before, “{name}”.",
    "前の版と比較して変更点を確認し、前の版へのコメントを引き継ぎますか？":
        "Compare with that earlier version to review the changes, and carry your comments on it over?",
    "変更点": "Changes",
    "引き継いだコメント": "Carried comments",
    "状態": "Status",
    "頁": "Page",
    "確認結果": "Check",
    "記載変更なし": "Text unchanged",
    "記載が変更された": "Text changed",
    "削除された": "Removed",
    "対応確認済み": "Response confirmed",
    "再指摘": "Raised again",
    "前の版から（記載変更なし）": "From the earlier version (text unchanged)",
    "前の版から（記載が変更された）": "From the earlier version (text changed)",
    "前の版から（削除された）": "From the earlier version (removed)",
    "変更を確認済みにする": "Mark the change as reviewed",
    "変更の確認済みを取り消す": "Unmark the change as reviewed",
    "「対応確認済み」にする": "Mark “Response confirmed”",
    "「再指摘」にする": "Mark “Raised again”",
    "確認結果を取り消す": "Clear the check",
    "PDF {page} ページ": "PDF page {page}",
    "修正後の記載": "Revised text",
    "別添3に記載があるが変更が見つからない": "declared in Annex 3 but no change found",
    "別添3：": "Annex 3: ",
    "削除された記載": "Removed text",
    "前の変更": "Previous change",
    "次の変更": "Next change",
    "変更の行（未申告の変更など）への回答 %n 件は、対応するコメントがないため取り込んでいません（Excel に残っています）。": (
        "%n answer on a row of the comparison (an undeclared change, for instance) was not imported: no comment to "
        "attach it to (it stays in the Excel file).",
        "%n answers on rows of the comparison (undeclared changes, for instance) were not imported: no comment to "
        "attach them to (they stay in the Excel file)."),
    "（読める大きさ）": "(readable size)",
    "ページの幅に合わせると文字が小さくなりすぎるため、読める大きさで表示しています。右側は横にスクロールすると見えます（パネルを閉じると広くなります）。":
        "Fitting the page's width would make its text too small to read, so the page is shown at a readable size. "
        "Scroll sideways to see its right part (closing a panel makes more room).",
    "● コメントあり": "● Comments",
    "PDFを開くと、ここに目次が表示されます。": "Open a PDF to see its contents here.",
    "次の変更（N または F8）": "Next change (N or F8)",
    "前の変更（Shift+N または Shift+F8）": "Previous change (Shift+N or Shift+F8)",
    "前の記載": "Earlier text",
    "前の記載（削除された）": "Earlier text (removed)",
    "変更": "Change",
    "変更 {total} 件（うち未申告 {undeclared} 件）": "{total} changes ({undeclared} undeclared)",
    "・確認済み {reviewed} 件": " · {reviewed} reviewed",
    "変更（☑ 確認済み）": "Change (☑ reviewed)",
    "変更を確かめたら、その行のチェックを付けます（確認済み）。": "Tick a change once you have checked it (reviewed).",
    "前の版": "Earlier version",
    "委員が取り消した確認済み・判断への見解 %n 件を外しました。": (
        "Removed %n reviewed mark or view a member took back.", "Removed %n reviewed marks or views members took back."),
    "同じ委員のより新しいファイルを取り込み済みのため、古いファイルの確認済み・判断への見解は使いませんでした（%n 個）。": (
        "The marks and views in %n older file were not used: a newer file of the same member was imported already.",
        "The marks and views in %n older files were not used: newer files of the same members were imported already."),
    "（確認済み・判断への見解 %n 件も入れました）": ("(%n reviewed mark or view of a judgement is in it too)",
                                         "(%n reviewed marks and views of the judgements are in it too)"),
    "［{category}］{author}：{text}": "[{category}] {author}: {text}",
    "［{category}］{text}": "[{category}] {text}",
    "（{count}件、未申告 {undeclared}件）": " ({count}, {undeclared} undeclared)",
    "（{count}件）": " ({count})",
    "未申告": "Undeclared",
    "{label}頁": "p. {label}",
    "他の委員：{views}": "Other members: {views}",
    "委員の確認済み・判断への見解 %n 件を取り込みました（コメント欄の上に表示されます）。": (
        "Imported %n member's mark (reviewed, view of the judgement); it shows above the comments.",
        "Imported %n members' marks (reviewed, view of the judgement); they show above the comments."),
    "、": ", ",
    "ページの文字をなぞると、ハイライトしてコメントを書けます（Esc でやめます）。":
        "Drag over text on the page to highlight it and write a comment (Esc to stop).",
    "ページの上をドラッグして範囲を囲むと、コメントを書けます（Esc でやめます）。":
        "Drag a box around an area of the page to write a comment on it (Esc to stop).",
    "付箋を貼る位置をページの上でクリックしてください（Esc でやめます）。":
        "Click on the page where the sticky note should go (Esc to stop).",
    "新しい版": "Revised version",
    "変更なし": "No change",
    "差分": "Difference",
    "所管課の回答": "Department's answer",
    "所管課の回答：": "Department's answer: ",
    "申告": "Declared",
    "申告済": "Declared",
    "記載": "Text",
    "（前の版）": " (earlier version)",
    "（行）": "(row)",
    "記載の変更": "text changed",
    "行の追加": "row added",
    "行の削除": "row removed",
    "判断の変更": "judgement changed",
})


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (pip install PySide6-Essentials)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(REPO)) for p in (REPO / "ui").rglob("*.py"))


def helper_strings(paths: list[Path]) -> list[tuple[str, str]]:
    """``(context, source)`` of every ``_tr("…")`` call in ``paths`` whose module defines
    ``def _tr(text): return QCoreApplication.translate("<context>", text)``."""
    found: list[tuple[str, str]] = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        context = None
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "_tr":
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                            and call.func.attr == "translate" and call.args \
                            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                        context = call.args[0].value
        if context is None:
            continue
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_tr" \
                    and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                found.append((context, call.args[0].value))
    return list(dict.fromkeys(found))


def add_helper_strings(ts_path: Path, strings: list[tuple[str, str]]) -> None:
    """Add the ``(context, source)`` messages lupdate left out to the catalog (untranslated, for :func:`fill`)."""
    tree = ET.parse(ts_path)
    root = tree.getroot()
    contexts = {context.findtext("name") or "": context for context in root.iter("context")}
    for name, source in strings:
        context = contexts.get(name)
        if context is None:
            context = contexts[name] = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
        if any(message.findtext("source") == source for message in context.iter("message")):
            continue
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        ET.SubElement(message, "translation", type="unfinished")
    tree.write(ts_path, encoding="utf-8", xml_declaration=False)


def fill(ts_path: Path) -> list[str]:
    """Fill untranslated messages from EN; return the sources still missing a translation."""
    tree = ET.parse(ts_path)
    missing: list[str] = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if translation.get("type") in ("vanished", "obsolete"):
            continue
        if source in EN:
            english = EN[source]
            if message.get("numerus") == "yes":
                forms = english if isinstance(english, tuple) else (english, english)
                for old in list(translation):
                    translation.remove(old)
                translation.text = None
                for form in forms:
                    ET.SubElement(translation, "numerusform").text = form
            else:
                assert isinstance(english, str), f"{source!r} is not counted with %n"
                translation.text = english
            translation.attrib.pop("type", None)
        elif translation.text and translation.get("type") != "unfinished":
            continue
        else:
            missing.append(source)
    ET.indent(tree, "    ")
    with open(ts_path, "wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(handle, encoding="utf-8", xml_declaration=False)
        handle.write(b"\n")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--allow-missing", action="store_true", help="exit 0 even if strings are untranslated")
    args = parser.parse_args()
    TS.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "relative",
                    "-target-language", "en", "-ts", str(TS)], check=True, cwd=REPO)
    add_helper_strings(TS, helper_strings([REPO / source for source in sources()]))
    missing = fill(TS)
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, cwd=REPO)
    if missing:
        print(f"{len(missing)} string(s) without an English translation:", file=sys.stderr)
        for source in missing:
            print(f"  {source!r}", file=sys.stderr)
        return 0 if args.allow_missing else 1
    print(f"{TS.name}: all strings translated; wrote {QM.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
