"""The microphone switches as flags reach the microphone chain of a real call.

``softphone phone --no-noise-suppression --echo-cancellation`` through an
in-memory call (the null sound card as the microphone): the call's media
session sends the microphone track whose processing has those switches.
The agent's (and the desktop app's) flags reach the phone the real session
factory builds, over the profile and the environment.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest

from softphone.cli import agent_settings
from softphone.cli import phone as phone_cli
from softphone.core import phone_events as ev
from softphone.core.agent_ports import SipLogin
from softphone.core.phone import Phone
from softphone.media.config import MicProcessingConfig
from softphone.media.tracks import PcmCollector
from tests.cli.test_desktop_cli import Keyring
from tests.core.memory_sip import DOMAIN, URL, Wire
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.sip.pair import Registrar


def phone_args(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    phone_cli.add_arguments(parser)
    base = ["--ws", URL, "--user", "1001", "--password", "1001", "--realm", DOMAIN]
    return parser.parse_args([*base, "--no-audio-device", *flags])


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((), MicProcessingConfig()),
        (
            ("--no-noise-suppression", "--no-auto-gain", "--echo-cancellation"),
            MicProcessingConfig(noise_suppression=False, auto_gain=False, echo_cancellation=True),
        ),
    ],
)
async def test_phone_flags_reach_the_calls_microphone_chain(
    flags: tuple[str, ...], expected: MicProcessingConfig
) -> None:
    wire = Wire(now=asyncio.get_running_loop().time())
    config = phone_cli.build_config(phone_args(*flags))
    registrar = Registrar(password="1001", realm=DOMAIN)
    a = await PhoneProbe(config, PcmCollector(48000), transport=wire.factory(registrar)).start()
    b = await start_probe(
        URL,
        "1002",
        "1002",
        tone_hz=1000.0,
        domain=DOMAIN,
        auto_answer_ms=0,
        transport=wire.factory(Registrar(password="1002", realm=DOMAIN)),
    )
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        handle = await a.phone.call("1002")
        await a.wait_for(ev.MediaStarted)
        call = a.phone._call(handle, "inspect")
        assert call.mic is not None and call.media._source is call.mic  # what is sent
        assert call.mic.processing is not None and call.mic.processing.config == expected
        assert call.media.config.mic == expected
        assert (call.mic.processing._gain is not None) is expected.auto_gain
    finally:
        await a.aclose()
        await b.aclose()


def agent_args(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    agent_settings.add_settings_arguments(parser)
    return parser.parse_args(
        ["--mediatel-url", "https://hes.example", "--sip-ws", "wss://pbx.example/ws", *flags]
    )


def test_agent_flags_over_environment_over_profile_reach_its_phone(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text("noise_suppression = false\nauto_gain = false\n", encoding="utf-8")
    env = {"SOFTPHONE_AUTO_GAIN": "true", "SOFTPHONE_DATA_DIR": str(tmp_path)}
    args = agent_args("--profile", str(profile), "--noise-suppression", "--echo-cancellation")
    settings = agent_settings.resolve_settings(args, env, keyring=Keyring({}))
    session = settings.build_session(env)
    phone = session._phone_factory(SipLogin(("wss://pbx.example/ws",), "1001", "x"))
    assert isinstance(phone, Phone)
    assert phone.config.media.mic == MicProcessingConfig(
        noise_suppression=True, auto_gain=True, echo_cancellation=True
    )
    plain = agent_settings.resolve_settings(
        agent_args("--profile", str(profile)), {}, keyring=Keyring({})
    )
    assert not plain.config.noise_suppression and not plain.config.auto_gain
