"""Regenerate the shipped default sample (resources/sample) after a change to the generator."""

from __future__ import annotations

import json
from pathlib import Path

from reviewer.samples import generate_packet

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "sample"

if __name__ == "__main__":
    truth = generate_packet(FOLDER / "sample-packet.pdf", reports=4, seed=1)
    (FOLDER / "sample-packet.truth.json").write_text(json.dumps(truth.to_json(), ensure_ascii=False), encoding="utf-8")
    print(f"{FOLDER / 'sample-packet.pdf'}: {truth.pages} pages")
