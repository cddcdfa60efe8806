"""JsSIP in headless Chromium as a real WebRTC SIP peer, driven from asyncio.

Why a browser: the contact centre's other phones are WebRTC stacks, and
JsSIP in Chromium is the reference one. It exercises our SIP-over-WebSocket,
ICE, DTLS-SRTP, Opus and DTMF against an independent implementation, and it
can *listen*: the page analyses the remote audio, so a test checks that a
known tone sent by the other side is actually heard.

One `JsSipPeer` = one ``node js/driver.mjs`` process = one Chromium with a
fresh profile whose fake microphone plays a sine of `tone_hz`. Commands go
out as JSON lines; events come back and are kept in order, so
``await peer.wait_for("incoming")`` also finds an event that arrived before
the call. Everything is logged (logger ``tests.peers.jssip``) and written to
``<workdir>/<name>.log`` for failing tests to print.

Event names (dicts with ``"event"`` and a ``"t"`` in ms since the epoch;
call events carry ``"session"``, an id like ``"s1"``):

=====================  ========================================================
ready                  Chromium and the page are up (``chromium_ms``)
connecting/connected   WebSocket to the registrar (re)connecting / open
disconnected           WebSocket closed (JsSIP retries by itself)
registered             REGISTER answered 200 (``status_code``)
unregistered           un-REGISTER done
registration_failed    ``cause`` (e.g. "Rejected", "Authentication Error"),
                       ``status_code``
incoming               new incoming call: ``caller`` (user part),
                       ``caller_uri``, ``display_name``, ``request_uri``
outgoing               our INVITE is on its way: ``target``
progress               1xx: ``originator``, ``status_code``
accepted / confirmed   200 OK sent or received / ACK done
ended / failed         ``originator`` ("local"|"remote"|"system"), ``cause``
                       (JsSIP's, e.g. "Terminated", "Canceled", "Busy",
                       "Rejected"), ``status_code`` when a response caused it
hold / unhold          ``originator``: "local" (we did it) or "remote"
newDTMF                a DTMF digit in SIP INFO: ``digit``, ``duration``,
                       ``originator`` ("remote" = received)
newInfo                another SIP INFO: ``content_type``, ``body``
dtmf_tone              a DTMF digit *heard in the remote audio*; this is how
                       RFC 4733 telephone-events show up (Chromium plays them
                       out as tones)
remote_track / ice     remote audio arrived / ICE state change (``state``)
reinvite / update / sdp   re-INVITE or UPDATE received / an SDP (``type``,
                       ``sdp``, ``originator``)
console / pageerror    the page's console and errors (debugging)
=====================  ========================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import shutil
import tempfile
import time
import wave
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from softphone.media import tones
from tests.peers.errors import PeerError, require_binary, require_path

log = logging.getLogger("tests.peers.jssip")

JS_DIR = Path(__file__).with_name("js")
DRIVER = JS_DIR / "driver.mjs"
CHROMIUM = Path("/usr/bin/chromium")
DEFAULT_REALM = "127.0.0.1"
START_TIMEOUT_S = 40.0
COMMAND_TIMEOUT_S = 20.0
TONE_SAMPLE_RATE = 48_000

Event = dict[str, Any]
Predicate = Callable[[Event], bool]

# Event kinds that are noise in the test log unless something failed.
_QUIET_EVENTS = frozenset({"console", "sdp", "ice"})


class PeerTimeout(PeerError, TimeoutError):
    """An awaited event did not come; the message lists what did come."""


class RegistrationFailed(PeerError):
    """The registrar refused us; `event` is the ``registration_failed`` event."""

    def __init__(self, event: Event) -> None:
        super().__init__(f"registration failed: {event}")
        self.event = event


@dataclass(frozen=True)
class Codec:
    """The audio codec in use, as Chromium's stats report it."""

    name: str  # "opus", "PCMU", ...
    clock_rate: int
    channels: int
    payload_type: int
    mime_type: str


