"""The session's policies, one by one, with a hand-moved clock."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import pytest

from softphone.core.agent_snapshot import CallType
from softphone.core.auto_answer import AutoAnswer, AutoAnswerRules
from softphone.core.call_refusal import BUSY_CLERICAL, BUSY_IN_CALL, PAUSED, refusal_for
from softphone.core.clerical_reminder import ClericalReminder
from softphone.core.next_pause import NextPause
from softphone.core.registrar_switch import RegistrarSwitch, parse_registrar_list
from softphone.core.screen_pop import ScreenPop, open_in_browser, pop_urls, safe_url
from softphone.core.watchdog import RegistrationWatchdog, choose_pause
from softphone.net.mediatel import Pause, State
from tests.core.agent.fake_clock import FakeClock
from tests.core.agent.states import agent_state

# -- auto-answer ---------------------------------------------------------------


class AA:
    def __init__(self, rules: AutoAnswerRules | None = None, grace: float = 2.0) -> None:
        self.clock = FakeClock()
        self.log: list[tuple[Any, ...]] = []
        self.arming: list[bool] = []  # what the phone was told: answer the next INVITE itself
        self.policy = AutoAnswer(
            self.clock,
            rules or AutoAnswerRules(),
            answer=lambda h, t: self.log.append(("answer", h, t, self.clock.now)),
            scheduled=lambda h, t, at: self.log.append(("scheduled", h, t, at)),
            unannounced=lambda h: self.log.append(("unannounced", h, self.clock.now)),
            armed=self.arming.append,
            grace_s=grace,
        )

    def kinds(self) -> list[str]:
        return [entry[0] for entry in self.log]


def test_announced_call_then_invite_is_answered_at_once() -> None:
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.on_invite("h1")
    # answered first, then told (the snapshot can wait, the caller cannot)
    assert aa.log[0] == ("answer", "h1", CallType.INBOUND, aa.clock.now)
    assert aa.kinds() == ["answer", "scheduled"]


def test_invite_before_its_snapshot_waits_for_it() -> None:
    aa = AA()
    aa.policy.on_state(State.IDLE, CallType.OTHER, asked=False)
    aa.policy.on_invite("h1")
    aa.clock.advance(1.5)
    assert aa.kinds() == []
    aa.policy.on_state(State.CALL_DELIVERED, CallType.PREDICTIVE, asked=False)
    assert aa.kinds() == ["answer", "scheduled"]
    assert aa.log[0][2] is CallType.PREDICTIVE
    aa.clock.advance(5)
    assert aa.kinds() == ["answer", "scheduled"]  # the grace timer was cancelled


def test_an_unannounced_invite_is_never_answered() -> None:
    aa = AA(grace=2.0)
    aa.policy.on_invite("h1")
    aa.clock.advance(1.99)
    assert aa.kinds() == []
    aa.clock.advance(0.02)
    assert aa.kinds() == ["unannounced"]
    # a snapshot that comes later does not answer it (it announces the next INVITE)
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    assert "answer" not in aa.kinds()


def test_makecall_request_announces_only_when_the_agent_asked() -> None:
    aa = AA()
    aa.policy.on_state(State.MAKECALL_REQUEST, CallType.OTHER, asked=False)
    aa.policy.on_invite("h1")
    aa.clock.advance(3)
    assert aa.kinds() == ["unannounced"]
    aa = AA()
    aa.policy.on_state(State.MAKECALL_REQUEST, CallType.OTHER, asked=True)
    aa.policy.on_state(State.CALL_DELIVERED, CallType.MANUAL, asked=True)  # same call
    aa.policy.on_invite("h1")
    aa.policy.on_invite("h2")  # a second INVITE is not covered by the same announcement
    aa.clock.advance(3)
    assert aa.kinds() == ["answer", "scheduled", "unannounced"]
    assert aa.log[0][1] == "h1" and aa.log[0][2] is CallType.MANUAL


def test_an_announcement_expires_when_the_call_state_ends() -> None:
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.on_state(State.PAUSE, CallType.OTHER, asked=False)  # Force Pause: never rang
    aa.policy.on_invite("late")
    aa.clock.advance(3)
    assert aa.kinds() == ["unannounced"]


def test_an_announcement_answered_at_once_arms_the_phone_until_its_invite() -> None:
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    assert aa.arming == [True]
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)  # same call
    assert aa.arming == [True]
    aa.policy.on_invite("h1")
    assert aa.arming == [True, False]
    aa.policy.on_invite("h2")  # no announcement left: nothing armed for it
    assert aa.arming == [True, False]


def test_the_arming_ends_with_the_announcement_the_rules_or_the_session() -> None:
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.on_state(State.PAUSE, CallType.OTHER, asked=False)  # Force Pause: never rang
    assert aa.arming == [True, False]
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.rules = AutoAnswerRules(enabled=False)  # the agent switched auto-answer off
    assert aa.arming == [True, False]
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.rules = AutoAnswerRules(delay_ms=800)
    assert aa.arming == [True, False]
    aa = AA()
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.close()  # sign-out
    assert aa.arming == [True, False]


def test_only_an_announced_call_answered_at_once_arms_the_phone() -> None:
    aa = AA(AutoAnswerRules(delay_ms=500))
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    assert aa.arming == []  # a delayed answer stays with the policy's timer
    inbound_off = AutoAnswerRules(by_type={CallType.MANUAL: True, CallType.INBOUND: False})
    aa = AA(inbound_off)
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    assert aa.arming == []  # the agent answers this type
    aa = AA()
    aa.policy.on_state(State.MAKECALL_REQUEST, CallType.OTHER, asked=False)
    assert aa.arming == []  # not asked for: no announcement
    aa = AA()
    aa.policy.on_invite("h1")  # the INVITE came first: it is answered now, nothing armed
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    assert aa.kinds() == ["answer", "scheduled"] and aa.arming == []


def test_delay_and_per_type_rules() -> None:
    rules = AutoAnswerRules(by_type={CallType.MANUAL: True, CallType.INBOUND: False}, delay_ms=500)
    aa = AA(rules)
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.on_invite("in")
    assert aa.log == [("scheduled", "in", CallType.INBOUND, None)]  # rings for the agent
    aa.policy.on_state(State.IDLE, CallType.OTHER, asked=False)
    aa.policy.on_state(State.CALL_DELIVERED, CallType.MANUAL, asked=False)
    start = aa.clock.now
    aa.policy.on_invite("out")
    assert aa.log[-1] == ("scheduled", "out", CallType.MANUAL, start + 0.5)
    aa.clock.advance(0.49)
    assert aa.kinds()[-1] == "scheduled"
    aa.clock.advance(0.02)
    assert aa.log[-1] == ("answer", "out", CallType.MANUAL, start + 0.5)
    assert AutoAnswerRules(enabled=False).delay_for(CallType.MANUAL) is None


def test_a_call_answered_by_hand_is_not_answered_again() -> None:
    aa = AA(AutoAnswerRules(delay_ms=800))
    aa.policy.on_state(State.CALL_DELIVERED, CallType.INBOUND, asked=False)
    aa.policy.on_invite("h")
    aa.policy.on_call_gone("h")
    aa.clock.advance(2)
    assert aa.kinds() == ["scheduled"]


# -- refusing ------------------------------------------------------------------


def test_refusal_while_the_agent_cannot_talk() -> None:
    assert refusal_for(State.PAUSE, other_call_up=False) == PAUSED
    assert PAUSED.code == 480
    assert refusal_for(State.CLERICAL, other_call_up=False) == BUSY_CLERICAL
    assert refusal_for(State.CALL_ACTIVE, other_call_up=False) == BUSY_IN_CALL
    assert refusal_for(State.IDLE, other_call_up=True) == BUSY_IN_CALL
    assert BUSY_IN_CALL.code == 486
    assert refusal_for(State.IDLE, other_call_up=False) is None


# -- watchdog ------------------------------------------------------------------


class WD:
    def __init__(self, wanted: str | None = None) -> None:
        self.clock = FakeClock()
        self.log: list[Any] = []
        self.dog = RegistrationWatchdog(
            self.clock,
            pause=lambda p: self.log.append(("pause", p.id)),
            resume=lambda: self.log.append("resume"),
            wanted=wanted,
        )


def test_watchdog_pauses_after_15_s_and_resumes_its_own_pause() -> None:
    wd = WD()
    wd.dog.on_state(agent_state(State.IDLE))
    wd.dog.on_registration(False)
    wd.clock.advance(14.9)
    assert wd.log == []
    wd.clock.advance(0.2)
    assert wd.log == [("pause", 3)]  # "Technical Error"
    wd.dog.on_state(agent_state(State.PAUSE, pauseId="3"))
    wd.dog.on_registration(True)
    assert wd.log == [("pause", 3), "resume"]


def test_watchdog_never_lifts_a_pause_the_agent_chose() -> None:
    wd = WD()
    wd.dog.on_state(agent_state(State.IDLE))
    wd.dog.on_registration(False)
    wd.clock.advance(15)
    wd.dog.on_state(agent_state(State.PAUSE, pauseId="3"))
    wd.dog.on_state(agent_state(State.PAUSE, pauseId="2"))  # the agent picked another pause
    wd.dog.on_registration(True)
    assert wd.log == [("pause", 3)]
    wd2 = WD()
    wd2.dog.on_state(agent_state(State.PAUSE, pauseId="1"))
    wd2.dog.on_registration(False)
    wd2.clock.advance(60)
    wd2.dog.on_registration(True)
    assert wd2.log == []


def test_watchdog_counts_only_time_unregistered_while_available() -> None:
    wd = WD()
    wd.dog.on_state(agent_state(State.CALL_ACTIVE))
    wd.dog.on_registration(False)
    wd.clock.advance(10)
    wd.dog.on_registration(True)
    wd.dog.on_state(agent_state(State.IDLE))
    wd.clock.advance(30)
    assert wd.log == []
    wd.dog.on_registration(False)
    wd.clock.advance(10)
    wd.dog.on_registration(True)
    wd.clock.advance(10)
    assert wd.log == []


def test_watchdog_pause_choice() -> None:
    pauses = (Pause(1, "Break"), Pause(7, "TECHNICAL ERROR (auto)"))
    assert choose_pause(pauses) == pauses[1]
    assert choose_pause(pauses, "break") == pauses[0]
    assert choose_pause(pauses, 1) == pauses[0]
    assert choose_pause((Pause(5, "Lunch"),)) == Pause(5, "Lunch")
    assert choose_pause(()) is None


# -- registrar switching -------------------------------------------------------


def test_registrar_switch_waits_for_the_call_to_end() -> None:
    switched: list[tuple[str, ...]] = []
    rs = RegistrarSwitch(("wss://a/ws",), switched.append)
    rs.offer(("wss://a/ws",))
    assert switched == []
    rs.set_busy(True)
    rs.offer(("wss://b/ws",))
    assert switched == [] and rs.pending == ("wss://b/ws",)
    rs.set_busy(False)
    assert switched == [("wss://b/ws",)] and rs.current == ("wss://b/ws",)
    rs.offer(("wss://c/ws", "wss://d/ws"))
    assert switched[-1] == ("wss://c/ws", "wss://d/ws")


def test_registrar_list_parsing() -> None:
    assert parse_registrar_list({"urls": ["wss://a/ws"]}) == ("wss://a/ws",)
    assert parse_registrar_list(["ws://b/ws"]) == ("ws://b/ws",)
    for bad in ([], {"urls": "x"}, ["http://a"], None):
        try:
            parse_registrar_list(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


# -- next state ----------------------------------------------------------------


def test_a_pause_chosen_in_a_call_waits_for_the_call_code() -> None:
    nxt = NextPause()
    assert nxt.must_queue(agent_state(State.CALL_ACTIVE))
    nxt.choose(Pause(1, "Technical Break"))
    assert nxt.due(agent_state(State.CALL_ACTIVE)) is None
    assert nxt.due(agent_state(State.CLERICAL)) is None
    assert nxt.due(agent_state(State.IDLE)) == Pause(1, "Technical Break")
    assert nxt.queued is None
    nxt.choose(Pause(2, "x"))
    assert nxt.cancel() and nxt.due(agent_state(State.IDLE)) is None
    nxt.choose(Pause(2, "x"))
    assert nxt.due(agent_state(State.PAUSE, pauseId="2")) is None and nxt.queued is None


# -- clerical reminder ---------------------------------------------------------


def test_clerical_reminder() -> None:
    clock = FakeClock()
    changes: list[bool] = []
    reminder = ClericalReminder(clock, 30, lambda: changes.append(reminder.due))
    reminder.on_clerical(True, code_chosen=False)
    assert reminder.reminder_at == clock.now + 30
    clock.advance(29)
    assert not reminder.due
    clock.advance(1)
    assert reminder.due and changes == [True]
    reminder.on_clerical(True, code_chosen=True)
    assert not reminder.due and reminder.reminder_at is None
    reminder.on_clerical(True, code_chosen=False)
    reminder.on_clerical(False, code_chosen=False)
    clock.advance(60)
    assert changes == [True]


# -- screen pop ----------------------------------------------------------------


def test_screen_pop_opens_only_http_urls_once_per_call() -> None:
    opened: list[str] = []
    pop = ScreenPop(opened.append)
    state = agent_state(
        State.CALL_DELIVERED,
        crmConnectTarget="https://crm.example/customers/1",
        webServer="javascript:window.external.CRMNavigate('http://crm.example/card?id=2')",
    )
    assert pop.on_call("c1", state) == [
        "https://crm.example/customers/1",
        "http://crm.example/card?id=2",
    ]
    assert pop.on_call("c1", state) == []
    assert len(opened) == 2
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://", "http://a b", None):
        assert safe_url(bad) is None
    evil = agent_state(State.CALL_DELIVERED, crmConnectTarget="javascript:alert(1)")
    assert pop_urls(evil) == []
    off = ScreenPop(opened.append, enabled=False)
    assert off.on_call("c2", state) == []


def test_the_default_screen_pop_opens_the_browser_importing_it_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``open_in_browser`` imports ``webbrowser`` at the first pop (tests/test_imports.py)."""
    opened: list[str] = []
    browser = ModuleType("webbrowser")
    browser.open = lambda url: opened.append(url) or True  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "webbrowser", browser)  # what the pop's import finds
    pop = ScreenPop(open_in_browser)
    state = agent_state(State.CALL_DELIVERED, crmConnectTarget="https://crm.example/customers/1")
    assert pop.on_call("c1", state) == ["https://crm.example/customers/1"]
    assert opened == ["https://crm.example/customers/1"]
