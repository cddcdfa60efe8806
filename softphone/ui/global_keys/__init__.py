"""System-wide shortcuts: answer or hang up while the CRM has the keyboard focus.

Qt only knows shortcuts of its own windows, so each desktop gets a backend
behind one interface (``base.GlobalHotkeys``): X11 key grabs through libxcb
(``x11``), the Wayland portal (``portal``), ``RegisterHotKey`` on Windows
(``windows``) and Carbon hotkeys on macOS (``macos``). ``make_global_hotkeys``
picks the one for the running Qt platform; where none works, every key gets
the sentence saying why, never an exception.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QGuiApplication

from softphone.ui.global_keys.base import (
    GlobalHotkeys,
    HotkeysBase,
    Outcome,
    Registration,
    Unavailable,
)

__all__ = ["GlobalHotkeys", "Outcome", "Registration", "make_global_hotkeys"]


def make_global_hotkeys(parent: QObject | None = None) -> HotkeysBase:
    """The backend for this desktop (imported on demand: each loads its native library)."""
    platform = QGuiApplication.platformName()
    if sys.platform == "win32":
        from softphone.ui.global_keys.windows import WindowsHotkeys

        return WindowsHotkeys(parent)
    if sys.platform == "darwin":
        from softphone.ui.global_keys.macos import MacHotkeys

        return MacHotkeys(parent)
    if platform.startswith("wayland") or (
        platform == "xcb" and os.environ.get("XDG_SESSION_TYPE") == "wayland"
    ):
        # Under XWayland, X grabs work only while an X window has the focus: the portal first.
        from softphone.ui.global_keys.portal import PortalHotkeys

        portal = PortalHotkeys(parent)
        if not portal.unavailable_reason() or platform != "xcb":
            return portal
        portal.close()
    if platform == "xcb":
        from softphone.ui.global_keys.x11 import XcbHotkeys

        return XcbHotkeys(parent=parent)
    return Unavailable(
        QCoreApplication.translate(
            "GlobalKeys", "Global shortcuts are not available on this display ({platform})."
        ).format(platform=platform or "none"),
        parent,
    )
