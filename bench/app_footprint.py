"""How quick and how light is the desktop app, next to a bare Qt window?

Runs, in one go on this machine:

  (ref) a bare PySide6 window (one label) — the floor any Qt app pays;
  (app) the real ``softphone`` app (``run_app``: logging, translators, the
        window, the real ``AgentSession``), offscreen, signing in from its
        profile against the Mediatel simulator with its SIP server, audio on
        a PulseAudio null sink.

and prints: process start → usable window (target ≤ 1.0 s), start → signed
in and available, PSS of the process signed in and idle and during a call
(target ≤ 150 MiB; a Chromium tab with JsSIP measures 300–400 MiB here),
CPU while idle and signed in (target ≤ 0.5 % of a core) and during a call.

    python3 bench/app_footprint.py [--idle 10] [--call 10] [--calls 3] [--breakdown 12]
                                   [--optimize 2] [--portaudio bundle]

The app runs at Python's optimize level 2 as the bundle does (no
docstrings, and bytecode without column positions); ``--optimize 0`` measures
it as a source checkout runs. Its PortAudio is the bundle's too, built for
ALSA only (``scripts/build_portaudio.sh``, run first: it downloads and builds
once, then reuses ``build/portaudio/``, so later runs need no network), which
both processes get first on ``LD_LIBRARY_PATH``; ``--portaudio system``
measures the system's (Debian's links JACK and Berkeley DB). The output names
the PortAudio file the app loaded. Beside
PSS it prints RSS: PSS shares a library's pages among every process mapping
it, so it falls while other programs load the same Qt and rises on a quiet
machine; RSS (= PSS with nothing else sharing) is the same under any load,
which makes it the figure to compare before and after a change. Neither is
what an agent's PC pays, where the bundle's own libraries are mapped by the
app alone and the system's are shared with the desktop: "PSS on an agent's
PC" counts exactly that (``memory_map.agent_pss_kib``) and is the figure to
decide by; its "unshared part" (anonymous memory and the bundle's files,
``memory_map.own_kib``) does not move with this machine's load, so it is the
one to compare before and after a change.

``--calls N`` makes N calls back to back and prints PSS during and after
each (a leak per call matters more than the baseline for an app open all
day); ``--breakdown N`` prints the top N mappings (``memory_map.py``:
libraries, malloc arenas, thread stacks, the rest of the heap) with the
threads by name when idle and after every call.

Needs what the test suite needs (scripts/install-deps.sh). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import memory_map

KEYRING_CHOICE = ("PYTHON_KEYRING_BACKEND", "KEYRING_PROPERTY_", "DBUS_SESSION_BUS_ADDRESS")
"""The caller's keyring settings: the app picks its store as on an agent's desktop."""

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.peers.keyring_session import in_keyring_session, keyring_home  # noqa: E402

CUSTOMER = "0661234567"
REFERENCE = """
import json, sys, time
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel("hello")
label.resize(440, 720)
label.show()
app.processEvents()
print(json.dumps({"mark": "window", "t": time.time()}), flush=True)
for line in sys.stdin:
    break
