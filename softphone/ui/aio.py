"""Running coroutines from Qt slots without losing their errors.

``qasync.asyncSlot`` hands an exception to ``sys.excepthook`` and drops a
``CancelledError`` silently; here every outcome other than success is logged
and reported as one sentence (to the window's message banner).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication

from softphone.core.agent_commands import AgentError, CommandFailed, CommandRefused
from softphone.core.sentences import said
from softphone.ui.views import text

log = logging.getLogger(__name__)
T = TypeVar("T")
Report = Callable[[str], None]

_tasks: set[asyncio.Task[Any]] = set()
"""Strong references, so a running slot task is never garbage-collected."""


def sentence(error: BaseException) -> str:
    """What the agent reads when something did not work."""
    if isinstance(error, CommandRefused):
        return QCoreApplication.translate("Errors", "Not now: {reason}").format(
            reason=text.core_sentence(error.reason)
        )
    if isinstance(error, CommandFailed):
        return QCoreApplication.translate("Errors", "That did not work: {reason}").format(
            reason=text.core_sentence(error.reason)
        )
    if isinstance(error, AgentError):
        return text.core_sentence(said(error))
    if isinstance(error, asyncio.CancelledError):
        return QCoreApplication.translate("Errors", "The action was cancelled before it finished.")
    if isinstance(error, TimeoutError):
        return QCoreApplication.translate("Errors", "The action took too long and was given up.")
    return QCoreApplication.translate(
        "Errors", "Something went wrong ({kind}); the details are in the log."
    ).format(kind=type(error).__name__)


async def guarded(coro: Coroutine[Any, Any, T], report: Report, what: str) -> T | None:
    """Await ``coro``; on any failure (even cancellation) log it, report it, return None."""
    try:
        return await coro
    except (CommandRefused, CommandFailed, AgentError) as exc:
        log.info("%s: %s", what, exc)
        report(sentence(exc))
    except asyncio.CancelledError as exc:
        log.warning("%s was cancelled", what)
        report(sentence(exc))
    except Exception as exc:
        log.exception("%s failed", what)
        report(sentence(exc))
    return None


def spawn(coro: Coroutine[Any, Any, T], report: Report, what: str) -> asyncio.Task[T | None]:
    """Run ``coro`` from a slot: a kept task whose failure becomes a sentence."""
    task = asyncio.ensure_future(guarded(coro, report, what))
    _tasks.add(task)

    def done(finished: asyncio.Task[T | None]) -> None:
        _tasks.discard(finished)
        if finished.cancelled():  # cancelled before it started
            report(sentence(asyncio.CancelledError()))

    task.add_done_callback(done)
    return task
