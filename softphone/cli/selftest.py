"""``softphone --self-test``: can this PC run the softphone? One line per check.

An IT admin runs it on a new agent PC, and CI runs it on every built bundle:
it exercises what a frozen app loses first (hidden imports, data files,
native libraries) and what a PC lacks (sound devices, a keyring, a free
port for the integration API) without any account or server. The agent's
whole core signs in to the simulator started in this process, places a call
that is answered, checks the audio by content both ways (the agent's
"microphone" is a 440 Hz tone the simulator's recording must contain; the
customer is a 1 kHz tone the agent's "speaker" must receive), hangs up,
sets a call code and is available again.

Nothing of the user's is touched: the profile is only read (for the API
port), history and recordings go to a temporary folder, and the keyring
check uses its own service name and a random entry it deletes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from softphone.cli.local_agent import AGENT_HZ, CUSTOMER_HZ, LocalAgent, start_local_agent

if TYPE_CHECKING:
    from softphone.core.secret_store import SecretStore

log = logging.getLogger(__name__)

KEYRING_SERVICE = "softphone-self-test"
"""Never the app's own service name: the check cannot collide with a saved password."""
STEP_TIMEOUT_S = 30.0
CALLED_NUMBER = "0661234567"


class Outcome(Enum):
    PASS = ("✓", "ok")
    WARN = ("!", "warning")
    FAIL = ("✗", "FAILED")


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    sentence: str


class StepFailed(Exception):
    """A step's own sentence for why it failed (no traceback reaches the admin)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The self-test is a top-level flag; it takes no options of its own."""


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.CRITICAL)  # the lines below are the report
    print(f"softphone self-test ({_version()})", flush=True)
    results: list[Result] = []

    def show(result: Result) -> None:
        results.append(result)
        print(_line(result), flush=True)

    for check in (check_sound_devices, check_resources, check_microphone_processing, check_keyring):
        show(_safely(check))
    show(_safely(lambda: check_api_port(os.environ)))
    try:
        asyncio.run(call_steps(show))
    except KeyboardInterrupt:
        show(Result(Outcome.FAIL, "interrupted"))
    failed = [r for r in results if r.outcome is Outcome.FAIL]
    if failed:
        print(f"{len(failed)} of {len(results)} checks failed.", flush=True)
        return 1
    print("All checks passed.", flush=True)
    return 0


def _version() -> str:
    from softphone import __version__

    return f"version {__version__}"


def _line(result: Result) -> str:
    mark, word = result.outcome.value
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        mark.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        mark = word  # a console that cannot show the mark gets the word
    return f"{mark} {result.sentence}"


def _safely(check: Callable[[], Result]) -> Result:
    try:
        return check()
    except StepFailed as exc:
        return Result(Outcome.FAIL, str(exc))
    except Exception as exc:  # any surprise is a readable failure, not a traceback
        log.debug("check failed", exc_info=True)
        return Result(Outcome.FAIL, f"{check.__name__}: unexpected {type(exc).__name__}: {exc}")


# -- checks that need no call ---------------------------------------------------------


def check_sound_devices() -> Result:
    from softphone.media.devices import NoAudioDevice, list_devices

    try:
        devices = list_devices()
    except NoAudioDevice as exc:
        return Result(Outcome.WARN, f"sound devices: {exc}; calls would use the null device")
    if not devices:
        return Result(
            Outcome.WARN, "sound devices: none found; calls would use the null device (silence)"
        )
    inputs = [d for d in devices if d.input_channels]
    outputs = [d for d in devices if d.output_channels]
    if not inputs or not outputs:
        return Result(
            Outcome.WARN,
            f"sound devices: {len(inputs)} microphone(s) and {len(outputs)} speaker(s) found; "
            "plug in a headset (without one, calls use the null device)",
        )
    mic = next((d for d in inputs if d.is_default_input), inputs[0])
    speaker = next((d for d in outputs if d.is_default_output), outputs[0])
    return Result(
        Outcome.PASS,
        f"sound devices: {len(devices)} found (microphone {mic}, speaker {speaker})",
    )