@dataclass(frozen=True)
class AudioMeasurement:
    """What the peer heard from the far side during one `measure_audio()`.

    Levels are dBFS of the sine amplitude (a full-scale sine is 0 dBFS);
    silence reads -200.
    """

    dominant_hz: float | None
    dominant_dbfs: float | None
    rms: float
    rms_dbfs: float
    levels_dbfs: Mapping[float, float]
    sample_rate: int
    samples: int
    codec: Codec | None
    raw: Mapping[str, Any] = field(repr=False)

    def level(self, hz: float) -> float:
        """dBFS at `hz` (must have been asked for in `measure_audio(freqs=...)`)."""
        return self.levels_dbfs[float(hz)]

    def hears(self, hz: float, tolerance_hz: float = 20.0, min_dbfs: float = -50.0) -> bool:
        """True when `hz` is the loudest frequency heard and not near silence."""
        return (
            self.dominant_hz is not None
            and abs(self.dominant_hz - hz) <= tolerance_hz
            and self.rms_dbfs >= min_dbfs
        )


def write_tone_wav(path: Path, hz: float | None, dbfs: float = -12.0, seconds: float = 1.0) -> Path:
    """A mono 16-bit 48 kHz sine (or silence for ``hz=None``) for the fake mic.

    Chromium loops the file; a whole number of periods per second keeps the
    loop seamless for integer frequencies.
    """
    if hz is None:
        pcm = tones.silence(seconds, TONE_SAMPLE_RATE)
    else:
        pcm = tones.sine(hz, seconds, TONE_SAMPLE_RATE, amplitude=10 ** (dbfs / 20))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TONE_SAMPLE_RATE)
        w.writeframes(pcm.astype("<i2").tobytes())
    return path


def _check_installed() -> str:
    node = require_binary("node", "nodejs")
    require_path(CHROMIUM, "install the Debian package 'chromium'")
    for module in ("jssip", "playwright-core", "esbuild"):
        require_path(
            JS_DIR / "node_modules" / module,
            f"npm package {module!r} missing: run `cd tests/peers/js && npm ci`",
        )
    return node


