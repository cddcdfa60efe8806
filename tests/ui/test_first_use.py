"""The desktop app loads its rarely used parts when first used, and they work when reached.

``UI_NOT_LOADED_IN_A_CALL`` lists the app's own modules that an agent's
day may never need; each is imported inside the function that first uses
it. A fresh interpreter runs the app on a fake session from sign-in through
a call and checks that none of them has been imported; then it reaches each
one as the agent would and checks that it works. Add a module here when you
keep another one out (``NOT_LOADED_IN_A_CALL`` in tests/test_imports.py is
the same guard for our dependencies' modules).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.fresh_python import report_of

UI_NOT_LOADED_IN_A_CALL = (
    "softphone.ui.crash_dialog",  # at the first uncaught error (ui/crash.py)
    "softphone.ui.diagnostics",  # likewise, or at "Export diagnostics…" (controllers/shell.py)
    "softphone.ui.history_view",  # when the History tab is first opened (controllers/shell.py)
    "softphone.ui.views.call_code_dialog",  # at the first after-call work (controllers/clerical)
    "softphone.ui.dialogs",
    "softphone.ui.settings.dialog",  # when the settings are first opened (controllers/shell.py)
    "softphone.ui.global_keys",  # when global shortcuts are turned on (controllers/global_keys)
    "softphone.ui.global_keys.base",
    "softphone.ui.global_keys.chord",
)

A_DAY = """
import asyncio, json, sys
import qasync
from PySide6.QtWidgets import QApplication
from softphone.ui.app import SoftphoneApp
from tests.fakes import agent_scenes as scenes
from tests.fakes.agent import FakeAgent
from softphone.core.agent_snapshot import CallType, Direction
from softphone.core.call_records import CallRecord

WATCHED = json.loads(sys.argv[1])
qapp = QApplication(sys.argv[:1])
loop = qasync.QEventLoop(qapp)
asyncio.set_event_loop(loop)
fake = FakeAgent(scenes.signed_out())
fake.records = [
    CallRecord("r", Direction.INBOUND, CallType.INBOUND, scenes.NOW - 60, number="0441234567")
]
report = {}


def loaded():
    return [name for name in WATCHED if name in sys.modules]


async def turns():
    for _ in range(10):
        await asyncio.sleep(0)


async def day():
    app = SoftphoneApp(fake, qapp, clock=lambda: scenes.NOW)
    app.start()
    for scene in (scenes.idle, scenes.ringing, scenes.in_call, scenes.on_hold, scenes.in_call):
        fake.publish(scene())
        await turns()
    report["in a call"] = loaded()
    window = app.window
    fake.publish(scenes.clerical())  # after-call work opens the call-code dialog
    await turns()
    dialog = app.controller.clerical.dialog
    report["call codes"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    window.tabs.setCurrentIndex(app.shell.history_tab)  # the agent opens History
    for _ in range(50):
        await turns()
        if app.shell.history.model.rowCount():
            break
    history = app.shell.history
    report["history"] = history.model.item(0, history.NUMBER).text()
    report["history shown"] = history.isVisibleTo(window)
    app.crash.report(RuntimeError("boom"))  # an uncaught error shows the crash dialog
    report["crash dialog"] = app.crash.dialog is not None and app.crash.dialog.isVisible()
    app.shell.settings.set("global_shortcuts/enabled", True)  # the agent turns them on
    app.shell.apply_shortcuts()
    report["global keys"] = app.shell.global_keys.problems()
    report["at the end"] = loaded()
    app.shell.stop()
    window.allow_close = True
    window.close()
    app.controller.timer.stop()


loop.run_until_complete(asyncio.wait_for(day(), 60))
print(json.dumps(report))
"""


def test_a_call_loads_none_of_the_rare_parts_and_each_works_when_reached(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    report = report_of(A_DAY, json.dumps(UI_NOT_LOADED_IN_A_CALL), env=env, timeout=180)
    assert report["in a call"] == []
    assert report["call codes"]  # the dialog lists the platform's codes
    assert report["history"] == "0441234567" and report["history shown"]
    assert report["crash dialog"]
    assert report["global keys"] == [
        "Global shortcuts are not available on this display (offscreen)."
    ]
    assert set(report["at the end"]) == set(UI_NOT_LOADED_IN_A_CALL) - {
        "softphone.ui.settings.dialog"  # reached through the shell in tests/ui/test_settings.py
    }
