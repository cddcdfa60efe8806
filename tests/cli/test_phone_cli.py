"""``softphone phone`` as a support engineer or a script uses it: a real
subprocess, JSON lines in and out, against a real Kamailio."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from softphone import __version__
from softphone.media import tones
from softphone.media.tracks import read_wav, write_wav
from tests.peers.kamailio import Kamailio
from tests.peers.subprocess_env import softphone_env

pytestmark = pytest.mark.peers


class CliPhone:
    """One ``softphone phone`` process; its stdout parsed as JSON lines."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.extra_env = env or {}
        self.events: list[dict[str, Any]] = []
        self.stderr = b""
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._new = asyncio.Event()

    async def start(self) -> CliPhone:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "softphone",
            "phone",
            *self.args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=softphone_env(**self.extra_env),
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for raw in self.proc.stdout:
            line = raw.decode().strip()
            if line:
                self.events.append(json.loads(line))  # every line must be JSON
                self._new.set()

    async def send(self, **command: Any) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        await self.proc.stdin.drain()

    async def send_raw(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def wait_for(self, name: str, timeout: float = 15.0, **match: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["event"] == name and all(event.get(k) == v for k, v in match.items()):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name} {match} in {timeout} s: {self.events}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    async def quit(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await self.send(command="quit")
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        assert self.proc.stderr is not None
        self.stderr = await self.proc.stderr.read()
        if self._reader is not None:
            await self._reader
        return code


def account(kamailio: Kamailio, user: str, password: str | None = None) -> list[str]:
    return [
        "--ws",
        kamailio.ws_url,
        "--user",
        user,
        "--realm",
        kamailio.domain,
        "--password",
        password if password is not None else kamailio.password(user),
    ]


def tone_file(path: Path, hz: float) -> str:
    write_wav(path, tones.sine(hz, 2.0, 48000, amplitude=0.3), 48000)
    return str(path)


def test_version_flag() -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "softphone", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=softphone_env(loopback_ice=False),
    )
    assert out.stdout.strip() == f"softphone {__version__}"


async def test_registers_and_quits_cleanly(kamailio: Kamailio) -> None:
    phone = await CliPhone(*account(kamailio, "1003"), "--no-audio-device").start()
    registered = await phone.wait_for("registered")
    assert registered["expires"] > 0 and isinstance(registered["t_ms"], float)
    await phone.send_raw("this is not json")
    error = await phone.wait_for("error")
    assert "bad command line" in error["message"]
    await phone.send(command="hold")
    assert "no call" in (await phone.wait_for("error", command="hold"))["message"]
    assert await phone.quit() == 0
    assert b"Traceback" not in phone.stderr
    assert kamailio.bindings("1003") == []  # unregistered on exit


async def test_wrong_password_reports_registration_failed(kamailio: Kamailio) -> None:
    phone = await CliPhone(*account(kamailio, "1003", "wrong"), "--no-audio-device").start()
    failed = await phone.wait_for("registration_failed")
    assert failed["code"] in (401, 403) and "password" in failed["reason"]
    assert await phone.quit() == 0
    assert b"Traceback" not in phone.stderr


async def test_unreadable_play_file_is_a_clear_error(tmp_path: Path, kamailio: Kamailio) -> None:
    bad = tmp_path / "nope.wav"
    bad.write_bytes(b"not a wav")
    phone = await CliPhone(*account(kamailio, "1003"), "--play", str(bad)).start()
    error = await phone.wait_for("error")
    assert "bad configuration" in error["message"]
    assert await phone.quit() == 2
    assert b"Traceback" not in phone.stderr


async def test_two_cli_phones_call_with_audio_dtmf_hold_hangup(
    tmp_path: Path, kamailio: Kamailio
) -> None:
    b = await CliPhone(
        *account(kamailio, "1002"),
        "--auto-answer",
        "--no-audio-device",
        "--play",
        tone_file(tmp_path / "b.wav", 1000),
        "--record",
        str(tmp_path / "b-heard.wav"),
    ).start()
    await b.wait_for("registered")
    a = await CliPhone(
        *account(kamailio, "1001"),
        "--call",
        "1002",
        "--no-audio-device",
        "--play",
        tone_file(tmp_path / "a.wav", 440),
        "--record",
        str(tmp_path / "a-heard.wav"),
    ).start()
    try:
        incoming = await b.wait_for("incoming_call")
        assert incoming["from"] == "sip:1001@127.0.0.1"
        await a.wait_for("answered", outgoing=True)
        started = await a.wait_for("media_started")
        assert started["codec"] == "opus/48000"
        await b.wait_for("media_started")
        await asyncio.sleep(1.5)  # let audio accumulate in both recordings

        # Call quality for support staff: about 50 packets a second each way,
        # none lost on loopback.
        await a.send(command="stats")
        stats = await a.wait_for("stats")
        assert stats["codec"] == "opus/48000" and stats["call"] == started["call"]
        assert stats["packets_received"] >= 40 and stats["packets_sent"] >= 40
        assert stats["packets_lost"] == 0 and stats["loss_percent"] == 0.0
        assert 0 <= stats["jitter_ms"] < 20
        # what the agent heard: concealment and an estimated MOS (E-model)
        assert stats["concealed_ms"] >= 0 and 3.5 <= stats["mos"] <= 4.5
        report = await a.wait_for("quality")  # every 5 s while the media is up
        assert report["call"] == started["call"] and "mos" in report

        await a.send(command="dtmf", digits="42")
        await b.wait_for("dtmf_received", digit="4")
        await b.wait_for("dtmf_received", digit="2")

        await a.send(command="hold")
        await a.wait_for("held", by="local")
        await b.wait_for("held", by="remote")
        await a.send(command="unhold")
        await b.wait_for("unheld", by="remote")

        await b.send(command="hangup")
        ended = await a.wait_for("call_ended")
        assert (ended["cause"], ended["by"]) == ("hangup", "remote")
        assert ended["quality"]["packets_received"] > stats["packets_received"]
        await b.wait_for("call_ended", by="local")
    finally:
        codes = [await a.quit(), await b.quit()]
    assert codes == [0, 0]
    heard_by_a, rate = read_wav(tmp_path / "a-heard.wav")
    heard_by_b, rate_b = read_wav(tmp_path / "b-heard.wav")
    assert tones.contains_tone(heard_by_a[rate : 2 * rate], 1000, rate)
    assert tones.contains_tone(heard_by_b[rate_b : 2 * rate_b], 440, rate_b)


def machine_has_sound_devices() -> bool:
    import subprocess

    probe = "import sounddevice as sd; print(len(sd.query_devices()))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True,
        env=softphone_env(loopback_ice=False),
    )  # fmt: skip
    return out.returncode == 0 and out.stdout.strip() not in ("", "0")


async def test_missing_sound_card_is_a_clear_error_and_refuses_the_call(
    kamailio: Kamailio,
) -> None:
    # CI machines (and this project's) have no sound card at all; an agent's
    # PC without a headset is the same case.
    if machine_has_sound_devices():
        pytest.skip("this machine has a sound card; the no-device path cannot be shown")
    b = await CliPhone(*account(kamailio, "1002"), "--auto-answer").start()
    await b.wait_for("registered")
    a = await CliPhone(*account(kamailio, "1001"), "--call", "1002", "--no-audio-device").start()
    try:
        error = await b.wait_for("error")
        assert "no audio device" in error["message"].lower()
        ended = await a.wait_for("call_ended")
        assert ended["code"] == 480
        # and the phone without a card still works for what it can do
        await b.send(command="hold")
        assert "no call" in (await b.wait_for("error", command="hold"))["message"]
    finally:
        codes = [await a.quit(), await b.quit()]
    assert codes == [0, 0]
    assert b"Traceback" not in b.stderr
