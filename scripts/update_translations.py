#!/usr/bin/env python3
"""Regenerate the translation files: .ts from the UI's source, then .qm from the .ts.

    python3 scripts/update_translations.py          # extract + compile
    python3 scripts/update_translations.py --check  # fail if anything is stale

``pyside6-lupdate`` (shipped in PySide6-Essentials) extracts every ``tr()``
and ``QCoreApplication.translate()`` string under softphone/ui into
softphone/resources/i18n/softphone_<lang>.ts, keeping existing
translations; translators fill them in (Qt Linguist or any editor); then
``pyside6-lrelease`` compiles the .qm files the app loads. The .qm files
are committed (and shipped as package data), so installing needs no Qt tools.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "softphone" / "ui"
I18N = ROOT / "softphone" / "resources" / "i18n"
LANGUAGES = ("uk", "ru")


def tool(name: str) -> str:
    """A PySide6 tool: on PATH, or next to the running Python (a venv's bin)."""
    found = shutil.which(f"pyside6-{name}") or shutil.which(
        f"pyside6-{name}", path=str(Path(sys.executable).parent)
    )
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: pip install PySide6-Essentials")
    return found


def lupdate(ts_file: Path, language: str) -> None:
    subprocess.run(
        [
            tool("lupdate"),
            "-silent",
            "-extensions",
            "py",
            "-locations",
            "none",
            "-no-obsolete",
            "-target-language",
            language,
            str(SOURCES.relative_to(ROOT)),
            "-ts",
            str(ts_file),
        ],
        cwd=ROOT,
        check=True,
    )


def lrelease(ts_file: Path, qm_file: Path) -> None:
    subprocess.run(
        [tool("lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)], cwd=ROOT, check=True
    )


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts_file = I18N / f"softphone_{language}.ts"
        lupdate(ts_file, language)
        lrelease(ts_file, I18N / f"softphone_{language}.qm")


def check() -> int:
    """Non-zero when a .ts misses strings of the source or a .qm is older than its .ts."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in LANGUAGES:
            ts_file = I18N / f"softphone_{language}.ts"
            fresh = Path(tmp) / ts_file.name
            shutil.copy(ts_file, fresh)
            lupdate(fresh, language)
            if fresh.read_text(encoding="utf-8") != ts_file.read_text(encoding="utf-8"):
                stale.append(str(ts_file.relative_to(ROOT)))
            qm_file = Path(tmp) / f"softphone_{language}.qm"
            lrelease(ts_file, qm_file)
            if not filecmp.cmp(qm_file, I18N / qm_file.name, shallow=False):
                stale.append(str((I18N / qm_file.name).relative_to(ROOT)))
    for name in stale:
        print(f"stale: {name} (run scripts/update_translations.py)", file=sys.stderr)
    return 1 if stale else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    args = parser.parse_args()
    if args.check:
        return check()
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
