"""``pia-reviewer import FILE... [--packet PACKET.pdf] [--profile DIR] [--json]`` (headless).

Each file's kind is detected by content (comment package JSON, XFDF, PDF with annotations, returned xlsx
sheet). Without ``--packet`` the packet is found from the package's source among the packets this profile
has opened, or, for a single PDF, the PDF itself is the packet.

The database key comes from the OS keyring; on a machine without one set ``PIA_REVIEWER_PASSPHRASE``
(the profile's passphrase). ``PIA_REVIEWER_DB_KEY`` (64 hex digits) is for tests and tools.
Exit status: 0 all imported, 1 some file refused, 2 nothing could be done (see stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.errors import ReviewerError
from reviewer.exchange import PackageError

if TYPE_CHECKING:
    from reviewer.document import Packet
    from reviewer.store import Store
    from reviewer.structure.model import Outline

PASSPHRASE_ENV = "PIA_REVIEWER_PASSPHRASE"
KEY_ENV = "PIA_REVIEWER_DB_KEY"


def open_store(profile: str | None) -> Store:
    """Open the profile's Store for a headless command (keyring, else the passphrase/key variables)."""
    from reviewer.store import Store

    key = os.environ.get(KEY_ENV) or None
    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    return Store.open(profile, passphrase=passphrase, key=key)


def open_packet(path: str | os.PathLike[str], store: Store | None = None) -> Packet:
    """Open the packet PDF, using a password remembered in the keyring for it when it needs one."""
    from reviewer.document import Packet
    from reviewer.errors import PasswordRequired

    try:
        return Packet.open(path)
    except PasswordRequired:
        from reviewer.document import file_sha256

        try:
            from reviewer.secrets import recalled_pdf_password

            password = recalled_pdf_password(file_sha256(path))
        except ReviewerError:
            password = None
        if not password:
            raise
        return Packet.open(path, password=password)


def packet_outline(packet: Packet, profile: str | None) -> Outline:
    from reviewer.structure.detect import detect_outline_cached

    outline: Outline = detect_outline_cached(packet, profile)
    return outline


def _packet_from_package(path: Path, store: Store) -> str | None:
    """The remembered path of the packet a package's comments are for, if this profile knows it."""
    try:
        root: Any = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    sha = ""
    if isinstance(root, dict):
        source = root.get("pia:source")
        if isinstance(source, dict) and isinstance(source.get("sha256"), str):
            sha = source["sha256"]
        else:
            first = root.get("first")
            items = first.get("items") if isinstance(first, dict) else None
            if isinstance(items, list) and items and isinstance(items[0], dict):
                target = items[0].get("target")
                if isinstance(target, dict) and str(target.get("source", "")).startswith("urn:sha256:"):
                    sha = str(target["source"])[len("urn:sha256:"):]
    known = store.known_packet(sha) if sha else None
    return known.path if known is not None and Path(known.path).is_file() else None


def _find_packet(args: argparse.Namespace, store: Store) -> str:
    if args.packet:
        return str(args.packet)
    from reviewer.exchange.importer import detect_kind

    for name in args.files:
        path = Path(name)
        kind = detect_kind(path)
        if kind == "package":
            found = _packet_from_package(path, store)
            if found:
                return found
    pdfs = [f for f in args.files if detect_kind(f) == "pdf"]
    if len(pdfs) == 1 and len(args.files) == 1:
        return str(pdfs[0])
    raise PackageError(
        "どの資料（PDF）へのコメントか分かりません。--packet で資料のPDFを指定してください。",
        "cannot tell which packet the comments belong to; pass --packet",
    )


def run_import(args: argparse.Namespace) -> int:
    from reviewer.exchange.importer import detect_kind, import_files

    store = open_store(args.profile)
    packet_path = ""
    try:
        if not args.packet and all(detect_kind(f) == "sheet" for f in args.files):
            # Returned sheets find their comments by the hidden ID; no packet needed.
            report = import_files(store, "", None, list(args.files))
        else:
            packet_path = _find_packet(args, store)
            with open_packet(packet_path, store) as packet:
                outline = packet_outline(packet, args.profile)
                report = import_files(store, packet.sha256, outline, list(args.files), packet=packet)
                store.remember_packet(packet.sha256, packet.path.resolve(), packet.name)
    finally:
        store.close()
    if args.json:
        data = report.to_json()
        data["packet"] = str(packet_path)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for f in report.files:
            if f.ok:
                what = f"{f.comments}件" + (f"、回答{f.answers}件" if f.answers else "")
                authors = "、".join(f.authors)
                print(f"取り込み: {f.path}（{f.kind}、{what}{'、' + authors if authors else ''}）")
            else:
                print(f"拒否: {f.path}: {f.message}", file=sys.stderr)
        print(f"追加 {report.added}件、更新 {report.updated}件、変更なし {report.unchanged}件、"
              f"回答 {report.answers_attached}件（該当なし {report.answers_unknown}件）")
    return 1 if report.refused else 0
