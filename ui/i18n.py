"""Translations: Japanese source strings, English from ``resources/translations/pia_reviewer_en.qm``.

Japanese is the default. For Japanese, Qt's own ``qtbase_ja.qm`` is loaded so that standard buttons and dialogs
(OK, キャンセル, file dialogs) are Japanese too. Qt 6's file dialog asks for "&Look in:" and "Files of &type:" while
``qtbase_ja.qm`` only knows them without the ``&``; :class:`MnemonicFallbackTranslator` bridges that gap.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from reviewer.paths import resource

log = logging.getLogger("ui.i18n")

QT_CATALOG = "qtbase"

LANGUAGES: tuple[str, ...] = ("ja", "en")
APP_CATALOG = "pia_reviewer"

_installed: list[QTranslator] = []
_language = "ja"


class MnemonicFallbackTranslator(QTranslator):
    """Translates Qt's own strings whose ``&`` mnemonic is missing from the catalog's source text.

    "&Look in:" is looked up as "Look in:" and the mnemonic is appended the Japanese way: 「アドレス(&L):」.
    Only Qt's contexts (``Q…``) are handled, so the app's own strings never take this path.
    """

    def __init__(self, catalog: QTranslator, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str:
        if "&" not in source_text or not context.startswith("Q"):
            return None  # type: ignore[return-value]  # a null QString: "not translated here"
        at = source_text.find("&")
        if at + 1 >= len(source_text) or source_text[at + 1] == "&":
            return None  # type: ignore[return-value]  # a null QString: "not translated here"
        bare = source_text[:at] + source_text[at + 1:]
        translated = self._catalog.translate(context, bare, disambiguation, n)
        if not translated:
            return None  # type: ignore[return-value]  # a null QString: "not translated here"
        key = source_text[at + 1].upper()
        if translated.endswith((":", "：")):
            return f"{translated[:-1]}(&{key}){translated[-1]}"
        return f"{translated}(&{key})"

    def isEmpty(self) -> bool:  # noqa: N802 (Qt override)
        return False


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
        if qt_translator.load(f"{QT_CATALOG}_ja", qt_dir):
            # Installed first so it is asked last: the exact catalog wins, the fallback fills its gaps.
            fallback = MnemonicFallbackTranslator(qt_translator, app)
            app.installTranslator(fallback)
            app.installTranslator(qt_translator)
            _installed.extend((fallback, qt_translator))
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
