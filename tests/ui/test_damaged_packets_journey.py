"""Damaged files opened as a member opens them (ファイル > 開く…, or the file given at start): a page tree MuPDF cannot
fully repair opens with its readable pages; nothing ends in the unexpected-error box or kills the start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from journeys import answer_file_dialog, boxes, menu_action, new_window

pytestmark = [pytest.mark.gui]

# From the corpus's MANIFEST: a fuzzed file that claims 100 pages of which only a few load, and a page tree with a
# cycle. Loading their pages raises MuPDF's FzErrorFormat.
DAMAGED_TREES = ("malformed/qpdf__440599107.fuzz.pdf", "malformed/pdfjs__Pages-tree-refs.pdf")


@pytest.mark.parametrize("name", DAMAGED_TREES)
def test_a_damaged_page_tree_opens_its_readable_pages(qtbot: Any, isolated_profile: Path, corpus_dir: Path,
                                                      name: str) -> None:
    path = corpus_dir / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    window = new_window(qtbot, name="山田太郎", ask_member_name=False)
    answer_file_dialog(path)
    with qtbot.waitSignal(window.first_page_painted, timeout=60_000):
        menu_action(window, "ファイル", "開く…").trigger()
    assert window.current_path == path and window.page_view.page_count() >= 2
    # The analysis ends one way or the other (a tree, or a message in its tab), and no box says "unexpected".
    qtbot.waitUntil(lambda: window.session.index_state in ("ready", "failed") and (
        window.session.outline is not None or bool(window.session.outline_error)), timeout=60_000)
    assert not [b.text() for b in boxes() if "予期しない" in b.text()]


def test_a_damaged_page_tree_given_at_start_shows_its_first_page(corpus_dir: Path, tmp_path: Path) -> None:
    """``pia-reviewer FILE`` (a double click in the file manager): the window shows the file's first page."""
    path = corpus_dir / DAMAGED_TREES[0]
    if not path.is_file():
        pytest.skip("damaged sample not in the corpus")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PIA_REVIEWER_HOME=str(tmp_path / "profile"),
               PIA_REVIEWER_EXIT_AFTER_FIRST_PAINT="1")
    done = subprocess.run([sys.executable, "-m", "ui.app", str(path)], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "first_paint_seconds=" in done.stdout and "pages=100" in done.stdout, done.stdout


def test_a_page_that_cannot_be_drawn_says_so_and_is_not_asked_for_again(
        qtbot: Any, isolated_profile: Path, small_packet: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A page MuPDF fails to draw (damaged: 「cannot find page 3 in page tree」 in a fuzzed file) shows a sentence
    saying it cannot be shown — it showed 「…」 for ever, as if still loading — the status bar names it so rather than
    as a scanned page, and the view does not ask for it again."""
    from ui.page_view.renderer import RenderWorker
    from ui.page_view.view import broken_page_text

    drawn = RenderWorker._render
    asked: list[int] = []

    def render(worker: Any, doc: Any, task: Any) -> Any:
        if task.page == 2:
            asked.append(task.page)
            raise RuntimeError("cannot find page 3 in page tree")  # as MuPDF's FzErrorFormat says
        return drawn(worker, doc, task)

    monkeypatch.setattr(RenderWorker, "_render", render)
    window = new_window(qtbot, name="山田太郎", ask_member_name=False)
    answer_file_dialog(small_packet[0])
    with qtbot.waitSignal(window.first_page_painted, timeout=60_000):
        menu_action(window, "ファイル", "開く…").trigger()
    view = window.page_view
    with qtbot.waitSignal(view.page_broken, timeout=30_000, check_params_cb=lambda page: page == 2):
        view.go_to(2, None)
    assert view.page_is_broken(2) and not view.page_is_broken(0)
    qtbot.waitUntil(lambda: "表示できません" in window.page_label.text(), timeout=10_000)
    assert broken_page_text() in window.statusBar().currentMessage()
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    rect = view._page_viewport_rect(2).toAlignedRect().intersected(view.viewport().rect())
    dark = sum(1 for x in range(rect.left(), rect.right(), 2) for y in range(rect.top(), rect.bottom(), 2)
               if image.pixelColor(x, y).lightness() < 150)
    assert dark > 50  # the sentence is drawn on the page (the 「…」 placeholder is light grey)
    asked_before = len(asked)
    view.zoom_in()  # a new scale asks for every page on screen again, but not for the broken one
    # the next page (on screen, or fetched ahead) is drawn at the new scale after the broken one would have been
    qtbot.waitUntil(lambda: view._has_image_at(3, view._target_scale()), timeout=10_000)
    assert len(asked) == asked_before