"""


WARM_UP = """
import PySide6.QtWidgets, keyring, secretstorage, aioice.ice
import softphone.ui.app, softphone.cli.desktop, softphone.core.agent_factory
"""


# --------------------------------------------------------------------- the child
def child() -> int:
    """The app as ``softphone`` runs it, reporting milestones as JSON lines on stdout."""
    from PySide6.QtCore import QTimer

    import softphone.ui.app as app_module
    from softphone.cli import desktop
    from softphone.core.agent_snapshot import CallPhase, SignIn
    from softphone.net.mediatel import State

    def mark(name: str) -> None:
        # the pid: the measured process is this one, not the keyring session that started it
        print(json.dumps({"mark": name, "t": time.time(), "pid": os.getpid()}), flush=True)

    launch = desktop.prepare(os.environ)
    original_start = app_module.SoftphoneApp.start

    def start(self: Any, *args: Any, **kwargs: Any) -> None:
        original_start(self, *args, **kwargs)
        # The window is usable once Qt has handled the show and paint events that
        # are queued now: a zero timer fires after them (no processEvents() inside
        # a task, which would re-enter the asyncio loop).
        QTimer.singleShot(0, lambda: (mark("window"), loopback_candidates()))
        loop = asyncio.get_running_loop()
        commands: asyncio.Queue[str] = asyncio.Queue()

        def read_stdin() -> None:
            for line in sys.stdin:
                loop.call_soon_threadsafe(commands.put_nowait, line.strip())
            loop.call_soon_threadsafe(commands.put_nowait, "quit")

        threading.Thread(target=read_stdin, daemon=True).start()

        async def until(predicate: Any) -> None:
            changed = asyncio.Event()
            unsubscribe = self.session.subscribe(lambda _s: changed.set())
            try:
                while not predicate(self.session.snapshot):
                    changed.clear()
                    await changed.wait()
            finally:
                unsubscribe()

        async def script() -> None:
            await until(lambda s: s.sign_in is SignIn.SIGNED_IN and s.state is State.IDLE)
            mark("signed_in")
            while (command := await commands.get()) != "quit":
                if command == "dial":
                    self.window.dialer.number.setText(CUSTOMER)
                    self.window.dialer.call.click()
                    await until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
                    mark("talking")
                elif command == "hangup":
                    self.window.call_panel.hangup.click()
                    await until(lambda s: s.call is None or s.call.phase is CallPhase.ENDED)
                    mark("ended")
                    # after-call work: the first call code, as the agent would pick one
                    await until(lambda s: s.clerical is not None or s.state is State.IDLE)
                    if (clerical := self.session.snapshot.clerical) is not None:
                        await self.session.set_call_code(clerical.call_codes[0].id)
                    await until(lambda s: s.state is State.IDLE and s.clerical is None)
                    mark("available")
                elif command == "python":
                    python_report()
                elif command == "trim":
                    from softphone.memory import release_free_memory

                    release_free_memory()
                    mark("trimmed")
            self.request_quit()

        self.bench_script = asyncio.ensure_future(script())

    app_module.SoftphoneApp.start = start  # type: ignore[method-assign]
    api = replace(launch.api, port=0) if launch.api is not None else None  # any free port
    return app_module.run_app(
        launch.make_session, sign_in_defaults=launch.defaults, api=api, preload=desktop.PRELOAD
    )


def loopback_candidates() -> None:
    """The call's ICE on this loopback-only machine (``softphone.sim.loopback_ice``).

    Applied here, after the window, rather than by the tests' sitecustomize:
    that one imports aioice as Python starts, 1.5 s here that the product
    never pays, and it would count in every start-up figure.
    """
    import softphone.media  # noqa: F401  (first, as the app imports aiortc's stack)

    # isort: split
    import aioice.ice

    from softphone.sim.loopback_ice import loopback_host_addresses

    aioice.ice.get_host_addresses = loopback_host_addresses


def python_report() -> None:
    """Python's own share: live blocks, and with tracemalloc on, the top allocation sites."""
    import gc
    import linecache
    import tracemalloc

    gc.collect()
    lines = [
        f"python: {sys.getallocatedblocks()} allocated blocks, {len(sys.modules)} modules, "
        f"{len(linecache.cache)} files in linecache "
        f"({sum(len(line) for entry in linecache.cache.values() for line in entry[2]) / 2**20:.1f}"
        " MiB of text)",
        "python threads: " + ", ".join(sorted(t.name for t in threading.enumerate())),
    ]
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        lines.append(f"tracemalloc: {current / 2**20:.1f} MiB now, {peak / 2**20:.1f} MiB peak")
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        by_package: dict[str, int] = {}
        for stat in snapshot.statistics("filename"):
            where = _package(stat.traceback[0].filename)
            by_package[where] = by_package.get(where, 0) + stat.size
        for where, size in sorted(by_package.items(), key=lambda item: -item[1])[:15]:
            lines.append(f"  {size / 2**20:6.2f} MiB  {where}")
    if folder := os.environ.get("FOOTPRINT_MODULES"):  # to diff what each stage imported
        report = Path(folder) / f"modules-{len(list(Path(folder).glob('modules-*')))}.txt"
        report.write_text("\n".join(sorted(sys.modules)) + "\n", encoding="utf-8")
    print(json.dumps({"mark": "python", "t": time.time(), "lines": lines}), flush=True)


