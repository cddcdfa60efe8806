"""The one interface the desktop app, the tray and the CRM integration API use.

``AgentSession`` implements it; UI tests put a fake behind it. It is a
``Protocol`` so that the UI depends on this page, not on the session's
internals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.cti_events import CtiEvent

if TYPE_CHECKING:  # the window's first paint must not wait for the media stack they pull
    from softphone.core.audio_preferences import AudioPreferences
    from softphone.core.auto_answer import AutoAnswerRules

Unsubscribe = Callable[[], None]


@dataclass(frozen=True)
class SignInRequest:
    """What the sign-in panel collects; the rest comes from the server profile."""

    login: str
    password: str = field(repr=False)
    extension: str
    sip_user: str | None = None
    """None: the profile's (or the extension)."""
    sip_password: str | None = field(default=None, repr=False)
    remember: bool = False
    """Store the secrets in the OS keyring for the next start."""


class AgentApi(Protocol):
    @property
    def snapshot(self) -> AgentSnapshot: ...

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Unsubscribe:
        """Call ``callback`` with every new snapshot (at once with the current one)."""
        ...

    def snapshots(self) -> AsyncIterator[AgentSnapshot]:
        """The current snapshot, then every new one."""
        ...

    def subscribe_cti(self, callback: Callable[[CtiEvent], None]) -> Unsubscribe: ...

    async def sign_in(self, request: SignInRequest) -> None:
        """Connect, register, log in; raises ``SignInError`` and leaves nothing open."""
        ...

    async def sign_out(self) -> None:
        """Log out, unregister, disconnect; safe to call in any state."""
        ...

    # Commands: each raises CommandRefused (not allowed now) or CommandFailed.
    async def dial(self, number: str, queue: str | None = None) -> None: ...
    async def answer(self) -> None: ...
    async def reject(self) -> None: ...
    async def hangup(self) -> None: ...
    async def hold(self) -> None: ...
    async def unhold(self) -> None: ...
    async def mute(self) -> None: ...
    async def unmute(self) -> None: ...
    async def dtmf(self, digits: str) -> None: ...
    async def pause(self, pause_id: int) -> None: ...
    async def resume(self) -> None: ...
    async def cancel_next_pause(self) -> None: ...
    async def set_call_code(self, code_id: int) -> None: ...
    async def toggle_predictive(self) -> None: ...
    async def logout(self) -> None: ...
    def set_auto_answer(self, enabled: bool) -> None:
        """The agent's master switch; server-set rules still decide per call type."""
        ...

    def set_auto_answer_rules(self, rules: AutoAnswerRules) -> None:
        """The agent's own rules and delay, for the next announced call (and the next
        sign-in); rules set by the server's per-agent settings stay, but ``enabled``."""
        ...

    def set_audio(self, prefs: AudioPreferences) -> None:
        """Sound devices and microphone processing from the next call, the ring's device
        and volume at once; None fields keep what is in use (``audio_preferences``)."""
        ...

    async def history(self, query: HistoryQuery) -> list[CallRecord]: ...
