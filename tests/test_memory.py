"""The process-wide memory settings reach the process before what they govern.

``softphone.cli.main`` applies them first thing; OpenBLAS reads its thread
count only when numpy is imported and glibc caps arenas only for threads that
have not allocated yet, so applied any later they would do nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from softphone.memory import BLAS_THREAD_VARIABLES, MALLOC_ARENAS, limit_process_memory

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc")

THE_COMMAND_THEN_NUMPY = """
import json, os, sys
from softphone import cli
try:
    cli.main(["--version"])
except SystemExit:
    pass
numpy_before = "numpy" in sys.modules
blas = os.environ.get("OPENBLAS_NUM_THREADS")
import numpy
print(json.dumps({"numpy_before": numpy_before, "blas": blas,
                  "threads": len(os.listdir("/proc/self/task"))}))
"""

THREADS_THAT_ALLOCATE = """
import ctypes, sys, threading
from softphone.memory import limit_process_memory
if sys.argv[1] == "limit":
    limit_process_memory()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
together = threading.Barrier(7)
def allocate():
    libc.malloc(4096)  # this thread's first malloc picks (or makes) its arena
    together.wait()  # all alive at once, so none inherits another's arena
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for thread in threads:
    thread.start()
together.wait()
libc.malloc_stats()  # one "Arena N:" block per arena, on stderr
together.wait()
for thread in threads:
    thread.join()
"""


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    env.pop("MALLOC_ARENA_MAX", None)
    return env


@linux_only
def test_the_command_sets_one_blas_thread_before_numpy_loads() -> None:
    done = subprocess.run(
        [sys.executable, "-c", THE_COMMAND_THEN_NUMPY],
        env=_clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"numpy_before": False, "blas": "1", "threads": 1}


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", THREADS_THAT_ALLOCATE, mode],
        env=_clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


@linux_only
def test_threads_share_the_capped_malloc_arenas() -> None:
    assert _arenas("default") == 7  # the main one + one per thread: glibc's default
    assert _arenas("limit") == MALLOC_ARENAS


def test_a_value_the_user_set_is_kept() -> None:
    env = {"OPENBLAS_NUM_THREADS": "4", "MALLOC_ARENA_MAX": "8"}  # (so no mallopt here)
    limit_process_memory(env)
    assert env == {
        "OPENBLAS_NUM_THREADS": "4",
        "MALLOC_ARENA_MAX": "8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
