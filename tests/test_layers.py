"""Imports run one way: ui → core → (net, media) → sip (ARCHITECTURE.md).

Checked on the source, so a wrong import fails here before it tangles the
layers; the runtime check that ``softphone.sip`` loads only the standard
library is in tests/sip/test_package.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "softphone"

# layer -> softphone sub-packages it must not import
FORBIDDEN_INTERNAL = {
    "sip": {"net", "media", "core", "ui", "sim", "cli"},
    "net": {"media", "core", "ui", "sim", "cli"},
    "media": {"net", "core", "ui", "sim", "cli"},
    "core": {"ui", "sim", "cli"},
    "sim": {"ui", "cli"},
}
# layer -> third-party top-level modules it must not import
FORBIDDEN_EXTERNAL = {
    "core": {"PySide6", "qasync", "aiortc", "av", "sounddevice"},
    "net": {"PySide6", "qasync", "aiortc"},
    "media": {"PySide6", "qasync"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_INTERNAL))
def test_layer_imports_point_downwards(layer: str) -> None:
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "softphone" and len(parts) > 1 and parts[1] in FORBIDDEN_INTERNAL[layer]:
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if parts[0] in FORBIDDEN_EXTERNAL.get(layer, set()):
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []
