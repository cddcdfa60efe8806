"""A gateway token that expires while the agent is signed in: fetch the profile once more.

The gateway in front of Mediatel and the SIP WebSocket admits a connection
on the JWT the CRM back end provisioned (seed 003 §5). It is checked at each
handshake, so an expired token shows only when a connection drops and its
reconnect is refused with 401/403 -- and then every retry is refused again,
and the agent sits with a dead link. So on such a refusal the session
fetches the provisioned profile once more (the back end hands out a fresh
token), and the reconnects, which read the token at each handshake, carry
the new one -- on both links, so one fetch serves both. Once per outage: a
new token the gateway refuses too is not fetched in a loop; the agent is
told instead, and a link that comes back up re-arms it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from softphone.core import sentences as S
from softphone.core.agent_commands import AgentError
from softphone.core.sentences import Sentence

log = logging.getLogger(__name__)


def refused_by_gateway(cause: str | None) -> bool:
    """Whether a connection error says the gateway refused (HTTP 401 or 403)."""
    return bool(cause) and any(f"HTTP {code}" in str(cause) for code in (401, 403))


class GatewayRefresh:
    def __init__(
        self, fetch: Callable[[], Awaitable[bool]] | None, note: Callable[[str], None]
    ) -> None:
        """``fetch`` re-provisions and says whether the gateway token changed."""
        self._fetch = fetch
        self._note = note
        self._spent = False
        self.fetches = 0

    @property
    def enabled(self) -> bool:
        return self._fetch is not None

    def wanted(self) -> bool:
        return self._fetch is not None and not self._spent

    async def refused(self, link: str) -> None:
        """The gateway refused ``link``'s reconnect ("Mediatel" or "SIP")."""
        if self._fetch is None or self._spent:
            return
        self._spent = True
        self.fetches += 1
        try:
            changed = await self._fetch()
        except AgentError as exc:
            self._note(Sentence(S.GATEWAY_REFRESH_FAILED, link=link, error=exc))
            return
        except Exception as exc:  # a network error must not end the session's task
            log.warning("re-provisioning failed: %s", exc)
            self._note(Sentence(S.GATEWAY_REFRESH_FAILED, link=link, error=exc))
            return
        if changed:
            self._note(Sentence(S.GATEWAY_NEW_TOKEN, link=link))
        else:
            self._note(Sentence(S.GATEWAY_SAME_TOKEN, link=link))

    def recovered(self) -> None:
        """A link is up again: a later refusal may fetch once more."""
        self._spent = False
