"""What the agent is told about the connection and the registration, event by event."""

from __future__ import annotations

from softphone.core import phone_events as ev
from softphone.core.phone_registration import RegistrationStatus
from softphone.net.sip_ws import TransportState, TransportStateChanged
from softphone.sip import events as sip

URL = "wss://pbx.example.com/ws"


def down(error: str | None = "connection refused") -> TransportStateChanged:
    return TransportStateChanged(TransportState.DISCONNECTED, URL, error, retry_in=2.0)


def test_a_failed_connection_before_registering_is_a_failed_registration() -> None:
    status = RegistrationStatus()
    assert status.on_event(TransportStateChanged(TransportState.CONNECTING, URL)) == []
    assert status.on_event(down()) == [
        ev.ConnectionChanged(False, URL, "connection refused", 2.0),
        ev.RegistrationFailed("connection refused", None, will_retry=True),
    ]


def test_a_drop_while_registered_is_only_a_connection_change() -> None:
    status = RegistrationStatus()
    assert status.on_event(TransportStateChanged(TransportState.CONNECTED, URL)) == [
        ev.ConnectionChanged(True, URL)
    ]
    assert status.on_event(sip.Registered(300, "<sip:1001@x.invalid>", False)) == [
        ev.Registered(300, False)
    ]
    assert status.registered
    assert status.on_event(down(None)) == [ev.ConnectionChanged(False, URL, None, 2.0)]
    assert status.on_event(sip.Unregistered("connection lost")) == [
        ev.Unregistered("connection lost")
    ]
    assert not status.registered


def test_a_refused_registration_says_what_to_check() -> None:
    status = RegistrationStatus(registered=True)
    (failed,) = status.on_event(sip.RegistrationFailed(403, "Forbidden", will_retry=False))
    assert failed == ev.RegistrationFailed(
        "authentication failed (403 Forbidden): check the user and password", 403, False
    )
    assert not status.registered
    (other,) = status.on_event(sip.RegistrationFailed(None, "timed out", will_retry=True))
    assert other == ev.RegistrationFailed("timed out", None, True)


def test_closing_is_not_news() -> None:
    assert RegistrationStatus().on_event(TransportStateChanged(TransportState.CLOSED, URL)) == []
