"""Translations: the English catalog is complete for the window, panels and dialogs, loads, and turns the menus
English; Japanese loads Qt's own qtbase_ja for standard buttons."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parent.parent.parent
TS = REPO / "resources" / "translations" / "pia_reviewer_en.ts"
# Every Qt source file: the English UI must show no Japanese sentence.
OWN_FILES = sorted(str(p.relative_to(REPO)) for p in (REPO / "ui").rglob("*.py"))


@pytest.fixture
def app_translators(qapp: Any) -> Iterator[Any]:
    from ui.i18n import remove_translators

    yield qapp
    remove_translators(qapp)


def translations(path: Path) -> dict[tuple[str, str], str | None]:
    result: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") not in ("unfinished", "vanished",
                                                                                  "obsolete")
            text = translation.text if translation is not None else None
            if translation is not None and message.get("numerus") == "yes":
                text = " | ".join(form.text or "" for form in translation.iter("numerusform")) or None
            result[(name, message.findtext("source") or "")] = text if done else None
    return result


def test_catalog_covers_every_string_of_the_window(tmp_path: Path) -> None:
    """Extract the strings of the current sources and check each has an English translation in the catalog."""
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *OWN_FILES, "-ts", str(fresh)], cwd=REPO, check=True, capture_output=True)
    needed = translations(fresh)
    assert len(needed) > 100
    # The strings of the modules' _tr() helpers, which lupdate does not see (the 変更点 panel's were Japanese in
    # the English UI).
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_translations", REPO / "scripts" / "build_translations.py")
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    helpers = builder.helper_strings([REPO / f for f in OWN_FILES])
    assert ("changes", "申告済") in helpers and ("SearchPanel", "資料 {label}") in helpers
    needed.update(dict.fromkeys(helpers))
    catalog = translations(TS)
    missing = [key for key in needed if not catalog.get(key)]
    assert not missing, f"run scripts/build_translations.py; untranslated: {missing[:10]}"
    assert all(context for context, _source in needed), "strings without a context (use self.tr in a class)"
    for (_context, source), english in catalog.items():
        if english and "{" in source:  # named placeholders survive translation
            import re

            assert set(re.findall(r"\{(\w+)\}", source)) == set(re.findall(r"\{(\w+)\}", english)), source
    assert TS.with_suffix(".qm").stat().st_size > 1000


def test_counted_messages_say_one_thing_and_many_things_in_english(app_translators: Any) -> None:
    """「コメント 1 件」 is "1 comment", not "1 comments": every message counted with %n has both English forms."""
    from PySide6.QtCore import QCoreApplication

    from ui.i18n import install_translators

    counted = [(context.findtext("name") or "", message.findtext("source") or "")
               for context in ET.parse(TS).getroot().iter("context") for message in context.iter("message")
               if message.get("numerus") == "yes"]
    assert ("CommentsPanel", "コメント %n 件") in counted
    assert QCoreApplication.translate("CommentsPanel", "コメント %n 件", "", 1) == "コメント 1 件"
    install_translators(app_translators, "en")
    for context, source in counted:
        one, two = (QCoreApplication.translate(context, source, "", n) for n in (1, 2))
        assert "1" in one and "2" in two and one.replace("1", "2") != two, (source, one, two)
    assert QCoreApplication.translate("CommentsPanel", "コメント %n 件", "", 1) == "1 comment"
    assert QCoreApplication.translate("CommentsPanel", "コメント %n 件", "", 3) == "3 comments"


def test_english_menus(app_translators: Any, qtbot: Any) -> None:
    from ui.dialogs.settings import AppSettings
    from ui.i18n import current_language, install_translators
    from ui.main_window import MainWindow

    install_translators(app_translators, "en")
    assert current_language() == "en"
    window = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Go", "&Comments", "&Tools", "&Help"]
    assert window.act_goto.text() == "Go to page…"
    assert window.comments_dock.windowTitle() == "Comments"
    assert window.page_status_text(0) == ""
    from reviewer.structure.model import Outline

    labels = [str(i) for i in range(312)]
    window.session.page_count, window.session.page_labels = 312, labels
    window.session.outline = Outline(sha256="c" * 64, pages=312, page_labels=labels)
    assert window.page_status_text(130) == "Packet page 130 (PDF 131 / 312)"


def test_japanese_loads_qtbase_ja(app_translators: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.i18n import install_translators

    installed = install_translators(app_translators, "ja")
    assert installed, "qtbase_ja.qm not found"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "").startswith("キャンセル")


def test_settings_dialog_persists_language_size_contrast(app_translators: Any, qtbot: Any) -> None:
    from PySide6.QtGui import QPalette

    from ui.dialogs.settings import AppSettings, SettingsDialog
    from ui.theme import apply_theme, load_bundled_font

    settings = AppSettings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.text_size.setCurrentIndex(dialog.text_size.findData("xlarge"))
    dialog.high_contrast.setChecked(True)
    assert dialog.save() is True  # the language changed
    again = AppSettings()
    assert (again.language, again.text_size, again.high_contrast) == ("en", "xlarge", True)
    base = app_translators.font().pointSizeF()
    family = load_bundled_font()
    try:
        apply_theme(app_translators, "xlarge", True)
        assert app_translators.font().pointSizeF() == pytest.approx(base * 1.5, abs=0.6)
        assert family in app_translators.font().families()
        assert app_translators.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    finally:
        apply_theme(app_translators, "normal", False)
    assert app_translators.font().pointSizeF() == pytest.approx(base, abs=0.1)
    assert app_translators.palette().color(QPalette.ColorRole.Window).name() != "#000000"


def test_japanese_translators_leave_the_apps_own_words_alone(app_translators: Any, qtbot: Any) -> None:
    """With Qt's Japanese catalog and its mnemonic fallback installed, the app's own strings still show (a
    translator answering "" instead of "not mine" once blanked every label of the real app)."""
    from ui.dialogs.settings import AppSettings
    from ui.i18n import install_translators
    from ui.main_window import MainWindow

    install_translators(app_translators, "ja")
    window = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["ファイル(&F)", "編集(&E)", "表示(&V)", "移動(&G)", "コメント(&C)", "ツール(&T)", "ヘルプ(&H)"]
    assert window.act_send_to_chair.text() == "委員長へ送るコメントを書き出す"
    assert window.comments_dock.windowTitle() == "コメント"


def test_english_ui_shows_core_errors_in_english(app_translators: Any, qtbot: Any, tmp_path: Path) -> None:
    """A message raised in the core (here: a file that is not a PDF) reads in English in the English UI — no
    Japanese sentence (issue #13, bug 11); statuses show translated too."""
    import re

    from ui import notify
    from ui.dialogs.settings import AppSettings
    from ui.display_words import status_label
    from ui.i18n import install_translators
    from ui.main_window import MainWindow

    install_translators(app_translators, "en")
    window = MainWindow(AppSettings(), ask_member_name=False, open_store=False)
    qtbot.addWidget(window)
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("not a pdf", encoding="utf-8")
    assert not window.open_file(not_pdf)
    box = notify.open_boxes()[-1]
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    assert box.windowTitle() and not japanese.search(box.windowTitle())
    assert "notes.pdf" in box.text() and not japanese.search(box.text()), box.text()
    box.close()
    assert status_label("未処理") and not japanese.search(status_label("未処理"))


def test_english_ui_shows_import_warnings_and_structure_warnings_in_english() -> None:
    """The chair's import result lists the core's warnings (id conflicts, future dates, signatures) in the UI's
    language; the Japanese stays for the Japanese UI."""
    import re

    from reviewer.exchange.importer import ImportReport, SignerCheck
    from reviewer.store.models import Clamped, IdConflict

    report = ImportReport(
        conflicts=[IdConflict("a1", "b1", "山田", "佐藤", "own"), IdConflict("a2", "", "山田", "佐藤", "author")],
        clamped=[Clamped("a3", "山田", "2099-01-01T00:00:00+09:00")],
        signers=[SignerCheck("山田", "other-key", "/tmp/山田.piarev", "ab:cd"),
                 SignerCheck("佐藤", "unsigned-after-signed", "/tmp/佐藤.piarev"),
                 SignerCheck("鈴木", "verified")])
    english = report.warning_lines("en")
    japanese = report.warning_lines("ja")
    assert len(english) == len(japanese) == 5  # the verified signer is no warning
    assert japanese == report.warnings
    # Only the members' names and file names stay Japanese in the English lines.
    words = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")
    for line in english:
        assert set(words.findall(line)) <= {"山田", "佐藤", "鈴木"}, line
    assert "imported it as a separate comment" in english[0] and "did not import it" in english[1]
    assert "2099-01-01" in english[2] and "ab:cd" in english[3]
    assert all(words.search(line.replace("山田", "").replace("佐藤", "")) for line in japanese)


def test_english_ui_lists_structure_warnings_in_english(app_translators: Any, qtbot: Any,
                                                        small_packet: tuple[Path, Any]) -> None:
    from reviewer.document import Packet
    from reviewer.structure.detect import detect_outline
    from reviewer.structure.model import StructureWarning
    from ui.i18n import install_translators
    from ui.panels.outline import COL_TITLE, OutlinePanel

    with Packet.open(small_packet[0]) as packet:
        outline = detect_outline(packet)
    warning = StructureWarning("section_gap", 3, "項番 3 の後に 5 が続いています。", "Section 3 is followed by 5.")
    report = next(i for i, document in enumerate(outline.documents) if document.is_report)
    outline.documents[report].warnings.append(warning)
    install_translators(app_translators, "en")
    panel = OutlinePanel()
    qtbot.addWidget(panel)
    panel.set_outline(outline)
    tip = panel.tree.topLevelItem(report).toolTip(COL_TITLE)
    assert "・Section 3 is followed by 5." in tip and warning.message_ja not in tip


def test_the_passphrase_prompt_speaks_english_in_english(app_translators: Any, isolated_profile: Path,
                                                         monkeypatch: Any) -> None:
    """No keyring, English UI: the passphrase dialog's first words are English on the first start and on the next
    (its second start showed 「コメントの保存先はパスフレーズで保護されています…」)."""
    import keyring
    from keyring.backends import fail

    from ui.dialogs.passphrase import open_store_interactively
    from ui.i18n import install_translators

    install_translators(app_translators, "en")
    keyring.set_keyring(fail.Keyring())
    asked: list[str] = []

    def ask(confirm: bool, message: str) -> str:
        asked.append(message)
        return "a long passphrase"

    for _start in range(2):
        store = open_store_interactively(None, str(isolated_profile), ask=ask)
        assert store is not None
        store.close()
    assert len(asked) == 2 and all(message.isascii() for message in asked), asked
    assert "credential store" in asked[0] and "passphrase" in asked[1]
