"""Every visible string is extracted, translated to Ukrainian and Russian, placeholders intact.

The check runs the real extraction (``pyside6-lupdate``) over softphone/ui,
so a string added without ``tr()`` — or added with it but not translated —
fails here, not in front of an agent who reads no English.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "softphone" / "ui"
I18N = ROOT / "softphone" / "resources" / "i18n"
LANGUAGES = ("uk", "ru")
sys.path.insert(0, str(ROOT / "scripts"))

import update_translations  # noqa: E402

# Calls whose string argument is shown to the agent.
SHOWN_BY_METHOD = {
    "setText",
    "setToolTip",
    "setPlaceholderText",
    "setWindowTitle",
    "setAccessibleName",
    "setAccessibleDescription",
    "setStatusTip",
    "setWhatsThis",
    "showMessage",
    "addTab",
    "addMenu",
    "addAction",
    "addRow",
    "setTabText",
    "setHorizontalHeaderLabels",
    "addItem",
    "setSuffix",
    "setPrefix",
    "setNameFilter",
    "show_text",
    "show_error",
}
SHOWN_BY_CONSTRUCTOR = {
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolButton",
    "QMenu",
    "QFileDialog",
}
NOT_WORDS = re.compile(r"^([a-z]+://\S*|[\W\d_]*|[A-Za-z]|\+?[\d\s()-]+)$")
"""URLs (examples in placeholders), punctuation, single letters, numbers: nothing to translate."""
PLACEHOLDER = re.compile(r"\{[a-z_]*(?::[^}]*)?\}|%\d+|%n")


MARKUP = re.compile(r"<[^>]*>|\{[^}]*\}")
"""HTML tags and placeholders: a template made of only these and translated parts is fine."""
LABEL_INDEX = {"addTab": 1, "setTabText": 1}
"""Where the label is, when it is not the first argument."""


def _has_words(text: str) -> bool:
    return not NOT_WORDS.match(MARKUP.sub("", text).strip())


def _is_visible_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):  # f-strings are never extracted: words in them show
        template = "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
        return _has_words(template)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _has_words(node.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"  # "…".format(): the template is the literal
    ):
        return _is_visible_literal(node.func.value)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_is_visible_literal(e) for e in node.elts)
    return False


def untranslated_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr
            if isinstance(node.func, ast.Attribute)
            else node.func.id
            if isinstance(node.func, ast.Name)
            else ""
        )
        if name not in SHOWN_BY_METHOD | SHOWN_BY_CONSTRUCTOR:
            continue
        index = LABEL_INDEX.get(name, 0)
        args = node.args
        if len(args) > index + 1 and "icon" in ast.unparse(args[index]).lower():
            index += 1  # addItem(icon, label, ...), addAction(icon, label)
        if len(args) > index and _is_visible_literal(args[index]):
            label = ast.unparse(args[index])
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({label})")
    return found


def test_no_visible_string_escapes_tr() -> None:
    offences = [o for path in sorted(UI.rglob("*.py")) for o in untranslated_literals(path)]
    assert offences == []


def test_the_scan_catches_a_bare_string(tmp_path: Path) -> None:
    sample = tmp_path / "ui" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "label = QLabel('Hello')\nbutton.setToolTip(f'{x} left')\ncombo.addItem(name, 'data')\n"
        "box.setText(self.tr('Fine'))\nedit.setPlaceholderText('https://example.com')\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(untranslated_literals(sample)) == 2
    finally:
        ROOT = saved


def test_aliased_translate_is_not_used() -> None:
    """``tr = QCoreApplication.translate`` hides strings from lupdate (it reads names)."""
    pattern = re.compile(r"=\s*QCoreApplication\.translate\s*$", re.MULTILINE)
    offenders = [str(p) for p in UI.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def _messages(ts_file: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts_file).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], ET.Element]:
    if shutil.which("pyside6-lupdate") is None and not list(
        Path(sys.executable).parent.glob("pyside6-lupdate*")
    ):
        pytest.fail("pyside6-lupdate is missing (it ships with PySide6-Essentials)")
    ts_file = tmp_path_factory.mktemp("ts") / "softphone_xx.ts"
    update_translations.lupdate(ts_file, "uk")
    return _messages(ts_file)


def test_extraction_finds_the_strings(fresh_extraction: dict[tuple[str, str], ET.Element]) -> None:
    contexts = {context for context, _ in fresh_extraction}
    assert {"Tray", "IncomingCallPopup", "AudioPage", "MainWindow"} <= contexts
    assert "" not in contexts  # an empty context means a mis-parsed call
    assert len(fresh_extraction) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_with_the_same_placeholders(
    language: str, fresh_extraction: dict[tuple[str, str], ET.Element]
) -> None:
    committed = _messages(I18N / f"softphone_{language}.ts")
    missing = sorted(f"{c}: {s}" for c, s in fresh_extraction if (c, s) not in committed)
    assert missing == [], "run scripts/update_translations.py"
    problems = []
    for (context, source), message in committed.items():
        translation = message.find("translation")
        assert translation is not None
        text = translation.text or ""
        kind = translation.get("type")
        if kind in ("unfinished", "vanished", "obsolete") or not text.strip():
            problems.append(f"{context}: {source!r} is not translated ({kind})")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"{context}: {source!r} -> {text!r}: placeholders differ")
        if ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
            problems.append(f"{context}: {source!r} -> {text!r}: keyboard accelerator (&) differs")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_files_match_the_translations(language: str, tmp_path: Path) -> None:
    qm_file = tmp_path / f"softphone_{language}.qm"
    update_translations.lrelease(I18N / f"softphone_{language}.ts", qm_file)
    assert qm_file.read_bytes() == (I18N / qm_file.name).read_bytes(), (
        "run scripts/update_translations.py"
    )


def test_the_app_speaks_ukrainian_and_qt_dialogs_too(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from softphone.ui.i18n import install_translators, resolve_language

    app = QApplication.instance()
    assert app is not None
    translators = install_translators(app, "uk")
    try:
        assert len(translators) == 2  # ours and Qt's qtbase
        assert QCoreApplication.translate("Tray", "Quit") != "Quit"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Скасувати"
    finally:
        for translator in translators:
            app.removeTranslator(translator)
    assert resolve_language("ru") == "ru"
    assert resolve_language("", None) in ("en", "uk", "ru")
