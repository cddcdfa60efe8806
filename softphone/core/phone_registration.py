"""The phone's registration and connection as the agent sees them.

A pure translation, kept out of the phone's call logic: the SIP
connection's ups and downs and the user agent's registration events become
the phone's own words (``Registered``, ``RegistrationFailed`` with a reason a
person can act on, ...). Whether the phone is registered is decided here and
nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.sentences import Sentence
from softphone.net.sip_ws import TransportState, TransportStateChanged
from softphone.sip import events as sip

RegistrationEvent = (
    TransportStateChanged | sip.Registered | sip.RegistrationFailed | sip.Unregistered
)


@dataclass
class RegistrationStatus:
    registered: bool = False

    def on_event(self, event: RegistrationEvent) -> list[ev.PhoneEvent]:
        """What to tell the agent about ``event`` (and update ``registered``)."""
        match event:
            case TransportStateChanged():
                return self._on_transport(event)
            case sip.Registered():
                self.registered = True
                return [ev.Registered(event.expires, event.refresh)]
            case sip.RegistrationFailed():
                self.registered = False
                return [ev.RegistrationFailed(failure_reason(event), event.code, event.will_retry)]
            case sip.Unregistered():
                self.registered = False
                return [ev.Unregistered(event.reason)]
            case _:
                assert_never(event)

    def _on_transport(self, change: TransportStateChanged) -> list[ev.PhoneEvent]:
        match change.state:
            case TransportState.CONNECTED:
                return [ev.ConnectionChanged(True, change.url)]
            case TransportState.DISCONNECTED:
                down = ev.ConnectionChanged(False, change.url, change.error, change.retry_in)
                if self.registered:
                    return [down]
                why = change.error or Sentence(S.CANNOT_CONNECT)
                return [down, ev.RegistrationFailed(why, None, will_retry=True)]
            case TransportState.CONNECTING | TransportState.CLOSED:
                return []  # connecting is not news; closed is what aclose() asked for
            case _:
                assert_never(change.state)


def failure_reason(event: sip.RegistrationFailed) -> str:
    """The registrar's refusal in words an agent can act on."""
    if event.code in (401, 403, 407):
        return Sentence(S.SIP_AUTH_FAILED, code=event.code, reason=event.reason)
    return event.reason
