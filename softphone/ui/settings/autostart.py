"""Start with the system: the per-user autostart entry of each platform."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

ENTRY_NAME = "softphone"


def _linux_entry() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "autostart" / f"{ENTRY_NAME}.desktop"


def _command() -> str:
    return f'"{sys.executable}" -m softphone --minimized'


def is_enabled() -> bool:
    if sys.platform.startswith("linux"):
        return _linux_entry().exists()
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(
                winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run"
            ) as key:
                winreg.QueryValueEx(key, ENTRY_NAME)
                return True
        except OSError:
            return False
    if sys.platform == "darwin":
        return (Path.home() / "Library/LaunchAgents/com.softphone.plist").exists()
    return False


def set_enabled(enabled: bool) -> None:
    """Add or remove this user's autostart entry (raises OSError when it cannot)."""
    if sys.platform.startswith("linux"):
        path = _linux_entry()
        if enabled:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "[Desktop Entry]\nType=Application\nName=Softphone\n"
                f"Exec={_command()}\nX-GNOME-Autostart-enabled=true\n",
                encoding="utf-8",
            )
        else:
            path.unlink(missing_ok=True)
    elif sys.platform == "win32":
        import winreg

        with winreg.OpenKey(
            winreg.HKEY_CURRENT_USER,
            r"Software\Microsoft\Windows\CurrentVersion\Run",
            0,
            winreg.KEY_SET_VALUE,
        ) as key:
            if enabled:
                winreg.SetValueEx(key, ENTRY_NAME, 0, winreg.REG_SZ, _command())
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, ENTRY_NAME)
    elif sys.platform == "darwin":
        path = Path.home() / "Library/LaunchAgents/com.softphone.plist"
        if enabled:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
                "<key>Label</key><string>com.softphone</string>"
                f"<key>ProgramArguments</key><array><string>{sys.executable}</string>"
                "<string>-m</string><string>softphone</string><string>--minimized</string>"
                "</array><key>RunAtLoad</key><true/></dict></plist>\n",
                encoding="utf-8",
            )
        else:
            path.unlink(missing_ok=True)
