"""Errors as sentences, and the "Export diagnostics" zip for support.

An agent cannot act on a traceback, and support cannot act on "it broke".
So the agent sees a sentence (the core's own message when it has one) while
the traceback goes to the log; and one button collects the logs, versions,
sound devices and settings into a zip the agent can attach to a ticket —
with every secret removed, because tickets get forwarded.
"""

from __future__ import annotations

import asyncio
import json
import platform
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings, qVersion

from softphone import __version__
from softphone.logs import MASK, log_files, redact
from softphone.ui.aio import sentence

_SECRET_KEY = re.compile(r"pass|secret|token|cookie|jwt|credential|api.?key", re.IGNORECASE)
PACKAGES = ("PySide6-Essentials", "qasync", "aiortc", "av", "python-socketio", "sounddevice")


def human_message(exc: BaseException) -> str | None:
    """A sentence for the agent about ``exc``; None when there is nothing to say.

    Cancellation is not a failure (quitting, a newer click replaced the
    action); everything else is said the way the bridge says it.
    """
    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
        return None
    return sentence(exc)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def scrub_settings(settings: Mapping[str, object]) -> dict[str, object]:
    """``settings`` with secret-looking keys masked and secrets in values redacted."""
    clean: dict[str, object] = {}
    for key, value in settings.items():
        if is_secret_key(key):
            clean[key] = MASK
        elif isinstance(value, str):
            clean[key] = redact(value)
        elif isinstance(value, Mapping):
            clean[key] = scrub_settings({str(k): v for k, v in value.items()})
        else:
            clean[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
    return clean


def qsettings_dict(settings: QSettings) -> dict[str, object]:
    return {key: settings.value(key) for key in settings.allKeys()}


def versions() -> dict[str, str]:
    # Imported here: importlib.metadata brings email, csv and friends, which an app
    # that never crashes nor exports diagnostics need not keep all day.
    from importlib import metadata

    found = {
        "softphone": __version__,
        "python": sys.version.split()[0],
        "qt": qVersion(),
        "platform": platform.platform(),
    }
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def export_diagnostics(
    target: Path,
    *,
    settings: Mapping[str, object],
    devices: Iterable[str] = (),
    log_dir: Path | None = None,
) -> Path:
    """Write the diagnostics zip to ``target``; returns its path.

    Logs are redacted once more on the way in (older files may predate a
    masking rule), settings lose their secret keys, and nothing else of
    the user's is read.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in log_files(log_dir):
            text = path.read_text(encoding="utf-8", errors="replace")
            archive.writestr(f"logs/{path.name}", redact(text))
        archive.writestr("versions.json", json.dumps(versions(), indent=2))
        archive.writestr("devices.txt", "\n".join(devices) + "\n")
        archive.writestr(
            "settings.json", json.dumps(scrub_settings(settings), indent=2, ensure_ascii=False)
        )
        archive.writestr("README.txt", f"Softphone diagnostics, {stamp}. Secrets removed.\n")
    return target


def default_export_name() -> str:
    return datetime.now().strftime("softphone-diagnostics-%Y%m%d-%H%M%S.zip")
