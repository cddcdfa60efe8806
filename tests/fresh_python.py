"""Run a snippet in a fresh interpreter and read its report.

What a module imports can only be seen in a process that has not imported
it yet, and the test process has imported almost everything. The snippet
prints its findings as one JSON line last; anything it printed before is
ignored.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def report_of(
    code: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    wrap: Callable[[Sequence[str]], list[str]] = list,
) -> Any:
    """The last stdout line of ``python -c code args…``, run from the repository root, as JSON.

    ``wrap``: the command line it runs in (e.g. ``keyring_session.in_keyring_session``).
    """
    done = subprocess.run(
        wrap([sys.executable, "-c", code, *args]),
        cwd=ROOT,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
