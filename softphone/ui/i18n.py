"""Languages: English (the source), Ukrainian and Russian, from Qt translation files.

``softphone/resources/i18n/softphone_<lang>.qm`` holds our strings (built
by ``scripts/update_translations.py`` from the ``.ts`` files and committed);
Qt's own ``qtbase_<lang>.qm`` (shipped in PySide6) translates the standard
dialogs' buttons. A language change takes effect at the next start: the
settings page says so, rather than retranslating every open widget.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"
LANGUAGES = ("en", "uk", "ru")
"""Supported languages; English is the source text and needs no file."""


def resolve_language(setting: str, locale: QLocale | None = None) -> str:
    """The language to use: the setting, else the system's if supported, else English."""
    if setting in LANGUAGES:
        return setting
    name = (locale or QLocale.system()).name().split("_")[0]
    return name if name in LANGUAGES else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load our and Qt's translations for ``language`` into ``app``; returns them.

    The translators are returned so the caller keeps them alive (Qt does
    not own them) — a collected translator silently stops translating.
    """
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in (("softphone", str(I18N_DIR)), ("qtbase", qt_dir)):
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", directory):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            logger.warning("no %s translation for %s in %s", name, language, directory)
    QLocale.setDefault(QLocale(language))
    return installed
