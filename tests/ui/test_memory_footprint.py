"""What the app does to stay small: no module sources kept, threads started on demand.

Figures are in bench/app_footprint.py (``--breakdown``); these check the
mechanisms, which either work or do not.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import PySide6.QtCore
from PySide6.QtWidgets import QApplication

import softphone.ui.app
from softphone.ui.app import new_loop
from softphone.ui.pyside_sources import mentions_pyside

ROOT = Path(__file__).resolve().parents[2]

CACHED_AFTER_IMPORT = """
import json, linecache, sys
if sys.argv[1] == "app":
    import softphone.ui
else:
    import PySide6.QtCore
import colorsys, json.tool  # modules nothing imported before
print(json.dumps(sorted(name for name in linecache.cache if "colorsys" in name)))
"""


def _cached(mode: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CACHED_AFTER_IMPORT, mode],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_modules_imported_after_the_ui_leave_no_source_in_memory() -> None:
    assert _cached("pyside") != []  # PySide6 alone keeps the source of what is imported next
    assert _cached("app") == []


def test_the_check_answers_as_pyside_does() -> None:
    assert mentions_pyside(softphone.ui.app)  # imports PySide6
    assert not mentions_pyside(json)  # plain Python
    assert not mentions_pyside(PySide6.QtCore)  # compiled: no source to read
    assert not mentions_pyside(sys)  # built in: no file


def test_the_loop_starts_executor_threads_only_for_work(qapp: QApplication) -> None:
    loop = new_loop(qapp)
    asyncio.set_event_loop(loop)  # qasync wraps the executor's future for the current loop
    try:
        before = {thread.name for thread in threading.enumerate()}
        name = loop.run_until_complete(
            loop.run_in_executor(None, lambda: threading.current_thread().name)
        )
        started = {thread.name for thread in threading.enumerate()} - before
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert name == "softphone-io_0"
    assert started == {"softphone-io_0"}  # one thread for one job, not a pool of ten