def check_resources() -> Result:
    """The data files the installer must carry (a frozen app loses them first)."""
    from softphone.media.tracks import read_wav
    from softphone.sim.sip_telephony import customer_voice

    path = customer_voice()
    try:
        pcm, rate = read_wav(path)
    except (OSError, EOFError, ValueError) as exc:
        raise StepFailed(f"app files: the simulator's customer voice is missing ({exc})") from None
    if pcm.size < rate:
        raise StepFailed(f"app files: the customer voice {path} is truncated")
    return Result(Outcome.PASS, "app files: sounds are installed")


def check_microphone_processing() -> Result:
    """WebRTC's noise suppression, opened as a call opens it: the native library must be there."""
    import numpy as np

    from softphone.media.config import MicProcessingConfig
    from softphone.media.mic_processing import BLOCK, MicProcessor

    processor = MicProcessor(MicProcessingConfig())
    try:
        engine = processor.engine
        if engine is not None:
            processor.process(np.zeros(2 * BLOCK, dtype=np.int16))
            engine = processor.engine  # None if the library failed on the first frame
    finally:
        processor.close()
    if engine is None:
        return Result(
            Outcome.WARN,
            "microphone processing: livekit's WebRTC library cannot be loaded; "
            "calls send the microphone without noise suppression",
        )
    return Result(Outcome.PASS, f"microphone processing: WebRTC noise suppression ({engine})")


def check_keyring() -> Result:
    """The store the app itself would use (``secret_store.open_store``), named in the line."""
    from softphone.core.secret_store import open_store

    store = open_store()
    if store is None:
        raise StepFailed(_keyring_unusable("no system keyring was found"))
    try:
        return _round_trip(store)
    finally:
        with contextlib.suppress(Exception):
            store.close()


def _keyring_unusable(why: str) -> str:
    return (
        f'keyring: cannot store a password ({why}); "remember password" will not work '
        "(set up the system keyring, or give secrets as SOFTPHONE_* variables)"
    )


def _round_trip(store: SecretStore) -> Result:
    name = store.name
    entry = f"check-{uuid.uuid4().hex[:12]}"
    value = uuid.uuid4().hex
    try:
        store.set_password(KEYRING_SERVICE, entry, value)
    except Exception as exc:  # keyring's errors, D-Bus errors, a locked collection
        why = "no system keyring was found" if ".fail." in name else f"{name}: {exc}"[:160]
        raise StepFailed(_keyring_unusable(why)) from None
    try:
        read = store.get_password(KEYRING_SERVICE, entry)
    finally:
        with contextlib.suppress(Exception):
            store.delete_password(KEYRING_SERVICE, entry)
    if read != value:
        raise StepFailed(f"keyring: a stored password did not read back ({name})")
    if store.get_password(KEYRING_SERVICE, entry) is not None:
        raise StepFailed(f"keyring: a password could not be deleted ({name})")
    return Result(Outcome.PASS, f"keyring: stores, reads and deletes passwords ({name})")


def api_port(env: Mapping[str, str]) -> int:
    """The integration API's port: ``SOFTPHONE_API_PORT``, the profile's, or the default."""
    from softphone.cli.agent_settings import DEFAULT_API_PORT
    from softphone.core.config import ConfigError, load_config

    try:
        # Only the port matters here; a profile without a server is fine.
        config = load_config(None, {"mediatel_url": "https://self-test.invalid"}, env)
    except ConfigError as exc:
        raise StepFailed(f"integration API: the profile is not usable ({exc})") from None
    return config.api_port or DEFAULT_API_PORT


def check_api_port(env: Mapping[str, str]) -> Result:
    port = api_port(env)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise StepFailed(
                f"integration API: port {port} on 127.0.0.1 is taken ({exc.strerror or exc}); "
                "close what uses it or set api_port in the profile"
            ) from None
    return Result(Outcome.PASS, f"integration API: port {port} on 127.0.0.1 is free")


