"""The outline as an indented text tree (``pia-reviewer outline FILE.pdf``)."""

from __future__ import annotations

from reviewer.structure.model import KIND_DEPTH, Node, Outline


def _label(node: Node) -> str:
    if node.kind == "risk":
        head = f"リスク{node.number}"
    elif node.kind == "section":
        head = f"{node.number}."
    else:
        head = node.number
    text = f"{head} {node.title}".strip()
    if node.file:
        text += f" 〔{node.file}〕"
    if node.judgement:
        text += f" ［{node.judgement}］"
    elif node.kind == "risk":
        text += " ［？］"  # not read: never shown as if there were no judgement
    return text


def _page(outline: Outline, page: int) -> str:
    label = outline.page_labels[page] if 0 <= page < len(outline.page_labels) else str(page + 1)
    if label == str(page + 1) or label.startswith("("):
        return f"p.{page + 1}"
    return f"p.{page + 1} ({label})"


def outline_as_text(outline: Outline) -> str:
    """One line per document and node, indented by depth, with PDF page (and printed label)."""
    lines = [f"{outline.pages} ページ  sha256 {outline.sha256[:12]}…"]
    if not outline.found_report and outline.message:
        lines.append(outline.message)
    for index, document in enumerate(outline.documents, start=1):
        form = f" 〈{document.form}〉" if document.form else ""
        lines.append(
            f"[{index}] {document.title}{form}  {_page(outline, document.start_page)}"
            f"–{_page(outline, document.end_page)}"
        )
        if document.edition:
            lines.append(f"  （{document.edition}）")
        for warning in document.warnings:
            lines.append(f"  ！ {warning.message_ja}  {_page(outline, warning.page)}")
        for node in document.nodes:
            indent = "  " * (KIND_DEPTH.get(node.kind, 2) + 1)
            lines.append(f"{indent}{_label(node)}  {_page(outline, node.page)} y={node.y:.0f}")
    if not outline.found_report and outline.bookmarks:
        lines.append("しおり:")
        for level, title, page in outline.bookmarks:
            lines.append(f"{'  ' * level}{title}  p.{page + 1}")
    return "\n".join(lines) + "\n"
