"""How long does the softphone take to start, installed bundle next to source install?

Runs ``softphone --version`` and ``softphone --self-test`` N times each, for
the PyInstaller bundle (a folder from ``scripts/build_bundle.sh`` or the
``/opt/softphone`` of an installed .deb) and for the source tree
(``python -m softphone``), interleaved so both see the same machine load,
and prints the median and the spread of the wall-clock times. The first
run of each is reported apart: it is the cold start (files not yet in the
page cache, if nothing read them since they were written).

The self-test runs in a private D-Bus session with an unlocked
gnome-keyring (as the tests run it), for both, so its keyring check passes
and the two measure the same work.

    python bench/startup.py --bundle dist/softphone [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.peers.keyring_session import in_keyring_session, keyring_home  # noqa: E402


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the bundle's folder")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary = args.bundle.resolve() / "softphone"
    if not binary.exists():
        raise SystemExit(f"no softphone executable in {args.bundle}")
    with tempfile.TemporaryDirectory(prefix="softphone-startup-") as folder:
        home = keyring_home(Path(folder))
        frozen_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        frozen_env.update(home)
        source_env = dict(os.environ, PYTHONPATH=str(ROOT), **home)
        subjects = {
            "bundle": ([str(binary)], frozen_env, Path(folder)),
            "source": ([sys.executable, "-m", "softphone"], source_env, ROOT),
        }
        times: dict[tuple[str, str], list[float]] = {}
        for command in ("--version", "--self-test"):
            for _ in range(args.runs):
                for name, (argv, env, cwd) in subjects.items():
                    full = [*argv, command]
                    if command == "--self-test":
                        full = in_keyring_session(full)
                    times.setdefault((command, name), []).append(timed(full, env, cwd))
    print(f"{'command':<12} {'install':<7} {'first':>7} {'median':>7} {'min':>7} {'max':>7}")
    for (command, name), values in times.items():
        print(
            f"{command:<12} {name:<7} {values[0]:7.2f} {statistics.median(values):7.2f} "
            f"{min(values):7.2f} {max(values):7.2f}"
        )
    print(f"seconds, {args.runs} runs each, interleaved; bundle {args.bundle}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
