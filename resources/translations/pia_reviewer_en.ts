<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>AnnotationController</name>
        <message>
            <location filename="../../ui/annotate.py" line="+298" />
            <location line="+655" />
            <source>コメント</source>
            <translation>Comments</translation>
        </message>
        <message>
            <location line="-639" />
            <source>選択</source>
            <translation>Select</translation>
        </message>
        <message>
            <location line="+0" />
            <source>テキストを選択・コピー（Esc）</source>
            <translation>Select and copy text (Esc)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ハイライト</source>
            <translation>Highlight</translation>
        </message>
        <message>
            <location line="+0" />
            <source>テキストをなぞってハイライトとコメント（H）</source>
            <translation>Drag over text to highlight and comment (H)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>範囲</source>
            <translation>Area</translation>
        </message>
        <message>
            <location line="+0" />
            <source>表や図を矩形で囲んでコメント（R）</source>
            <translation>Draw a rectangle around a table or figure to comment (R)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>付箋</source>
            <translation>Note</translation>
        </message>
        <message>
            <location line="+0" />
            <source>クリックした位置に付箋コメント（N）</source>
            <translation>Click to place a sticky-note comment (N)</translation>
        </message>
        <message>
            <location line="+13" />
            <source>選択範囲にコメント</source>
            <translation>Comment on selection</translation>
        </message>
        <message>
            <location line="+2" />
            <source>選択したテキストをハイライトしてコメント（C）</source>
            <translation>Highlight the selected text and comment (C)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>ツールを続けて使う</source>
            <translation>Keep the tool after use</translation>
        </message>
        <message>
            <location line="+3" />
            <source>オンにすると、ハイライト・範囲・付箋のツールが1回使った後も選んだままになります</source>
            <translation>When on, the highlight, area and note tools stay selected after each use</translation>
        </message>
        <message>
            <location line="+2" />
            <source>コメント一覧</source>
            <translation>Comment list</translation>
        </message>
        <message>
            <location line="+40" />
            <source>コピー</source>
            <translation>Copy</translation>
        </message>
        <message>
            <location line="+28" />
            <location filename="../../ui/window_actions.py" line="+150" />
            <source>編集(&amp;E)</source>
            <translation>&amp;Edit</translation>
        </message>
        <message>
            <location line="+16" />
            <location filename="../../ui/window_actions.py" line="+10" />
            <source>コメント(&amp;C)</source>
            <translation>&amp;Comments</translation>
        </message>
        <message>
            <location line="+203" />
            <source>全体 {reviewed}/{total} 確認済み</source>
            <translation>Overall {reviewed}/{total} reviewed</translation>
        </message>
        <message>
            <location line="+2" />
            <source>この評価書 {reviewed}/{total} 確認済み（全体 {all_reviewed}/{all_total}）</source>
            <translation>This report {reviewed}/{total} reviewed (overall {all_reviewed}/{all_total})</translation>
        </message>
        <message>
            <location line="+29" />
            <source>同意</source>
            <translation>Agree</translation>
        </message>
        <message>
            <location line="+0" />
            <source>疑問あり</source>
            <translation>Doubtful</translation>
        </message>
        <message>
            <location line="+11" />
            <source>、</source>
            <translation>, </translation>
        </message>
        <message>
            <location line="+28" />
            <source>ページの文字をなぞると、ハイライトしてコメントを書けます（Esc でやめます）。</source>
            <translation>Drag over text on the page to highlight it and write a comment (Esc to stop).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページの上をドラッグして範囲を囲むと、コメントを書けます（Esc でやめます）。</source>
            <translation>Drag a box around an area of the page to write a comment on it (Esc to stop).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>付箋を貼る位置をページの上でクリックしてください（Esc でやめます）。</source>
            <translation>Click on the page where the sticky note should go (Esc to stop).</translation>
        </message>
        <message>
            <location line="+29" />
            <source>テキストが選択されていません。</source>
            <translation>No text is selected.</translation>
        </message>
        <message>
            <location line="+55" />
            <source>資料{label}頁</source>
            <translation>p. {label}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>PDFが開かれていません。</source>
            <translation>No PDF is open.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>ハイライトにコメント</source>
            <translation>Comment on highlight</translation>
        </message>
        <message>
            <location line="+0" />
            <source>範囲にコメント</source>
            <translation>Comment on area</translation>
        </message>
        <message>
            <location line="+1" />
            <source>付箋コメント</source>
            <translation>Sticky-note comment</translation>
        </message>
        <message>
            <location line="+64" />
            <source>コメントを削除しました（Ctrl+Z で元に戻せます）</source>
            <translation>Comment deleted (Ctrl+Z to undo)</translation>
        </message>
        <message>
            <location line="-199" />
            <location line="+263" />
            <source>確認済み</source>
            <translation>Reviewed</translation>
        </message>
        <message>
            <location line="+5" />
            <source>見解: 未記入</source>
            <translation>View: not set</translation>
        </message>
        <message>
            <location line="+0" />
            <source>見解: 同意</source>
            <translation>View: agree</translation>
        </message>
        <message>
            <location line="+1" />
            <source>見解: 疑問あり</source>
            <translation>View: doubtful</translation>
        </message>
    </context>
    <context>
        <name>ChangeView</name>
        <message>
            <location filename="../../ui/panels/changes.py" line="+433" />
            <source>変更を選ぶと、その記載が新しい版（追加は緑）と前の版（削除は取り消し線）でここに表示されます。</source>
            <translation>Select a change to see its text here: in the new version (added text in green) and the earlier one (removed text struck through).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>前の版</source>
            <translation>Earlier version</translation>
        </message>
        <message>
            <location line="+1" />
            <source>新しい版</source>
            <translation>Revised version</translation>
        </message>
    </context>
    <context>
        <name>CommentEditor</name>
        <message>
            <location filename="../../ui/dialogs/comment_editor.py" line="+60" />
            <source>コメント</source>
            <translation>Comments</translation>
        </message>
        <message>
            <location line="+31" />
            <source>区分</source>
            <translation>Category</translation>
        </message>
        <message>
            <location line="+4" />
            <source>意見・質問を入力（Ctrl+Enter で保存）</source>
            <translation>Type an opinion or question (Ctrl+Enter saves)</translation>
        </message>
        <message>
            <location line="+7" />
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <location line="+1" />
            <source>キャンセル</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>CommentsPanel</name>
        <message>
            <location filename="../../ui/panels/comments.py" line="+95" />
            <source>（評価書の外）</source>
            <translation>(outside any report)</translation>
        </message>
        <message>
            <location line="+51" />
            <location line="+253" />
            <source>（確認済みを付ける項目の外）</source>
            <translation>(not an item to mark as reviewed)</translation>
        </message>
        <message>
            <location line="-245" />
            <source>確認済み</source>
            <translation>Reviewed</translation>
        </message>
        <message>
            <location line="+4" />
            <source>判断への見解</source>
            <translation>View on the judgement</translation>
        </message>
        <message>
            <location line="+2" />
            <source>未記入</source>
            <translation>Not set</translation>
        </message>
        <message>
            <location line="+1" />
            <source>同意</source>
            <translation>Agree</translation>
        </message>
        <message>
            <location line="+1" />
            <source>疑問あり</source>
            <translation>Doubtful</translation>
        </message>
        <message>
            <location line="+22" />
            <source>評価書・項目ごと</source>
            <translation>By report and item</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページ順</source>
            <translation>By page</translation>
        </message>
        <message>
            <location line="+3" />
            <source>コメントを絞り込み</source>
            <translation>Filter comments</translation>
        </message>
        <message>
            <location line="+5" />
            <source>すべての状態</source>
            <translation>All statuses</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+300" />
            <source>すべての区分</source>
            <translation>All categories</translation>
        </message>
        <message>
            <location line="-299" />
            <location line="+300" />
            <source>すべての委員</source>
            <translation>All members</translation>
        </message>
        <message>
            <location line="-239" />
            <source>コメント</source>
            <translation>Comments</translation>
        </message>
        <message>
            <location line="+13" />
            <location line="+521" />
            <source>意見一覧から除外</source>
            <translation>Exclude from the comment sheet</translation>
        </message>
        <message>
            <location line="-518" />
            <source>意見一覧に載せる文言（空欄なら原文のまま）</source>
            <translation>Wording for the comment sheet (blank: as written)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>変更を保存</source>
            <translation>Save changes</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+515" />
            <source>削除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <location line="-394" />
            <source>他の委員：{views}</source>
            <translation>Other members: {views}</translation>
        </message>
        <message>
            <location line="+130" />
            <source>ハイライト</source>
            <translation>Highlight</translation>
        </message>
        <message>
            <location line="+0" />
            <source>範囲</source>
            <translation>Area</translation>
        </message>
        <message>
            <location line="+0" />
            <source>付箋</source>
            <translation>Note</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+126" />
            <source>資料{label}頁</source>
            <translation>p. {label}</translation>
        </message>
        <message>
            <location line="-122" />
            <source>（意見一覧から除外）</source>
            <translation>(excluded from the comment sheet)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>前の版から（記載変更なし）</source>
            <translation>From the earlier version (text unchanged)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の版から（記載が変更された）</source>
            <translation>From the earlier version (text changed)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の版から（削除された）</source>
            <translation>From the earlier version (removed)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>（本文なし）</source>
            <translation>(no text)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>［{category}］{author}：{text}</source>
            <translation>[{category}] {author}: {text}</translation>
        </message>
        <message>
            <location line="+0" />
            <source>［{category}］{text}</source>
            <translation>[{category}] {text}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>回答: {answer}</source>
            <translation>Answer: {answer}</translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>返信 %n 件</source>
            <translation>
                <numerusform>%n reply</numerusform>
                <numerusform>%n replies</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+59" />
            <source>コメント %n 件</source>
            <translation>
                <numerusform>%n comment</numerusform>
                <numerusform>%n comments</numerusform>
            </translation>
        </message>
        <message>
            <location line="-44" />
            <source>資料{label}頁（PDF {page}）</source>
            <translation>p. {label} (PDF {page})</translation>
        </message>
        <message>
            <location line="+47" />
            <source>コメント {shown} 件を表示（全 {total} 件）</source>
            <translation>Showing {shown} of {total} comments</translation>
        </message>
        <message>
            <location line="+31" />
            <source>コメントを選ぶと、ここで編集できます。</source>
            <translation>Select a comment to edit it here.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>（氏名なし）</source>
            <translation>(no name)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>取り込み</source>
            <translation>Imported</translation>
        </message>
        <message>
            <location line="+0" />
            <source>自分</source>
            <translation>Mine</translation>
        </message>
        <message>
            <location line="+10" />
            <source>所管課の回答: {answer}</source>
            <translation>Department's answer: {answer}</translation>
        </message>
        <message>
            <location line="+112" />
            <source>編集</source>
            <translation>Edit</translation>
        </message>
        <message>
            <location line="+4" />
            <source>対応済みにする</source>
            <translation>Mark as handled</translation>
        </message>
        <message>
            <location line="+0" />
            <source>未処理に戻す</source>
            <translation>Mark as open</translation>
        </message>
        <message>
            <location line="+3" />
            <source>意見一覧に含める</source>
            <translation>Include in the comment sheet</translation>
        </message>
    </context>
    <context>
        <name>CompareActions</name>
        <message>
            <location filename="../../ui/compare_actions.py" line="+137" />
            <location line="+30" />
            <source>変更点</source>
            <translation>Changes</translation>
        </message>
        <message>
            <location line="-20" />
            <source>中止</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+28" />
            <source>状態</source>
            <translation>Status</translation>
        </message>
        <message>
            <location line="+0" />
            <source>頁</source>
            <translation>Page</translation>
        </message>
        <message>
            <location line="+0" />
            <source>コメント</source>
            <translation>Comments</translation>
        </message>
        <message>
            <location line="+0" />
            <source>確認結果</source>
            <translation>Check</translation>
        </message>
        <message>
            <location line="+17" />
            <source>引き継いだコメント</source>
            <translation>Carried comments</translation>
        </message>
        <message>
            <location line="+19" />
            <location line="+28" />
            <source>PDFが開かれていません。</source>
            <translation>No PDF is open.</translation>
        </message>
        <message>
            <location line="-24" />
            <source>前の版のPDFを選ぶ</source>
            <translation>Choose the PDF of the earlier version</translation>
        </message>
        <message>
            <location line="+1" />
            <source>PDF ファイル (*.pdf)</source>
            <translation>PDF files (*.pdf)</translation>
        </message>
        <message>
            <location line="+43" />
            <location line="+5" />
            <source>前の版と比較中…</source>
            <translation>Comparing with the earlier version…</translation>
        </message>
        <message>
            <location line="+12" />
            <source>比較を中止しました。</source>
            <translation>The comparison was cancelled.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>同じファイルです。前の会議の版を選んでください。</source>
            <translation>This is the same file. Choose the version of the previous meeting.</translation>
        </message>
        <message>
            <location line="+16" />
            <source>コメントを引き継いでいます…</source>
            <translation>Carrying the comments over…</translation>
        </message>
        <message>
            <location line="+17" />
            <source>変更 {changes} 件（未申告 {undeclared} 件）。前の版のコメント {carried} 件を引き継ぎました（新規 {created} 件）。</source>
            <translation>{changes} changes ({undeclared} undeclared). {carried} comments of the earlier version carried over ({created} new).</translation>
        </message>
        <message>
            <location line="+88" />
            <source>記載変更なし</source>
            <translation>Text unchanged</translation>
        </message>
        <message>
            <location line="+0" />
            <source>記載が変更された</source>
            <translation>Text changed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>削除された</source>
            <translation>Removed</translation>
        </message>
        <message>
            <location line="+3" />
            <source>対応確認済み</source>
            <translation>Response confirmed</translation>
        </message>
        <message>
            <location line="+0" />
            <source>再指摘</source>
            <translation>Raised again</translation>
        </message>
        <message>
            <location line="+127" />
            <source>この資料の評価書（{reports}）は、以前に開いた資料「{name}」にも含まれています。</source>
            <translation>The reports of this packet ({reports}) are also in a packet you opened before, “{name}”.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の版と比較して変更点を確認し、前の版へのコメントを引き継ぎますか？</source>
            <translation>Compare with that earlier version to review the changes, and carry your comments on it over?</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+21" />
            <source>前の版と比較</source>
            <translation>Compare with the earlier version</translation>
        </message>
    </context>
    <context>
        <name>CorrectionDialog</name>
        <message>
            <location filename="../../ui/dialogs/correction.py" line="+32" />
            <source>構造を修正</source>
            <translation>Correct the structure</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{where}　資料 {label} ページ</source>
            <translation>{where}  packet page {label}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>判断を修正</source>
            <translation>Correct the judgement</translation>
        </message>
        <message>
            <location line="+0" />
            <source>見出しを修正</source>
            <translation>Correct the heading</translation>
        </message>
        <message>
            <location line="+0" />
            <source>ここにリスク/節を追加</source>
            <translation>Add a risk or section here</translation>
        </message>
        <message>
            <location line="+7" />
            <source>修正の種類</source>
            <translation>Kind of correction</translation>
        </message>
        <message>
            <location line="+13" />
            <location line="+37" />
            <source>リスクへの対策は十分か</source>
            <translation>Are the measures sufficient</translation>
        </message>
        <message>
            <location line="-36" />
            <source>評価書に書かれている判断を入力します（委員の意見ではありません）。</source>
            <translation>Enter the judgement printed in the report (not the member's view).</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+23" />
            <source>見出し</source>
            <translation>Heading</translation>
        </message>
        <message>
            <location line="-22" />
            <location line="+23" />
            <source>PDFのページ</source>
            <translation>PDF page</translation>
        </message>
        <message>
            <location line="-22" />
            <location line="+23" />
            <source>ページ上の位置（pt）</source>
            <translation>Position on the page (pt)</translation>
        </message>
        <message>
            <location line="-17" />
            <source>リスク</source>
            <translation>Risk</translation>
        </message>
        <message>
            <location line="+1" />
            <source>節</source>
            <translation>Section</translation>
        </message>
        <message>
            <location line="+4" />
            <source>例: 2</source>
            <translation>e.g. 2</translation>
        </message>
        <message>
            <location line="+5" />
            <source>（未設定）</source>
            <translation>(not set)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>種類</source>
            <translation>Kind</translation>
        </message>
        <message>
            <location line="+1" />
            <source>番号</source>
            <translation>Number</translation>
        </message>
    </context>
    <context>
        <name>DisplayWords</name>
        <message>
            <location filename="../../ui/display_words.py" line="+17" />
            <source>未処理</source>
            <translation>Open</translation>
        </message>
        <message>
            <location line="+1" />
            <source>対応済み</source>
            <translation>Done</translation>
        </message>
        <message>
            <location line="+1" />
            <source>質問</source>
            <translation>Question</translation>
        </message>
        <message>
            <location line="+1" />
            <source>意見</source>
            <translation>Opinion</translation>
        </message>
        <message>
            <location line="+1" />
            <source>要修正</source>
            <translation>Needs correction</translation>
        </message>
        <message>
            <location line="+1" />
            <source>確認のみ</source>
            <translation>Checked only</translation>
        </message>
    </context>
    <context>
        <name>ExchangeActions</name>
        <message>
            <location filename="../../ui/exchange_actions.py" line="+124" />
            <source>委員のコメントパッケージ（JSON）、XFDF、注釈付きPDF、回答入りの意見一覧（Excel）を取り込みます</source>
            <translation>Import members' comment packages (JSON), XFDF, annotated PDFs or answered comment sheets (Excel)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>意見一覧を書き出す（{format}）…</source>
            <translation>Export the comment sheet ({format})…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>注釈付きPDFを書き出す…</source>
            <translation>Export an annotated PDF…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>所管課の回答を取り込む…</source>
            <translation>Import the departments' answers…</translation>
        </message>
        <message>
            <location line="+13" />
            <location line="+24" />
            <location line="+3" />
            <source>取り込み・書き出し</source>
            <translation>Import and export</translation>
        </message>
        <message>
            <location line="-26" />
            <source>取り込み・書き出し(&amp;X)</source>
            <translation>Import/E&amp;xport</translation>
        </message>
        <message>
            <location line="+14" />
            <source>PDFが開かれていません。</source>
            <translation>No PDF is open.</translation>
        </message>
        <message>
            <location line="+113" />
            <source>すべての評価書</source>
            <translation>All reports</translation>
        </message>
        <message>
            <location line="+1" />
            <source>意見一覧を書き出す</source>
            <translation>Export the comment sheet</translation>
        </message>
        <message>
            <location line="+1" />
            <source>対象の評価書</source>
            <translation>Report</translation>
        </message>
        <message>
            <location line="+13" />
            <source>書き出しました: {path}</source>
            <translation>Exported: {path}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{count} 件を書き出しました。

保存した場所:
{path}</source>
            <translation>{count} written.

Saved at:
{path}</translation>
        </message>
        <message>
            <location line="+33" />
            <source>書き出す自分のコメントがありません。</source>
            <translation>You have no comments to export.</translation>
        </message>
        <message>
            <location line="-205" />
            <source>委員長へ送るコメントを書き出す…</source>
            <translation>Export comments for the chair…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>委員のコメントを取り込む…</source>
            <translation>Import members' comments…</translation>
        </message>
        <message>
            <location line="+101" />
            <source>PDFの中のコメント</source>
            <translation>Comments inside the PDF</translation>
        </message>
        <message>
            <location line="+1" />
            <source>このPDFには、注釈として付けられたコメントが {count} 件入っています。コメント一覧に取り込みますか？（取り込むと、書き出しや意見一覧にも含まれます）</source>
            <translation>This PDF carries {count} comment(s) made as annotations. Add them to the comment list? (They are then exported and included in the comment sheet too.)</translation>
        </message>
        <message numerus="yes">
            <location line="+71" />
            <source>（除外したコメント %n 件は含めていません）</source>
            <translation>
                <numerusform>(%n excluded comment is not included)</numerusform>
                <numerusform>(%n excluded comments are not included)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>（未申告の変更 %n 件を行として加えました）</source>
            <translation>
                <numerusform>(%n undeclared change was added as a row)</numerusform>
                <numerusform>(%n undeclared changes were added as rows)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>（確認済み・判断への見解 %n 件も入れました）</source>
            <translation>
                <numerusform>(%n reviewed mark or view of a judgement is in it too)</numerusform>
                <numerusform>(%n reviewed marks and views of the judgements are in it too)</numerusform>
            </translation>
        </message>
        <message>
            <location line="+29" />
            <source>委員長へ送るコメントを書き出す</source>
            <translation>Export comments for the chair</translation>
        </message>
        <message>
            <location line="+1" />
            <source>コメントパッケージ (*.json)</source>
            <translation>Comment package (*.json)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>意見一覧を書き出す（{format}）</source>
            <translation>Export the comment sheet ({format})</translation>
        </message>
        <message>
            <location line="+10" />
            <source>書き出すコメントがありません。</source>
            <translation>There are no comments to export.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>注釈付きPDFを書き出す</source>
            <translation>Export an annotated PDF</translation>
        </message>
        <message>
            <location line="+4" />
            <source>元のPDFには上書きできません。別の名前で保存してください。</source>
            <translation>The original PDF cannot be overwritten. Please save under another name.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>コメントを取り込む</source>
            <translation>Import comments</translation>
        </message>
        <message>
            <location line="+1" />
            <source>取り込めるファイル (*.json *.xfdf *.pdf *.xlsx);;すべてのファイル (*)</source>
            <translation>Importable files (*.json *.xfdf *.pdf *.xlsx);;All files (*)</translation>
        </message>
        <message>
            <location line="+14" />
            <source>所管課の回答を取り込む</source>
            <translation>Import the departments' answers</translation>
        </message>
        <message>
            <location line="+1" />
            <source>回答入りの意見一覧 (*.xlsx)</source>
            <translation>Answered comment sheet (*.xlsx)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>{files} 個のファイルを取り込みました。</source>
            <translation>Imported {files} file(s).</translation>
        </message>
        <message>
            <location line="+2" />
            <source>追加 {added} 件、更新 {updated} 件、変更なし {unchanged} 件</source>
            <translation>{added} added, {updated} updated, {unchanged} unchanged</translation>
        </message>
        <message>
            <location line="+4" />
            <source>委員: {names}</source>
            <translation>Members: {names}</translation>
        </message>
        <message>
            <location line="+0" />
            <source>、</source>
            <translation>, </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>委員の確認済み・判断への見解 %n 件を取り込みました（コメント欄の上に表示されます）。</source>
            <translation>
                <numerusform>Imported %n member's mark (reviewed, view of the judgement); it shows above the comments.</numerusform>
                <numerusform>Imported %n members' marks (reviewed, view of the judgement); they show above the comments.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>委員が取り消した確認済み・判断への見解 %n 件を外しました。</source>
            <translation>
                <numerusform>Removed %n reviewed mark or view a member took back.</numerusform>
                <numerusform>Removed %n reviewed marks or views members took back.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>同じ委員のより新しいファイルを取り込み済みのため、古いファイルの確認済み・判断への見解は使いませんでした（%n 個）。</source>
            <translation>
                <numerusform>The marks and views in %n older file were not used: a newer file of the same member was imported already.</numerusform>
                <numerusform>The marks and views in %n older files were not used: newer files of the same members were imported already.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>回答 %n 件を反映しました。</source>
            <translation>
                <numerusform>Applied %n answer.</numerusform>
                <numerusform>Applied %n answers.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>該当するコメントがない回答が %n 件ありました。</source>
            <translation>
                <numerusform>%n answer matched no comment.</numerusform>
                <numerusform>%n answers matched no comment.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>変更の行（未申告の変更など）への回答 %n 件は、対応するコメントがないため取り込んでいません（Excel に残っています）。</source>
            <translation>
                <numerusform>%n answer on a row of the comparison (an undeclared change, for instance) was not imported: no comment to attach it to (it stays in the Excel file).</numerusform>
                <numerusform>%n answers on rows of the comparison (undeclared changes, for instance) were not imported: no comment to attach them to (they stay in the Excel file).</numerusform>
            </translation>
        </message>
        <message>
            <location line="+7" />
            <source>確認してください:</source>
            <translation>Please check:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>取り込めなかったファイル（そのファイルからは何も取り込んでいません）:</source>
            <translation>Files that could not be imported (nothing was taken from them):</translation>
        </message>
    </context>
    <context>
        <name>GoToPageDialog</name>
        <message>
            <location filename="../../ui/dialogs/goto_page.py" line="+72" />
            <source>ページへ移動</source>
            <translation>Go to page</translation>
        </message>
        <message>
            <location line="+4" />
            <source>資料に印刷されたページ番号（例: 129）を入力してください。PDFの何枚目かで移るときは「PDF 131」のように入力します。</source>
            <translation>Enter the page number printed in the packet (e.g. 129). To go by the PDF's own page count, enter e.g. "PDF 131".</translation>
        </message>
        <message>
            <location line="+4" />
            <source>ページ</source>
            <translation>Page</translation>
        </message>
        <message>
            <location line="+21" />
            <source>該当するページがありません（全 {total} ページ）。</source>
            <translation>No such page ({total} pages in all).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>資料 {label} ページ → PDF {page} / {total} ページ</source>
            <translation>Packet page {label} → PDF page {page} / {total}</translation>
        </message>
    </context>
    <context>
        <name>HelpDialog</name>
        <message>
            <location filename="../../ui/dialogs/help.py" line="+43" />
            <source>PIA Reviewer の使い方</source>
            <translation>How to use PIA Reviewer</translation>
        </message>
        <message>
            <location line="+17" />
            <source>閉じる</source>
            <translation>Close</translation>
        </message>
        <message>
            <location line="+29" />
            <source>使い方（F1）</source>
            <translation>How to use (F1)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>読み方・コメントの付け方・委員長への送り方の説明</source>
            <translation>How to read, comment and send your comments to the chair</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../ui/main_window.py" line="+375" />
            <source>サンプル資料を準備中…</source>
            <translation>Preparing the sample packet…</translation>
        </message>
        <message>
            <location line="-280" />
            <location line="+110" />
            <source>PIA Reviewer — 特定個人情報保護評価書 点検</source>
            <translation>PIA Reviewer — assessment report review</translation>
        </message>
        <message>
            <location filename="../../ui/window_actions.py" line="-68" />
            <source>開く…</source>
            <translation>Open…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>PDFを開く (Ctrl+O)</source>
            <translation>Open a PDF (Ctrl+O)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>閉じる</source>
            <translation>Close</translation>
        </message>
        <message>
            <location line="+1" />
            <source>終了</source>
            <translation>Quit</translation>
        </message>
        <message>
            <location line="+1" />
            <source>戻る</source>
            <translation>Back</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の位置に戻る (Alt+←)</source>
            <translation>Back to the previous position (Alt+←)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>進む</source>
            <translation>Forward</translation>
        </message>
        <message>
            <location line="+1" />
            <source>次の位置に進む (Alt+→)</source>
            <translation>Forward to the next position (Alt+→)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>拡大</source>
            <translation>Zoom in</translation>
        </message>
        <message>
            <location line="+2" />
            <source>拡大 (Ctrl++)</source>
            <translation>Zoom in (Ctrl++)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>縮小</source>
            <translation>Zoom out</translation>
        </message>
        <message>
            <location line="+1" />
            <source>縮小 (Ctrl+-)</source>
            <translation>Zoom out (Ctrl+-)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>幅に合わせる</source>
            <translation>Fit width</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページの幅に合わせる (Ctrl+0)</source>
            <translation>Fit the page width (Ctrl+0)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページ全体を表示</source>
            <translation>Fit page</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページへ移動…</source>
            <translation>Go to page…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>資料のページ番号で移動 (Ctrl+G)</source>
            <translation>Go to a packet page number (Ctrl+G)</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../ui/window_panels.py" line="+81" />
            <source>検索</source>
            <translation>Search</translation>
        </message>
        <message>
            <location line="+1" />
            <source>資料内を検索 (Ctrl+F)</source>
            <translation>Search the packet (Ctrl+F)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>次の検索結果</source>
            <translation>Next search result</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の検索結果</source>
            <translation>Previous search result</translation>
        </message>
        <message>
            <location line="+1" />
            <source>全画面表示</source>
            <translation>Full screen</translation>
        </message>
        <message>
            <location line="+2" />
            <source>設定…</source>
            <translation>Settings…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>表示言語・文字の大きさ・コントラスト</source>
            <translation>Language, text size and contrast</translation>
        </message>
        <message>
            <location line="+1" />
            <source>委員のお名前…</source>
            <translation>Member's name…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>使い方（ヘルプ）</source>
            <translation>How to use (Help)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>使い方を表示 (F1)</source>
            <translation>Show how to use the app (F1)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>委員長へ送るコメントを書き出す</source>
            <translation>Export comments for the chair</translation>
        </message>
        <message>
            <location line="+1" />
            <source>自分のコメントを1つのファイルに書き出します（委員長へ送ります）</source>
            <translation>Writes your comments into one file (to send to the chair)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>委員のコメントを取り込む</source>
            <translation>Import members' comments</translation>
        </message>
        <message>
            <location line="+1" />
            <source>委員から届いたコメントのファイルを取り込みます（委員長用）</source>
            <translation>Imports the comment files the members sent (for the chair)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>意見一覧を書き出す（{format}）…</source>
            <translation>Export the comment sheet ({format})…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>前の版と比較…</source>
            <translation>Compare with the earlier version…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>前の会議の版と比べて変更点を確認し、コメントを引き継ぎます</source>
            <translation>Compare with the version of the previous meeting, review the changes and carry the comments over</translation>
        </message>
        <message>
            <location line="+50" />
            <source>コメントの受け渡し</source>
            <translation>Exchanging comments</translation>
        </message>
        <message>
            <location line="-62" />
            <location line="+142" />
            <source>PIA Reviewer について</source>
            <translation>About PIA Reviewer</translation>
        </message>
        <message>
            <location line="-127" />
            <source>ファイル(&amp;F)</source>
            <translation>&amp;File</translation>
        </message>
        <message>
            <location line="+2" />
            <source>最近使ったファイル</source>
            <translation>Recent files</translation>
        </message>
        <message>
            <location line="+14" />
            <source>表示(&amp;V)</source>
            <translation>&amp;View</translation>
        </message>
        <message>
            <location line="+6" />
            <source>移動(&amp;G)</source>
            <translation>&amp;Go</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ツール(&amp;T)</source>
            <translation>&amp;Tools</translation>
        </message>
        <message>
            <location line="+3" />
            <source>ヘルプ(&amp;H)</source>
            <translation>&amp;Help</translation>
        </message>
        <message>
            <location line="+4" />
            <source>ツールバー</source>
            <translation>Toolbar</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="+12" />
            <source>資料</source>
            <translation>Packet</translation>
        </message>
        <message>
            <location line="+10" />
            <source>コメント</source>
            <translation>Comments</translation>
        </message>
        <message>
            <location line="+3" />
            <source>コメントはここに表示されます。</source>
            <translation>Comments appear here.</translation>
        </message>
        <message>
            <location filename="../../ui/window_panels.py" line="-28" />
            <source>目次</source>
            <translation>Contents</translation>
        </message>
        <message>
            <location line="+15" />
            <source>サムネイル</source>
            <translation>Thumbnails</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="+32" />
            <source>PDFを開く</source>
            <translation>Open a PDF</translation>
        </message>
        <message>
            <location line="+1" />
            <source>PDF ファイル (*.pdf);;すべてのファイル (*)</source>
            <translation>PDF files (*.pdf);;All files (*)</translation>
        </message>
        <message>
            <location line="+37" />
            <location line="+6" />
            <location line="+31" />
            <location line="+185" />
            <location filename="../../ui/unlock.py" line="+71" />
            <source>ファイルを開けません</source>
            <translation>Cannot open the file</translation>
        </message>
        <message>
            <location line="-319" />
            <source>{name} — PIA Reviewer</source>
            <translation>{name} — PIA Reviewer</translation>
        </message>
        <message>
            <location filename="../../ui/unlock.py" line="+1" />
            <source>パスワードが{tries}回続けて正しくなかったため、「{name}」を開けませんでした。正しいパスワードを資料の配布元に確認してください。</source>
            <translation>The password was wrong {tries} times in a row, so “{name}” was not opened. Please check the password with whoever sent you the packet.</translation>
        </message>
        <message>
            <location filename="../../ui/window_panels.py" line="+116" />
            <source>検索できます。</source>
            <translation>Ready to search.</translation>
        </message>
        <message>
            <location filename="../../ui/store_open.py" line="+63" />
            <source>コメントの保存先が開けないため、コメントは保存できません。</source>
            <translation>The comment storage could not be opened, so comments cannot be saved.</translation>
        </message>
        <message>
            <location line="-24" />
            <location line="+38" />
            <source>コメントの保存先</source>
            <translation>Comment storage</translation>
        </message>
        <message>
            <location line="-25" />
            <source>最新のバックアップ（{name}）から復元しますか？（破損したファイルは残します）</source>
            <translation>Restore from the newest backup ({name})? (The damaged file is kept.)</translation>
        </message>
        <message>
            <location line="+25" />
            <source>使えるバックアップがありませんでした。</source>
            <translation>No usable backup was found.</translation>
        </message>
        <message>
            <location filename="../../ui/reading_status.py" line="+108" />
            <source>{label}（PDF {page} / {total}）</source>
            <translation>{label} (PDF {page} / {total})</translation>
        </message>
        <message>
            <location line="+2" />
            <source>資料 {label} ページ（PDF {page} / {total}）</source>
            <translation>Packet page {label} (PDF {page} / {total})</translation>
        </message>
        <message>
            <location line="+2" />
            <source>PDF {page} / {total} ページ</source>
            <translation>PDF page {page} / {total}</translation>
        </message>
        <message>
            <location line="+27" />
            <source>　表示できません</source>
            <translation>  (cannot be shown)</translation>
        </message>
        <message>
            <location line="+11" />
            <source>　文字情報なし</source>
            <translation>  (no text layer)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>このページには文字情報（テキスト層）がありません（スキャン画像など）。このページでは検索とテキストのハイライトは使えませんが、範囲コメントは付けられます。</source>
            <translation>This page has no text layer (a scanned image, for example). Search and text highlights do not work on this page, but area comments do.</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="-13" />
            <source>構造の修正</source>
            <translation>Structure correction</translation>
        </message>
        <message>
            <location line="+0" />
            <source>コメントの保存先が開いていないため、修正を保存できません。</source>
            <translation>The comment store is not open, so the correction cannot be saved.</translation>
        </message>
        <message>
            <location line="+197" />
            <source>練習用サンプル（実在の資料ではありません） — PIA Reviewer</source>
            <translation>Practice sample (not a real packet) — PIA Reviewer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>練習用のサンプル資料です。実在の市区町村の評価書ではありません。</source>
            <translation>This is the practice sample. It is not a real municipality's assessment report.</translation>
        </message>
        <message>
            <location line="+90" />
            <source>このリンクはプログラムやファイルを開こうとしています。安全のため開きません。</source>
            <translation>This link tries to open a program or a file. For safety it is not opened.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>外部リンク</source>
            <translation>External link</translation>
        </message>
        <message>
            <location line="+0" />
            <source>次のリンクを既定のアプリで開きますか？

{url}</source>
            <translation>Open this link in the default application?

{url}</translation>
        </message>
        <message>
            <location filename="../../ui/window_actions.py" line="+83" />
            <source>設定</source>
            <translation>Settings</translation>
        </message>
        <message>
            <location line="+1" />
            <source>表示言語は次回の起動時に切り替わります。</source>
            <translation>The language changes the next time the app starts.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>PIA Reviewer {version}
特定個人情報保護評価書（全項目評価書）の第三者点検を支援するアプリです。</source>
            <translation>PIA Reviewer {version}
An app for the third-party check of specific personal information protection assessment reports (full assessments).</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="+23" />
            <source>（なし）</source>
            <translation>(none)</translation>
        </message>
        <message>
            <location line="+13" />
            <source>ファイルが見つかりません: {path}</source>
            <translation>File not found: {path}</translation>
        </message>
    </context>
    <context>
        <name>MemberNameDialog</name>
        <message>
            <location filename="../../ui/dialogs/member_name.py" line="+13" />
            <source>委員のお名前</source>
            <translation>Member's name</translation>
        </message>
        <message>
            <location line="+2" />
            <source>コメントの記入者として表示するお名前を入力してください。後から「ツール」＞「委員のお名前…」で変更できます。</source>
            <translation>Enter the name shown as the author of your comments. You can change it later under Tools › Member's name….</translation>
        </message>
        <message>
            <location line="+4" />
            <source>例: 山田 花子</source>
            <translation>e.g. Hanako Yamada</translation>
        </message>
        <message>
            <location line="+1" />
            <source>お名前</source>
            <translation>Name</translation>
        </message>
    </context>
    <context>
        <name>OutlinePanel</name>
        <message>
            <location filename="../../ui/panels/outline.py" line="+78" />
            <source>課題あり</source>
            <translation>Issues remain</translation>
        </message>
        <message>
            <location line="+2" />
            <source>不十分</source>
            <translation>Insufficient</translation>
        </message>
        <message>
            <location line="+2" />
            <source>特に力</source>
            <translation>Strong</translation>
        </message>
        <message>
            <location line="+2" />
            <source>十分</source>
            <translation>Sufficient</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+49" />
            <source>構造を解析中…</source>
            <translation>Analysing the structure…</translation>
        </message>
        <message>
            <location line="-43" />
            <source>項目</source>
            <translation>Item</translation>
        </message>
        <message>
            <location line="+0" />
            <source>判断</source>
            <translation>Judgement</translation>
        </message>
        <message>
            <location line="+0" />
            <source>確認</source>
            <translation>Review</translation>
        </message>
        <message>
            <location line="+3" />
            <source>目次</source>
            <translation>Contents</translation>
        </message>
        <message>
            <location line="+45" />
            <source>PDFを開くと、ここに目次が表示されます。</source>
            <translation>Open a PDF to see its contents here.</translation>
        </message>
        <message>
            <location line="+72" />
            <source>評価書が見つからないため、PDFのしおりを表示しています。</source>
            <translation>No assessment report was found; showing the PDF's bookmarks.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>構造が見つからないため、ページ一覧を表示しています。</source>
            <translation>No structure was found; showing the list of pages.</translation>
        </message>
        <message>
            <location line="+24" />
            <location line="+31" />
            <location line="+16" />
            <source>{title}（資料 {label} ページ）</source>
            <translation>{title} (packet page {label})</translation>
        </message>
        <message>
            <location line="-34" />
            <source>（無題の資料）</source>
            <translation>(untitled document)</translation>
        </message>
        <message>
            <location line="+110" />
            <source>リスクへの対策は十分か: {judgement}</source>
            <translation>Are the measures sufficient: {judgement}</translation>
        </message>
        <message>
            <location line="+28" />
            <source>資料 {label} ページ</source>
            <translation>Packet page {label}</translation>
        </message>
        <message>
            <location line="+132" />
            <source>● コメントあり</source>
            <translation>● Comments</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{total} 項目のうち {reviewed} 項目を確認済み</source>
            <translation>{reviewed} of {total} items reviewed</translation>
        </message>
        <message>
            <location line="+3" />
            <source>コメントあり</source>
            <translation>Has comments</translation>
        </message>
        <message>
            <location line="-324" />
            <source>
ほか {count} 件</source>
            <translation>
and {count} more</translation>
        </message>
        <message>
            <location line="+1" />
            <source>⚠ 読み取れなかった箇所があります（右クリックで修正できます）
</source>
            <translation>⚠ Some parts could not be read (right-click to correct them)
</translation>
        </message>
        <message>
            <location line="+121" />
            <source>判断を読み取れなかったリスク {count} 件</source>
            <translation>Risks whose judgement was not read: {count}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>構造の警告 {count} 件</source>
            <translation>Structure warnings: {count}</translation>
        </message>
        <message>
            <location line="+16" />
            <source>判断を手で修正しました</source>
            <translation>Judgement corrected by hand</translation>
        </message>
        <message>
            <location line="+0" />
            <source>見出しを手で修正しました</source>
            <translation>Heading corrected by hand</translation>
        </message>
        <message>
            <location line="+1" />
            <source>手で追加した項目です</source>
            <translation>Added by hand</translation>
        </message>
        <message>
            <location line="+9" />
            <source>「リスクへの対策は十分か」の判断を読み取れませんでした（判断がないという意味ではありません）。右クリックの「判断を修正…」で入力できます。</source>
            <translation>The judgement (are the measures sufficient) could not be read. This does not mean there is none. Right-click and choose “Correct the judgement…” to enter it.</translation>
        </message>
        <message>
            <location line="+60" />
            <source>判断を修正…</source>
            <translation>Correct the judgement…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>見出しを修正…</source>
            <translation>Correct the heading…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ここにリスク/節を追加…</source>
            <translation>Add a risk or section here…</translation>
        </message>
    </context>
    <context>
        <name>PacketSession</name>
        <message>
            <location filename="../../ui/session.py" line="+235" />
            <location line="+71" />
            <source>構造を解析中…</source>
            <translation>Analysing the structure…</translation>
        </message>
        <message>
            <location line="-6" />
            <location line="+40" />
            <source>検索索引を作成中…</source>
            <translation>Building the search index…</translation>
        </message>
        <message>
            <location line="-11" />
            <source>構造を解析できませんでした。</source>
            <translation>The structure could not be analysed.</translation>
        </message>
    </context>
    <context>
        <name>PageView</name>
        <message>
            <location filename="../../ui/page_view/view.py" line="+89" />
            <source>このページは壊れているため表示できません（PDFの一部が傷んでいます）。</source>
            <translation>This page cannot be shown: this part of the PDF is damaged.</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../ui/dialogs/passphrase.py" line="+30" />
            <source>コメント保存用のパスフレーズ</source>
            <translation>Passphrase for your comments</translation>
        </message>
        <message>
            <location line="+7" />
            <source>このパソコンには、鍵を安全にしまっておく仕組み（OSの資格情報ストア）が見つかりません。コメントは暗号化して保存しますので、守るためのパスフレーズを決めてください。</source>
            <translation>This computer has no safe place to keep keys (the system's credential store). Your comments are stored encrypted: choose a passphrase that protects them.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>コメントの保存先を開くパスフレーズを入力してください。</source>
            <translation>Enter the passphrase that opens your comments.</translation>
        </message>
        <message>
            <location line="+16" />
            <source>パスフレーズ</source>
            <translation>Passphrase</translation>
        </message>
        <message>
            <location line="+4" />
            <source>確認のためもう一度</source>
            <translation>Once more to confirm</translation>
        </message>
        <message>
            <location line="+7" />
            <source>キャンセル</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+10" />
            <source>パスフレーズを忘れると、保存したコメントは二度と開けません。パスフレーズは誰にも（事務局にも開発者にも）復元できません。紙に書いて安全な場所に保管してください。</source>
            <translation>If you forget the passphrase, your saved comments can never be opened again. Nobody (not the secretariat, not the developers) can recover it. Write it down and keep it somewhere safe.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>パスフレーズを忘れた場合、コメントを開く方法はありません。誰にも（事務局にも開発者にも）復元できません。</source>
            <translation>If the passphrase is forgotten, there is no way to open the comments. Nobody (not the secretariat, not the developers) can recover it.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>パスフレーズを入力してください。</source>
            <translation>Please enter a passphrase.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>パスフレーズは{count}文字以上にしてください。</source>
            <translation>The passphrase must be at least {count} characters.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>確認用のパスフレーズが一致しません。</source>
            <translation>The two passphrases differ.</translation>
        </message>
        <message>
            <location line="+54" />
            <source>コメントの保存先</source>
            <translation>Comment storage</translation>
        </message>
        <message>
            <location line="+1" />
            <source>パスフレーズが{count}回違ったため、コメントの保存先を開けませんでした。</source>
            <translation>The passphrase was wrong {count} times, so the comment storage was not opened.</translation>
        </message>
    </context>
    <context>
        <name>PasswordDialog</name>
        <message>
            <location filename="../../ui/dialogs/password.py" line="+30" />
            <source>パスワードの入力</source>
            <translation>Password</translation>
        </message>
        <message>
            <location line="+2" />
            <source>「{name}」はパスワードで保護されています。パスワードを入力してください。</source>
            <translation>“{name}” is protected by a password. Please enter it.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>パスワードが正しくありません（{attempt}回目／{total}回まで）。</source>
            <translation>The password is wrong (try {attempt} of {total}).</translation>
        </message>
        <message>
            <location line="+7" />
            <source>パスワード</source>
            <translation>Password</translation>
        </message>
        <message>
            <location line="+2" />
            <source>このパスワードを記憶する（OSの資格情報ストアに保存）</source>
            <translation>Remember this password (in the system keyring)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>OSの資格情報ストア（キーリング）が使えないため記憶できません。</source>
            <translation>The system keyring is not available, so the password cannot be remembered.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>OSの資格情報ストア（キーリング）が使えないため、パスワードは記憶できません。</source>
            <translation>The system keyring is not available, so the password cannot be remembered.</translation>
        </message>
    </context>
    <context>
        <name>ReadingStatus</name>
        <message>
            <location filename="../../ui/reading_status.py" line="+9" />
            <source>（読める大きさ）</source>
            <translation>(readable size)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ページの幅に合わせると文字が小さくなりすぎるため、読める大きさで表示しています。右側は横にスクロールすると見えます（パネルを閉じると広くなります）。</source>
            <translation>Fitting the page's width would make its text too small to read, so the page is shown at a readable size. Scroll sideways to see its right part (closing a panel makes more room).</translation>
        </message>
    </context>
    <context>
        <name>SearchPanel</name>
        <message>
            <location filename="../../ui/panels/search.py" line="+375" />
            <source>検索する語（Ctrl+F）</source>
            <translation>Search for… (Ctrl+F)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>検索語</source>
            <translation>Search term</translation>
        </message>
        <message>
            <location line="+3" />
            <source>ひらがな・カタカナを区別しない</source>
            <translation>Treat hiragana and katakana as the same</translation>
        </message>
        <message>
            <location line="+17" />
            <source>検索結果</source>
            <translation>Search results</translation>
        </message>
        <message>
            <location line="+80" />
            <source>索引を作成中…（{done}/{total} ページ）</source>
            <translation>Building the index… ({done}/{total} pages)</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+33" />
            <source>索引を作成中…</source>
            <translation>Building the index…</translation>
        </message>
        <message>
            <location line="-31" />
            <source>検索索引を作成できませんでした。</source>
            <translation>The search index could not be built.</translation>
        </message>
        <message>
            <location line="+40" />
            <source>検索中…</source>
            <translation>Searching…</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{count} 件見つかりました</source>
            <translation>{count} found</translation>
        </message>
        <message>
            <location line="+1" />
            <source>・コメント {count} 件</source>
            <translation> · {count} in comments</translation>
        </message>
        <message>
            <location line="+3" />
            <source>見つかりませんでした</source>
            <translation>Not found</translation>
        </message>
        <message>
            <location line="+75" />
            <source>{current} / {count} 件</source>
            <translation>{current} of {count}</translation>
        </message>
        <message>
            <source>資料 {label}</source>
            <translation>p. {label}</translation>
        </message>
        <message>
            <source>コメント（{count} 件）</source>
            <translation>Comments ({count})</translation>
        </message>
        <message>
            <source>資料 {label}・{author}</source>
            <translation>p. {label} · {author}</translation>
        </message>
        <message>
            <source>{title}（{count} 件）</source>
            <translation>{title} ({count})</translation>
        </message>
        <message>
            <source>{section}（{count} 件）</source>
            <translation>{section} ({count})</translation>
        </message>
        <message>
            <source>（資料外）</source>
            <translation>(outside any document)</translation>
        </message>
        <message>
            <source>（項目外）</source>
            <translation>(outside any item)</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <location filename="../../ui/dialogs/settings.py" line="+26" />
            <source>設定</source>
            <translation>Settings</translation>
        </message>
        <message>
            <location line="+8" />
            <source>表示言語:</source>
            <translation>Language:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>標準</source>
            <translation>Normal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>大きい</source>
            <translation>Large</translation>
        </message>
        <message>
            <location line="+1" />
            <source>特大</source>
            <translation>Extra large</translation>
        </message>
        <message>
            <location line="+2" />
            <source>文字の大きさ:</source>
            <translation>Text size:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ハイコントラスト表示</source>
            <translation>High contrast</translation>
        </message>
        <message>
            <location line="+4" />
            <source>表示言語の変更は次回の起動時に反映されます。</source>
            <translation>A language change applies the next time the app starts.</translation>
        </message>
    </context>
    <context>
        <name>ThumbnailModel</name>
        <message>
            <location filename="../../ui/panels/thumbnails.py" line="+81" />
            <source>資料 {label} ページ（PDF {page}）</source>
            <translation>Packet page {label} (PDF {page})</translation>
        </message>
        <message>
            <location line="+2" />
            <source>資料 {label} ページ</source>
            <translation>Packet page {label}</translation>
        </message>
    </context>
    <context>
        <name>ThumbnailsPanel</name>
        <message>
            <location line="+35" />
            <source>サムネイル</source>
            <translation>Thumbnails</translation>
        </message>
    </context>
    <context>
        <name>UndoService</name>
        <message>
            <location filename="../../ui/undo.py" line="+175" />
            <location line="+20" />
            <source>元に戻す</source>
            <translation>Undo</translation>
        </message>
        <message>
            <location line="-17" />
            <location line="+18" />
            <source>やり直す</source>
            <translation>Redo</translation>
        </message>
        <message>
            <location line="-1" />
            <source>元に戻す: {name}</source>
            <translation>Undo: {name}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>やり直す: {name}</source>
            <translation>Redo: {name}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>コメントの保存先が開かれていません。</source>
            <translation>The comment storage is not open.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>変更を保存できませんでした（{error}）。</source>
            <translation>The change could not be saved ({error}).</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../ui/welcome.py" line="+67" />
            <source>PIA Reviewer へようこそ</source>
            <translation>Welcome to PIA Reviewer</translation>
        </message>
        <message>
            <location line="+5" />
            <source>特定個人情報保護評価書（PDF）を読み、気づいた点にコメントを付けて、委員長へ送るためのアプリです。まず、点検する資料を開いてください。</source>
            <translation>This app is for reading specific personal information protection assessment reports (PDF), commenting on what you notice and sending your comments to the chair. Start by opening the packet you are reviewing.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>資料（PDF）を開く…</source>
            <translation>Open a packet (PDF)…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>事務局から届いた評価書のPDFを選びます (Ctrl+O)</source>
            <translation>Choose the packet PDF the secretariat sent you (Ctrl+O)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>練習用のサンプルで試す</source>
            <translation>Try the practice sample</translation>
        </message>
        <message>
            <location line="+5" />
            <source>サンプルは操作の練習用に作った架空の資料です。本物の評価書ではありません。</source>
            <translation>The sample is a made-up packet for practising. It is not a real assessment report.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>最近使ったファイル</source>
            <translation>Recent files</translation>
        </message>
        <message>
            <location line="+7" />
            <source>使い方を見る（F1）</source>
            <translation>How to use the app (F1)</translation>
        </message>
        <message>
            <location line="+41" />
            <source>{name}（見つかりません）</source>
            <translation>{name} (not found)</translation>
        </message>
    </context>
    <context>
        <name>changes</name>
        <message>
            <location filename="../../ui/panels/changes.py" line="-364" />
            <source>記載変更なし</source>
            <translation>Text unchanged</translation>
        </message>
        <message>
            <location line="+1" />
            <source>記載が変更された</source>
            <translation>Text changed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>削除された</source>
            <translation>Removed</translation>
        </message>
        <message>
            <location line="+3" />
            <source>記載の変更</source>
            <translation>text changed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>行の追加</source>
            <translation>row added</translation>
        </message>
        <message>
            <location line="+1" />
            <source>行の削除</source>
            <translation>row removed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>判断の変更</source>
            <translation>judgement changed</translation>
        </message>
        <message>
            <source>（行）</source>
            <translation>(row)</translation>
        </message>
        <message>
            <source>変更を確かめたら、その行のチェックを付けます（確認済み）。</source>
            <translation>Tick a change once you have checked it (reviewed).</translation>
        </message>
        <message>
            <source>前の変更</source>
            <translation>Previous change</translation>
        </message>
        <message>
            <source>次の変更</source>
            <translation>Next change</translation>
        </message>
        <message>
            <source>次の変更（N または F8）</source>
            <translation>Next change (N or F8)</translation>
        </message>
        <message>
            <source>前の変更（Shift+N または Shift+F8）</source>
            <translation>Previous change (Shift+N or Shift+F8)</translation>
        </message>
        <message>
            <source>申告済</source>
            <translation>Declared</translation>
        </message>
        <message>
            <source>対応確認済み</source>
            <translation>Response confirmed</translation>
        </message>
        <message>
            <source>再指摘</source>
            <translation>Raised again</translation>
        </message>
        <message>
            <source>変更（☑ 確認済み）</source>
            <translation>Change (☑ reviewed)</translation>
        </message>
        <message>
            <source>申告</source>
            <translation>Declared</translation>
        </message>
        <message>
            <source>頁</source>
            <translation>Page</translation>
        </message>
        <message>
            <source>所管課の回答</source>
            <translation>Department's answer</translation>
        </message>
        <message>
            <source>（{count}件、未申告 {undeclared}件）</source>
            <translation> ({count}, {undeclared} undeclared)</translation>
        </message>
        <message>
            <source>（{count}件）</source>
            <translation> ({count})</translation>
        </message>
        <message>
            <source>未申告</source>
            <translation>Undeclared</translation>
        </message>
        <message>
            <source>別添3：</source>
            <translation>Annex 3: </translation>
        </message>
        <message>
            <source>変更なし</source>
            <translation>No change</translation>
        </message>
        <message>
            <source>変更 {total} 件（うち未申告 {undeclared} 件）</source>
            <translation>{total} changes ({undeclared} undeclared)</translation>
        </message>
        <message>
            <source>・確認済み {reviewed} 件</source>
            <translation> · {reviewed} reviewed</translation>
        </message>
        <message>
            <source>（前の版）</source>
            <translation> (earlier version)</translation>
        </message>
        <message>
            <source>所管課の回答：</source>
            <translation>Department's answer: </translation>
        </message>
        <message>
            <source>削除された記載</source>
            <translation>Removed text</translation>
        </message>
        <message>
            <source>前の記載</source>
            <translation>Earlier text</translation>
        </message>
        <message>
            <source>修正後の記載</source>
            <translation>Revised text</translation>
        </message>
        <message>
            <source>差分</source>
            <translation>Difference</translation>
        </message>
        <message>
            <source>PDF {page} ページ</source>
            <translation>PDF page {page}</translation>
        </message>
        <message>
            <source>{label}頁</source>
            <translation>p. {label}</translation>
        </message>
        <message>
            <source>前の記載（削除された）</source>
            <translation>Earlier text (removed)</translation>
        </message>
        <message>
            <source>記載</source>
            <translation>Text</translation>
        </message>
        <message>
            <source>別添3に記載があるが変更が見つからない</source>
            <translation>declared in Annex 3 but no change found</translation>
        </message>
    </context>
    <context>
        <name>commands</name>
        <message>
            <location filename="../../ui/undo.py" line="-181" />
            <source>コメントを追加</source>
            <translation>Add comment</translation>
        </message>
        <message>
            <location line="+1" />
            <source>コメントを削除</source>
            <translation>Delete comment</translation>
        </message>
        <message>
            <location line="+1" />
            <source>コメントを編集</source>
            <translation>Edit comment</translation>
        </message>
        <message>
            <location line="+1" />
            <source>分類を変更</source>
            <translation>Change category</translation>
        </message>
        <message>
            <location line="+1" />
            <source>対応状況を変更</source>
            <translation>Change status</translation>
        </message>
        <message>
            <location line="+1" />
            <source>コメントの位置を変更</source>
            <translation>Move comment</translation>
        </message>
        <message>
            <location line="+1" />
            <source>シートへの掲載を変更</source>
            <translation>Change inclusion on the sheet</translation>
        </message>
        <message>
            <location line="+1" />
            <source>シートの文面を編集</source>
            <translation>Edit the sheet wording</translation>
        </message>
        <message>
            <location line="+1" />
            <source>回答を編集</source>
            <translation>Edit answer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>回答を取り込み</source>
            <translation>Import answer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>確認済みにする</source>
            <translation>Mark as reviewed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>確認済みを取り消す</source>
            <translation>Unmark as reviewed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>判断を「同意」にする</source>
            <translation>Set my view to “agree”</translation>
        </message>
        <message>
            <location line="+1" />
            <source>判断を「疑問あり」にする</source>
            <translation>Set my view to “doubtful”</translation>
        </message>
        <message>
            <location filename="../../ui/corrections.py" line="+34" />
            <source>判断を修正</source>
            <translation>Correct the judgement</translation>
        </message>
        <message>
            <location line="+1" />
            <source>見出しを修正</source>
            <translation>Correct the heading</translation>
        </message>
        <message>
            <location line="+1" />
            <source>リスクを追加</source>
            <translation>Add a risk</translation>
        </message>
        <message>
            <location line="+1" />
            <source>節を追加</source>
            <translation>Add a section</translation>
        </message>
        <message>
            <location line="+1" />
            <source>修正を取り消す</source>
            <translation>Remove the correction</translation>
        </message>
        <message>
            <location filename="../../ui/compare_actions.py" line="-500" />
            <source>変更を確認済みにする</source>
            <translation>Mark the change as reviewed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>変更の確認済みを取り消す</source>
            <translation>Unmark the change as reviewed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>「対応確認済み」にする</source>
            <translation>Mark “Response confirmed”</translation>
        </message>
        <message>
            <location line="+1" />
            <source>「再指摘」にする</source>
            <translation>Mark “Raised again”</translation>
        </message>
        <message>
            <location line="+1" />
            <source>確認結果を取り消す</source>
            <translation>Clear the check</translation>
        </message>
    </context>
    <context>
        <name>ops</name>
        <message>
            <location filename="../../ui/ops.py" line="+255" />
            <source>エラー</source>
            <translation>Error</translation>
        </message>
    </context>
    <context>
        <name>notify</name>
        <message>
            <source>処理中に予期しないエラーが発生しました（{error}）。</source>
            <translation>An unexpected error occurred ({error}).</translation>
        </message>
        <message>
            <source>ファイルを読み書きできませんでした: {error}</source>
            <translation>The file could not be read or written: {error}</translation>
        </message>
    </context>
</TS>