def _package(filename: str) -> str:
    """Where a traced allocation was made: a library, a softphone layer, or a stdlib file."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/softphone/" in filename:
        return "softphone." + filename.rsplit("/softphone/", 1)[1].split("/", 1)[0]
    return filename.rsplit("/", 1)[-1] if "/lib/python" in filename else filename


# -------------------------------------------------------------------- the parent
def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_mib(pid: int, field: str = "Pss") -> float:
    """``Pss``, or another line of ``smaps_rollup``.

    ``Pss`` splits each shared page among the processes that map it, so it
    falls when other programs (other engineers' test runs here) load the same
    Qt libraries and rises on a quiet machine. ``Rss`` counts every page the
    process maps in full: what its PSS would be with nothing else sharing
    them, the same under any load, so before/after comparisons use it.
    ``Pss_Anon`` is the process's own memory (heap, objects, stacks)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def agent_mib(pid: int) -> float:
    """PSS as on an agent's PC: the app's own files at RSS, the system's at PSS."""
    return memory_map.agent_pss_kib(memory_map.read_smaps(pid)) / 1024


def own_mib(pid: int) -> float:
    """Of ``agent_mib``, the part no other process shares (``memory_map.own_kib``)."""
    return memory_map.own_kib(memory_map.read_smaps(pid)) / 1024


class Child:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.time()
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if os.environ.get("FOOTPRINT_DEBUG") else subprocess.DEVNULL,
            text=True,
        )
        self.marks: dict[str, float] = {}
        self.pid = self.proc.pid  # until the child names itself (it may run under a wrapper)
        self.call_anon = 0.0
        self.after_anon: list[float] = []
        self.call_rss: list[float] = []
        self.after_rss: list[float] = []
        self.call_agent: list[float] = []
        self.after_agent: list[float] = []
        self.call_own: list[float] = []

    def wait_mark(self, name: str, timeout: float = 60.0) -> float:
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while name not in self.marks:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"no {name!r} from the child (exit {self.proc.poll()})")
            line = self.proc.stdout.readline()
            with contextlib.suppress(ValueError):
                message = json.loads(line)
                self.marks[message["mark"]] = message["t"]
                self.pid = message.get("pid", self.pid)
                for text in message.get("lines", ()):
                    print(text)
        return self.marks[name] - self.started

    def call(self, seconds: float, during: Any = None) -> tuple[float, float, float, float]:
        """One call: dial → talking time, CPU and PSS during it, PSS once it ended."""
        for name in ("talking", "ended", "available"):
            self.marks.pop(name, None)
        self.send("dial")
        dial_sent = time.time()
        self.wait_mark("talking")
        talking_after = self.marks["talking"] - dial_sent
        call_cpu = self.cpu_percent(seconds)
        call_pss = pss_mib(self.pid)
        self.call_rss.append(pss_mib(self.pid, "Rss"))
        self.call_agent.append(agent_mib(self.pid))
        self.call_own.append(own_mib(self.pid))
        self.call_anon = pss_mib(self.pid, "Pss_Anon")
        if during is not None:
            during()
        self.send("hangup")
        self.wait_mark("available")
        time.sleep(1.0)  # the call's last tasks and threads wind down
        self.after_anon.append(pss_mib(self.pid, "Pss_Anon"))
        self.after_rss.append(pss_mib(self.pid, "Rss"))
        self.after_agent.append(agent_mib(self.pid))
        return talking_after, call_cpu, call_pss, pss_mib(self.pid)

    def breakdown(self, title: str, args: argparse.Namespace) -> None:
        if not args.breakdown:
            return
        print(f"--- {title}")
        print(memory_map.report(self.pid, args.breakdown))
        self.marks.pop("python", None)
        self.send("python")
        self.wait_mark("python")

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def cpu_percent(self, seconds: float) -> float:
        before, started = cpu_seconds(self.pid), time.monotonic()
        time.sleep(seconds)
        return 100 * (cpu_seconds(self.pid) - before) / (time.monotonic() - started)

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.send("quit")
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            if self.pid != self.proc.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            self.proc.kill()
            self.proc.wait()


