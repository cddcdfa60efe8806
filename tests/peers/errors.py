"""Why a real peer could not be used: missing from the machine, or broken."""

from __future__ import annotations

import shutil
from pathlib import Path


class PeerUnavailable(RuntimeError):
    """A binary or package the peer needs is not installed.

    The fixtures turn this into a skip on a developer machine and into a
    failure when SOFTPHONE_REQUIRE_PEERS=1 (CI), so a missing peer can never
    hide a whole group of tests there.
    """


class PeerError(RuntimeError):
    """The peer is installed but misbehaved (did not start, timed out, ...)."""


def require_binary(name: str, package: str) -> str:
    """Return the path of `name` or raise PeerUnavailable naming its package."""
    path = shutil.which(name)
    if path is None:
        raise PeerUnavailable(
            f"'{name}' not found on PATH; install the Debian package '{package}' "
            "(scripts/install-deps.sh does)"
        )
    return path


def require_path(path: Path, what: str) -> Path:
    """Return `path` or raise PeerUnavailable saying what is missing."""
    if not path.exists():
        raise PeerUnavailable(f"{path} not found: {what}")
    return path
