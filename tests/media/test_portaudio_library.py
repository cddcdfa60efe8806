"""The frozen Linux app loads the PortAudio in its bundle, not the system's.

Each case imports sounddevice in a fresh interpreter (the test process has it
loaded already) and reads which libportaudio file the process mapped.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.fresh_python import report_of

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PortAudio is bundled by hand on Linux only"
)

IMPORT = """
import ctypes.util, json, sys
if sys.argv[1:]:
    sys._MEIPASS = sys.argv[1]  # what PyInstaller's bootloader sets: the bundle's folder
from softphone.media.portaudio_library import import_sounddevice
import_sounddevice()
maps = open("/proc/self/maps").read().splitlines()
print(json.dumps({
    "mapped": sorted({line.split()[-1] for line in maps if "libportaudio" in line}),
    "find_library": ctypes.util.find_library("portaudio"),
}))
"""


def system_portaudio() -> Path:
    mapped = report_of(IMPORT)["mapped"]
    assert len(mapped) == 1, mapped
    return Path(mapped[0])


def test_from_source_sounddevice_loads_the_systems_portaudio() -> None:
    assert system_portaudio().name.startswith("libportaudio.so.2")


def test_the_frozen_app_loads_the_library_in_its_bundle(tmp_path: Path) -> None:
    bundled = tmp_path / "libportaudio.so.2"
    shutil.copyfile(system_portaudio(), bundled)  # any PortAudio: what matters is which file
    report = report_of(IMPORT, str(tmp_path))
    assert report["mapped"] == [str(bundled)]
    # find_library answers for the system again once sounddevice has its library
    assert report["find_library"] != str(bundled)


def test_a_frozen_app_without_the_library_falls_back_to_the_systems(tmp_path: Path) -> None:
    assert report_of(IMPORT, str(tmp_path))["mapped"] == [str(system_portaudio())]
