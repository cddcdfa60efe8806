"""Unload the ALSA plugins that PortAudio's device scan loaded and never uses.

PortAudio lists devices by opening every PCM the ALSA configuration
defines. Each open loads that plugin's library and what it links, and ALSA
keeps them all mapped: on a desktop with libasound2-plugins that is the
a52 encoder (the system's FFmpeg libavcodec with x265, aom, rav1e, SVT-AV1,
librsvg…), JACK (with Berkeley DB), speex, OSS, upmix — about 6 MiB PSS of
code and relocations for a scan, in an app whose calls play through one
PulseAudio/PipeWire device. ``snd_config_update_free_global`` (what
PortAudio itself calls on terminate, and what other audio libraries call
after listing devices) drops ALSA's configuration cache and closes those
libraries; the next stream open reads the configuration again and loads
only its own plugin.

Call it only where PortAudio is not using ALSA from another thread: after a
scan, with no stream open, under the PortAudio lock.
"""

from __future__ import annotations

import ctypes
import os
import sys


def release_probed_plugins() -> bool:
    """Free ALSA's configuration cache and its unused plugins; False when ALSA is not loaded."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # only an ALSA that PortAudio already loaded: never load one for this
        asound = ctypes.CDLL("libasound.so.2", mode=os.RTLD_NOLOAD)
    except OSError:
        return False
    asound.snd_config_update_free_global()
    return True
