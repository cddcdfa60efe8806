"""Environment for a ``softphone`` subprocess that talks to the real peers."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK_SITE = Path(__file__).resolve().parent / "loopback_site"


def softphone_env(*, loopback_ice: bool = True, **extra: str) -> dict[str, str]:
    """os.environ plus what a child needs: the repo on the path, loopback ICE."""
    env = dict(os.environ)
    paths = [str(ROOT)]
    if loopback_ice:
        paths.insert(0, str(LOOPBACK_SITE))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env
