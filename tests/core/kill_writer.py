"""Helper process for test_kill: adds comments in a loop and prints each id once it is committed.

Usage: ``python kill_writer.py PROFILE COUNT`` with the database key (64 hex digits) in
``$PIA_TEST_DB_KEY`` (there is no OS keyring in a headless test). COUNT 0 writes until killed;
otherwise the process prints ``done`` after COUNT comments and waits for stdin to close.
Prints ``opening`` before opening the store and ``ready`` once it is open.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    from reviewer.annotations import Annotation
    from reviewer.store import Store

    profile, count = sys.argv[1], int(sys.argv[2])
    key = os.environ["PIA_TEST_DB_KEY"]
    out = sys.stdout
    out.write("opening\n")
    out.flush()
    store = Store.open(profile, key=key)
    out.write("ready\n")
    out.flush()
    written = 0
    while count == 0 or written < count:
        a = Annotation(
            file_sha256="f" * 64, file_name="kill.pdf", page=written % 50, page_label=str(written % 50 + 1),
            kind="highlight", rects=[(10.0, 10.0 + written % 700, 200.0, 22.0 + written % 700)],
            category="質問", text=f"強制終了テスト {os.getpid()} {written} " + "本文" * 30, author="委員K",
        )
        store.add_annotation(a)  # returns after the commit
        out.write(a.id + "\n")
        out.flush()
        written += 1
    out.write("done\n")
    out.flush()
    sys.stdin.read()  # stay alive (holding the database open) until the test kills us
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
