"""Starting and stopping a peer server process (Kamailio, rtpengine) the same way.

Each server runs in its own process group with its output appended to a log
file, so ``terminate`` can signal exactly that server's tree and a failing
test can show the log's tail.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def spawn_logged(cmd: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    """``cmd`` in its own session, stdout and stderr appended to ``log_path``."""
    log = log_path.open("ab")
    try:
        return subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    finally:
        log.close()


def terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL to the process's own group after ``timeout`` s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own group only
        proc.wait(timeout)


def log_tail(log_path: Path, lines: int) -> str:
    """The last ``lines`` lines of a server's log ("" before it wrote any)."""
    try:
        text = log_path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
