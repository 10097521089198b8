"""Translations: Japanese source strings, English from ``resources/translations/pia_reviewer_en.qm``.

Japanese is the default. For Japanese, Qt's own ``qtbase_ja.qm`` is loaded so that standard buttons and dialogs
(OK, キャンセル, file dialogs) are Japanese too.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from reviewer.paths import resource

log = logging.getLogger("ui.i18n")

LANGUAGES: tuple[str, ...] = ("ja", "en")
APP_CATALOG = "pia_reviewer"

_installed: list[QTranslator] = []
_language = "ja"


def catalog_path(language: str) -> str:
    return str(resource("translations", f"{APP_CATALOG}_{language}.qm"))


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for ``language`` ("ja" or "en"), replacing any installed before.

    Returns the installed translators (kept alive by this module).
    """
    global _language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language not in LANGUAGES:
        language = "ja"
    _language = language
    QLocale.setDefault(QLocale(QLocale.Language.Japanese if language == "ja" else QLocale.Language.English))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language == "ja":
        qt_translator = QTranslator(app)
        if qt_translator.load("qtbase_ja", qt_dir):
            app.installTranslator(qt_translator)
            _installed.append(qt_translator)
        else:
            log.info("qtbase_ja.qm not found in %s", qt_dir)
    else:
        own = QTranslator(app)
        if own.load(catalog_path(language)):
            app.installTranslator(own)
            _installed.append(own)
        else:
            log.warning("translation catalog missing: %s", catalog_path(language))
    return list(_installed)


def current_language() -> str:
    """The language installed last ("ja" or "en")."""
    return _language


def remove_translators(app: QCoreApplication) -> None:
    """Uninstall the translators installed by :func:`install_translators` (source strings are Japanese)."""
    global _language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _language = "ja"
