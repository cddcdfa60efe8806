"""``softphone phone``: a headless phone that speaks JSON lines.

For support staff checking an extension and for automation: every event is
one JSON object on stdout (``{"event": ..., "t_ms": ...}``), every command
one JSON object on stdin (``{"command": ...}``). Logs go to stderr, so
stdout stays machine-readable. ``t_ms`` is ``time.monotonic()`` in ms — the
same clock across processes on one machine, so a test or benchmark can
compare our timestamps with its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TextIO

from softphone.cli.mic_flags import add_mic_arguments, mic_config
from softphone.core import phone_events as ev
from softphone.core.phone import Phone, PhoneCommandError, PhoneConfig, SipAccount
from softphone.core.phone_events import DtmfMethod
from softphone.logs import log_to_stderr
from softphone.media.config import IceServer, MediaConfig, parse_codec_name
from softphone.media.devices import AudioSettings
from softphone.net.sip_ws import TransportConfig, urls_from
from softphone.net.vouch import VouchConfig, VouchError
from softphone.tasks import cancel_and_wait

log = logging.getLogger("softphone.phone")

PASSWORD_ENV = "SOFTPHONE_SIP_PASSWORD"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ws",
        required=True,
        action="append",
        metavar="URL",
        help="SIP WebSocket URL (ws:// or wss://); repeat or comma-separate for failover",
    )
    parser.add_argument("--user", required=True, help="SIP user (the extension)")
    parser.add_argument(
        "--password",
        default=None,
        help=f"SIP password (or set {PASSWORD_ENV}, which keeps it out of ps)",
    )
    parser.add_argument("--realm", required=True, help="SIP domain/realm, e.g. 127.0.0.1")
    parser.add_argument("--auth-user", default=None, help="digest user name if not --user")
    parser.add_argument("--display-name", default=None)
    parser.add_argument(
        "--auto-answer",
        nargs="?",
        const=0,
        type=int,
        default=None,
        metavar="MS",
        help="answer incoming calls after MS ms (default 0)",
    )
    parser.add_argument(
        "--call", default=None, metavar="TARGET", help="call TARGET once registered"
    )
    parser.add_argument(
        "--play",
        default=None,
        metavar="FILE.wav",
        help="send this WAV file (looped) instead of the microphone",
    )
    parser.add_argument(
        "--record",
        default=None,
        metavar="FILE.wav",
        help="write what the agent would hear (after the receive buffer and concealment, "
        "on the playout clock) to this WAV file",
    )
    parser.add_argument(
        "--no-audio-device",
        action="store_true",
        help="use no sound card (silence out, nothing played)",
    )
    parser.add_argument("--mic", default=None, help="microphone device (name or part of it)")
    parser.add_argument("--speaker", default=None, help="speaker device (name or part of it)")
    parser.add_argument("--ring-device", default=None, help="device for the ringtone")
    add_mic_arguments(parser)
    parser.add_argument(
        "--codecs",
        default=None,
        help="codec order, e.g. PCMA/8000,PCMU/8000 (default opus, PCMA, PCMU)",
    )
    parser.add_argument(
        "--ice-server",
        action="append",
        default=[],
        metavar="URL",
        help="STUN/TURN server (none by default)",
    )
    parser.add_argument("--ca-file", default=None, help="CA bundle to verify wss:// servers")
    parser.add_argument("--vouch-token", default=None, help="gateway VouchCookie JWT")
    parser.add_argument(
        "--vouch-secret",
        default=None,
        help="mint the VouchCookie from this shared secret (development)",
    )
    parser.add_argument("--vouch-user-id", default="", help="userID claim when minting")
    parser.add_argument("--expires", type=int, default=300, help="registration expiry (s)")
    parser.add_argument("--log-level", default="WARNING")


def build_config(args: argparse.Namespace) -> PhoneConfig:
    """Flags → PhoneConfig; ValueError with a readable message when they don't fit."""
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV, "")
    vouch = None
    if args.vouch_token or args.vouch_secret:
        try:
            vouch = VouchConfig(
                token=args.vouch_token,
                secret=args.vouch_secret,
                username=args.user,
                user_id=args.vouch_user_id,
            )
        except VouchError as exc:
            raise ValueError(str(exc)) from exc
    urls: list[str] = []
    for value in args.ws:
        urls.extend(urls_from(value))
    transport = TransportConfig(
        urls=tuple(urls),
        ca_file=args.ca_file,
        headers=vouch.headers if vouch is not None else None,
    )
    media = MediaConfig(ice_servers=tuple(IceServer(url) for url in args.ice_server))
    media = replace(media, mic=mic_config(args, media.mic))
    if args.codecs:
        codecs = tuple(c.strip() for c in args.codecs.split(",") if c.strip())
        for codec in codecs:
            parse_codec_name(codec)
        media = replace(media, codecs=codecs)
    source_factory: Callable[[], Any] | None = None
    sink_factory: Callable[[], Any] | None = None
    if args.play:
        from softphone.media.tracks import read_wav, wav_source

        read_wav(args.play)  # fail now, not at the first call

        def source_factory() -> Any:
            return wav_source(args.play, loop=True)

    if args.record:
        from softphone.media.heard import HeardRecorder

        def sink_factory() -> Any:
            return HeardRecorder(args.record)

    return PhoneConfig(
        account=SipAccount(
            user=args.user,
            domain=args.realm,
            password=password,
            auth_user=args.auth_user,
            display_name=args.display_name,
            register_expires=args.expires,
        ),
        transport=transport,
        media=media,
        audio=AudioSettings(
            microphone=args.mic,
            speaker=args.speaker,
            ring=args.ring_device,
            null=args.no_audio_device,
        ),
        auto_answer_ms=args.auto_answer,
        ring_incoming=not args.no_audio_device,
        source_factory=source_factory,
        sink_factory=sink_factory,
    )


