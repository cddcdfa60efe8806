"""What the sans-IO agent model asks of the world: the outputs its driver carries out.

:class:`~softphone.sim.agent_model.AgentModel` never touches a socket or the
telephony; every input leaves zero or more of these in its outbox, in order,
and :class:`~softphone.sim.server.MediatelSimulator` performs them (emit a
``data`` snapshot, ring or hang up an extension). Tests read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from softphone.sim.telephony import RingRequest
from softphone.sim.wire import WireView


@dataclass(frozen=True)
class Publish:
    """Send ``view`` (rendered in the configured wire style) to connection ``sid``."""

    sid: str
    view: WireView


@dataclass(frozen=True)
class Ring:
    """Ring the agent's extension; report the outcome with ``AgentModel.ring_result``."""

    login: str
    request: RingRequest
    timeout: float


@dataclass(frozen=True)
class StopRinging:
    """Give up the agent's ringing extension (CANCEL); no outcome is expected any more."""

    login: str


@dataclass(frozen=True)
class Hangup:
    """Mediatel's side ends the call on the extension (BYE); harmless without a call."""

    extension: str


@dataclass(frozen=True)
class Hold:
    """Mediatel put the customer on hold (``on``) or took them off it."""

    extension: str
    on: bool


Effect = Publish | Ring | StopRinging | Hangup | Hold
