"""Version pairing: a packet opened before whose reports match the new packet's is offered as its earlier version."""

from __future__ import annotations

import time
from pathlib import Path

import pymupdf

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


def test_the_revised_packet_opened_first_is_not_offered_as_the_first_versions_earlier(
        tmp_path: Path, isolated_profile: Path) -> None:
    """A member who opens the next meeting's packet first and the first version after it: the PDFs' own dates (the
    revised packet was bound for a later meeting) say which came before, not the order they were opened here."""
    old, new, _ = generate_revision_pair(tmp_path / "pair", "revised")
    with Store.open(isolated_profile) as store:
        outlines = {}
        for path in (new, old):  # the revised packet first
            with Packet.open(path) as packet:
                outlines[path] = detect_outline_cached(packet, profile=isolated_profile)
            store.remember_packet(outlines[path].sha256, path, path.name)
        assert outlines[old].made < outlines[new].made
        assert earlier_versions(store, outlines[old], isolated_profile) == []
        assert [v.path for v in earlier_versions(store, outlines[new], isolated_profile)] == [str(old)]


def test_packets_that_do_not_date_themselves_are_ordered_by_when_they_were_first_seen(
        tmp_path: Path, isolated_profile: Path) -> None:
    old, new, _ = generate_revision_pair(tmp_path / "pair", "revised")
    for path in (old, new):  # printed by a tool that writes no dates
        with pymupdf.open(path) as doc:
            doc.set_metadata({"title": "審議資料", "creationDate": "", "modDate": ""})
            doc.saveIncr()
    with Store.open(isolated_profile) as store:
        outlines = {}
        for path in (new, old):  # seen in this order: the profile takes the revised one for the earlier
            with Packet.open(path) as packet:
                outlines[path] = detect_outline_cached(packet, profile=isolated_profile)
            store.remember_packet(outlines[path].sha256, path, path.name)
            time.sleep(0.01)  # distinct first-seen times (file modification times of the cached outlines)
        assert outlines[old].made == outlines[new].made == ""
        assert [v.path for v in earlier_versions(store, outlines[old], isolated_profile)] == [str(new)]
        assert earlier_versions(store, outlines[new], isolated_profile) == []
