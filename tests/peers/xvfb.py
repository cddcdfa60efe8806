"""An Xvfb server on a free display: a real X display for the window (tests, screenshots).

Used by scripts/screenshots.py and by the demo's window test. Display
numbers :90-:189 are probed for a free one; several engineers' Xvfbs share
the machine, so a lost race is retried.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


def free_display() -> int:
    for number in range(90, 190):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :90 and :189")


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    """An Xvfb server on a free display, stopped on exit."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise SystemExit("Xvfb is not installed (apt-get install xvfb)")
    for _attempt in range(5):
        number = free_display()
        process = subprocess.Popen(
            [binary, f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and process.poll() is None and not socket.exists():
            time.sleep(0.05)
        if socket.exists() and process.poll() is None:
            try:
                yield f":{number}"
            finally:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
            return
        process.kill()
        process.wait()
    raise SystemExit("Xvfb did not start")