def event_to_json(event: ev.PhoneEvent) -> dict[str, Any] | None:
    """The wire form of each event named in the issue; None for internal ones."""
    match event:
        case ev.Registered(expires=expires, refresh=refresh):
            return {"event": "registered", "expires": expires, "refresh": refresh}
        case ev.RegistrationFailed(reason=reason, code=code, will_retry=retry):
            return {
                "event": "registration_failed",
                "reason": reason,
                "code": code,
                "will_retry": retry,
            }
        case ev.Unregistered(reason=reason):
            return {"event": "unregistered", "reason": reason}
        case ev.ConnectionChanged(connected=up, url=url, error=error):
            return {"event": "connection", "connected": up, "url": url, "error": error}
        case ev.IncomingCall(call=call, caller=caller, display_name=name, auto_answer_in_ms=ms):
            return {
                "event": "incoming_call",
                "call": call,
                "from": caller,
                "display_name": name,
                "auto_answer_ms": ms,
            }
        case ev.CallRinging(call=call, code=code):
            return {"event": "ringing", "call": call, "code": code}
        case ev.Answered(call=call, outgoing=outgoing):
            return {"event": "answered", "call": call, "outgoing": outgoing}
        case ev.MediaStarted(call=call, codec=codec):
            return {"event": "media_started", "call": call, "codec": codec}
        case ev.DtmfReceived(call=call, digit=digit, method=method):
            return {"event": "dtmf_received", "call": call, "digit": digit, "method": str(method)}
        case ev.Held(call=call, by=by):
            return {"event": "held", "call": call, "by": str(by)}
        case ev.Unheld(call=call, by=by):
            return {"event": "unheld", "call": call, "by": str(by)}
        case ev.CallEnded(call=call, cause=cause, by=by, code=code, reason=reason, quality=q):
            return {
                "event": "call_ended",
                "call": call,
                "cause": cause,
                "by": str(by),
                "code": code,
                "reason": reason,
                "quality": None if q is None else q.as_dict(),
            }
        case ev.CallQualityChanged(call=call, quality=q):
            return {"event": "quality", "call": call, **q.as_dict()}
        case ev.AudioDeviceStalled(call=call, device=device, stalled=stalled):
            return {
                "event": "audio_device",
                "call": call,
                "device": device,
                "stalled": stalled,
                "message": event.message,
            }
        case ev.PhoneError(message=message, call=call):
            return {"event": "error", "message": message, "call": call}
    return None


