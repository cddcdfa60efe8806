"""Run one command as a child subreaper and reap everything it leaves behind.

Why: on the test machines PID 1 is not an init, so processes orphaned by a
server that forks workers (Kamailio) are never reaped and linger as zombies
for the rest of the run. This tiny wrapper marks itself a subreaper
(``PR_SET_CHILD_SUBREAPER``), so such orphans become *its* children; it
forwards SIGTERM/SIGINT to the command and waits until every descendant has
exited, then exits with the command's status.

Standard library only and runnable as a plain script (``python3 reaper.py
CMD ARGS...``), so it needs no import path.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from types import FrameType

PR_SET_CHILD_SUBREAPER = 36
# Descendants still alive this long after the command itself exited get SIGKILL.
STRAGGLER_GRACE_S = 5.0


def _set_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reaper: prctl(PR_SET_CHILD_SUBREAPER) failed", file=sys.stderr)


def _exit_code(status: int) -> int:
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return 1


def _kill_children() -> None:
    """SIGKILL our remaining children (as subreaper: all descendants end up so)."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # "pid (comm) state ppid ..." -- comm may hold spaces
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry), signal.SIGKILL)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: reaper.py CMD [ARGS...]", file=sys.stderr)
        return 2
    _set_subreaper()
    child = os.fork()
    if child == 0:
        try:
            os.execvp(argv[0], argv)
        except OSError as exc:
            print(f"reaper: cannot run {argv[0]}: {exc}", file=sys.stderr)
            os._exit(127)

    def forward(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    code: int | None = None
    while code is None:
        pid, status = os.wait()
        if pid == child:
            code = _exit_code(status)

    # The command is gone; its workers may still be shutting down.
    deadline = time.monotonic() + STRAGGLER_GRACE_S
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                _kill_children()
            time.sleep(0.02)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
