"""The pause menu: the platform's pauses, resume, queued pause, predictive."""

from __future__ import annotations

import dataclasses

from softphone.core.agent_snapshot import Pause
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def test_menu_lists_the_platforms_pauses(desk: Desk) -> None:
    desk.show(scenes.idle())
    button = desk.window.pause_button
    assert [a.text() for a in button.pause_actions.values()] == [
        "Break",
        "Lunch",
        "Meeting",
        "Training",
    ]
    assert all(a.isEnabled() for a in button.pause_actions.values())
    assert not button.resume.isEnabled()
    assert button.resume.toolTip() == "Not available: you are not in a pause"
    desk.show(dataclasses.replace(scenes.idle(), pauses=(Pause(7, "Coaching"),)))
    assert [a.text() for a in button.pause_actions.values()] == ["Coaching"]


def test_choosing_a_pause_and_resuming(desk: Desk) -> None:
    desk.show(scenes.idle())
    button = desk.window.pause_button

    async def scenario() -> None:
        button.pause_actions[2].trigger()
        assert (await desk.fake.next_command()).args == (2,)
        assert not button.pause_actions[2].isChecked()  # until the platform confirms
        desk.show(scenes.paused())
        assert button.pause_actions[2].isChecked()
        assert desk.window.resume_button.isVisible()
        desk.window.resume_button.click()
        assert (await desk.fake.next_command()).name == "resume"
        desk.show(scenes.idle())
        assert not desk.window.resume_button.isVisible()

    desk.run(scenario())


def test_a_pause_during_a_call_is_queued_and_can_be_cancelled(desk: Desk) -> None:
    desk.show(scenes.on_hold())  # next_pause = Meeting
    button = desk.window.pause_button
    assert button.pause_actions[3].text() == "Meeting (next)"
    assert button.cancel_next.isVisible()

    async def scenario() -> None:
        button.cancel_next.trigger()
        assert (await desk.fake.next_command()).name == "cancel_next_pause"

    desk.run(scenario())


def test_predictive_toggle(desk: Desk) -> None:
    desk.show(dataclasses.replace(scenes.idle(), predictive=True))
    button = desk.window.pause_button
    assert button.predictive.isChecked()

    async def scenario() -> None:
        button.predictive.trigger()
        assert (await desk.fake.next_command()).name == "toggle_predictive"

    desk.run(scenario())
    assert button.predictive.isChecked()  # until the snapshot says otherwise
    desk.show(scenes.in_call())
    assert not button.predictive.isEnabled()
    assert button.predictive.toolTip() == "Not available: not during a call"
