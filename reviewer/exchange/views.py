"""Members' 確認済み and 判断への見解 in a comment package (``"pia:views"``), so that the chair sees each member's view
of a risk, not only their comments: a member who marked a risk 疑問あり without writing a comment is not lost.

Each item: ``{"node": "2:Ⅲ/2/risk2@住民基本台帳ファイル", "author": "山田", "reviewed": true, "view": "疑問あり",
"modified": "2026-11-30T…Z"}``. The chair's profile keeps them per member (:meth:`Store.merge_member_views`), the
newer one winning, apart from its own marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reviewer.store.models import VIEWS, MemberView, ReviewMark

MAX_NODE_KEY = 300
MAX_AUTHOR = 100


def own_views(marks: Mapping[str, ReviewMark], author: str) -> list[MemberView]:
    """This profile's marks as ``author``'s views (nodes neither reviewed nor given a view are left out)."""
    return [MemberView(m.file_sha256, key, author, m.reviewed, m.view, m.modified)
            for key, m in sorted(marks.items()) if m.reviewed or m.view]


def views_to_package(views: Iterable[MemberView]) -> list[dict[str, Any]]:
    """The ``"pia:views"`` value of a comment package."""
    return [{"node": v.node_key, "author": v.author, "reviewed": v.reviewed, "view": v.view, "modified": v.modified}
            for v in views]


def views_from_package(value: Any, file_sha256: str) -> list[MemberView]:
    """The views of a package's ``"pia:views"`` (for the packet ``file_sha256``); ValueError (Japanese message)
    when malformed."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("委員の見解（pia:views）が一覧ではありません")
    out: list[MemberView] = []
    for number, item in enumerate(value, 1):
        where = f"委員の見解の{number}件目"
        if not isinstance(item, dict):
            raise ValueError(f"{where}が正しくありません")
        node, author, modified = item.get("node"), item.get("author"), item.get("modified")
        reviewed, view = item.get("reviewed", False), item.get("view")
        if not isinstance(node, str) or not node or len(node) > MAX_NODE_KEY:
            raise ValueError(f"{where}の項目（node）が正しくありません")
        if not isinstance(author, str) or not author.strip() or len(author) > MAX_AUTHOR:
            raise ValueError(f"{where}の委員名（author）が正しくありません")
        if not isinstance(reviewed, bool) or (view is not None and view not in VIEWS):
            raise ValueError(f"{where}の確認済み・見解が正しくありません")
        if not isinstance(modified, str) or not modified:
            raise ValueError(f"{where}の日時（modified）が正しくありません")
        out.append(MemberView(file_sha256, node, author.strip(), reviewed, view, modified))
    return out
