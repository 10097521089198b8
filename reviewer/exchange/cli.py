"""``pia-reviewer import FILE... [--packet PACKET.pdf] [--password-env NAME] [--profile DIR] [--json]`` (headless).

Each file's kind is detected by content (comment package JSON, XFDF, PDF with annotations, returned xlsx
sheet). Without ``--packet`` the packet is found from the package's source among the packets this profile
has opened, or, for a single PDF, the PDF itself is the packet. Each file is imported or refused on its
own: a refused file is named with a one-line reason and the good files still go in.

The database key comes from the OS keyring; on a machine without one set ``PIA_REVIEWER_PASSPHRASE``
(the profile's passphrase). ``PIA_REVIEWER_DB_KEY`` (64 hex digits) is for tests and tools.
A password-protected packet opens with the password remembered in the keyring, or with
``--password-env NAME`` (the password is read from the environment variable NAME, so it does not appear
in the process list or the shell history), or ``--password-prompt`` (asked on the terminal).
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


STORE_HELP = f"""\
the comment database:
  its key is kept in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service).
  Without a keyring, set {PASSPHRASE_ENV} to the profile's passphrase (a new profile is created
  protected by it). {KEY_ENV} (64 hex digits) bypasses both, for tests and tools.

the packet's password (a password-protected PDF):
  the password remembered in the keyring is used when there is one; else pass
  --password-env NAME (read from the environment variable NAME) or --password-prompt (asked on the
  terminal). A password typed on the command line itself would be visible in the process list and the
  shell history, so there is no such option.
"""


def add_password_options(parser: argparse.ArgumentParser) -> None:
    """The packet-password options and the help text on the database key, for ``import`` and ``export``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = STORE_HELP
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-env", metavar="NAME", default=None,
                       help="read the packet PDF's password from the environment variable NAME")
    group.add_argument("--password-prompt", action="store_true",
                       help="ask for the packet PDF's password on the terminal")


# The packet password given on this command line (--password-env / --password-prompt); None: not given.
_packet_password: str | None = None


def use_packet_password_from(args: argparse.Namespace) -> None:
    """Take the packet's password from ``--password-env NAME`` or ``--password-prompt`` for :func:`open_packet`."""
    global _packet_password
    name = getattr(args, "password_env", None)
    if name:
        value = os.environ.get(name)
        if value is None:
            raise ReviewerError(f"環境変数 {name} がありません（--password-env で資料のパスワードを渡す変数）。",
                                f"The environment variable {name} (given with --password-env) is not set.")
        _packet_password = value
    elif getattr(args, "password_prompt", False):
        import getpass

        _packet_password = getpass.getpass("資料のPDFのパスワード: ")


def packet_password() -> str | None:
    """The packet password given on this command line (``--password-env`` / ``--password-prompt``), if any."""
    return _packet_password


def open_store(profile: str | None) -> Store:
    """Open the profile's Store for a headless command (keyring, else the passphrase/key variables)."""
    from reviewer.store import InvalidDatabaseKey, Store

    key = os.environ.get(KEY_ENV) or None
    if key is not None:
        cleaned = key.strip().lower()
        if len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned):
            raise InvalidDatabaseKey(KEY_ENV)
    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    return Store.open(profile, passphrase=passphrase, key=key)


def open_packet(path: str | os.PathLike[str], store: Store | None = None, password: str | None = None) -> Packet:
    """Open the packet PDF with ``password``, the one from the command line, or one remembered in the keyring."""
    from reviewer.document import Packet
    from reviewer.errors import PasswordRequired

    password = password if password is not None else _packet_password
    if password is not None:
        return Packet.open(path, password=password)
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
    except (OSError, ValueError, RecursionError):  # unreadable here; the import itself refuses it with a reason
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
        "It is not clear which packet (PDF) the comments belong to. Give the packet with --packet.",
    )


def run_import(args: argparse.Namespace) -> int:
    from reviewer.exchange.importer import detect_kind, import_files
    from reviewer.exchange.service import summary_lines

    use_packet_password_from(args)
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
        for line in summary_lines(report):
            print(line, file=sys.stderr if line.startswith(("拒否:", "警告:")) else sys.stdout)
    return 1 if report.refused else 0
