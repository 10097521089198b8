"""Comment packages in the W3C Web Annotation Data Model (JSON).

A package is an ``AnnotationCollection`` whose ``first`` page holds the ``Annotation`` items::

    {"@context": [...], "type": "AnnotationCollection", "id": "urn:uuid:…", "total": 2,
     "pia:source": {"sha256": "…", "name": "packet.pdf"}, "pia:digest": "sha256:…",
     "first": {"type": "AnnotationPage", "items": [
        {"id": "urn:uuid:…", "type": "Annotation", "motivation": "commenting", "created": …, "modified": …,
         "creator": {"type": "Person", "name": "山田"},
         "body": [{"type": "TextualBody", "purpose": "commenting", "value": "…"},
                  {"type": "TextualBody", "purpose": "classifying", "value": "質問"}],
         "target": {"source": "urn:sha256:<hex>", "selector": [
             {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
              "value": "page=31&viewrect=72,140.5,300,14"},
             {"type": "TextQuoteSelector", "exact": "…", "prefix": "…", "suffix": "…"}]},
         "pia:kind": "highlight", "pia:rects": [[…]], "pia:pageLabel": "29", "pia:status": "未処理",
         "pia:replies": [{"author": …, "text": …, "created": …}]}]}}

Pages in the fragment are 1-based; ``viewrect`` is left, top, width, height in PDF points with the origin at
the top-left of the page (PyMuPDF's page space).

What "tampered" means here (:func:`parse_package` refuses the whole package when any check fails):

* Schema: every item is an ``Annotation`` with a ``urn:uuid`` id (unique within the package), motivation
  ``commenting``, a creator name, a commenting ``TextualBody``, ISO 8601 ``created``/``modified``, a target
  whose source is ``urn:sha256:<64 hex>`` and a ``FragmentSelector`` that parses (page, four finite numbers,
  non-negative size); page within the packet, rectangles within the page when page sizes are given.
* Identity: every target source must be the chair's packet (else the message names the file it is for).
* Integrity: when the package carries ``pia:digest`` (this app always writes one), the SHA-256 of the
  canonical JSON of ``first.items`` must match, so editing, adding or removing an item by hand is detected.

* Signature: a package may carry ``pia:signature`` (Ed25519 over the digest, see :mod:`reviewer.signing`);
  a signature that does not match refuses the package. A valid one names the signer's public key
  (:attr:`Package.signer_key`), which the import compares with the key remembered for that member.
* Input hardening: integers longer than 64 digits, lone surrogates, nesting too deep for the parser and
  ``pia:extra``/``pia:replies`` values of the wrong type refuse the package with a one-line message.

Not protected by the digest alone: someone who edits the items and recomputes the digest (or removes it;
packages from other tools have none) is not detected; only the signature check notices that.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reviewer import __version__
from reviewer.annotations import KINDS, Annotation, Rect, now_iso
from reviewer.atomic import atomic_write_bytes
from reviewer.exchange import PackageError
from reviewer.exchange.views import views_from_package, views_to_package
from reviewer.limits import MAX_ANNOTATIONS_PER_IMPORT, LimitError, check_annotation
from reviewer.store.models import MemberView
from reviewer.structure.corrections import Correction, corrections_from_package, corrections_to_package

CONTEXT: list[Any] = ["http://www.w3.org/ns/anno.jsonld", {"pia": "urn:pia-reviewer:ns:"}]
RFC3778 = "http://tools.ietf.org/rfc/rfc3778"
DEFAULT_CATEGORY = "意見"
MAX_PACKAGE_BYTES = 64 * 1024 * 1024

_UUID_URN = re.compile(r"^urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
_SHA_URN = re.compile(r"^urn:sha256:([0-9a-f]{64})$")


@dataclass(slots=True)
class Package:
    """A parsed, fully validated package; ``signer_key`` is the base64 Ed25519 key of a valid signature."""

    source_sha256: str
    source_name: str
    annotations: list[Annotation]
    authors: list[str] = field(default_factory=list)
    digest_checked: bool = False
    signer_key: str | None = None
    corrections: list[Correction] = field(default_factory=list)  # "pia:corrections" (structure corrections)
    views: list[MemberView] = field(default_factory=list)  # "pia:views" (members' 確認済み and views)
    # The member whose whole set of views "pia:views" is (one author's export), and when it was written: a view the
    # member took back is then taken back in the chair's copy too.
    views_author: str = ""
    generated: str = ""


def _round(value: float) -> float:
    return round(float(value), 3)


def items_digest(items: Sequence[Any]) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``items`` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(list(items), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fragment_value(page: int, bounds: Rect) -> str:
    """The RFC 3778 fragment for a 0-based ``page`` and a box ``(x0, y0, x1, y1)``."""
    x0, y0, x1, y1 = bounds
    nums = [_round(x0), _round(y0), _round(max(0.0, x1 - x0)), _round(max(0.0, y1 - y0))]
    return f"page={page + 1}&viewrect=" + ",".join(f"{n:g}" for n in nums)


def parse_fragment(value: str) -> tuple[int, Rect | None]:
    """Parse ``page=N&viewrect=l,t,w,h`` into a 0-based page and a box; raises ``ValueError``."""
    params: dict[str, str] = {}
    for part in value.lstrip("#").split("&"):
        if not part:
            continue
        key, sep, val = part.partition("=")
        if not sep:
            raise ValueError(f"bad fragment part {part!r}")
        params[key] = val
    if "page" not in params:
        raise ValueError("no page in fragment")
    page = int(params["page"])
    if page < 1:
        raise ValueError("page must be >= 1")
    rect: Rect | None = None
    if "viewrect" in params:
        nums = [float(n) for n in params["viewrect"].split(",")]
        if len(nums) != 4 or not all(math.isfinite(n) for n in nums):
            raise ValueError("viewrect needs four finite numbers")
        left, top, width, height = nums
        if width < 0 or height < 0:
            raise ValueError("negative viewrect size")
        rect = (left, top, left + width, top + height)
    return page - 1, rect


def annotation_to_item(a: Annotation) -> dict[str, Any]:
    """One Annotation as a W3C ``Annotation`` object."""
    selectors: list[dict[str, Any]] = [
        {"type": "FragmentSelector", "conformsTo": RFC3778, "value": fragment_value(a.page, a.bounds())}
    ]
    if a.quote:
        selectors.append({"type": "TextQuoteSelector", "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix})
    extra = {k: v for k, v in a.extra.items() if k != "replies"}
    item: dict[str, Any] = {
        "id": f"urn:uuid:{a.id}",
        "type": "Annotation",
        "motivation": "commenting",
        "created": a.created,
        "modified": a.modified,
        "creator": {"type": "Person", "name": a.author},
        "body": [
            {"type": "TextualBody", "purpose": "commenting", "value": a.text, "format": "text/plain",
             "language": "ja"},
            {"type": "TextualBody", "purpose": "classifying", "value": a.category},
        ],
        "target": {"source": f"urn:sha256:{a.file_sha256}", "selector": selectors},
        "pia:kind": a.kind,
        "pia:rects": [[_round(v) for v in r] for r in a.rects],
        "pia:pageLabel": a.page_label,
        "pia:status": a.status,
        "pia:fileName": a.file_name,
    }
    replies = a.extra.get("replies")
    if replies:
        item["pia:replies"] = replies
    if extra:
        item["pia:extra"] = extra
    return item


def build_package(
    annotations: Sequence[Annotation], *, packet_sha256: str, packet_name: str, label: str = "",
    corrections: Sequence[Correction] = (), views: Sequence[MemberView] = (),
) -> dict[str, Any]:
    """The package (a JSON-ready dict) for ``annotations`` of one packet, with its integrity digest."""
    for a in annotations:
        if a.file_sha256 != packet_sha256:
            raise ValueError(f"annotation {a.id} belongs to another file")
    items = [annotation_to_item(a) for a in sorted(annotations, key=lambda a: (a.page, a.top, a.id))]
    authors = sorted({a.author for a in annotations})
    package: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": "AnnotationCollection",
        "label": label or f"{packet_name} のコメント",
        "generator": {"type": "Software", "name": "PIA Reviewer", "version": __version__},
        "generated": now_iso(),
        "total": len(items),
        "pia:source": {"sha256": packet_sha256, "name": packet_name},
        "pia:digest": items_digest(items),
        "first": {"type": "AnnotationPage", "items": items},
    }
    if len(authors) == 1:
        package["creator"] = {"type": "Person", "name": authors[0]}
    if corrections:
        package["pia:corrections"] = corrections_to_package(corrections)
    if views or len(authors) == 1:
        package["pia:views"] = views_to_package(views)  # (empty: this member has no marks, or took them back)
    return package


@dataclass(frozen=True, slots=True)
class PackageWritten:
    """What :func:`export_package` wrote: how many comments, and whether the package is signed (and why not)."""

    count: int
    signed: bool
    note_ja: str = ""
    note_en: str = ""


def export_package(
    annotations: Sequence[Annotation], path: str | os.PathLike[str], *, packet_sha256: str, packet_name: str,
    sign: bool = True, corrections: Sequence[Correction] = (), views: Sequence[MemberView] = (),
) -> PackageWritten:
    """Write a package atomically, signed with this member's key when it can be.

    It is signed when ``sign`` is set, every comment is this profile's own (``origin='own'``: the key vouches
    for its owner's comments only) and the keyring holds (or can create) the signing key. Otherwise it is
    written unsigned and ``note_ja``/``note_en`` say why, for the export's message.
    """
    package = build_package(annotations, packet_sha256=packet_sha256, packet_name=packet_name,
                            corrections=corrections, views=views)
    signed = False
    note_ja = note_en = ""
    if sign and annotations and all(a.origin == "own" for a in annotations):
        from reviewer.signing import sign_package, signing_key

        key = signing_key()
        if key is not None:
            sign_package(package, key, sorted({a.author for a in annotations}))
            signed = True
        else:
            # What the member can do about it, not only what is missing: the file is fine to send.
            note_ja = ("署名なしで書き出しました（このパソコンには署名用の鍵をしまう仕組みがないため）。"
                       "ファイルはそのまま、いつもの方法（メールなど）で委員長へ送れます。")
            note_en = ("Written without a signature (this computer has no place to keep a signing key). The file "
                       "can be sent to the chair as usual (by e-mail, for example).")
    elif sign and annotations:
        note_ja = "他の委員から取り込んだコメントを含むため、署名なしで書き出しました。"
        note_en = "Written without a signature: it contains comments imported from other members."
    data = json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
    atomic_write_bytes(path, data)
    return PackageWritten(int(package["total"]), signed, note_ja, note_en)


def write_package(
    annotations: Sequence[Annotation], path: str | os.PathLike[str], *, packet_sha256: str, packet_name: str,
    sign: bool = True,
) -> int:
    """Write a package atomically (signed as :func:`export_package` explains); returns the number written."""
    return export_package(annotations, path, packet_sha256=packet_sha256, packet_name=packet_name, sign=sign).count


# ---------------------------------------------------------------------------------------------- reading


class _Refuse(Exception):
    """Internal: a validation failure, turned into PackageError with the file's name."""


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise _Refuse(message)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _iso(value: Any, what: str) -> str:
    _need(isinstance(value, str) and bool(value), f"{what}がありません")
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        raise _Refuse(f"{what}の日時が正しくありません: {value!r}") from None
    return str(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_REPLY_KEYS = ("id", "author", "text", "created", "modified")
_MAX_INT_DIGITS = 64


def _parse_replies(value: Any, index: int) -> list[dict[str, Any]]:
    """Replies as dicts of strings only (id, author, text, created, modified); anything else refuses the item."""
    _need(value is None or isinstance(value, list), f"{index}件目の返信（pia:replies）が一覧ではありません")
    out: list[dict[str, Any]] = []
    for reply in value or []:
        _need(isinstance(reply, dict), f"{index}件目の返信の形式が正しくありません")
        _need(all(isinstance(reply.get(k, ""), str) for k in _REPLY_KEYS),
              f"{index}件目の返信の形式が正しくありません")
        out.append({k: reply[k] for k in _REPLY_KEYS if k in reply})
    return out


def _parse_extra(value: Any, index: int) -> dict[str, Any]:
    """``pia:extra``: an object of plain values (text, numbers, true/false, null); replies are not allowed here."""
    _need(isinstance(value, dict), f"{index}件目の pia:extra が正しくありません")
    assert isinstance(value, dict)
    _need("replies" not in value, f"{index}件目の pia:extra に返信（replies）は入れられません（pia:replies を使います）")
    for key, item in value.items():
        _need(item is None or isinstance(item, str | int | float | bool),
              f"{index}件目の pia:extra「{str(key)[:40]}」の値が正しくありません")
    return dict(value)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _Refuse(f"桁数の多すぎる数値（{len(text):,}桁）があります")
    return int(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_surrogates(root: Any, text: str | None = None) -> None:
    """Refuse text with a lone surrogate (a ``\\ud800`` escape decodes to one; it cannot be stored or shown).

    Decoded UTF-8 cannot hold a surrogate, so when the JSON ``text`` has no surrogate escape at all (the
    usual case) there is nothing to walk.
    """
    if text is not None and not _SURROGATE_ESCAPE.search(text):
        return
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            _need(not _SURROGATE.search(value), "対になっていないサロゲート（\\ud800 など）を含む文字列があります")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _parse_item(
    item: Any,
    index: int,
    *,
    expected_sha: str | None,
    file_name: str,
    page_count: int | None,
    page_sizes: Sequence[tuple[float, float]] | None,
    page_labels: Sequence[str] | None,
) -> tuple[Annotation, str]:
    where = f"{index}件目のコメント"
    _need(isinstance(item, dict), f"{where}がオブジェクトではありません")
    match = _UUID_URN.match(_text(item.get("id")))
    _need(match is not None, f"{where}のIDが urn:uuid 形式ではありません")
    assert match is not None
    ann_id = str(uuid.UUID(match.group(1)))
    _need("Annotation" in _as_list(item.get("type")), f"{where}の type が Annotation ではありません")
    _need("commenting" in _as_list(item.get("motivation")), f"{where}の motivation が commenting ではありません")
    created = _iso(item.get("created"), f"{where}の作成日時")
    modified = _iso(item.get("modified", created), f"{where}の更新日時")
    creator = item.get("creator")
    if isinstance(creator, list) and creator:
        creator = creator[0]
    _need(isinstance(creator, dict) and isinstance(creator.get("name"), str) and bool(creator["name"].strip()),
          f"{where}に作成者（委員名）がありません")
    assert isinstance(creator, dict)
    author = str(creator["name"]).strip()

    comment: str | None = None
    category = ""
    for body in _as_list(item.get("body")):
        _need(isinstance(body, dict), f"{where}の本文の形式が正しくありません")
        if body.get("type") != "TextualBody":
            continue
        _need(isinstance(body.get("value", ""), str), f"{where}の本文が文字列ではありません")
        purpose = _as_list(body.get("purpose"))
        if "classifying" in purpose or "tagging" in purpose:
            category = category or str(body.get("value", "")).strip()
        elif comment is None and ("commenting" in purpose or not purpose):
            comment = str(body.get("value", ""))
    _need(comment is not None, f"{where}にコメント本文（TextualBody, purpose=commenting）がありません")
    assert comment is not None

    target = item.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    _need(isinstance(target, dict), f"{where}に target がありません")
    assert isinstance(target, dict)
    sha_match = _SHA_URN.match(_text(target.get("source")))
    _need(sha_match is not None, f"{where}の target.source が urn:sha256 形式ではありません")
    assert sha_match is not None
    source_sha = sha_match.group(1)

    page: int | None = None
    view: Rect | None = None
    quote = prefix = suffix = ""
    for selector in _as_list(target.get("selector")):
        _need(isinstance(selector, dict), f"{where}の selector の形式が正しくありません")
        kind = selector.get("type")
        if kind == "FragmentSelector" and page is None:
            try:
                page, view = parse_fragment(_text(selector.get("value")))
            except ValueError as exc:
                raise _Refuse(f"{where}の位置（FragmentSelector）が読めません: {exc}") from None
        elif kind == "TextQuoteSelector":
            _need(all(isinstance(selector.get(k, ""), str) for k in ("exact", "prefix", "suffix")),
                  f"{where}の引用（TextQuoteSelector）が正しくありません")
            quote, prefix, suffix = (str(selector.get(k, "")) for k in ("exact", "prefix", "suffix"))
    _need(page is not None, f"{where}にページ（FragmentSelector page=…）がありません")
    assert page is not None
    if page_count is not None:
        _need(page < page_count, f"{where}のページ {page + 1} は資料の範囲（{page_count}ページ）外です")

    rects: list[Rect] = []
    raw_rects = item.get("pia:rects")
    if raw_rects is not None:
        _need(isinstance(raw_rects, list), f"{where}の矩形（pia:rects）が正しくありません")
        for r in raw_rects:
            _need(isinstance(r, list) and len(r) == 4 and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in r),
                f"{where}の矩形（pia:rects）が正しくありません")
            x0, y0, x1, y1 = (float(v) for v in r)
            _need(x1 >= x0 and y1 >= y0, f"{where}の矩形（pia:rects）が正しくありません")
            rects.append((x0, y0, x1, y1))
    if not rects and view is not None:
        rects = [view]
    _need(bool(rects), f"{where}に位置（viewrect）がありません")
    if page_sizes is not None and page < len(page_sizes):
        width, height = page_sizes[page]
        for x0, y0, x1, y1 in rects:
            _need(x0 >= -2 and y0 >= -2 and x1 <= width + 2 and y1 <= height + 2,
                  f"{where}の位置がページ {page + 1} の外にあります")

    kind_value = item.get("pia:kind")
    if isinstance(kind_value, str) and kind_value in KINDS:
        ann_kind = kind_value
    elif quote:
        ann_kind = "highlight"
    else:
        x0, y0, x1, y1 = rects[0]
        ann_kind = "note" if (x1 - x0) <= 32 and (y1 - y0) <= 32 else "area"
    label = item.get("pia:pageLabel")
    if not isinstance(label, str) or not label:
        label = page_labels[page] if page_labels is not None and page < len(page_labels) else str(page + 1)
    status = item.get("pia:status")
    extra = _parse_extra(item.get("pia:extra", {}), index)
    replies = _parse_replies(item.get("pia:replies"), index)
    if replies:
        extra["replies"] = replies
    annotation = Annotation(
        file_sha256=expected_sha or source_sha,
        file_name=file_name or _text(item.get("pia:fileName")),
        page=page, page_label=label, kind=ann_kind, rects=rects,
        category=category or DEFAULT_CATEGORY, text=comment, author=author,
        quote=quote, prefix=prefix, suffix=suffix,
        status=status if isinstance(status, str) and status else "未処理",
        id=ann_id, created=created, modified=modified, origin="imported", extra=extra,
    )
    try:
        check_annotation(annotation, where)
    except LimitError as exc:
        raise _Refuse(exc.message_ja) from None
    return annotation, source_sha


def parse_package(
    data: bytes | str | dict[str, Any],
    *,
    expected_sha: str | None = None,
    page_count: int | None = None,
    page_sizes: Sequence[tuple[float, float]] | None = None,
    page_labels: Sequence[str] | None = None,
    file_name: str = "",
    origin_name: str = "",
) -> Package:
    """Validate a package completely and return its annotations, or raise :class:`PackageError`.

    Args:
        data: the file's bytes (or text, or already-decoded JSON).
        expected_sha: the chair's packet; items for another file make the whole package refused.
        page_count, page_sizes, page_labels: the packet's pages, for range checks and labels.
        file_name: the packet's file name to record on the imported annotations.
        origin_name: how to name the package in messages (usually its file name).
    """
    name = origin_name or "コメントパッケージ"
    try:
        if isinstance(data, dict):
            root: Any = data
        else:
            if isinstance(data, bytes):
                if len(data) > MAX_PACKAGE_BYTES:
                    raise _Refuse("ファイルが大きすぎます")
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise _Refuse("UTF-8 のJSONではありません") from None
            else:
                text = data
            try:
                root = json.loads(text, parse_int=_bounded_int)
            except json.JSONDecodeError as exc:
                raise _Refuse(f"JSONとして読めません（{exc.lineno}行目）") from None
            except ValueError as exc:  # e.g. a float the parser cannot convert
                raise _Refuse(f"JSONとして読めません（{type(exc).__name__}）") from None
            _refuse_surrogates(root, text if isinstance(data, bytes) else None)
        if isinstance(data, dict):
            _refuse_surrogates(root)
        return _parse_root(root, expected_sha=expected_sha, page_count=page_count, page_sizes=page_sizes,
                           page_labels=page_labels, file_name=file_name, name=name)
    except _Refuse as exc:
        raise PackageError(
            f"コメントパッケージ「{name}」を取り込めません: {exc}（何も取り込んでいません）",
            f"The comment package “{name}” cannot be imported; nothing was imported.",
        ) from None
    except RecursionError:
        raise PackageError(f"コメントパッケージ「{name}」の構造が深すぎます（何も取り込んでいません）",
                           f"The comment package “{name}” is nested too deeply; nothing was imported.") from None


def _parse_root(
    root: Any,
    *,
    expected_sha: str | None,
    page_count: int | None,
    page_sizes: Sequence[tuple[float, float]] | None,
    page_labels: Sequence[str] | None,
    file_name: str,
    name: str,
) -> Package:
    _need(isinstance(root, dict), "JSONの最上位がオブジェクトではありません")
    types = _as_list(root.get("type"))
    if "Annotation" in types:
        items: Any = [root]
    else:
        _need("AnnotationCollection" in types, "AnnotationCollection ではありません")
        first = root.get("first")
        _need(isinstance(first, dict) and isinstance(first.get("items"), list),
              "first.items（コメントの一覧）がありません")
        assert isinstance(first, dict)
        items = first["items"]
        _need(len(items) <= MAX_ANNOTATIONS_PER_IMPORT,
              f"コメントが多すぎます（{len(items):,}件、上限 {MAX_ANNOTATIONS_PER_IMPORT:,}件）")
        if "total" in root:
            _need(root["total"] == len(items), f"件数が合いません（total={root['total']!r}, 実際 {len(items)} 件）")
        digest = root.get("pia:digest")
        if digest is not None:
            _need(isinstance(digest, str) and digest == items_digest(items),
                  "内容が書き換えられています（pia:digest が一致しません）")
    source = root.get("pia:source") if isinstance(root.get("pia:source"), dict) else {}
    assert isinstance(source, dict)
    source_name = _text(source.get("name"))
    annotations: list[Annotation] = []
    seen: set[str] = set()
    source_sha = ""
    declared = _text(source.get("sha256"))

    def other_file(sha: str, item: Any) -> _Refuse:
        named = _text(item.get("pia:fileName")) if isinstance(item, dict) else ""
        other = source_name or named or f"SHA-256 {sha[:12]}…"
        return _Refuse(f"別のファイル「{other}」へのコメントです（この資料のものではありません）")

    # The packet check comes first: comments for another file are refused for that reason, not for a page
    # number that happens to lie outside this packet.
    if declared and expected_sha is not None and declared != expected_sha:
        raise other_file(declared, None)
    for index, item in enumerate(items, start=1):
        target = item.get("target") if isinstance(item, dict) else None
        if isinstance(target, list) and len(target) == 1:
            target = target[0]
        early = _SHA_URN.match(_text(target.get("source"))) if isinstance(target, dict) else None
        if early is not None and expected_sha is not None and early.group(1) != expected_sha:
            raise other_file(early.group(1), item)
        annotation, item_sha = _parse_item(
            item, index, expected_sha=expected_sha, file_name=file_name, page_count=page_count,
            page_sizes=page_sizes, page_labels=page_labels,
        )
        if expected_sha is not None and item_sha != expected_sha:
            raise other_file(item_sha, item)
        _need(annotation.id not in seen, f"{index}件目のコメントのIDが重複しています")
        seen.add(annotation.id)
        source_sha = source_sha or item_sha
        annotations.append(annotation)
    authors = sorted({a.author for a in annotations})
    signer_key: str | None = None
    if "pia:signature" in root:
        from reviewer.signing import SignatureInvalid, verify_package

        # The signature covers the digest; only a collection's digest is checked against its items above.
        _need("pia:digest" in root and "Annotation" not in types, "署名がありますが、署名の対象（pia:digest）が確認できません")
        try:
            signer_key = verify_package(root, authors)
        except SignatureInvalid as exc:
            raise _Refuse(exc.message_ja) from None
    try:
        corrections = corrections_from_package(root.get("pia:corrections"), expected_sha)
        views = views_from_package(root.get("pia:views"), source_sha or declared or (expected_sha or ""))
    except ValueError as exc:
        raise _Refuse(str(exc)) from None
    whole = "pia:views" in root and len(authors) == 1 and isinstance(root.get("generated"), str)
    return Package(
        corrections=corrections,
        views=views,
        views_author=authors[0] if whole else "",
        generated=str(root.get("generated")) if whole else "",
        source_sha256=source_sha or declared or (expected_sha or ""),
        source_name=source_name,
        annotations=annotations,
        authors=authors,
        digest_checked="pia:digest" in root,
        signer_key=signer_key,
    )


def read_package(path: str | os.PathLike[str], **kwargs: Any) -> Package:
    """Read and validate a package file; see :func:`parse_package` for the keyword arguments."""
    path = Path(path)
    kwargs.setdefault("origin_name", path.name)
    return parse_package(path.read_bytes(), **kwargs)
