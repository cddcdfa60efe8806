"""Dialogs that never block the event loop.

``QDialog.exec()`` runs a nested Qt loop inside an asyncio callback: qasync
then re-enters the asyncio loop from within a task and everything stalls or
raises. So a dialog is opened with ``open()`` and its ``finished`` signal
resolves a future the caller awaits.
"""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtWidgets import QDialog


async def run_dialog(dialog: QDialog) -> int:
    """Open ``dialog`` (window-modal) and wait for its result code without blocking.

    Cancelling the caller closes the dialog (rejected) and re-raises.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await future
    except asyncio.CancelledError:
        if shiboken6.isValid(dialog):
            dialog.reject()
        raise
    finally:
        if shiboken6.isValid(dialog):  # the owner may have deleted it meanwhile
            dialog.finished.disconnect(finished)
