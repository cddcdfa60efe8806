"""Chromium's WebRTC receive path as a measured peer: answer an offer, record what it hears.

The speech-quality benchmark needs Chromium to receive the *same* impaired
stream as the phone, through the same relay. JsSIP only signals; what
decides the audio is Chromium's RTCPeerConnection and NetEq, so this peer
drives one directly (``js/rtc_receiver.mjs``, playwright-core) and hands
back what its WebAudio graph took from the remote track, with the wall time
of the first sample. One Chromium serves many calls (``answer`` replaces
the connection).
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import numpy as np

from tests.peers.jssip import CHROMIUM, _check_installed

DRIVER = Path(__file__).resolve().parent / "js" / "rtc_receiver.mjs"


def reachable_ipv4() -> str:
    """An address of this machine Chromium sends from and to: a non-loopback IPv4 if any.

    Chromium (with ``--allow-loopback-in-peer-connection``) offers the
    machine's own addresses when it has some, and its packets from there
    to 127.0.0.1 get no answer; on a loopback-only machine it offers 127.0.0.1.
    """
    import ifaddr  # aioice's own dependency

    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ip.ip.startswith("127."):
                return ip.ip
    return "127.0.0.1"


class ChromiumReceiver:
    def __init__(self) -> None:
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30.0) -> None:
        node = _check_installed()
        self._proc = await asyncio.create_subprocess_exec(
            node,
            str(DRIVER),
            "--chromium",
            str(CHROMIUM),
            cwd=DRIVER.parent,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=64 * 1024 * 1024,
        )
        await asyncio.wait_for(self._reply(), timeout)

    async def _reply(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = await self._proc.stdout.readline()
        if not line:
            raise RuntimeError("Chromium receiver exited")
        reply: dict[str, Any] = json.loads(line)
        if reply.get("ok") is False:
            raise RuntimeError(f"Chromium receiver: {reply.get('error')}")
        return reply

    async def _command(self, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self._proc.stdin.drain()
        return await asyncio.wait_for(self._reply(), timeout)

    async def answer(self, offer: str, send: np.ndarray | None = None, rate: int = 16000) -> str:
        """Chromium's answer; with ``send`` (mono int16 at ``rate``), it also sends that, looped."""
        if send is None:
            return str((await self._command("answer", sdp=offer))["sdp"])
        pcm = base64.b64encode(np.asarray(send, dtype="<i2").tobytes()).decode()
        return str(
            (await self._command("answer", sdp=offer, send={"pcm": pcm, "rate": rate}))["sdp"]
        )

    async def collect(self) -> list[tuple[float, np.ndarray]]:
        """What was heard since ``answer`` (48 kHz mono int16) in blocks, with the epoch
        time (s) of each block's first sample as the callback saw it."""
        reply = await self._command("collect")
        pcm = np.frombuffer(base64.b64decode(reply["pcm"]), dtype=np.int16).copy()
        block = int(reply["block"])
        times = [t / 1000 for t in reply["times"]]
        return [(t, pcm[i * block : (i + 1) * block]) for i, t in enumerate(times)]

    async def close_call(self) -> None:
        await self._command("close")

    async def stop(self) -> None:
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def chromium_microphone(pcm: np.ndarray, rate: int = 48000, processed: bool = True) -> np.ndarray:
    """``pcm`` as Chromium's microphone path delivers it (48 kHz mono int16).

    Chromium captures it as its fake microphone (``js/mic_capture.mjs``)
    with getUserMedia's voice processing on (echo cancellation, noise
    suppression, auto gain — a WebRTC page's defaults) or, with
    ``processed=False``, off. The recording starts when the device opens
    and runs 2.5 s past the material; align it before scoring.
    """
    import subprocess
    import tempfile

    from softphone.media.tracks import write_wav

    node = _check_installed()
    script = DRIVER.parent / "mic_capture.mjs"
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "mic.wav"
        write_wav(wav, np.concatenate([pcm, np.zeros(2 * rate, dtype=np.int16)]), rate)
        seconds = len(pcm) / rate + 2.5
        cmd = [node, str(script), "--wav", str(wav), "--seconds", f"{seconds:.2f}"]
        cmd += ["--chromium", str(CHROMIUM)] + ([] if processed else ["--raw"])
        out = subprocess.run(
            cmd, cwd=script.parent, capture_output=True, text=True, timeout=seconds + 60
        )
    if out.returncode != 0:
        raise RuntimeError(f"mic_capture.mjs failed: {out.stderr[-500:]}")
    reply = json.loads(out.stdout.strip().splitlines()[-1])
    return np.frombuffer(base64.b64decode(reply["pcm"]), dtype=np.int16).copy()