# -- the call, through the whole core ------------------------------------------------------


async def call_steps(show: Callable[[Result], None]) -> None:
    """Sign in, call, audio both ways, hang up, call code, available; stops at a failure."""
    asyncio.get_running_loop().set_exception_handler(_quiet)
    with tempfile.TemporaryDirectory(prefix="softphone-self-test-") as folder:
        agent: LocalAgent | None = None
        try:
            agent = await _step(show, "simulator", start_local_agent(Path(folder)))
            await _run_call(show, agent)
        except StepFailed as exc:
            show(Result(Outcome.FAIL, str(exc)))
        finally:
            if agent is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(agent.aclose(), STEP_TIMEOUT_S)


async def _step(show: Callable[[Result], None], name: str, work: Awaitable[Any]) -> Any:
    try:
        return await asyncio.wait_for(work, STEP_TIMEOUT_S)
    except StepFailed:
        raise
    except TimeoutError:
        raise StepFailed(f"{name}: no result within {STEP_TIMEOUT_S:.0f} s") from None
    except Exception as exc:
        log.debug("%s failed", name, exc_info=True)
        raise StepFailed(f"{name}: {exc or type(exc).__name__}") from None


async def _run_call(show: Callable[[Result], None], agent: LocalAgent) -> None:
    from softphone.core.agent_snapshot import CallPhase, SignIn
    from softphone.media import tones
    from softphone.net.mediatel import State

    show(Result(Outcome.PASS, f"simulator: Mediatel and SIP registrar on {agent.where}"))
    await _step(show, "sign-in", agent.sign_in())
    snap = await _step(
        show, "sign-in", agent.until(lambda s: s.state is State.IDLE, "available after sign-in")
    )
    assert snap.sign_in is SignIn.SIGNED_IN
    show(Result(Outcome.PASS, "sign-in: signed in as demo, extension 1001 registered"))

    await _step(show, "call", agent.session.dial(CALLED_NUMBER))
    snap = await _step(
        show,
        "call",
        agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "talking"),
    )
    trace_id = snap.call.call_trace_id
    show(Result(Outcome.PASS, f"call: {CALLED_NUMBER} dialled and answered"))

    heard = await _step(show, "audio", agent.hears(CUSTOMER_HZ))
    if not heard:
        raise StepFailed(f"audio: the agent does not hear the customer ({CUSTOMER_HZ:.0f} Hz)")
    show(Result(Outcome.PASS, "audio: the agent hears the customer"))

    await _step(show, "hang-up", agent.session.hangup())
    snap = await _step(
        show,
        "hang-up",
        agent.until(lambda s: s.state is State.CLERICAL and s.clerical is not None, "wrap-up"),
    )
    show(Result(Outcome.PASS, "hang-up: the call ended; after-call work started"))

    recorded, rate = agent.recording(trace_id)
    if recorded.size < rate // 2 or not tones.contains_tone(recorded[-rate // 2 :], AGENT_HZ, rate):
        raise StepFailed(f"audio: the customer does not hear the agent ({AGENT_HZ:.0f} Hz)")
    show(Result(Outcome.PASS, "audio: the customer hears the agent"))

    code = snap.clerical.call_codes[0]
    await _step(show, "call code", agent.session.set_call_code(code.id))
    await _step(show, "call code", agent.until(lambda s: s.state is State.IDLE, "available"))
    show(Result(Outcome.PASS, f"call code: '{code.name}' set; available again"))

    await _step(show, "sign-out", agent.session.sign_out())
    show(Result(Outcome.PASS, "sign-out: signed out"))


def _quiet(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Stray task errors go to the debug log: the step lines already say what failed."""
    log.debug("event loop: %s", context.get("message"), exc_info=context.get("exception"))
