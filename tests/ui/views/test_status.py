"""The status area and the banners: what state, for how long, what is wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from softphone.core.agent_snapshot import LinkHealth, LinkState, PauseView
from softphone.ui.palette import Tone, background
from softphone.ui.views import text
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def test_status_badge_says_the_state_and_counts_the_time(desk: Desk) -> None:
    desk.show(scenes.idle())  # available for 75 s
    badge = desk.window.status.badge
    assert badge.text() == "Available · 1:15"
    desk.tick(50)
    assert badge.text() == "Available · 2:05"
    assert background(Tone.GOOD).name() in badge.styleSheet()
    desk.show(scenes.on_hold())
    assert badge.text().startswith("On hold · ")
    assert background(Tone.HOLD).name() in badge.styleSheet()


def test_agent_and_extension_are_shown(desk: Desk) -> None:
    desk.show(scenes.idle())
    assert desk.window.status.agent.full_text() == "Olena Kovalenko · ext. 1001"


def test_link_health_is_in_words_with_the_reason(desk: Desk) -> None:
    desk.show(scenes.idle())
    status = desk.window.status
    assert "Mediatel" in status.mediatel.text()
    assert "Mediatel: connected" in status.mediatel.toolTip()
    desk.show(scenes.reconnecting())
    assert "Mediatel: reconnecting…" in status.mediatel.text()
    assert "Mediatel closed the connection" in status.mediatel.toolTip()


def test_reconnecting_banner_gives_the_reason_and_counts_down(desk: Desk) -> None:
    desk.show(scenes.idle())
    banner = desk.window.reconnect_banner
    assert not banner.isVisible()
    desk.show(scenes.reconnecting())  # next attempt at NOW + 6
    assert banner.isVisible()
    assert banner.label.text() == (
        "Reconnecting to Mediatel… (Mediatel closed the connection) Next attempt in 6 s."
    )
    desk.tick(4)
    assert banner.label.text().endswith("Next attempt in 2 s.")
    desk.tick(3)
    assert banner.label.text().endswith("Trying now.")
    desk.show(scenes.idle())
    assert not banner.isVisible()


def test_failed_sip_link_is_a_red_banner(desk: Desk) -> None:
    failed = LinkHealth(LinkState.FAILED, reason="the extension's password was refused")
    desk.show(dataclasses.replace(scenes.idle(), sip=failed))
    banner = desk.window.reconnect_banner
    assert banner.isVisible()
    assert banner.tone is Tone.BAD
    assert banner.label.text() == "No connection to SIP. the extension's password was refused"


def test_force_pause_banner_says_why(desk: Desk) -> None:
    desk.show(scenes.paused(forced=True))
    banner = desk.window.pause_banner
    assert banner.isVisible()
    assert banner.label.text() == (
        "The platform put you in a pause (Force Pause)."
        " Reason: the extension did not answer a call."
    )
    assert desk.window.status.badge.text().startswith("Pause: Force Pause · ")
    assert background(Tone.BAD).name() in desk.window.status.badge.styleSheet()


def test_watchdog_pause_says_it_lifts_by_itself(desk: Desk) -> None:
    pause = PauseView(0, "Technical", by_watchdog=True, reason="SIP registration lost for 15 s")
    desk.show(dataclasses.replace(scenes.paused(), pause=pause))
    text = desk.window.pause_banner.label.text()
    assert "phone line is down" in text
    assert "by yourself" in text
    assert "SIP registration lost for 15 s" in text


def test_a_chosen_pause_has_no_banner(desk: Desk) -> None:
    desk.show(scenes.paused())
    assert not desk.window.pause_banner.isVisible()


def test_queued_pause_is_shown_as_next(desk: Desk) -> None:
    desk.show(scenes.on_hold())  # next_pause = Meeting
    label = desk.window.status.next_pause
    assert label.isVisible()
    assert label.text() == "next: Meeting"
    desk.show(scenes.idle())
    assert not label.isVisible()


def test_message_banner_can_be_dismissed(desk: Desk) -> None:
    desk.show(scenes.idle())
    desk.window.show_error("Not now: the platform is busy")
    banner = desk.window.message_banner
    assert banner.isVisible()
    banner.close_button.click()
    assert not banner.isVisible()


def test_notice_is_shown_in_the_status_bar(desk: Desk) -> None:
    desk.show(dataclasses.replace(scenes.idle(), notice="Auto-answer is set by the server."))
    assert desk.window.notice.text() == "Auto-answer is set by the server."


def test_a_long_name_is_cut_but_the_extension_stays(desk: Desk) -> None:
    long_name = dataclasses.replace(scenes.idle(), agent_name="Oleksandra Kovalenko-Shevchenko")
    desk.show(long_name)
    agent = desk.window.status.agent
    agent.resize(150, agent.height())
    assert agent.text().endswith(" · ext. 1001"), agent.text()
    assert agent.text().startswith("Oleksandra") and "…" in agent.text(), agent.text()
    assert agent.toolTip() == "Oleksandra Kovalenko-Shevchenko · ext. 1001"


def test_the_core_phrases_are_still_the_cores(language: str) -> None:
    """Each phrase listed for translators is one the core still writes (not stale)."""
    root = Path(__file__).resolve().parents[3] / "softphone"
    source = "".join(
        path.read_text("utf-8")
        for layer in ("core", "net", "sip")
        for path in (root / layer).rglob("*.py")
    )
    for phrase in text.CORE_PHRASES:
        assert f'"{phrase}"' in source, phrase
        assert (text.core_phrase(phrase) == phrase) is (language == "en"), (language, phrase)
    assert text.core_phrase("something new") == "something new"


def test_the_banner_gives_the_reason_in_the_windows_language(desk: Desk, language: str) -> None:
    desk.show(scenes.reconnecting())
    shown = desk.window.reconnect_banner.label.text()
    expected = {
        "en": "(Mediatel closed the connection)",
        "uk": "(Mediatel закрив з’єднання)",
        "ru": "(Mediatel закрыл соединение)",
    }[language]
    assert expected in shown, shown
