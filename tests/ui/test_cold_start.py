"""Cold start: nothing on the way to the first window loads the media stack.

aiortc, av, numpy and sounddevice cost seconds on an agent's PC; they load
after the window has painted (``DeferredSession``). Measured end to end by
bench/app_footprint.py; this guards the imports that decide it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("aiortc", "av", "numpy", "sounddevice", "aiohttp", "socketio")

PATH_TO_FIRST_WINDOW = """
import json, os, sys
from softphone import cli
from softphone.cli import desktop
args = cli.build_parser().parse_args(["--login", "olena"])
launch = desktop.prepare(os.environ, preferences={}, args=args)
import softphone.ui.app
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)))
"""


def test_the_path_to_the_first_window_imports_no_media_stack(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('mediatel_url = "https://hes.example.com"\n', encoding="utf-8")
    env = {
        **os.environ,
        "SOFTPHONE_PROFILE": str(profile),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    code = f"HEAVY = {HEAVY!r}\n{PATH_TO_FIRST_WINDOW}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