def remember_password(env: dict[str, str]) -> None:
    """The agent ticked "remember": the passwords are in the desktop's keyring.

    An agent's Linux desktop has a Secret Service; the app runs in a real one
    (gnome-keyring in a private D-Bus session, as the tests run it) and reads
    them from there at start, so the figures include the secret store it
    really loads. Stored here by the app's own code, in an earlier session
    (no ``assert``: the bench runs Python with -OO).
    """
    code = (
        "from softphone.core.secrets import Secrets, store_secrets\n"
        "if not store_secrets('demo', Secrets(password='demo', sip_password='1001')):\n"
        "    raise SystemExit('the keyring did not take the passwords')"
    )
    subprocess.run(in_keyring_session([sys.executable, "-c", code]), env=env, cwd=ROOT, check=True)


def profile(workdir: Path, mediatel_url: str, sip_ws: str) -> Path:
    path = workdir / "profile.toml"
    path.write_text(
        f'mediatel_url = "{mediatel_url}"\nsip_ws = ["{sip_ws}"]\ninsecure = true\n'
        f'login = "demo"\nextension = "1001"\nsip_user = "1001"\n'
        f'data_dir = "{workdir / "data"}"\n',
        encoding="utf-8",
    )
    return path


async def start_sim(workdir: Path) -> Any:
    from tests.peers.mediatel_sip import start_sip_sim

    return await start_sip_sim(workdir)


PORTAUDIO = ROOT / "build" / "portaudio"


def portaudio_env(choice: str) -> dict[str, str]:
    """``LD_LIBRARY_PATH`` to the bundle's PortAudio (built if need be); none for the system."""
    if choice == "system":
        return {}
    build = [str(ROOT / "scripts" / "build_portaudio.sh"), str(PORTAUDIO)]
    if subprocess.run(["bash", *build], stdout=subprocess.DEVNULL, check=False).returncode:
        raise SystemExit("cannot build the bundle's PortAudio (above); --portaudio system skips it")
    paths = [str(PORTAUDIO), *filter(None, [os.environ.get("LD_LIBRARY_PATH")])]
    return {"LD_LIBRARY_PATH": os.pathsep.join(paths)}