class JsonLines:
    """Writes one JSON object per line, stamped with monotonic ms."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, obj: dict[str, Any]) -> None:
        obj = {**obj, "t_ms": round(time.monotonic() * 1000, 3)}
        self._out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._out.flush()


def _start_stdin_reader(queue: asyncio.Queue[str | None]) -> None:
    """stdin lines → queue, from a daemon thread.

    A thread works for Windows consoles and pipes alike; a daemon one, because
    a blocked ``readline()`` must not keep the process alive after ``quit``.
    """
    loop = asyncio.get_running_loop()

    def read() -> None:
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="stdin-commands", daemon=True).start()


async def run_command(phone: Phone, line: str, out: JsonLines) -> bool:
    """Carry out one command line; False for ``quit``."""
    try:
        command = json.loads(line)
        if not isinstance(command, dict) or not isinstance(command.get("command"), str):
            raise ValueError('expected an object like {"command": "answer"}')
    except ValueError as exc:
        out.write({"event": "error", "message": f"bad command line: {exc}"})
        return True
    name = command["command"]
    try:
        match name:
            case "quit":
                return False
            case "call":
                target = command.get("target")
                if not isinstance(target, str):
                    raise PhoneCommandError('"call" needs a "target" string')
                await phone.call(target)
            case "answer":
                await phone.answer()
            case "reject":
                await phone.reject(int(command.get("code", 486)))
            case "hangup":
                await phone.hangup()
            case "hold":
                await phone.hold()
            case "unhold":
                await phone.unhold()
            case "mute":
                phone.mute(True)
            case "unmute":
                phone.mute(False)
            case "stats":
                quality = await phone.call_quality()
                out.write({"event": "stats", "call": phone.active_call, **quality.as_dict()})
            case "dtmf":
                digits = command.get("digits")
                if not isinstance(digits, str):
                    raise PhoneCommandError('"dtmf" needs a "digits" string')
                method = DtmfMethod(command.get("method", "auto"))
                await phone.send_dtmf(digits, method)
            case _:
                raise PhoneCommandError(f"unknown command {name!r}")
    except (PhoneCommandError, ValueError) as exc:
        out.write({"event": "error", "message": str(exc), "command": name})
    return True


async def serve(config: PhoneConfig, call_target: str | None, out: JsonLines) -> int:
    commands: asyncio.Queue[str | None] = asyncio.Queue()
    _start_stdin_reader(commands)
    phone = Phone(config)
    await phone.start()
    pending_call = call_target

    async def pump() -> None:
        nonlocal pending_call
        async for event in phone.events():
            wire = event_to_json(event)
            if wire is not None:
                out.write(wire)
            if isinstance(event, ev.Registered) and pending_call:
                target, pending_call = pending_call, None
                try:
                    await phone.call(target)
                except PhoneCommandError as exc:
                    out.write({"event": "error", "message": str(exc), "command": "call"})

    events = asyncio.get_running_loop().create_task(pump())
    try:
        while True:
            line = await commands.get()
            if line is None or not await run_command(phone, line, out):
                break
    finally:
        await phone.aclose()
        # Let the last events (call_ended, unregistered) reach stdout.
        await asyncio.sleep(0.05)
        await cancel_and_wait(events)
    return 0


def run(args: argparse.Namespace) -> int:
    log_to_stderr(args.log_level)
    out = JsonLines(sys.stdout)
    try:
        config = build_config(args)
    except (ValueError, OSError) as exc:
        out.write({"event": "error", "message": f"bad configuration: {exc}"})
        return 2
    try:
        return _run_loop(serve(config, args.call, out))
    except KeyboardInterrupt:
        return 130


def _run_loop(main: Any) -> int:
    """Run on uvloop where it is installed (Linux, macOS).

    The headless phone spends its time in per-packet event-loop callbacks
    (50 RTP packets a second each way); uvloop's cheaper callbacks cut the
    callee's CPU noticeably (see bench/answer_latency.py). The desktop app
    runs on Qt's loop instead, through qasync.
    """
    try:
        import uvloop
    except ImportError:
        result: int = asyncio.run(main)
        return result
    return int(uvloop.run(main))
