"""Version pairing: a packet opened before whose reports match the new packet's is offered as its earlier version."""

from __future__ import annotations

from pathlib import Path

from reviewer.compare.pairing import earlier_versions
from reviewer.document import Packet
from reviewer.samples import generate_packet
from reviewer.samples.revision import generate_revision_pair
from reviewer.store import Store
from reviewer.structure.detect import detect_outline, detect_outline_cached


def test_earlier_versions_by_report_title(tmp_path: Path, isolated_profile: Path) -> None:
    old, new, _ = generate_revision_pair(tmp_path / "pair", "revised")
    other = tmp_path / "other.pdf"
    generate_packet(other, reports=1, pages_per_report=20, seed=7)  # shares only its one report's title
    with Store.open(isolated_profile) as store:
        outlines = {}
        for path in (other, old, new):
            with Packet.open(path) as packet:
                outlines[path] = detect_outline_cached(packet, profile=isolated_profile)
            store.remember_packet(outlines[path].sha256, path, path.name)
        found = earlier_versions(store, outlines[new], isolated_profile)
        assert [v.path for v in found] == [str(old), str(other)]
        assert len(found[0].reports) == 3 and len(found[1].reports) == 1
        assert found[0].file_sha256 == outlines[old].sha256  # by title, never its own hash
        other.unlink()  # a packet whose file is gone is not offered
        assert [v.path for v in earlier_versions(store, outlines[new], isolated_profile)] == [str(old)]


def test_a_packet_seen_later_is_not_offered_as_earlier(tmp_path: Path, isolated_profile: Path) -> None:
    """The first version opened again after the revised one was seen: the revised one came later, so it is not its
    earlier version (the titles match both ways)."""
    old, new, _ = generate_revision_pair(tmp_path / "pair", "revised")
    with Store.open(isolated_profile) as store:
        outlines = {}
        for path in (old, new, old):  # the old packet, then the revised one, then the old one again
            with Packet.open(path) as packet:
                outlines[path] = detect_outline_cached(packet, profile=isolated_profile)
            store.remember_packet(outlines[path].sha256, path, path.name)
        assert earlier_versions(store, outlines[old], isolated_profile) == []
        assert [v.path for v in earlier_versions(store, outlines[new], isolated_profile)] == [str(old)]


def test_a_packet_not_yet_in_the_profile_has_every_matching_packet_before_it(
        tmp_path: Path, isolated_profile: Path) -> None:
    old, new, _ = generate_revision_pair(tmp_path / "pair", "revised")
    with Store.open(isolated_profile) as store:
        with Packet.open(old) as packet:
            old_outline = detect_outline_cached(packet, profile=isolated_profile)
        store.remember_packet(old_outline.sha256, old, old.name)
        with Packet.open(new) as packet:  # detected without the profile's cache, not remembered
            new_outline = detect_outline(packet)
        assert [v.file_sha256 for v in earlier_versions(store, new_outline, isolated_profile)] == \
            [old_outline.sha256]
