"""The protocol doc's example snapshots (../shared/design/mediatel-examples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "design"
EXAMPLES = SHARED / "mediatel-examples"
PROTOCOL_DOC = SHARED / "mediatel-protocol.md"


def vector(name: str) -> dict[str, Any]:
    path = EXAMPLES / name
    if not path.exists():
        pytest.fail(f"test vector missing: {path} (CI must have ../shared beside the clone)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