def main(args: argparse.Namespace) -> None:
    from tests.peers.pulseaudio import PulseAudio

    library_env = portaudio_env(args.portaudio)

    workdir = Path(tempfile.mkdtemp(prefix="softphone-footprint-"))
    pulse = PulseAudio(workdir / "pulse")
    pulse.start()
    from tests.peers.loopback_ice import loopback_ice

    loopback = loopback_ice()
    loopback.__enter__()  # the simulator's customer side, in this process
    loop = asyncio.new_event_loop()
    harness = loop.run_until_complete(start_sim(workdir))
    # the simulator runs on this thread's loop while the children are measured
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    from tests.peers.subprocess_env import softphone_env

    base_env = softphone_env(loopback_ice=False)  # the child patches ICE after its window
    base_env.update(pulse.env)
    base_env["QT_QPA_PLATFORM"] = "offscreen"
    base_env.update(library_env)  # both processes, as the bundle's bootloader does
    # An installed app and its libraries have their bytecode compiled (pip does it);
    # this checkout may run with PYTHONDONTWRITEBYTECODE and some libraries ship
    # without .pyc, which would add compiling them to every start. One import of
    # what the app loads fills the run's own bytecode folder first.
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    if args.optimize:  # both processes: the bundle runs the reference's Qt that way too
        base_env["PYTHONOPTIMIZE"] = str(args.optimize)
        # and its bytecode has no column positions (scripts/build_bundle.sh): the
        # warm-up below compiles this run's bytecode folder the same way
        base_env["PYTHONNODEBUGRANGES"] = "1"
    subprocess.run([sys.executable, "-c", WARM_UP], env=base_env, cwd=ROOT, check=True)
    try:
        ref = Child([sys.executable, "-c", REFERENCE], base_env)
        ref_start = ref.wait_mark("window")
        ref_pss = pss_mib(ref.pid)
        ref_anon = pss_mib(ref.pid, "Pss_Anon")
        ref_rss = pss_mib(ref.pid, "Rss")
        ref_agent = agent_mib(ref.pid)
        ref_own = own_mib(ref.pid)
        ref_cpu = ref.cpu_percent(args.idle)
        ref.stop()

        env = {
            **{k: v for k, v in base_env.items() if not k.startswith(KEYRING_CHOICE)},
            **keyring_home(workdir),  # the keyring's files, and every user folder, in workdir
            "SOFTPHONE_PROFILE": str(profile(workdir, harness.sim.url, harness.ws_url)),
            "XDG_STATE_HOME": str(workdir / "state"),
        }
        remember_password(env)
        wrap = os.environ["FOOTPRINT_WRAP"].split() if os.environ.get("FOOTPRINT_WRAP") else []
        argv = [*wrap, sys.executable, str(Path(__file__).resolve()), "--child"]
        app = Child(in_keyring_session(argv), env)
        try:
            app_window = app.wait_mark("window")
            app_signed_in = app.wait_mark("signed_in")
            time.sleep(1.0)  # let sign-in's last work settle before measuring idle
            idle_pss = pss_mib(app.pid)
            idle_anon = pss_mib(app.pid, "Pss_Anon")
            idle_rss = pss_mib(app.pid, "Rss")
            idle_agent = agent_mib(app.pid)
            idle_own = own_mib(app.pid)
            idle_cpu = app.cpu_percent(args.idle)
            app.breakdown("signed in, idle", args)
            calls = []
            for number in range(args.calls):
                title = f"in call {number + 1}"
                calls.append(app.call(args.call, lambda t=title: app.breakdown(t, args)))
                app.breakdown(f"after call {number + 1}", args)
            talking_after, call_cpu, call_pss, _ = calls[0]
            call_anon = app.call_anon  # the last call's
            after_anon = app.after_anon
            app.send("trim")
            app.wait_mark("trimmed")
            trimmed_pss = pss_mib(app.pid)
            trimmed_rss = pss_mib(app.pid, "Rss")
            trimmed_agent = agent_mib(app.pid)
            maps = memory_map.read_smaps(app.pid)
            portaudio = sorted({m.path for m in maps if "/libportaudio" in m.path})
        finally:
            app.stop()
    finally:
        asyncio.run_coroutine_threadsafe(harness.aclose(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        runner.join(10)
        loopback.__exit__(None, None, None)
        pulse.close()

    print(f"PortAudio ({args.portaudio}): {', '.join(portaudio) or 'not loaded'}")
    print(f"{'':34}{'app':>12}{'bare Qt window':>18}")
    print(f"{'start → usable window (s)':34}{app_window:>12.2f}{ref_start:>18.2f}")
    print(f"{'start → signed in, available (s)':34}{app_signed_in:>12.2f}{'—':>18}")
    print(f"{'dial → talking (s)':34}{talking_after:>12.2f}{'—':>18}")
    print(f"{'PSS signed in, idle (MiB)':34}{idle_pss:>12.1f}{ref_pss:>18.1f}")
    print(f"{'PSS during a call (MiB)':34}{call_pss:>12.1f}{'—':>18}")
    print(f"{'RSS (= PSS if alone), idle (MiB)':34}{idle_rss:>12.1f}{ref_rss:>18.1f}")
    print(f"{'RSS during a call (MiB)':34}{app.call_rss[0]:>12.1f}{'—':>18}")
    agent_idle, agent_call = "PSS on an agent's PC, idle (MiB)", "PSS on an agent's PC, in a call"
    print(f"{agent_idle:34}{idle_agent:>12.1f}{ref_agent:>18.1f}")
    print(f"{agent_call:34}{app.call_agent[0]:>12.1f}{'—':>18}")
    print(f"{'  unshared part, idle (MiB)':34}{idle_own:>12.1f}{ref_own:>18.1f}")
    print(f"{'  unshared part, in a call':34}{app.call_own[0]:>12.1f}{'—':>18}")
    print(f"{'  anonymous, idle (MiB)':34}{idle_anon:>12.1f}{ref_anon:>18.1f}")
    print(f"{'  anonymous, in the last call':34}{call_anon:>12.1f}{'—':>18}")
    idle_label = f"CPU idle, {args.idle:.0f} s (% of a core)"
    call_label = f"CPU in a call, {args.call:.0f} s (% core)"
    print(f"{idle_label:34}{idle_cpu:>12.2f}{ref_cpu:>18.2f}")
    print(f"{call_label:34}{call_cpu:>12.2f}{'—':>18}")
    per_call = zip(
        calls, after_anon, app.call_rss, app.after_rss, app.call_agent, app.after_agent, strict=True
    )
    for number, ((_, _, during, after), anon, rss_in, rss_out, agent_in, agent_out) in enumerate(
        per_call, 1
    ):
        label = f"call {number}: PSS / RSS / agent's PC"
        print(
            f"{label:34}during {during:.1f} / {rss_in:.1f} / {agent_in:.1f}, "
            f"after {after:.1f} / {rss_out:.1f} / {agent_out:.1f}  (anonymous after: {anon:.1f})"
        )
    print(
        f"{'after malloc_trim: PSS/RSS/agent':34}"
        f"{trimmed_pss:>8.1f} / {trimmed_rss:.1f} / {trimmed_agent:.1f}"
    )


if __name__ == "__main__":
    if os.environ.get("FOOTPRINT_DEBUG"):
        import faulthandler

        faulthandler.dump_traceback_later(float(os.environ["FOOTPRINT_DEBUG"]), exit=True)
    if "--child" in sys.argv:
        from softphone.memory import limit_process_memory

        limit_process_memory()  # as ``softphone.cli.main`` does first
        if os.environ.get("FOOTPRINT_TRACEMALLOC"):
            import tracemalloc

            tracemalloc.start()
        raise SystemExit(child())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU sampling")
    parser.add_argument("--call", type=float, default=10.0, help="seconds of in-call sampling")
    parser.add_argument("--calls", type=int, default=1, help="calls back to back (PSS after each)")
    parser.add_argument(
        "--breakdown",
        type=int,
        default=0,
        metavar="N",
        help="print the top N mappings (bench/memory_map.py) and Python's share when idle and "
        "after each call; FOOTPRINT_TRACEMALLOC=1 adds tracemalloc's top files",
    )
    parser.add_argument(
        "--optimize",
        type=int,
        default=2,
        choices=(0, 1, 2),
        help="Python's optimization level for the measured processes (PYTHONOPTIMIZE): "
        "2 as the bundle runs (OPTIMIZE in packaging/softphone.spec), 0 as a source checkout",
    )
    parser.add_argument(
        "--portaudio",
        default="bundle",
        choices=("bundle", "system"),
        help="the bundle's ALSA-only PortAudio (scripts/build_portaudio.sh) or the system's",
    )
    main(parser.parse_args())
