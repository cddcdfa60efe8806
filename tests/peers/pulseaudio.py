"""A private PulseAudio server with a null sink: a paced sound card for tests.

Why: the test machines have no sound card. PortAudio's ALSA null device opens
but runs its callbacks as fast as the CPU allows, which makes any timing or
audio-path test meaningless. A PulseAudio null sink is clocked in real time,
and its monitor source plays back whatever was sent to the sink, so a test
can play a tone through our audio code and record it back.

The server gets its own runtime dir (XDG_RUNTIME_DIR) so parallel helpers and
a developer's desktop session never see it. `env` holds what a process needs
to use it:

- ``PULSE_SERVER``            the server's unix socket
- ``PULSE_SINK`` / ``PULSE_SOURCE``  the null sink and its monitor
- ``ALSA_CONFIG_PATH``        the system ALSA config plus ours, which makes
  ALSA's ``default`` and ``pulse`` devices go to this server; PortAudio (and
  so ``sounddevice``) then lists a ``pulse`` and a ``default`` device.

A subprocess gets it with ``env={**os.environ, **pulse.env}``; the test
process itself with ``with pulse.activated(): ...`` (see `activated`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from tests.peers.errors import PeerError, PeerUnavailable, require_binary
from tests.peers.ports import wait_until

SINK = "nullsink"
START_TIMEOUT_S = 10.0
SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
ALSA_PULSE_PLUGIN_GLOBS = ("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so",)

ASOUNDRC = """\
# Written by tests/peers/pulseaudio.py: ALSA's default device is PulseAudio.
pcm.!default { type pulse }
ctl.!default { type pulse }
pcm.!pulse { type pulse }
ctl.!pulse { type pulse }
"""


def _require_alsa_pulse_plugin() -> None:
    import glob

    if not any(glob.glob(g) for g in ALSA_PULSE_PLUGIN_GLOBS):
        raise PeerUnavailable(
            "ALSA's PulseAudio plugin is missing; install the Debian package 'libasound2-plugins'"
        )


class PulseAudio:
    """``pulseaudio`` with one null sink, private to this test run."""

    sink = SINK
    monitor = f"{SINK}.monitor"

    def __init__(self, workdir: Path | None = None) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="pulse-"))
        self.runtime_dir = self.workdir / "runtime"
        self.socket_path = self.runtime_dir / "pulse" / "native"
        self.log_path = self.workdir / "pulseaudio.log"
        self.asoundrc = self.workdir / "asoundrc"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that point PulseAudio and ALSA clients here."""
        return {
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "PULSE_RUNTIME_PATH": str(self.runtime_dir / "pulse"),
            "PULSE_SERVER": f"unix:{self.socket_path}",
            "PULSE_SINK": self.sink,
            "PULSE_SOURCE": self.monitor,
            "ALSA_CONFIG_PATH": f"{SYSTEM_ALSA_CONF}:{self.asoundrc}",
        }

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        binary = require_binary("pulseaudio", "pulseaudio")
        require_binary("pactl", "pulseaudio-utils")
        _require_alsa_pulse_plugin()
        if not SYSTEM_ALSA_CONF.exists():
            raise PeerUnavailable(f"{SYSTEM_ALSA_CONF} missing; install 'libasound2-data'")
        self.runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        config_home = self.workdir / "config"
        config_home.mkdir(exist_ok=True)
        self.asoundrc.write_text(ASOUNDRC)
        cmd = [
            binary, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
            "--log-target=stderr",
            "-L", "module-native-protocol-unix auth-anonymous=1",
            "-L", f"module-null-sink sink_name={self.sink} rate=48000 channels=2",
            "-L", "module-always-sink",
        ]  # fmt: skip
        env = {
            **os.environ,
            **self.env,
            "HOME": str(self.workdir),  # its cookie and state stay in our dir
            "XDG_CONFIG_HOME": str(config_home),
        }
        log = self.log_path.open("ab")
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                start_new_session=True,
            )  # fmt: skip
        finally:
            log.close()
        if not wait_until(self._answers, START_TIMEOUT_S, interval=0.05):
            tail = self.log_text()[-3000:]
            self.stop()
            raise PeerError(f"PulseAudio did not come up within {START_TIMEOUT_S} s:\n{tail}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def pactl(self, *args: str) -> str:
        """Run ``pactl`` against this server and return its output."""
        result = subprocess.run(
            ["pactl", *args], capture_output=True, text=True, timeout=10,
            env={**os.environ, **self.env}, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise PeerError(f"pactl {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    @contextlib.contextmanager
    def activated(self) -> Iterator[ModuleType]:
        """Point this process's `sounddevice` at the server; yields the module.

        Sets `env` in ``os.environ`` and re-initialises PortAudio, which reads
        the device list only at initialisation; both are undone on exit.
        Not thread-safe: nothing else in the process may use PortAudio meanwhile.
        """
        import sounddevice

        saved = {key: os.environ.get(key) for key in self.env}
        os.environ.update(self.env)
        _reinit_portaudio(sounddevice)
        try:
            yield sounddevice
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            _reinit_portaudio(sounddevice)

    def _answers(self) -> bool:
        if self._proc is None or self._proc.poll() is not None:
            raise PeerError(f"PulseAudio exited at start:\n{self.log_text()[-3000:]}")
        if not self.socket_path.exists():
            return False
        try:
            return self.sink in self.pactl("list", "short", "sinks")
        except PeerError:
            return False

    def __enter__(self) -> PulseAudio:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _reinit_portaudio(sounddevice: ModuleType) -> None:
    # sounddevice exposes no public re-scan; these two are its own init/exit.
    sounddevice._terminate()
    sounddevice._initialize()
