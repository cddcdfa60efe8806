"""Import sounddevice with the bundle's own PortAudio in the frozen Linux app.

The Linux sounddevice wheel has no PortAudio, so the bundle carries one, built
for ALSA only (scripts/build_portaudio.sh): Debian's libportaudio2 links JACK,
which loads Berkeley DB, ~2 MiB more resident in a call for an API no agent
uses. sounddevice finds its library with ``ctypes.util.find_library``, which on
Linux asks ldconfig about the *system's* libraries only. On a PC without
libportaudio2 the import then fails ("PortAudio library not found") although the
library is in the bundle; on a PC with one, the soname it returns is resolved
through whatever ``LD_LIBRARY_PATH`` the bootloader left. So for the one import,
the frozen app answers find_library's question with the bundled file's path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

LIBRARY = "libportaudio.so.2"


def bundled_portaudio() -> Path | None:
    """The PortAudio library of the frozen Linux app; None from source or elsewhere."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle or not sys.platform.startswith("linux"):
        return None
    path = Path(bundle, LIBRARY)
    return path if path.is_file() else None


def import_sounddevice() -> Any:
    """sounddevice, loaded with the bundled PortAudio when there is one.

    Raises what importing sounddevice raises (ImportError; OSError when no
    PortAudio can be loaded).
    """
    path = bundled_portaudio()
    if path is None or "sounddevice" in sys.modules:
        import sounddevice

        return sounddevice
    import ctypes.util

    system_find = ctypes.util.find_library

    def find(name: str) -> str | None:
        return str(path) if name == "portaudio" else system_find(name)

    ctypes.util.find_library = find  # sounddevice keeps its own reference at import
    try:
        import sounddevice
    finally:
        ctypes.util.find_library = system_find
    return sounddevice