class JsSipPeer:
    """One JsSIP user agent in its own headless Chromium.

    Typical use (the `jssip_factory` fixture does start/stop)::

        peer = JsSipPeer("alice")
        await peer.start(tone_hz=440)
        await peer.register(kamailio.ws_url, "1001", "pass1001")
        session = await peer.call("1002")
        await peer.wait_for("confirmed")
        heard = await peer.measure_audio(1000)
        await peer.hangup()
        await peer.stop()
    """

    def __init__(self, name: str = "jssip", *, workdir: Path | None = None) -> None:
        self.name = name
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=f"jssip-{name}-"))
        self.log_path = self.workdir / f"{name}.log"
        self.tone_hz: float | None = None
        self.user: str | None = None
        self.realm: str = DEFAULT_REALM
        #: seconds from spawning the driver to the page being ready
        self.start_s: float | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._events: list[Event] = []
        self._consumed: set[int] = set()
        self._changed = asyncio.Condition()
        self._exited = False
        self._log_file: Any = None

    # ---------------------------------------------------------------- facts
    @property
    def uri(self) -> str:
        """Our AOR, e.g. ``sip:1001@127.0.0.1`` (after `register()`)."""
        if self.user is None:
            raise PeerError(f"{self.name} is not registered")
        return f"sip:{self.user}@{self.realm}"

    @property
    def events(self) -> list[Event]:
        """Every event so far, oldest first (read-only view by convention)."""
        return self._events

    def events_named(self, *names: str) -> list[Event]:
        return [e for e in self._events if e["event"] in names]

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # ------------------------------------------------------------ lifecycle
    async def start(
        self,
        tone_hz: float | None = 1000.0,
        *,
        tone_dbfs: float = -12.0,
        auto_answer: bool = False,
        answer_delay_ms: int = 0,
        debug: bool = False,
    ) -> None:
        """Launch Chromium whose microphone plays a `tone_hz` sine (None: silence).

        With `auto_answer` every incoming call is answered after
        `answer_delay_ms`. `debug` turns on JsSIP's own logging (console events).
        """
        if self._proc is not None:
            raise PeerError(f"{self.name} already started")
        node = _check_installed()
        self.tone_hz = tone_hz
        wav = write_tone_wav(
            self.workdir / f"tone-{tone_hz or 'silence'}.wav", tone_hz, dbfs=tone_dbfs
        )
        cmd = [node, str(DRIVER), "--wav", str(wav), "--chromium", str(CHROMIUM)]
        if auto_answer:
            cmd.append("--auto-answer")
        cmd += ["--answer-delay-ms", str(answer_delay_ms)]
        if debug:
            cmd.append("--debug")
        self._log_file = self.log_path.open("a", buffering=1)
        self._write_log(f"spawn {' '.join(cmd)}")
        began = time.monotonic()
        self._proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=JS_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=4 * 1024 * 1024,
        )
        self._tasks = [
            asyncio.create_task(self._read_stdout(), name=f"{self.name}-stdout"),
            asyncio.create_task(self._read_stderr(), name=f"{self.name}-stderr"),
        ]
        try:
            ready = await self.wait_for("ready", timeout=START_TIMEOUT_S)
        except PeerError:
            await self.stop()
            raise
        self.start_s = time.monotonic() - began
        log.info("%s: Chromium %s ready in %.2f s", self.name, ready.get("version"), self.start_s)

    async def stop(self) -> None:
        """Close Chromium (un-REGISTERs and hangs up on the way) and the driver."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.returncode is None and proc.stdin is not None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    proc.stdin.write(b'{"id": 0, "cmd": "quit"}\n')
                    await proc.stdin.drain()
                    proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.terminate()  # playwright closes its Chromium on SIGTERM
                try:
                    await asyncio.wait_for(proc.wait(), 5)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 2)
        self._tasks = []
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(PeerError(f"{self.name} stopped"))
        self._pending.clear()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def cleanup(self) -> None:
        """Remove the work dir (if this peer created it). Call after `stop()`."""
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # ------------------------------------------------------------- commands
    async def command(self, cmd: str, /, **args: Any) -> Any:
        """Send one raw command to the page (`cmd_<cmd>` in js/entry.js)."""
        proc = self._proc
        if proc is None or proc.stdin is None or self._exited:
            raise PeerError(f"{self.name} is not running")
        ident = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[ident] = fut
        line = json.dumps({"id": ident, "cmd": cmd, "args": args})
        self._write_log(f"-> {line}")
        log.info("%s -> %s %s", self.name, cmd, args if args else "")
        proc.stdin.write(line.encode() + b"\n")
        await proc.stdin.drain()
        try:
            return await asyncio.wait_for(fut, COMMAND_TIMEOUT_S + float(args.get("ms", 0)) / 1000)
        except TimeoutError:
            raise PeerTimeout(f"{self.name}: no reply to {cmd} {args}") from None
        finally:
            self._pending.pop(ident, None)

    async def register(
        self,
        ws_url: str,
        user: str,
        password: str,
        realm: str = DEFAULT_REALM,
        *,
        expires: int = 600,
        display_name: str | None = None,
        wait: bool = True,
        timeout: float = 10.0,
        recovery_min_s: float = 2,
        recovery_max_s: float = 30,
        session_timers: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> Event | None:
        """Connect to `ws_url` and REGISTER ``sip:user@realm`` with digest auth.

        With `wait` returns the ``registered`` event or raises
        `RegistrationFailed`; otherwise returns at once (wait for
        ``registered`` / ``registration_failed`` yourself). JsSIP reconnects
        after a lost WebSocket (first retry `recovery_min_s`..2x later) and
        then registers again by itself. `extra` goes into JsSIP's UA config.
        """
        self.user, self.realm = user, realm
        await self.command(
            "register",
            ws_url=ws_url,
            uri=f"sip:{user}@{realm}",
            password=password,
            register_expires=expires,
            display_name=display_name,
            recovery_min_s=recovery_min_s,
            recovery_max_s=recovery_max_s,
            session_timers=session_timers,
            extra=dict(extra or {}),
        )
        if not wait:
            return None
        event = await self.wait_for(("registered", "registration_failed"), timeout)
        if event["event"] == "registration_failed":
            raise RegistrationFailed(event)
        return event

    async def unregister(self, *, wait: bool = True, timeout: float = 10.0) -> None:
        await self.command("unregister")
        if wait:
            await self.wait_for("unregistered", timeout)

    async def call(self, target: str, *, extra_headers: Iterable[str] = ()) -> str:
        """INVITE `target` ("1002" or a full SIP URI) with audio; returns the session id.

        Returns when the INVITE is on its way; wait for ``confirmed`` /
        ``failed`` to learn the outcome.
        """
        result = await self.command("call", target=target, extra_headers=list(extra_headers))
        return str(result["session"])

    async def answer(self, session: str | None = None) -> None:
        """Answer the (latest) incoming call."""
        await self.command("answer", session=session)

    async def hangup(self, session: str | None = None, *, status_code: int | None = None) -> None:
        """BYE when established, CANCEL when calling out, a reject when ringing
        (`status_code`, default 480 per JsSIP)."""
        await self.command("hangup", session=session, status_code=status_code)

    async def hold(self, session: str | None = None) -> bool:
        """Put the call on hold (re-INVITE, a=sendonly); return once answered.

        Waits for a pending re-INVITE first. False when there was nothing to
        do (already on hold, or no established call).
        """
        return bool((await self.command("hold", session=session))["sent"])

    async def unhold(self, session: str | None = None) -> bool:
        """Resume (re-INVITE, a=sendrecv); return once answered. False: not on hold."""
        return bool((await self.command("unhold", session=session))["sent"])

    async def send_dtmf(
        self,
        digits: str,
        method: str = "INFO",
        *,
        duration_ms: int = 160,
        gap_ms: int = 200,
        session: str | None = None,
    ) -> None:
        """Send `digits` as SIP INFO (``"INFO"``) or RFC 4733 events (``"RFC2833"``).

        Returns once queued. INFO digits leave every `duration_ms` + `gap_ms`;
        Chromium's RTP DTMF sender spaces RFC 4733 digits ~0.5 s apart
        whatever the gap. The 160 ms default (JsSIP's is 100) is for the
        receiving page: Chromium plays a received 100 ms event as only ~60 ms
        of tone, too short to hear reliably.
        """
        if method not in ("INFO", "RFC2833"):
            raise ValueError(f"DTMF method must be 'INFO' or 'RFC2833', not {method!r}")
        await self.command(
            "dtmf", digits=digits, method=method, duration_ms=duration_ms, gap_ms=gap_ms,
            session=session,
        )  # fmt: skip

    async def send_info(self, content_type: str, body: str, session: str | None = None) -> None:
        await self.command("info", content_type=content_type, body=body, session=session)

    async def set_auto_answer(self, on: bool, delay_ms: int = 0) -> None:
        await self.command("set", auto_answer=on, answer_delay_ms=delay_ms)

    async def measure_audio(
        self, ms: int = 1000, freqs: Iterable[float] = (), session: str | None = None
    ) -> AudioMeasurement:
        """Listen to the remote audio for `ms` and analyse what was heard.

        `freqs` asks for the level at each of those frequencies (Goertzel).
        """
        freq_list = [float(f) for f in freqs]
        raw = await self.command("measure", ms=ms, freqs=freq_list, session=session)
        codec = raw.get("codec")
        measurement = AudioMeasurement(
            dominant_hz=raw.get("dominant_hz"),
            dominant_dbfs=raw.get("dominant_dbfs"),
            rms=float(raw.get("rms") or 0.0),
            rms_dbfs=float(raw.get("rms_dbfs") if raw.get("rms_dbfs") is not None else -200),
            levels_dbfs={float(k): float(v) for k, v in (raw.get("levels_dbfs") or {}).items()},
            sample_rate=int(raw.get("sample_rate") or 0),
            samples=int(raw.get("samples") or 0),
            codec=Codec(
                name=codec["name"],
                clock_rate=int(codec["clock_rate"]),
                channels=int(codec["channels"]),
                payload_type=int(codec["payload_type"]),
                mime_type=codec["mime_type"],
            )
            if codec
            else None,
            raw=raw,
        )
        log.info(
            "%s heard: dominant %s Hz, rms %.1f dBFS, codec %s",
            self.name, measurement.dominant_hz, measurement.rms_dbfs,
            measurement.codec.name if measurement.codec else None,
        )  # fmt: skip
        return measurement

    async def stats(self, session: str | None = None) -> dict[str, Any]:
        """Chromium's RTP stats digest: inbound/outbound packets, codec, RTT."""
        return dict(await self.command("stats", session=session))

    async def state(self, session: str | None = None) -> dict[str, Any]:
        """JsSIP's view of a session: status, established, ended, on_hold."""
        return dict(await self.command("state", session=session))

    # --------------------------------------------------------------- events
    async def wait_for(
        self,
        name: str | tuple[str, ...],
        timeout: float = 10.0,
        predicate: Predicate | None = None,
    ) -> Event:
        """Return the oldest event named `name` (or any of a tuple of names)
        matching `predicate` that no earlier `wait_for` returned.

        Events that arrived before the call count, so there is no race
        between causing an event and waiting for it. Raises `PeerTimeout`
        (with the recent events in its message) or `PeerError` if the
        browser died.
        """
        names = (name,) if isinstance(name, str) else name

        def find() -> int | None:
            for i, event in enumerate(self._events):
                if i in self._consumed or event["event"] not in names:
                    continue
                if predicate is None or predicate(event):
                    return i
            return None

        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while (index := find()) is None:
                        if self._exited:
                            raise PeerError(
                                f"{self.name}: driver exited while waiting for {names}\n"
                                + self.recent_events()
                            )
                        await self._changed.wait()
            except TimeoutError:
                wanted = " or ".join(names)
                raise PeerTimeout(
                    f"{self.name}: no {wanted} within {timeout} s\n{self.recent_events()}"
                ) from None
        self._consumed.add(index)
        return self._events[index]

    def recent_events(self, count: int = 25) -> str:
        shown = [e for e in self._events if e["event"] not in _QUIET_EVENTS][-count:]
        lines = "\n".join(f"  {json.dumps(e)[:300]}" for e in shown)
        return f"recent events of {self.name}:\n{lines}\n(full log: {self.log_path})"

    # ------------------------------------------------------------ internals
    def _write_log(self, text: str) -> None:
        if self._log_file is not None:
            self._log_file.write(f"{time.strftime('%H:%M:%S')} {text}\n")

    async def _read_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stream = self._proc.stdout
        try:
            while line := await stream.readline():
                text = line.decode(errors="replace").strip()
                if not text:
                    continue
                self._write_log(f"<- {text}")
                try:
                    msg = json.loads(text)
                except json.JSONDecodeError:
                    log.warning("%s: not JSON: %s", self.name, text[:200])
                    continue
                if "id" in msg and "event" not in msg:
                    self._resolve(msg)
                else:
                    await self._add_event(msg)
        finally:
            self._exited = True
            async with self._changed:
                self._changed.notify_all()
            for fut in self._pending.values():
                if not fut.done():
                    error = PeerError(f"{self.name}: driver exited\n{self.recent_events()}")
                    fut.set_exception(error)

    def _resolve(self, msg: dict[str, Any]) -> None:
        fut = self._pending.get(int(msg["id"]))
        if fut is None or fut.done():
            return
        if msg.get("ok"):
            fut.set_result(msg.get("result"))
        else:
            fut.set_exception(PeerError(f"{self.name}: {msg.get('error')}"))

    async def _add_event(self, event: Event) -> None:
        kind = event.get("event")
        if kind in _QUIET_EVENTS:
            log.debug("%s <- %s", self.name, event)
        else:
            log.info("%s <- %s", self.name, event)
        async with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    async def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while line := await self._proc.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self._write_log(f"stderr: {text}")
            log.info("%s stderr: %s", self.name, text)

    def __repr__(self) -> str:
        return f"<JsSipPeer {self.name} user={self.user} tone={self.tone_hz} dir={self.workdir}>"
