"""Where a process's memory is: ``/proc/PID/smaps`` summed per mapping.

PSS (proportional set size) is what the process costs the machine: its own
pages plus its share of pages other processes map too. Files are grouped by
library (every segment of ``libQt6Gui.so.6`` is one row); anonymous memory,
which smaps does not name, is told apart by shape: glibc's malloc arenas of
secondary threads live in 64 MiB-aligned heaps (the reserved part is
``---p``), a thread's stack is a mapping just above a one-page guard, and
the rest is the main arena's ``[heap]`` and Python's own (obmalloc arenas,
large buffers).

PSS flatters the app on this machine: the bench's own process (the
simulator) and other engineers' test runs map the same aiortc, cryptography,
numpy and libpython pages, so the app is billed a fraction of them. On an
agent's PC nothing else maps the libraries the bundle ships, while the
system's (libc, libstdc++, glib, GL, fontconfig, fonts) are shared with the
desktop. :func:`agent_pss_kib` counts that way: anonymous memory, plus the
full RSS of every file from the app's own Python environment, plus the PSS
of every other file.

    python3 bench/memory_map.py PID [--top 15]
"""

from __future__ import annotations

import argparse
import re
import site
import sys
import sysconfig
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$")
_ARENA = 64 * 1024 * 1024  # glibc HEAP_MAX_SIZE on 64-bit: one arena heap's reservation


@dataclass
class Mapping:
    start: int
    end: int
    perms: str
    path: str
    pss_kib: int = 0
    rss_kib: int = 0
    agent_kib: int = 0  # as on an agent's PC: RSS if the app's own, else PSS
    own: bool = False  # anonymous, or a file of the app's own Python environment

    @property
    def size(self) -> int:
        return self.end - self.start


def read_smaps(pid: int) -> list[Mapping]:
    roots = own_roots()
    mappings: list[Mapping] = []
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if header := _HEADER.match(line):
            start, end, perms, path = header.groups()
            mappings.append(Mapping(int(start, 16), int(end, 16), perms, path.strip()))
        elif line.startswith("Pss:") and mappings:
            mappings[-1].pss_kib = int(line.split()[1])
        elif line.startswith("Rss:") and mappings:
            mappings[-1].rss_kib = int(line.split()[1])
    for mapping in mappings:
        own = not mapping.path.startswith("/") or mapping.path.startswith(roots)
        mapping.own = own or Path(mapping.path).name.startswith("libpython")
        mapping.agent_kib = mapping.rss_kib if mapping.own else mapping.pss_kib
    return mappings


def own_roots() -> tuple[str, ...]:
    """Folders of what the bundle ships: the Python environment (its stdlib,
    site-packages, libpython), not a system prefix such as ``/usr``, whose
    other files are the desktop's."""
    system = ("/usr", "/usr/local", "/")
    roots = {sys.prefix, sys.base_prefix} - set(system)
    roots |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= set(site.getsitepackages()) | {site.getusersitepackages()}
    return tuple(root.rstrip("/") + "/" for root in roots)


def agent_pss_kib(mappings: list[Mapping]) -> int:
    """What the process would cost on an agent's PC (see the module docstring)."""
    return sum(mapping.agent_kib for mapping in mappings)


def own_kib(mappings: list[Mapping]) -> int:
    """The part of :func:`agent_pss_kib` no other program shares: the same under any load.

    The rest, the system libraries' PSS, moves with what else runs (here:
    other engineers' test runs), so before/after comparisons use this part."""
    return sum(mapping.rss_kib for mapping in mappings if mapping.own)


def _library(path: str) -> str:
    """``…/site-packages/av.libs/libx265-abcd.so.215`` → ``av.libs/libx265``."""
    name = Path(path).name
    stem = re.sub(r"(-[0-9a-f]{8})?(\.cpython-[^.]*)?\.so.*$", "", name)
    parent = Path(path).parent.name
    if parent in ("lib", "lib64", "x86_64-linux-gnu", "site-packages", "lib-dynload"):
        return stem if parent != "lib-dynload" else f"python: {stem}"
    return f"{parent}/{stem}"


def _is_arena(mapping: Mapping, following: Mapping | None) -> bool:
    """A secondary malloc arena: an anonymous 64 MiB-aligned heap, rw then ``---p``."""
    if mapping.start % _ARENA or mapping.path:
        return False
    if following is not None and following.start == mapping.end and not following.path:
        return mapping.size + following.size == _ARENA or mapping.size == _ARENA
    return mapping.size == _ARENA


def classify(mappings: list[Mapping], field: str = "pss_kib") -> Counter[str]:
    """PSS (or ``rss_kib``) in KiB per row: libraries by name, anonymous memory by kind."""
    rows: Counter[str] = Counter()
    for index, mapping in enumerate(mappings):
        following = mappings[index + 1] if index + 1 < len(mappings) else None
        previous = mappings[index - 1] if index else None
        if mapping.path.startswith("/"):
            rows[_library(mapping.path)] += getattr(mapping, field)
        elif mapping.path in ("[heap]", "[stack]"):
            rows[f"anon: {mapping.path} (main arena / main thread)"] += getattr(mapping, field)
        elif mapping.path:
            rows[mapping.path] += getattr(mapping, field)
        elif _is_arena(mapping, following):
            rows["anon: malloc arenas of other threads"] += getattr(mapping, field)
        elif (
            previous is not None
            and previous.end == mapping.start
            and previous.perms.startswith("---")
            and previous.size == 4096
        ):
            rows["anon: thread stacks"] += getattr(mapping, field)
        else:
            rows["anon: other (Python objects, mmap'd buffers)"] += getattr(mapping, field)
    return rows


def threads(pid: int) -> Counter[str]:
    """Threads by name (``comm``): each may hold a malloc arena and a stack."""
    names: Counter[str] = Counter()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            names[(task / "comm").read_text().strip()] += 1
        except OSError:
            continue
    return names


def report(pid: int, top: int = 15) -> str:
    mappings = read_smaps(pid)
    rows, rss = classify(mappings), classify(mappings, "rss_kib")
    agent = classify(mappings, "agent_kib")
    total = sum(rows.values())
    lines = [f"  {'MiB':52}{'PSS':>8}{'RSS':>8}{'agent PC':>10}"]
    lines.append(
        f"  {'total':52}{total / 1024:8.1f}{sum(rss.values()) / 1024:8.1f}"
        f"{sum(agent.values()) / 1024:10.1f}"
    )
    lines += [  # by cost on an agent's PC, the figure decisions are made by
        f"  {label[:52]:52}{rows[label] / 1024:8.1f}{rss[label] / 1024:8.1f}{kib / 1024:10.1f}"
        for label, kib in agent.most_common(top)
    ]
    rest = sum(agent.values()) - sum(kib for _, kib in agent.most_common(top))
    lines.append(f"  {f'({len(rows) - top} more rows)':52}{'':16}{rest / 1024:10.1f}")
    named = threads(pid)
    listing = ", ".join(f"{name}×{count}" if count > 1 else name for name, count in named.items())
    lines.append(f"  threads ({sum(named.values())}): {listing}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pid", type=int)
    parser.add_argument("--top", type=int, default=15)
    arguments = parser.parse_args()
    print(report(arguments.pid, arguments.top))
