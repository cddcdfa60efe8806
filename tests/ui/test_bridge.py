"""The bridge: snapshots become signals, command failures become sentences."""

from __future__ import annotations

import asyncio
import dataclasses

from softphone.core.agent_commands import AgentCommand, SignInError, SignInField
from softphone.core.agent_snapshot import SignIn
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def collect(signal: object) -> list[object]:
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args[0] if len(args) == 1 else args))  # type: ignore[attr-defined]
    return seen


def test_signals_fire_only_when_their_part_changes(desk: Desk) -> None:
    calls = collect(desk.bridge.call_changed)
    sign_ins = collect(desk.bridge.sign_in_changed)
    clericals = collect(desk.bridge.clerical_changed)
    desk.show(scenes.idle())
    desk.show(dataclasses.replace(scenes.idle(), state_since=scenes.NOW))  # only the clock moved
    assert sign_ins == [SignIn.SIGNED_IN]
    assert calls == []
    ringing = desk.show(scenes.ringing())
    assert calls == [ringing.call]
    desk.show(scenes.clerical())
    assert calls[-1] == scenes.clerical().call  # the ended call, kept as the session does
    assert clericals and clericals[-1] == scenes.clerical().clerical


def test_refused_command_becomes_a_sentence(desk: Desk) -> None:
    errors = collect(desk.bridge.error)
    desk.show(scenes.in_call())
    desk.fake.refuse("hold", "the customer is being transferred")

    async def scenario() -> bool | None:
        return await desk.bridge.command(AgentCommand.HOLD)

    assert desk.run(scenario()) is False
    assert errors == ["Not now: the customer is being transferred"]
    assert desk.window.message_banner.isVisible()
    assert "being transferred" in desk.window.message_banner.label.text()


def test_failed_command_becomes_a_sentence(desk: Desk) -> None:
    errors = collect(desk.bridge.error)
    desk.fake.fail("dial", "Mediatel did not answer in 5 s")
    assert desk.run(desk.bridge.dial("0441234567", None)) is False
    assert errors == ["That did not work: Mediatel did not answer in 5 s"]


def test_cancelled_and_unexpected_errors_are_sentences_not_tracebacks(desk: Desk) -> None:
    errors = collect(desk.bridge.error)
    desk.fake.raise_in("answer", asyncio.CancelledError())
    assert desk.run(desk.bridge.command(AgentCommand.ANSWER)) is False
    desk.fake.raise_in("hangup", ValueError("boom"))
    assert desk.run(desk.bridge.command(AgentCommand.HANGUP)) is False
    assert errors == [
        "The action was cancelled before it finished.",
        "Something went wrong (ValueError); the details are in the log.",
    ]


def test_sign_in_error_goes_to_its_field(desk: Desk) -> None:
    failures = collect(desk.bridge.sign_in_failed)
    desk.fake.fail_sign_in(SignInError(SignInField.EXTENSION, "Extension 1001 is not yours."))
    request = desk.window.sign_in.request()
    assert desk.run(desk.bridge.sign_in(request)) is False
    assert failures == [("extension", "Extension 1001 is not yours.")]


def test_busy_while_a_command_runs_and_drain_cancels_stragglers(desk: Desk) -> None:
    busy = collect(desk.bridge.busy_changed)

    async def scenario() -> None:
        desk.fake.gates["resume"] = asyncio.Event()  # never set: the server never answers
        task = desk.bridge.command(AgentCommand.RESUME)
        await desk.fake.next_command()
        assert desk.bridge.pending == 1
        await desk.bridge.drain(0.05)
        assert await task is False

    desk.run(scenario())
    assert busy == [True, False]
    assert desk.bridge.pending == 0
