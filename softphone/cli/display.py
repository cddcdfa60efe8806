"""Can a window open here? Asked before Qt is loaded, answered in one sentence.

Without a display, or on a Linux PC missing the libraries of Qt's xcb
platform plugin, Qt prints a page of plugin diagnostics and aborts. The
desktop app and the demo ask :func:`display_problem` first and, when it has
an answer, print that sentence instead: what is wrong and which packages
to install. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

# What Qt's xcb plugin (libqxcb.so and libQt6XcbQpa) links against, beyond what
# every desktop has, with the Debian/Ubuntu package that ships each library.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("xcb-cursor", "libxcb-cursor0"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
    ("xkbcommon", "libxkbcommon0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xcb-randr", "libxcb-randr0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-shape", "libxcb-shape0"),
    ("xcb-shm", "libxcb-shm0"),
    ("xcb-sync", "libxcb-sync1"),
    ("xcb-xfixes", "libxcb-xfixes0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("xcb-util", "libxcb-util1"),
    ("X11-xcb", "libx11-xcb1"),
    ("EGL", "libegl1"),
    ("GL", "libgl1"),
    ("fontconfig", "libfontconfig1"),
    ("dbus-1", "libdbus-1-3"),
)

Finder = Callable[[str], bool]


def _bundled_dirs() -> list[Path]:
    """Where a frozen app or the PySide6 wheel may carry a library themselves."""
    dirs = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle))
    try:
        import importlib.util

        spec = importlib.util.find_spec("PySide6")
        if spec is not None and spec.origin:
            dirs.append(Path(spec.origin).parent / "Qt" / "lib")
    except (ImportError, ValueError):
        pass
    return dirs


def library_found(name: str, dirs: Sequence[Path] | None = None) -> bool:
    """``lib<name>.so`` is known to the dynamic loader or shipped beside the app."""
    if ctypes.util.find_library(name):
        return True
    for folder in _bundled_dirs() if dirs is None else dirs:
        if any(folder.glob(f"lib{name}.so*")):
            return True
    return False


def missing_packages(found: Finder = library_found) -> list[str]:
    """The packages whose xcb-plugin libraries this system lacks."""
    return [package for name, package in XCB_LIBRARIES if not found(name)]


def display_problem(
    env: Mapping[str, str], platform: str = sys.platform, found: Finder = library_found
) -> str | None:
    """Why no window can open here (one sentence), or None when it can (or we cannot tell)."""
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have their platform plugin
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose; Qt will say if it fails
    if not chosen and env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return None  # Qt uses its Wayland plugin
    if not env.get("DISPLAY"):
        return (
            "there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not "
            "set): start it from a desktop session, or check this PC with "
            "`softphone --self-test`, which needs no window"
        )
    missing = missing_packages(found)
    if missing:
        return (
            "the window cannot open because system libraries Qt needs are missing; "
            f"install them with: sudo apt install {' '.join(missing)}"
        )
    return None
