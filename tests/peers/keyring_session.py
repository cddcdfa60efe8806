"""A real Secret Service (gnome-keyring in a private D-Bus session) for a child process.

CI machines have no desktop keyring, so the self-test's keyring check would
rightly fail there. ``in_keyring_session(argv)`` wraps a command so it runs
in its own D-Bus session with an unlocked gnome-keyring whose files live
under the given HOME: the same backend (SecretStorage over D-Bus) a Linux
desktop gives the app, and nothing of the user's keyring is touched.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

TOOLS = ("dbus-run-session", "gnome-keyring-daemon")
_UNLOCK = (
    'printf self-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"'
)


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def in_keyring_session(argv: Sequence[str]) -> list[str]:
    """``argv`` run inside a fresh D-Bus session with an unlocked keyring."""
    return ["dbus-run-session", "--", "sh", "-c", _UNLOCK, "sh", *argv]


def keyring_home(tmp_path: Path) -> dict[str, str]:
    """Environment that keeps the keyring's (and every user folder's) files in ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
